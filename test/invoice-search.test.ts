import { trackingUrl } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, createPartyWithUser, SYSTEM, useTestServer } from './support/harness.ts';

/**
 * Lists people can search: invoices by number, by issue date range, with days overdue and totals per
 * currency over the filtered set (another party's never counted); a shipment carrying lines of two orders
 * names both; known carriers link to their tracking page.
 */
const t = useTestServer();

type Client = ReturnType<typeof client>;
let me: Awaited<ReturnType<typeof createPartyWithUser>> & { c: Client };
let other: Awaited<ReturnType<typeof createPartyWithUser>> & { c: Client };
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function signedIn() {
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

beforeAll(async () => {
  me = await signedIn();
  other = await signedIn();
  // number, legal number, kind, status, issued (days from today), due, currency, total, open
  const rows: [string, string | null, string, string, number, number, string, number, number][] = [
    ['INV-100', 'FR-2026-0100', 'invoice', 'open', -50, -20, 'EUR', 10000, 10000],
    ['INV-101', null, 'invoice', 'open', -40, -5, 'EUR', 5000, 2500],
    ['INV-102', null, 'invoice', 'paid', -30, 0, 'EUR', 7000, 0],
    ['INV-103', null, 'invoice', 'open', -3, 27, 'USD', 12345, 12345],
    ['CN-104', null, 'credit-note', 'open', -10, -1, 'EUR', -1500, -1500],
  ];
  for (const [number, legal, kind, status, issued, due, currency, total, open] of rows)
    await t.owner`insert into invoices (party_id, number, legal_number, kind, status, issue_date, due_date, currency, total_minor, open_minor)
      values (${me.partyId}, ${number}, ${legal}, ${kind}, ${status}, ${day(issued)}, ${day(due)}, ${currency}, ${total}, ${open})`;
  await t.owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
    values (${other.partyId}, 'INV-100', 'open', ${day(-50)}, ${day(-20)}, 'EUR', 999999, 999999)`;
});

describe('invoices: search, dates, days overdue, totals', () => {
  it('searches the number and the legal number, case-insensitively, in the caller’s invoices only', async () => {
    const byNumber = await me.c.invoices.list.query({ search: 'inv-100' });
    expect(byNumber.items.map((i) => i.number)).toEqual(['INV-100']);
    expect(byNumber.items[0]?.partyId).toBe(me.partyId);
    const byLegal = await me.c.invoices.list.query({ search: '2026-0100' });
    expect(byLegal.items.map((i) => i.number)).toEqual(['INV-100']);
    // LIKE wildcards are literal.
    expect((await me.c.invoices.list.query({ search: 'INV_10%' })).items).toEqual([]);
  });

  it('narrows to an issue date range, both ends inclusive, and refuses an end before the start', async () => {
    const range = await me.c.invoices.list.query({ from: day(-40), to: day(-10) });
    expect(range.items.map((i) => i.number).sort()).toEqual(['CN-104', 'INV-101', 'INV-102']);
    await expect(me.c.invoices.list.query({ from: day(0), to: day(-1) })).rejects.toThrow(/on or after the start/);
  });

  it('gives the days overdue of an overdue invoice (null otherwise), counted from the server’s today', async () => {
    const items = (await me.c.invoices.list.query({})).items;
    const days = Object.fromEntries(items.map((i) => [i.number, i.daysOverdue]));
    expect(days).toEqual({ 'INV-100': 20, 'INV-101': 5, 'INV-102': null, 'INV-103': null, 'CN-104': null });
    // The invoice page says the same.
    const one = await me.c.invoices.get.query({ id: items.find((i) => i.number === 'INV-101')?.id ?? '' });
    expect(one.daysOverdue).toBe(5);
  });

  it('totals per currency over exactly the filtered set, never another party’s', async () => {
    const all = await me.c.invoices.totals.query({});
    expect(all.currencies).toEqual([
      { currency: 'EUR', count: 4, totalMinor: '20500', openMinor: '11000' },
      { currency: 'USD', count: 1, totalMinor: '12345', openMinor: '12345' },
    ]);
    const overdue = await me.c.invoices.totals.query({ overdue: true });
    expect(overdue.currencies).toEqual([{ currency: 'EUR', count: 2, totalMinor: '15000', openMinor: '12500' }]);
    // A partyId names the caller's own scope only: still the caller's invoices.
    const aimed = await me.c.invoices.totals.query({ partyId: other.partyId, search: 'INV-100' });
    expect(aimed.currencies).toEqual([{ currency: 'EUR', count: 1, totalMinor: '10000', openMinor: '10000' }]);
    expect((await me.c.invoices.totals.query({ search: 'nothing' })).currencies).toEqual([]);
  });
});

describe('shipments: orders carried and tracking links', () => {
  it('a shipment carrying lines of two orders names both', async () => {
    const u = await signedIn();
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, u.partyId, 12, 'EUR'));
    const [a, b] = await t.owner<{ id: string; number: string }[]>`
      select id, number from orders where party_id = ${u.partyId} order by number limit 2`;
    if (!a || !b) throw new Error('no orders');
    const [s] = await t.owner<
      { id: string }[]
    >`insert into shipments (party_id, order_id, number, carrier, tracking_ref, status, shipped_on)
      values (${u.partyId}, ${a.id}, 'DN-MULTI', 'UPS', '1Z999', 'in-transit', ${day(0)}) returning id`;
    await t.owner`insert into shipment_lines (party_id, shipment_id, order_id, order_line_no, quantity)
      values (${u.partyId}, ${s?.id ?? null}, ${b.id}, 1, 1)`;
    const listed = await u.c.shipments.list.query({ search: 'DN-MULTI' });
    expect(listed.items[0]?.orders.map((o) => o.number)).toEqual([a.number, b.number].sort());
  });

  it('known carriers link to their tracking page with the reference encoded; others get no link', () => {
    expect(trackingUrl('UPS', '1Z 999')).toBe('https://www.ups.com/track?tracknum=1Z%20999');
    expect(trackingUrl('DHL Freight', 'TRK1')).toContain('dhl.com');
    expect(trackingUrl('Kuehne+Nagel', 'K1')).toContain('kuehne-nagel.com');
    expect(trackingUrl('Own truck', 'X1')).toBeNull();
    expect(trackingUrl('UPS', null)).toBeNull();
    expect(trackingUrl('UPS', '  ')).toBeNull();
  });
});
