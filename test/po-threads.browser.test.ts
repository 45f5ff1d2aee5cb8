import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { pdfBytes } from './support/files.ts';
import { createPartyWithUser } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';
import { steps } from './support/steps.ts';

/**
 * A problem thread round trip in the built SPA (issue 19 item 4): the supplier flags a problem (a mail to
 * the operator is in the outbox), the operator finds it through the home's unread count, reads it, answers
 * with a file (a mail to the supplier), the supplier sees the unread badge on its PO list and reads the
 * answer, and the operator resolves the thread (the PO is no longer a problem; the supplier is mailed).
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;
let operator: Seeded;
let owner: postgres.Sql;

const s = useBrowserSuite({}, { allowedConsole: /status of 40[0349]/ });

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
});

const mailsTo = (to: string, kind: string) =>
  owner`select subject, body_text from mail_outbox where to_address = ${to} and kind = ${kind} order by created_at`;

describe('PO message threads in the browser', () => {
  it('a problem thread round trip, with a mail in the outbox at each step', async () => {
    const step = steps();
    step('a PO');
    const id = await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-THREAD-1',
      requestedDate: new Date(s.srv.clock.now() + 10 * 86_400_000).toISOString().slice(0, 10),
      lines: [{ quantity: '10', unitPrice: '5.00' }],
    });

    step('the supplier flags a problem');
    // The supplier flags a problem: the page says the buyer was told, and the mail is in the outbox.
    const sp = await newPage(s);
    await signIn(sp, s.srv.origin, supplier.email, supplier.password);
    await sp.goto(`${s.srv.origin}/purchase-orders/${id}`);
    await sp.waitForSelector('[data-testid="po-thread-empty"]');
    await sp.click('[data-testid="po-flag-problem"]');
    await sp.waitForSelector('[data-testid="problem-dialog"][open]');
    await sp.fill('#problem-note', 'The housing is on back-order until March.');
    await sp.click('[data-testid="problem-submit"]');
    await sp.waitForSelector('[data-testid="po-thread"] [data-testid="query-message"][data-kind="problem"]');
    expect(await sp.textContent('[data-testid="purchase-order-announcement"]')).toContain('reported to the buyer');
    expect(await sp.textContent('[data-testid="po-thread"] .query-message-body')).toBe(
      'The housing is on back-order until March.',
    );
    const [flagged] = await mailsTo(operator.email, 'po-thread-message');
    expect(flagged?.subject).toMatch(/flagged a problem with purchase order PO-THREAD-1/);
    expect(flagged?.body_text).toContain('The housing is on back-order until March.');

    step('the operator reads it');
    // The operator: the home counts the unread thread and opens the list of POs with unread messages.
    const op = await newPage(s);
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await op.waitForSelector('[data-testid="stat-queue-po-messages"]');
    expect(await op.textContent('[data-testid="stat-queue-po-messages"] [data-testid="stat-value"]')).toBe('1');
    await op.click('[data-testid="stat-queue-po-messages"]');
    await op.waitForSelector('[data-testid="purchase-order-row"] [data-testid="po-unread"]');
    expect(await op.textContent('[data-testid="purchase-order-row"] [data-testid="po-unread"]')).toBe('1 unread');
    expect(await op.isChecked('[data-testid="purchase-orders-unread"]')).toBe(true);
    await op.click('[data-testid="purchase-order-row"] a');
    await op.waitForSelector('[data-testid="po-thread"] [data-testid="query-message"]');
    // Opening it marks it read for the operator (the list's badge and the home's count follow).
    await expect
      .poll(async () => (await owner`select 1 from po_thread_reads where user_id = ${operator.userId}`).length)
      .toBe(1);

    step('the operator answers with a file');
    // The operator answers with a file; the supplier is mailed.
    await op.click('[data-testid="po-thread-write"]');
    await op.waitForSelector('[data-testid="po-thread-dialog"][open]');
    await op.fill('#po-thread-message', 'Please ship the 6 you have now; the rest in March is fine.');
    await op.setInputFiles('#po-thread-files', {
      name: 'revised-schedule.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes(3000, 'schedule'),
    });
    await op.click('[data-testid="po-thread-submit"]');
    await op.waitForSelector('[data-testid="po-thread"] [data-testid="query-file"]');
    expect(await op.textContent('[data-testid="po-thread-announcement"]')).toContain('the supplier was told by mail');
    expect(await op.textContent('[data-testid="po-thread"] [data-testid="query-file"]')).toBe('revised-schedule.pdf');
    expect(await op.$$eval('[data-testid="po-thread"] [data-testid="query-message"]', (els) => els.length)).toBe(2);
    const [answered] = await mailsTo(supplier.email, 'po-thread-message');
    expect(answered?.subject).toBe('The buyer wrote about purchase order PO-THREAD-1');
    expect(answered?.body_text).toContain('Please ship the 6 you have now');
    await shot(op, 'po-thread-operator');

    step('the supplier reads the answer');
    // The supplier's list shows the unread answer; opening the PO shows it and clears the badge.
    await sp.goto(`${s.srv.origin}/purchase-orders`);
    await sp.waitForSelector('[data-testid="purchase-order-row"] [data-testid="po-unread"]');
    expect(await sp.textContent('[data-testid="purchase-order-row"] [data-testid="po-unread"]')).toBe('1 unread');
    await sp.click('[data-testid="purchase-order-row"] a');
    await sp.waitForSelector('[data-testid="po-thread"] [data-testid="query-file"]');
    expect(await sp.textContent('[data-testid="po-thread"]')).toContain('Please ship the 6 you have now');
    await sp.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(sp)).toBe(false);
    await shot(sp, 'po-thread-supplier-390');
    await sp.goto(`${s.srv.origin}/purchase-orders`);
    await sp.waitForSelector('[data-testid="purchase-order-row"]');
    expect(await sp.$('[data-testid="purchase-order-row"] [data-testid="po-unread"]')).toBeNull();

    step('the operator resolves');
    // The operator resolves: the PO leaves "problem", the supplier is mailed the resolution.
    await op.click('[data-testid="po-thread-resolve"]');
    await op.waitForSelector('[data-testid="po-thread-resolve-dialog"][open]');
    await op.fill('#po-thread-resolve-resolution', 'Split delivery agreed.');
    await op.click('[data-testid="po-thread-resolve-submit"]');
    await op.waitForSelector('[data-testid="po-thread-outcome"]');
    expect(await op.textContent('[data-testid="po-thread-status"]')).toBe('Resolved');
    await op.waitForFunction(
      () => document.querySelector('[data-testid="purchase-order-status"]')?.textContent === 'Open',
    );
    const [resolved] = await mailsTo(supplier.email, 'po-thread-resolved');
    expect(resolved?.body_text).toContain('Split delivery agreed.');
    await op.context().close();
    await sp.context().close();
  });
});
