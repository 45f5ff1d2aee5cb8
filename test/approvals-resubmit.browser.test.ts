import { beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';

/**
 * Sent back and corrected, or taken back, in the built SPA: an approver asks for changes to a supplier's
 * bank-detail change (through the API), the supplier reads why on Company details and resubmits corrected
 * details, and the request waits for approval again; an operator corrects a credit-limit change that was
 * sent back, and withdraws a credit note from its page.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;
let approver: Seeded;
let operator: Seeded;
let customerId: string;

const s = useBrowserSuite({}, { allowedConsole: /status of 40[01349]/ });

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  approver = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  const sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  customerId = (await createPartyWithUser(s.srv.db, 'customer', ['customer-admin'])).partyId;
  const admin = client(s.srv.origin);
  await admin.auth.login.mutate(sysAdmin);
  await admin.approvalPolicies.setLimit.mutate({ userId: approver.userId, currency: 'EUR', maxMinor: '100000000' });
});

describe('resubmitting and withdrawing approval requests in the browser', () => {
  it('the supplier reads why its bank-detail change was sent back and resubmits corrected details', async () => {
    const sup = client(s.srv.origin);
    await sup.auth.login.mutate(supplier);
    const { id: crId } = await sup.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor', iban: 'GB82WEST12345698765432' },
    });
    const approvalId = (await sup.changeRequests.list.query({})).items.find((r) => r.id === crId)?.approvalId as string;
    const a = client(s.srv.origin);
    await a.auth.login.mutate(approver);
    await a.approvals.decide.mutate({
      id: approvalId,
      version: (await a.approvals.get.query({ id: approvalId })).version,
      decision: 'request-changes',
      reason: 'The account holder must be the legal name.',
    });

    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/company`);
    const row = page.locator('[data-testid="change-request-row"]').first();
    await row.waitFor();
    expect(await row.locator('[data-testid="change-request-approval-status"]').textContent()).toBe('Changes requested');
    expect(await row.locator('[data-testid="change-request-approval-note"]').textContent()).toBe(
      'The account holder must be the legal name.',
    );
    const form = page.locator('[data-testid="resubmit-form"]');
    expect(await form.locator('[data-testid="resubmit-approval-note"]').textContent()).toBe(
      'The account holder must be the legal name.',
    );
    const field = (name: string) => `[id="resubmit-${crId}-${name}"]`;
    // The server's own check is shown at its field, as on the request form.
    await page.fill(field('accountHolder'), 'Castor Metals GmbH');
    await page.fill(field('iban'), 'GB00 0000 0000 0000 0000 00');
    await form.locator('[data-testid="resubmit-submit"]').click();
    await page.waitForSelector(`[data-testid="resubmit-${crId}-iban-error"]`);
    expect(await page.getAttribute(field('iban'), 'aria-invalid')).toBe('true');
    await shot(page, 'company-resubmit-refused');
    await page.fill(field('iban'), 'GB82 WEST 1234 5698 7654 32');
    await page.fill(field('note'), 'Legal name as in the register.');
    await form.locator('[data-testid="resubmit-submit"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="company-announcement"]')?.textContent?.includes('resubmitted'),
    );
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="change-request-approval-status"]')?.textContent ===
        'Waiting for approval',
    );
    expect(await page.locator('[data-testid="resubmit-form"]').count()).toBe(0);
    expect(await row.getAttribute('data-status')).toBe('pending');
    expect(await row.textContent()).toContain('Castor Metals GmbH');
    await shot(page, 'company-resubmitted');

    const again = await a.approvals.get.query({ id: approvalId });
    expect(again).toMatchObject({ status: 'pending', round: 2 });
    expect(s.problems).toEqual([]);
  });

  it('an operator corrects a credit-limit change that was sent back, and withdraws a credit note', async () => {
    const op = client(s.srv.origin);
    await op.auth.login.mutate(operator);
    const a = client(s.srv.origin);
    await a.auth.login.mutate(approver);
    const { id: limitId } = await op.approvals.submit.mutate({
      type: 'credit-limit-change',
      partyId: customerId,
      currency: 'EUR',
      amountMinor: '2500000',
      reason: 'Order volume doubled this year.',
    });
    await a.approvals.decide.mutate({
      id: limitId,
      version: (await a.approvals.get.query({ id: limitId })).version,
      decision: 'request-changes',
      reason: 'Ask for 20,000.00 at most.',
    });

    const page = await newPage(s);
    await signIn(page, s.srv.origin, operator.email, operator.password);
    await page.goto(`${s.srv.origin}/approvals/${limitId}`);
    await page.waitForSelector('[data-testid="approval-resubmit"]');
    expect(await page.textContent('[data-testid="approval-status"]')).toBe('Changes requested');
    await page.click('[data-testid="approval-resubmit"]');
    await page.waitForSelector('[data-testid="approval-resubmit-dialog"][open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('approval-resubmit-amount');
    expect(await page.inputValue('#approval-resubmit-amount')).toBe('25,000.00');
    await page.fill('#approval-resubmit-amount', 'twenty');
    await page.click('[data-testid="approval-resubmit-submit"]');
    expect(await page.textContent('[data-testid="approval-resubmit-error"]')).toContain('at most two decimals');
    await page.fill('#approval-resubmit-amount', '20,000.00');
    await page.fill('#approval-resubmit-note', 'Lowered as asked.');
    await shot(page, 'approval-resubmit-dialog');
    await page.click('[data-testid="approval-resubmit-submit"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="approval-status"]')?.textContent === 'Pending',
    );
    expect(await page.textContent('[data-testid="approval-amount"]')).toBe('20,000.00 EUR');
    expect(await page.textContent('[data-testid="approval-announcement"]')).toContain('Resubmitted');
    expect(await page.locator('[data-testid="approval-resubmit"]').count()).toBe(0);
    await shot(page, 'approval-resubmitted');

    const { id: noteId } = await op.approvals.submit.mutate({
      type: 'credit-note',
      partyId: customerId,
      currency: 'EUR',
      amountMinor: '80000',
      reason: 'Damaged goods on delivery DN-0001.',
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${s.srv.origin}/approvals/${noteId}`);
    await page.waitForSelector('[data-testid="approval-withdraw"]');
    expect(await page.locator('[data-testid="approval-resubmit"]').count()).toBe(0);
    expect(await overflows(page)).toBe(false);
    await page.click('[data-testid="approval-withdraw"]');
    await page.waitForSelector('[data-testid="approval-withdraw-dialog"][open]');
    await shot(page, 'approval-withdraw-dialog-390');
    await page.click('[data-testid="approval-withdraw-submit"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="approval-status"]')?.textContent === 'Withdrawn',
    );
    expect(await page.textContent('[data-testid="approval-announcement"]')).toContain('Withdrawn');
    expect(await page.locator('[data-testid="approval-withdraw"]').count()).toBe(0);
    const decisions = await page.$$eval('[data-testid="approval-step"]', (els) =>
      els.map((e) => e.getAttribute('data-decision')),
    );
    expect(decisions).toEqual(['submitted', 'withdrawn']);
    await shot(page, 'approval-withdrawn-390');
    expect(s.problems).toEqual([]);
  });
});
