/**
 * Portal read benchmark (not a test: it measures and prints). Run: pnpm bench:portal
 *
 * Data: BENCH_ORDERS orders (1,000,000) across BENCH_PARTIES customer parties (5,000), skewed: the
 * BENCH_HEAVY_PARTIES (10) largest hold 20,000 to 50,000 orders each (scaled by BENCH_ORDERS / 1,000,000),
 * the rest share the remainder evenly. Each order has 1-3 lines and one invoice (open or paid; due 30
 * days after issue, so older open ones are overdue). One user and one session per party. All set-based SQL.
 *
 * Targets, all over the same database:
 *   raw   test/bench/raw-server.ts: node:http + postgres.js, same session lookup and the same SQL per
 *         procedure, as the cluster superuser (RLS bypassed), no transaction, no tRPC, no Express
 *   gh    Gatehouse as shipped (server/dist/main.mjs as `pnpm start` builds it, or BENCH_GH_SCRIPT: Express + tRPC + signed tenant context + forced RLS)
 *   pg    PostGraphile 4 (test/bench/postgraphile-server.ts), orders.list and orders.get only: a non-owner
 *         login role made here with SELECT on orders, order_lines, invoices and shipments and policies `TO`
 *         it alone (party_id = the verified JWT's party_id claim) on those already FORCE RLS tables; each
 *         request sends an HS256 JWT for its session's party. BENCH_POSTGRAPHILE=0 leaves it out (its goal
 *         rows then say "not run"); BENCH_PG_NULLS_LAST=0 drops its orderByNullsLast option (see the header
 *         of postgraphile-server.ts). Before anything is measured, checkSameRows() compares its answers with
 *         Gatehouse's for a few parties and stops the bench if they differ.
 * Requests come from a random session; BENCH_HEAVY_SHARE (0.1) of them from the heavy parties' sessions.
 * orders.get asks for one of BENCH_IDS_PER_PARTY (20) random orders of the session's own party.
 * Every target gets the same choice of session (and so party) per request.
 *
 * A) Max throughput per procedure (orders.list, orders.get, invoices.list), BENCH_CONNECTIONS (50)
 *    connections, BENCH_ROUNDS (3) interleaved rounds of BENCH_SECONDS (10) after BENCH_WARMUP_SECONDS (10)
 *    per target: req/s, p50/p99, server CPU per request, PostgreSQL CPU per request (the whole cluster's),
 *    medians. Goals: gh >= 0.7x raw; gh >= 1.2x pg (orders.list, orders.get).
 * B) Fixed offered rate per procedure: half the raw server's median max from A, open loop (wrk2-like:
 *    latency from each request's due time, at most BENCH_CONNECTIONS keep-alive connections), same rounds
 *    and duration: p50/p99, medians. Goal: gh p99 < 20 ms.
 * C) Memory: a fresh gh process, then the three procedures mixed at random for BENCH_MEMORY_SECONDS (300) at a constant
 *    BENCH_MEMORY_RATE req/s (open loop as in B; default: half gh's mean max from A), VmRSS sampled every
 *    BENCH_RSS_INTERVAL (5) s. Goal: RSS at the end <= 250 MB.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, migrate, startEmbedded } from '@gatehouse/db';
import { appRolePassword, contextKey } from '@gatehouse/server/testing';
import autocannon from 'autocannon';
import postgres from 'postgres';
import {
  buildServer,
  CLK_TCK,
  clusterTicks,
  cpuTicks,
  createSessions,
  fig,
  GATEHOUSE,
  type GoalRow,
  ghEnv,
  ghNodeArgs,
  median,
  ratio,
  reportGoals,
  rssMb,
  SECRET,
  seedPartiesAndUsers,
  startNode,
  stopChild,
  waitReady,
} from './common.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SECONDS = env('BENCH_SECONDS', 10);
const WARMUP = env('BENCH_WARMUP_SECONDS', 10);
const CONNECTIONS = env('BENCH_CONNECTIONS', 50);
const PARTIES = env('BENCH_PARTIES', 5000);
const ORDERS = env('BENCH_ORDERS', 1_000_000);
const HEAVY = env('BENCH_HEAVY_PARTIES', 10);
const HEAVY_SHARE = env('BENCH_HEAVY_SHARE', 0.1);
const IDS_PER_PARTY = env('BENCH_IDS_PER_PARTY', 20);
const MEMORY_SECONDS = env('BENCH_MEMORY_SECONDS', 300);
const RSS_INTERVAL = env('BENCH_RSS_INTERVAL', 5);
const WITH_PG = process.env.BENCH_POSTGRAPHILE !== '0';

const GOAL_RATIO = 0.7;
const GOAL_P99_MS = 20;
const GOAL_CPU_RATIO = 1.5;
const GOAL_RSS_MB = 250;
const GOAL_PG_RATIO = 1.2;

const PROCS = ['orders.list', 'orders.get', 'invoices.list'] as const;
type Proc = (typeof PROCS)[number];
/** What PostGraphile is compared on: the orders list and detail (the issue's list / get). */
const PG_PROCS: readonly Proc[] = ['orders.list', 'orders.get'];
type TargetName = 'raw' | 'gh' | 'pg';

interface Session {
  token: string;
  partyId: string;
  orderIds: string[];
  rawGet: string[];
  ghGet: string[];
  /** PostGraphile's bearer token for this session's party. */
  jwt: string;
}

/**
 * PostGraphile's side of the security shape: the login role it connects as (no ownership, no BYPASSRLS)
 * and the secret its JWTs are signed with (HS256), both new per run.
 */
const PG_ROLE = 'gh_bench_postgraphile';
const PG_JWT_SECRET = randomBytes(32).toString('base64url');

