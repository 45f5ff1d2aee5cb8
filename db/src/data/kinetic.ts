import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { kineticConnections, kineticRejects, kineticStreams } from '../schema/index.ts';

// ---- the Kinetic connector's own state: system data (the system scope; staff under the all-parties scope)

export const CONNECTION_ID = 'default';
export type { KineticCursor } from '../schema/kinetic.ts';
export type Connection = typeof kineticConnections.$inferSelect;
export type StreamRow = typeof kineticStreams.$inferSelect;

export async function getConnection(tx: Tx): Promise<Connection | null> {
  const [row] = await tx.db.select().from(kineticConnections).where(eq(kineticConnections.id, CONNECTION_ID));
  return row ?? null;
}

export async function getConnectionForUpdate(tx: Tx): Promise<Connection | null> {
  const [row] = await tx.db
    .select()
    .from(kineticConnections)
    .where(eq(kineticConnections.id, CONNECTION_ID))
    .for('update');
  return row ?? null;
}

export type ConnectionWrite = Omit<typeof kineticConnections.$inferInsert, 'id'>;

export async function upsertConnection(tx: Tx, c: ConnectionWrite) {
  await tx.db
    .insert(kineticConnections)
    .values({ ...c, id: CONNECTION_ID })
    .onConflictDoUpdate({ target: kineticConnections.id, set: c });
}

export async function setConnectionState(
  tx: Tx,
  state: 'ok' | 'auth_failed' | 'error',
  reason: string | null,
  at: Date,
) {
  await tx.db
    .update(kineticConnections)
    .set({ state, stateReason: reason, stateAt: at })
    .where(eq(kineticConnections.id, CONNECTION_ID));
}

/** Makes the rows of streams that do not exist yet (defaults: enabled, business objects, 60 s). */
export async function ensureStreams(tx: Tx, names: readonly string[]) {
  if (names.length === 0) return;
  await tx.db
    .insert(kineticStreams)
    .values(names.map((stream) => ({ connectionId: CONNECTION_ID, stream })))
    .onConflictDoNothing();
}

export async function listStreams(tx: Tx): Promise<StreamRow[]> {
  return tx.db
    .select()
    .from(kineticStreams)
    .where(eq(kineticStreams.connectionId, CONNECTION_ID))
    .orderBy(asc(kineticStreams.stream));
}

export async function streamForUpdate(tx: Tx, stream: string): Promise<StreamRow | null> {
  const [row] = await tx.db
    .select()
    .from(kineticStreams)
    .where(and(eq(kineticStreams.connectionId, CONNECTION_ID), eq(kineticStreams.stream, stream)))
    .for('update');
  return row ?? null;
}

export async function updateStream(
  tx: Tx,
  stream: string,
  set: Partial<
    Pick<
      StreamRow,
      'enabled' | 'mode' | 'pollSeconds' | 'cursor' | 'lastRunAt' | 'lastSuccessAt' | 'lastError' | 'lastRunRows'
    >
  > & { addRows?: number },
) {
  const { addRows, ...rest } = set;
  await tx.db
    .update(kineticStreams)
    .set({ ...rest, ...(addRows ? { rowsTotal: sql`${kineticStreams.rowsTotal} + ${addRows}` } : {}) })
    .where(and(eq(kineticStreams.connectionId, CONNECTION_ID), eq(kineticStreams.stream, stream)));
}

// ---- rejects

export type RejectRow = typeof kineticRejects.$inferSelect;

