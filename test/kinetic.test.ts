import { createHash } from 'node:crypto';
import { appUrlFrom, createDatabase, type Database, kineticRepo } from '@gatehouse/db';
import {
  contextKey,
  integrationSealKey,
  reconcile,
  runDue,
  runOne,
  SYSTEM_SCOPE,
  type SyncDeps,
  seal,
  syncRolePassword,
} from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKinetic, type FakeKineticOptions, startFakeKinetic } from './support/fake-kinetic.ts';
import { createTestDatabase } from './support/harness.ts';

/**
 * The Kinetic connector against the in-process fake (issue 16, design note §13 rows 1–11): auth failures,
 * 429, transport faults, page caps, rows changing between pages, late commits, crashes, moves, unknown
 * parties and deletes. The connector and the fake share the fake's clock; waits are recorded, not slept.
 */
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: postgres.Sql;
let syncDb: Database;
let fake: FakeKinetic | null = null;
let companySeq = 0;
const sleeps: number[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  owner = postgres(t.ownerUrl, { max: 1, onnotice: () => {} });
  const syncPassword = syncRolePassword(t.secret);
  await owner.unsafe(`alter role gatehouse_sync with login password '${syncPassword}'`);
  syncDb = createDatabase({
    appUrl: appUrlFrom(t.ownerUrl, syncPassword, 'gatehouse_sync'),
    contextKey: contextKey(t.secret),
    maxConnections: 2,
  });
});

afterEach(async () => {
  await fake?.close();
  fake = null;
});

afterAll(async () => {
  await syncDb?.close();
  await owner?.end();
  await t?.db.close();
});

/** A fresh fake with its own company (so keys and references never meet another test's) and a connection to it. */
async function connect(
  o: FakeKineticOptions = {},
  conn: { authMode?: 'basic' | 'bearer'; apiKey?: string; settleMs?: number; pageSize?: number } = {},
) {
  companySeq += 1;
  const f = await startFakeKinetic({ company: `T${companySeq}`, customers: 5, vendors: 3, orders: 30, ...o });
  fake = f;
  sleeps.length = 0;
  await owner`delete from kinetic_rejects`;
  await owner`delete from kinetic_streams`;
  const key = integrationSealKey(t.secret);
  await t.db.tx(SYSTEM_SCOPE, (tx) =>
    kineticRepo.upsertConnection(tx, {
      baseUrl: f.baseUrl,
      instance: f.instance,
      company: f.company,
      authMode: conn.authMode ?? 'basic',
      username: f.user,
      apiKeySealed: seal(key, Buffer.from(conn.apiKey ?? f.apiKey)),
      passwordSealed: seal(key, Buffer.from(f.password)),
      caBundle: null,
      allowedCidrs: ['127.0.0.1/32'],
      state: 'ok',
      stateReason: null,
      settleMs: conn.settleMs ?? 120_000,
      pageSize: conn.pageSize ?? 50,
      suspendInactive: true,
    }),
  );
  return f;
}

function deps(f: FakeKinetic, extra: Partial<SyncDeps> = {}): SyncDeps {
  return {
    db: t.db,
    syncDb,
    clock: { now: () => f.clock.now() },
    config: { secret: t.secret },
    client: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      timeoutMs: 250,
    },
    ...extra,
  };
}

const cursorOf = async (stream: string) =>
  (await owner`select cursor from kinetic_streams where stream = ${stream}`)[0]?.cursor as Record<string, unknown>;

const money = (v: unknown) => BigInt(Math.round(Number(v) * 100));
const digest = (lines: string[]) => createHash('sha256').update(lines.sort().join('\n')).digest('hex');