/** An HS256 JWT as PostGraphile 4 verifies it (jsonwebtoken: audience "postgraphile"). */
function signJwt(claims: Record<string, unknown>, secret = PG_JWT_SECRET): string {
  const b64 = (x: string) => Buffer.from(x).toString('base64url');
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
const jwtFor = (partyId: string, secret?: string) =>
  signJwt(
    {
      aud: 'postgraphile',
      party_id: partyId,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 86_400,
    },
    secret,
  );

/** Orders per party: HEAVY parties with 20k..50k (scaled), the others the remainder, spread evenly. */
function allocation() {
  if (PARTIES <= HEAVY) throw new Error('BENCH_PARTIES must exceed BENCH_HEAVY_PARTIES');
  const scale = ORDERS / 1_000_000;
  const heavy = Array.from({ length: HEAVY }, (_, i) =>
    Math.round((20_000 + (HEAVY > 1 ? (30_000 * i) / (HEAVY - 1) : 0)) * scale),
  );
  const rest = ORDERS - heavy.reduce((a, b) => a + b, 0);
  if (rest < PARTIES - HEAVY) throw new Error('too few orders for the other parties: raise BENCH_ORDERS');
  return { heavy, base: Math.floor(rest / (PARTIES - HEAVY)), extra: rest % (PARTIES - HEAVY) };
}

async function loadData(ownerUrl: string) {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  const step = async (what: string, run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    console.log(`   ${what.padEnd(34)} ${((performance.now() - t) / 1000).toFixed(1).padStart(6)} s`);
  };
  const { heavy, base, extra } = allocation();
  await sql`set synchronous_commit = off`;
  await sql`set maintenance_work_mem = '256MB'`;
  await step('parties, users, roles', () => seedPartiesAndUsers(sql, PARTIES));
  await step('allocation', async () => {
    await sql`create temp table bench_alloc as
              select id as party_id, (row_number() over (order by id))::int as idx from parties`;
    await sql`alter table bench_alloc add column n int`;
    await sql`update bench_alloc set n = case when idx <= ${HEAVY}::int then (${heavy}::int[])[idx]
                                              else ${base}::int + (case when idx - ${HEAVY}::int <= ${extra}::int then 1 else 0 end) end`;
  });
  await step(
    `orders (${ORDERS.toLocaleString('en')})`,
    () =>
      sql`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
        select a.party_id, 'SO-' || lpad(g::text, 7, '0'), 'PO-' || g,
               (array['open','confirmed','shipped','delivered'])[1 + (g + a.idx) % 4],
               current_date - ((g * 17 + a.idx) % 730), 'EUR', (g::bigint * 7919 + a.idx * 104729) % 1000000
        from bench_alloc a, generate_series(1, a.n) g`,
  );
  await step(
    'order lines (1-3 per order)',
    () =>
      sql`insert into order_lines (party_id, order_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
        select o.party_id, o.id, l, 'SKU-' || lpad(((o.total_minor + l * 7) % 5000)::text, 5, '0'), 'Bench item ' || l,
               1 + (o.total_minor + l) % 20, 100 + (o.total_minor + l) % 9900,
               (1 + (o.total_minor + l) % 20) * (100 + (o.total_minor + l) % 9900)
        from orders o, generate_series(1, 1 + (o.total_minor % 3)::int) l`,
  );
  // Open: everything of the last 60 days and a fifth of the older ones (overdue: due 30 days after issue).
  await step(
    'invoices (one per order)',
    () =>
      sql`insert into invoices (party_id, order_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
        select party_id, id, 'INV-' || substr(number, 4), st, order_date + 1, order_date + 31, currency, total_minor,
               case when st = 'open' then total_minor else 0 end
        from (select o.*, case when o.order_date > current_date - 60 or o.total_minor % 10 < 2 then 'open' else 'paid' end as st
              from orders o) x`,
  );
  let sessions: { token: string; partyId: string }[] = [];
  await step('sessions', async () => {
    sessions = await createSessions(sql);
  });
  await step('vacuum analyze', () => sql`vacuum analyze`);
  const heavyIds = new Set(
    (await sql`select party_id from bench_alloc where idx <= ${HEAVY}::int`).map((r) => r.party_id),
  );
  const ids = new Map<string, string[]>();
  for (const r of await sql`
      select party_id, array_agg(id::text) as ids
      from (select party_id, id, row_number() over (partition by party_id order by random()) as rn from orders) x
      where rn <= ${IDS_PER_PARTY}::int group by party_id`)
    ids.set(r.party_id, r.ids);
  const [stats] = await sql`
    select (select count(*) from orders)::int as orders, (select count(*) from order_lines)::int as lines,
           (select count(*) from invoices)::int as invoices,
           (select count(*) from invoices where status = 'open')::int as open,
           (select count(*) from invoices where status = 'open' and due_date < current_date)::int as overdue,
           (select min(n) from bench_alloc)::int as min_n, (select max(n) from bench_alloc)::int as max_n,
           (select coalesce(sum(n), 0) from bench_alloc where idx <= ${HEAVY}::int)::int as heavy_n`;
  await sql.end();
  const all: Session[] = sessions.map((s) => {
    const orderIds = ids.get(s.partyId) ?? [];
    return {
      ...s,
      orderIds,
      jwt: jwtFor(s.partyId),
      rawGet: orderIds.map((id) => `/orders/${id}`),
      ghGet: orderIds.map((id) => `/trpc/orders.get?input=${encodeURIComponent(JSON.stringify({ id }))}`),
    };
  });
  return {
    heavy: all.filter((s) => heavyIds.has(s.partyId)),
    light: all.filter((s) => !heavyIds.has(s.partyId)),
    stats: stats as Record<string, number>,
    loadSeconds: (performance.now() - t0) / 1000,
  };
}

const LIST_INPUT = encodeURIComponent(JSON.stringify({ limit: 50 }));
const pickOf = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)] as T;

