import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { type FakeKinetic, startFakeKinetic } from './support/fake-kinetic.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * The Epicor Kinetic section of the Integrations screen in the built SPA, against the fake Kinetic: a system
 * admin saves the connection (secrets never shown again), "Test connection" names an authentication failure
 * as such, a corrected key then connects, and a stream's settings change. The sync job is off here.
 */
const s = useBrowserSuite({ KINETIC_SYNC_MS: '0' }, { allowedConsole: /status of 40[0134]/ });
let fake: FakeKinetic;

beforeAll(async () => {
  fake = await startFakeKinetic({ company: 'WEB1', orders: 5 });
});
afterAll(() => fake.close());

describe('the Kinetic connection screen', () => {
  it('saves settings with sealed secrets, tells an auth failure apart, then connects', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
    const page = await newPage(s);
    await signIn(page, s.srv.origin, admin.email, admin.password);
    await navTo(page, 'nav-integrations');
    await page.waitForSelector('[data-testid="kinetic"]');
    expect(await page.isDisabled('[data-testid="kinetic-test"]')).toBe(true);

    // A private address without an allowlisted network is refused with the reason.
    await page.fill('[data-testid="kinetic-url"]', fake.baseUrl);
    await page.fill('[data-testid="kinetic-instance"]', fake.instance);
    await page.fill('[data-testid="kinetic-company"]', fake.company);
    await page.fill('[data-testid="kinetic-username"]', fake.user);
    await page.fill('[data-testid="kinetic-password"]', fake.password);
    await page.fill('[data-testid="kinetic-api-key"]', 'not-the-key');
    await page.click('[data-testid="kinetic-save"]');
    await page.waitForSelector('[data-testid="kinetic-form-error"]:has-text("https")');
    await page.fill('[data-testid="kinetic-cidrs"]', '127.0.0.1/32');
    await page.click('[data-testid="kinetic-save"]');
    await page.waitForSelector('[data-testid="kinetic-status-message"]:has-text("saved")');
    expect(await page.textContent('[data-testid="kinetic-key-stored"]')).toContain('is stored');
    expect(await page.inputValue('[data-testid="kinetic-api-key"]')).toBe('');
    expect(await page.inputValue('[data-testid="kinetic-password"]')).toBe('');
    expect(await page.content()).not.toContain(fake.password);

    // The wrong key: an authentication failure, said as such (not "unreachable" or "not found").
    await page.click('[data-testid="kinetic-test"]');
    await page.waitForSelector('[data-testid="kinetic-test-result"]');
    expect(await page.getAttribute('[data-testid="kinetic-test-result"]', 'data-outcome')).toBe('auth');
    expect(await page.textContent('[data-testid="kinetic-test-result"]')).toContain('Authentication failed');
    await page.waitForSelector('[data-testid="kinetic-auth-failed"]');
    await shot(page, 'kinetic-auth-failed');

    // The right key (the password stays as stored): connected, and the pause is lifted.
    await page.fill('[data-testid="kinetic-api-key"]', fake.apiKey);
    await page.click('[data-testid="kinetic-save"]');
    await page.waitForSelector('[data-testid="kinetic-status-message"]:has-text("saved")');
    await page.click('[data-testid="kinetic-test"]');
    await page.waitForSelector('[data-testid="kinetic-test-result"][data-outcome="ok"]');
    expect(await page.locator('[data-testid="kinetic-auth-failed"]').count()).toBe(0);
    const keyed = fake.requests.filter((r) => r.path.endsWith('/Customers'));
    expect(keyed.at(-1)?.headers['x-api-key']).toBe(fake.apiKey);
    expect(fake.violations).toEqual([]);

    // A stream: BAQ mode and a slower poll.
    const row = '[data-testid="kinetic-stream-row"][data-stream="invoices"]';
    await page.selectOption(`${row} [data-testid="kinetic-stream-mode"]`, 'baq');
    await page.waitForSelector('[data-testid="kinetic-status-message"]:has-text("AR invoices: on, BAQ")');
    await page.fill(`${row} [data-testid="kinetic-stream-poll"]`, '300');
    await page.press(`${row} [data-testid="kinetic-stream-poll"]`, 'Tab');
    await page.waitForSelector('[data-testid="kinetic-status-message"]:has-text("every 300 s")');
    const audit = (await s.srv.db.read({ kind: 'all', reason: 'system' }, (tx) =>
      tx.db.execute(sql`select action, details from audit_events where action like 'kinetic.%' order by id`),
    )) as unknown as { action: string; details: Record<string, unknown> }[];
    expect(audit.map((a) => a.action)).toEqual([
      'kinetic.connection_saved',
      'kinetic.connection_tested',
      'kinetic.connection_saved',
      'kinetic.connection_tested',
      'kinetic.stream_changed',
      'kinetic.stream_changed',
    ]);
    expect(JSON.stringify(audit)).not.toContain(fake.apiKey);
    expect(JSON.stringify(audit)).not.toContain(fake.password);

    await page.setViewportSize({ width: 390, height: 800 });
    await shot(page, 'kinetic-390');
    expect(await overflows(page)).toBe(false);
  });
});
