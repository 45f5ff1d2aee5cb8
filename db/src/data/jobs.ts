import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { jobRuns } from '../schema/index.ts';

/**
 * Claims the current period of job `name` for `instance` (system scope): true when no instance started
 * it within the last `periodMs` minus `slackMs`, by the database's clock (the one every instance shares).
 * One conditional upsert, so of several instances racing for one period exactly one wins. The slack
 * lets this instance's own next tick (a timer fires a little late or early) still find its period over.
 */
export async function claimPeriod(tx: Tx, name: string, instance: string, periodMs: number, slackMs: number) {
  const rows = await tx.db
    .insert(jobRuns)
    .values({ name, lastStartedAt: sql`now()`, lastStartedBy: instance })
    .onConflictDoUpdate({
      target: jobRuns.name,
      set: { lastStartedAt: sql`now()`, lastStartedBy: instance },
      setWhere: sql`${jobRuns.lastStartedAt} <= now() - make_interval(secs => ${(periodMs - slackMs) / 1000})`,
    })
    .returning({ name: jobRuns.name });
  return rows.length > 0;
}
