import { drizzle } from 'drizzle-orm/postgres-js';
import { RateLimiterDrizzle } from 'rate-limiter-flexible';
import type { Database } from './connection.ts';
import { authThrottle } from './schema/throttle.ts';

/**
 * A counter in PostgreSQL (atomic INSERT ... ON CONFLICT ... RETURNING), so limits hold across server
 * instances and restarts and no race lets extra attempts through. `points` per `durationSeconds`.
 */
export function createLimiter(
  database: Database,
  opts: { keyPrefix: string; points: number; durationSeconds: number },
) {
  const limiter = new RateLimiterDrizzle({
    storeClient: drizzle(database.appSql),
    schema: authThrottle,
    keyPrefix: opts.keyPrefix,
    points: opts.points,
    duration: opts.durationSeconds,
  });
  // Its statements go to the raw pool, which waits for a connection without limit: while PostgreSQL was
  // down, sign-ins hung for minutes. Each call is bounded like a transaction's wait (a refusal, which
  // rejects with a RateLimiterRes, passes through unchanged).
  for (const m of ['consume', 'get', 'block', 'delete', 'reward', 'penalty', 'set'] as const) {
    const call = limiter[m].bind(limiter) as (...args: unknown[]) => Promise<unknown>;
    (limiter as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => database.withDeadline(call(...args));
  }
  return limiter;
}

export type Limiter = ReturnType<typeof createLimiter>;
export { RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Deletes throttle counters by exact key and by key prefix (an admin unlocking an account clears its
 * per-account counter and every account+IP pair). starts_with, not LIKE: keys contain `_`.
 */
export async function clearThrottleKeys(database: Database, exact: string[], prefixes: string[]): Promise<number> {
  const rows = await database.withDeadline(
    database.appSql`
    delete from auth_throttle
    where key = any(${exact}) or exists (select 1 from unnest(${prefixes}::text[]) p where starts_with(key, p))
    returning key`.execute(),
  );
  return rows.length;
}
