/**
 * Backup benchmark (not a test: it measures and prints). Run: pnpm bench:backup
 *
 * Data: BENCH_ORDERS orders (1,000,000) over BENCH_PARTIES customer parties (2,000), 1-3 lines and one
 * invoice each, in an embedded PostgreSQL laid out as a Gatehouse data directory. Gatehouse as shipped
 * (server/dist/main.mjs) serves it.
 *
 * Measures, in BENCH_ROUNDS (3) rounds, each variant of the backup (see VARIANTS) as a pair of windows
 * side by side: orders.list at a fixed open-loop rate of BENCH_RATE req/s (50; latency from each request's
 * due time) idle, for as long as that variant's last backup took (BENCH_IDLE_SECONDS, 30, the first
 * time), then while `pnpm gatehouse backup` runs, each window with a fresh load generator. The variants'
 * order alternates from round to round, so drift in the machine's other load falls on both. Per pair:
 * p50/p99 idle and during, their ratio, and the load average; then per variant the median ratio and the
 * medians of p99. Goal: p99 during a backup at most 2x idle (the median of the default variant's ratios).
 *  - backup throughput: the database archive's bytes (before encryption) per second of the whole
 *    `pnpm gatehouse backup` process (start, checkpoint, copy, WAL, encryption, counts, files), the
 *    checkpoint's time and how long writes were held;
 *  - restore throughput (once, on the first backup of the default variant): the same bytes per second of
 *    `restoreBackup` (checksum, decrypt, unpack), and the restore drill (`verifyBackup`) in seconds.
 *
 * VARIANTS: `before` is the backup as it was (fast checkpoint, no read limit): BENCH_BACKUP_BASELINE names a
 * checkout of an earlier commit (dependencies installed) whose `server/src/cli.ts` is run instead, else this
 * code with BACKUP_CHECKPOINT=fast and BACKUP_READ_MB_PER_SECOND=0. `after` is this code as configured by
 * default (BENCH_READ_MB overrides its BACKUP_READ_MB_PER_SECOND). BENCH_VARIANTS=after measures one.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, migrate, startEmbedded } from '@gatehouse/db';
import {
  appRolePassword,
  contextKey,
  generateBackupKey,
  listBackups,
  readIdentity,
  readManifest,
  restoreBackup,
  verifyBackup,
} from '@gatehouse/server/testing';
import postgres from 'postgres';
import {
  buildServer,
  createSessions,
  env,
  f,
  fig,
  GATEHOUSE,
  ghEnv,
  median,
  quantile,
  ROOT,
  ratio,
  reportGoals,
  SECRET,
  seedPartiesAndUsers,
  startNode,
  stopChild,
  waitReady,
} from './common.ts';

const ORDERS = env('BENCH_ORDERS', 1_000_000);
const PARTIES = env('BENCH_PARTIES', 2_000);
const RATE = env('BENCH_RATE', 50);
const IDLE_SECONDS = env('BENCH_IDLE_SECONDS', 30);
const ROUNDS = env('BENCH_ROUNDS', 3);
const GOAL_P99_RATIO = 2;

interface Variant {
  name: string;
  what: string;
  root: string;
  env: Record<string, string>;
}
const BASELINE = process.env.BENCH_BACKUP_BASELINE;
const ALL_VARIANTS: Variant[] = [
  BASELINE
    ? { name: 'before', what: `the CLI of ${BASELINE}`, root: path.resolve(BASELINE), env: {} }
    : {
        name: 'before',
        what: 'BACKUP_CHECKPOINT=fast, BACKUP_READ_MB_PER_SECOND=0',
        root: ROOT,
        env: { BACKUP_CHECKPOINT: 'fast', BACKUP_READ_MB_PER_SECOND: '0' },
      },
  {
    name: 'after',
    what: process.env.BENCH_READ_MB ? `BACKUP_READ_MB_PER_SECOND=${process.env.BENCH_READ_MB}` : 'the defaults',
    root: ROOT,
    env: process.env.BENCH_READ_MB ? { BACKUP_READ_MB_PER_SECOND: process.env.BENCH_READ_MB } : {},
  },
];
const VARIANTS = ALL_VARIANTS.filter((v) => (process.env.BENCH_VARIANTS ?? 'before,after').split(',').includes(v.name));
const load1 = () => os.loadavg()[0] ?? Number.NaN;

/** What `pnpm gatehouse` runs in the checkout `root` (its package.json script): node's arguments. */
async function gatehouseArgs(root: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  const [node, ...args] = String(pkg.scripts.gatehouse).split(' ');
  if (node !== 'node') throw new Error(`unexpected gatehouse script in ${root}: ${pkg.scripts.gatehouse}`);
  return args;
}

