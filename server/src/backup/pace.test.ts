import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowerPriority, type PaceClock, Pacer } from './pace.ts';

/** A clock that only moves when the pacer sleeps (or the test says), and counts the yields. */
function fakeClock() {
  const c = {
    t: 0,
    slept: 0,
    yields: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept += ms;
      c.t += ms;
    },
    yield: async () => {
      c.yields++;
    },
  };
  return c satisfies PaceClock;
}

const MB = 1_048_576;
const CHUNK = 65_536;

describe('the backup read pace', () => {
  it('reads at the rate it is given: 100 MB at 10 MB/s take 10 s of sleeping', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(10 * MB, clock);
    for (let read = 0; read < 100 * MB; read += CHUNK) await pacer.take(CHUNK);
    expect(clock.t).toBeCloseTo(10_000, 0);
  });

  it('lets a reader held up elsewhere catch up by 100 ms of reading, not by all it missed', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(10 * MB, clock);
    await pacer.take(CHUNK);
    clock.t += 5_000; // the reader waited 5 s on something else: 50 MB of credit unused
    const before = clock.slept;
    for (let read = 0; read < 10 * MB; read += CHUNK) await pacer.take(CHUNK);
    // 10 MB at 10 MB/s is 1 s; 0.1 s of it may come from the credit.
    expect(clock.slept - before).toBeGreaterThanOrEqual(900 - 1);
    expect(clock.slept - before).toBeLessThanOrEqual(1_000);
  });

  it('without a limit, never sleeps but yields to the event loop every megabyte', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(0, clock);
    for (let read = 0; read < 100 * MB; read += CHUNK) await pacer.take(CHUNK);
    expect(clock.slept).toBe(0);
    expect(clock.yields).toBe(100);
  });
});

describe('the backup process priority', () => {
  it('lowers every thread of a process to nice 19', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    try {
      await once(child, 'spawn');
      const pid = child.pid as number;
      await new Promise((r) => setTimeout(r, 200)); // its threads (libuv's, V8's) are up
      const applied = await lowerPriority(pid);
      expect(applied.cpu).toBe(true);
      const tids = process.platform === 'linux' ? readdirSync(`/proc/${pid}/task`).map(Number) : [pid];
      expect(tids.length).toBeGreaterThan(process.platform === 'linux' ? 1 : 0);
      for (const tid of tids) expect(os.getPriority(tid)).toBe(19);
    } finally {
      child.kill();
    }
  });

  it('`pnpm gatehouse backup` starts at the lowest priority, before tsx compiles the CLI; other commands do not', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const args = String(pkg.scripts.gatehouse).split(' ').slice(1, -1); // node's options, without the CLI
    expect(args).toContain('./scripts/cli-priority.mjs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gh-priority-'));
    try {
      const probe = path.join(dir, 'probe.mjs');
      writeFileSync(probe, "import os from 'node:os'; console.log(os.getPriority());\n");
      const run = (command: string) =>
        Number(execFileSync(process.execPath, [...args, probe, command], { cwd: root, encoding: 'utf8' }).trim());
      expect(run('backup')).toBe(19);
      expect(run('migrate')).toBe(os.getPriority());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
