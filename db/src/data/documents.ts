import { and, asc, eq, inArray, lt, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { documentTypes, documentVersions, parties, users } from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate } from './scope.ts';

const userName = (col: typeof documentVersions.uploadedBy | typeof documentVersions.reviewerId) =>
  sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

/** A version as callers see it: names instead of user ids (null where RLS hides the user). */
const version = {
  id: documentVersions.id,
  partyId: documentVersions.partyId,
  typeId: documentVersions.typeId,
  versionNo: documentVersions.versionNo,
  fileName: documentVersions.fileName,
  contentType: documentVersions.contentType,
  sizeBytes: documentVersions.sizeBytes,
  sha256: documentVersions.sha256,
  status: documentVersions.status,
  expiresOn: documentVersions.expiresOn,
  expiryState: documentVersions.expiryState,
  uploadedById: documentVersions.uploadedBy,
  uploadedBy: userName(documentVersions.uploadedBy),
  uploadedAt: documentVersions.uploadedAt,
  reviewerId: documentVersions.reviewerId,
  reviewer: userName(documentVersions.reviewerId),
  decidedAt: documentVersions.decidedAt,
  reason: documentVersions.reason,
};

const typeColumns = {
  id: documentTypes.id,
  key: documentTypes.key,
  name: documentTypes.name,
  description: documentTypes.description,
  categories: documentTypes.categories,
  requiresExpiry: documentTypes.requiresExpiry,
};

/** The whole catalogue (shared reference data, a handful of rows). */
export function types(tx: Tx) {
  return tx.db.select(typeColumns).from(documentTypes).orderBy(asc(documentTypes.name));
}

export async function type(tx: Tx, id: string) {
  const [row] = await tx.db.select(typeColumns).from(documentTypes).where(eq(documentTypes.id, id));
  return row;
}

/** Every version a party holds, newest first per type (a supplier has tens, not thousands). */
export function versionsOf(tx: Tx, partyId: string, typeId?: string) {
  return tx.db
    .select(version)
    .from(documentVersions)
    .where(
      and(
        eq(documentVersions.partyId, partyId),
        typeId ? eq(documentVersions.typeId, typeId) : undefined,
        partyPredicate(tx, documentVersions.partyId),
      ),
    )
    .orderBy(asc(documentVersions.typeId), sql`${documentVersions.versionNo} desc`);
}

export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({ ...version, partyName: parties.name })
    .from(documentVersions)
    .innerJoin(parties, eq(parties.id, documentVersions.partyId))
    .where(and(eq(documentVersions.id, id), partyPredicate(tx, documentVersions.partyId)));
  return row;
}

export async function getForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(documentVersions)
    .where(and(eq(documentVersions.id, id), partyPredicate(tx, documentVersions.partyId)))
    .for('update');
  return row;
}

/**
 * The next version number of (party, type), under a transaction-scoped advisory lock on that pair, so
 * two uploads at once get 1 and 2 rather than one unique-violation.
 */
export async function nextVersionNo(tx: Tx, partyId: string, typeId: string) {
  await lockType(tx, partyId, typeId);
  const [row] = await tx.db
    .select({ n: sql<number>`coalesce(max(${documentVersions.versionNo}), 0)::int + 1` })
    .from(documentVersions)
    .where(
      and(
        eq(documentVersions.partyId, partyId),
        eq(documentVersions.typeId, typeId),
        partyPredicate(tx, documentVersions.partyId),
      ),
    );
  return (row as { n: number }).n;
}

export async function insert(tx: Tx, row: typeof documentVersions.$inferInsert) {
  const [r] = await tx.db.insert(documentVersions).values(row).returning({ id: documentVersions.id });
  return (r as { id: string }).id;
}

export async function startReview(tx: Tx, id: string, reviewerId: string, at: Date) {
  await tx.db
    .update(documentVersions)
    .set({ status: 'under-review', reviewerId, reviewStartedAt: at })
    .where(and(eq(documentVersions.id, id), partyPredicate(tx, documentVersions.partyId)));
}

export async function decide(
  tx: Tx,
  id: string,
  d: { status: 'approved' | 'rejected'; reviewerId: string; at: Date; reason: string | null },
) {
  await tx.db
    .update(documentVersions)
    .set({ status: d.status, reviewerId: d.reviewerId, decidedAt: d.at, reason: d.reason })
    .where(and(eq(documentVersions.id, id), partyPredicate(tx, documentVersions.partyId)));
}