async function loadData(ownerUrl: string) {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  await sql`set synchronous_commit = off`;
  await sql`set maintenance_work_mem = '256MB'`;
  await seedPartiesAndUsers(sql, PARTIES);
  await sql`create temp table bench_alloc as
            select id as party_id, (row_number() over (order by id))::int as idx from parties`;
  const per = Math.ceil(ORDERS / PARTIES);
  await sql`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
      select a.party_id, 'SO-' || lpad(((a.idx - 1) * ${per}::int + g)::text, 8, '0'), 'PO-' || g,
             (array['open','confirmed','shipped','delivered'])[1 + (g + a.idx) % 4],
             current_date - ((g * 17 + a.idx) % 730), 'EUR', (g::bigint * 7919 + a.idx * 104729) % 1000000
      from bench_alloc a, generate_series(1, ${per}::int) g
      where (a.idx - 1) * ${per}::int + g <= ${ORDERS}::int`;
  await sql`insert into order_lines (party_id, order_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
      select o.party_id, o.id, l, 'SKU-' || lpad(((o.total_minor + l * 7) % 5000)::text, 5, '0'), 'Bench item ' || l,
             1 + (o.total_minor + l) % 20, 100 + (o.total_minor + l) % 9900,
             (1 + (o.total_minor + l) % 20) * (100 + (o.total_minor + l) % 9900)
      from orders o, generate_series(1, 1 + (o.total_minor % 3)::int) l`;
  await sql`insert into invoices (party_id, order_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
      select party_id, id, 'INV-' || substr(number, 4), 'paid', order_date + 1, order_date + 31, currency, total_minor, 0
      from orders`;
  const sessions = await createSessions(sql);
  await sql`vacuum analyze`;
  await sql`checkpoint`;
  const [size] = await sql`select pg_database_size(current_database())::bigint::text as b`;
  await sql.end();
  return { sessions, seconds: (performance.now() - t0) / 1000, bytes: Number(size?.b) };
}

