import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Security policies in the built SPA (pnpm test builds it first), Debian's chromium against the real server: a
 * system admin shortens a role's idle timeout, is warned before an allowlist would lock it out, and tightens a
 * customer organisation's policy. Screenshots land in test-results/ as artifacts to look at.
 */
let owner: postgres.Sql;
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;
let customer: Seeded;

const s = useBrowserSuite({}, { allowedConsole: /status of 40[0139]/ });

beforeAll(async () => {
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
});
afterAll(async () => {
  await owner?.end();
});

const dialog = '[data-testid="policy-dialog"]';

describe('security policies in the browser', () => {
  it('a system admin edits role and organisation policies', async () => {
    const step = steps();
    step('open the policies');
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(page, 'nav-policies');
    await page.waitForURL(/\/policies$/);
    await page.waitForSelector('[data-testid="role-policies"]');
    expect(await page.textContent('h1')).toBe('Security policies');
    expect(await page.textContent('[data-testid="your-ip"]')).toBe('127.0.0.1');
    expect(await page.textContent('[data-testid="global-idle"]')).toBe('30 minutes');
    expect(await page.textContent('[data-testid="role-allowlist-system-admin"]')).toBe('Any address');
    expect(await page.textContent('[data-testid="role-idle-system-admin"]')).toBe('15 minutes');
    await shot(page, 'policies-page');

    step('customer user: idle timeout');
    // Customer user: 20 minutes idle. Signed in just now, so no password prompt.
    await page.click('[data-testid="role-policy-edit-customer-user"]');
    await page.waitForSelector(`${dialog}[open]`);
    expect(await page.inputValue('#policy-idle')).toBe('');
    await page.fill('#policy-idle', '20');
    await shot(page, 'policies-edit-dialog', { fullPage: false });
    await page.click('[data-testid="policy-save"]');
    await page.waitForSelector(dialog, { state: 'detached' });
    await expect
      .poll(() => page.textContent('[data-testid="policies-status"]'))
      .toContain('The policy of the role Customer user is saved.');
    await expect.poll(() => page.textContent('[data-testid="role-idle-customer-user"]')).toBe('20 minutes');
    const [cu] = await owner`select session_idle_minutes from roles where key = 'customer-user'`;
    expect(cu?.session_idle_minutes).toBe(20);

    step('an invalid network');
    // An invalid network: the server's field message, the form stays open.
    await page.click('[data-testid="role-policy-edit-customer-user"]');
    await page.waitForSelector(`${dialog}[open]`);
    await page.fill('#policy-allowlist', '10.0.0.0/8\n10.0.0.300/33\nnot-a-network');
    await page.click('[data-testid="policy-save"]');
    const fieldError = page.locator('[data-testid="policy-dialog-error"]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('IP allowlist, line 2');
    expect(await fieldError.textContent()).toContain('10.0.0.300/33 is not a valid IPv4/IPv6 address or CIDR');
    // Every refused line in words, counted from 1: no internal field name, no zero-based index.
    expect(await fieldError.textContent()).toContain('IP allowlist, line 3: not-a-network is not a valid');
    expect(await fieldError.textContent()).not.toContain('ipAllowlist');
    expect(await page.getAttribute('#policy-allowlist', 'aria-invalid')).toBe('true');
    await shot(page, 'policies-field-error', { fullPage: false });
    await page.click('[data-testid="policy-cancel"]');
    await page.waitForSelector(dialog, { state: 'detached' });

    step("the admin's own role");
    // System admin (the caller's own role): 10.0.0.0/8 would lock it out; warned, cancelled, nothing saved.
    await page.click('[data-testid="role-policy-edit-system-admin"]');
    await page.waitForSelector(`${dialog}[open]`);
    await page.fill('#policy-allowlist', '10.0.0.0/8');
    await page.click('[data-testid="policy-save"]');
    const warning = page.locator('[data-testid="policy-lockout"]');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('127.0.0.1');
    expect(await page.textContent('[data-testid="policy-lockout-confirm"]')).toBe('Save anyway and lock me out');
    await shot(page, 'policies-lockout', { fullPage: false });
    await page.click('[data-testid="policy-cancel"]');
    await page.waitForSelector(dialog, { state: 'detached' });
    const [sa] = await owner`select ip_allowlist from roles where key = 'system-admin'`;
    expect(sa?.ip_allowlist).toBeNull();
    expect(await page.textContent('[data-testid="role-allowlist-system-admin"]')).toBe('Any address');

    step('a customer organisation');
    // A customer organisation: found by name, 127.0.0.0/8 and a second factor for everyone.
    const [party] = await owner`select name from parties where id = ${customer.partyId}`;
    const partyName = String(party?.name);
    await page.fill('#party-search', partyName);
    await page.click(`[data-testid="party-result"][data-party-id="${customer.partyId}"]`);
    await page.waitForSelector('[data-testid="party-policy"]');
    expect(await page.textContent('#party-policy-name')).toBe(partyName);
    expect(await page.textContent('[data-testid="party-allowlist"]')).toBe('Any address');
    await page.click('[data-testid="party-policy-edit"]');
    await page.waitForSelector(`${dialog}[open]`);
    expect(await page.textContent(`${dialog} label[for="policy-totp"]`)).toBe(
      'Require two-factor authentication for everyone in this account',
    );
    // Longer than the global 30 minutes: the server refuses, and says why.
    await page.fill('#policy-idle', '45');
    await page.click('[data-testid="policy-save"]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/^Idle timeout: .*30 minutes/);
    await page.fill('#policy-idle', '');
    await page.check('#policy-totp');
    await page.fill('#policy-allowlist', '127.0.0.0/8');
    await page.click('[data-testid="policy-save"]');
    await page.waitForSelector(dialog, { state: 'detached' });
    await expect.poll(() => page.textContent('[data-testid="policies-status"]')).toContain(`${partyName} is saved`);
    await expect.poll(() => page.textContent('[data-testid="party-allowlist"]')).toBe('127.0.0.0/8');
    expect(await page.textContent('[data-testid="party-totp"]')).toBe('Yes, for everyone');
    const [p] = await owner`select require_totp, ip_allowlist from parties where id = ${customer.partyId}`;
    expect(p?.require_totp).toBe(true);
    expect(p?.ip_allowlist).toEqual(['127.0.0.0/8']);
    await shot(page, 'policies-party');

    step('on a phone');
    // On a phone: no sideways scrolling; the dialog fits.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'policies-390');
    await page.click('[data-testid="role-policy-edit-customer-user"]');
    await page.waitForSelector(`${dialog}[open]`);
    expect(await overflows(page)).toBe(false);
    await shot(page, 'policies-390-dialog', { fullPage: false });

    expect(s.problems).toEqual([]);
  });
});
