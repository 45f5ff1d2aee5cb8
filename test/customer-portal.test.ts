import { ORDER_SORTS } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, SYSTEM, useTestServer } from './support/harness.ts';

/**
 * The customer side of the portal: orders by date range in every sort with keyset paging, the overdue
 * flag and filter on invoices (measured against the server's clock), and the printable invoice.
 */
const t = useTestServer();

type Client = ReturnType<typeof client>;
type Row = { id: string; order_date: string; total_minor: string };
let me: Awaited<ReturnType<typeof createPartyWithUser>> & { c: Client };
let rows: Row[];

const cursorOf = (text: string) => Buffer.from(text).toString('base64url');
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function signedInCustomer(orders = 0) {
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  if (orders > 0) await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, u.partyId, orders, 'EUR'));
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

/** Every page of orders.list for `input`, `limit` at a time. */
async function allPages(c: Client, input: Parameters<Client['orders']['list']['query']>[0], limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await c.orders.list.query({ ...input, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((o) => o.id));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor);
  return { ids, pages };
}

// Ties on purpose: about four orders share each date and seven each total, so the id decides within a key.
// Some totals exceed 2^53: the cursor must carry the bigint exactly.
beforeAll(async () => {
  me = await signedInCustomer();
  await t.owner`insert into orders (party_id, number, status, order_date, currency, total_minor)
    select ${me.partyId}::uuid, 'T-' || lpad(g::text, 4, '0'), 'open', date '2025-03-01' + (g % 9), 'EUR',
           case when g % 7 = 0 then 9007199254740993 + g else (g % 5) * 1000 end
    from generate_series(1, 37) g`;
  rows = await t.owner<Row[]>`select id::text, order_date::text, total_minor::text from orders
                              where party_id = ${me.partyId}`;
});

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const cmpBig = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
/** The order each sort promises, computed here from the stored rows. */
const EXPECTED: Record<(typeof ORDER_SORTS)[number], (a: Row, b: Row) => number> = {
  newest: (a, b) => cmp(b.order_date, a.order_date) || cmp(b.id, a.id),
  oldest: (a, b) => cmp(a.order_date, b.order_date) || cmp(a.id, b.id),
  'total-desc': (a, b) => cmpBig(b.total_minor, a.total_minor) || cmp(b.id, a.id),
  'total-asc': (a, b) => cmpBig(a.total_minor, b.total_minor) || cmp(a.id, b.id),
};

