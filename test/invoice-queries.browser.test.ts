import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { pdfBytes } from './support/files.ts';
import { createPartyWithUser } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Accounts payable in the built SPA: a customer raises a query on an invoice line with a file, an operator
 * answers and resolves it from the work queue, and the customer reads the outcome (and has the mails); a
 * customer sends remittance advice for two invoices and a credit note, and the items show "Payment advised".
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let operator: Seeded;
let owner: postgres.Sql;
const ids: { invoice: string; second: string; credit: string; number: string } = {
  invoice: '',
  second: '',
  credit: '',
  number: '',
};

// The refused (non-reconciling) remittance is a 400 the browser logs as a failed load.
const s = useBrowserSuite({}, { allowedConsole: /status of 40[0134]/ });

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  const invoice = async (number: string, kind: 'invoice' | 'credit-note', minor: number) => {
    const [row] = await owner`insert into invoices (party_id, number, kind, status, issue_date, due_date, currency,
                                                    total_minor, open_minor)
                              values (${customer.partyId}, ${number}, ${kind}, 'open', current_date - 20,
                                      current_date + 10, 'EUR', ${minor}, ${minor}) returning id::text`;
    return String(row?.id);
  };
  ids.number = 'INV-7001';
  ids.invoice = await invoice(ids.number, 'invoice', 100000);
  await owner`insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
              values (${customer.partyId}, ${ids.invoice}, 1, 'BOLT-8', 'Hex bolt M8', 100, 600, 60000),
                     (${customer.partyId}, ${ids.invoice}, 2, 'NUT-8', 'Hex nut M8', 100, 400, 40000)`;
  ids.second = await invoice('INV-7002', 'invoice', 45000);
  ids.credit = await invoice('CN-7003', 'credit-note', -15000);
});

afterAll(async () => {
  await owner?.end();
});

const mailsTo = (to: string) =>
  owner`select kind, subject, body_text from mail_outbox where to_address = ${to} order by created_at, id`;

