import { and, desc, eq, lt, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { importJobs } from '../schema/index.ts';

/** CSV import jobs (schema/imports.ts): created, advanced through their phases, listed and swept. */
export type ImportJob = typeof importJobs.$inferSelect;
export type { ImportCounts, ImportReportRow } from '../schema/imports.ts';

const ENDED = ['done', 'failed'];

/** Creates a job, or returns null when its source already has one running (the partial unique index). */
export async function create(
  tx: Tx,
  job: Pick<
    typeof importJobs.$inferInsert,
    'source' | 'entity' | 'mode' | 'dryRun' | 'encoding' | 'fileName' | 'actorUserId' | 'keyId'
  >,
): Promise<ImportJob | null> {
  const [row] = await tx.db.insert(importJobs).values(job).onConflictDoNothing().returning();
  return row ?? null;
}

/** The running job of `source`, if any (to name it in the refusal). */
export async function running(tx: Tx, source: string) {
  const [row] = await tx.db
    .select({ id: importJobs.id, phase: importJobs.phase })
    .from(importJobs)
    .where(and(eq(importJobs.source, source), notInArray(importJobs.phase, ENDED)));
  return row ?? null;
}

/** Progress and results; a job that has ended is not changed again (a late update after a sweep). */
export async function update(tx: Tx, id: string, set: Partial<typeof importJobs.$inferInsert>) {
  await tx.db
    .update(importJobs)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(importJobs.id, id), notInArray(importJobs.phase, ENDED)));
}

export async function get(tx: Tx, id: string, source?: string) {
  const [row] = await tx.db
    .select()
    .from(importJobs)
    .where(source === undefined ? eq(importJobs.id, id) : and(eq(importJobs.id, id), eq(importJobs.source, source)));
  return row ?? null;
}

/** The newest jobs, newest first (without their error lists). */
export async function list(tx: Tx, limit: number) {
  return tx.db
    .select({
      id: importJobs.id,
      source: importJobs.source,
      entity: importJobs.entity,
      mode: importJobs.mode,
      dryRun: importJobs.dryRun,
      fileName: importJobs.fileName,
      phase: importJobs.phase,
      counts: importJobs.counts,
      errorsTotal: importJobs.errorsTotal,
      createdAt: importJobs.createdAt,
      finishedAt: importJobs.finishedAt,
    })
    .from(importJobs)
    .orderBy(desc(importJobs.createdAt))
    .limit(limit);
}

/**
 * Marks jobs still running but not updated for `staleSeconds` (database time) as failed: their process died (a running
 * job updates its row at least every few seconds). Returns the ids.
 */
export async function failStale(tx: Tx, staleSeconds: number, message: string) {
  const rows = await tx.db
    .update(importJobs)
    .set({ phase: 'failed', message, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        notInArray(importJobs.phase, ENDED),
        lt(importJobs.updatedAt, sql`now() - make_interval(secs => ${staleSeconds})`),
      ),
    )
    .returning({ id: importJobs.id, source: importJobs.source, entity: importJobs.entity });
  return rows;
}