/** Open loop at RATE req/s until stop(): each sample is [due time, latency ms] (non-2xx counted apart). */
function openLoop(base: string, sessions: { token: string }[]) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const samples: [number, number][] = [];
  let bad = 0;
  let stopped = false;
  let inFlight = 0;
  const start = performance.now();
  const interval = 1000 / RATE;
  let sent = 0;
  const input = encodeURIComponent(JSON.stringify({ limit: 50 }));
  const fire = (due: number) => {
    const s = sessions[Math.floor(Math.random() * sessions.length)] as { token: string };
    inFlight++;
    const req = http.get(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: `/trpc/orders.list?input=${input}`,
        headers: { cookie: `gh_session=${s.token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          if ((res.statusCode ?? 0) === 200) samples.push([due, performance.now() - due]);
          else bad++;
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      bad++;
    });
  };
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - start) / interval) + 1;
    while (sent < due) fire(start + sent++ * interval);
    setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
  };
  tick();
  return {
    async stop() {
      stopped = true;
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      agent.destroy();
      return { samples, bad };
    },
  };
}

const pcts = (samples: [number, number][], from: number, to: number) => {
  const xs = samples.filter(([due]) => due >= from && due <= to).map(([, ms]) => ms);
  return { n: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) };
};

async function main() {
  buildServer();
  console.log(`Gatehouse backup benchmark — ${os.cpus().length} cores, node ${process.version}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-backup-'));
  const { chmod } = await import('node:fs/promises');
  await chmod(dir, 0o711);
  const pg = await startEmbedded({ dataDir: path.join(dir, 'data', 'postgres'), database: 'gatehouse' });
  let child: ReturnType<typeof startNode> | undefined;
  try {
    const secret = Buffer.from(SECRET);
    await migrate({ ownerUrl: pg.ownerUrl, contextKey: contextKey(secret), appPassword: appRolePassword(secret) });
    const data = await loadData(pg.ownerUrl);
    console.log(
      `   loaded ${ORDERS.toLocaleString('en')} orders over ${PARTIES} parties in ${f(data.seconds, 1)} s; database ${f(data.bytes / 1_048_576)} MB`,
    );
    const port = await freeLoopbackPort();
    child = startNode(GATEHOUSE, ghEnv(pg.ownerUrl, port));
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/readyz`, child);
    const identityFile = path.join(dir, 'identity.txt');
    const recipient = await generateBackupKey(identityFile);
    const identity = await readIdentity(identityFile);
    // Warm-up: the list at the fixed rate for 5 s.
    const warm = openLoop(base, data.sessions);
    await new Promise((r) => setTimeout(r, 5_000));
    await warm.stop();

    type Row = {
      variant: string;
      round: number;
      idle: ReturnType<typeof pcts>;
      during: ReturnType<typeof pcts>;
      loadIdle: number;
      loadDuring: number;
      backupS: number;
      plainMb: number;
      encMb: number;
      checkpoint: string;
      checkpointMs: number;
      heldMs: number;
      bad: number;
    };
    const rows: Row[] = [];
    let restoreLine = '';
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (const v of VARIANTS) console.log(`   variant ${v.name}: ${v.what}`);
    console.log(
      `   load average at start: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
      for (const v of order) {
        const backupDir = path.join(dir, `backups-${v.name}-${round}`);
        // Idle: the fixed-rate load alone, for as long as this variant's last backup took.
        const last = rows.filter((r) => r.variant === v.name).at(-1);
        const idleMs = last ? last.backupS * 1000 : IDLE_SECONDS * 1000;
        const idleLoad = openLoop(base, data.sessions);
        await sleep(1_000);
        const i0 = performance.now();
        const loadIdle0 = load1();
        await sleep(idleMs);
        const i1 = performance.now();
        const loadIdle = (loadIdle0 + load1()) / 2;
        const idleRun = await idleLoad.stop();
        await sleep(3_000);
        // The backup, under the same load (a fresh generator: no backlog carried over).
        const load = openLoop(base, data.sessions);
        await sleep(1_000);
        const b0 = performance.now();
        const loadDuring0 = load1();
        // As an operator runs it (cron or a timer): `pnpm gatehouse backup`, a process of its own (the
        // checkout's own script, so a preload that lowers its priority before tsx compiles counts).
        const cli = spawn(process.execPath, [...(await gatehouseArgs(v.root)), 'backup'], {
          cwd: v.root,
          env: {
            ...process.env,
            GATEHOUSE_DATA_DIR: path.join(dir, 'data'),
            GATEHOUSE_SECRET: SECRET,
            BACKUP_DIR: backupDir,
            BACKUP_RECIPIENT: recipient,
            LOG_LEVEL: 'warn',
            ...v.env,
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        const code = await new Promise((r) => cli.once('exit', r));
        const b1 = performance.now();
        const loadDuring = (loadDuring0 + load1()) / 2;
        const duringRun = await load.stop();
        if (code !== 0) throw new Error(`pnpm gatehouse backup (${v.name}) exited with ${code}`);
        const [made] = await listBackups(backupDir);
        if (!made) throw new Error('no backup written');
        const result = { path: made.path, manifest: (await readManifest(made.path)).manifest };
        const m = result.manifest;
        const dbPart = m.parts.find((p) => p.name === 'database.tar.age');
        const row: Row = {
          variant: v.name,
          round,
          idle: pcts(idleRun.samples, i0, i1),
          during: pcts(duringRun.samples, b0, b1),
          loadIdle,
          loadDuring,
          backupS: (b1 - b0) / 1000,
          plainMb: (dbPart?.plainBytes ?? 0) / 1_048_576,
          encMb: (dbPart?.bytes ?? 0) / 1_048_576,
          checkpoint: m.database.included ? (m.database.checkpoint ?? 'fast') : '-',
          checkpointMs: m.database.included ? (m.database.checkpointMs ?? Number.NaN) : Number.NaN,
          heldMs: m.database.included ? m.database.writesHeldMs : 0,
          bad: idleRun.bad + duringRun.bad,
        };
        rows.push(row);
        console.log(
          `   round ${round} ${v.name.padEnd(6)}: backup ${f(row.plainMb)} MB in ${f(row.backupS, 1)} s (${f(row.plainMb / row.backupS, 1)} MB/s; ` +
            `${row.checkpoint} checkpoint ${f(row.checkpointMs)} ms; writes held ${row.heldMs} ms); orders.list @ ${RATE}/s p50/p99 ` +
            `idle ${f(row.idle.p50, 1)}/${f(row.idle.p99, 1)} ms (${row.idle.n}, load ${f(row.loadIdle, 2)}), ` +
            `during ${f(row.during.p50, 1)}/${f(row.during.p99, 1)} ms (${row.during.n}, load ${f(row.loadDuring, 2)}): ` +
            `${ratio(row.during.p99 / row.idle.p99)}${row.bad ? `, ${row.bad} failed` : ''}`,
        );
        if (v.name === 'after' && !restoreLine) {
          const target = path.join(dir, `restored-${round}`);
          const r0 = performance.now();
          await restoreBackup({ backup: result.path, identity, target });
          const r1 = performance.now();
          await rm(target, { recursive: true, force: true });
          const v0 = performance.now();
          // (no public key given: the drill checks the checkpoints with the audit key restored from the backup)
          const report = await verifyBackup({ backup: result.path, identity, publicKeyPem: undefined, secret });
          const v1 = performance.now();
          restoreLine = `restore ${f(row.plainMb / ((r1 - r0) / 1000), 1)} MB/s (${f((r1 - r0) / 1000, 1)} s); drill ${f((v1 - v0) / 1000, 1)} s ${report.ok ? 'passed' : `FAILED: ${report.failure}`}`;
          console.log(`   ${restoreLine}`);
          await sleep(3_000);
        }
        await rm(backupDir, { recursive: true, force: true });
      }
    }
    console.log('\n   medians per variant');
    const summary = VARIANTS.map((v) => {
      const rs = rows.filter((r) => r.variant === v.name);
      const med = (g: (r: Row) => number) => median(rs.map(g));
      const s = {
        name: v.name,
        idleP99: med((r) => r.idle.p99),
        duringP99: med((r) => r.during.p99),
        ratio: med((r) => r.during.p99 / r.idle.p99),
        ratios: rs.map((r) => ratio(r.during.p99 / r.idle.p99)).join(', '),
      };
      console.log(
        `   ${v.name.padEnd(6)}: backup ${f(
          med((r) => r.plainMb / r.backupS),
          1,
        )} MB/s (${f(
          med((r) => r.backupS),
          1,
        )} s; checkpoint ${f(med((r) => r.checkpointMs))} ms; writes held ${f(med((r) => r.heldMs))} ms); ` +
          `orders.list p99 idle ${f(s.idleP99, 1)} ms, during ${f(s.duringP99, 1)} ms; ratio per round ${s.ratios}; median ratio ${ratio(s.ratio)}`,
      );
      return s;
    });
    console.log(
      `   load average at end: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const after = summary.find((s) => s.name === 'after') ?? summary[0];
    if (after) {
      console.log(
        `   orders.list p99 @ ${RATE}/s during a backup (${after.name}): median ratio ${ratio(after.ratio)} (goal <= ${GOAL_P99_RATIO}x: ${after.ratio <= GOAL_P99_RATIO ? 'met' : 'NOT met'})`,
      );
      await reportGoals('backup', [
        {
          measure: `orders.list p99 at ${RATE}/s during a backup (anchor: idle; median of per-round ratios)`,
          goal: `<= ${GOAL_P99_RATIO}x idle`,
          raw: fig(after.idleP99, 'ms'),
          gatehouse: fig(after.duringP99, 'ms'),
          ratio: ratio(after.ratio),
          met: after.ratio <= GOAL_P99_RATIO,
        },
      ]);
    }
  } finally {
    if (child) await stopChild(child);
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
