import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { backupRuns } from '../schema/index.ts';

export type BackupRun = typeof backupRuns.$inferSelect;

export async function record(
  tx: Tx,
  run: Omit<typeof backupRuns.$inferInsert, 'id'> & { details: Record<string, unknown> },
): Promise<string> {
  const [row] = await tx.db.insert(backupRuns).values(run).returning({ id: backupRuns.id });
  return String(row?.id);
}

/** The newest run of `kind` (any outcome), and the newest that succeeded. */
export async function latest(tx: Tx, kind: 'backup' | 'verify') {
  const [last] = await tx.db
    .select()
    .from(backupRuns)
    .where(eq(backupRuns.kind, kind))
    .orderBy(desc(backupRuns.finishedAt))
    .limit(1);
  const [lastOk] = await tx.db
    .select()
    .from(backupRuns)
    .where(and(eq(backupRuns.kind, kind), eq(backupRuns.ok, true)))
    .orderBy(desc(backupRuns.finishedAt))
    .limit(1);
  return { last: last ?? null, lastOk: lastOk ?? null };
}
