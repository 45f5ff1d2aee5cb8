import { readFile } from 'node:fs/promises';
import { demoRepo, freeLoopbackPort } from '@gatehouse/db';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { startEdge } from './support/edge.ts';
import { pdfBytes } from './support/files.ts';
import { createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * The SPA at the edge (docs/edge.md), in Debian's chromium: the same web/dist served by a separate static
 * server on another port, (1) routing /trpc and /files to Gatehouse (one origin), (2) on its own origin
 * with config.json naming the API and CORS_ORIGINS admitting it, and (3) a page of an origin nobody
 * configured, which gets nothing even from a browser holding a live session.
 */
type Edge = Awaited<ReturnType<typeof startEdge>>;
const ports = { one: 0, own: 0 };
const env: Record<string, string> = {};
let oneOrigin: Edge;
let ownOrigin: Edge;
let strange: Edge;
let badConfig: Edge;
let customer: Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Awaited<ReturnType<typeof createPartyWithUser>>;
let orderNumbers: string[];

// The edges' origins must be known before Gatehouse starts (PUBLIC_ORIGIN, CORS_ORIGINS): ports first.
beforeAll(async () => {
  ports.one = await freeLoopbackPort();
  ports.own = await freeLoopbackPort();
  env.PUBLIC_ORIGIN = `http://localhost:${ports.one}`;
  env.CORS_ORIGINS = `http://localhost:${ports.own}`;
});
const s = useBrowserSuite(env);

beforeAll(async () => {
  const api = s.srv.origin;
  oneOrigin = await startEdge({ port: ports.one, proxyTo: api });
  ownOrigin = await startEdge({ port: ports.own, config: { apiOrigin: api }, connectSrc: api });
  // Same site as the others (localhost), same build, same config and CSP: only CORS_ORIGINS lacks it.
  strange = await startEdge({ config: { apiOrigin: api }, connectSrc: api });
  badConfig = await startEdge({ config: { apiOrigin: `${api}/trpc` }, connectSrc: api });
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await s.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, customer.partyId, 30, 'EUR'));
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await owner`update parties set supplier_category = 'manufacturing' where id = ${supplier.partyId}`;
    const rows = await owner`select number from orders where party_id = ${customer.partyId}`;
    orderNumbers = rows.map((r) => r.number as string);
  } finally {
    await owner.end();
  }
});

afterAll(async () => {
  await Promise.all([oneOrigin, ownOrigin, strange, badConfig].map((e) => e?.close()));
});

/** Every URL the page asked for, in order. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}

async function listOrders(page: Page): Promise<string[]> {
  await navTo(page, 'nav-orders');
  await page.waitForURL(/\/orders$/);
  await page.waitForSelector('[data-testid="order-row"]');
  return page.$$eval('[data-testid="order-row"]', (rows) => rows.map((r) => r.textContent ?? ''));
}

async function sessionCount(): Promise<number> {
  const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await owner`select count(*)::int as n from sessions where user_id = ${customer.userId}`;
    return row?.n ?? 0;
  } finally {
    await owner.end();
  }
}

/**
 * A supplier admin, signed in at `origin`, uploads a certificate of `typeKey` and downloads it from the
 * document's history: the bytes come back as sent, and the page stays on the SPA.
 */
async function uploadAndDownload(origin: string, typeKey: string) {
  const page = await newPage(s, { acceptDownloads: true });
  const urls = recordRequests(page);
  const row = `[data-testid="document-row"][data-type-key="${typeKey}"]`;
  await signIn(page, origin, supplier.email, supplier.password);
  await navTo(page, 'nav-documents');
  await page.waitForSelector(row);
  await page.click(`${row} [data-testid="document-upload"]`);
  await page.waitForSelector('[data-testid="upload-dialog"][open]');
  const file = pdfBytes(30_000, typeKey);
  await page.setInputFiles('#upload-file', {
    name: `${typeKey} at the edge.pdf`,
    mimeType: 'application/pdf',
    buffer: file,
  });
  await page.fill('#upload-expiry', new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10));
  await page.click('[data-testid="upload-submit"]');
  await page.waitForSelector('[data-testid="upload-dialog"]', { state: 'detached' });
  expect(await page.textContent('[data-testid="documents-announcement"]')).toMatch(/uploaded as version 1/);
  // The version's file: a navigation to the minted link, saved as an attachment.
  await page.click(`${row} [data-testid="document-link"]`);
  await page.waitForSelector('[data-testid="version-download"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="version-download"]')]);
  expect(download.suggestedFilename()).toBe(`${typeKey} at the edge.pdf`);
  expect((await readFile(await download.path())).equals(file)).toBe(true);
  expect(page.url().startsWith(`${origin}/documents/`)).toBe(true);
  expect(s.problems).toEqual([]);
  await page.context().close();
  return { downloadUrl: download.url(), urls };
}