/** Records (or refreshes) a refused row; a newer revision replaces the stored row, an older one never does. */
export async function upsertReject(
  tx: Tx,
  r: { stream: string; erpKey: string; reason: string; row: RejectRow['row']; rev: bigint; at: Date },
) {
  await tx.db
    .insert(kineticRejects)
    .values({
      connectionId: CONNECTION_ID,
      stream: r.stream,
      erpKey: r.erpKey,
      reason: r.reason,
      row: r.row,
      rev: r.rev,
      firstSeen: r.at,
      lastSeen: r.at,
    })
    .onConflictDoUpdate({
      target: [kineticRejects.connectionId, kineticRejects.stream, kineticRejects.erpKey],
      set: {
        reason: r.reason,
        lastSeen: r.at,
        attempts: sql`${kineticRejects.attempts} + 1`,
        row: sql`case when excluded.rev >= ${kineticRejects.rev} then excluded.row else ${kineticRejects.row} end`,
        rev: sql`greatest(excluded.rev, ${kineticRejects.rev})`,
      },
    });
}

export async function deleteRejects(tx: Tx, stream: string, keys: string[]) {
  if (keys.length === 0) return;
  await tx.db
    .delete(kineticRejects)
    .where(
      and(
        eq(kineticRejects.connectionId, CONNECTION_ID),
        eq(kineticRejects.stream, stream),
        inArray(kineticRejects.erpKey, keys),
      ),
    );
}

export async function rejectsOf(tx: Tx, stream: string, limit: number): Promise<RejectRow[]> {
  return tx.db
    .select()
    .from(kineticRejects)
    .where(and(eq(kineticRejects.connectionId, CONNECTION_ID), eq(kineticRejects.stream, stream)))
    .orderBy(asc(kineticRejects.erpKey))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** For the status screen: the newest rejects with their reasons (never more than `limit`). */
export async function listRejects(tx: Tx, limit: number) {
  return tx.db
    .select({
      stream: kineticRejects.stream,
      erpKey: kineticRejects.erpKey,
      reason: kineticRejects.reason,
      firstSeen: kineticRejects.firstSeen,
      lastSeen: kineticRejects.lastSeen,
      attempts: kineticRejects.attempts,
    })
    .from(kineticRejects)
    .where(eq(kineticRejects.connectionId, CONNECTION_ID))
    .orderBy(sql`${kineticRejects.lastSeen} desc`, asc(kineticRejects.erpKey))
    .limit(limit);
}

export async function rejectCounts(tx: Tx) {
  const r = (await tx.db.execute(
    sql`select stream, count(*)::int as n from kinetic_rejects where connection_id = ${CONNECTION_ID} group by stream`,
  )) as unknown as { stream: string; n: number }[];
  return Object.fromEntries(r.map((x) => [x.stream, x.n])) as Record<string, number>;
}

// ---- reconciliation (deletes): what the mirror holds under a key prefix

const MIRRORED = ['orders', 'invoices', 'purchase_orders'] as const;
export type MirroredTable = (typeof MIRRORED)[number];

/** Keys of live (not cancelled) documents of `table` whose erp_key starts with `prefix`. */
export async function liveKeys(tx: Tx, table: MirroredTable, prefix: string): Promise<string[]> {
  if (!MIRRORED.includes(table)) throw new Error('liveKeys: unknown table');
  const r = (await tx.db.execute(
    sql`select erp_key from ${sql.raw(table)} where erp_key like ${`${prefix.replace(/[\\%_]/g, '\\$&')}%`}
        and status <> 'cancelled'`,
  )) as unknown as { erp_key: string }[];
  return r.map((x) => x.erp_key);
}

/** Marks documents missing in the ERP as cancelled (never deleted: their trail stays); returns them. */
export async function markMissing(tx: Tx, table: MirroredTable, keys: string[], at: Date) {
  if (keys.length === 0) return [];
  if (!MIRRORED.includes(table)) throw new Error('markMissing: unknown table');
  return (await tx.db.execute(
    sql`update ${sql.raw(table)} set status = 'cancelled', synced_at = ${at.toISOString()}::timestamptz
        where erp_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)) and status <> 'cancelled'
        returning id, party_id as "partyId", erp_key as "erpKey", number`,
  )) as unknown as { id: string; partyId: string; erpKey: string; number: string }[];
}
