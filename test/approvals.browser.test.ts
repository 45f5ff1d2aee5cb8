import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Approvals in the built SPA (Debian's chromium against the real server): a supplier's bank-detail change
 * goes through two approvers' inboxes and becomes current, with its audit trail; a maker who also holds
 * the approver role cannot decide its own request; a system admin edits a policy (a gap is caught before
 * sending) and sets an approver's limit. Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;
let approver1: Seeded;
let approver2: Seeded;
let makerApprover: Seeded;
let sysAdmin: Seeded;
let auditor: Seeded;
let customerName: string;

// 403 (deciding one's own request, one's own limit) and 409 are answers provoked on purpose.
const s = useBrowserSuite({}, { allowedConsole: /status of 40[01349]/ });

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  approver1 = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
  approver2 = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
  makerApprover = await createPartyWithUser(s.srv.db, 'internal', ['operator', 'approver']);
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  auditor = await createPartyWithUser(s.srv.db, 'internal', ['auditor']);
  const customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  const admin = client(s.srv.origin);
  await admin.auth.login.mutate(sysAdmin);
  customerName = (await admin.parties.list.query({ kind: 'customer', limit: 100 })).items.find(
    (p) => p.id === customer.partyId,
  )?.name as string;
  // Amount-based requests need a limit; bank-detail changes need none.
  for (const who of [approver1, approver2, makerApprover])
    await admin.approvalPolicies.setLimit.mutate({ userId: who.userId, currency: 'EUR', maxMinor: '100000000' });
});

/** The focused element has a visible focus outline (keyboard focus). */
const focusShown = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : null;
    return { visible: el?.matches(':focus-visible'), outline: style?.outlineStyle, width: style?.outlineWidth };
  });

