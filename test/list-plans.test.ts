import {
  approvalsRepo,
  auditRepo,
  changeRequestsRepo,
  type Database,
  demoRepo,
  documentsRepo,
  invoicesRepo,
  ordersRepo,
  partiesRepo,
  purchaseOrdersRepo,
  shipmentsRepo,
  signContext,
  type TenantScope,
  type Tx,
  usersRepo,
} from '@gatehouse/db';
import { contextKey } from '@gatehouse/server/testing';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyWithUser, createTestDatabase, SYSTEM } from './support/harness.ts';

/**
 * Every keyset list (a party's, and the staff queues across parties) must walk an index in its order and
 * stop after a page: an Index Scan and no Sort node. A sort means PostgreSQL read every row of the party (the ORDER BY named a
 * nulls placement no index has: 16.7 ms instead of 0.36 ms for 30,000 orders), which no small-data test
 * notices. Each list's SQL is captured from the data layer itself (a Drizzle handle that records instead
 * of running) and EXPLAINed as the app role under the same signed tenant context.
 */

let db: Database;
let ownerUrl: string;
let key: Buffer;
let customer: string;
let supplier: string;
let staffScope: TenantScope;

const COUNT = 12_000;

beforeAll(async () => {
  const made = await createTestDatabase();
  db = made.db;
  ownerUrl = made.ownerUrl;
  key = contextKey(made.secret);
  const c = await createPartyWithUser(db, 'customer', ['customer-user']);
  const s = await createPartyWithUser(db, 'supplier', ['supplier-user']);
  // A second, small customer, so the party column has more than one value.
  const other = await createPartyWithUser(db, 'customer', ['customer-user']);
  customer = c.partyId;
  supplier = s.partyId;
  staffScope = { kind: 'all', reason: 'staff' } as TenantScope;
  await db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, c.partyId, COUNT, 'EUR');
    await demoRepo.generateOrders(tx, other.partyId, 200, 'EUR');
    await demoRepo.generatePurchaseOrders(tx, s.partyId, COUNT, 'EUR', 'metals');
    await tx.db.execute(sql`
      insert into change_requests (party_id, kind, status, proposed, requested_by, requested_at)
      select ${s.partyId}::uuid, 'address', 'withdrawn', '{}'::jsonb, ${s.userId}::uuid, now() - g * interval '1 hour'
      from generate_series(1, ${COUNT}::int) g`);
    await tx.db.execute(sql`
      insert into approval_requests (party_id, type, title, status, rule, payload, submitted_by, submitted_at,
                                     last_edited_by, level_since)
      select ${s.partyId}::uuid, 'bank-details', 'r' || g, 'approved', '{"levels":[]}'::jsonb, '{}'::jsonb,
             ${s.userId}::uuid, now() - g * interval '1 hour', ${s.userId}::uuid, now() - g * interval '1 hour'
      from generate_series(1, ${COUNT}::int) g`);
    // A customer that pays late: most of its invoices are open and overdue, so the overdue list has many rows.
    await tx.db.execute(sql`
      update invoices set status = 'open', open_minor = total_minor where party_id = ${c.partyId}::uuid`);
    // Many suppliers, each with a user, a pending address change (one pending per kind and party), a
    // pending approval request waiting for approvers, and (below, as the owner) a document awaiting review: the staff queues.
    await tx.db.execute(sql`
      with made as (
        insert into parties (kind, name) select 'supplier', 'Plan supplier ' || g from generate_series(1, ${COUNT}::int) g
        returning id, name)
      insert into users (party_id, email, display_name, status)
      select id, 'plan-' || id || '@test.example', name, 'active' from made`);
    await tx.db.execute(sql`
      insert into change_requests (party_id, kind, status, proposed, requested_by, requested_at)
      select u.party_id, 'address', 'pending', '{}'::jsonb, u.id, now() - row_number() over () * interval '1 minute'
      from users u join parties p on p.id = u.party_id where p.name like 'Plan supplier %'`);
    await tx.db.execute(sql`
      insert into approval_requests (party_id, type, title, status, rule, payload, submitted_by, submitted_at,
                                     last_edited_by, level_since)
      select u.party_id, 'bank-details', 'p', 'pending', '{"levels":[{"roles":["approver"]}]}'::jsonb, '{}'::jsonb,
             u.id, now() - row_number() over () * interval '1 minute', u.id, now() - row_number() over () * interval '1 minute'
      from users u join parties p on p.id = u.party_id where p.name like 'Plan supplier %'`);
    for (const p of [c, other])
      await tx.db.execute(sql`
        insert into audit_events (party_id, actor_user_id, action, outcome, at)
        select ${p.partyId}::uuid, ${p.userId}::uuid, 'orders.viewed', 'success', now() - g * interval '1 minute'
        from generate_series(1, ${COUNT}::int) g`);
  });
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  // Document types are system data the app role only reads: the queue's documents are made as the owner.
  await owner`
      with t as (insert into document_types (key, name, description) values ('plan-cert', 'Certificate', 'plan')
                 returning id)
      insert into document_versions (party_id, type_id, version_no, file_name, content_type, size_bytes, sha256,
                                     status, uploaded_by, uploaded_at)
      select u.party_id, t.id, 1, 'c.pdf', 'application/pdf', 1, repeat('0', 64), 'submitted', u.id,
             now() - row_number() over () * interval '1 minute'
      from users u join parties p on p.id = u.party_id, t where p.name like 'Plan supplier %'`;
  await owner`analyze`;
  await owner.end();
}, 180_000);

