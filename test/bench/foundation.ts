/**
 * Foundation benchmark (not a test: it measures and prints). Run: pnpm bench
 *
 * 1. Cold start of `server/src/main.ts` to /readyz 200: on an empty data directory (initdb included)
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
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appUrlFrom, freeLoopbackPort, migrate, startEmbedded } from '@gatehouse/db';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { hashSecret, randomToken } from '../../server/src/auth/tokens.ts';
import { appRolePassword, contextKey } from '../../server/src/keys.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PARTIES = Number(process.env.BENCH_PARTIES ?? 5000);
const PER_PARTY = Number(process.env.BENCH_ORDERS_PER_PARTY ?? 200);
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const CLK_TCK = 100;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} not ready in ${timeoutMs} ms`);
}

function startNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function coldStarts() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-start-'));
  const port = await freeLoopbackPort();
  const env = { GATEHOUSE_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn' };
  const once = async () => {
    const t0 = performance.now();
    const child = startNode('server/src/main.ts', env);
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
  await sql`insert into parties (kind, name) select 'customer', 'Bench customer ' || g from generate_series(1, ${PARTIES}::int) g`;
  await sql`insert into users (party_id, email, display_name, status)
            select id, 'user-' || id || '@bench.example', 'Bench user', 'active' from parties`;
  await sql`insert into user_roles (party_id, user_id, role_id)
            select u.party_id, u.id, r.id from users u, roles r where r.key = 'customer-user'`;
  await sql`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
            select p.id, 'SO-' || lpad(g::text, 7, '0'), 'PO-' || g, (array['open','confirmed','shipped','delivered'])[1 + g % 4],
                   current_date - ((g * 17) % 730), 'EUR', (g * 7919) % 1000000
            from parties p, generate_series(1, ${PER_PARTY}::int) g`;
  const users = await sql`select id, party_id from users`;
  const tokens: string[] = [];
  const rows = users.map((u) => {
    const id = randomToken(15);
    const secret = randomToken(20);
    tokens.push(`${id}.${secret}`);
    return { id, party_id: u.party_id, user_id: u.id, secret_hash: hashSecret(secret) };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000).map((r) => ({
      ...r,
      idle_expires_at: new Date(Date.now() + 4 * 3_600_000),
      absolute_expires_at: new Date(Date.now() + 4 * 3_600_000),
    }));
    await sql`insert into sessions ${sql(chunk)}`;
  }
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
    const ghEnv = (dbUrl: string, port: number) => ({
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      GATEHOUSE_SECRET: SECRET,
      PORT: String(port),
      PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
      TRUST_PROXY: 'none',
      LOG_LEVEL: 'warn',
    });
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
        script: 'server/src/main.ts',
        env: ghEnv(pg.ownerUrl, ports[1]),
        port: ports[1],
        path: `/trpc/orders.list?input=${input}`,
      },
      {
        name: 'gh-norls',
        script: 'server/src/main.ts',
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
          `   round ${r + 1} ${t.name.padEnd(9)} ${res.rps.toFixed(0).padStart(6)} req/s  p50 ${res.p50} ms  p99 ${res.p99} ms  cpu ${res.cpuMsPerReq.toFixed(3)} ms/req  non2xx ${res.non2xx} errors ${res.errors}`,
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
        `   ${name.padEnd(14)} ${s.rps.toFixed(0).padStart(7)} ${String(s.p50).padStart(9)} ${String(s.p99).padStart(8)} ${s.cpu.toFixed(3).padStart(12)}`,
      );
    }
    const raw = summary.raw as { rps: number };
    const rls = summary['gh-rls'] as { rps: number };
    const norls = summary['gh-norls'] as { rps: number };
    console.log(`\n   Gatehouse (RLS) / raw:      ${(rls.rps / raw.rps).toFixed(2)}x   (goal >= 0.70)`);
    console.log(`   RLS on / RLS off:           ${(rls.rps / norls.rps).toFixed(2)}x   (goal >= 0.90)`);
    console.log(`   warm start:                 ${starts.existing.toFixed(0)} ms   (goal < 3000)`);
  } finally {
    for (const t of targets) await stopChild(t.child);
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
