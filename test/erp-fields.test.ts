import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seedErpDocuments } from './support/erp-documents.ts';
import { client, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';

/**
 * The ERP fields of migration 0023 as the portal serves them: net beside gross order totals, units and
 * exact unit prices on order, purchase-order and invoice lines, credit notes with their legal number and
 * own lines, and the per-source setting "suspend parties the ERP marks inactive".
 */
const t = useTestServer();

async function signedIn(kind: 'customer' | 'supplier' | 'internal', roles: Parameters<typeof createPartyWithUser>[2]) {
  const u = await createPartyWithUser(t.srv.db, kind, roles);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

describe('orders: net, gross, units and exact unit prices', () => {
  it('orders.get carries net beside the gross total and each line its unit and exact unit price', async () => {
    const me = await signedIn('customer', ['customer-user']);
    const docs = await seedErpDocuments(t.owner, me.partyId, 'A1');
    const order = await me.c.orders.get.query({ id: docs.orderId });
    expect(order).toMatchObject({ totalMinor: '14875', netMinor: '12500' });
    expect(order.lines).toEqual([
      expect.objectContaining({
        lineNo: 1,
        quantity: '12.0000',
        uom: 'EA',
        unitPriceMinor: '500',
        unitPrice: '5.000000',
      }),
      expect.objectContaining({
        lineNo: 2,
        uom: 'EA',
        unitPriceMinor: '1',
        unitPrice: '0.006500',
        amountMinor: '6500',
      }),
    ]);
  });

  it('an order without net or units says so with nulls, and the list stays as it was', async () => {
    const me = await signedIn('customer', ['customer-user']);
    const [o] = await t.owner`insert into orders (party_id, number, status, order_date, currency, total_minor)
                              values (${me.partyId}, 'SO-PLAIN', 'open', current_date, 'EUR', 100) returning id::text`;
    await t.owner`insert into order_lines (party_id, order_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
                  values (${me.partyId}, ${o?.id}, 1, 'X', 'Thing', 1, 100, 100)`;
    const order = await me.c.orders.get.query({ id: o?.id });
    expect(order.netMinor).toBeNull();
    expect(order.lines[0]).toMatchObject({ uom: null, unitPrice: null, unitPriceMinor: '100' });
    const list = await me.c.orders.list.query({});
    expect(list.items).toHaveLength(1);
    expect(Object.keys(list.items[0] ?? {})).not.toContain('netMinor');
  });

  it('purchase order lines carry their unit and exact unit price', async () => {
    const sup = await signedIn('supplier', ['supplier-user']);
    const [po] = await t.owner`insert into purchase_orders (party_id, number, status, order_date, currency, total_minor)
                               values (${sup.partyId}, 'PO-UOM', 'open', current_date, 'EUR', 1235) returning id::text`;
    await t.owner`insert into purchase_order_lines (party_id, purchase_order_id, line_no, sku, description, quantity, uom,
                                                    unit_price_minor, unit_price, amount_minor)
                  values (${sup.partyId}, ${po?.id}, 1, 'RES-10K', 'Resistor 10k', 5000, 'PCE', 0, 0.002470, 1235)`;
    const got = await sup.c.purchaseOrders.get.query({ id: po?.id });
    expect(got.lines[0]).toMatchObject({ uom: 'PCE', unitPrice: '0.002470', unitPriceMinor: '0' });
  });
});

describe('invoices: kind, legal number and lines', () => {
  it('lists say which is a credit note and carry the legal number; the kind filter narrows to one kind', async () => {
    const me = await signedIn('customer', ['customer-user']);
    const docs = await seedErpDocuments(t.owner, me.partyId, 'B1');
    const all = await me.c.invoices.list.query({});
    expect(all.items.map((i) => [i.number, i.kind, i.legalNumber]).sort()).toEqual([
      [docs.creditNoteNumber, 'credit-note', docs.creditNoteLegalNumber],
      [docs.invoiceNumber, 'invoice', null],
    ]);
    const credits = await me.c.invoices.list.query({ kind: 'credit-note' });
    expect(credits.items.map((i) => i.id)).toEqual([docs.creditNoteId]);
    expect(credits.items[0]).toMatchObject({ totalMinor: '-2380', openMinor: '-2380' });
    const invoices = await me.c.invoices.list.query({ kind: 'invoice' });
    expect(invoices.items.map((i) => i.id)).toEqual([docs.invoiceId]);
    expect(await errorOf(me.c.invoices.list.query({ kind: 'memo' as 'invoice' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('staff lists carry the kind too, and narrow by it across customers', async () => {
    const me = await signedIn('customer', ['customer-user']);
    const docs = await seedErpDocuments(t.owner, me.partyId, 'B2');
    const op = await signedIn('internal', ['operator']);
    const credits = await op.c.invoices.list.query({ kind: 'credit-note', partyId: me.partyId });
    expect(credits.items).toEqual([
      expect.objectContaining({ id: docs.creditNoteId, kind: 'credit-note', partyName: expect.any(String) }),
    ]);
  });

  it("a credit note's detail has its own lines: no article on one, tax per line, negative amounts", async () => {
    const me = await signedIn('customer', ['customer-user']);
    const docs = await seedErpDocuments(t.owner, me.partyId, 'B3');
    const cn = await me.c.invoices.get.query({ id: docs.creditNoteId });
    expect(cn).toMatchObject({
      kind: 'credit-note',
      number: docs.creditNoteNumber,
      legalNumber: docs.creditNoteLegalNumber,
      totalMinor: '-2380',
    });
    expect(cn.lines).toEqual([
      {
        lineNo: 1,
        sku: 'BOLT-M8',
        description: 'Hex bolt M8 (returned)',
        quantity: '-4.0000',
        uom: 'EA',
        unitPriceMinor: '500',
        unitPrice: '5.000000',
        amountMinor: '-2000',
        taxMinor: '-380',
      },
      {
        lineNo: 2,
        sku: null,
        description: 'Restocking correction',
        quantity: '1.0000',
        uom: null,
        unitPriceMinor: '0',
        unitPrice: null,
        amountMinor: '0',
        taxMinor: null,
      },
    ]);
  });

  it('an invoice without lines of its own shows its order’s lines, with their units', async () => {
    const me = await signedIn('customer', ['customer-user']);
    const docs = await seedErpDocuments(t.owner, me.partyId, 'B4');
    const inv = await me.c.invoices.get.query({ id: docs.invoiceId });
    expect(inv.kind).toBe('invoice');
    expect(inv.legalNumber).toBeNull();
    expect(inv.lines.map((l) => [l.sku, l.uom, l.unitPrice, l.taxMinor])).toEqual([
      ['BOLT-M8', 'EA', '5.000000', null],
      ['WASH-M8', 'EA', '0.006500', null],
    ]);
  });

  it("another customer's credit note is NOT_FOUND, and its lines never appear", async () => {
    const owner = await signedIn('customer', ['customer-user']);
    const docs = await seedErpDocuments(t.owner, owner.partyId, 'B5');
    const other = await signedIn('customer', ['customer-user']);
    expect(await errorOf(other.c.invoices.get.query({ id: docs.creditNoteId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await other.c.invoices.list.query({ kind: 'credit-note' })).items).toEqual([]);
  });
});

describe('integrations.setSuspendInactive', () => {
  async function admin() {
    const a = await signedIn('internal', ['system-admin']);
    const key = await a.c.integrations.createKey.mutate({
      integrationName: `Source ${randomUUID().slice(0, 8)}`,
      scopes: ['parties:write'],
      ipAllowlist: ['192.0.2.0/24'],
      expiresInDays: 30,
    });
    const listed = await a.c.integrations.keys.query();
    const source = listed.integrations.find(
      (i) => i.id === listed.keys.find((k) => k.keyId === key.keyId)?.integrationId,
    );
    if (!source) throw new Error('integration not listed');
    return { ...a, source };
  }

  it('is on by default, listed with the integration, and switching it is audited with before and after', async () => {
    const a = await admin();
    expect(a.source).toMatchObject({ status: 'active', suspendInactive: true });
    expect(
      await a.c.integrations.setSuspendInactive.mutate({ integrationId: a.source.id, suspendInactive: false }),
    ).toEqual({ integrationId: a.source.id, suspendInactive: false });
    const listed = await a.c.integrations.keys.query();
    expect(listed.integrations.find((i) => i.id === a.source.id)?.suspendInactive).toBe(false);
    const [stored] = await t.owner`select suspend_inactive from integrations where id = ${a.source.id}`;
    expect(stored?.suspend_inactive).toBe(false);
    const rows = await t.owner`select actor_user_id::text as actor, entity_type, details from audit_events
                               where action = 'integration.source_settings_changed' and entity_id = ${a.source.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: a.userId,
      entity_type: 'integration',
      details: { integration: a.source.name, before: { suspendInactive: true }, after: { suspendInactive: false } },
    });
    await a.c.integrations.setSuspendInactive.mutate({ integrationId: a.source.id, suspendInactive: true });
    const [back] = await t.owner`select suspend_inactive from integrations where id = ${a.source.id}`;
    expect(back?.suspend_inactive).toBe(true);
  });

  it('an unknown integration is NOT_FOUND; a customer admin is FORBIDDEN', async () => {
    const a = await admin();
    expect(
      await errorOf(
        a.c.integrations.setSuspendInactive.mutate({ integrationId: randomUUID(), suspendInactive: false }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const ca = await signedIn('customer', ['customer-admin']);
    expect(
      await errorOf(
        ca.c.integrations.setSuspendInactive.mutate({ integrationId: a.source.id, suspendInactive: false }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const [stored] = await t.owner`select suspend_inactive from integrations where id = ${a.source.id}`;
    expect(stored?.suspend_inactive).toBe(true);
  });

  // Last in the file: it moves the server's clock.
  it('needs a recent password, and changes nothing without one', async () => {
    const a = await admin();
    t.srv.clock.advance(11 * 60_000);
    expect(
      await errorOf(a.c.integrations.setSuspendInactive.mutate({ integrationId: a.source.id, suspendInactive: false })),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'reauth-required' });
    const [stored] = await t.owner`select suspend_inactive from integrations where id = ${a.source.id}`;
    expect(stored?.suspend_inactive).toBe(true);
    await a.c.auth.reauthenticate.mutate({ password: a.password });
    await a.c.integrations.setSuspendInactive.mutate({ integrationId: a.source.id, suspendInactive: false });
    const [after] = await t.owner`select suspend_inactive from integrations where id = ${a.source.id}`;
    expect(after?.suspend_inactive).toBe(false);
  });
});
