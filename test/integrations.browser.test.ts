import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * The Integrations screen in the built SPA: a system admin creates a key (shown once), the key opens the
 * integration API, the admin rotates it (the new one shown once) and revokes it; an operator has no such
 * screen. Screenshots land in test-results/.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;
let operator: Seeded;
const s = useBrowserSuite();

beforeAll(async () => {
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator'], { partyId: sysAdmin.partyId });
});

const events = (token: string) =>
  fetch(`${s.srv.origin}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('integration keys in the browser', () => {
  it('a system admin creates a key shown once, rotates it and revokes it', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(page, 'nav-integrations');
    await page.waitForSelector('[data-testid="keys-empty"]');

    // A refused form says why and sends nothing.
    await page.click('[data-testid="key-new"]');
    await page.fill('[data-testid="key-name"]', 'Kinetic production');
    await page.click('[data-testid="key-create-submit"]');
    expect(await page.textContent('#key-create-error')).toMatch(/at least one network/);
    await page.fill('[data-testid="key-networks"]', '127.0.0.0/8\n::1/128');
    await page.fill('[data-testid="key-days"]', '400');
    await page.click('[data-testid="key-create-submit"]');
    expect(await page.textContent('#key-create-error')).toMatch(/from 1 to 365/);
    await page.fill('[data-testid="key-days"]', '90');
    await page.click('[data-testid="key-create-submit"]');

    await page.waitForSelector('[data-testid="key-secret"]');
    const token = await page.inputValue('[data-testid="key-secret-value"]');
    expect(token).toMatch(/^ghk_[a-z0-9]{12}_/);
    await page.waitForSelector('[data-testid="key-row"]');
    expect(await page.getAttribute('[data-testid="key-row"]', 'data-status')).toBe('active');
    expect(await page.textContent('[data-testid="keys-table"]')).not.toContain(token.slice(17));
    expect(await overflows(page)).toBe(false);
    await shot(page, 'integrations-key-created');
    expect(await events(token)).toBe(200);
    await page.click('[data-testid="key-secret-done"]');
    expect(await page.locator('[data-testid="key-secret"]').count()).toBe(0);

    // Rotate with no overlap: the old key stops at once, the new one (shown once) works.
    await page.click('[data-testid="key-rotate"]');
    await page.fill('[data-testid="rotate-overlap"]', '0');
    await page.click('[data-testid="key-rotate-submit"]');
    await page.waitForSelector('[data-testid="key-secret"]');
    const rotated = await page.inputValue('[data-testid="key-secret-value"]');
    expect(rotated).not.toBe(token);
    expect(await events(token)).toBe(401);
    expect(await events(rotated)).toBe(200);
    await page.waitForSelector('[data-testid="key-row"][data-status="revoked"]');

    // Revoke the new one.
    await page.click('[data-testid="key-row"][data-status="active"] [data-testid="key-revoke"]');
    await page.click('[data-testid="key-revoke-submit"]');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="key-row"][data-status="revoked"]').length === 2,
    );
    expect(await page.textContent('[data-testid="keys-status"]')).toMatch(/is revoked/);
    expect(await events(rotated)).toBe(401);
    await page.setViewportSize({ width: 390, height: 800 });
    await shot(page, 'integrations-keys-390');
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  });

  it('an operator has no Integrations screen', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, operator.email, operator.password);
    expect(await page.locator('[data-testid="nav-integrations"]').count()).toBe(0);
  });
});