/** The orders as the fake holds them: key, revision (header or line), customer, total, non-void lines. */
function fakeOrders(f: FakeKinetic) {
  return f.rows('SalesOrders').map((o) => {
    const lines = f.rows('OrderDtls').filter((l) => l.OrderNum === o.OrderNum);
    const rev = Math.max(Number(o.SysRevID), ...lines.map((l) => Number(l.SysRevID)));
    const live = lines.filter((l) => l.VoidLine !== true);
    return `kinetic:${f.company}:SO:${o.OrderNum}|${rev}|${o.CustomerCustID}|${money(o.DocOrderAmt)}|${live.length}|${live
      .map((l) => `${l.OrderLine}:${money(l.DocExtPriceDtl)}`)
      .sort()
      .join(',')}`;
  });
}
async function mirroredOrders(f: FakeKinetic) {
  const rows = await owner`
    select o.erp_key, o.erp_rev, p.erp_ref, o.total_minor,
           (select count(*)::int from order_lines l where l.order_id = o.id) as n,
           coalesce((select string_agg(l.line_no || ':' || l.amount_minor, ',' order by l.line_no::text)
                       from order_lines l where l.order_id = o.id), '') as lines
      from orders o join parties p on p.id = o.party_id
     where o.erp_key like ${`kinetic:${f.company}:SO:%`}`;
  return rows.map((r) => `${r.erp_key}|${r.erp_rev}|${r.erp_ref}|${r.total_minor}|${r.n}|${r.lines}`);
}
async function expectOrdersEqual(f: FakeKinetic) {
  const want = fakeOrders(f);
  const got = await mirroredOrders(f);
  expect(got.length).toBe(want.length);
  expect(
    got.filter((g) => !want.includes(g)),
    'rows that differ from the fake',
  ).toEqual([]);
  expect(digest(got)).toBe(digest(want));
}
const count = async (table: string, prefix: string) =>
  (await owner.unsafe(`select count(*)::int as n from ${table} where erp_key like $1`, [`${prefix}%`]))[0]?.n as number;

describe('initial load and incremental sync', () => {
  it('loads every stream, parents first, and the mirror equals the fake (counts and checksums)', async () => {
    const f = await connect();
    const results = await runDue(deps(f), { force: true });
    expect(results.map((r) => [r.stream, r.outcome])).toEqual([
      ['customers', 'ok'],
      ['suppliers', 'ok'],
      ['orders', 'ok'],
      ['order-lines', 'ok'],
      ['invoices', 'ok'],
      ['shipments', 'ok'],
      ['purchase-orders', 'ok'],
    ]);
    await expectOrdersEqual(f);
    const co = `kinetic:${f.company}`;
    expect(await count('parties', `${co}:C:`)).toBe(f.rows('Customers').length);
    expect(await count('parties', `${co}:V:`)).toBe(f.rows('Vendors').length);
    expect(await count('invoices', `${co}:AR:`)).toBe(f.rows('ARInvoices').filter((i) => i.Posted === true).length);
    expect(await count('shipments', `${co}:PK:`)).toBe(f.rows('CustShips').filter((s) => s.Voided === false).length);
    expect(await count('purchase_orders', `${co}:PO:`)).toBe(
      f.rows('POes').filter((p) => p.ApprovalStatus === 'A').length,
    );
    // Every data request carried $select and the key only in its header.
    const data = f.requests.filter((r) => r.path.includes('/odata/'));
    expect(data.every((r) => r.query.has('$select') && r.headers['x-api-key'] === f.apiKey)).toBe(true);
    expect(f.violations).toEqual([]);
    // The inactive customer is suspended, as the source setting says.
    const [inactive] = await owner`select status from parties where erp_key = ${`${co}:C:5`}`;
    expect(inactive?.status).toBe('suspended');
    // The cursor switched to incremental at H0 and a changed line brings its order along.
    expect((await cursorOf('orders')).phase).toBe('incremental');
    f.update('OrderDtls', { OrderNum: 3, OrderLine: 1 }, { DocExtPriceDtl: 999.99 });
    f.update('SalesOrders', { OrderNum: 3 }, { DocOrderAmt: 12345.67 });
    f.update('OrderDtls', { OrderNum: 4, OrderLine: 1 }, { LineDesc: 'Changed line only' });
    f.clock.advance(61_000);
    await runDue(deps(f));
    await expectOrdersEqual(f);
    const [line] = await owner`select l.description from order_lines l join orders o on o.id = l.order_id
                               where o.erp_key = ${`${co}:SO:4`} and l.line_no = 1`;
    expect(line?.description).toBe('Changed line only');
  });

  it('a silent page cap (fewer rows than $top, no nextLink) still mirrors every row', async () => {
    const f = await connect({ maxRows: 7, capMode: 'silent' }, { pageSize: 50 });
    const r = await runOne(deps(f), 'customers');
    expect(r.outcome).toBe('ok');
    await runOne(deps(f), 'orders');
    await expectOrdersEqual(f);
    // Pages were capped at 7 although 50 were asked for, and no nextLink was sent.
    const orderPages = f.requests.filter((q) => q.path.endsWith('/SalesOrders') && q.query.get('$top') === '50');
    expect(orderPages.length).toBeGreaterThan(30 / 7);
  });

  it('reads the next page while it writes the current one, and commits the pages in order, each with its cursor', async () => {
    const f = await connect({ maxRows: 10, capMode: 'silent' }, { pageSize: 10 });
    await runOne(deps(f), 'customers');
    let committed = 0;
    let committedWhenSecondServed = -1;
    // Pages served from now on: the stream's max(SysRevID) probe, then its pages.
    f.between(3, () => {
      committedWhenSecondServed = committed;
    });
    const r = await runOne(
      deps(f, {
        onPage: (_n, where) => {
          if (where === 'after') committed += 1;
        },
      }),
      'orders',
    );
    expect(r).toMatchObject({ outcome: 'ok', pages: 3, rows: 30 });
    // The second page was answered before the first page's transaction had committed: it was read ahead.
    expect(committedWhenSecondServed).toBe(0);
    expect(committed).toBe(3);
    await expectOrdersEqual(f);
  });

  it('a page capped with an offset @odata.nextLink continues by keyset, never by $skip', async () => {
    const f = await connect({ maxRows: 8, capMode: 'nextLink' });
    await runOne(deps(f), 'customers');
    await runOne(deps(f), 'orders');
    await expectOrdersEqual(f);
    const orderReads = f.requests.filter((q) => q.path.endsWith('/SalesOrders'));
    expect(orderReads.length).toBeGreaterThan(30 / 8);
    expect(orderReads.some((q) => q.query.has('$skip'))).toBe(false);
  });
});