describe('the SPA at the edge', () => {
  it('edge in front, one origin: the static server routes /trpc to Gatehouse; sign in and list orders', async () => {
    const page = await newPage(s);
    const urls = recordRequests(page);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await signIn(page, oneOrigin.origin, customer.email, customer.password);
    const rows = await listOrders(page);
    // config.json once per load: the preload in index.html is the request the SPA uses.
    expect(urls.filter((u) => u.endsWith('/config.json'))).toEqual([`${oneOrigin.origin}/config.json`]);
    expect(warnings.filter((w) => /preload/i.test(w))).toEqual([]);
    expect(oneOrigin.requests.filter((r) => r.url === '/config.json').length).toBe(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((text) => orderNumbers.some((n) => text.includes(n)))).toBe(true);
    await shot(page, 'edge-one-origin-orders');
    // The browser spoke to the edge only; the edge passed the API calls on and served the files itself.
    expect(urls.every((u) => u.startsWith(`${oneOrigin.origin}/`))).toBe(true);
    expect(oneOrigin.requests.some((r) => r.proxied && r.url === '/trpc/auth.login')).toBe(true);
    expect(oneOrigin.requests.some((r) => r.proxied && r.url.startsWith('/trpc/orders.list'))).toBe(true);
    expect(oneOrigin.requests.some((r) => !r.proxied && r.url === '/config.json')).toBe(true);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });

  it('SPA on its own origin: config.json names the API, CORS_ORIGINS admits it; sign in and list orders', async () => {
    const page = await newPage(s);
    const urls = recordRequests(page);
    await signIn(page, ownOrigin.origin, customer.email, customer.password);
    const rows = await listOrders(page);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((text) => orderNumbers.some((n) => text.includes(n)))).toBe(true);
    await shot(page, 'edge-own-origin-orders');
    // Files from the SPA's origin, every API call to the API's origin; the edge itself never saw one.
    const api = urls.filter((u) => u.includes('/trpc/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((u) => u.startsWith(`${s.srv.origin}/trpc/`))).toBe(true);
    expect(urls.filter((u) => !u.includes('/trpc/')).every((u) => u.startsWith(`${ownOrigin.origin}/`))).toBe(true);
    expect(ownOrigin.requests.some((r) => r.url.startsWith('/trpc'))).toBe(false);
    // The session cookie is the API's, as strict as ever: HttpOnly, SameSite=Lax (same site: localhost).
    const cookies = await page.context().cookies(s.srv.origin);
    expect(cookies.find((c) => c.name === 'gh_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // Signing out works across origins too.
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL(/\/sign-in/);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });

  it('edge in front, one origin: a supplier uploads a certificate and downloads it, through the edge', async () => {
    const { downloadUrl, urls } = await uploadAndDownload(oneOrigin.origin, 'iso-14001');
    expect(downloadUrl.startsWith(`${oneOrigin.origin}/files/download/`)).toBe(true);
    expect(urls.every((u) => u.startsWith(`${oneOrigin.origin}/`))).toBe(true);
    expect(oneOrigin.requests.some((r) => r.proxied && r.method === 'POST' && r.url === '/files/documents')).toBe(true);
    expect(oneOrigin.requests.some((r) => r.proxied && r.url.startsWith('/files/download/'))).toBe(true);
  });

  it('SPA on its own origin: a supplier uploads a certificate to the API origin and downloads it again', async () => {
    const { downloadUrl, urls } = await uploadAndDownload(ownOrigin.origin, 'iso-9001');
    expect(downloadUrl.startsWith(`${s.srv.origin}/files/download/`)).toBe(true);
    const uploads = urls.filter((u) => u.includes('/files/documents'));
    expect(uploads.length).toBe(1);
    expect(uploads[0]?.startsWith(`${s.srv.origin}/`)).toBe(true);
    expect(ownOrigin.requests.some((r) => r.url.startsWith('/files/'))).toBe(false);
  });

  it('a page of an origin that is not configured gets nothing, even beside a live session', async () => {
    // A browser signed in through the configured origin: its session cookie is there to be abused.
    const good = await newPage(s);
    await signIn(good, ownOrigin.origin, customer.email, customer.password);
    const context = good.context();
    const before = await sessionCount();

    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(`${strange.origin}/orders`);
    // The SPA cannot even learn who is signed in: it says Gatehouse cannot be reached, and shows no data.
    await page.waitForSelector('text=Gatehouse is not available');
    expect(await page.textContent('body')).toContain('Gatehouse could not be reached');
    expect(await page.locator('[data-testid="order-row"]').count()).toBe(0);
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(0);
    expect(consoleLines.some((l) => /blocked by CORS policy/.test(l))).toBe(true);
    await shot(page, 'edge-strange-origin');

    // Its own script, with the cookie the browser holds: reads fail, a sign-in is refused before it runs.
    const attempts = await page.evaluate(
      async ({ api, email, password }) => {
        const outcome = async (p: Promise<Response>) => {
          try {
            const res = await p;
            return `read ${res.status}: ${await res.text()}`;
          } catch (e) {
            return `failed: ${(e as Error).name}`;
          }
        };
        return {
          list: await outcome(fetch(`${api}/trpc/orders.list?input=%7B%7D`, { credentials: 'include' })),
          login: await outcome(
            fetch(`${api}/trpc/auth.login`, {
              method: 'POST',
              credentials: 'include',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email, password }),
            }),
          ),
          // A "simple" request needs no preflight: the server still refuses it by its Origin.
          form: await outcome(
            fetch(`${api}/trpc/auth.logout`, { method: 'POST', credentials: 'include', mode: 'no-cors' }),
          ),
        };
      },
      { api: s.srv.origin, email: customer.email, password: customer.password },
    );
    expect(attempts.list).toBe('failed: TypeError');
    expect(attempts.login).toBe('failed: TypeError');
    // Not even an opaque answer: Cross-Origin-Resource-Policy: same-origin (helmet) blocks it too.
    expect(attempts.form).toBe('failed: TypeError');
    // Nothing ran: no session made by the sign-in, and the live one was not signed out.
    expect(await sessionCount()).toBe(before);
    await good.reload();
    await good.waitForSelector('[data-testid="sign-out"]');
    expect(s.problems).toEqual([]);
    await context.close();
  });

  it('a static host without config.json (404): the SPA takes its own origin for the API', async () => {
    const bare = await startEdge({ port: await freeLoopbackPort(), proxyTo: s.srv.origin, config: null });
    try {
      const page = await newPage(s);
      const urls = recordRequests(page);
      await page.goto(`${bare.origin}/orders`);
      // auth.session answered through the edge (signed out): the SPA sends the visitor to sign in.
      await page.waitForURL(/\/sign-in/);
      await page.waitForSelector('input[name="email"]');
      expect(bare.requests.some((r) => !r.proxied && r.url === '/config.json')).toBe(true);
      expect(bare.requests.some((r) => r.proxied && r.url.startsWith('/trpc/auth.session'))).toBe(true);
      expect(urls.every((u) => u.startsWith(`${bare.origin}/`))).toBe(true);
      expect(s.problems).toEqual([]); // the 404 is the only console line, and an expected one
      await page.context().close();
    } finally {
      await bare.close();
    }
  });

  it('a config.json naming something other than an origin is an error in words, not a silent fallback', async () => {
    const page = await newPage(s);
    await page.goto(`${badConfig.origin}/`);
    await page.waitForSelector('text=Gatehouse is not available');
    expect(await page.textContent('body')).toContain(
      "This site's configuration (config.json) names an API origin that cannot be used",
    );
    expect(badConfig.requests.some((r) => r.url.startsWith('/trpc'))).toBe(false);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});
