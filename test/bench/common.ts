/**
 * Helpers shared by the benchmarks (foundation, portal, auth, audit): statistics, child servers,
 * readiness, /proc sampling, and the bench parties / users / sessions seeding.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashSecret, randomToken } from '@gatehouse/server/testing';
import type postgres from 'postgres';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
export const CLK_TCK = 100;

export const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Median of `xs` (NaN for none). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
/** The `q` quantile of `xs` (nearest rank; NaN for none). */
export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number);
};
/** A figure for a table: `digits` decimals, or '-' when there is none. */
export const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

export async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
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

/**
 * Gatehouse as `pnpm start` runs it: the built server, rebuilt from the sources by buildServer().
 * BENCH_GH_SCRIPT=server/src/main.ts measures the sources under tsx instead.
 */
export const GATEHOUSE = process.env.BENCH_GH_SCRIPT ?? 'server/dist/main.mjs';
export function buildServer() {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

/** BENCH_NODE_ARGS (e.g. "--max-old-space-size=256") go to the Gatehouse server only (docs/benchmarks.md, memory). */
export const ghNodeArgs = () => (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** A node process: TypeScript through tsx, a built .mjs as production runs it; `nodeArgs` come last (they win). */
export function startNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'];
  const child = spawn(process.execPath, [...loader, ...nodeArgs, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

export async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** utime + stime (+ reaped children's, for the postmaster) of a process, in clock ticks. */
export async function procTicks(pid: number, withChildren = false): Promise<{ ticks: number; ppid: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return { ticks: own + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0), ppid: Number(fields[1]) };
}

export const cpuTicks = async (pid: number) => (await procTicks(pid)).ticks;

/** CPU ticks of the whole PostgreSQL cluster: the postmaster, its live backends and the ones it reaped. */
export async function clusterTicks(postmasterPid: number): Promise<number> {
  let total = (await procTicks(postmasterPid, true)).ticks;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const p = await procTicks(Number(entry));
      if (p.ppid === postmasterPid) total += p.ticks;
    } catch {} // gone meanwhile
  }
  return total;
}

/** Busy ticks of the whole machine (steal included: a neighbour's time is contention too). */
export async function machineBusyTicks(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

/** Resident set size of a process in MB (VmRSS from /proc/<pid>/status). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) / 1024;
}

/** Environment for a Gatehouse server (server/src/main.ts) on `port` over `dbUrl`. */
export const ghEnv = (dbUrl: string, port: number) => ({
  NODE_ENV: 'production',
  DATABASE_URL: dbUrl,
  GATEHOUSE_SECRET: SECRET,
  PORT: String(port),
  PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
  TRUST_PROXY: 'none',
  LOG_LEVEL: 'warn',
});

/** `count` customer parties, each with one active customer-user. */
export async function seedPartiesAndUsers(sql: postgres.Sql, count: number) {
  await sql`insert into parties (kind, name) select 'customer', 'Bench customer ' || g from generate_series(1, ${count}::int) g`;
  await sql`insert into users (party_id, email, display_name, status)
            select id, 'user-' || id || '@bench.example', 'Bench user', 'active' from parties`;
  await sql`insert into user_roles (party_id, user_id, role_id)
            select u.party_id, u.id, r.id from users u, roles r where r.key = 'customer-user'`;
}

/** One live session per user; returns each session's cookie token and party. */
export async function createSessions(sql: postgres.Sql): Promise<{ token: string; partyId: string }[]> {
  const users = await sql`select id, party_id from users`;
  const sessions: { token: string; partyId: string }[] = [];
  const rows = users.map((u) => {
    const id = randomToken(15);
    const secret = randomToken(20);
    sessions.push({ token: `${id}.${secret}`, partyId: u.party_id });
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
  return sessions;
}

/**
 * A figure as a reader wants it: no more decimals than its size warrants and none for a whole number
 * (12631.650000000001 ms prints as 12,632 ms; 0.8512 as 0.851; 55 as 55), '-' when there is none.
 */
export function fig(x: number, unit = ''): string {
  if (!Number.isFinite(x)) return '-';
  if (x === 0) return unit ? `0 ${unit}` : '0';
  const abs = Math.abs(x);
  const digits = abs >= 100 || Number.isInteger(x) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

/** A ratio as `0.53x`, '-' when either side is missing. */
export const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');

/**
 * One goal of a benchmark: what is measured, the goal, the anchor it is judged against (the raw server,
 * argon2 alone, the same write without audit, raw COPY; '' when the goal is absolute), Gatehouse's
 * figure, their ratio, and whether the goal is met (null when this run did not measure it).
 */
export interface GoalRow {
  measure: string;
  goal: string;
  raw: string;
  gatehouse: string;
  ratio: string;
  met: boolean | null;
}

const verdictOf = (met: boolean | null) => (met === null ? 'not run' : met ? 'met' : 'NOT met');

/** The goal table, as `pnpm bench` and each benchmark print it. */
export function goalTable(rows: (GoalRow & { bench?: string })[]): string {
  const withBench = rows.some((r) => r.bench);
  const head = [...(withBench ? ['bench'] : []), 'measure', 'goal', 'raw anchor', 'Gatehouse', 'ratio', 'result'];
  const body = rows.map((r) => [
    ...(withBench ? [r.bench ?? ''] : []),
    r.measure,
    r.goal,
    r.raw || '-',
    r.gatehouse,
    r.ratio || '-',
    verdictOf(r.met),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `   ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/**
 * Prints a benchmark's goal table and, under `pnpm bench` (test/bench/run.ts sets BENCH_SUMMARY_FILE),
 * hands its rows to the runner's one summary.
 */
export async function reportGoals(bench: string, rows: GoalRow[]) {
  console.log(`\nGoals (${bench})`);
  console.log(goalTable(rows));
  const file = process.env.BENCH_SUMMARY_FILE;
  if (file) await appendFile(file, `${rows.map((r) => JSON.stringify({ bench, ...r })).join('\n')}\n`);
}
