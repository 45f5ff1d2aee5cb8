import { and, asc, count, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { blobChunks, blobStaging, blobs } from '../schema/index.ts';

/**
 * Uploaded files stored in PostgreSQL (system scope only: the tables are system-only under forced RLS).
 * A content id's bytes are its `blob_chunks` rows in `seq` order; the id is staged or committed.
 */

/** Opens a staging area for one upload; staging areas older than `staleBefore` (a crashed upload) go. */
export async function stage(tx: Tx, contentId: string, staleBefore: Date) {
  const stale = await tx.db
    .delete(blobStaging)
    .where(lt(blobStaging.createdAt, staleBefore))
    .returning({ id: blobStaging.contentId });
  if (stale.length > 0)
    await tx.db.delete(blobChunks).where(
      inArray(
        blobChunks.contentId,
        stale.map((s) => s.id),
      ),
    );
  await tx.db.insert(blobStaging).values({ contentId });
}

export async function appendChunk(tx: Tx, contentId: string, seq: number, data: Buffer) {
  await tx.db.insert(blobChunks).values({ contentId, seq, data });
}

/**
 * Commits a staged content id under `sha256` (one transaction): the staging row goes, and the bytes are
 * either named by a new `blobs` row (created) or, when the same bytes are stored already, deleted.
 * A staging area that is gone (discarded, or swept as stale) is an error, never an empty blob.
 */
export async function commit(tx: Tx, contentId: string, sha256: string): Promise<{ created: boolean }> {
  const staged = await tx.db
    .delete(blobStaging)
    .where(eq(blobStaging.contentId, contentId))
    .returning({ id: blobStaging.contentId });
  if (staged.length === 0) throw new Error('staged blob not found (discarded or expired)');
  const [size] = await tx.db
    .select({ bytes: sql<string>`coalesce(sum(octet_length(${blobChunks.data})), 0)` })
    .from(blobChunks)
    .where(eq(blobChunks.contentId, contentId));
  const inserted = await tx.db
    .insert(blobs)
    .values({ sha256, contentId, sizeBytes: Number(size?.bytes ?? 0) })
    .onConflictDoNothing({ target: blobs.sha256 })
    .returning({ sha256: blobs.sha256 });
  if (inserted.length === 0) await tx.db.delete(blobChunks).where(eq(blobChunks.contentId, contentId));
  return { created: inserted.length > 0 };
}

/** Drops a staging area and whatever it holds. */
export async function discard(tx: Tx, contentId: string) {
  await tx.db.delete(blobStaging).where(eq(blobStaging.contentId, contentId));
  await tx.db.delete(blobChunks).where(eq(blobChunks.contentId, contentId));
}

export async function find(tx: Tx, sha256: string) {
  const [row] = await tx.db
    .select({ contentId: blobs.contentId, sizeBytes: blobs.sizeBytes })
    .from(blobs)
    .where(eq(blobs.sha256, sha256));
  return row ?? null;
}

/** One chunk's bytes, or null past the last. */
export async function chunk(tx: Tx, contentId: string, seq: number): Promise<Buffer | null> {
  const [row] = await tx.db
    .select({ data: blobChunks.data })
    .from(blobChunks)
    .where(and(eq(blobChunks.contentId, contentId), eq(blobChunks.seq, seq)));
  return row?.data ?? null;
}

export async function remove(tx: Tx, sha256: string) {
  const gone = await tx.db.delete(blobs).where(eq(blobs.sha256, sha256)).returning({ id: blobs.contentId });
  if (gone[0]) await tx.db.delete(blobChunks).where(eq(blobChunks.contentId, gone[0].id));
}

export async function pendingStaged(tx: Tx): Promise<number> {
  const [row] = await tx.db.select({ n: count() }).from(blobStaging);
  return row?.n ?? 0;
}

export async function list(tx: Tx): Promise<string[]> {
  return (await tx.db.select({ sha256: blobs.sha256 }).from(blobs).orderBy(asc(blobs.sha256))).map((r) => r.sha256);
}
