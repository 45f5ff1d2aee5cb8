import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { changeRequestAttachments, changeRequests, parties, partyMasterData, users } from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate, writeParty } from './scope.ts';

export type ChangeRequestRow = typeof changeRequests.$inferSelect;
type Kind = ChangeRequestRow['kind'];
type Status = ChangeRequestRow['status'];
type Proposed = ChangeRequestRow['proposed'];

const userName = (col: typeof changeRequests.requestedBy | typeof changeRequests.decidedBy) =>
  sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

const view = {
  id: changeRequests.id,
  partyId: changeRequests.partyId,
  partyName: parties.name,
  kind: changeRequests.kind,
  status: changeRequests.status,
  proposed: changeRequests.proposed,
  previous: changeRequests.previous,
  note: changeRequests.note,
  requestedById: changeRequests.requestedBy,
  requestedBy: userName(changeRequests.requestedBy),
  requestedAt: changeRequests.requestedAt,
  decidedBy: userName(changeRequests.decidedBy),
  decidedAt: changeRequests.decidedAt,
  reason: changeRequests.reason,
  version: changeRequests.version,
  /** The approval request deciding it (bank-detail changes), newest first. */
  approvalId: sql<string | null>`(select a.id from approval_requests a where a.subject_type = 'change_request'
    and a.subject_id = ${changeRequests.id} order by a.submitted_at desc limit 1)`,
  /** Where that approval stands, and the last reason an approver gave (sent back or rejected). */
  approvalStatus: sql<string | null>`(select a.status from approval_requests a where a.subject_type = 'change_request'
    and a.subject_id = ${changeRequests.id} order by a.submitted_at desc limit 1)`,
  /** Evidence attached (a bank letter, a voided cheque), oldest first. */
  attachments: sql<{ id: string; fileName: string; sizeBytes: number; uploadedAt: string }[]>`(
    select coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'fileName', f.file_name, 'sizeBytes', f.size_bytes,
      'uploadedAt', to_char(f.uploaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      order by f.uploaded_at, f.id), '[]'::jsonb)
    from ${changeRequestAttachments} f where f.change_request_id = ${changeRequests.id})`,
  approvalNote: sql<
    string | null
  >`(select s.reason from approval_requests a join approval_steps s on s.request_id = a.id
    where a.subject_type = 'change_request' and a.subject_id = ${changeRequests.id}
      and s.decision in ('request-changes', 'reject') order by s.at desc limit 1)`,
};

/** The party's current (accepted) master data, or undefined when none was ever recorded. */
export async function masterData(tx: Tx, partyId: string) {
  const [row] = await tx.db
    .select()
    .from(partyMasterData)
    .where(and(eq(partyMasterData.partyId, partyId), partyPredicate(tx, partyMasterData.partyId)));
  return row;
}

/** Applies an accepted change: the one write path into party_master_data besides the ERP load. */
export async function applyMasterData(
  tx: Tx,
  partyId: string,
  change: Pick<typeof partyMasterData.$inferInsert, 'address' | 'bankDetails'>,
  at: Date,
  changeRequestId: string | null,
) {
  const party = writeParty(tx, partyId);
  await tx.db
    .insert(partyMasterData)
    .values({ partyId: party, ...change, updatedAt: at, changeRequestId })
    .onConflictDoUpdate({ target: partyMasterData.partyId, set: { ...change, updatedAt: at, changeRequestId } });
}

export async function insert(
  tx: Tx,
  row: {
    partyId: string;
    kind: Kind;
    proposed: Proposed;
    previous: Proposed | null;
    note: string | null;
    requestedBy: string;
    at: Date;
  },
) {
  const [r] = await tx.db
    .insert(changeRequests)
    .values({
      partyId: writeParty(tx, row.partyId),
      kind: row.kind,
      status: 'pending',
      proposed: row.proposed,
      previous: row.previous ?? null,
      note: row.note,
      requestedBy: row.requestedBy,
      requestedAt: row.at,
    })
    .returning({ id: changeRequests.id });
  return (r as { id: string }).id;
}