describe('invoice queries and remittance advice in the browser', () => {
  it('a customer queries a line with a file; an operator answers and resolves it; the customer sees the outcome', async () => {
    const step = steps();
    step('the customer queries a line');
    const page = await newPage(s, { timeout: 30_000 });
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await page.goto(`${s.srv.origin}/invoices/${ids.invoice}`);
    await page.waitForSelector('[data-testid="queries-empty"]');
    await page.click('[data-testid="query-raise"]');
    await page.waitForSelector('[data-testid="query-dialog"][open]');
    // Nothing chosen: the dialog says what is missing.
    await page.click('[data-testid="query-submit"]');
    expect(await page.textContent('#query-dialog-error')).toBe('Choose a reason.');
    await page.selectOption('[data-testid="query-line"]', '2');
    await page.selectOption('[data-testid="query-reason"]', 'price');
    await page.fill('[data-testid="query-message-input"]', 'The nuts were quoted at 3.50 each, not 4.00.');
    await page.setInputFiles('[data-testid="query-files-input"]', {
      name: 'quote.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes(3000, 'quote'),
    });
    await shot(page, 'invoice-query-raise-dialog', { fullPage: false });
    await page.click('[data-testid="query-submit"]');
    await page.waitForSelector('[data-testid="query-dialog"]', { state: 'detached' });
    expect(await page.textContent('[data-testid="query-announcement"]')).toMatch(/told by mail/);
    await page.waitForSelector('[data-testid="query-file"]');
    expect(await page.textContent('[data-testid="invoice-query"] h3')).toMatch(/Price · line 2: Hex nut M8/);
    expect(await page.textContent('[data-testid="query-status"]')).toBe('Open');
    await page.waitForSelector('[data-testid="query-badge"]');
    // The invoice list carries the mark too.
    await navTo(page, 'nav-invoices');
    const row = page.locator('[data-testid="invoice-row"]', { hasText: ids.number });
    await row.locator('[data-testid="query-badge"]').waitFor();
    await shot(page, 'invoice-list-query-badge');

    step('the operator answers and resolves');
    // The operator: the work queue's Invoice queries tab, the query, a reply, then Resolve with a reason.
    const op = await newPage(s, { timeout: 30_000 });
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await op.goto(`${s.srv.origin}/work-queue?tab=invoice-queries`);
    const queued = op.locator('[data-testid="queue-invoice-query-row"]', { hasText: ids.number });
    await queued.waitFor();
    expect(await queued.textContent()).toContain('Price');
    await shot(op, 'operator-invoice-queries-queue');
    await queued.locator('[data-testid="queue-invoice-query-link"]').click();
    await op.waitForSelector('[data-testid="queue-invoice-query-title"]');
    expect(await op.textContent('[data-testid="queue-invoice-query-about"]')).toContain('line 2: Hex nut M8');
    expect(await op.textContent('[data-testid="query-file"]')).toBe('quote.pdf');
    await op.click('[data-testid="query-reply"]');
    await op.fill('#iq-action-reason', 'Checking with sales: the quote does say 3.50.');
    await op.click('[data-testid="iq-action-submit"]');
    await op.waitForSelector('[data-testid="iq-action-dialog"]', { state: 'detached' });
    expect(await op.textContent('[data-testid="queue-invoice-query-announcement"]')).toMatch(/was told by mail/);
    await op.waitForFunction(() => document.querySelectorAll('[data-testid="query-message"]').length === 2);
    await op.click('[data-testid="query-resolve"]');
    await op.fill('#iq-action-reason', 'A credit note for 50.00 follows.');
    await op.click('[data-testid="iq-action-submit"]');
    await op.waitForSelector('[data-testid="iq-action-dialog"]', { state: 'detached' });
    await op.waitForFunction(
      () => document.querySelector('[data-testid="queue-invoice-query-status"]')?.textContent === 'Resolved',
    );
    expect(await op.textContent('[data-testid="queue-invoice-query-announcement"]')).toMatch(
      /resolved: .* was told by mail, and the ERP was told/,
    );
    await op.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(op)).toBe(false);
    await shot(op, 'operator-invoice-query-resolved-390');

    step('the customer sees the outcome');
    // The customer sees the thread and the outcome; the badge is gone.
    await page.goto(`${s.srv.origin}/invoices/${ids.invoice}`);
    await page.waitForSelector('[data-testid="query-outcome"]');
    expect(await page.textContent('[data-testid="query-status"]')).toBe('Resolved');
    expect(await page.textContent('[data-testid="query-outcome"]')).toContain('A credit note for 50.00 follows.');
    expect(await page.locator('[data-testid="query-message"]').count()).toBe(2);
    expect(await page.locator('[data-testid="query-badge"]').count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'invoice-query-resolved-390');

    step('the mail outbox');
    // What the screens said was told is in the mail outbox.
    const mails = await mailsTo(customer.email);
    expect(mails.map((m) => m.kind)).toEqual([
      'invoice-query-raised',
      'invoice-query-answered',
      'invoice-query-closed',
    ]);
    expect(mails[2]?.subject).toBe(`Your query on invoice ${ids.number}, line 2 was resolved`);
    expect(mails[2]?.body_text).toContain('Reason: A credit note for 50.00 follows.');
    expect((await mailsTo(operator.email)).map((m) => m.kind)).toContain('invoice-query-waiting');
    const [event] = await owner`select type from integration_events where party_id = ${customer.partyId}`;
    expect(event?.type).toBe('invoice_query.resolved');
    expect(s.problems).toEqual([]);
  }, 120_000); // two people, each signing in, on a shared machine

  it('a customer sends remittance advice for two invoices and a credit note', async () => {
    const page = await newPage(s, { timeout: 30_000 });
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await navTo(page, 'nav-remittances');
    await page.waitForURL(/\/remittances$/);
    await page.click('[data-testid="remittance-new"]');
    await page.waitForSelector('[data-testid="remittance-item"]');
    const item = (number: string) => page.locator('[data-testid="remittance-item"]', { hasText: number });
    for (const n of ['INV-7001', 'INV-7002', 'CN-7003'])
      await item(n).locator('[data-testid="remittance-item-pay"]').check();
    // Pay part of the first invoice; the credit note comes off.
    await item('INV-7001').locator('[data-testid="remittance-item-amount"]').fill('600.00');
    expect(await item('CN-7003').locator('[data-testid="remittance-item-amount"]').inputValue()).toBe('-150.00');
    expect(await page.textContent('[data-testid="remittance-sum"]')).toContain('900.00 EUR');
    await page.fill('[data-testid="remittance-reference"]', 'PAY-2026-0815');
    // A total that does not reconcile is refused, in words.
    await page.fill('[data-testid="remittance-total"]', '950.00');
    await page.click('[data-testid="remittance-submit"]');
    await page.waitForSelector('#remittance-error');
    expect(await page.textContent('#remittance-error')).toMatch(/add up to 900.00 EUR, not the 950.00 EUR stated/);
    await page.fill('[data-testid="remittance-total"]', '900.00');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'remittance-new-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('[data-testid="remittance-submit"]');
    await page.waitForSelector('[data-testid="remittance-sent"]');
    expect(await page.textContent('[data-testid="remittance-row"]')).toMatch(/PAY-2026-0815.*900.00 EUR/s);
    await shot(page, 'remittances-sent');

    // The items show "Payment advised"; the ERP has the advice; the customer has a confirmation.
    await navTo(page, 'nav-invoices');
    for (const n of ['INV-7001', 'INV-7002', 'CN-7003'])
      await page
        .locator('[data-testid="invoice-row"]', { hasText: n })
        .locator('[data-testid="advised-badge"]')
        .waitFor();
    const [event] = await owner`select payload from integration_events
                                where party_id = ${customer.partyId} and type = 'remittance.advised'`;
    expect(event?.payload).toMatchObject({ totalMinor: '90000', currency: 'EUR' });
    const items = (event?.payload as { items?: { amountMinor: string }[] } | undefined)?.items ?? [];
    expect(items.map((i) => i.amountMinor).sort()).toEqual(['-15000', '45000', '60000'].sort());
    const mails = await mailsTo(customer.email);
    expect(mails.map((m) => m.subject)).toContain('Remittance advice PAY-2026-0815 sent');
    expect(s.problems).toEqual([]);
  }, 90_000);
});
