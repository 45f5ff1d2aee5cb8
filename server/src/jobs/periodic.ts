import type { Logger } from '../logger.ts';

/**
 * Runs `job` every `everyMs` and on kick(), one run at a time; stop() waits for a run in progress.
 * Jobs must be safe with several server instances running them (SKIP LOCKED queues or advisory locks).
 */
export function startPeriodic(name: string, everyMs: number, job: () => Promise<unknown>, log: Logger) {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    if (stopped) return;
    running = running.then(job).catch((err) => log.warn({ job: name, err }, 'job run failed'));
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
