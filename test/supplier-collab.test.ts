import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cookieOf, exeBytes, pdfBytes } from './support/files.ts';
import { client, codeOf, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';
import { steps } from './support/steps.ts';

/**
 * Supplier collaboration on POs (issue 19): per-line confirmations, ship notices and supplier invoices,
 * through the public procedures, with the outbox and the audit trail checked in the database.
 */
const t = useTestServer({ SUPPLIER_INVOICE_PRICE_TOLERANCE_PCT: '2', SUPPLIER_INVOICE_QUANTITY_TOLERANCE_PCT: '0' });
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);
const num = (p: string) => `${p}-${randomBytes(3).toString('hex')}`;

async function signIn(
  kind: 'supplier' | 'internal',
  role: 'supplier-user' | 'supplier-admin' | 'operator' | 'system-admin',
) {
  const u = await createPartyWithUser(t.srv.db, kind, [role]);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
const events = async (type: string, partyId: string) =>
  t.owner`select subject, payload from integration_events where type = ${type} and party_id = ${partyId} order by id`;
const audits = async (action: string, partyId: string) =>
  t.owner`select details from audit_events where action = ${action} and party_id = ${partyId} order by at`;

describe('per-line confirmations', () => {
  it('split, changed and rejected lines need reasons, wait for an operator, keep their history and reach the outbox', async () => {
    const step = steps();
    step('a confirmation round');
    const s = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const requested = day(10);
    const id = await makePurchaseOrder(t.srv.db, s.partyId, {
      number: num('PO'),
      requestedDate: requested,
      lines: [
        { quantity: '10', unitPrice: '5.00' },
        { quantity: '100', unitPrice: '1.25' },
        { quantity: '4', unitPrice: '99.00' },
      ],
    });
    const split = {
      lineNo: 2,
      decision: 'change' as const,
      schedules: [
        { quantity: '60', date: requested },
        { quantity: '40', date: day(20) },
      ],
    };
    const base = [
      { lineNo: 1, decision: 'confirm' as const, schedules: [{ quantity: '10', date: requested }] },
      split,
      { lineNo: 3, decision: 'reject' as const, schedules: [] },
    ];
    step('refused answers');
    // A later date and a rejection without a reason are refused; so is an unanswered line.
    expect((await errorOf(s.c.purchaseOrders.confirm.mutate({ id, lines: base }))).message).toMatch(
      /Line 2: A date later than requested needs a reason/,
    );
    expect(
      (
        await errorOf(
          s.c.purchaseOrders.confirm.mutate({
            id,
            lines: [base[0], { ...split, reason: 'Capacity' }, base[2]] as never,
          }),
        )
      ).message,
    ).toMatch(/Line 3: Say why the line is rejected/);
    expect((await errorOf(s.c.purchaseOrders.confirm.mutate({ id, lines: [base[0]] as never }))).message).toMatch(
      /missing: 2, 3/,
    );
    const lines = [base[0], { ...split, reason: 'Capacity' }, { ...base[2], reason: 'Discontinued' }];
    const first = await s.c.purchaseOrders.confirm.mutate({ id, lines: lines as never });
    expect(first).toMatchObject({ round: 1, status: 'submitted' });
    step('re-confirmation');
    // Re-confirmation: a second round supersedes the first, which stays as history.
    const second = await s.c.purchaseOrders.confirm.mutate({ id, lines: lines as never });
    expect(second).toMatchObject({ round: 2, status: 'submitted' });
    const history = await s.c.purchaseOrders.confirmations.query({ id });
    expect(history.items.map((r) => [r.round, r.status])).toEqual([
      [2, 'submitted'],
      [1, 'superseded'],
    ]);
    const [l1, l2, l3] = history.items[0]?.lines ?? [];
    expect([l1?.quantityChanged, l1?.dateChanged]).toEqual([false, false]);
    expect([l2?.quantityChanged, l2?.dateChanged]).toEqual([true, true]);
    expect(l3).toMatchObject({ decision: 'reject', quantityChanged: true, reason: 'Discontinued' });

    step("the operator's queue");
    // The operator's queue holds it; another supplier cannot see or decide it.
    const queue = await op.c.purchaseOrders.confirmationQueue.query({});
    expect(queue.items.find((q) => q.id === second.id)).toMatchObject({ round: 2, changedLines: 2 });
    const stranger = await signIn('supplier', 'supplier-admin');
    expect(await codeOf(stranger.c.purchaseOrders.confirmations.query({ id }))).toBe('NOT_FOUND');
    expect(await codeOf(stranger.c.purchaseOrders.confirm.mutate({ id, lines: lines as never }))).toBe('NOT_FOUND');
    expect(await codeOf(op.c.purchaseOrders.decideConfirmation.mutate({ id: first.id, decision: 'accept' }))).toBe(
      'CONFLICT',
    );
    expect(await op.c.purchaseOrders.decideConfirmation.mutate({ id: second.id, decision: 'accept' })).toEqual({
      ok: true,
      status: 'accepted',
    });
    step('committed quantities');
    // Committed quantities follow the accepted round: line 3 rejected, nothing open.
    const progress = await s.c.purchaseOrders.progress.query({ id });
    expect(progress.lines.map((l) => [l.lineNo, l.committed, l.open])).toEqual([
      [1, '10', '10'],
      [2, '100', '100'],
      [3, '0', '0'],
    ]);
    expect((await s.c.purchaseOrders.get.query({ id })).promisedDate).toBe(day(20));

    const submitted = await events('purchase_order.confirmation_submitted', s.partyId);
    expect(submitted).toHaveLength(2);
    expect(submitted[1]?.payload).toMatchObject({
      status: 'submitted',
      lines: expect.arrayContaining([expect.objectContaining({ lineNo: 2, schedules: split.schedules })]),
    });
    expect(await events('purchase_order.confirmation_accepted', s.partyId)).toHaveLength(1);
    expect(await audits('purchase_order.confirmation_submitted', s.partyId)).toHaveLength(2);
    expect(await audits('purchase_order.confirmation_accepted', s.partyId)).toHaveLength(1);
  });

  it('a round as ordered is accepted at once; a rejected round reopens the PO', async () => {
    const s = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const id = await makePurchaseOrder(t.srv.db, s.partyId, {
      number: num('PO'),
      requestedDate: day(5),
      lines: [{ quantity: '3', unitPrice: '1.00' }],
    });
    const asOrdered = await s.c.purchaseOrders.confirm.mutate({
      id,
      lines: [{ lineNo: 1, decision: 'confirm', schedules: [{ quantity: '3', date: day(5) }] }],
    });
    expect(asOrdered.status).toBe('accepted');
    const changed = await s.c.purchaseOrders.confirm.mutate({
      id,
      lines: [{ lineNo: 1, decision: 'change', schedules: [{ quantity: '2', date: day(5) }], reason: 'Short' }],
    });
    expect(
      await op.c.purchaseOrders.decideConfirmation.mutate({ id: changed.id, decision: 'reject', reason: 'Need all 3' }),
    ).toMatchObject({ status: 'rejected' });
    expect((await s.c.purchaseOrders.get.query({ id })).status).toBe('open');
    // The accepted first round still commits 3.
    expect((await s.c.purchaseOrders.progress.query({ id })).lines[0]).toMatchObject({ committed: '3' });
    expect(await events('purchase_order.confirmation_rejected', s.partyId)).toHaveLength(1);
  });
});

describe('ship notices', () => {
  it('ships part of two POs, updates open quantities, refuses over-shipping, and cancels back', async () => {
    const s = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const a = await makePurchaseOrder(t.srv.db, s.partyId, {
      number: num('PA'),
      requestedDate: day(3),
      lines: [
        { quantity: '10', unitPrice: '2.00' },
        { quantity: '5', unitPrice: '3.00' },
      ],
    });
    const b = await makePurchaseOrder(t.srv.db, s.partyId, {
      number: num('PB'),
      requestedDate: day(3),
      lines: [{ quantity: '8', unitPrice: '4.00' }],
    });
    const notice = { carrier: 'DHL', trackingRef: 'JD0001', shipDate: day(0), packages: 2 };
    const made = await s.c.shipNotices.create.mutate({
      ...notice,
      lines: [
        { purchaseOrderId: a, lineNo: 1, quantity: '4' },
        { purchaseOrderId: b, lineNo: 1, quantity: '8' },
      ],
    });
    expect(made.number).toMatch(/^ASN-\d{6}$/);
    // A retry with the same idempotency key returns the same notice and ships nothing more.
    const keyed = {
      ...notice,
      idempotencyKey: `asn-${made.id}`,
      lines: [{ purchaseOrderId: a, lineNo: 2, quantity: '1' }],
    };
    const once = await s.c.shipNotices.create.mutate(keyed);
    expect(await s.c.shipNotices.create.mutate(keyed)).toEqual(once);
    await s.c.shipNotices.cancel.mutate({ id: once.id, reason: 'Only a retry check' });
    expect((await s.c.purchaseOrders.progress.query({ id: a })).lines.map((l) => l.open)).toEqual(['6', '5']);
    expect((await s.c.purchaseOrders.progress.query({ id: b })).lines.map((l) => l.open)).toEqual(['0']);
    expect(
      (
        await errorOf(
          s.c.shipNotices.create.mutate({ ...notice, lines: [{ purchaseOrderId: b, lineNo: 1, quantity: '0.5' }] }),
        )
      ).message,
    ).toMatch(/only 0 is open/);
    // Another supplier's PO or notice: NOT_FOUND; operators see incoming shipments across suppliers.
    const stranger = await signIn('supplier', 'supplier-user');
    expect(
      await codeOf(
        stranger.c.shipNotices.create.mutate({ ...notice, lines: [{ purchaseOrderId: a, lineNo: 2, quantity: '1' }] }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(stranger.c.shipNotices.get.query({ id: made.id }))).toBe('NOT_FOUND');
    expect(await codeOf(stranger.c.shipNotices.cancel.mutate({ id: made.id, reason: 'not mine' }))).toBe('NOT_FOUND');
    const incoming = await op.c.shipNotices.list.query({ status: 'shipped', partyId: s.partyId });
    expect(incoming.items.map((n) => n.id)).toEqual([made.id]);
    expect(incoming.items[0]?.purchaseOrders).toHaveLength(2);

    const [event] = await events('ship_notice.created', s.partyId);
    expect(event?.subject).toEqual({ shipNoticeNumber: made.number });
    expect(event?.payload).toMatchObject({ carrier: 'DHL', trackingRef: 'JD0001', packages: 2 });

    await s.c.shipNotices.cancel.mutate({ id: made.id, reason: 'Truck broke down' });
    expect((await s.c.purchaseOrders.progress.query({ id: b })).lines.map((l) => l.open)).toEqual(['8']);
    expect(await codeOf(s.c.shipNotices.cancel.mutate({ id: made.id, reason: 'again' }))).toBe('CONFLICT');
    // Two cancellations: the retry check's notice and this one.
    expect(await events('ship_notice.cancelled', s.partyId)).toHaveLength(2);
    expect(await audits('ship_notice.cancelled', s.partyId)).toHaveLength(2);
  });

  it('concurrent ship notices on one line never ship more than is open', async () => {
    const s = await signIn('supplier', 'supplier-user');
    const id = await makePurchaseOrder(t.srv.db, s.partyId, {
      number: num('PC'),
      requestedDate: day(3),
      lines: [{ quantity: '10', unitPrice: '1.00' }],
    });
    const tries = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        s.c.shipNotices.create.mutate({
          carrier: 'UPS',
          trackingRef: `1Z${i}`,
          shipDate: day(0),
          packages: 1,
          lines: [{ purchaseOrderId: id, lineNo: 1, quantity: '3' }],
        }),
      ),
    );
    expect(tries.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const [row] = await t.owner`select coalesce(sum(l.quantity), 0)::text as shipped from ship_notice_lines l
                                join ship_notices n on n.id = l.ship_notice_id
                                where l.purchase_order_id = ${id} and n.status <> 'cancelled'`;
    expect(row?.shipped).toBe('9.0000');
  });
});

describe('supplier invoices', () => {
  it('flags a price off the PO beyond the tolerance; operators see it; other suppliers never do; the ERP reports status', async () => {
    const step = steps();
    step('a PO and its confirmation');
    const s = await signIn('supplier', 'supplier-admin');
    const op = await signIn('internal', 'operator');
    const id = await makePurchaseOrder(t.srv.db, s.partyId, {
      number: num('PI'),
      requestedDate: day(3),
      lines: [
        { quantity: '10', unitPrice: '2.00' },
        { quantity: '5', unitPrice: '10.00' },
      ],
    });
    await s.c.shipNotices.create.mutate({
      carrier: 'DHL',
      trackingRef: 'X1',
      shipDate: day(0),
      packages: 1,
      lines: [
        { purchaseOrderId: id, lineNo: 1, quantity: '10' },
        { purchaseOrderId: id, lineNo: 2, quantity: '5' },
      ],
    });
    const number = num('INV');
    step('invoice prices: flagged beyond tolerance');
    // Line 1 at 2.02 (1% off: within 2%), line 2 at 11.00 (10% off): flagged.
    const inv = await s.c.supplierInvoices.submit.mutate({
      purchaseOrderId: id,
      number,
      invoiceDate: day(0),
      lines: [
        { lineNo: 1, quantity: '10', unitPrice: '2.02' },
        { lineNo: 2, quantity: '5', unitPrice: '11.00' },
      ],
    });
    expect(inv.mismatch).toBe(true);
    const detail = await s.c.supplierInvoices.get.query({ id: inv.id });
    expect(detail.totalMinor).toBe('7520');
    expect(detail.lines.map((l) => [l.lineNo, l.priceMismatch, l.quantityMismatch])).toEqual([
      [1, false, false],
      [2, true, false],
    ]);
    expect(
      await codeOf(
        s.c.supplierInvoices.submit.mutate({
          purchaseOrderId: id,
          number,
          invoiceDate: day(0),
          lines: [{ lineNo: 1, quantity: '1', unitPrice: '2' }],
        }),
      ),
    ).toBe('CONFLICT');
    step('invoicing more than ordered');
    // Invoicing more than ordered is refused outright.
    expect(
      (
        await errorOf(
          s.c.supplierInvoices.submit.mutate({
            purchaseOrderId: id,
            number: num('INV'),
            invoiceDate: day(0),
            lines: [{ lineNo: 1, quantity: '1', unitPrice: '2' }],
          }),
        )
      ).message,
    ).toMatch(/more than the 10 ordered/);

    const flagged = await op.c.supplierInvoices.list.query({ mismatch: true, partyId: s.partyId });
    expect(flagged.items.map((i) => i.id)).toEqual([inv.id]);
    const stranger = await signIn('supplier', 'supplier-admin');
    expect(await codeOf(stranger.c.supplierInvoices.get.query({ id: inv.id }))).toBe('NOT_FOUND');
    expect((await stranger.c.supplierInvoices.list.query({})).items).toEqual([]);
    expect(await events('supplier_invoice.submitted', s.partyId)).toHaveLength(1);

    step('the PDF copy through the upload checks');
    // The PDF copy goes through the upload route's checks: an executable is refused, a PDF attached.
    const upload = async (who: object, bytes: Buffer, name: string, invoiceId = inv.id) => {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
      const res = await fetch(`${t.srv.origin}/files/supplier-invoices?invoiceId=${invoiceId}`, {
        method: 'POST',
        body: form,
        headers: { origin: t.srv.origin, cookie: cookieOf(who) },
      });
      return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
    };
    expect((await upload(s.c, exeBytes(), 'invoice.pdf')).status).toBe(415);
    expect((await upload(stranger.c, pdfBytes(), 'invoice.pdf')).status).toBe(404);
    expect((await upload(s.c, pdfBytes(), 'invoice.pdf')).status).toBe(201);
    expect((await s.c.supplierInvoices.get.query({ id: inv.id })).file).toMatchObject({ fileName: 'invoice.pdf' });

    step('the ERP reports status');
    // The ERP reports status through /api/v1/supplier-invoices/status.
    const [ref] = await t.owner`update parties set erp_ref = ${num('V')} where id = ${s.partyId} returning erp_ref`;
    const admin = await signIn('internal', 'system-admin');
    const key = await admin.c.integrations.createKey.mutate({
      integrationName: 'ERP invoices',
      scopes: ['supplier-invoices:write'],
      ipAllowlist: ['0.0.0.0/0', '::/0'],
      expiresInDays: 30,
    });
    const status = async (body: object) => {
      const res = await fetch(`${t.srv.origin}/api/v1/supplier-invoices/status`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const supplier = String(ref?.erp_ref);
    expect((await status({ supplier, number, status: 'paid' })).status).toBe(400);
    expect((await status({ supplier, number: 'NOPE', status: 'received' })).status).toBe(404);
    expect(await status({ supplier, number, status: 'approved' })).toEqual({
      status: 200,
      body: { status: 'approved', changed: true },
    });
    expect((await status({ supplier, number, status: 'paid', paymentDate: day(0) })).body).toEqual({
      status: 'paid',
      changed: true,
    });
    expect((await s.c.supplierInvoices.get.query({ id: inv.id })).paymentDate).toBe(day(0));
    expect(await audits('supplier_invoice.status_changed', s.partyId)).toHaveLength(2);
  });
});
