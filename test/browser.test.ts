import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { demoRepo, ordersRepo } from '@gatehouse/db';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, SYSTEM, signedInMe, startTestServer } from './support/harness.ts';

/**
 * The built SPA (pnpm test builds it first) in Debian's chromium against the real server.
 * Screenshots land in test-results/ as artifacts to look at.
 */
const SHOTS = path.resolve(import.meta.dirname, '../test-results');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let customer: Awaited<ReturnType<typeof createPartyWithUser>>;
let other: Awaited<ReturnType<typeof createPartyWithUser>>;
const problems: string[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  srv = await startTestServer();
  customer = await createPartyWithUser(srv.db, 'customer', ['customer-user']);
  other = await createPartyWithUser(srv.db, 'customer', ['customer-user']);
  await srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 75, 'EUR');
    await demoRepo.generateOrders(tx, other.partyId, 20, 'USD');
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function newPage(width = 1280, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${srv.origin}/`);
  await page.waitForURL(/\/sign-in/);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.keyboard.press('Enter');
}

describe('the SPA in a real browser', () => {
  it('is served with edge-friendly cache rules', async () => {
    const index = await fetch(`${srv.origin}/orders`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toMatch(/no-(store|cache)/);
    const html = await index.text();
    const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    const js = await fetch(`${srv.origin}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    expect((await fetch(`${srv.origin}/assets/missing-abc123.js`)).status).toBe(404);
  });

  it('a wrong password shows the one generic message', async () => {
    const page = await newPage();
    await signIn(page, customer.email, 'definitely-not-it');
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain('Email or password is incorrect.');
    await page.close();
  });

  it('a customer signs in, sees only its own orders, opens one, then its invoices', async () => {
    const page = await newPage();
    await signIn(page, customer.email, customer.password);
    await page.waitForURL(/\/orders$/);
    await page.locator('[data-testid="order-row"]').first().waitFor();
    const first = await srv.db.read({ kind: 'party', partyId: customer.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 50 }),
    );
    const shown = await page.locator('[data-testid="order-row"]').count();
    expect(shown).toBe(50);
    const text = await page.locator('[data-testid="orders-table"]').textContent();
    expect(text).toContain(first.items[0]?.number);
    expect(text).not.toContain('USD'); // the other party's currency never shows
    await page.screenshot({ path: path.join(SHOTS, 'orders-list.png'), fullPage: true });

    await page.getByRole('button', { name: /load more/i }).click();
    await expect.poll(() => page.locator('[data-testid="order-row"]').count()).toBe(75);

    await page.locator('[data-testid="order-row"] a').first().click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    // The heading says "Order" while loading, then the number: wait for the loaded state.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(first.items[0]?.number);
    await page.screenshot({ path: path.join(SHOTS, 'order-detail.png'), fullPage: true });

    await page
      .getByRole('link', { name: /invoices/i })
      .first()
      .click();
    await page.waitForURL(/\/invoices$/);
    await page.locator('[data-testid="invoices-table"]').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'invoices-list.png'), fullPage: true });
    await page.close();
  });

  it("another party's order id shows not found", async () => {
    const theirs = await srv.db.read({ kind: 'party', partyId: other.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 1 }),
    );
    const page = await newPage();
    await signIn(page, customer.email, customer.password);
    await page.waitForURL(/\/orders$/);
    await page.goto(`${srv.origin}/orders/${theirs.items[0]?.id}`);
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toMatch(/not found/i);
    await page.close();
  });

  it('works on a phone-sized screen', async () => {
    const page = await newPage(375, 812);
    await signIn(page, customer.email, customer.password);
    await page.waitForURL(/\/orders$/);
    await page.locator('[data-testid="order-row"]').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'orders-mobile.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await page.close();
  });

  it('an ended session sends the user back to sign-in', async () => {
    const page = await newPage();
    await signIn(page, customer.email, customer.password);
    await page.waitForURL(/\/orders$/);
    srv.clock.advance(13 * 3_600_000);
    await page.goto(`${srv.origin}/invoices`);
    await page.waitForURL(/\/sign-in/);
    srv.clock.advance(-13 * 3_600_000);
    await page.close();
  });

  it('the profile lists sessions, signs out another one and changes the password', async () => {
    const user = await createPartyWithUser(srv.db, 'customer', ['customer-user']);
    const page = await newPage();
    await signIn(page, user.email, user.password);
    await page.waitForURL(/\/orders$/);
    // A second session elsewhere, from another kind of device.
    const second = client(srv.origin, {
      headers: {
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
    });
    signedInMe(await second.auth.login.mutate({ email: user.email, password: user.password }));

    await page.locator('[data-testid="nav-profile"]').click();
    await page.waitForURL(/\/profile$/);
    const rows = page.locator('[data-testid="session-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('[data-testid="this-device"]').count()).toBe(1);
    expect(await page.locator('[data-testid="session-row"][data-current="true"]').textContent()).toContain(
      'Chrome on Linux',
    );

    await page.screenshot({ path: path.join(SHOTS, 'profile-sessions.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out session from Firefox on macOS' }).click();
    await expect
      .poll(() => page.locator('[data-testid="sessions-status"]').textContent())
      .toContain('Signed out the session from Firefox on macOS.');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await codeOf(second.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await page.locator('[data-testid="revoke-others"]').isDisabled()).toBe(true);

    // Rules are checked before anything is sent.
    await page.fill('input[name="currentPassword"]', user.password);
    await page.fill('input[name="newPassword"]', 'short');
    await page.fill('input[name="confirmPassword"]', 'short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.locator('[data-testid="password-error"]').textContent())
      .toBe('Use at least 12 characters.');

    // A wrong current password is the server's 400, which Chromium logs as a failed load: expected here.
    const newPassword = 'correct horse battery staple';
    const logged = problems.length;
    await page.fill('input[name="currentPassword"]', 'not-my-password');
    await page.fill('input[name="newPassword"]', newPassword);
    await page.fill('input[name="confirmPassword"]', newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.locator('[data-testid="password-error"]').textContent())
      .toBe('Your current password is not correct.');
    problems.push(...problems.splice(logged).filter((p) => !/status of 400/.test(p)));

    await page.fill('input[name="currentPassword"]', user.password);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid="password-changed"]').textContent())
      .toBe('Password changed. You were signed out everywhere else.');
    expect(await page.locator('[data-testid="password-error"]').count()).toBe(0);
    expect(await page.inputValue('input[name="currentPassword"]')).toBe('');
    expect(await page.inputValue('input[name="newPassword"]')).toBe('');
    await expect.poll(() => rows.count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'profile.png'), fullPage: true });

    // Only the new password works; this browser stayed signed in (a new session cookie).
    const third = client(srv.origin);
    expect(await codeOf(third.auth.login.mutate({ email: user.email, password: user.password }))).toBe('UNAUTHORIZED');
    signedInMe(await third.auth.login.mutate({ email: user.email, password: newPassword }));
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'profile-mobile.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await page.locator('[data-testid="revoke-others"]').click();
    await expect
      .poll(() => page.locator('[data-testid="sessions-status"]').textContent())
      .toContain('Signed out 1 other session.');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await codeOf(third.auth.me.query())).toBe('UNAUTHORIZED');
    await page.close();
  });

  it('raised no console errors and no CSP violations', () => {
    expect(
      problems.filter((p) => !/Failed to load resource: the server responded with a status of 404/.test(p)),
    ).toEqual([]);
  });
});