describe('approvals in the browser', () => {
  it('a bank-detail change: two approvers from their inboxes, then current, with its audit trail', async () => {
    const step = steps();
    step('the supplier admin requests the change');
    // The supplier admin requests the change on Company details.
    const sup = await newPage(s);
    await signIn(sup, s.srv.origin, supplier.email, supplier.password);
    await sup.goto(`${s.srv.origin}/company`);
    await sup.waitForSelector('[data-testid="bank-form"]');
    await sup.fill('#bank-accountHolder', 'Castor Metals GmbH');
    await sup.fill('#bank-iban', 'DE89 3704 0044 0532 0130 00');
    await sup.fill('#bank-bic', 'COBADEFFXXX');
    await sup.click('[data-testid="bank-submit"]');
    await sup.waitForSelector('[data-testid="change-request-row"][data-status="pending"]');

    step('level 1 approver');
    // Level 1: the first approver finds it in the inbox, oldest first, and approves it.
    const a1 = await newPage(s);
    await signIn(a1, s.srv.origin, approver1.email, approver1.password);
    await navTo(a1, 'nav-approvals');
    await a1.waitForURL(/\/approvals$/);
    const row = a1.locator('[data-testid="approval-row"][data-type="bank-details-change"]').first();
    await row.waitFor();
    expect(await a1.getAttribute('[data-testid="tab-approvals-mine"]', 'aria-selected')).toBe('true');
    expect(await row.locator('[data-testid="approval-level"]').textContent()).toBe('1 of 2');
    expect(await row.locator('[data-testid="approval-status"]').textContent()).toBe('Pending');
    expect(await row.textContent()).toContain('min');
    await shot(a1, 'approvals-inbox');
    // Keyboard: the tabs move with the arrow keys and show where focus is.
    await a1.focus('[data-testid="tab-approvals-mine"]');
    await a1.keyboard.press('ArrowRight');
    await a1.waitForURL(/view=all/);
    const focus = await focusShown(a1);
    expect(focus.visible).toBe(true);
    expect(focus.outline).not.toBe('none');
    await a1.keyboard.press('ArrowLeft');
    await a1.waitForURL((u) => !u.search.includes('view=all'));
    await a1
      .locator('[data-testid="approval-row"][data-type="bank-details-change"] [data-testid="approval-link"]')
      .first()
      .click();
    await a1.waitForURL(/\/approvals\/[0-9a-f-]{36}$/);
    const approvalId = a1.url().split('/').pop() as string;
    await a1.waitForSelector('[data-testid="approval-approve"]');
    expect(await a1.textContent('[data-testid="approval-level"]')).toBe('1 of 2');
    const iban = a1.locator('[data-testid="comparison-row"][data-field="iban"]');
    expect(await iban.locator('[data-testid="comparison-proposed"]').textContent()).toBe('DE89 3704 0044 0532 0130 00');
    expect(await iban.locator('[data-testid="comparison-changed"]').textContent()).toBe('Changed');
    expect(await a1.locator('[data-testid="approval-rule"] tbody tr').count()).toBe(2);
    expect(await a1.textContent('[data-testid="approval-policy-version"]')).toMatch(/Policy version \d+/);
    expect(await a1.locator('[data-testid="approval-step"]').count()).toBe(1);
    await shot(a1, 'approval-detail');
    await a1.click('[data-testid="approval-approve"]');
    await a1.waitForSelector('[data-testid="approval-approve-dialog"][open]');
    expect(await a1.evaluate(() => document.activeElement?.id)).toBe('approval-decide-reason');
    await a1.fill('#approval-decide-reason', 'Called the supplier on the number we hold.');
    await shot(a1, 'approval-approve-dialog');
    await a1.click('[data-testid="approval-decide-submit"]');
    await a1.waitForFunction(() =>
      document.querySelector('[data-testid="approval-announcement"]')?.textContent?.includes('level 2 of 2'),
    );
    await a1.waitForFunction(
      () =>
        document.querySelector('[data-testid="approval-why-not"]')?.textContent === 'You already decided this request.',
    );
    expect(await a1.locator('[data-testid="approval-approve"]').count()).toBe(0);
    expect(await a1.textContent('[data-testid="approval-level"]')).toBe('2 of 2');

    step('level 2 approver');
    // Level 2: a second approver, in another browser, from the inbox.
    const a2 = await newPage(s, { width: 390, height: 844 });
    await signIn(a2, s.srv.origin, approver2.email, approver2.password);
    await a2.goto(`${s.srv.origin}/approvals`);
    const row2 = a2.locator(`[data-testid="approval-row"][data-id="${approvalId}"]`);
    await row2.waitFor();
    expect(await row2.locator('[data-testid="approval-level"]').textContent()).toBe('2 of 2');
    expect(await overflows(a2)).toBe(false);
    await shot(a2, 'approvals-inbox-390');
    await row2.locator('[data-testid="approval-link"]').click();
    await a2.waitForSelector('[data-testid="approval-approve"]');
    expect(await overflows(a2)).toBe(false);
    await shot(a2, 'approval-detail-390');
    await a2.click('[data-testid="approval-approve"]');
    await a2.waitForSelector('[data-testid="approval-approve-dialog"][open]');
    await a2.click('[data-testid="approval-decide-submit"]');
    await a2.waitForFunction(
      () => document.querySelector('[data-testid="approval-status"]')?.textContent === 'Approved',
    );
    expect(await a2.textContent('[data-testid="approval-announcement"]')).toContain('the change now applies');
    const decisions = await a2.$$eval('[data-testid="approval-step"]', (els) =>
      els.map((e) => e.getAttribute('data-decision')),
    );
    expect(decisions).toEqual(['submitted', 'approve', 'approve']);
    expect(await a2.textContent('[data-testid="approval-trail"]')).toContain(
      'Called the supplier on the number we hold.',
    );
    await shot(a2, 'approval-approved-390');

    step('the new IBAN is current');
    // The supplier's company details show the new IBAN as current.
    await sup.reload();
    await sup.waitForSelector('[data-testid="company-iban"]');
    expect(await sup.textContent('[data-testid="company-iban"]')).toBe('DE89 3704 0044 0532 0130 00');
    await shot(sup, 'approvals-supplier-company-current');

    step('the audit log');
    // The audit log holds submitted, approved twice and applied for it.
    const aud = await newPage(s);
    await signIn(aud, s.srv.origin, auditor.email, auditor.password);
    await aud.goto(`${s.srv.origin}/audit?entity=${approvalId}`);
    await aud.waitForSelector('[data-testid="audit-row"]');
    const actions = await aud
      .locator('[data-testid="audit-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.filter((a) => a === 'approval.submitted')).toHaveLength(1);
    expect(actions.filter((a) => a === 'approval.approved')).toHaveLength(2);
    expect(actions.filter((a) => a === 'approval.applied')).toHaveLength(1);
    await shot(aud, 'approvals-audit');
    expect(s.problems).toEqual([]);
  }, 60_000); // five people sign in, each landing on their home first

  it('a maker who also approves submits a credit-limit change and cannot decide it', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, makerApprover.email, makerApprover.password);
    await navTo(page, 'nav-approvals');
    await page.waitForURL(/\/approvals$/);
    await page.click('[data-testid="approval-new"]');
    await page.waitForSelector('[data-testid="new-approval-dialog"][open]');
    // Nothing chosen yet: the dialog says what is missing.
    await page.click('[data-testid="new-approval-submit"]');
    expect(await page.textContent('[data-testid="new-approval-error"]')).toBe('Choose the customer.');
    await page.fill('#new-approval-search', customerName);
    await page.click(`[data-testid="new-approval-customer-option"]:has-text("${customerName}")`);
    expect(await page.textContent('[data-testid="new-approval-customer"]')).toBe(`Chosen: ${customerName}`);
    await page.fill('#new-approval-amount', '25,000.50');
    await page.fill('#new-approval-reason', 'Order volume doubled this year.');
    await shot(page, 'approval-new-request');
    await page.click('[data-testid="new-approval-submit"]');
    await page.waitForURL(/\/approvals\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid="approval-why-not"]');
    expect(await page.textContent('[data-testid="approval-why-not"]')).toBe(
      'You made this request; someone else must decide it.',
    );
    expect(await page.locator('[data-testid="approval-approve"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="approval-amount"]')).toBe('25,000.50 EUR');
    expect(await page.textContent('[data-testid="approval-title"]')).toContain(customerName);
    await shot(page, 'approval-maker-cannot-decide');
    // It is not in the maker's own inbox, but under "All requests".
    await page.goto(`${s.srv.origin}/approvals?view=all&type=credit-limit-change`);
    await page.waitForSelector('[data-testid="approval-row"]');
    expect(await page.textContent('[data-testid="approvals-table"]')).toContain('25,000.50 EUR');
    await shot(page, 'approvals-all');
    expect(s.problems).toEqual([]);
  });

  it('a system admin catches a gap before saving, saves the policy and sets an approver’s limit', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(page, 'nav-approval-policies');
    await page.waitForURL(/\/approvals\/policies$/);
    const policy = page.locator('[data-testid="approval-policy"][data-policy="credit-limit-change:EUR"]');
    await policy.waitFor();
    expect(await policy.locator('[data-testid="approval-level-row"]').count()).toBe(2);
    expect(await policy.locator('[data-testid="level-to"]').first().inputValue()).toBe('10,000.00');

    // A gap: level 2 starts above where level 1 ends. Said at once; Save is off.
    await policy.locator('[data-testid="level-from"]').nth(1).fill('12,000.00');
    expect(await policy.locator('[data-testid="policy-problem"]').textContent()).toBe(
      'There is a gap between level 1 and level 2.',
    );
    expect(await policy.locator('[data-testid="policy-save"]').isDisabled()).toBe(true);
    await shot(page, 'approval-policies-gap');

    // Fixed: level 1 now ends where level 2 starts.
    await policy.locator('[data-testid="level-to"]').first().fill('12,000.00');
    expect(await policy.locator('[data-testid="policy-problem"]').count()).toBe(0);
    await policy.locator('[data-testid="policy-save"]').click();
    const status = page.locator('[data-testid="approval-policies-status"]');
    const saved = page.waitForFunction(() =>
      document.querySelector('[data-testid="approval-policies-status"]')?.textContent?.includes('Saved'),
    );
    const reauth = page.waitForSelector('[data-testid="reauth-dialog"][open]').then(() => 'reauth' as const);
    if ((await Promise.race([saved.then(() => 'saved' as const), reauth])) === 'reauth') {
      await page.fill('#reauth-password', sysAdmin.password);
      await page.keyboard.press('Enter');
      await saved;
    }
    expect(await status.textContent()).toMatch(/Saved the Credit-limit change · EUR policy \(version \d+\)/);
    const after = page.locator('[data-testid="approval-policy"][data-policy="credit-limit-change:EUR"]');
    await after.locator('[data-testid="level-to"]').first().waitFor();
    expect(await after.locator('[data-testid="level-to"]').first().inputValue()).toBe('12,000.00');

    // An approver's limit, then one's own (refused by the server, said in words).
    await page.selectOption('#limit-user', approver1.userId);
    await page.fill('#limit-currency', 'USD');
    await page.fill('#limit-amount', '5,000.00');
    await page.click('[data-testid="limit-set"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="approval-policies-status"]')?.textContent?.includes('5,000.00 USD'),
    );
    const limits = `[data-testid="approver-row"][data-user-id="${approver1.userId}"] [data-testid="approver-limits-cell"]`;
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('5,000.00 USD'), limits);
    expect(await page.textContent(limits)).toContain('1,000,000.00 EUR');
    await shot(page, 'approval-policies');
    expect(s.problems).toEqual([]);
  });
});
