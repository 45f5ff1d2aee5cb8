import { formatMinor } from '@gatehouse/contract';
import { type DemoSignIn, seedDemo } from '@gatehouse/server/testing';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser, signedInMe } from './support/harness.ts';

/**
 * Every role's home in the built SPA: the eight demo roles sign in and land on their work, with the
 * counts of the seeded data (screenshots at 1366 px and 390 px in test-results/); a forbidden deep link
 * shows the no-access page; the grouped navigation stays one row at 1366 px; and the system admin's
 * first-run checklist on an installation without demo data, before and after the fix-ups.
 */
const s = useBrowserSuite();
let owner: postgres.Sql;
let demo: DemoSignIn[];

const as = (role: string, party?: string) => {
  const found = demo.find((d) => d.role === role && (!party || d.party.startsWith(party)));
  if (!found) throw new Error(`no demo ${role}`);
  return found;
};
const n = (v: number) => v.toLocaleString('en-GB');
const stat = (page: Page, id: string) => page.locator(`[data-testid="stat-${id}"] [data-testid="stat-value"]`);
const one = async (q: Promise<postgres.RowList<postgres.Row[]>>) => Number((await q)[0]?.n);
const partyOf = async (email: string) =>
  String((await owner`select party_id from users where email = ${email}`)[0]?.party_id);

beforeAll(async () => {
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
});

/** Signs in at 1366 px, waits for the home's sections, and returns the page. */
async function home(who: { email: string; password: string }) {
  const page = await newPage(s, { width: 1366, height: 900 });
  await signIn(page, s.srv.origin, who.email, who.password);
  await page.waitForURL(/\/$/);
  await page.locator('[data-testid="home-sections"]').waitFor();
  return page;
}

