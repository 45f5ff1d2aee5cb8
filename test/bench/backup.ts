/**
 * Backup benchmark (not a test: it measures and prints). Run: pnpm bench:backup
 *
 * Data: BENCH_ORDERS orders (1,000,000) over BENCH_PARTIES customer parties (2,000), 1-3 lines and one
 * invoice each, in an embedded PostgreSQL laid out as a Gatehouse data directory. Gatehouse as shipped
 * (server/dist/main.mjs) serves it.
 *
 * Measures, in BENCH_ROUNDS (2) interleaved rounds:
 *  - orders.list at a fixed open-loop rate of BENCH_RATE req/s (50; latency from each request's due
 *    time), idle (for as long as the last backup took; BENCH_IDLE_SECONDS, 30, the first time) and while
 *    `pnpm gatehouse backup` runs, each with a fresh load generator: p50/p99.
 *    Goal: p99 during a backup at most 2x idle.
 *  - backup throughput: the database archive's bytes (before encryption) per second of the whole
 *    `pnpm gatehouse backup` process (start, copy, WAL, encryption, counts, files), and how long writes
 *    were held;
 *  - restore throughput: the same bytes per second of `restoreBackup` (checksum, decrypt, unpack), and
 *    the restore drill (`verifyBackup`: recovery, counts, audit chains) in seconds.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
const ROUNDS = env('BENCH_ROUNDS', 2);
const GOAL_P99_RATIO = 2;

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

    const rows: {
      idle: ReturnType<typeof pcts>;
      during: ReturnType<typeof pcts>;
      backupS: number;
      plainMb: number;
      encMb: number;
      heldMs: number;
      restoreS: number;
      verifyS: number;
      verifyOk: boolean;
    }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const backupDir = path.join(dir, `backups-${round}`);
      // Idle: the fixed-rate load alone, for as long as the last backup took (BENCH_IDLE_SECONDS the first time).
      const idleMs = rows.at(-1)?.backupS ? (rows.at(-1)?.backupS ?? 0) * 1000 : IDLE_SECONDS * 1000;
      const idleLoad = openLoop(base, data.sessions);
      await new Promise((r) => setTimeout(r, 1_000));
      const i0 = performance.now();
      await new Promise((r) => setTimeout(r, idleMs));
      const i1 = performance.now();
      const idleRun = await idleLoad.stop();
      await new Promise((r) => setTimeout(r, 3_000));
      // The backup, under the same load (a fresh generator: no backlog carried over).
      const load = openLoop(base, data.sessions);
      await new Promise((r) => setTimeout(r, 1_000));
      const b0 = performance.now();
      // As an operator runs it (cron or a timer): `pnpm gatehouse backup`, a process of its own at low priority.
      const cli = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'backup'], {
        cwd: ROOT,
        env: {
          ...process.env,
          GATEHOUSE_DATA_DIR: path.join(dir, 'data'),
          GATEHOUSE_SECRET: SECRET,
          BACKUP_DIR: backupDir,
          BACKUP_RECIPIENT: recipient,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const code = await new Promise((r) => cli.once('exit', r));
      const b1 = performance.now();
      const duringRun = await load.stop();
      if (code !== 0) throw new Error(`pnpm gatehouse backup exited with ${code}`);
      const [made] = await listBackups(backupDir);
      if (!made) throw new Error('no backup written');
      const result = { path: made.path, manifest: (await readManifest(made.path)).manifest };
      const bad = idleRun.bad + duringRun.bad;
      const m = result.manifest;
      const dbPart = m.parts.find((p) => p.name === 'database.tar.age');
      const plainMb = (dbPart?.plainBytes ?? 0) / 1_048_576;
      const target = path.join(dir, `restored-${round}`);
      const r0 = performance.now();
      await restoreBackup({ backup: result.path, identity, target });
      const r1 = performance.now();
      await rm(target, { recursive: true, force: true });
      const v0 = performance.now();
      const report = await verifyBackup({ backup: result.path, identity, publicKeyPem: undefined, secret });
      // (no public key given: the drill checks the checkpoints with the audit key restored from the backup)
      const v1 = performance.now();
      await rm(backupDir, { recursive: true, force: true });
      const row = {
        idle: pcts(idleRun.samples, i0, i1),
        during: pcts(duringRun.samples, b0, b1),
        backupS: (b1 - b0) / 1000,
        plainMb,
        encMb: (dbPart?.bytes ?? 0) / 1_048_576,
        heldMs: m.database.included ? m.database.writesHeldMs : 0,
        restoreS: (r1 - r0) / 1000,
        verifyS: (v1 - v0) / 1000,
        verifyOk: report.ok,
      };
      rows.push(row);
      console.log(
        `   round ${round}: backup ${f(row.plainMb)} MB in ${f(row.backupS, 1)} s (${f(row.plainMb / row.backupS, 1)} MB/s, writes held ${row.heldMs} ms); ` +
          `restore ${f(row.plainMb / row.restoreS, 1)} MB/s; drill ${f(row.verifyS, 1)} s ${row.verifyOk ? 'passed' : `FAILED: ${report.failure}`}; ` +
          `orders.list @ ${RATE}/s p50/p99 idle ${f(row.idle.p50, 1)}/${f(row.idle.p99, 1)} ms (${row.idle.n}), during backup ${f(row.during.p50, 1)}/${f(row.during.p99, 1)} ms (${row.during.n})${bad ? `, ${bad} failed` : ''}`,
      );
    }
    const med = (g: (r: (typeof rows)[number]) => number) => median(rows.map(g));
    const idleP99 = med((r) => r.idle.p99);
    const duringP99 = med((r) => r.during.p99);
    console.log('\n   medians');
    console.log(
      `   database archive           ${f(med((r) => r.plainMb))} MB (${f(med((r) => r.encMb))} MB encrypted)`,
    );
    console.log(
      `   backup                     ${f(
        med((r) => r.plainMb / r.backupS),
        1,
      )} MB/s (${f(
        med((r) => r.backupS),
        1,
      )} s; writes held ${f(med((r) => r.heldMs))} ms)`,
    );
    console.log(
      `   restore (unpack)           ${f(
        med((r) => r.plainMb / r.restoreS),
        1,
      )} MB/s (${f(
        med((r) => r.restoreS),
        1,
      )} s)`,
    );
    console.log(
      `   restore drill (verify)     ${f(
        med((r) => r.verifyS),
        1,
      )} s`,
    );
    console.log(
      `   orders.list p99 @ ${RATE}/s    idle ${f(idleP99, 1)} ms, during backup ${f(duringP99, 1)} ms: ${f(duringP99 / idleP99, 2)}x (goal <= ${GOAL_P99_RATIO}x: ${duringP99 / idleP99 <= GOAL_P99_RATIO ? 'met' : 'NOT met'})`,
    );
    await reportGoals('backup', [
      {
        measure: `orders.list p99 at ${RATE}/s during a backup (anchor: idle)`,
        goal: `<= ${GOAL_P99_RATIO}x idle`,
        raw: fig(idleP99, 'ms'),
        gatehouse: fig(duringP99, 'ms'),
        ratio: ratio(duringP99 / idleP99),
        met: duringP99 / idleP99 <= GOAL_P99_RATIO,
      },
    ]);
  } finally {
    if (child) await stopChild(child);
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
