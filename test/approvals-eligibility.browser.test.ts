import { beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';

/**
 * Approvals that cannot complete, in the built SPA: a request's page says which levels it passes and why
 * (a 250,000 EUR request passes levels 1–3, not "level 1: under 10,000"), and warns when its levels can
 * never all be decided; the inbox says, per request, whether I can decide it now or why not; saving a
 * policy warns about levels nobody could decide. Screenshots land in test-results/.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let operator: Seeded;
let withLimit: Seeded;
let noLimit: Seeded;
let sysAdmin: Seeded;
let customerName: string;

// 403 (re-authentication asked for on saving a policy) is an answer provoked on purpose.
const s = useBrowserSuite({}, { allowedConsole: /status of 40[013]/ });

beforeAll(async () => {
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  withLimit = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
  noLimit = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  const customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  const admin = client(s.srv.origin);
  await admin.auth.login.mutate(sysAdmin);
  customerName = (await admin.parties.list.query({ kind: 'customer', limit: 100 })).items.find(
    (p) => p.id === customer.partyId,
  )?.name as string;
  await admin.approvalPolicies.setLimit.mutate({ userId: withLimit.userId, currency: 'EUR', maxMinor: '100000000' });
  const level = (min: string, max: string | null) => ({
    minMinor: min,
    maxMinor: max,
    roles: ['approver'],
    approvalsRequired: 1,
    escalateTo: [],
  });
  await admin.approvalPolicies.set.mutate({
    type: 'credit-limit-change',
    currency: 'EUR',
    levels: [level('0', '1000000'), level('1000000', '10000000'), level('10000000', null)],
  });
});

describe('approvals that cannot complete', () => {
  it('the submitter of a 250,000 EUR request reads which levels it passes, and that nobody can complete it', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, operator.email, operator.password);
    await page.goto(`${s.srv.origin}/approvals`);
    await page.click('[data-testid="approval-new"]');
    await page.waitForSelector('[data-testid="new-approval-dialog"][open]');
    await page.fill('#new-approval-search', customerName);
    await page.click(`[data-testid="new-approval-customer-option"]:has-text("${customerName}")`);
    await page.fill('#new-approval-amount', '250,000.00');
    await page.fill('#new-approval-reason', 'Framework agreement signed for next year.');
    await page.click('[data-testid="new-approval-submit"]');
    await page.waitForURL(/\/approvals\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid="approval-rule-why"]');
    expect(await page.textContent('[data-testid="approval-rule-why"]')).toBe(
      'This 250,000.00 EUR request passes levels 1–3: every level up to the one whose range holds its amount ' +
        '(level 3: 100,000.00 EUR and above). Whoever approves it, at any level, needs a EUR limit of at least ' +
        '250,000.00 EUR.',
    );
    const rows = page.locator('[data-testid="approval-rule"] tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain('0.00 to under 10,000.00 EUR');
    expect(await rows.nth(0).locator('[data-testid="approval-stop-level"]').count()).toBe(0);
    expect(await rows.nth(2).locator('[data-testid="approval-stop-level"]').textContent()).toContain(
      'this request’s amount',
    );
    // One approver has a EUR limit; three levels need three different people.
    expect(await page.textContent('[data-testid="approval-staffing"]')).toContain(
      'Levels 1–3 need 3 different people (nobody decides twice in a request, and whoever made it decides none), but only 1 eligible person is there.',
    );
    await shot(page, 'approval-cannot-complete');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'approval-cannot-complete-390');
    expect(s.problems).toEqual([]);
  });

  it('the inbox says who can decide now, and why not for the rest', async () => {
    const blocked = await newPage(s);
    await signIn(blocked, s.srv.origin, noLimit.email, noLimit.password);
    await blocked.goto(`${s.srv.origin}/approvals`);
    const row = blocked.locator('[data-testid="approval-row"][data-type="credit-limit-change"]').first();
    await row.waitFor();
    expect(await row.getAttribute('data-can-decide')).toBe('false');
    expect(await row.locator('[data-testid="approval-yours"]').textContent()).toBe(
      'Not now: You have no approval limit in EUR; a system admin sets limits.',
    );
    await shot(blocked, 'approvals-inbox-why-not');

    const able = await newPage(s, { width: 390, height: 844 });
    await signIn(able, s.srv.origin, withLimit.email, withLimit.password);
    await able.goto(`${s.srv.origin}/approvals`);
    const mine = able.locator('[data-testid="approval-row"][data-type="credit-limit-change"]').first();
    await mine.waitFor();
    expect(await mine.getAttribute('data-can-decide')).toBe('true');
    expect(await mine.locator('[data-testid="approval-yours"]').textContent()).toBe('You can decide now');
    expect(await overflows(able)).toBe(false);
    await shot(able, 'approvals-inbox-can-decide-390');
    expect(s.problems).toEqual([]);
  });

  it('saving a policy whose two levels need two approvers, with one eligible, warns the editor', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await page.goto(`${s.srv.origin}/approvals/policies`);
    const policy = page.locator('[data-testid="approval-policy"][data-policy="credit-note:EUR"]');
    await policy.waitFor();
    await policy.locator('[data-testid="policy-save"]').click();
    const saved = page.waitForSelector('[data-testid="policy-warnings"]').then(() => 'saved' as const);
    const reauth = page.waitForSelector('[data-testid="reauth-dialog"][open]').then(() => 'reauth' as const);
    if ((await Promise.race([saved, reauth])) === 'reauth') {
      await page.fill('#reauth-password', sysAdmin.password);
      await page.keyboard.press('Enter');
      await saved;
    }
    const text = await page.textContent('[data-testid="policy-warnings"]');
    expect(text).toContain('under the Credit note · EUR policy');
    expect(text).toContain(
      'Requests of 5,000.00 EUR and above: Levels 1–2 need 2 different people (nobody decides twice in a request), but only 1 eligible person is there.',
    );
    expect(await page.textContent('[data-testid="approval-policies-status"]')).toMatch(/Saved the Credit note · EUR/);
    // The page says the same thing about amounts as the request page does.
    expect(await page.textContent('.policies-intro')).toContain(
      'a request passes every level from level 1 up to the one whose range holds its amount',
    );
    await shot(page, 'approval-policy-warnings');
    expect(s.problems).toEqual([]);
  });
});
