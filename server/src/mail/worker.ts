import { type Database, mailRepo } from '@gatehouse/db';
import type { Clock } from '../auth/sessions.ts';
import { startPeriodic } from '../jobs/periodic.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import type { MailTransport } from './transport.ts';

const BATCH = 20;
const MAX_ATTEMPTS = 8;

/**
 * Delivers due mail once. Rows are claimed FOR UPDATE SKIP LOCKED inside one transaction, so several
 * instances running this at once never send a mail twice; a failure is retried with growing delays
 * (1, 4, 9 ... minutes) up to 8 attempts, and its error kept for the operator.
 */
export async function deliverDue(db: Database, transport: MailTransport, clock: Clock, log?: Logger): Promise<number> {
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    const due = await mailRepo.claimDue(tx, BATCH, new Date(clock.now()));
    let sent = 0;
    for (const m of due) {
      try {
        await transport.send({
          id: m.id,
          to: m.toAddress,
          subject: m.subject,
          text: m.bodyText,
          ...(m.headers ? { headers: m.headers } : {}),
        });
        await mailRepo.markSent(tx, m.id, new Date(clock.now()));
        sent += 1;
      } catch (e) {
        const attempts = m.attempts + 1;
        const next = attempts >= MAX_ATTEMPTS ? new Date(8.64e15) : new Date(clock.now() + attempts ** 2 * 60_000);
        await mailRepo.markFailed(tx, m.id, (e as Error).message, next);
        log?.warn({ mailId: m.id, kind: m.kind, attempts, err: (e as Error).message }, 'mail delivery failed');
      }
    }
    return sent;
  });
}

/** Runs deliverDue every few seconds and on kick(); stop() waits for a run in progress. */
export function startMailWorker(
  db: Database,
  transport: MailTransport,
  clock: Clock,
  log: Logger,
  everyMs = 5_000,
  metrics?: Pick<Metrics, 'job'>,
) {
  return startPeriodic('mail', everyMs, () => deliverDue(db, transport, clock, log), log, metrics);
}