export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select(view)
    .from(changeRequests)
    .innerJoin(parties, eq(parties.id, changeRequests.partyId))
    .where(and(eq(changeRequests.id, id), partyPredicate(tx, changeRequests.partyId)));
  return row;
}

export async function getForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(changeRequests)
    .where(and(eq(changeRequests.id, id), partyPredicate(tx, changeRequests.partyId)))
    .for('update');
  return row;
}

/** Moves a pending request to its outcome and bumps its version. */
export async function close(
  tx: Tx,
  id: string,
  d: { status: Exclude<Status, 'pending'>; decidedBy: string; at: Date; reason: string | null },
) {
  await tx.db
    .update(changeRequests)
    .set({
      status: d.status,
      decidedBy: d.decidedBy,
      decidedAt: d.at,
      reason: d.reason,
      version: sql`${changeRequests.version} + 1`,
    })
    .where(and(eq(changeRequests.id, id), partyPredicate(tx, changeRequests.partyId)));
}

/**
 * Requests, keyset-paged. A party sees its own newest first; the handlers' queue (pending, across
 * parties) reads oldest first, so what waited longest comes first.
 */
export async function list(
  tx: Tx,
  q: { status?: Status; kind?: Kind; partyId?: string; cursor?: string; limit: number; oldestFirst?: boolean },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, changeRequests.partyId, q.partyId)];
  if (q.status) where.push(eq(changeRequests.status, q.status));
  if (q.kind) where.push(eq(changeRequests.kind, q.kind));
  const keyset: Keyset = {
    key: changeRequests.requestedAt,
    kind: 'time',
    id: changeRequests.id,
    dir: q.oldestFirst ? 'asc' : 'desc',
    // Newest first walks change_requests_party_idx (DESC); the handlers' pending queue, oldest first,
    // walks change_requests_pending_idx (ASC).
    index: q.oldestFirst ? 'asc' : 'desc',
  };
  where.push(afterCursor(q.cursor, keyset));
  const rows = await tx.db
    .select(view)
    .from(changeRequests)
    .innerJoin(parties, eq(parties.id, changeRequests.partyId))
    .where(and(...where))
    .orderBy(...orderOf(keyset))
    .limit(q.limit + 1);
  return page(rows, q.limit, keyset, (r) => [r.requestedAt, r.id]);
}

/** The requester corrects a pending request's proposed values (a bank-detail change sent back by an approver). */
export async function updateProposed(tx: Tx, id: string, proposed: Proposed, note: string | null) {
  await tx.db
    .update(changeRequests)
    .set({ proposed, ...(note ? { note } : {}), version: sql`${changeRequests.version} + 1` })
    .where(and(eq(changeRequests.id, id), partyPredicate(tx, changeRequests.partyId)));
}

export type AttachmentRow = typeof changeRequestAttachments.$inferSelect;

/** How many files a request carries. */
export async function attachmentCount(tx: Tx, changeRequestId: string) {
  const [row] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(changeRequestAttachments)
    .where(
      and(
        eq(changeRequestAttachments.changeRequestId, changeRequestId),
        partyPredicate(tx, changeRequestAttachments.partyId),
      ),
    );
  return row?.n ?? 0;
}

export async function addAttachment(tx: Tx, a: Omit<AttachmentRow, 'id'>) {
  const [row] = await tx.db
    .insert(changeRequestAttachments)
    .values({ ...a, partyId: writeParty(tx, a.partyId) })
    .returning({ id: changeRequestAttachments.id });
  return (row as { id: string }).id;
}

/** One attached file, within the caller's scope (another party's: undefined). */
export async function attachment(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(changeRequestAttachments)
    .where(and(eq(changeRequestAttachments.id, id), partyPredicate(tx, changeRequestAttachments.partyId)));
  return row;
}
