import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

/**
 * Runs `job` every `everyMs` and on kick(), one run at a time; stop() waits for a run in progress.
 * Jobs must be safe with several server instances running them (SKIP LOCKED queues or advisory locks).
 * Every run and every failure is counted by job name (gatehouse_job_runs_total / _failures_total).
 */
export function startPeriodic(
  name: string,
  everyMs: number,
  job: () => Promise<unknown>,
  log: Logger,
  metrics?: Pick<Metrics, 'job'>,
) {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    if (stopped) return;
    running = running
      .then(() => {
        metrics?.job.ran(name);
        return job();
      })
      .catch((err) => {
        metrics?.job.failed(name);
        log.warn({ job: name, err }, 'job run failed');
      });
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