describe('orders.list: date range and sorting', () => {
  for (const sort of ORDER_SORTS) {
    it(`sort '${sort}' pages through a date range in order, without repeats or gaps`, async () => {
      const from = '2025-03-03';
      const to = '2025-03-06';
      const expected = rows
        .filter((r) => r.order_date >= from && r.order_date <= to)
        .sort(EXPECTED[sort])
        .map((r) => r.id);
      expect(expected.length).toBeGreaterThan(12);
      const { ids, pages } = await allPages(me.c, { from, to, sort }, 4);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 4));

      // The whole list too (no range), a different page size.
      const whole = await allPages(me.c, { sort }, 7);
      expect(whole.ids).toEqual([...rows].sort(EXPECTED[sort]).map((r) => r.id));
    });
  }

  it('newest is the default, and the range is inclusive at both ends', async () => {
    const page = await me.c.orders.list.query({ limit: 200, from: '2025-03-02', to: '2025-03-02' });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((o) => o.orderDate === '2025-03-02')).toBe(true);
    const plain = await me.c.orders.list.query({ limit: 200 });
    expect(plain.items.map((o) => o.id)).toEqual([...rows].sort(EXPECTED.newest).map((r) => r.id));
    // Totals above 2^53 arrive exact.
    expect(plain.items.map((o) => o.totalMinor)).toContain('9007199254741000');
  });

  it('a start date after the end date is a BAD_REQUEST that says so', async () => {
    const err = await errorOf(me.c.orders.list.query({ from: '2025-03-06', to: '2025-03-03' }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('To: The end date must be on or after the start date.');
    expect(await codeOf(me.c.orders.list.query({ from: '2025-02-30' }))).toBe('BAD_REQUEST');
    expect(await codeOf(me.c.orders.list.query({ to: '6 March' }))).toBe('BAD_REQUEST');
    expect(await codeOf(me.c.orders.list.query({ from: '2025-03-06', to: '2025-03-06' }))).toBe('OK');
  });

  it("a cursor from another sort, another list or a forger's hand is a BAD_REQUEST", async () => {
    const newest = await me.c.orders.list.query({ limit: 3 });
    const totals = await me.c.orders.list.query({ limit: 3, sort: 'total-desc' });
    const cursor = newest.nextCursor ?? '';
    const totalCursor = totals.nextCursor ?? '';
    expect(await codeOf(me.c.orders.list.query({ limit: 3, cursor }))).toBe('OK');
    for (const sort of ['oldest', 'total-desc', 'total-asc'] as const) {
      const err = await errorOf(me.c.orders.list.query({ limit: 3, sort, cursor }));
      expect(err).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'That page link is not valid; start from the first page.',
      });
    }
    expect(await codeOf(me.c.orders.list.query({ limit: 3, sort: 'total-asc', cursor: totalCursor }))).toBe(
      'BAD_REQUEST',
    );
    // A shipments or invoices cursor is not an orders cursor.
    const other = await signedInCustomer(20);
    const shipments = await other.c.shipments.list.query({ limit: 1 });
    expect(await codeOf(other.c.orders.list.query({ cursor: shipments.nextCursor ?? '' }))).toBe('BAD_REQUEST');
    const id = rows[0]?.id ?? '';
    const forged = [
      'not-a-cursor',
      cursorOf(`2025-03-03|${id}`), // the old "date|id" shape
      cursorOf(`order_date:desc|2025-02-30|${id}`), // no such day
      cursorOf(`order_date:desc|2025-03-03|${id}|x`),
      cursorOf(`order_date:desc|2025-03-03|not-a-uuid`),
      cursorOf(`order_date:sideways|2025-03-03|${id}`),
      cursorOf(`total_minor:desc|99999999999999999999|${id}`), // beyond bigint
      cursorOf(`total_minor:desc|12.5|${id}`),
    ];
    for (const c of forged) expect(await codeOf(me.c.orders.list.query({ cursor: c }))).toBe('BAD_REQUEST');
    // A well-formed one (any key, any id) just seeks there, within the caller's party.
    const made = await me.c.orders.list.query({ sort: 'total-desc', cursor: cursorOf(`total_minor:desc|-5|${id}`) });
    expect(made.items).toEqual([]);
    const mid = await me.c.orders.list.query({ sort: 'total-desc', cursor: cursorOf(`total_minor:desc|2000|${id}`) });
    expect(mid.items.every((o) => BigInt(o.totalMinor) <= 2000n)).toBe(true);
  });
});

