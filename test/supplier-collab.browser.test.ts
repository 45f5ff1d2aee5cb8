import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';
import { steps } from './support/steps.ts';

/**
 * Supplier collaboration in the built SPA (issue 19): a supplier confirms a 3-line PO with one line split
 * and one rejected and an operator accepts it (the outbox holds the event); a ship notice for part of two
 * POs updates their open quantities; an invoice with one price off the PO is flagged and the operator
 * sees it. Screenshots land in test-results/.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;
let operator: Seeded;
let owner: postgres.Sql;

// 400/409: answers the journeys provoke on purpose (shown in words).
const s = useBrowserSuite({ SUPPLIER_INVOICE_PRICE_TOLERANCE_PCT: '2' }, { allowedConsole: /status of 40[01349]/ });
const isoIn = (days: number) => {
  const d = new Date(s.srv.clock.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
});

describe('supplier collaboration in the browser', () => {
  it('a 3-line PO: one line split, one rejected; the operator sees the differences and accepts; the outbox holds it', async () => {
    const step = steps();
    step('a 3-line PO');
    const requested = isoIn(10);
    const id = await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-CONF-1',
      requestedDate: requested,
      lines: [
        { quantity: '10', unitPrice: '5.00' },
        { quantity: '100', unitPrice: '1.25' },
        { quantity: '4', unitPrice: '99.00' },
      ],
    });
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/purchase-orders/${id}`);
    await page.waitForSelector('[data-testid="po-confirm"]');
    expect(await page.textContent('[data-testid="po-confirm"]')).toBe('Confirm lines');
    await page.click('[data-testid="po-confirm"]');
    await page.waitForSelector('[data-testid="confirm-lines-dialog"][open]');

    step('line 2 split, line 3 rejected');
    // Line 2: split into 60 on the requested date and 40 ten days later; line 3 rejected.
    await page.selectOption('#confirm-line-2-decision', 'change');
    await page.click('#confirm-line-2-split');
    await page.fill('#confirm-line-2-qty-0', '60');
    await page.fill('#confirm-line-2-qty-1', '40');
    await page.fill('#confirm-line-2-date-1', isoIn(20));
    await page.selectOption('#confirm-line-3-decision', 'reject');
    await page.click('[data-testid="confirm-lines-submit"]');
    // Without reasons the dialog says which line needs one, in words.
    expect(await page.textContent('#confirm-lines-error')).toBe('Line 2: A date later than requested needs a reason.');
    await page.fill('#confirm-line-2-reason', 'Capacity: the rest ships ten days later.');
    await page.fill('#confirm-line-3-reason', 'Discontinued part.');
    await shot(page, 'collab-confirm-dialog', { fullPage: false });
    await page.click('[data-testid="confirm-lines-submit"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="po-confirm"]')?.textContent === 'Change confirmation',
    );
    expect(await page.textContent('[data-testid="purchase-order-announcement"]')).toContain('the buyer reviews');
    expect(await page.getAttribute('[data-testid="po-round"]', 'data-status')).toBe('submitted');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await page.context().close();

    step('the operator sees and accepts');
    // The operator: the home counts it, the work queue lists it, the PO marks the differences.
    const op = await newPage(s);
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await op.waitForSelector('[data-testid="stat-queue-confirmations"]');
    expect(await op.textContent('[data-testid="stat-queue-confirmations"] [data-testid="stat-value"]')).toBe('1');
    await op.click('[data-testid="stat-queue-confirmations"]');
    await op.waitForSelector('[data-testid="confirmations-queue-row"]');
    await op.click('[data-testid="confirmations-queue-row"] th a');
    await op.waitForSelector('[data-testid="po-round-accept"]');
    const changed = await op.$$eval('[data-testid="po-round-line"]', (rows) =>
      rows.map((r) => [r.getAttribute('data-line'), r.getAttribute('data-changed')]),
    );
    expect(changed).toEqual([
      ['1', null],
      ['2', 'true'],
      ['3', 'true'],
    ]);
    expect(await op.locator('[data-testid="po-round-line"][data-line="2"] mark').count()).toBeGreaterThan(0);
    await shot(op, 'collab-operator-differences');
    await op.click('[data-testid="po-round-accept"]');
    await op.waitForSelector('[data-testid="po-round"][data-status="accepted"]');
    step('committed quantities');
    // Committed quantities follow the accepted round.
    await op.waitForFunction(
      () =>
        document.querySelector('[data-testid="po-progress-line"][data-line="3"] [data-testid="po-open"]')
          ?.textContent === '0',
    );

    const events = await owner`select type, payload from integration_events
                               where party_id = ${supplier.partyId} and subject->>'purchaseOrderNumber' = 'PO-CONF-1'
                               order by id`;
    expect(events.map((e) => e.type)).toEqual([
      'purchase_order.confirmation_submitted',
      'purchase_order.confirmation_accepted',
    ]);
    expect(events[0]?.payload.lines[1]).toMatchObject({
      lineNo: 2,
      decision: 'change',
      schedules: [
        { quantity: '60', date: requested },
        { quantity: '40', date: isoIn(20) },
      ],
    });
    expect(s.problems).toEqual([]);
    await op.context().close();
  }, 120_000);

  it('a ship notice for part of two POs updates their open quantities; operators see it incoming', async () => {
    const a = await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-ASN-A',
      requestedDate: isoIn(5),
      lines: [
        { quantity: '10', unitPrice: '2.00' },
        { quantity: '6', unitPrice: '3.00' },
      ],
    });
    await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-ASN-B',
      requestedDate: isoIn(5),
      lines: [{ quantity: '8', unitPrice: '4.00' }],
    });
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/purchase-orders/${a}`);
    await page.click('[data-testid="po-new-ship-notice"]');
    await page.waitForSelector('[data-testid="asn-po"][data-po-number="PO-ASN-A"]');
    const bId = await page.$eval(
      '#asn-add-po',
      (sel) => [...(sel as HTMLSelectElement).options].find((o) => o.textContent === 'PO-ASN-B')?.value ?? '',
    );
    await page.selectOption('#asn-add-po', bId);
    await page.waitForSelector('[data-testid="asn-po"][data-po-number="PO-ASN-B"]');
    await page.fill('#asn-carrier', 'DHL Freight');
    await page.fill('#asn-tracking', 'JD014600006281');
    await page.fill('#asn-packages', '3');
    await page.fill('#asn-qty-PO-ASN-A-1', '4');
    await page.fill('#asn-qty-PO-ASN-B-1', '5');
    // Over the open quantity: refused in words, nothing shipped.
    await page.fill('#asn-qty-PO-ASN-A-2', '7');
    await page.click('[data-testid="ship-notice-submit"]');
    await page.waitForSelector('[data-testid="ship-notice-error"]');
    expect(await page.textContent('[data-testid="ship-notice-error"]')).toContain('only 6 is open');
    await page.fill('#asn-qty-PO-ASN-A-2', '');
    await shot(page, 'collab-ship-notice-form');
    await page.click('[data-testid="ship-notice-submit"]');
    await page.waitForSelector('[data-testid="ship-notice-status"]');
    expect(await page.textContent('[data-testid="ship-notice-status"]')).toBe('Shipped');
    expect(await page.locator('[data-testid="ship-notice-lines"] tbody tr').count()).toBe(2);

    // Open quantities updated on both POs.
    await page.goto(`${s.srv.origin}/purchase-orders/${a}`);
    await page.waitForSelector('[data-testid="po-progress-line"]');
    const openA = await page.$$eval('[data-testid="po-open"]', (c) => c.map((x) => x.textContent));
    expect(openA).toEqual(['6', '6']);
    await page.goto(`${s.srv.origin}/ship-notices`);
    await page.waitForSelector('[data-testid="ship-notice-row"]');
    await page.click('[data-testid="ship-notice-row"] th a');
    await page.waitForSelector('[data-testid="ship-notice-lines"] a:text-is("PO-ASN-B")');
    await page.click('[data-testid="ship-notice-lines"] a:text-is("PO-ASN-B")');
    await page.waitForSelector('[data-testid="po-open"]');
    expect(await page.textContent('[data-testid="po-open"]')).toBe('3');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await page.context().close();

    const op = await newPage(s);
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await navTo(op, 'nav-ship-notices');
    await op.waitForSelector('[data-testid="ship-notice-row"]');
    expect(await op.textContent('h1')).toBe('Incoming shipments');
    expect(await op.textContent('[data-testid="ship-notice-row"] [data-testid="row-party"]')).toBeTruthy();
    const [event] = await owner`select payload from integration_events
                                where party_id = ${supplier.partyId} and type = 'ship_notice.created'`;
    expect(event?.payload).toMatchObject({ carrier: 'DHL Freight', packages: 3 });
    expect(s.problems).toEqual([]);
    await op.context().close();
  }, 120_000);

  it('an invoice with one price off the PO is flagged, and the operator sees it', async () => {
    const id = await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-INV-1',
      requestedDate: isoIn(5),
      lines: [
        { quantity: '10', unitPrice: '2.00' },
        { quantity: '5', unitPrice: '10.00' },
      ],
    });
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/ship-notices/new?po=${id}`);
    await page.waitForSelector('[data-testid="asn-po"][data-po-number="PO-INV-1"]');
    await page.fill('#asn-carrier', 'UPS');
    await page.fill('#asn-tracking', '1Z999');
    await page.fill('#asn-qty-PO-INV-1-1', '10');
    await page.fill('#asn-qty-PO-INV-1-2', '5');
    await page.click('[data-testid="ship-notice-submit"]');
    await page.waitForSelector('[data-testid="ship-notice-status"]');

    await page.goto(`${s.srv.origin}/purchase-orders/${id}`);
    await page.click('[data-testid="po-new-invoice"]');
    await page.waitForSelector('[data-testid="invoice-line"]');
    await page.fill('#invoice-number', 'INV-2026-001');
    // Line 2 invoiced at 11.00 against a PO price of 10.00: 10% off, beyond the 2% tolerance.
    await page.fill('#invoice-price-2', '11.00');
    await shot(page, 'collab-invoice-form');
    await page.click('[data-testid="invoice-submit"]');
    await page.waitForSelector('[data-testid="supplier-invoice-flagged"]');
    const flags = await page.$$eval('[data-testid="supplier-invoice-line"]', (rows) =>
      rows.map((r) => r.getAttribute('data-mismatch')),
    );
    expect(flags).toEqual(['false', 'true']);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await page.context().close();

    const op = await newPage(s);
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await op.waitForSelector('[data-testid="stat-queue-invoices-flagged"]');
    expect(await op.textContent('[data-testid="stat-queue-invoices-flagged"] [data-testid="stat-value"]')).toBe('1');
    await op.click('[data-testid="stat-queue-invoices-flagged"]');
    await op.waitForSelector('[data-testid="supplier-invoice-row"][data-mismatch="true"]');
    await op.click('[data-testid="supplier-invoice-row"] th a:text-is("INV-2026-001")');
    await op.waitForSelector('[data-testid="price-mismatch"]');
    expect(await op.textContent('[data-testid="price-mismatch"]')).toBe('11');
    await shot(op, 'collab-operator-invoice');
    expect(s.problems).toEqual([]);
    await op.context().close();
  }, 120_000);
});