describe('BAQ mode', () => {
  it('reads changes through the GH_* BAQ (SinceRev, silently capped at 100) and the rows whole by key', async () => {
    const f = await connect({ orders: 120 });
    await runOne(deps(f), 'customers');
    await runOne(deps(f), 'orders');
    await owner`update kinetic_streams set mode = 'baq' where stream in ('orders', 'order-lines')`;
    for (let n = 1; n <= 110; n++) f.update('SalesOrders', { OrderNum: n }, { PONum: `BAQ-${n}` });
    f.update('OrderDtls', { OrderNum: 115, OrderLine: 1 }, { LineDesc: 'via the line BAQ' });
    const sent = f.requests.length;
    expect((await runOne(deps(f), 'orders')).outcome).toBe('ok');
    expect((await runOne(deps(f), 'order-lines')).outcome).toBe('ok');
    await expectOrdersEqual(f);
    const mine = f.requests.slice(sent);
    const baqReads = mine.filter((q) => q.path.endsWith('/BaqSvc/GH_OrderHeads/Data'));
    expect(baqReads.length).toBeGreaterThanOrEqual(3); // 110 changes at ≤ 100 a page, then an empty page
    expect(baqReads.every((q) => q.query.has('SinceRev'))).toBe(true);
    expect(mine.some((q) => q.path.endsWith('/BaqSvc/GH_OrderDtls/Data'))).toBe(true);
    expect(mine.some((q) => q.path.endsWith('/SalesOrders') && q.query.get('$filter')?.includes('SysRevID'))).toBe(
      false,
    );
  });
});

