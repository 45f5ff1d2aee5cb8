import { type Database, sessionsRepo, usersRepo } from '@gatehouse/db';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../audit/audit.ts';
import type { Clock } from '../auth/sessions.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

const BATCH = 500;

/**
 * Suspends accounts unused for `days` (DORMANT_DAYS, default 90): status `suspended`, every session
 * ended, one audit entry each, all in one transaction per batch. An admin reactivates them
 * (users.reactivate). Safe with several instances: one holds the job's advisory lock at a time.
 */
export async function suspendDormant(db: Database, clock: Clock, days: number): Promise<number> {
  if (days <= 0) return 0;
  const cutoff = new Date(clock.now() - days * 86_400_000);
  let total = 0;
  for (;;) {
    const n = await db.tx(SYSTEM_SCOPE, async (tx) => {
      const suspended = await usersRepo.suspendDormant(tx, cutoff, BATCH);
      if (!suspended) return 0;
      for (const u of suspended) {
        const ended = await sessionsRepo.removeAllForUser(tx, u.id);
        await recordAudit(tx, SYSTEM_ORIGIN, {
          action: 'user.suspended_dormant',
          outcome: 'success',
          partyId: u.partyId,
          entityType: 'user',
          entityId: u.id,
          details: { days, lastSignInAt: u.lastSignInAt?.toISOString() ?? null, sessionsEnded: ended },
        });
      }
      return suspended.length;
    });
    total += n;
    if (n < BATCH) return total;
  }
}
