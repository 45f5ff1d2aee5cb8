import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';

/**
 * The audit log in the built SPA (pnpm test builds it first), Debian's chromium against the real server: a
 * customer admin reviews its own party's trail, filters it, opens entries and verifies the hash chains.
 * Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;
let customerAdmin: Seeded;
let member: Seeded;
let otherParty: Seeded;

const s = useBrowserSuite();

beforeAll(async () => {
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  customerAdmin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  member = await createPartyWithUser(s.srv.db, 'customer', ['customer-user'], { partyId: customerAdmin.partyId });
  otherParty = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
});

const actions = (page: Page) =>
  page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));

describe('audit log in the browser', () => {
  it('a customer admin reviews, filters and verifies its own party’s trail', async () => {
    // Entries: the member signs in twice and mistypes once; a user of another party signs in too.
    await client(s.srv.origin).auth.login.mutate({ email: member.email, password: member.password });
    await client(s.srv.origin).auth.login.mutate({ email: member.email, password: member.password });
    await client(s.srv.origin)
      .auth.login.mutate({ email: member.email, password: 'not-the-password' })
      .catch(() => undefined);
    await client(s.srv.origin).auth.login.mutate({ email: otherParty.email, password: otherParty.password });
    // A policy change with a before and an after: a system admin grants the member another role.
    const sys = client(s.srv.origin);
    await sys.auth.login.mutate({ email: sysAdmin.email, password: sysAdmin.password });
    await sys.users.setRoles.mutate({ userId: member.userId, roles: ['customer-user', 'customer-admin'] });

    const page = await newPage(s);
    await signIn(page, s.srv.origin, customerAdmin.email, customerAdmin.password);
    await navTo(page, 'nav-audit');
    await page.waitForURL(/\/audit$/);
    await page.waitForSelector('[data-testid="audit-row"]');
    const all = await actions(page);
    expect(all.filter((a) => a === 'auth.login_succeeded').length).toBeGreaterThanOrEqual(3);
    expect(all).toContain('auth.login_failed');
    expect(all).toContain('user.roles_changed');
    const table = (await page.textContent('[data-testid="audit-table"]')) ?? '';
    expect(table).toContain(member.email);
    expect(table).not.toContain(otherParty.email);
    // The system admin's change in this party is marked as cross-party.
    const change = page.locator('[data-testid="audit-row"][data-action="user.roles_changed"]');
    expect(await change.locator('[data-testid="audit-cross-party"]').count()).toBe(1);
    await shot(page, 'audit-list');

    // Failures only: the mistyped password, and the filter is in the address.
    await page.selectOption('#audit-outcome', 'failure');
    await page.waitForURL(/outcome=failure/);
    await expect.poll(() => actions(page)).toEqual(['auth.login_failed']);
    expect(await page.textContent('[data-testid="list-count"]')).toBe('Showing 1 event');
    expect(await page.textContent('[data-testid="audit-row"] [data-testid="audit-outcome"]')).toBe('Failure');
    await shot(page, 'audit-list-failures');

    // A shared link opens the same view.
    const shared = page.url();
    const second = await newPage(s);
    await signIn(second, s.srv.origin, customerAdmin.email, customerAdmin.password);
    await second.goto(shared);
    await second.waitForSelector('[data-testid="audit-row"]');
    expect(await actions(second)).toEqual(['auth.login_failed']);
    expect(await second.inputValue('#audit-outcome')).toBe('failure');

    // The entry: its fields and its place in an intact chain.
    await page.click('[data-testid="audit-link"]');
    await page.waitForURL(/\/audit\/\d+$/);
    await page.waitForSelector('[data-testid="audit-chain"]');
    expect(await page.textContent('h1')).toBe('auth.login_failed');
    expect(await page.textContent('[data-testid="audit-entry-actor"]')).toContain(member.email);
    expect(await page.textContent('[data-testid="audit-chain-status"]')).toBe('Intact');
    expect(await page.locator('[data-testid="audit-diff"]').count()).toBe(0);

    // Back keeps the filter; then the role change shows what changed.
    await page.click('text=← Back to audit log');
    await page.waitForURL(/outcome=failure/);
    await page.selectOption('#audit-outcome', '');
    await page.selectOption('#audit-action', 'user.roles_changed');
    await page.waitForURL(/action=user\.roles_changed/);
    await expect.poll(() => actions(page)).toEqual(['user.roles_changed']);
    await page.click('[data-testid="audit-link"]');
    await page.waitForSelector('[data-testid="audit-diff"]');
    const diff = page.locator('[data-testid="audit-diff-row"]');
    expect(await diff.count()).toBe(1);
    expect(await diff.locator('[data-testid="audit-diff-before"]').textContent()).toBe('["customer-user"]');
    expect(await diff.locator('[data-testid="audit-diff-after"]').textContent()).toBe(
      '["customer-admin","customer-user"]',
    );
    expect(await page.textContent('[data-testid="audit-list-change"]')).toBe('Added: customer-adminRemoved: nothing');
    expect(await page.textContent('[data-testid="audit-chain-status"]')).toBe('Intact');
    await shot(page, 'audit-entry-diff');

    // An entry of another party is as absent as one that never was.
    await page.goto(`${s.srv.origin}/audit/999999999`);
    await page.waitForSelector('[data-testid="audit-entry-not-found"]');

    // Verify integrity.
    await page.goto(`${s.srv.origin}/audit`);
    await page.waitForSelector('[data-testid="audit-row"]');
    await page.click('[data-testid="audit-verify"]');
    await page.waitForSelector('[data-testid="audit-verify-ok"]');
    expect(await page.textContent('[data-testid="audit-verify-ok"]')).toMatch(/^Intact: \d+ entries in \d+ chains?\.$/);

    // The list on a phone: cards, no horizontal scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'audit-list-390');
    expect(await overflows(page)).toBe(false);

    expect(s.problems).toEqual([]);
  }, 60_000);
});
