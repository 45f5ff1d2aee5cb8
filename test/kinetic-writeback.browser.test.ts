import { deliverKineticWritebacks } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { type FakeKinetic, startFakeKinetic } from './support/fake-kinetic.ts';
import { client, createPartyWithUser } from './support/harness.ts';

/**
 * The write-back part of the Kinetic connection screen in the built SPA: a system admin switches write-back
 * to the function library and sets the confirmation timeout; after the worker ran, the screen lists the
 * write-backs with their state, and a bank-detail event shows as never written, with the reason.
 */
const s = useBrowserSuite({ KINETIC_SYNC_MS: '0', WEBHOOK_WORKER_MS: '0' });
let fake: FakeKinetic;
let owner: postgres.Sql;

beforeAll(async () => {
  fake = await startFakeKinetic({ company: 'WBWEB', orders: 5 });
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
  await fake?.close();
});

describe('Kinetic write-back on the connection screen', () => {
  it('switches write-back on and shows each write-back with its state and, when skipped, why', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
    const c = client(s.srv.origin);
    await c.auth.login.mutate(admin);
    await c.kinetic.save.mutate({
      baseUrl: fake.baseUrl,
      instance: fake.instance,
      company: fake.company,
      authMode: 'basic',
      username: fake.user,
      apiKey: fake.apiKey,
      password: fake.password,
      allowedCidrs: ['127.0.0.1/32'],
    });
    const page = await newPage(s);
    await signIn(page, s.srv.origin, admin.email, admin.password);
    await navTo(page, 'nav-integrations');
    await page.waitForSelector('[data-testid="kinetic-writeback"]');
    await page.waitForSelector('[data-testid="kinetic-writeback-empty"]');
    expect(await page.inputValue('[data-testid="kinetic-writeback-mode"]')).toBe('off');

    // A timeout out of range is refused on the screen, with the reason.
    await page.selectOption('[data-testid="kinetic-writeback-mode"]', 'efx');
    await page.fill('[data-testid="kinetic-writeback-hours"]', '0');
    await page.click('[data-testid="kinetic-writeback-save"]');
    await page.waitForSelector('[data-testid="kinetic-writeback-error"]:has-text("1 to 720 hours")');
    await page.fill('[data-testid="kinetic-writeback-hours"]', '12');
    await page.click('[data-testid="kinetic-writeback-save"]');
    await page.waitForSelector('[data-testid="kinetic-status-message"]:has-text("alert after 12 h")');
    const [settings] = await owner`select mode, confirm_timeout_ms from kinetic_writeback_settings`;
    expect(settings).toMatchObject({ mode: 'efx', confirm_timeout_ms: 12 * 3_600_000 });

    // A decision after it was switched on: an approved bank change, which is never written into Kinetic.
    const party = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
    const [bank] = await owner`insert into integration_events (type, party_id, subject, payload, occurred_at)
      values ('party.bank_details_changed', ${party.partyId}, ${owner.json({ changeRequestId: 'cr-1' })},
              ${owner.json({})}, now()) returning event_id::text as event`;
    await deliverKineticWritebacks({
      db: s.srv.services.db,
      clock: s.srv.clock,
      config: { secret: s.srv.config.secret },
    });

    await page.reload();
    const row = `[data-testid="kinetic-writeback-row"][data-event="${bank?.event}"]`;
    await page.waitForSelector(row);
    expect(await page.getAttribute(row, 'data-state')).toBe('skipped');
    expect(await page.textContent(`${row} [data-testid="kinetic-writeback-reason"]`)).toContain(
      'Bank details are never written into Kinetic',
    );
    expect(await page.textContent(row)).toContain('Never written');
    expect(await page.textContent('[data-testid="kinetic-writeback-counts"]')).toContain('Never written: 1');
    expect(await page.inputValue('[data-testid="kinetic-writeback-mode"]')).toBe('efx');
    expect(await page.inputValue('[data-testid="kinetic-writeback-hours"]')).toBe('12');
    await shot(page, 'kinetic-writeback');

    await page.setViewportSize({ width: 390, height: 800 });
    await shot(page, 'kinetic-writeback-390');
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  });
});