afterAll(async () => {
  await db?.close();
});

interface Captured {
  query: string;
  params: unknown[];
}

/** Runs `fn` against a Drizzle handle that records every statement instead of sending it. */
async function capture(scope: TenantScope, fn: (tx: Tx) => Promise<unknown>): Promise<Captured[]> {
  const seen: Captured[] = [];
  const client = {
    options: db.appSql.options,
    unsafe(query: string, params: unknown[] = []) {
      seen.push({ query, params });
      const rows = Promise.resolve([]) as Promise<never[]> & { values: () => Promise<never[]> };
      rows.values = () => Promise.resolve([]);
      return rows;
    },
  };
  await fn({
    db: drizzle(client as never),
    scope,
    copyIn: () => Promise.reject(new Error('the list queries never COPY')),
  });
  return seen;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/**
 * The plan's nodes, without subplans: a per-row lookup in the select list (a change request's approval)
 * may sort its own few rows; what matters is how the list itself is read.
 */
const nodes = (n: PlanNode): PlanNode[] => [
  n,
  ...(n.Plans ?? []).filter((c) => !['SubPlan', 'InitPlan'].includes(c['Parent Relationship'] ?? '')).flatMap(nodes),
];

/** EXPLAINs the list's one SELECT as the app role, under the scope's signed context. */
async function planOf(scope: TenantScope, fn: (tx: Tx) => Promise<unknown>) {
  return nodes(await planRoot(scope, fn));
}

/**
 * The whole plan of the data layer call's one SELECT (see planOf). `planner: 'as is'` EXPLAINs it with the
 * planner's own settings instead of sorting made dear: for a statement whose subqueries may sort their few
 * rows, where making sorts dear would hide the plan PostgreSQL really picks (a sequential scan, say).
 */
async function planRoot(
  scope: TenantScope,
  fn: (tx: Tx) => Promise<unknown>,
  opts: { planner?: 'sorts made dear' | 'as is' } = {},
) {
  const seen = await capture(scope, fn);
  // `set local` planner settings a list makes for itself (audit search) apply to its EXPLAIN too.
  const settings = seen.filter((s) => /^\s*set local/i.test(s.query));
  const selects = seen.filter((s) => /^\s*select/i.test(s.query));
  expect(selects).toHaveLength(1);
  const stmt = selects[0] as Captured;
  const plan = await db.appSql.begin(async (c) => {
    await c`select set_config('app.ctx', ${signContext(key, scope)}, true)`;
    // Sorting made as dear as PostgreSQL allows: the plan then walks an index whenever one yields the
    // list's ORDER BY, and keeps its Sort node only when none does (an ORDER BY naming a nulls placement
    // or a column order no index has). So the check holds whatever the row counts and statistics.
    if (opts.planner !== 'as is') await c`set local enable_sort = off`;
    for (const s of settings) await c.unsafe(s.query, s.params as never[]);
    const [row] = await c.unsafe(`explain (format json) ${stmt.query}`, stmt.params as never[]);
    return (row as unknown as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
  });
  return plan;
}

async function expectIndexWalk(scope: TenantScope, index: string, fn: (tx: Tx) => Promise<unknown>) {
  const all = await planOf(scope, fn);
  const summary = all.map((n) => `${n['Node Type']}${n['Index Name'] ? ` on ${n['Index Name']}` : ''}`).join(' > ');
  expect(
    all.filter((n) => n['Node Type'].includes('Sort')).map((n) => n['Node Type']),
    summary,
  ).toEqual([]);
  expect(
    all.some((n) => /^Index (Only )?Scan/.test(n['Node Type']) && n['Index Name'] === index),
    summary,
  ).toBe(true);
}

const party = (partyId: string): TenantScope => ({ kind: 'party', partyId }) as TenantScope;

describe('keyset lists walk their index (no sort) for a party with many rows', () => {
  const limit = 50;
  for (const sort of ['newest', 'oldest'] as const) {
    it(`orders.list, ${sort} first`, async () => {
      await expectIndexWalk(party(customer), 'orders_party_date_idx', (tx) => ordersRepo.list(tx, { sort, limit }));
    });
  }
  for (const sort of ['total-desc', 'total-asc'] as const) {
    it(`orders.list by ${sort}`, async () => {
      await expectIndexWalk(party(customer), 'orders_party_total_idx', (tx) => ordersRepo.list(tx, { sort, limit }));
    });
  }
  it('orders.list for staff narrowed to one customer', async () => {
    await expectIndexWalk(staffScope, 'orders_party_date_idx', (tx) =>
      ordersRepo.list(tx, { partyId: customer, limit }),
    );
  });
  it('invoices.list, newest first and overdue only', async () => {
    await expectIndexWalk(party(customer), 'invoices_party_date_idx', (tx) =>
      invoicesRepo.list(tx, { asOf: '2030-01-01', limit }),
    );
    await expectIndexWalk(party(customer), 'invoices_party_open_due_idx', (tx) =>
      invoicesRepo.list(tx, { asOf: '2030-01-01', overdue: true, limit }),
    );
  });
  it('shipments.list', async () => {
    await expectIndexWalk(party(customer), 'shipments_party_date_idx', (tx) => shipmentsRepo.list(tx, { limit }));
  });
  it('purchaseOrders.list', async () => {
    await expectIndexWalk(party(supplier), 'purchase_orders_party_date_idx', (tx) =>
      // With each row's thread status and unread count (per-row lookups by the thread's unique key).
      purchaseOrdersRepo.list(tx, { limit }, { userId: '00000000-0000-0000-0000-000000000000', side: 'supplier' }),
    );
  });
  it("a supplier's change requests", async () => {
    await expectIndexWalk(party(supplier), 'change_requests_party_idx', (tx) => changeRequestsRepo.list(tx, { limit }));
  });
  it("a party's approval requests", async () => {
    await expectIndexWalk(party(supplier), 'approval_requests_party_idx', (tx) => approvalsRepo.list(tx, { limit }));
  });
  it("the handlers' pending change requests, oldest first", async () => {
    await expectIndexWalk(staffScope, 'change_requests_pending_idx', (tx) =>
      changeRequestsRepo.list(tx, { status: 'pending', oldestFirst: true, limit }),
    );
  });
  it("an approver's inbox, longest waiting first", async () => {
    await expectIndexWalk(staffScope, 'approval_requests_open_idx', (tx) =>
      approvalsRepo.list(tx, { waitingFor: { userId: customer, roleKeys: ['approver'] }, limit }),
    );
  });
  it("the reviewers' document queue, oldest first", async () => {
    await expectIndexWalk(staffScope, 'document_versions_queue_idx', (tx) => documentsRepo.queue(tx, { limit }));
  });
  it('users.list for staff, by address', async () => {
    await expectIndexWalk(staffScope, 'users_email_key', (tx) => usersRepo.listForAdmin(tx, { limit }));
  });
  it('parties.list, by name', async () => {
    await expectIndexWalk(staffScope, 'parties_name_idx', (tx) => partiesRepo.list(tx, { limit }));
  });
  it("a party's audit trail", async () => {
    await expectIndexWalk(party(customer), 'audit_party_at_idx', (tx) => auditRepo.search(tx, { limit }));
  });
});

/** Every node of a plan, its subplans included. */
const everyNode = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(everyNode)];

describe("the order page reads its own order's rows, not the party's", () => {
  // As PostgreSQL plans it (sorts not made dear): each shipment's orders were once an OR that read the whole
  // orders table per shipment (4 ms at 12,000 orders, growing with the table).
  it('orders.get: lines, shipments (and their orders) and invoices by the order, through indexes', async () => {
    const page = await db.read(party(customer), (tx) => ordersRepo.list(tx, { limit: 1 }));
    const id = (page.items[0] as { id: string }).id;
    const all = everyNode(
      await planRoot(party(customer), (tx) => ordersRepo.get(tx, id, { withShipments: true, withInvoices: true }), {
        planner: 'as is',
      }),
    );
    const summary = all
      .map(
        (n) =>
          `${n['Node Type']}${n['Relation Name'] ? ` ${n['Relation Name']}` : ''}${n['Index Name'] ? ` on ${n['Index Name']}` : ''}`,
      )
      .join(' > ');
    // Without invoices_party_order_idx the invoices came from invoices_party_date_idx: the party's every invoice.
    const indexes = new Set(all.map((n) => n['Index Name']).filter(Boolean));
    for (const index of ['invoices_party_order_idx', 'shipments_party_order_idx', 'shipment_lines_order_idx'])
      expect(indexes.has(index), summary).toBe(true);
    expect(indexes.has('invoices_party_date_idx'), summary).toBe(false);
    expect(indexes.has('shipments_party_date_idx'), summary).toBe(false);
    expect(
      all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
      summary,
    ).toEqual([]);
  });
});