/** Serialises changes to one (party, type)'s versions: numbering new ones and approving them. */
export async function lockType(tx: Tx, partyId: string, typeId: string) {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`doc:${partyId}:${typeId}`}, 0))`);
}

/** Whether a version newer than `versionNo` of (party, type) is already approved. */
export async function newerApproved(tx: Tx, partyId: string, typeId: string, versionNo: number) {
  const [row] = await tx.db
    .select({ id: documentVersions.id })
    .from(documentVersions)
    .where(
      and(
        eq(documentVersions.partyId, partyId),
        eq(documentVersions.typeId, typeId),
        eq(documentVersions.status, 'approved'),
        sql`${documentVersions.versionNo} > ${versionNo}`,
        partyPredicate(tx, documentVersions.partyId),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** An approval replaces the version in force: older approved versions of the same type are superseded. */
export async function supersedeApproved(tx: Tx, partyId: string, typeId: string, exceptId: string) {
  await tx.db
    .update(documentVersions)
    .set({ status: 'superseded' })
    .where(
      and(
        eq(documentVersions.partyId, partyId),
        eq(documentVersions.typeId, typeId),
        eq(documentVersions.status, 'approved'),
        ne(documentVersions.id, exceptId),
        partyPredicate(tx, documentVersions.partyId),
      ),
    );
}

/** The reviewers' queue across parties (staff scope): versions awaiting a decision, oldest first. */
const QUEUE: Keyset = {
  key: documentVersions.uploadedAt,
  kind: 'time',
  id: documentVersions.id,
  dir: 'asc',
  index: 'asc',
};

export async function queue(
  tx: Tx,
  q: { status?: 'submitted' | 'under-review'; partyId?: string; typeId?: string; cursor?: string; limit: number },
) {
  const where: (SQL | undefined)[] = [
    partyPredicate(tx, documentVersions.partyId, q.partyId),
    q.status ? eq(documentVersions.status, q.status) : inArray(documentVersions.status, ['submitted', 'under-review']),
    // Repeat the queue index's own predicate so the planner can use it with an equality filter above.
    sql`${documentVersions.status} in ('submitted', 'under-review')`,
  ];
  if (q.typeId) where.push(eq(documentVersions.typeId, q.typeId));
  where.push(afterCursor(q.cursor, QUEUE));
  const rows = await tx.db
    .select({ ...version, partyName: parties.name, typeName: documentTypes.name })
    .from(documentVersions)
    .innerJoin(parties, eq(parties.id, documentVersions.partyId))
    .innerJoin(documentTypes, eq(documentTypes.id, documentVersions.typeId))
    .where(and(...where))
    .orderBy(...orderOf(QUEUE))
    .limit(q.limit + 1);
  return page(rows, q.limit, QUEUE, (r) => [r.uploadedAt, r.id]);
}

export interface ExpiryChange {
  id: string;
  partyId: string;
  typeId: string;
  expiresOn: string | null;
  reviewerId: string | null;
  uploadedBy: string;
}

/**
 * Moves approved versions along current -> expiring (expires on or before `warnUntil`) -> expired
 * (expired before `today`), each step once (system scope). Returns the versions that changed.
 */
export async function markExpiries(tx: Tx, today: string, warnUntil: string) {
  const returning = {
    id: documentVersions.id,
    partyId: documentVersions.partyId,
    typeId: documentVersions.typeId,
    expiresOn: documentVersions.expiresOn,
    reviewerId: documentVersions.reviewerId,
    uploadedBy: documentVersions.uploadedBy,
  };
  const expired: ExpiryChange[] = await tx.db
    .update(documentVersions)
    .set({ expiryState: 'expired' })
    .where(
      and(
        eq(documentVersions.status, 'approved'),
        lt(documentVersions.expiresOn, today),
        ne(documentVersions.expiryState, 'expired'),
        partyPredicate(tx, documentVersions.partyId),
      ),
    )
    .returning(returning);
  const expiring: ExpiryChange[] = await tx.db
    .update(documentVersions)
    .set({ expiryState: 'expiring' })
    .where(
      and(
        eq(documentVersions.status, 'approved'),
        lte(documentVersions.expiresOn, warnUntil),
        eq(documentVersions.expiryState, 'current'),
        partyPredicate(tx, documentVersions.partyId),
      ),
    )
    .returning(returning);
  return { expiring, expired };
}
