/**
 * Authentication benchmark (not a test: it measures and prints). Run: pnpm bench:auth
 *
 * Embedded PostgreSQL in a temporary directory, Gatehouse as a real server process (server/src/main.ts,
 * NODE_ENV=production, as in foundation.ts), one customer party with BENCH_USERS users sharing one known
 * password (one argon2 hash made once: verifying costs the same whoever it belongs to) and 1,000 orders.
 * Then, in interleaved rounds (the phase order rotates each round):
 *   verify     argon2-verify-only: POSTs of the same body, at the same concurrency, to a node:http process
 *              (test/bench/argon2-server.ts) that calls Gatehouse's verifyPassword (same parameters, same
 *              per-core bound) and nothing else. The baseline "argon2 and no more" in the same layout.
 *   sign-in    auth.login over HTTP with correct passwords, round-robin over the users (so no user has two
 *              attempts in flight and the account + IP counter never trips; a success gives its points back).
 *   list       orders.list (first page of 50) at a fixed offered rate, open loop: requests leave on a
 *              schedule whatever is still outstanding, latency counted from the scheduled time (no
 *              coordinated omission).
 *   list+load  the same, while sign-ins arrive open-loop at BENCH_SIGNIN_RATE (default 150/s).
 * and session validation cost (see validationCost below).
 * Medians over rounds; CPU per request from /proc (Gatehouse process, and the PostgreSQL cluster).
 *
 * Load generator: autocannon for the two closed-loop throughput phases (a workspace dependency already used
 * by foundation.ts, so `pnpm install` brings it; wrk is a Debian package a fresh machine lacks, and would need
 * a Lua script for per-request bodies), and a small open-loop generator over node:http below for fixed
 * rates (autocannon's and wrk's rate limits pace each connection, which is still closed loop).
 *
 * Environment: BENCH_ROUNDS (3), BENCH_SECONDS (30, per phase), BENCH_USERS (200), BENCH_CONNECTIONS (16,
 * sign-in and verify concurrency), BENCH_LIST_RATE (100 req/s), BENCH_SIGNIN_RATE (150/s),
 * BENCH_VALIDATIONS (2000), BENCH_WARMUP_SECONDS (5, per phase, before the rounds), BENCH_PHASES (a comma list of
 * verify,sign-in,list,list+load,validation: all by default), BENCH_NODE_ARGS (extra node
 * flags for the Gatehouse server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  appUrlFrom,
  createDatabase,
  type Database,
  demoRepo,
  freeLoopbackPort,
  migrate,
  partiesRepo,
  startEmbedded,
  usersRepo,
} from '@gatehouse/db';
import {
  ARGON2_CONCURRENCY,
  appRolePassword,
  contextKey,
  hashPassword,
  type SessionCache,
  startSessionCache,
  systemClock,
  validateSession,
} from '@gatehouse/server/testing';
import autocannon from 'autocannon';
import postgres from 'postgres';
import {
  CLK_TCK,
  clusterTicks,
  env,
  f,
  fig,
  machineBusyTicks,
  median,
  procTicks,
  quantile,
  ratio,
  reportGoals,
  SECRET,
  startNode,
  stopChild,
  waitReady,
} from './common.ts';

const ROUNDS = env('BENCH_ROUNDS', 3);
const SECONDS = env('BENCH_SECONDS', 30);
const USERS = env('BENCH_USERS', 200);
const CONNECTIONS = env('BENCH_CONNECTIONS', 16);
const LIST_RATE = env('BENCH_LIST_RATE', 100);
const SIGNIN_RATE = env('BENCH_SIGNIN_RATE', 150);
const VALIDATIONS = env('BENCH_VALIDATIONS', 2000);
const WARMUP = env('BENCH_WARMUP_SECONDS', 5);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'verify,sign-in,list,list+load,validation').split(','));
const PASSWORD = 'correct horse battery staple 42';
const SYSTEM = { kind: 'all', reason: 'system' } as const;
const LIST_PATH = `/trpc/orders.list?input=${encodeURIComponent(JSON.stringify({ limit: 50 }))}`;

// ---------------------------------------------------------------------------------------------- processes

interface Meter {
  name: string;
  read(): Promise<number>;
}
const processMeter = (name: string, child: ChildProcess): Meter => ({
  name,
  read: async () => (await procTicks(child.pid as number)).ticks,
});
/** The main (event-loop) thread alone: argon2 runs on libuv pool threads, so this is the JS around it. */
const mainThreadMeter = (name: string, child: ChildProcess): Meter => ({
  name,
  read: async () => {
    const stat = await readFile(`/proc/${child.pid}/task/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  },
});

/** Every process of this benchmark (set once they run): what is left of the machine's busy time is others'. */
const ours: Meter[] = [
  { name: 'bench', read: async () => (process.cpuUsage().user + process.cpuUsage().system) / (1_000_000 / CLK_TCK) },
];

/**
 * CPU ms spent by each meter while `run` runs, and how many cores the rest of the machine kept busy
 * meanwhile (other work on a shared machine skews every figure: the benchmark prints it per phase).
 */
async function cpuOver<T>(
  meters: Meter[],
  run: () => Promise<T>,
): Promise<{ result: T; cpuMs: number[]; othersCores: number }> {
  const all = [...new Set([...meters, ...ours])];
  const read = () => Promise.all(all.map((m) => m.read()));
  const [before, busyBefore, t0] = [await read(), await machineBusyTicks(), performance.now()];
  const result = await run();
  const [after, busyAfter, t1] = [await read(), await machineBusyTicks(), performance.now()];
  const delta = new Map(all.map((m, i) => [m, (after[i] as number) - (before[i] as number)]));
  const oursTicks = ours.reduce((a, m) => a + (delta.get(m) ?? 0), 0);
  const othersCores = Math.max(0, (busyAfter - busyBefore - oursTicks) / CLK_TCK / ((t1 - t0) / 1000));
  return { result, cpuMs: meters.map((m) => ((delta.get(m) ?? 0) / CLK_TCK) * 1000), othersCores };
}

// ------------------------------------------------------------------------------------------------- load

/** One HTTP request on a keep-alive agent; resolves with the status once the body is read. */
function request(
  agent: http.Agent,
  port: number,
  method: 'GET' | 'POST',
  urlPath: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface OpenLoopResult {
  offered: number;
  completedPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  dropped: number;
}

/**
 * Open loop: request i leaves at start + i / rate whatever is outstanding (up to maxInFlight; beyond
 * that it is counted as dropped), and its latency runs from that scheduled moment, so a stalled server
 * shows up as latency instead of as fewer requests sent.
 */
async function openLoop(
  rate: number,
  seconds: number,
  send: (i: number) => Promise<number>,
  maxInFlight = 256,
): Promise<OpenLoopResult> {
  const interval = 1000 / rate;
  const total = Math.floor(rate * seconds);
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let next = 0;
  const start = performance.now() + 5;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const scheduled = start + next * interval;
        const i = next++;
        if (inFlight >= maxInFlight) {
          dropped++;
          continue;
        }
        inFlight++;
        pending.push(
          send(i)
            .then(
              (status) => {
                if (status === 200) latencies.push(performance.now() - scheduled);
                else errors++;
              },
              () => {
                errors++;
              },
            )
            .finally(() => {
              inFlight--;
            }),
        );
      }
      if (next >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sentAll = performance.now();
  await Promise.all(pending);
  const elapsed = (sentAll - start) / 1000 || seconds;
  return {
    offered: total / seconds,
    completedPerSecond: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: quantile(latencies, 1),
    errors,
    dropped,
  };
}

/** Closed loop at CONNECTIONS concurrency (autocannon): successful sign-ins (or verifies) per second. */
async function closedLoopSignIns(port: number, urlPath: string, emails: string[], seconds: number) {
  let n = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${urlPath}`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          body: JSON.stringify({ email: emails[n++ % emails.length], password: PASSWORD }),
        }),
      },
    ],
  } as autocannon.Options);
  const ok = result['2xx'];
  return {
    perSecond: ok / result.duration,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

// ------------------------------------------------------------------------------------------------- setup

async function loadData(db: Database, ownerUrl: string) {
  // One hash for everyone: verify cost does not depend on whose hash it is, and 200 hashes would only
  // slow the set-up down.
  const passwordHash = await hashPassword(PASSWORD);
  const emails = Array.from({ length: USERS }, (_, i) => `bench-${i}@bench.example`);
  await db.tx(SYSTEM, async (tx) => {
    const party = await partiesRepo.create(tx, { kind: 'customer', name: 'Bench customer' });
    for (const [i, email] of emails.entries()) {
      const user = await usersRepo.create(tx, {
        partyId: party.id,
        email,
        displayName: `Bench user ${i}`,
        passwordHash,
        status: 'active',
      });
      await usersRepo.grantRoles(tx, user.id, party.id, ['customer-user']);
    }
    await demoRepo.generateOrders(tx, party.id, 1000, 'EUR');
  });
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  await owner`vacuum analyze`;
  await owner.end();
  return { emails, passwordHash };
}

/** Signs in over HTTP like a browser would and returns the session token from Set-Cookie. */
async function signIn(port: number, email: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const text = await res.text();
  const token = /gh_session=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1];
  if (res.status !== 200 || !token) throw new Error(`sign-in answered ${res.status}: ${text.slice(0, 300)}`);
  return token;
}