function pathFor(target: 'raw' | 'gh', proc: Proc, s: Session): string {
  if (proc === 'orders.get') return pickOf(target === 'raw' ? s.rawGet : s.ghGet);
  if (target === 'raw') return proc === 'orders.list' ? '/orders' : '/invoices';
  return `/trpc/${proc}?input=${LIST_INPUT}`;
}

/**
 * PostGraphile's orders.list: the party's newest 50 by (order_date desc, id desc), as Gatehouse's first page,
 * with what a pager needs next (Gatehouse's nextCursor). The condition names the party the client is;
 * RLS decides what it may see.
 */
const PG_LIST = `query OrdersList($party: UUID!) {
  allOrders(first: 50, orderBy: [ORDER_DATE_DESC, ID_DESC], condition: { partyId: $party }) {
    nodes { id partyId number customerReference status orderDate currency totalMinor }
    pageInfo { hasNextPage endCursor }
  }
}`;
/** PostGraphile's orders.get: the order with its lines, invoices and shipments, as orders.get returns it. */
const PG_GET = `query OrderGet($id: UUID!) {
  orderById(id: $id) {
    id partyId number customerReference status orderDate currency totalMinor netMinor
    orderLinesByOrderId(orderBy: LINE_NO_ASC) {
      nodes { lineNo sku description quantity uom unitPriceMinor unitPrice amountMinor }
    }
    invoicesByOrderId(orderBy: [ISSUE_DATE_ASC, ID_ASC]) {
      nodes { id number legalNumber kind status issueDate dueDate currency totalMinor openMinor }
    }
    shipmentsByOrderId(orderBy: [SHIPPED_ON_DESC, ID_DESC]) {
      nodes { id partyId number carrier trackingRef status shippedOn deliveredOn }
    }
  }
}`;
const pgBody = (query: string, variables: Record<string, string>) => JSON.stringify({ query, variables });

interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The request a target's API answers `proc` with, as session `s` (an order of its own for orders.get). */
function requestFor(api: TargetName, proc: Proc, s: Session, jwt = s.jwt): Req {
  if (api !== 'pg') return { method: 'GET', path: pathFor(api, proc, s), headers: { cookie: `gh_session=${s.token}` } };
  return {
    method: 'POST',
    path: '/graphql',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: proc === 'orders.get' ? pgBody(PG_GET, { id: pickOf(s.orderIds) }) : pgBody(PG_LIST, { party: s.partyId }),
  };
}

async function send(t: Target, r: Req): Promise<{ status: number; text: string }> {
  const res = await fetch(t.base + r.path, { method: r.method, headers: r.headers, body: r.body });
  return { status: res.status, text: await res.text() };
}

interface Target {
  name: TargetName;
  /** Which server answers: the raw one's paths, Gatehouse's (also for the anchor of BENCH_AB_NODE_ARGS), or PostGraphile's. */
  api: TargetName;
  /** The procedures it serves (PostGraphile: the orders list and detail). */
  procs: readonly Proc[];
  pid: number;
  base: string;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerReq: number;
  /** CPU of the whole PostgreSQL cluster per request (only the target under load uses it meanwhile). */
  dbCpuMsPerReq: number;
  non2xx: number;
  /** Counts of non-2xx status codes, e.g. { 500: 3 }. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

/** The PostgreSQL postmaster, whose cluster's CPU each run reports per request (set in main). */
let postmasterPid = 0;
const dbTicks = () => clusterTicks(postmasterPid);
/** A random session's, BENCH_HEAVY_SHARE of them a heavy party's: the same choice for every target. */
const sessionPicker = (sessions: { heavy: Session[]; light: Session[] }) => () =>
  sessions.heavy.length > 0 && Math.random() < HEAVY_SHARE ? pickOf(sessions.heavy) : pickOf(sessions.light);
/** The procedure of one request: `proc`, or one of the target's at random for 'mixed'. */
const procOf = (t: Target, proc: Proc | 'mixed') => (proc === 'mixed' ? pickOf([...t.procs]) : proc);

/** A GraphQL answer with errors (the bench's own data holds no such text). */
const isGqlError = (body: string) => body.includes('"errors":[');

/** Closed loop at full speed: CONNECTIONS connections, each sending its next request on a response. */
async function runLoad(
  t: Target,
  proc: Proc | 'mixed',
  sessions: { heavy: Session[]; light: Session[] },
  opts: { seconds: number },
): Promise<LoadResult> {
  const pickSession = sessionPicker(sessions);
  let gqlErrors = 0;
  const [before, dbBefore] = [await cpuTicks(t.pid), await dbTicks()];
  const result = await autocannon({
    url: t.base,
    connections: CONNECTIONS,
    duration: opts.seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: autocannon.Request) => {
          const r = requestFor(t.api, procOf(t, proc), pickSession());
          return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body };
        },
        // GraphQL answers its errors with 200: count them as errors, not as served requests.
        onResponse:
          t.api === 'pg' ? (_status: number, body: string) => void (isGqlError(body) && gqlErrors++) : undefined,
      },
    ],
  } as autocannon.Options);
  const [after, dbAfter] = [await cpuTicks(t.pid), await dbTicks()];
  const perReq = (ticks: number) => ((ticks / CLK_TCK) * 1000) / Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerReq: perReq(after - before),
    dbCpuMsPerReq: perReq(dbAfter - dbBefore),
    non2xx: result.non2xx,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {})
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, v]) => [code, (v as { count: number }).count]),
    ),
    errors: result.errors + gqlErrors,
    timeouts: result.timeouts,
  };
}

