import { type Database, mirrorRepo } from '@gatehouse/db';
import type { Clock } from '../auth/sessions.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * Drops batch idempotency records past their retention (72 hours, server/src/integration/mirror.ts): after
 * that a key may be reused, as Stripe documents. Runs with the daily integration-key look.
 */
export async function pruneIdempotencyKeys(db: Database, clock: Clock) {
  const now = new Date(clock.now());
  return db.tx(SYSTEM_SCOPE, (tx) => mirrorRepo.pruneIdempotencyKeys(tx, now));
}