// -------------------------------------------------------------------------------------- session validation

/**
 * Session validation cost, two ways, both sequential on an idle server (nothing else runs):
 *  - in process (the figure judged against the goal): validateSession() itself, exactly as
 *    authedProcedure calls it (token parse, one-round-trip readOne to PostgreSQL, constant-time compare,
 *    expiry checks), through a pool configured like the server's, against an awaited no-op in alternation.
 *    This isolates the lookup from Express/tRPC noise, which is larger than the thing measured.
 *  - in process from the session cache (docs/security.md, "Session cache"): the same call with a listening
 *    cache that holds the session, as most requests find it (token parse, constant-time compare, expiry
 *    checks, the actor built from the cached row; no round trip).
 *  - over HTTP (a cross-check): auth.me with a valid cookie against auth.me with no cookie (same stack,
 *    rejected before any session lookup). It also includes toMe + output validation on one side and error
 *    formatting on the other, so it is approximate; the server caches the session, so this is the cached path.
 */
async function validationCost(db: Database, cache: SessionCache, port: number, token: string) {
  const policy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
  const noop = async () => null;
  for (let i = 0; i < 200; i++) await validateSession(db, systemClock, policy, token); // prepare + warm
  const withLookup: number[] = [];
  const without: number[] = [];
  const roundTrip: number[] = [];
  const readOneFloor: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 200; i++) await validateSession(db, systemClock, policy, token, cache); // fills it
  for (let i = 0; i < VALIDATIONS; i++) {
    let t0 = performance.now();
    const actor = await validateSession(db, systemClock, policy, token);
    withLookup.push(performance.now() - t0);
    if (!actor) throw new Error('bench session did not validate');
    t0 = performance.now();
    await noop();
    without.push(performance.now() - t0);
    // The floor: one bare round trip to PostgreSQL on the same pool (no transaction, no context).
    t0 = performance.now();
    await db.appSql`select 1`;
    roundTrip.push(performance.now() - t0);
    // The floor of the path validateSession takes: readOne (reserve, BEGIN + signed context + statement +
    // COMMIT in one write) around a trivial statement.
    t0 = performance.now();
    await db.readOne(SYSTEM, (tx) => tx.db.execute('select 1'));
    readOneFloor.push(performance.now() - t0);
    t0 = performance.now();
    if (!(await validateSession(db, systemClock, policy, token, cache))) throw new Error('cached session refused');
    cached.push(performance.now() - t0);
  }
  if (cache.stats.hits < VALIDATIONS) throw new Error(`the session cache answered ${cache.stats.hits} lookups`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const me: number[] = [];
  const anon: number[] = [];
  for (let i = 0; i < Math.min(VALIDATIONS, 1000); i++) {
    let t0 = performance.now();
    const a = await request(agent, port, 'GET', '/trpc/auth.me', { cookie: `gh_session=${token}` });
    me.push(performance.now() - t0);
    t0 = performance.now();
    const b = await request(agent, port, 'GET', '/trpc/auth.me', {});
    anon.push(performance.now() - t0);
    if (a !== 200 || b !== 401) throw new Error(`auth.me answered ${a} / ${b}`);
  }
  agent.destroy();
  return {
    inProcess: median(withLookup) - median(without),
    inProcessP99: quantile(withLookup, 0.99),
    cached: median(cached) - median(without),
    roundTrip: median(roundTrip),
    readOneFloor: median(readOneFloor),
    http: median(me) - median(anon),
    httpMe: median(me),
    httpAnon: median(anon),
  };
}

