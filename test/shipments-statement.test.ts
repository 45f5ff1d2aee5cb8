import { demoRepo } from '@gatehouse/db';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, SYSTEM, useTestServer } from './support/harness.ts';

/** What shipped against which order, and the account statement with ageing per currency. */
const t = useTestServer();

async function customerWithOrders(n: number) {
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, u.partyId, n, 'EUR'));
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

describe('shipments', () => {
  it("lists the party's shipments, pages them, and shows each with the order lines it carried", async () => {
    const me = await customerWithOrders(30);
    const other = await customerWithOrders(10);
    const first = await me.c.shipments.list.query({ limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.items.every((s) => s.partyId === me.partyId)).toBe(true);
    const all = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await me.c.shipments.list.query({ limit: 5, cursor });
      all.push(...next.items);
      cursor = next.nextCursor;
    }
    const [expected] = await t.owner`select count(*)::int n from shipments where party_id = ${me.partyId}`;
    expect(all).toHaveLength(expected?.n);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);

    const one = all[0];
    if (!one) throw new Error('no shipment generated');
    const detail = await me.c.shipments.get.query({ id: one.id });
    const oneOrder = one.orders[0];
    if (!oneOrder) throw new Error('a shipment without its order');
    const order = await me.c.orders.get.query({ id: oneOrder.id });
    expect(detail.orders.map((o) => o.number)).toEqual([order.number]);
    expect(oneOrder.number).toBe(order.number);
    expect(detail.lines.map((l) => l.sku)).toEqual(order.lines.map((l) => l.sku));
    expect(order.shipments.map((s) => s.id)).toContain(one.id);
    expect((await me.c.shipments.list.query({ orderId: oneOrder.id })).items.map((s) => s.id)).toEqual([one.id]);
    expect((await me.c.shipments.list.query({ search: detail.trackingRef ?? '' })).items.map((s) => s.id)).toContain(
      one.id,
    );

    const theirs = await other.c.shipments.list.query({});
    expect(await codeOf(me.c.shipments.get.query({ id: theirs.items[0]?.id ?? '' }))).toBe('NOT_FOUND');
  });
});

describe('account statement', () => {
  it('ages open items per currency as of today, and moves with the clock', async () => {
    const me = await customerWithOrders(0);
    const other = await customerWithOrders(3);
    const today = new Date(t.srv.clock.now());
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const invoices: [string, string, string, number, string][] = [
      ['INV-A', 'EUR', day(5), 10_000, 'open'], // not yet due
      ['INV-B', 'EUR', day(-10), 20_000, 'open'], // 1-30
      ['INV-C', 'EUR', day(-45), 30_000, 'open'], // 31-60
      ['INV-D', 'EUR', day(-100), 40_000, 'open'], // over 90
      ['INV-E', 'USD', day(-70), 5_000, 'open'], // 61-90, other currency
      ['INV-F', 'EUR', day(-200), 99_000, 'paid'], // paid: not on the statement
    ];
    for (const [number, currency, due, open, status] of invoices) {
      await t.owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
                    values (${me.partyId}, ${number}, ${status}, ${due}::date - 30, ${due}::date, ${currency}, ${open}, ${status === 'paid' ? 0 : open})`;
    }
    const s = await me.c.statements.get.query();
    expect(s.asOf).toBe(day(0));
    expect(s.currencies).toEqual([
      {
        currency: 'EUR',
        openMinor: '100000',
        ageing: { current: '10000', days1to30: '20000', days31to60: '30000', days61to90: '0', over90: '40000' },
      },
      {
        currency: 'USD',
        openMinor: '5000',
        ageing: { current: '0', days1to30: '0', days31to60: '0', days61to90: '5000', over90: '0' },
      },
    ]);
    expect(s.openItems.map((i) => [i.number, i.daysOverdue])).toEqual([
      ['INV-D', 100],
      ['INV-E', 70],
      ['INV-C', 45],
      ['INV-B', 10],
      ['INV-A', 0],
    ]);
    expect(s.truncated).toBe(false);
    // Another party's statement has none of these.
    const theirs = await other.c.statements.get.query();
    expect(theirs.openItems.map((i) => i.number)).not.toContain('INV-A');

    t.srv.clock.advance(30 * 86_400_000);
    try {
      await me.c.auth.login.mutate(me); // a month later: a new session
      const later = await me.c.statements.get.query();
      expect(later.currencies[0]?.ageing).toEqual({
        current: '0',
        days1to30: '10000',
        days31to60: '20000',
        days61to90: '30000',
        over90: '40000',
      });
    } finally {
      t.srv.clock.advance(-30 * 86_400_000);
    }
  });
});