/** Screenshots at 1366 px and at 390 px, with no sideways scrolling on the phone. */
async function shots(page: Page, name: string) {
  await shot(page, `home-${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid="home-sections"]').waitFor();
  expect(await overflows(page)).toBe(false);
  await shot(page, `home-${name}-390`);
}

describe('the demo roles each land on their work', () => {
  beforeAll(async () => {
    demo = await seedDemo(s.srv.db);
    // Something for the approver: an operator asks for a credit note, the approver has an EUR limit.
    const approver = as('approver');
    await owner`insert into approver_limits (user_id, currency, max_minor)
                select id, 'EUR', 10000000 from users where email = ${approver.email}`;
    const op = client(s.srv.origin);
    signedInMe(await op.auth.login.mutate(as('operator')));
    await op.approvals.submit.mutate({
      type: 'credit-note',
      partyId: await partyOf(as('customer-user', 'Acme').email),
      currency: 'EUR',
      amountMinor: '125000',
      reason: 'Damaged pallet on delivery',
    });
  });

  it('customer user: overdue per currency, open orders, shipments on their way', async () => {
    const who = as('customer-user', 'Acme');
    const party = await partyOf(who.email);
    const page = await home(who);
    const [overdue] = await owner`select sum(open_minor)::text as amount from invoices
      where party_id = ${party} and status = 'open' and open_minor > 0 and due_date < current_date`;
    expect(await stat(page, 'overdue-EUR').textContent()).toBe(formatMinor(String(overdue?.amount), 'EUR'));
    expect(await stat(page, 'overdue-EUR').textContent()).toMatch(/^[\d,]+\.\d{2} EUR$/);
    const open = await one(owner`select count(*)::int as n from orders where party_id = ${party} and status = 'open'`);
    expect(open).toBeGreaterThan(0);
    expect(await stat(page, 'open-orders').textContent()).toBe(n(open));
    const transit = await one(
      owner`select count(*)::int as n from shipments where party_id = ${party} and status = 'in-transit'`,
    );
    expect(await stat(page, 'in-transit').textContent()).toBe(n(transit));
    expect(await page.locator('[data-testid="home-recent-shipments"] li').count()).toBe(3);
    expect(await page.locator('[data-testid="home-people"]').count()).toBe(0);
    await shots(page, 'customer-user');
    // The count opens the list filtered the same way.
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.click('[data-testid="stat-open-orders"]');
    await page.waitForURL(/\/orders\?status=open$/);
    await page.locator('[data-testid="order-row"]').first().waitFor();
    expect(await page.locator('#orders-status').inputValue()).toBe('open');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('customer admin: the account, plus its users, invitations and locked accounts', async () => {
    const who = as('customer-admin', 'Acme');
    const party = await partyOf(who.email);
    // The account's user mistypes a password five times in a row: that sign-in is blocked for a while.
    const user = as('customer-user', 'Acme');
    for (let i = 0; i < 5; i++) {
      await client(s.srv.origin)
        .auth.login.mutate({ email: user.email, password: 'not-the-password' })
        .catch(() => undefined);
    }
    const page = await home(who);
    const active = await one(
      owner`select count(*)::int as n from users where party_id = ${party} and status = 'active'`,
    );
    expect(active).toBe(2);
    expect(await stat(page, 'users-active').textContent()).toBe('2');
    expect(await stat(page, 'users-invited').textContent()).toBe('0');
    expect(await stat(page, 'users-locked').textContent()).toBe('1');
    expect(await stat(page, 'open-orders').count()).toBe(1);
    await shots(page, 'customer-admin');
    // The count opens the users list filtered to blocked sign-ins.
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.click('[data-testid="stat-users-locked"]');
    await page.waitForURL(/\/users\?locked=1$/);
    await expect.poll(() => page.locator('[data-testid="user-row"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="user-row"]')).toContain(user.email);
    expect(await page.isChecked('[data-testid="users-locked-only"]')).toBe(true);
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('supplier user: purchase orders to acknowledge and documents missing or expiring', async () => {
    const who = as('supplier-user', 'Castor');
    const party = await partyOf(who.email);
    const page = await home(who);
    const toAck = await one(
      owner`select count(*)::int as n from purchase_orders where party_id = ${party} and status = 'open'`,
    );
    expect(toAck).toBeGreaterThan(0);
    expect(await stat(page, 'to-acknowledge').textContent()).toBe(n(toAck));
    const api = client(s.srv.origin);
    signedInMe(await api.auth.login.mutate(who));
    const docs = (await api.documents.requirements.query({})).items;
    const missing = docs.filter((d) => d.status === 'missing' || d.status === 'rejected').length;
    expect(missing).toBeGreaterThan(0);
    expect(await stat(page, 'documents-missing').textContent()).toBe(String(missing));
    expect(await stat(page, 'pending-change-requests').count()).toBe(0); // that is the admin's
    await shots(page, 'supplier-user');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('supplier admin: the same, plus pending change requests and its users', async () => {
    const who = as('supplier-admin', 'Castor');
    const page = await home(who);
    expect(await stat(page, 'pending-change-requests').textContent()).toBe('0');
    expect(await stat(page, 'users-active').textContent()).toBe('2');
    expect(await stat(page, 'to-acknowledge').count()).toBe(1);
    await shots(page, 'supplier-admin');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('operator: the work queue counts', async () => {
    const page = await home(as('operator'));
    const docs = await one(
      owner`select count(*)::int as n from document_versions where status in ('submitted', 'under-review')`,
    );
    const crs = await one(owner`select count(*)::int as n from change_requests where status = 'pending'`);
    expect(await stat(page, 'queue-documents').textContent()).toBe(n(docs));
    expect(await stat(page, 'queue-change-requests').textContent()).toBe(n(crs));
    const users = await one(owner`select count(*)::int as n from users where status = 'active'`);
    expect(await stat(page, 'users-active').textContent()).toBe(n(users));
    await shots(page, 'operator');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('approver: what waits for them, with amount and age', async () => {
    const page = await home(as('approver'));
    expect(await stat(page, 'approvals-waiting').textContent()).toBe('1');
    const item = page.locator('[data-testid="home-approval"]');
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain('1,250.00 EUR');
    expect(await item.textContent()).toContain('Acme Retail (demo)');
    expect(await item.textContent()).toMatch(/waiting for (less than a minute|\d+ minutes?)$/);
    await shots(page, 'approver');
    await page.setViewportSize({ width: 1366, height: 900 });
    await item.locator('a').click();
    await page.waitForURL(/\/approvals\/[0-9a-f-]{36}$/);
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('auditor: open alerts, the audit chain, recent denials', async () => {
    const page = await home(as('auditor'));
    const alerts = await one(owner`select count(*)::int as n from alerts where acknowledged_at is null`);
    expect(await stat(page, 'open-alerts').textContent()).toBe(n(alerts));
    const denied = await one(
      owner`select count(*)::int as n from audit_events where action = 'access.denied' and at > now() - interval '7 days'`,
    );
    expect(await stat(page, 'denials').textContent()).toBe(n(denied));
    await page.locator('[data-testid="home-chain-status"]').waitFor();
    expect(await page.getAttribute('[data-testid="home-chain-status"]', 'data-ok')).toBe('true');
    expect(await page.textContent('[data-testid="home-chain-status"]')).toMatch(/Audit chain intact: [\d,]+ entries/);
    // The walk reads every entry: once per visit to the app, again only when asked.
    const walks: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('audit.verify')) walks.push(r.url());
    });
    await navTo(page, 'nav-users');
    await page.waitForURL(/\/users$/);
    await page.click('a.brand');
    await page.locator('[data-testid="home-chain-status"]').waitFor();
    expect(walks).toHaveLength(0);
    await page.click('[data-testid="home-chain-again"]');
    await expect.poll(() => walks.length).toBe(1);
    await page.locator('[data-testid="home-chain-status"]').waitFor();
    expect(await page.textContent('[data-testid="home-posture-counts"]')).toMatch(/\d+ need action/);
    expect(await page.locator('[data-testid="home-checklist"]').count()).toBe(0);
    await shots(page, 'auditor');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('system admin: the first-run checklist and the posture', async () => {
    const page = await home(as('system-admin'));
    const done = async (key: string) =>
      page.getAttribute(`[data-testid="checklist-item"][data-key="${key}"]`, 'data-done');
    expect(await done('approver')).toBe('true'); // the demo has one
    expect(await done('auditor')).toBe('true');
    expect(await done('approval-limits')).toBe('true'); // set above
    expect(await done('two-factor')).toBe('false');
    expect(await done('mail')).toBe('false');
    expect(await page.locator('[data-testid="home-posture"]').count()).toBe(1);
    await shots(page, 'system-admin');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe('screens around the home', () => {
  it('the home says when it is loading, when it failed (with a retry) and when nothing waits', async () => {
    const who = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await newPage(s, { width: 1366, height: 800 });
    await signIn(page, s.srv.origin, who.email, who.password);
    await page.locator('[data-testid="home-sections"]').waitFor();

    // Slow, then failing: the loading line, then the error with Retry.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route('**/trpc/*home.summary*', async (route) => {
      await held;
      await route.fulfill({ status: 500, contentType: 'text/plain', body: 'down' });
    });
    const logged = s.problems.length;
    await page.reload();
    await page.locator('[data-testid="home-loading"]').waitFor();
    expect(await page.textContent('[data-testid="home-loading"]')).toBe('Loading your work…');
    release();
    await page.locator('[data-testid="error-panel"]').waitFor();
    expect(await page.locator('[data-testid="home-sections"]').count()).toBe(0);
    await shot(page, 'home-error');
    await page.unroute('**/trpc/*home.summary*');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-testid="home-sections"]').waitFor();
    expect(await page.locator('[data-testid="error-panel"]').count()).toBe(0);
    // The refused load is logged by Chromium as a failed request: expected here.
    s.problems.push(...s.problems.splice(logged).filter((p) => !/status of 500/.test(p)));
    await page.context().close();

    // A user whose roles give no work: said plainly.
    const idle = await createPartyWithUser(s.srv.db, 'customer', []);
    const empty = await newPage(s, { width: 390, height: 844 });
    await signIn(empty, s.srv.origin, idle.email, idle.password);
    await empty.locator('[data-testid="home-empty"]').waitFor();
    expect(await empty.textContent('[data-testid="home-empty"]')).toContain('Nothing waits for you.');
    expect(await empty.locator('[data-testid="site-nav"]').count()).toBe(0);
    await shot(empty, 'home-empty-390');
    expect(s.problems).toEqual([]);
    await empty.context().close();
  }, 60_000);

  it('a forbidden deep link shows a plain no-access page, and asks the server nothing', async () => {
    const who = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await newPage(s, { width: 1366, height: 800 });
    await signIn(page, s.srv.origin, who.email, who.password);
    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/trpc/audit.')) calls.push(r.url());
    });
    await page.goto(`${s.srv.origin}/audit`);
    await page.locator('[data-testid="no-access"]').waitFor();
    expect(await page.textContent('h1')).toBe('You do not have access to this page');
    expect(await page.title()).toContain('No access');
    expect(await page.locator('[data-testid="error-panel"]').count()).toBe(0);
    expect(await page.locator('[data-testid="audit-verify"]').count()).toBe(0);
    expect(calls).toEqual([]);
    await shot(page, 'no-access');
    await page.getByRole('link', { name: 'Go to your home page' }).click();
    await page.waitForURL(/\/$/);
    await page.locator('[data-testid="home-customer"]').waitFor();
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  it('with 8 navigation links the header stays one row at 1366 px; the groups work by keyboard and at 390 px', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin', 'auditor']);
    const page = await newPage(s, { width: 1366, height: 800 });
    await signIn(page, s.srv.origin, admin.email, admin.password);
    await page.locator('[data-testid="home-sections"]').waitFor();
    // One row: every top-level entry at the same height as the brand, and the header no taller than one row.
    const rows = await page.evaluate(() => {
      const tops = [...document.querySelectorAll('.site-nav .nav-top > li')].map((li) =>
        Math.round(li.getBoundingClientRect().top),
      );
      const nav = document.querySelector('.site-nav')?.getBoundingClientRect().height ?? 0;
      const entry = document.querySelector('.site-nav .nav-top > li')?.getBoundingClientRect().height ?? 0;
      return { tops: [...new Set(tops)], nav, entry, count: tops.length };
    });
    expect(rows.count).toBeGreaterThanOrEqual(3);
    expect(rows.tops).toHaveLength(1);
    expect(rows.nav).toBeLessThan(rows.entry * 1.5);
    await shot(page, 'nav-1366', { fullPage: false });

    // Keyboard: the group opens with Enter, its links follow in the tab order, Escape closes it.
    const group = page.locator('[data-testid="nav-group-admin"]');
    await group.focus();
    await page.keyboard.press('Enter');
    expect(await group.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-accounts');
    await shot(page, 'nav-1366-open', { fullPage: false });
    await page.keyboard.press('Escape');
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-group-admin');
    // Following a link closes the menu and marks its group as the current one.
    await navTo(page, 'nav-roles');
    await page.waitForURL(/\/roles$/);
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    expect(await group.getAttribute('class')).toContain('active');

    await page.setViewportSize({ width: 390, height: 844 });
    await group.click();
    expect(await page.locator('[data-testid="nav-policies"]').isVisible()).toBe(true);
    expect(await overflows(page)).toBe(false);
    await shot(page, 'nav-390-open', { fullPage: false });
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 30_000);
});