// ------------------------------------------------------------------------------------------------- main

async function main() {
  console.log(
    `Gatehouse authentication benchmark — ${os.availableParallelism()} cores, node ${process.version}, argon2 bound ${ARGON2_CONCURRENCY}`,
  );
  console.log(
    `   ${USERS} users, ${ROUNDS} rounds x ${SECONDS} s per phase, sign-in/verify concurrency ${CONNECTIONS}, orders.list at ${LIST_RATE}/s, sign-in load ${SIGNIN_RATE}/s`,
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-auth-'));
  const pgDataDir = path.join(dir, 'postgres');
  const pg = await startEmbedded({ dataDir: pgDataDir, database: 'bench' });
  const children: ChildProcess[] = [];
  let db: Database | undefined;
  try {
    const secret = Buffer.from(SECRET);
    await migrate({ ownerUrl: pg.ownerUrl, contextKey: contextKey(secret), appPassword: appRolePassword(secret) });
    db = createDatabase({ appUrl: appUrlFrom(pg.ownerUrl, appRolePassword(secret)), contextKey: contextKey(secret) });
    const t0 = performance.now();
    const { emails, passwordHash } = await loadData(db, pg.ownerUrl);
    console.log(`   data loaded in ${f((performance.now() - t0) / 1000, 1)} s`);
    const postmasterPid = Number(
      (await readFile(path.join(pgDataDir, 'cluster', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );

    const [ghPort, verifyPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const gh = startNode(
      'server/src/main.ts',
      {
        NODE_ENV: 'production',
        DATABASE_URL: pg.ownerUrl,
        GATEHOUSE_SECRET: SECRET,
        PORT: String(ghPort),
        PUBLIC_ORIGIN: `http://127.0.0.1:${ghPort}`,
        TRUST_PROXY: 'none',
        LOG_LEVEL: 'warn',
      },
      (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    );
    children.push(gh);
    const verifier = startNode('test/bench/argon2-server.ts', { BENCH_HASH: passwordHash, PORT: String(verifyPort) });
    children.push(verifier);
    await waitReady(`http://127.0.0.1:${ghPort}/readyz`, gh);
    await waitReady(`http://127.0.0.1:${verifyPort}/readyz`, verifier);

    // Sanity, and sessions for the list phases (signed in over HTTP, like a browser).
    const tokens: string[] = [];
    for (const email of emails.slice(0, 20)) tokens.push(await signIn(ghPort, email));
    const listAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const signinAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const check = await fetch(`http://127.0.0.1:${ghPort}${LIST_PATH}`, {
      headers: { cookie: `gh_session=${tokens[0]}` },
    });
    const checkText = await check.text();
    if (check.status !== 200 || !checkText.includes('SO-'))
      throw new Error(`orders.list answered ${check.status}: ${checkText.slice(0, 300)}`);
    const v = await request(
      signinAgent,
      verifyPort,
      'POST',
      '/verify',
      { 'content-type': 'application/json' },
      JSON.stringify({ email: emails[0], password: PASSWORD }),
    );
    if (v !== 200) throw new Error(`verify server answered ${v}`);

    const ghMeters: Meter[] = [
      processMeter('gatehouse', gh),
      { name: 'postgres', read: () => clusterTicks(postmasterPid) },
      mainThreadMeter('gatehouse main', gh),
    ];
    const verifyMeters: Meter[] = [processMeter('verify', verifier), mainThreadMeter('verify main', verifier)];
    ours.push(ghMeters[0] as Meter, ghMeters[1] as Meter, verifyMeters[0] as Meter); // whole processes only
    let signinSeq = 0;
    const sendSignIn = () =>
      request(
        signinAgent,
        ghPort,
        'POST',
        '/trpc/auth.login',
        { 'content-type': 'application/json' },
        JSON.stringify({ email: emails[signinSeq++ % emails.length], password: PASSWORD }),
      );
    const sendList = (i: number) =>
      request(listAgent, ghPort, 'GET', LIST_PATH, { cookie: `gh_session=${tokens[i % tokens.length]}` });

    const phases = {
      verify: async (s: number) => {
        const { result, cpuMs, othersCores } = await cpuOver(verifyMeters, () =>
          closedLoopSignIns(verifyPort, '/verify', emails, s),
        );
        const n = Math.max(1, result.ok);
        return {
          ...result,
          othersCores,
          cpuPerReq: (cpuMs[0] as number) / n,
          mainPerReq: (cpuMs[1] as number) / n,
          pgPerReq: 0,
        };
      },
      'sign-in': async (s: number) => {
        const { result, cpuMs, othersCores } = await cpuOver(ghMeters, () =>
          closedLoopSignIns(ghPort, '/trpc/auth.login', emails, s),
        );
        return {
          ...result,
          othersCores,
          cpuPerReq: (cpuMs[0] as number) / Math.max(1, result.ok),
          mainPerReq: (cpuMs[2] as number) / Math.max(1, result.ok),
          pgPerReq: (cpuMs[1] as number) / Math.max(1, result.ok),
        };
      },
      list: async (s: number) => {
        const { result, cpuMs, othersCores } = await cpuOver(ghMeters, () => openLoop(LIST_RATE, s, sendList));
        return {
          othersCores,
          list: result,
          signins: undefined as OpenLoopResult | undefined,
          cores: ((cpuMs[0] as number) + (cpuMs[1] as number)) / (s * 1000),
          mainCores: (cpuMs[2] as number) / (s * 1000),
        };
      },
      'list+load': async (s: number) => {
        const { result, cpuMs, othersCores } = await cpuOver(ghMeters, () =>
          Promise.all([openLoop(LIST_RATE, s, sendList), openLoop(SIGNIN_RATE, s, sendSignIn, 64)]),
        );
        return {
          othersCores,
          list: result[0],
          signins: result[1],
          cores: ((cpuMs[0] as number) + (cpuMs[1] as number)) / (s * 1000),
          mainCores: (cpuMs[2] as number) / (s * 1000),
        };
      },
    };

    if (WARMUP > 0) {
      console.log(`   warm-up ${WARMUP} s per phase`);
      if (PHASES.has('verify')) await phases.verify(WARMUP);
      if (PHASES.has('sign-in') || PHASES.has('list+load')) await phases['sign-in'](WARMUP);
      if (PHASES.has('list') || PHASES.has('list+load')) await phases.list(WARMUP);
    }

    type Closed = Awaited<ReturnType<typeof phases.verify>>;
    type Open = Awaited<ReturnType<typeof phases.list>>;
    // The bench's own pool with a session cache, as the server has one: it listens before it is used.
    const cache = startSessionCache(db, { maxEntries: 1_000, maxAgeMs: 60_000 });
    for (let i = 0; i < 500 && !cache.listening; i++) await new Promise((r) => setTimeout(r, 20));
    const res = {
      verify: [] as Closed[],
      signin: [] as Closed[],
      list: [] as Open[],
      loaded: [] as Open[],
      validation: [] as Awaited<ReturnType<typeof validationCost>>[],
    };
    const order = (['verify', 'sign-in', 'list', 'list+load'] as const).filter((p) => PHASES.has(p));
    for (let r = 0; r < ROUNDS; r++) {
      console.log(`\n   round ${r + 1}`);
      for (let k = 0; k < order.length; k++) {
        const name = order[(k + r) % order.length] as (typeof order)[number];
        if (name === 'verify' || name === 'sign-in') {
          const x = await phases[name](SECONDS);
          (name === 'verify' ? res.verify : res.signin).push(x);
          console.log(
            `   ${name.padEnd(10)} ${f(x.perSecond, 1).padStart(7)} ok/s  p50 ${x.p50} ms  p99 ${x.p99} ms  cpu ${f(x.cpuPerReq, 2)} ms/req (main thread ${f(x.mainPerReq, 2)})` +
              (name === 'sign-in' ? ` + postgres ${f(x.pgPerReq, 2)} ms/req` : '') +
              `  failed ${x.failed}  | others ${f(x.othersCores, 2)} cores`,
          );
        } else {
          const x = await phases[name](SECONDS);
          (name === 'list' ? res.list : res.loaded).push(x);
          const l = x.list;
          console.log(
            `   ${name.padEnd(10)} orders.list ${f(l.completedPerSecond, 0)}/s of ${f(l.offered, 0)}  p50 ${f(l.p50, 1)} ms  p99 ${f(l.p99, 1)} ms  max ${f(l.max, 0)} ms  errors ${l.errors}  dropped ${l.dropped}` +
              (x.signins
                ? `  | sign-ins ${f(x.signins.completedPerSecond, 0)}/s of ${f(x.signins.offered, 0)} p99 ${f(x.signins.p99, 0)} ms errors ${x.signins.errors} dropped ${x.signins.dropped}`
                : '') +
              `  | cpu ${f(x.cores, 2)} cores (event loop ${f(x.mainCores, 2)}), others ${f(x.othersCores, 2)}`,
          );
        }
      }
      if (!PHASES.has('validation')) continue;
      const val = await validationCost(db, cache, ghPort, tokens[0] as string);
      res.validation.push(val);
      console.log(
        `   validation in-process ${f(val.inProcess, 3)} ms (p99 ${f(val.inProcessP99, 3)}; cached ${f(val.cached, 3)}; bare select 1 ${f(val.roundTrip, 3)}, readOne(select 1) ${f(val.readOneFloor, 3)})  http auth.me ${f(val.httpMe, 3)} vs no cookie ${f(val.httpAnon, 3)} ms: +${f(val.http, 3)} ms`,
      );
    }

    const m = (xs: number[]) => median(xs);
    const verifyRate = m(res.verify.map((x) => x.perSecond));
    const signinRate = m(res.signin.map((x) => x.perSecond));
    const p99Alone = m(res.list.map((x) => x.list.p99));
    const p99Loaded = m(res.loaded.map((x) => x.list.p99));
    const validation = m(res.validation.map((x) => x.inProcess));
    const validationCached = m(res.validation.map((x) => x.cached));
    const signinRatio = signinRate / verifyRate;
    console.log('\n   medians over rounds');
    console.log(
      `   argon2 verify only     ${f(verifyRate, 1).padStart(7)} /s   cpu ${f(m(res.verify.map((x) => x.cpuPerReq)), 2)} ms/verify (main thread ${f(m(res.verify.map((x) => x.mainPerReq)), 2)})`,
    );
    console.log(
      `   sign-in (auth.login)   ${f(signinRate, 1).padStart(7)} /s   cpu ${f(m(res.signin.map((x) => x.cpuPerReq)), 2)} ms/sign-in (main thread ${f(m(res.signin.map((x) => x.mainPerReq)), 2)}) + postgres ${f(m(res.signin.map((x) => x.pgPerReq)), 2)} ms`,
    );
    console.log(
      `   session validation     ${f(validation, 3).padStart(7)} ms median in process   (bare select 1 ${f(m(res.validation.map((x) => x.roundTrip)), 3)} ms, readOne(select 1) ${f(m(res.validation.map((x) => x.readOneFloor)), 3)} ms; over HTTP: +${f(m(res.validation.map((x) => x.http)), 3)} ms)`,
    );
    console.log(
      `   orders.list @${LIST_RATE}/s       p50 ${f(m(res.list.map((x) => x.list.p50)), 1)} ms  p99 ${f(p99Alone, 1)} ms alone   |   p50 ${f(m(res.loaded.map((x) => x.list.p50)), 1)} ms  p99 ${f(p99Loaded, 1)} ms with sign-ins at ${f(m(res.loaded.map((x) => x.signins?.completedPerSecond ?? 0)), 0)}/s (offered ${SIGNIN_RATE})`,
    );
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    // CPU time per operation holds up better than rates on a shared machine; when the cores are the limit
    // (they are: argon2 keeps one per core busy), the rate ratio tends to this CPU ratio.
    const cpuRatio = m(res.verify.map((x) => x.cpuPerReq)) / m(res.signin.map((x) => x.cpuPerReq + x.pgPerReq));
    console.log(
      `\n   sign-in / verify-only:      ${f(signinRatio, 2)}x   (goal >= 0.90: ${verdict(signinRatio >= 0.9)})`,
    );
    console.log(`     by CPU time per request:  ${f(cpuRatio, 2)}x   (verify CPU / sign-in CPU incl. PostgreSQL)`);
    console.log(
      `   session validation:         ${f(validation, 3)} ms   (goal < 0.5 ms median: ${verdict(validation < 0.5)}); from the session cache ${f(validationCached, 3)} ms`,
    );
    console.log(
      `   orders.list p99 under load: ${f(p99Loaded, 1)} ms vs ${f(p99Alone, 1)} ms alone (${f(p99Loaded / p99Alone, 1)}x); list errors ${res.loaded.reduce((a, x) => a + x.list.errors + x.list.dropped, 0)}`,
    );
    const measured = (x: number) => (Number.isFinite(x) ? true : null);
    await reportGoals('auth', [
      {
        measure: 'sign-in/s (anchor: argon2 verify only)',
        goal: '>= 0.90x',
        raw: fig(verifyRate),
        gatehouse: fig(signinRate),
        ratio: ratio(signinRatio),
        met: measured(signinRatio) && signinRatio >= 0.9,
      },
      {
        measure: 'session validation, median in process',
        goal: '<= 0.5 ms',
        raw: '',
        gatehouse: fig(validation, 'ms'),
        ratio: '',
        met: measured(validation) && validation <= 0.5,
      },
      {
        measure: 'session validation, median in process, session cached',
        goal: '<= 0.5 ms',
        raw: '',
        gatehouse: fig(validationCached, 'ms'),
        ratio: '',
        met: measured(validationCached) && validationCached <= 0.5,
      },
      {
        measure: `orders.list p99 at ${LIST_RATE}/s beside sign-ins (anchor: alone)`,
        goal: '<= 2x alone',
        raw: fig(p99Alone, 'ms'),
        gatehouse: fig(p99Loaded, 'ms'),
        ratio: ratio(p99Loaded / p99Alone),
        met: measured(p99Loaded / p99Alone) && p99Loaded / p99Alone <= 2,
      },
    ]);
    listAgent.destroy();
    signinAgent.destroy();
  } finally {
    for (const c of children) await stopChild(c);
    await db?.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
