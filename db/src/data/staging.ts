import { and, eq, lt, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import {
  type STAGING_TABLES,
  stagedCreditLimits,
  stagedInvoices,
  stagedMasterData,
  stagedOrders,
  stagedParties,
  stagedPayments,
  stagedPurchaseOrders,
  stagedShipments,
  stagingBatchResults,
  stagingManifests,
} from '../schema/index.ts';

/**
 * The merge job's side of SQL staging (as gatehouse_sync under the system scope): claim a ready manifest
 * of a loader registered in this database, read its staged rows in order, record the result and clear
 * the rows. Loaders never come here; they only INSERT (see the migration's grants).
 */

type Entity = keyof typeof STAGING_TABLES;
type BatchResultRow = typeof stagingBatchResults.$inferSelect;
const TABLE = {
  parties: stagedParties,
  'master-data': stagedMasterData,
  'credit-limits': stagedCreditLimits,
  orders: stagedOrders,
  invoices: stagedInvoices,
  shipments: stagedShipments,
  'purchase-orders': stagedPurchaseOrders,
  payments: stagedPayments,
} as const satisfies Record<Entity, unknown>;

export interface Manifest {
  loader: string;
  /** The loader's name in the registry (the role is `loader`). */
  name: string;
  batchId: string;
  entity: Entity;
  rowCount: number;
  mode: 'atomic' | 'partial';
}

/** The oldest ready manifest of a registered loader, locked (another merger skips it). */
export async function claimReadyManifest(tx: Tx): Promise<Manifest | null> {
  // Raw: Drizzle qualifies the FOR UPDATE OF relation with its schema, which PostgreSQL refuses.
  const rows = await tx.db.execute<{
    loader: string;
    name: string;
    batch_id: string;
    entity: Entity;
    row_count: number;
    mode: 'atomic' | 'partial';
  }>(sql`select m.loader, l.name, m.batch_id, m.entity, m.row_count, m.mode
         from erp_staging.manifests m join erp_staging.loaders l on l.role = m.loader
         where m.state = 'ready' order by m.created_at limit 1 for update of m skip locked`);
  const r = [...rows][0];
  return r
    ? { loader: r.loader, name: r.name, batchId: r.batch_id, entity: r.entity, rowCount: r.row_count, mode: r.mode }
    : null;
}

/** How many rows the batch has staged, and its highest seq. */
export async function stagedCount(tx: Tx, m: Pick<Manifest, 'loader' | 'batchId' | 'entity'>) {
  const t = TABLE[m.entity];
  const [r] = await tx.db
    .select({ n: sql<number>`count(*)::int`, maxSeq: sql<number | null>`max(${t.seq})` })
    .from(t)
    .where(and(eq(t.loader, m.loader), eq(t.batchId, m.batchId)));
  return { n: r?.n ?? 0, maxSeq: r?.maxSeq ?? null };
}

/**
 * Takes the batch's rows `afterSeq` < seq <= `upToSeq` out of the inbox: deleted and returned, in `seq` order. The
 * merge reads each page this way, so its rows are deleted while their pages are in memory (one pass over the
 * inbox instead of a read and, at the end, a second pass to delete); the merge's transaction decides whether the
 * deletes stand (an atomic batch rolled back to before its first page gets its rows back, and finish() deletes
 * them).
 */
export async function takeStagedRows(
  tx: Tx,
  m: Pick<Manifest, 'loader' | 'batchId' | 'entity'>,
  afterSeq: number,
  upToSeq: number,
) {
  const t = TABLE[m.entity];
  const rows = await tx.db
    .delete(t)
    .where(
      and(eq(t.loader, m.loader), eq(t.batchId, m.batchId), sql`${t.seq} > ${afterSeq}`, sql`${t.seq} <= ${upToSeq}`),
    )
    .returning({ seq: t.seq, row: t.row });
  return rows.sort((a, b) => a.seq - b.seq);
}

/** Deletes the batch's staged rows with a seq above `aboveSeq` (all of them by default). */
export async function deleteStaged(tx: Tx, m: Pick<Manifest, 'loader' | 'batchId' | 'entity'>, aboveSeq = 0) {
  const t = TABLE[m.entity];
  await tx.db.delete(t).where(and(eq(t.loader, m.loader), eq(t.batchId, m.batchId), sql`${t.seq} > ${aboveSeq}`));
}

export async function finish(
  tx: Tx,
  m: Manifest,
  r: {
    outcome: 'merged' | 'rejected' | 'failed';
    message: string | null;
    stagedCount: number;
    counts: BatchResultRow['counts'];
    errors: BatchResultRow['errors'];
    now: Date;
    /** The rows up to this seq were already taken (takeStagedRows) in this transaction; 0: none were. */
    takenUpTo?: number;
  },
) {
  await tx.db.insert(stagingBatchResults).values({
    loader: m.loader,
    batchId: m.batchId,
    entity: m.entity,
    mode: m.mode,
    outcome: r.outcome,
    message: r.message,
    rowCount: m.rowCount,
    stagedCount: r.stagedCount,
    counts: r.counts,
    errors: r.errors,
    finishedAt: r.now,
  });
  await tx.db
    .update(stagingManifests)
    .set({ state: r.outcome })
    .where(and(eq(stagingManifests.loader, m.loader), eq(stagingManifests.batchId, m.batchId)));
  await deleteStaged(tx, m, r.takenUpTo ?? 0);
}

/**
 * Purges staged rows older than `rowsBefore` (a batch whose manifest never came, or of a loader that is
 * gone) and results with their manifests older than `resultsBefore`.
 */
export async function purge(tx: Tx, rowsBefore: Date, resultsBefore: Date) {
  let rows = 0;
  for (const t of Object.values(TABLE)) rows += (await tx.db.delete(t).where(lt(t.createdAt, rowsBefore))).count;
  const results = (await tx.db.delete(stagingBatchResults).where(lt(stagingBatchResults.finishedAt, resultsBefore)))
    .count;
  const manifests = (await tx.db.delete(stagingManifests).where(lt(stagingManifests.createdAt, resultsBefore))).count;
  return { rows, results, manifests };
}
