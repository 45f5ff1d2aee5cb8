/**
 * Foundation benchmark (not a test: it measures and prints). Run: pnpm bench foundation (pnpm bench:foundation)
 *
 * 1. Cold start of the built server (`server/dist/main.mjs`, what `pnpm start` runs) to /readyz 200: on an empty data directory (initdb included)
 *    and on an existing one (median of 3).
 * 2. orders.list, first page of 50, over 1,000,000 orders across 5,000 parties, a random party's session
 *    per request, 50 connections, in interleaved rounds against:
 *      raw       node:http + postgres.js, same session lookup and orders SQL, no RLS, no transaction
 *      gh-rls    Gatehouse as shipped (Express + tRPC + signed tenant context + forced RLS)
 *      gh-norls  the same Gatehouse over a copy of the database with RLS disabled (benchmark-only setup)
 *    Reports req/s, p50/p99 latency and server CPU per request (from /proc), medians over rounds.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_PARTIES (5000),
 * BENCH_ORDERS_PER_PARTY (200), BENCH_WARMUP_SECONDS (10, per target, before the rounds), BENCH_SKIP_START=1 (skip part 1), BENCH_NODE_ARGS (extra node flags for the
 * Gatehouse servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appUrlFrom, freeLoopbackPort, migrate, startEmbedded } from '@gatehouse/db';
import { appRolePassword, contextKey } from '@gatehouse/server/testing';
import autocannon from 'autocannon';
import postgres from 'postgres';
import {
  buildServer,
  CLK_TCK,
  cpuTicks,
  createSessions,
  fig,
  GATEHOUSE,
  ghEnv,
  median,
  ratio,
  reportGoals,
  SECRET,
  seedPartiesAndUsers,
  startNode,
  stopChild,
  waitReady,
} from './common.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PARTIES = Number(process.env.BENCH_PARTIES ?? 5000);
const PER_PARTY = Number(process.env.BENCH_ORDERS_PER_PARTY ?? 200);

async function coldStarts() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-start-'));
  const port = await freeLoopbackPort();
  const env = { GATEHOUSE_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn' };
  const once = async () => {
    const t0 = performance.now();
    const child = startNode(GATEHOUSE, env);
    await waitReady(`http://127.0.0.1:${port}/readyz`, child);
    const ms = performance.now() - t0;
    await stopChild(child);
    return ms;
  };
  const empty = await once();
  const existing = [await once(), await once(), await once()];
  await rm(dir, { recursive: true, force: true });
  return { empty, existing: median(existing), existingRuns: existing };
}

async function loadData(ownerUrl: string) {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  await seedPartiesAndUsers(sql, PARTIES);
  await sql`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
            select p.id, 'SO-' || lpad(g::text, 7, '0'), 'PO-' || g, (array['open','confirmed','shipped','delivered'])[1 + g % 4],
                   current_date - ((g * 17) % 730), 'EUR', (g * 7919) % 1000000
            from parties p, generate_series(1, ${PER_PARTY}::int) g`;
  const tokens = (await createSessions(sql)).map((s) => s.token);
  await sql`vacuum analyze`;
  await sql.end();
  return { tokens, loadSeconds: (performance.now() - t0) / 1000 };
}

interface Target {
  name: string;
  child: ChildProcess;
  url: string;
}

async function runLoad(t: Target, tokens: string[], seconds = SECONDS) {
  const before = await cpuTicks(t.child.pid as number);
  const result = await autocannon({
    url: t.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: { headers?: Record<string, string> }) => ({
          ...req,
          headers: { ...req.headers, cookie: `gh_session=${tokens[Math.floor(Math.random() * tokens.length)]}` },
        }),
      },
    ],
  } as autocannon.Options);
  const after = await cpuTicks(t.child.pid as number);
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerReq: (((after - before) / CLK_TCK) * 1000) / Math.max(1, total),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main() {
  buildServer(); // what `pnpm start` runs
  console.log(`Gatehouse foundation benchmark — ${os.cpus().length} cores, node ${process.version}`);
  console.log('\n1) Cold start to /readyz 200 (includes tsx transpile and migrations check)');
  const starts = process.env.BENCH_SKIP_START
    ? { empty: Number.NaN, existing: Number.NaN, existingRuns: [] }
    : await coldStarts();
  console.log(`   empty data directory (initdb + migrations): ${starts.empty.toFixed(0)} ms`);
  console.log(
    `   existing data directory: median ${starts.existing.toFixed(0)} ms (runs: ${starts.existingRuns.map((x) => x.toFixed(0)).join(', ')})`,
  );

  console.log(
    `\n2) orders.list: ${PARTIES} parties x ${PER_PARTY} orders, ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s`,
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-db-'));
  const pg = await startEmbedded({ dataDir: path.join(dir, 'postgres'), database: 'bench' });
  const targets: Target[] = [];
  try {
    const secret = Buffer.from(SECRET);
    await migrate({ ownerUrl: pg.ownerUrl, contextKey: contextKey(secret), appPassword: appRolePassword(secret) });
    const { tokens, loadSeconds } = await loadData(pg.ownerUrl);
    console.log(`   loaded in ${loadSeconds.toFixed(1)} s`);
    // The no-RLS copy: a template copy of the same data, then RLS switched off (benchmark-only).
    const admin = postgres(pg.ownerUrl, { max: 1, onnotice: () => {} });
    await admin`create database bench_norls template bench`;
    await admin.end();
    const noRlsUrl = pg.ownerUrl.replace(/\/bench$/, '/bench_norls');
    const noRls = postgres(noRlsUrl, { max: 1, onnotice: () => {} });
    for (const t of [
      'parties',
      'users',
      'user_roles',
      'sessions',
      'orders',
      'order_lines',
      'invoices',
      'audit_events',
      'setup_tokens',
    ]) {
      await noRls.unsafe(`alter table ${t} no force row level security, disable row level security`);
    }
    await noRls.end();

    const input = encodeURIComponent(JSON.stringify({ limit: 50 }));
    const ports = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()] as const;
    const specs = [
      {
        name: 'raw',
        script: 'test/bench/raw-server.ts',
        env: { RAW_DATABASE_URL: appUrlFrom(noRlsUrl, appRolePassword(secret)), PORT: String(ports[0]) },
        port: ports[0],
        path: '/orders',
      },
      {
        name: 'gh-rls',
        script: GATEHOUSE,
        env: ghEnv(pg.ownerUrl, ports[1]),
        port: ports[1],
        path: `/trpc/orders.list?input=${input}`,
      },
      {
        name: 'gh-norls',
        script: GATEHOUSE,
        env: ghEnv(noRlsUrl, ports[2]),
        port: ports[2],
        path: `/trpc/orders.list?input=${input}`,
      },
    ];
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the Gatehouse servers only.
    const ghArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    for (const s of specs) {
      const child = startNode(s.script, s.env, s.name === 'raw' ? [] : ghArgs);
      await waitReady(`http://127.0.0.1:${s.port}/readyz`, child);
      targets.push({ name: s.name, child, url: `http://127.0.0.1:${s.port}${s.path}` });
    }
    // Sanity: every target answers 200 with 50 rows for a session.
    for (const t of targets) {
      const res = await fetch(t.url, { headers: { cookie: `gh_session=${tokens[0]}` } });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('SO-'))
        throw new Error(`${t.name} answered ${res.status}: ${text.slice(0, 200)}`);
    }
    // Warm-up, then interleaved rounds (rotating the order so no target always runs first).
    // JIT warm-up matters: Gatehouse's CPU per request fell from ~6 ms to ~2.5 ms over its first 15 s.
    const warm = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
    for (const t of targets) await runLoad(t, tokens, warm);
    const results = new Map<string, Awaited<ReturnType<typeof runLoad>>[]>();
    for (let r = 0; r < ROUNDS; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length] as Target);
      for (const t of order) {
        const res = await runLoad(t, tokens);
        results.set(t.name, [...(results.get(t.name) ?? []), res]);
        console.log(
          `   round ${r + 1} ${t.name.padEnd(9)} ${fig(res.rps).padStart(6)} req/s  p50 ${fig(res.p50)} ms  p99 ${fig(res.p99)} ms  cpu ${fig(res.cpuMsPerReq)} ms/req  non2xx ${res.non2xx} errors ${res.errors}`,
        );
      }
    }
    const summary = Object.fromEntries(
      [...results].map(([name, rs]) => [
        name,
        {
          rps: median(rs.map((x) => x.rps)),
          p50: median(rs.map((x) => x.p50)),
          p99: median(rs.map((x) => x.p99)),
          cpu: median(rs.map((x) => x.cpuMsPerReq)),
        },
      ]),
    );
    console.log('\n   medians          req/s    p50 ms   p99 ms   CPU ms/req');
    for (const [name, s] of Object.entries(summary)) {
      console.log(
        `   ${name.padEnd(14)} ${fig(s.rps).padStart(7)} ${fig(s.p50).padStart(9)} ${fig(s.p99).padStart(8)} ${fig(s.cpu).padStart(12)}`,
      );
    }
    const raw = summary.raw as (typeof summary)[string];
    const rls = summary['gh-rls'] as (typeof summary)[string];
    const norls = summary['gh-norls'] as (typeof summary)[string];
    await reportGoals('foundation', [
      {
        measure: 'orders.list req/s (50 connections)',
        goal: '>= 0.70x raw',
        raw: fig(raw.rps),
        gatehouse: fig(rls.rps),
        ratio: ratio(rls.rps / raw.rps),
        met: rls.rps / raw.rps >= 0.7,
      },
      {
        measure: 'orders.list server CPU per request',
        goal: '<= 1.5x raw',
        raw: fig(raw.cpu, 'ms'),
        gatehouse: fig(rls.cpu, 'ms'),
        ratio: ratio(rls.cpu / raw.cpu),
        met: rls.cpu / raw.cpu <= 1.5,
      },
      {
        measure: 'orders.list req/s, RLS on vs off (anchor: RLS off)',
        goal: '>= 0.95x',
        raw: fig(norls.rps),
        gatehouse: fig(rls.rps),
        ratio: ratio(rls.rps / norls.rps),
        met: rls.rps / norls.rps >= 0.95,
      },
      {
        measure: 'warm start to /readyz (existing data)',
        goal: '< 1 s',
        raw: '',
        gatehouse: fig(starts.existing, 'ms'),
        ratio: '',
        met: Number.isFinite(starts.existing) ? starts.existing < 1000 : null,
      },
    ]);
  } finally {
    for (const t of targets) await stopChild(t.child);
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