/**
 * Open-loop load at a constant offered rate (wrk2-like): request i is due at start + i / rate and its
 * latency counts from that due time, so queueing behind a slow server is measured, not hidden
 * (autocannon's overallRate sends each connection's per-second quota in a burst at the top of the
 * second, which measures bursts, not a steady rate). At most CONNECTIONS keep-alive connections.
 */
async function runRate(
  t: Target,
  proc: Proc | 'mixed',
  sessions: { heavy: Session[]; light: Session[] },
  opts: { seconds: number; rate: number },
): Promise<LoadResult> {
  const pickSession = sessionPicker(sessions);
  const url = new URL(t.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let non2xx = 0;
  const statuses: Record<string, number> = {};
  let errors = 0;
  let done = 0;
  const total = Math.max(1, Math.floor(opts.seconds * opts.rate));
  const interval = 1000 / opts.rate;
  const [before, dbBefore] = [await cpuTicks(t.pid), await dbTicks()];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const finish = () => {
      if (++done === total) resolve();
    };
    const fire = (due: number) => {
      const r = requestFor(t.api, procOf(t, proc), pickSession());
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: r.method,
          path: r.path,
          headers: r.body === undefined ? r.headers : { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
        },
        (res) => {
          let body = '';
          if (t.api === 'pg') res.on('data', (chunk: Buffer) => (body += chunk));
          else res.resume();
          res.on('end', () => {
            if (isGqlError(body)) errors++;
            else if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300)
              latencies.push(performance.now() - due);
            else {
              non2xx++;
              statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
            }
            finish();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        finish();
      });
      req.end(r.body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) fire(start + sent++ * interval);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  const [after, dbAfter] = [await cpuTicks(t.pid), await dbTicks()];
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN).toFixed(1));
  return {
    rps: done / elapsed,
    p50: pct(0.5),
    p99: pct(0.99),
    cpuMsPerReq: (((after - before) / CLK_TCK) * 1000) / Math.max(1, done),
    dbCpuMsPerReq: (((dbAfter - dbBefore) / CLK_TCK) * 1000) / Math.max(1, done),
    non2xx,
    statuses,
    errors,
    timeouts: 0,
  };
}

const fmt = (r: LoadResult) =>
  `${fig(r.rps).padStart(6)} req/s  p50 ${fig(r.p50).padStart(3)} ms  p99 ${fig(r.p99).padStart(4)} ms  cpu ${fig(r.cpuMsPerReq)} ms/req  db ${fig(r.dbCpuMsPerReq)} ms/req${r.non2xx || r.errors ? `  non2xx ${r.non2xx} ${JSON.stringify(r.statuses)} errors ${r.errors} timeouts ${r.timeouts}` : ''}`;

const medians = (rs: LoadResult[]) => ({
  rps: median(rs.map((x) => x.rps)),
  p50: median(rs.map((x) => x.p50)),
  p99: median(rs.map((x) => x.p99)),
  cpu: median(rs.map((x) => x.cpuMsPerReq)),
  db: median(rs.map((x) => x.dbCpuMsPerReq)),
  bad: rs.reduce((a, x) => a + x.non2xx + x.errors, 0),
});