describe('invoices: overdue', () => {
  it("flags and filters overdue invoices by the server's today, and moves with its clock", async () => {
    const u = await signedInCustomer();
    const invoices: [string, number, string, number][] = [
      // number, due in days, status, open amount
      ['INV-LATE-40', -40, 'open', 5_000],
      ['INV-LATE-1', -1, 'open', 1_000],
      ['INV-DUE-TODAY', 0, 'open', 2_000],
      ['INV-DUE-SOON', 1, 'open', 3_000],
      ['INV-PAID', -90, 'paid', 0],
      ['INV-SETTLED', -20, 'open', 0], // open status, nothing left to pay: not overdue
      ['INV-CANCELLED', -30, 'cancelled', 4_000],
    ];
    for (const [number, due, status, open] of invoices) {
      await t.owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
        values (${u.partyId}, ${number}, ${status}, ${day(due - 30)}::date, ${day(due)}::date, 'EUR', 9000, ${open})`;
    }
    const overdueOf = async (c: Client) =>
      Object.fromEntries((await c.invoices.list.query({ limit: 50 })).items.map((i) => [i.number, i.overdue]));
    expect(await overdueOf(u.c)).toEqual({
      'INV-LATE-40': true,
      'INV-LATE-1': true,
      'INV-DUE-TODAY': false,
      'INV-DUE-SOON': false,
      'INV-PAID': false,
      'INV-SETTLED': false,
      'INV-CANCELLED': false,
    });

    // The filter: only overdue ones, longest overdue first, paged by due date.
    const first = await u.c.invoices.list.query({ overdue: true, limit: 1 });
    expect(first.items.map((i) => i.number)).toEqual(['INV-LATE-40']);
    const second = await u.c.invoices.list.query({ overdue: true, limit: 1, cursor: first.nextCursor ?? '' });
    expect(second.items.map((i) => i.number)).toEqual(['INV-LATE-1']);
    expect(second.nextCursor).toBeNull();
    // A cursor of the filtered list is refused on the full list, and the other way round.
    expect(await codeOf(u.c.invoices.list.query({ limit: 1, cursor: first.nextCursor ?? '' }))).toBe('BAD_REQUEST');
    const full = await u.c.invoices.list.query({ limit: 1 });
    expect(await codeOf(u.c.invoices.list.query({ overdue: true, cursor: full.nextCursor ?? '' }))).toBe('BAD_REQUEST');
    // Invoices of another party never show up under the filter.
    const other = await signedInCustomer(40);
    const theirs = await other.c.invoices.list.query({ overdue: true, limit: 200 });
    expect(theirs.items.every((i) => i.partyId === other.partyId && i.overdue)).toBe(true);

    t.srv.clock.advance(2 * 86_400_000);
    try {
      await u.c.auth.login.mutate(u); // two days later: a new session
      const later = await overdueOf(u.c);
      expect(later['INV-DUE-TODAY']).toBe(true);
      expect(later['INV-DUE-SOON']).toBe(true);
      expect(later['INV-SETTLED']).toBe(false);
      const filtered = await u.c.invoices.list.query({ overdue: true });
      expect(filtered.items.map((i) => i.number)).toEqual([
        'INV-LATE-40',
        'INV-LATE-1',
        'INV-DUE-TODAY',
        'INV-DUE-SOON',
      ]);
      expect((await u.c.invoices.get.query({ id: filtered.items[2]?.id ?? '' })).overdue).toBe(true);
    } finally {
      t.srv.clock.advance(-2 * 86_400_000);
    }
  });
});

describe('invoices.get: the printable invoice', () => {
  it('returns the invoice, whom it bills and the lines it bills (its order’s); another party gets NOT_FOUND', async () => {
    const u = await signedInCustomer(30);
    const [party] = await t.owner`select name from parties where id = ${u.partyId}`;
    const list = await u.c.invoices.list.query({ limit: 200 });
    const withOrder = list.items.find((i) => i.orderId);
    if (!withOrder?.orderId) throw new Error('no invoice with an order generated');
    const detail = await u.c.invoices.get.query({ id: withOrder.id });
    const order = await u.c.orders.get.query({ id: withOrder.orderId });
    // The list's partyName is for staff (null here); the detail names the party as billTo instead.
    const { partyName, ...summary } = withOrder;
    expect(partyName).toBeNull();
    expect(detail).toMatchObject({ ...summary, orderNumber: order.number, billTo: { name: party?.name } });
    // Demo invoices bill their order's lines as they are (invoice_lines, with no tax per line).
    expect(detail.lines).toEqual(order.lines.map((l) => ({ ...l, taxMinor: null })));
    expect(detail.lines.length).toBeGreaterThan(0);

    // An invoice without an order has no lines.
    const [loose] =
      await t.owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
      values (${u.partyId}, 'INV-LOOSE', 'open', ${day(-10)}::date, ${day(-3)}::date, 'EUR', 1234, 1234) returning id::text`;
    const looseDetail = await u.c.invoices.get.query({ id: loose?.id });
    expect(looseDetail).toMatchObject({
      number: 'INV-LOOSE',
      orderId: null,
      orderNumber: null,
      overdue: true,
      lines: [],
    });

    // Another party's invoice id answers exactly like a missing one.
    const other = await signedInCustomer(30);
    expect(await codeOf(other.c.invoices.get.query({ id: withOrder.id }))).toBe('NOT_FOUND');
    expect(await codeOf(other.c.invoices.get.query({ id: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(await codeOf(u.c.invoices.get.query({ id: 'not-a-uuid' }))).toBe('BAD_REQUEST');
  });
});
