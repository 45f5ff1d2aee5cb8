import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { setImmediate as yieldNow } from 'node:timers/promises';

/**
 * How a backup stays out of the portal's way (docs/benchmarks.md, Backup benchmark). A backup reads the
 * whole cluster, encrypts and hashes it and writes it out again; at full speed that takes disk, CPU and
 * the kernel's writeback from the requests the portal serves. These pieces make it take a steady share.
 */

export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Lets queued callbacks (the portal's requests, when the backup runs in the server) run. */
  yield(): Promise<void>;
}

const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  yield: () => yieldNow(),
};

/** Without a limit, the reader still yields to the event loop this often (a scheduled backup shares it). */
const YIELD_BYTES = 1 << 20;
/** Credit a reader that fell behind (a slow disk, a busy CPU) may catch up at once, in ms of reading. */
const BURST_MS = 100;

/**
 * Paces a reader to `bytesPerSecond` (0: no limit): every `take(n)` after n bytes were read waits until
 * those bytes are due at that rate. A token bucket with BURST_MS of credit, so a reader held up elsewhere
 * does not then read in one rush what it missed.
 */
export class Pacer {
  private due: number | undefined;
  private sinceYield = 0;
  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: PaceClock = realClock,
  ) {}

  async take(bytes: number): Promise<void> {
    if (!(this.bytesPerSecond > 0)) {
      this.sinceYield += bytes;
      if (this.sinceYield >= YIELD_BYTES) {
        this.sinceYield = 0;
        await this.clock.yield();
      }
      return;
    }
    const now = this.clock.now();
    this.due = Math.max(this.due ?? now, now - BURST_MS) + (bytes / this.bytesPerSecond) * 1000;
    if (this.due > now) await this.clock.sleep(this.due - now);
  }
}

/**
 * Lowers a process's CPU priority (nice 19) and I/O priority (the idle class, `ionice -c 3` from
 * util-linux) as far as the system allows. On Linux both act on one thread, so every thread of the
 * process is lowered (libuv's file-system threads read the backup, V8's helpers collect its garbage).
 * Where it cannot (another user's process without root, no `ionice`, not Linux) the process keeps its
 * priority: the backup is as correct, only less gentle. An I/O scheduler without classes (`none`, common
 * on virtual disks) accepts the idle class and ignores it. Resolves to what was applied.
 */
export async function lowerPriority(pid: number): Promise<{ cpu: boolean; io: boolean }> {
  let tids: number[];
  try {
    tids = readdirSync(`/proc/${pid}/task`).map(Number).filter(Number.isInteger);
  } catch {
    tids = [pid];
  }
  if (tids.length === 0) tids = [pid];
  let cpu = true;
  for (const tid of tids) {
    try {
      os.setPriority(tid, os.constants.priority.PRIORITY_LOW);
    } catch {
      cpu = false;
    }
  }
  if (process.platform !== 'linux') return { cpu, io: false };
  const io = await new Promise<boolean>((resolve) => {
    execFile('ionice', ['-c', '3', '-p', ...tids.map(String)], { timeout: 5_000 }, (e) => resolve(!e));
  });
  return { cpu, io };
}