/** Each target answers every procedure with its own party's data, and refuses another party's order. */
async function sanity(targets: Target[], sessions: { heavy: Session[]; light: Session[] }) {
  const a = sessions.heavy[0] ?? (sessions.light[0] as Session);
  const b = sessions.light[1] as Session;
  for (const t of targets) {
    const expect: Record<Proc, string> = {
      'orders.list': 'SO-',
      'orders.get': t.api === 'raw' ? '"line_no"' : '"lineNo"',
      'invoices.list': 'INV-',
    };
    for (const proc of t.procs) {
      const res = await send(t, requestFor(t.api, proc, a));
      if (res.status !== 200 || !res.text.includes(expect[proc]) || !res.text.includes(a.partyId))
        throw new Error(`${t.name} ${proc} answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
    // b's order asked for with a's credentials: refused (PostGraphile: no such row under a's JWT).
    const foreign = await send(t, {
      ...requestFor(t.api, 'orders.get', b),
      headers: requestFor(t.api, 'orders.get', a).headers,
    });
    if (foreign.status === 200 && (t.api !== 'pg' || !foreign.text.includes('"orderById":null')))
      throw new Error(`${t.name} orders.get served another party's order: ${foreign.text.slice(0, 300)}`);
    if (t.api === 'pg') {
      // No token: RLS shows nothing. A token signed with another secret: refused before any SQL.
      const { authorization: _, ...anonymous } = requestFor('pg', 'orders.list', a).headers;
      const none = await send(t, { ...requestFor('pg', 'orders.list', a), headers: anonymous });
      if (none.status !== 200 || !none.text.includes('"nodes":[]'))
        throw new Error(`pg orders.list without a token answered ${none.status}: ${none.text.slice(0, 300)}`);
      const forged = await send(t, requestFor('pg', 'orders.list', a, jwtFor(a.partyId, 'another-secret')));
      if (forged.text.includes('SO-')) throw new Error('pg served rows for a token signed with another secret');
    }
  }
}

/**
 * The benchmark-only side of PostGraphile's security shape: a login role that owns nothing, may not bypass
 * RLS, may SELECT the four tables orders.get and orders.list read, and sees a row only when its party_id is
 * the verified JWT's party_id claim (PostGraphile's `jwt.claims.party_id`, transaction-local). Those
 * tables already have FORCE ROW LEVEL SECURITY (Gatehouse's migrations); this checks it, it does not add it.
 * Returns the role's connection URL.
 */
const PG_TABLES = ['orders', 'order_lines', 'invoices', 'shipments'];
async function setUpPostGraphileRole(ownerUrl: string): Promise<string> {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const password = randomBytes(18).toString('hex');
  try {
    const forced = await sql`select relname from pg_class
      where relname = any(${PG_TABLES}::text[]) and relnamespace = 'public'::regnamespace
        and relrowsecurity and relforcerowsecurity`;
    if (forced.length !== PG_TABLES.length)
      throw new Error(
        `RLS is not forced on every one of ${PG_TABLES.join(', ')}: ${forced.map((r) => r.relname).join(', ')}`,
      );
    await sql.unsafe(
      `create role ${PG_ROLE} login password '${password}' nosuperuser nocreatedb nocreaterole nobypassrls`,
    );
    await sql.unsafe(`grant usage on schema public to ${PG_ROLE}`);
    await sql.unsafe(`grant select on ${PG_TABLES.join(', ')} to ${PG_ROLE}`);
    for (const table of PG_TABLES)
      await sql.unsafe(`create policy bench_postgraphile on ${table} as permissive for select to ${PG_ROLE}
        using (party_id = nullif(current_setting('jwt.claims.party_id', true), '')::uuid)`);
  } finally {
    await sql.end();
  }
  const url = new URL(ownerUrl);
  url.username = PG_ROLE;
  url.password = password;
  return url.toString();
}

/** The fields both answers share, one line per row, so a difference prints as the first line that differs. */
type Json = Record<string, unknown>;
const line = (row: Json, keys: string[]) => keys.map((k) => String(row[k] ?? null)).join(' | ');
const ORDER_KEYS = ['id', 'partyId', 'number', 'customerReference', 'status', 'orderDate', 'currency', 'totalMinor'];
const LINE_KEYS = ['lineNo', 'sku', 'description', 'quantity', 'uom', 'unitPriceMinor', 'unitPrice', 'amountMinor'];
const INVOICE_KEYS = [
  'id',
  'number',
  'legalNumber',
  'kind',
  'status',
  'issueDate',
  'dueDate',
  'currency',
  'totalMinor',
  'openMinor',
];
const SHIPMENT_KEYS = ['id', 'number', 'carrier', 'trackingRef', 'status', 'shippedOn', 'deliveredOn'];

function sameLines(what: string, gh: string[], pg: string[]) {
  const at = gh.findIndex((x, i) => x !== pg[i]);
  if (at === -1 && gh.length === pg.length) return;
  const i = at === -1 ? Math.min(gh.length, pg.length) : at;
  throw new Error(
    `PostGraphile and Gatehouse differ on ${what} (${gh.length} vs ${pg.length} rows), first at row ${i + 1}:\n` +
      `     Gatehouse:    ${gh[i] ?? '(none)'}\n     PostGraphile: ${pg[i] ?? '(none)'}\n` +
      '   The bench stops here: comparing their speed means nothing unless they return the same rows.',
  );
}

/**
 * Before any measuring: PostGraphile returns what Gatehouse returns for the same parties. For two heavy
 * and three light parties, the list's 50 rows (ids, numbers, totals, ... in the same order) and whether
 * there is a next page, and three orders each with their lines, invoices and shipments. Stops the bench
 * with the first difference. With `explain`, also prints PostgreSQL's plan of PostGraphile's list SQL for a
 * heavy party (PostGraphile's allowExplain) and says whether it walks the list index or sorts.
 */
async function checkSameRows(gh: Target, pg: Target, sessions: { heavy: Session[]; light: Session[] }) {
  const parties = [...sessions.heavy.slice(0, 2), ...sessions.light.slice(0, 3)];
  const data = (what: string, res: { status: number; text: string }, pick: (body: Json) => unknown) => {
    if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
    const body = JSON.parse(res.text) as Json;
    if (body.errors) throw new Error(`${what} answered errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
    return pick(body);
  };
  let orders = 0;
  for (const s of parties) {
    const ghList = data(
      `gh orders.list`,
      await send(gh, requestFor('gh', 'orders.list', s)),
      (b) => (b.result as Json).data,
    ) as {
      items: Json[];
      nextCursor: string | null;
    };
    const pgList = data(
      `pg orders.list`,
      await send(pg, requestFor('pg', 'orders.list', s)),
      (b) => (b.data as Json).allOrders,
    ) as {
      nodes: Json[];
      pageInfo: { hasNextPage: boolean };
    };
    const what = `orders.list of party ${s.partyId}`;
    sameLines(
      what,
      ghList.items.map((r) => line(r, ORDER_KEYS)),
      pgList.nodes.map((r) => line(r, ORDER_KEYS)),
    );
    sameLines(`${what}, next page`, [String(ghList.nextCursor !== null)], [String(pgList.pageInfo.hasNextPage)]);
    if (ghList.items.length === 0) throw new Error(`${what} is empty: nothing was compared`);
    for (const id of s.orderIds.slice(0, 3)) {
      const get = (api: 'gh' | 'pg') => ({
        ...requestFor(api, 'orders.get', s),
        ...(api === 'gh'
          ? { path: `/trpc/orders.get?input=${encodeURIComponent(JSON.stringify({ id }))}` }
          : { body: pgBody(PG_GET, { id }) }),
      });
      const g = data(`gh orders.get`, await send(gh, get('gh')), (b) => (b.result as Json).data) as Json & {
        lines: Json[];
        invoices: Json[];
        shipments: Json[];
      };
      const p = data(`pg orders.get`, await send(pg, get('pg')), (b) => (b.data as Json).orderById) as Json & {
        orderLinesByOrderId: { nodes: Json[] };
        invoicesByOrderId: { nodes: Json[] };
        shipmentsByOrderId: { nodes: Json[] };
      };
      const w = `orders.get ${id} of party ${s.partyId}`;
      sameLines(w, [line(g, [...ORDER_KEYS, 'netMinor'])], [line(p, [...ORDER_KEYS, 'netMinor'])]);
      sameLines(
        `${w}, lines`,
        g.lines.map((r) => line(r, LINE_KEYS)),
        p.orderLinesByOrderId.nodes.map((r) => line(r, LINE_KEYS)),
      );
      sameLines(
        `${w}, invoices`,
        g.invoices.map((r) => line(r, INVOICE_KEYS)),
        p.invoicesByOrderId.nodes.map((r) => line(r, INVOICE_KEYS)),
      );
      sameLines(
        `${w}, shipments`,
        g.shipments.map((r) => line(r, SHIPMENT_KEYS)),
        p.shipmentsByOrderId.nodes.map((r) => line(r, SHIPMENT_KEYS)),
      );
      if (g.lines.length === 0) throw new Error(`${w} has no lines: nothing was compared`);
      orders++;
    }
  }
  console.log(
    `   PostGraphile returns Gatehouse's rows: ${parties.length} parties' lists (in order, next page too), ${orders} orders with lines, invoices and shipments`,
  );
}

/**
 * Does PostGraphile's list SQL walk the list index? Asks a PostGraphile of its own (allowExplain wraps every
 * query, so the measured one runs without it) for the plan of a heavy party's list, and prints its ORDER BY,
 * whether the plan uses orders_party_date_idx without a Sort node, and the plan's top lines.
 */
async function explainPgList(env: Record<string, string>, s: Session) {
  const port = await freeLoopbackPort();
  const child = startNode('test/bench/postgraphile-server.ts', { ...env, PORT: String(port), PG_ALLOW_EXPLAIN: '1' });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/readyz`, child);
    const r = requestFor('pg', 'orders.list', s);
    const res = await fetch(base + r.path, {
      method: 'POST',
      headers: { ...r.headers, 'x-postgraphile-explain': 'on' },
      body: r.body,
    });
    const body = (await res.json()) as { explain?: { query: string; plan: string }[] };
    const list = body.explain?.find((e) => e.query.includes('"orders"'));
    if (!list) {
      console.log(`   no plan came back for the list: ${JSON.stringify(body).slice(0, 300)}`);
      return;
    }
    const orderBy = /order by\s+(.*?)\s+limit/is.exec(list.query)?.[1]?.replace(/\s+/g, ' ') ?? '?';
    const walks = list.plan.includes('orders_party_date_idx') && !/\bSort\b/.test(list.plan);
    console.log(
      `   list SQL orders by ${orderBy}: ${walks ? 'walks orders_party_date_idx in order, no Sort node' : 'does NOT walk the list index in order (a Sort node or another index)'}`,
    );
    console.log(
      list.plan
        .split('\n')
        .slice(0, 8)
        .map((l) => `     ${l}`)
        .join('\n'),
    );
  } finally {
    await stopChild(child);
  }
}

const AB_ARGS = process.env.BENCH_AB_NODE_ARGS;
/** BENCH_AB_ENV: "NAME=value NAME2=value2" for the anchor Gatehouse (e.g. GATEHOUSE_SESSION_CACHE=off). */
const AB_ENV = process.env.BENCH_AB_ENV;
/**
 * BENCH_AB_SCRIPT: the anchor Gatehouse runs this bundle instead (a build of another commit copied next to
 * server/dist/main.mjs, e.g. server/dist/main-before.mjs, so its packages resolve): two commits in one run.
 */
const AB_SCRIPT = process.env.BENCH_AB_SCRIPT;
const abMode = AB_ARGS !== undefined || AB_ENV !== undefined || AB_SCRIPT !== undefined;
const abEnv = () =>
  Object.fromEntries(
    (AB_ENV ?? '')
      .split(' ')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

async function main() {
  buildServer(); // what `pnpm start` runs
  console.log(`Gatehouse portal benchmark — ${os.cpus().length} cores, node ${process.version}`);
  console.log(
    `   ${ORDERS.toLocaleString('en')} orders and invoices, ${PARTIES} parties (${HEAVY} heavy, ${HEAVY_SHARE * 100}% of requests), ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s, memory ${MEMORY_SECONDS} s`,
  );
  console.log(
    `   targets: raw, gh${WITH_PG ? `, pg (PostGraphile 4, orderByNullsLast ${process.env.BENCH_PG_NULLS_LAST === '0' ? 'off' : 'on'})` : ' (BENCH_POSTGRAPHILE=0: no PostGraphile)'}`,
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-portal-'));
  const pg = await startEmbedded({ dataDir: path.join(dir, 'postgres'), database: 'bench' });
  postmasterPid = Number(
    (await readFile(path.join(dir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  const children: ReturnType<typeof startNode>[] = [];
  try {
    const secret = Buffer.from(SECRET);
    await migrate({ ownerUrl: pg.ownerUrl, contextKey: contextKey(secret), appPassword: appRolePassword(secret) });
    console.log('\nSeeding');
    const data = await loadData(pg.ownerUrl);
    const s = data.stats;
    console.log(
      `   loaded in ${data.loadSeconds.toFixed(1)} s: ${s.orders} orders, ${s.lines} lines, ${s.invoices} invoices (${s.open} open, ${s.overdue} overdue); orders per party ${s.min_n}..${s.max_n}, heavy parties hold ${s.heavy_n}`,
    );

    const pgUrl = WITH_PG ? await setUpPostGraphileRole(pg.ownerUrl) : '';
    const ports = { raw: await freeLoopbackPort(), gh: await freeLoopbackPort(), pg: await freeLoopbackPort() };
    const specs: { name: TargetName; script: string; env: Record<string, string> }[] = [
      // BENCH_AB_NODE_ARGS / BENCH_AB_ENV: the anchor is a second Gatehouse with these node flags and/or this
      // environment instead of the raw server (flags or settings side by side in one run, e.g.
      // "--max-semi-space-size=64" or "GATEHOUSE_SESSION_CACHE=off"); its column is still labelled raw.
      !abMode
        ? {
            name: 'raw' as const,
            script: 'test/bench/raw-server.ts',
            env: { RAW_DATABASE_URL: pg.ownerUrl, PORT: String(ports.raw) },
          }
        : {
            name: 'raw' as const,
            script: AB_SCRIPT ?? GATEHOUSE,
            env: { ...ghEnv(pg.ownerUrl, ports.raw), ...abEnv() },
          },
      { name: 'gh' as const, script: GATEHOUSE, env: ghEnv(pg.ownerUrl, ports.gh) },
    ];
    if (WITH_PG)
      specs.push({
        name: 'pg',
        script: 'test/bench/postgraphile-server.ts',
        env: {
          NODE_ENV: 'production',
          PG_DATABASE_URL: pgUrl,
          JWT_SECRET: PG_JWT_SECRET,
          PORT: String(ports.pg),
          PG_NULLS_LAST: process.env.BENCH_PG_NULLS_LAST ?? '1',
        },
      });
    const targets: Target[] = [];
    for (const spec of specs) {
      const args =
        spec.name === 'gh' || (spec.name === 'raw' && abMode && AB_ARGS === undefined)
          ? ghNodeArgs()
          : spec.name === 'raw'
            ? (AB_ARGS ?? '').split(' ').filter(Boolean)
            : [];
      const child = startNode(spec.script, spec.env, args);
      children.push(child);
      await waitReady(`http://127.0.0.1:${ports[spec.name]}/readyz`, child);
      targets.push({
        name: spec.name,
        api: spec.name === 'pg' ? 'pg' : spec.name === 'gh' || abMode ? 'gh' : 'raw',
        procs: spec.name === 'pg' ? PG_PROCS : PROCS,
        pid: child.pid as number,
        base: `http://127.0.0.1:${ports[spec.name]}`,
      });
    }
    const gh = targets.find((t) => t.name === 'gh') as Target;
    const ghSpec = specs.find((x) => x.name === 'gh') as (typeof specs)[number];
    const ghArgs = ghNodeArgs();
    await sanity(targets, data);
    const pgTarget = targets.find((t) => t.name === 'pg');
    if (pgTarget) {
      console.log('\nPostGraphile check (before measuring)');
      await checkSameRows(gh, pgTarget, data);
      await explainPgList(
        (specs.find((x) => x.name === 'pg') as (typeof specs)[number]).env,
        data.heavy[0] ?? (data.light[0] as Session),
      );
    }
    /** The targets that serve `proc`, rotated by round so each takes every position in turn. */
    const roundOrder = (proc: Proc, r: number) => {
      const serving = targets.filter((t) => t.procs.includes(proc));
      return serving.map((_, i) => serving[(i + r) % serving.length] as Target);
    };

    // A) max throughput
    console.log(`\nA) Max throughput, ${CONNECTIONS} connections (warm-up ${WARMUP} s per target, mixed)`);
    for (const t of targets) await runLoad(t, 'mixed', data, { seconds: WARMUP });
    const maxRuns = new Map<string, LoadResult[]>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const proc of PROCS) {
        for (const t of roundOrder(proc, r)) {
          const res = await runLoad(t, proc, data, { seconds: SECONDS });
          maxRuns.set(`${proc}|${t.name}`, [...(maxRuns.get(`${proc}|${t.name}`) ?? []), res]);
          console.log(`   round ${r + 1} ${proc.padEnd(13)} ${t.name.padEnd(3)} ${fmt(res)}`);
        }
      }
    }
    const maxOf = (proc: Proc, t: TargetName) => medians(maxRuns.get(`${proc}|${t}`) ?? []);
    console.log('\n   medians                 req/s   p50 ms   p99 ms  CPU ms/req  DB ms/req   gh/raw    gh/pg');
    for (const proc of PROCS) {
      for (const t of roundOrder(proc, 0).map((x) => x.name)) {
        const m = maxOf(proc, t);
        const vs = (other: TargetName) =>
          t === 'gh' && maxRuns.has(`${proc}|${other}`) ? ratio(m.rps / maxOf(proc, other).rps) : '';
        console.log(
          `   ${proc.padEnd(13)} ${t.padEnd(3)} ${fig(m.rps).padStart(8)} ${fig(m.p50).padStart(8)} ${fig(m.p99).padStart(8)} ${fig(m.cpu).padStart(11)} ${fig(m.db).padStart(10)} ${vs('raw').padStart(8)} ${vs('pg').padStart(8)}`,
        );
      }
    }

    // B) fixed offered rate: half the raw maximum
    console.log(`\nB) Fixed offered rate (half the raw max), ${CONNECTIONS} connections`);
    const rateRuns = new Map<string, LoadResult[]>();
    const rates = Object.fromEntries(PROCS.map((p) => [p, Math.max(1, Math.round(maxOf(p, 'raw').rps / 2))])) as Record<
      Proc,
      number
    >;
    for (let r = 0; r < ROUNDS; r++) {
      for (const proc of PROCS) {
        for (const t of roundOrder(proc, r)) {
          const res = await runRate(t, proc, data, { seconds: SECONDS, rate: rates[proc] });
          rateRuns.set(`${proc}|${t.name}`, [...(rateRuns.get(`${proc}|${t.name}`) ?? []), res]);
          console.log(`   round ${r + 1} ${proc.padEnd(13)} ${t.name.padEnd(3)} @ ${rates[proc]} req/s: ${fmt(res)}`);
        }
      }
    }
    const rateOf = (proc: Proc, t: TargetName) => medians(rateRuns.get(`${proc}|${t}`) ?? []);
    console.log('\n   medians                 offered  achieved   p50 ms   p99 ms');
    for (const proc of PROCS) {
      for (const t of roundOrder(proc, 0).map((x) => x.name)) {
        const m = rateOf(proc, t);
        console.log(
          `   ${proc.padEnd(13)} ${t.padEnd(3)} ${fig(rates[proc]).padStart(10)} ${fig(m.rps).padStart(9)} ${fig(m.p50).padStart(8)} ${fig(m.p99).padStart(8)}`,
        );
      }
    }

    // C) memory under mixed load
    const memRate = env('BENCH_MEMORY_RATE', Math.round(PROCS.reduce((a, p) => a + maxOf(p, 'gh').rps, 0) / 3 / 2));
    console.log(`\nC) Memory: mixed load against a fresh Gatehouse process, ${memRate} req/s for ${MEMORY_SECONDS} s`);
    // A fresh process: A and B drove it far past its capacity, and V8 keeps the heap that queue needed,
    // so measuring that process would report the overload, not the steady mixed load the goal is about.
    const old = children.find((c) => c.pid === gh.pid);
    if (old) await stopChild(old);
    const fresh = startNode(ghSpec.script, ghSpec.env, ghArgs);
    children.push(fresh);
    await waitReady(`${gh.base}/readyz`, fresh);
    gh.pid = fresh.pid as number;
    const rssReady = await rssMb(gh.pid);
    const samples: { at: number; mb: number }[] = [{ at: 0, mb: rssReady }];
    const t0 = performance.now();
    const timer = setInterval(() => {
      rssMb(gh.pid).then(
        (mb) => samples.push({ at: (performance.now() - t0) / 1000, mb }),
        () => {},
      );
    }, RSS_INTERVAL * 1000);
    let mem: LoadResult;
    try {
      mem = await runRate(gh, 'mixed', data, { seconds: MEMORY_SECONDS, rate: memRate });
    } finally {
      clearInterval(timer);
    }
    const rssEnd = await rssMb(gh.pid);
    samples.push({ at: (performance.now() - t0) / 1000, mb: rssEnd });
    const rssMax = Math.max(...samples.map((x) => x.mb));
    const every = Math.max(1, Math.floor(samples.length / 12));
    console.log(
      `   RSS samples (s: MB): ${samples
        .filter((_, i) => i % every === 0 || i === samples.length - 1)
        .map((x) => `${x.at.toFixed(0)}: ${x.mb.toFixed(0)}`)
        .join(', ')}`,
    );
    console.log(`   load: ${fmt(mem)}`);
    console.log(
      `   RSS after start ${rssReady.toFixed(0)} MB, max ${rssMax.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB`,
    );

    // Summary
    const rows: GoalRow[] = [];
    for (const proc of PROCS) {
      const [raw, gh] = [maxOf(proc, 'raw'), maxOf(proc, 'gh')];
      rows.push({
        measure: `${proc} req/s (${CONNECTIONS} connections)`,
        goal: `>= ${GOAL_RATIO.toFixed(2)}x raw`,
        raw: fig(raw.rps),
        gatehouse: fig(gh.rps),
        ratio: ratio(gh.rps / raw.rps),
        met: gh.rps / raw.rps >= GOAL_RATIO,
      });
    }
    // The peer a team would pick instead, same security shape (the "raw anchor" column holds its figure).
    for (const proc of PG_PROCS) {
      const [peer, gh] = [maxOf(proc, 'pg'), maxOf(proc, 'gh')];
      rows.push({
        measure: `${proc} req/s vs PostGraphile 4 (JWT + forced RLS)`,
        goal: `>= ${GOAL_PG_RATIO.toFixed(2)}x PostGraphile`,
        raw: pgTarget ? fig(peer.rps) : '',
        gatehouse: fig(gh.rps),
        ratio: pgTarget ? ratio(gh.rps / peer.rps) : '',
        met: pgTarget ? gh.rps / peer.rps >= GOAL_PG_RATIO : null,
      });
    }
    for (const proc of PROCS) {
      const [raw, gh] = [maxOf(proc, 'raw'), maxOf(proc, 'gh')];
      rows.push({
        measure: `${proc} server CPU per request`,
        goal: `<= ${GOAL_CPU_RATIO}x raw`,
        raw: fig(raw.cpu, 'ms'),
        gatehouse: fig(gh.cpu, 'ms'),
        ratio: ratio(gh.cpu / raw.cpu),
        met: gh.cpu / raw.cpu <= GOAL_CPU_RATIO,
      });
    }
    for (const proc of PROCS) {
      const [raw, gh] = [rateOf(proc, 'raw'), rateOf(proc, 'gh')];
      rows.push({
        measure: `${proc} p99 at ${fig(rates[proc])} req/s (half raw's max)`,
        goal: `< ${GOAL_P99_MS} ms`,
        raw: fig(raw.p99, 'ms'),
        gatehouse: fig(gh.p99, 'ms'),
        ratio: ratio(gh.p99 / raw.p99),
        met: gh.p99 < GOAL_P99_MS,
      });
    }
    rows.push({
      measure: `RSS after ${MEMORY_SECONDS} s mixed at ${fig(memRate)} req/s (max ${fig(rssMax)} MB)`,
      goal: `<= ${GOAL_RSS_MB} MB`,
      raw: '',
      gatehouse: fig(rssEnd, 'MB'),
      ratio: '',
      met: rssEnd <= GOAL_RSS_MB,
    });
    await reportGoals('portal', rows);
    const bad =
      PROCS.reduce((a, p) => a + targets.reduce((b, t) => b + maxOf(p, t.name).bad + rateOf(p, t.name).bad, 0), 0) +
      mem.non2xx +
      mem.errors;
    if (bad > 0) console.log(`   WARNING: ${bad} non-2xx responses or errors across the runs (see above)`);
  } finally {
    for (const c of children) await stopChild(c);
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
