/**
 * Runs the benchmarks, one after another, each in its own process over its own embedded PostgreSQL, and
 * ends with one table of every goal they judged: goal, raw anchor, Gatehouse, ratio, met or not. Each
 * benchmark takes its figures from interleaved rounds within its own run (see its header).
 *
 *   pnpm bench                    every benchmark (about an hour on 2 cores)
 *   pnpm bench portal auth        a chosen subset, in that order
 *
 * Each benchmark's environment variables (BENCH_ROUNDS, BENCH_SECONDS, ...) pass through to all of them;
 * BENCH_POSTGRAPHILE=0 leaves the portal benchmark's PostGraphile target out (its goal rows say "not run").
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type GoalRow, goalTable, ROOT } from './common.ts';

const ALL = ['foundation', 'portal', 'auth', 'audit', 'integration', 'backup'] as const;
type Bench = (typeof ALL)[number];
const isBench = (s: string): s is Bench => (ALL as readonly string[]).includes(s);

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !isBench(a));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}
const chosen: Bench[] = asked.length > 0 ? asked.filter(isBench) : [...ALL];

function run(bench: Bench, summaryFile: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('test/bench', `${bench}.ts`)], {
      cwd: ROOT,
      env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile },
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-summary-'));
const summaryFile = path.join(dir, 'goals.jsonl');
const failed: string[] = [];
const started = performance.now();
try {
  for (const bench of chosen) {
    console.log(`\n=== ${bench} (${new Date().toISOString()})\n`);
    const code = await run(bench, summaryFile);
    if (code !== 0) failed.push(`${bench} (exit ${code})`);
  }
  const text = await readFile(summaryFile, 'utf8').catch(() => '');
  const rows = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GoalRow & { bench: string });
  const minutes = (performance.now() - started) / 60_000;
  console.log(
    `\n=== Summary: ${chosen.join(', ')} — ${os.cpus().length} cores, node ${process.version}, ${minutes.toFixed(0)} min\n`,
  );
  console.log(goalTable(rows));
  const met = rows.filter((r) => r.met === true).length;
  console.log(`\n   ${met} of ${rows.length} goals met`);
  if (failed.length > 0) console.log(`   FAILED: ${failed.join(', ')} (their goals are missing above)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failed.length > 0 ? 1 : 0;
