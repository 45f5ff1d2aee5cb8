import { type Database, jobsRepo } from '@gatehouse/db';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * Asks whether this instance may run job `name` now: true for exactly one instance per period
 * (see periodClaim). Absent, every instance runs every tick (a queue such as the mail worker, whose
 * rows are claimed with SKIP LOCKED, wants that).
 */
export type PeriodClaim = (name: string, everyMs: number) => Promise<boolean>;

/**
 * Runs `job` every `everyMs` and on kick(), one run at a time; stop() waits for a run in progress.
 * Jobs must be safe with several server instances running them (SKIP LOCKED queues or advisory locks);
 * with `claim`, each tick first claims its period in the database, so a scheduled job runs once per
 * period across every instance, not once per instance. Every run (a claimed one; a tick another instance
 * had already claimed is no run) and every failure is counted by job name
 * (gatehouse_job_runs_total / _failures_total).
 */
export function startPeriodic(
  name: string,
  everyMs: number,
  job: () => Promise<unknown>,
  log: Logger,
  metrics?: Pick<Metrics, 'job'>,
  claim?: PeriodClaim,
) {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    if (stopped) return;
    running = running
      .then(async () => {
        if (claim && !(await claim(name, everyMs))) return;
        metrics?.job.ran(name);
        try {
          return await job();
        } catch (err) {
          metrics?.job.failed(name);
          throw err;
        }
      })
      .catch((err) => log.warn({ job: name, err }, 'job run failed'));
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The claim every scheduled job of a server uses: one conditional upsert on `job_runs` by the
 * database's clock. A period counts as over at 90% of its length (at most 30 s short of it), so this
 * instance's own next tick, firing a few milliseconds early, still finds it over, while another
 * instance's tick inside the period does not.
 */
export function periodClaim(db: Database, instance: string): PeriodClaim {
  return (name, everyMs) =>
    db.tx(SYSTEM_SCOPE, (tx) => jobsRepo.claimPeriod(tx, name, instance, everyMs, Math.min(everyMs * 0.1, 30_000)));
}
