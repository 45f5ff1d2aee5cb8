import { appUrlFrom, createDatabase, type Database } from '@gatehouse/db';
import { check, contextKey, syncRolePassword, writeRows } from '@gatehouse/server/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyWithUser, createTestDatabase, SYSTEM } from './support/harness.ts';

/**
 * The mirror writer must probe the mirrored tables by their indexes, never read them whole: a page of an
 * initial load or a batch writes 1,000 documents into tables of millions. The sync role's RLS qual
 * (`(SELECT gh_ctx()) = '0…'`) is estimated to keep 0.5 % of a table's rows, so a plain join against
 * `orders` or `order_lines` was planned as a hash of the whole table until it held a few hundred thousand
 * rows (the Kinetic initial load slowed page by page). Counted, not EXPLAINed: the transaction's own
 * `pg_stat_xact_user_tables` says how many sequential scans the writer's statements made of each table.
 */

let db: Database;
let syncDb: Database;
let owner: postgres.Sql;
const REF = 'PLAN-C1';
const source = { name: 'Plan test', suspendInactive: true };

beforeAll(async () => {
  const made = await createTestDatabase();
  db = made.db;
  syncDb = createDatabase({
    appUrl: appUrlFrom(made.ownerUrl, syncRolePassword(made.secret), 'gatehouse_sync'),
    contextKey: contextKey(made.secret),
    maxConnections: 1,
  });
  owner = postgres(made.ownerUrl, { max: 1, onnotice: () => {} });
  const c = await createPartyWithUser(db, 'customer', ['customer-user']);
  await db.tx(SYSTEM, async (tx) => {
    await tx.db.execute(sql`update parties set erp_ref = ${REF} where id = ${c.partyId}`);
    await tx.db.execute(sql`
      insert into orders (party_id, number, status, order_date, currency, total_minor, erp_key, erp_rev, synced_at)
      select ${c.partyId}::uuid, 'PRE-' || g, 'open', date '2026-01-01' + g % 300, 'EUR', 1250, 'pre:' || g, 1, now()
        from generate_series(1, 30000) g`);
    await tx.db.execute(sql`
      insert into order_lines (party_id, order_id, line_no, sku, description, quantity, unit_price_minor, unit_price,
                               amount_minor)
      select o.party_id, o.id, l, 'B-8', 'Bolt', 1, 625, 6.25, 625 from orders o, generate_series(1, 2) l
       where o.party_id = ${c.partyId}::uuid`);
  });
  await owner`analyze orders`;
  await owner`analyze order_lines`;
}, 60_000);

afterAll(async () => {
  await syncDb.close();
  await db.close();
  await owner.end();
});

const orders = (rev: number) =>
  Array.from({ length: 1000 }, (_, i) => ({
    key: `plan:SO:${i}`,
    customer: REF,
    number: `PLAN-${i}`,
    status: 'open',
    orderDate: '2026-11-30',
    currency: 'EUR',
    total: '12.50',
    rev,
    lines: [
      { lineNo: 1, sku: 'B-8', description: 'Bolt', quantity: '2', unitPrice: '5.00', amount: '10.00' },
      { lineNo: 2, sku: 'N-8', description: 'Nut', quantity: '1', unitPrice: '2.50', amount: '2.50' },
    ],
  }));

/** Writes the rows in one transaction on the sync pool; answers the outcome counts and that transaction's seq scans. */
async function write(rows: unknown[]) {
  return syncDb.tx(SYSTEM, async (tx) => {
    const now = new Date();
    const written = await writeRows(tx, 'orders', check('orders', rows, now), { mode: 'partial', now, source });
    const scans = (await tx.db.execute(
      sql`select relname, seq_scan::int as n from pg_stat_xact_user_tables
           where schemaname = 'public' and relname in ('orders', 'order_lines')`,
    )) as unknown as { relname: string; n: number }[];
    return { counts: written.counts, scans: Object.fromEntries(scans.map((s) => [s.relname, s.n])) };
  });
}

describe('the mirror writer on loaded tables (30,000 orders, their lines)', () => {
  it('creates 1,000 orders, then updates them (lines replaced), without reading orders or order_lines whole', async () => {
    const created = await write(orders(1));
    expect(created.counts).toMatchObject({ created: 1000, rejected: 0 });
    expect(created.scans).toEqual({ orders: 0, order_lines: 0 });

    const updated = await write(orders(2));
    expect(updated.counts).toMatchObject({ updated: 1000, rejected: 0 });
    expect(updated.scans).toEqual({ orders: 0, order_lines: 0 });

    const replayed = await write(orders(2));
    expect(replayed.counts).toMatchObject({ unchanged: 1000, rejected: 0 });
    expect(replayed.scans).toEqual({ orders: 0, order_lines: 0 });
  });
});

describe('many writer calls in one transaction (a CSV import, a staged batch)', () => {
  it('hold as many locks after the 25th call as after the 2nd: the stage tables are made once and emptied', async () => {
    const held: number[] = [];
    await syncDb.tx(SYSTEM, async (tx) => {
      const now = new Date();
      for (let call = 0; call < 25; call++) {
        const batch = orders(1)
          .slice(0, 20)
          .map((o, i) => ({ ...o, key: `locks:${call}:${i}`, number: `LOCK-${call}-${i}` }));
        const written = await writeRows(tx, 'orders', check('orders', batch, now), { mode: 'atomic', now, source });
        expect(written.counts).toMatchObject({ created: 20, rejected: 0 });
        const [row] = (await tx.db.execute(
          sql`select count(*)::int as n from pg_locks where pid = pg_backend_pid()`,
        )) as unknown as { n: number }[];
        held.push(row?.n ?? -1);
      }
      // What the last call wrote is there, in the same transaction.
      const [made] = (await tx.db.execute(
        sql`select count(*)::int as n from orders where erp_key like 'locks:%'`,
      )) as unknown as { n: number }[];
      expect(made?.n).toBe(500);
    });
    // A table made and dropped per call kept its locks to the end: ~21 more per call, and a million-order
    // import ran out of PostgreSQL's lock table.
    expect(held[24]).toBe(held[1]);
  });
});

describe('ids of mirrored documents (migration 0048)', () => {
  it('are time-ordered (UUID v7): a later batch’s orders sort after an earlier one’s, so they append to the indexes', async () => {
    const batch = (n: number) =>
      orders(1)
        .slice(0, 50)
        .map((o, i) => ({ ...o, key: `v7:${n}:${i}`, number: `V7-${n}-${i}` }));
    await write(batch(1));
    await new Promise((r) => setTimeout(r, 5));
    await write(batch(2));
    const [r] = await owner`
      select bool_and(substr(id::text, 15, 1) = '7') as v7,
             max(id::text) filter (where erp_key like 'v7:1:%') as first_max,
             min(id::text) filter (where erp_key like 'v7:2:%') as second_min
        from orders where erp_key like 'v7:%'`;
    expect(r?.v7).toBe(true);
    expect(String(r?.first_max) < String(r?.second_min)).toBe(true);
    // The same default on every document table the writer fills in bulk.
    const defaults = await owner`
      select table_name, column_default from information_schema.columns
       where table_schema = 'public' and column_name = 'id'
         and table_name in ('orders', 'invoices', 'shipments', 'purchase_orders', 'payments') order by table_name`;
    expect(defaults.map((d) => [d.table_name, d.column_default])).toEqual(
      ['invoices', 'orders', 'payments', 'purchase_orders', 'shipments'].map((t) => [t, 'gh_uuid_v7()']),
    );
  });
});
