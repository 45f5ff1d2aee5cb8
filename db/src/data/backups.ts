import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { backupRuns } from '../schema/index.ts';

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

/** Seconds since the newest successful backup and drill (null when there has been none), in one statement. */
export async function ages(tx: Tx): Promise<{ backup: number | null; verify: number | null }> {
  const [row] = await tx.db
    .select({
      backup: sql<
        string | null
      >`extract(epoch from now() - max(${backupRuns.finishedAt}) filter (where ${backupRuns.kind} = 'backup' and ${backupRuns.ok}))`,
      verify: sql<
        string | null
      >`extract(epoch from now() - max(${backupRuns.finishedAt}) filter (where ${backupRuns.kind} = 'verify' and ${backupRuns.ok}))`,
    })
    .from(backupRuns);
  const n = (v: string | null | undefined) => (v == null ? null : Math.max(0, Number(v)));
  return { backup: n(row?.backup), verify: n(row?.verify) };
}