describe('failures', () => {
  it('a 401 is retried once, then the connection is auth_failed with an alert, and runs stop calling', async () => {
    const f = await connect({}, { apiKey: 'wrong-key' });
    const results = await runDue(deps(f), { force: true });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ stream: 'customers', outcome: 'failed' });
    expect(results[0]?.error).toMatch(/^auth:.*API key/);
    expect(f.requests.filter((r) => r.status === 401)).toHaveLength(2);
    const [conn] = await owner`select state, state_reason from kinetic_connections`;
    expect(conn?.state).toBe('auth_failed');
    const alerts = await owner`select severity, title from alerts where rule = 'kinetic-auth-failed'`;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.severity).toBe('critical');
    const audit = await owner`select details from audit_events where action = 'kinetic.auth_failed'`;
    expect(audit.length).toBeGreaterThanOrEqual(1);
    const before = f.requests.length;
    expect(await runDue(deps(f), { force: true })).toEqual([]);
    expect(f.requests.length).toBe(before);
    await owner`delete from alerts where rule = 'kinetic-auth-failed'`;
  });

  it('a bearer token expiring mid-run is renewed once and the run goes on', async () => {
    const f = await connect({ maxRows: 10, capMode: 'nextLink' }, { authMode: 'bearer' });
    await runOne(deps(f), 'customers');
    const tokensBefore = f.tokenCalls;
    expect(tokensBefore).toBe(1);
    f.between(2, () => f.expireTokens());
    const r = await runOne(deps(f), 'orders');
    expect(r.outcome).toBe('ok');
    // One token for the run, one more after the expiry, not one per request.
    expect(f.tokenCalls - tokensBefore).toBe(2);
    expect(f.requests.filter((q) => q.status === 401)).toHaveLength(1);
    expect(
      f.requests.filter((q) => q.path.includes('/odata/')).every((q) => q.headers.authorization?.startsWith('Bearer ')),
    ).toBe(true);
    await expectOrdersEqual(f);
  });

  it('a 429 waits for Retry-After, then continues', async () => {
    const f = await connect();
    f.fail(1, { status: 429, retryAfter: 2 }, /Customers$/);
    const r = await runOne(deps(f), 'customers');
    expect(r.outcome).toBe('ok');
    expect(sleeps).toEqual([2000]);
    expect(await count('parties', `kinetic:${f.company}:C:`)).toBe(5);
  });

  it('5xx, resets, timeouts, truncated JSON and XML bodies: backoff, then the run fails with the cursor unchanged', async () => {
    const f = await connect();
    await runOne(deps(f), 'customers');
    await runOne(deps(f), 'orders');
    f.update('SalesOrders', { OrderNum: 2 }, { PONum: 'changed' });
    const cursor = await cursorOf('orders');
    for (const fault of [
      { status: 503 },
      { status: 502, plain: true },
      { kind: 'reset' as const },
      { kind: 'truncate' as const },
      { kind: 'xml' as const },
      { kind: 'hang' as const },
    ]) {
      sleeps.length = 0;
      const sent = f.requests.length;
      f.fail(6, fault, /SalesOrders$/);
      const r = await runOne(deps(f), 'orders');
      expect(r.outcome, JSON.stringify(fault)).toBe('failed');
      expect(r.error).toMatch(/^transport:/);
      // Six tries, five full-jitter waits that grow, never a sleep of zero length across the board.
      expect(sleeps).toHaveLength(5);
      expect(sleeps).toEqual([250, 500, 1000, 2000, 4000]);
      expect(f.requests.length - sent).toBe(6);
      expect(await cursorOf('orders')).toEqual(cursor);
    }
    // A fault that clears within the tries costs only a wait.
    f.fail(2, { status: 504 }, /SalesOrders$/);
    expect((await runOne(deps(f), 'orders')).outcome).toBe('ok');
    const [po] = await owner`select customer_reference from orders where erp_key = ${`kinetic:${f.company}:SO:2`}`;
    expect(po?.customer_reference).toBe('changed');
  });

  it('a business-rule 500 (with ErrorType) is not retried: one call, the run fails', async () => {
    const f = await connect();
    f.fail(1, { status: 500, errorType: 'Ice.Common.BusinessObjectException' }, /Customers$/);
    const r = await runOne(deps(f), 'customers');
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/^business:.*BusinessObjectException/);
    expect(f.requests.filter((q) => q.path.endsWith('/Customers'))).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('consistency', () => {
  it('rows changing between pages: updated rows come again, inserts behind the keyset are read, final state equals the fake', async () => {
    const f = await connect({ maxRows: 10, capMode: 'nextLink' });
    await runOne(deps(f), 'customers');
    await runOne(deps(f), 'orders');
    for (let n = 1; n <= 25; n++) f.update('SalesOrders', { OrderNum: n }, { PONum: `R1-${n}` });
    // After the first incremental page: a row already read changes, a new order arrives, and an order
    // moves behind the cursor.
    f.between(1, () => {
      f.update('SalesOrders', { OrderNum: 1 }, { PONum: 'changed again', DocOrderAmt: 1.5 });
      f.insert('SalesOrders', {
        OrderNum: 500,
        CustNum: 1,
        CustomerCustID: f.customerId(1),
        PONum: 'new',
        OrderDate: '2026-11-30T00:00:00',
        CurrencyCode: 'EUR',
        DocOrderAmt: 0,
        OpenOrder: true,
        VoidOrder: false,
        TotalShipped: 0,
      });
      f.update('OrderDtls', { OrderNum: 2, OrderLine: 1 }, { DocExtPriceDtl: 7.77 });
    });
    const r = await runOne(deps(f), 'orders');
    expect(r.outcome).toBe('ok');
    await runOne(deps(f), 'order-lines');
    await expectOrdersEqual(f);
    const [one] =
      await owner`select customer_reference, total_minor from orders where erp_key = ${`kinetic:${f.company}:SO:1`}`;
    expect(one).toMatchObject({ customer_reference: 'changed again', total_minor: '150' });
  });

  it('a late commit below a SysRevID already read is caught by the settle window', async () => {
    const f = await connect({}, { settleMs: 120_000 });
    await runOne(deps(f), 'customers');
    await runOne(deps(f), 'orders');
    const late = f.lateCommit(
      'SalesOrders',
      {
        OrderNum: 900,
        CustNum: 1,
        CustomerCustID: f.customerId(1),
        PONum: 'late',
        OrderDate: '2026-11-30T00:00:00',
        CurrencyCode: 'EUR',
        DocOrderAmt: 0,
        OpenOrder: true,
        VoidOrder: false,
        TotalShipped: 0,
      },
      60_000,
    );
    f.update('SalesOrders', { OrderNum: 7 }, { PONum: 'after the late one' });
    await runOne(deps(f), 'orders');
    const c1 = await cursorOf('orders');
    // The run read past the late row's SysRevID without seeing it.
    expect(Number(c1.read)).toBeGreaterThan(Number(late.SysRevID));
    expect(await count('orders', `kinetic:${f.company}:SO:900`)).toBe(0);
    f.clock.advance(61_000); // committed now, below what was read, and the settle window is not over
    await runOne(deps(f), 'orders');
    expect(await count('orders', `kinetic:${f.company}:SO:900`)).toBe(1);
    f.clock.advance(120_000);
    await runOne(deps(f), 'orders');
    const c3 = await cursorOf('orders');
    expect(Number(c3.rev)).toBeGreaterThanOrEqual(Number(c1.read)); // the watermark settled and moved on
    await expectOrdersEqual(f);
  });

  it('a crash between pages and one inside a page resume without loss or duplicates', async () => {
    const f = await connect({ maxRows: 6, capMode: 'silent' });
    await runOne(deps(f), 'customers');
    const crashAfter = await runOne(
      deps(f, {
        onPage: (n, where) => {
          if (n === 3 && where === 'after') throw new Error('process killed between pages');
        },
      }),
      'orders',
    );
    expect(crashAfter.outcome).toBe('failed');
    const partial = await count('orders', `kinetic:${f.company}:SO:`);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(30);
    const crashInside = await runOne(
      deps(f, {
        onPage: (_n, where) => {
          if (where === 'inside') throw new Error('process killed inside a page');
        },
      }),
      'orders',
    );
    expect(crashInside.outcome).toBe('failed');
    expect(await count('orders', `kinetic:${f.company}:SO:`)).toBe(partial); // the page rolled back whole
    expect((await runOne(deps(f), 'orders')).outcome).toBe('ok');
    await expectOrdersEqual(f);
    const dupes = await owner`select erp_key from orders where erp_key like ${`kinetic:${f.company}:%`}
                              group by erp_key having count(*) > 1`;
    expect(dupes).toHaveLength(0);
  });

  it('an order moved to another customer moves party, and both parties’ audit shows it', async () => {
    const f = await connect();
    await runOne(deps(f), 'customers');
    await runOne(deps(f), 'orders');
    const key = `kinetic:${f.company}:SO:6`;
    const [before] = await owner`select party_id from orders where erp_key = ${key}`;
    const from = f.find('SalesOrders', { OrderNum: 6 })?.CustNum as number;
    const to = from === 1 ? 2 : 1;
    f.update('SalesOrders', { OrderNum: 6 }, { CustNum: to, CustomerCustID: f.customerId(to) });
    await runOne(deps(f), 'orders');
    const [after] = await owner`select o.party_id, p.erp_ref from orders o join parties p on p.id = o.party_id
                                where o.erp_key = ${key}`;
    expect(after?.erp_ref).toBe(f.customerId(to));
    expect(after?.party_id).not.toBe(before?.party_id);
    const trail = await owner`select party_id, details from audit_events where action = 'document.moved_by_erp'
                              and details->>'erpKey' = ${key}`;
    expect(trail.map((a) => a.party_id).sort()).toEqual([before?.party_id, after?.party_id].sort());
    expect(trail[0]?.details).toMatchObject({ fromParty: before?.party_id, toParty: after?.party_id });
  });

  it('a row for an unknown party is rejected with its reason, then applied once the party arrives', async () => {
    const f = await connect();
    await runDue(deps(f), { force: true });
    const ref = `${f.company}-NEW`;
    f.insert('SalesOrders', {
      OrderNum: 700,
      CustNum: 77,
      CustomerCustID: ref,
      PONum: 'x',
      OrderDate: '2026-11-30T00:00:00',
      CurrencyCode: 'EUR',
      DocOrderAmt: 10,
      OpenOrder: true,
      VoidOrder: false,
      TotalShipped: 0,
    });
    f.insert('OrderDtls', {
      OrderNum: 700,
      OrderLine: 1,
      PartNum: 'P-1',
      LineDesc: 'One',
      SellingQuantity: 1,
      SalesUM: 'EA',
      DocUnitPrice: 10,
      DocExtPriceDtl: 10,
      VoidLine: false,
    });
    await runOne(deps(f), 'orders');
    const rejects = await owner`select stream, erp_key, reason from kinetic_rejects`;
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ stream: 'orders', erp_key: `kinetic:${f.company}:SO:700` });
    expect(rejects[0]?.reason).toMatch(/No customer has the ERP reference/);
    expect(await count('orders', `kinetic:${f.company}:SO:700`)).toBe(0);
    f.insert('Customers', { CustNum: 77, CustID: ref, Name: 'Newcomer AG', Inactive: false, CreditLimit: 0 });
    f.clock.advance(3_600_000);
    await runDue(deps(f));
    expect(await count('orders', `kinetic:${f.company}:SO:700`)).toBe(1);
    expect(await owner`select 1 from kinetic_rejects`).toHaveLength(0);
    await expectOrdersEqual(f);
  });

  it('the key-only reconciliation marks documents deleted in Kinetic as cancelled', async () => {
    const f = await connect();
    await runDue(deps(f), { force: true });
    f.remove('SalesOrders', { OrderNum: 9 });
    const res = await reconcile(deps(f));
    expect(res.missing).toEqual([`kinetic:${f.company}:SO:9`]);
    const [o] = await owner`select status from orders where erp_key = ${`kinetic:${f.company}:SO:9`}`;
    expect(o?.status).toBe('cancelled');
    const keyOnly = f.requests.filter(
      (q) => q.path.endsWith('/SalesOrders') && q.query.get('$select') === 'Company,OrderNum',
    );
    expect(keyOnly.length).toBeGreaterThan(0);
  });
});
