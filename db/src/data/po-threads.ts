import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { poThreadAttachments, poThreadMessages, poThreadReads, poThreads, users } from '../schema/index.ts';
import { CAP } from './home.ts';
import { partyPredicate, writeParty } from './scope.ts';

export type PoThreadRow = typeof poThreads.$inferSelect;
export type Side = PoThreadRow['lastAuthorSide'];

const userName = (col: SQL) => sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

/**
 * Messages of the other side newer than the reader's marker: what "unread" means everywhere (the thread,
 * the PO list, the home), written once. `thread` is the thread table's alias in the caller's query.
 */
function unreadOf(thread: SQL, reader: { userId: string; side: Side }) {
  return sql<number>`(select count(*)::int from ${poThreadMessages} m
    where m.party_id = ${thread}.party_id and m.thread_id = ${thread}.id and m.author_side <> ${reader.side}
      and m.at > coalesce((select r.read_at from ${poThreadReads} r
                           where r.party_id = ${thread}.party_id and r.thread_id = ${thread}.id
                             and r.user_id = ${reader.userId}), '-infinity'::timestamptz))`;
}

/** Per purchase order (alias `po` columns given): its thread's status and the reader's unread count. */
export function threadOfPo(poId: SQL, poParty: SQL, reader: { userId: string; side: Side }) {
  return sql<{ status: 'open' | 'resolved'; unread: number } | null>`(select json_build_object(
      'status', t.status, 'unread', ${unreadOf(sql`t`, reader)})
    from ${poThreads} t where t.party_id = ${poParty} and t.purchase_order_id = ${poId})`;
}

/** True for a PO whose thread holds a message the reader has not read (the PO list's "unread" filter). */
export function hasUnread(poId: SQL, poParty: SQL, reader: { userId: string; side: Side }) {
  return sql`exists (select 1 from ${poThreads} t where t.party_id = ${poParty} and t.purchase_order_id = ${poId}
    and ${unreadOf(sql`t`, reader)} > 0)`;
}

/** The PO's thread as its page shows it (undefined: nobody wrote yet, or not the caller's PO). */
export async function forPo(tx: Tx, purchaseOrderId: string, reader: { userId: string; side: Side }) {
  const [row] = await tx.db
    .select({
      id: poThreads.id,
      partyId: poThreads.partyId,
      purchaseOrderId: poThreads.purchaseOrderId,
      status: poThreads.status,
      openedAt: poThreads.openedAt,
      lastMessageAt: poThreads.lastMessageAt,
      lastAuthorSide: poThreads.lastAuthorSide,
      resolvedBy: userName(sql`${poThreads.resolvedBy}`),
      resolvedAt: poThreads.resolvedAt,
      resolution: poThreads.resolution,
      version: poThreads.version,
      unread: unreadOf(sql`"po_threads"`, reader),
    })
    .from(poThreads)
    .where(and(eq(poThreads.purchaseOrderId, purchaseOrderId), partyPredicate(tx, poThreads.partyId)));
  return row;
}

/** Locks the PO's thread for a change (a message, resolving), so two writers take turns. */
export async function forPoForUpdate(tx: Tx, purchaseOrderId: string) {
  const [row] = await tx.db
    .select()
    .from(poThreads)
    .where(and(eq(poThreads.purchaseOrderId, purchaseOrderId), partyPredicate(tx, poThreads.partyId)))
    .for('update');
  return row;
}

/**
 * Appends a message: the PO's thread is created by its first message, and a resolved thread opens again
 * (a new problem, or a reply after resolving). Call with the PO row locked, so two first messages cannot
 * both create the thread. Returns the thread and whether it was (re)opened.
 */
export async function post(
  tx: Tx,
  m: {
    partyId: string;
    purchaseOrderId: string;
    authorId: string;
    side: Side;
    kind: 'message' | 'problem';
    body: string;
    at: Date;
  },
) {
  const partyId = writeParty(tx, m.partyId);
  let thread = await forPoForUpdate(tx, m.purchaseOrderId);
  let opened = false;
  if (!thread) {
    [thread] = await tx.db
      .insert(poThreads)
      .values({
        partyId,
        purchaseOrderId: m.purchaseOrderId,
        status: 'open',
        openedAt: m.at,
        lastMessageAt: m.at,
        lastAuthorSide: m.side,
      })
      .returning();
    opened = true;
  } else {
    opened = thread.status === 'resolved';
    await tx.db
      .update(poThreads)
      .set({
        status: 'open',
        lastMessageAt: m.at,
        lastAuthorSide: m.side,
        ...(opened ? { openedAt: m.at, resolvedBy: null, resolvedAt: null, resolution: null } : {}),
        version: sql`${poThreads.version} + 1`,
      })
      .where(and(eq(poThreads.id, thread.id), partyPredicate(tx, poThreads.partyId)));
  }
  const t = thread as PoThreadRow;
  await tx.db.insert(poThreadMessages).values({
    partyId,
    threadId: t.id,
    authorId: m.authorId,
    authorSide: m.side,
    kind: m.kind,
    body: m.body,
    at: m.at,
  });
  // The writer has read everything up to their own message.
  await markRead(tx, { partyId, threadId: t.id, userId: m.authorId, at: m.at });
  return { thread: t, opened };
}

export async function resolve(tx: Tx, id: string, d: { by: string; at: Date; resolution: string }) {
  await tx.db
    .update(poThreads)
    .set({
      status: 'resolved',
      resolvedBy: d.by,
      resolvedAt: d.at,
      resolution: d.resolution,
      version: sql`${poThreads.version} + 1`,
    })
    .where(and(eq(poThreads.id, id), partyPredicate(tx, poThreads.partyId)));
}

/** Moves the reader's marker forward (never back). */
export async function markRead(tx: Tx, r: { partyId: string; threadId: string; userId: string; at: Date }) {
  await tx.db
    .insert(poThreadReads)
    .values({ partyId: writeParty(tx, r.partyId), threadId: r.threadId, userId: r.userId, readAt: r.at })
    .onConflictDoUpdate({
      target: [poThreadReads.partyId, poThreadReads.threadId, poThreadReads.userId],
      set: { readAt: sql`greatest(${poThreadReads.readAt}, excluded.read_at)` },
    });
}

export async function messages(tx: Tx, partyId: string, threadId: string) {
  const rows = await tx.db
    .select({
      id: poThreadMessages.id,
      authorSide: poThreadMessages.authorSide,
      author: userName(sql`${poThreadMessages.authorId}`),
      kind: poThreadMessages.kind,
      body: poThreadMessages.body,
      at: poThreadMessages.at,
    })
    .from(poThreadMessages)
    .where(
      and(
        eq(poThreadMessages.partyId, partyId),
        eq(poThreadMessages.threadId, threadId),
        partyPredicate(tx, poThreadMessages.partyId),
      ),
    )
    .orderBy(asc(poThreadMessages.at), asc(poThreadMessages.id));
  return rows;
}

export async function attachments(tx: Tx, partyId: string, threadId: string) {
  return tx.db
    .select({
      id: poThreadAttachments.id,
      fileName: poThreadAttachments.fileName,
      contentType: poThreadAttachments.contentType,
      sizeBytes: poThreadAttachments.sizeBytes,
      uploadedBy: userName(sql`${poThreadAttachments.uploadedBy}`),
      uploaderSide: poThreadAttachments.uploaderSide,
      uploadedAt: poThreadAttachments.uploadedAt,
    })
    .from(poThreadAttachments)
    .where(
      and(
        eq(poThreadAttachments.partyId, partyId),
        eq(poThreadAttachments.threadId, threadId),
        partyPredicate(tx, poThreadAttachments.partyId),
      ),
    )
    .orderBy(asc(poThreadAttachments.uploadedAt), asc(poThreadAttachments.id));
}

export async function attachmentCount(tx: Tx, partyId: string, threadId: string) {
  const [row] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(poThreadAttachments)
    .where(
      and(
        eq(poThreadAttachments.partyId, partyId),
        eq(poThreadAttachments.threadId, threadId),
        partyPredicate(tx, poThreadAttachments.partyId),
      ),
    );
  return row?.n ?? 0;
}

export async function addAttachment(tx: Tx, a: Omit<typeof poThreadAttachments.$inferInsert, 'id'>) {
  const [row] = await tx.db
    .insert(poThreadAttachments)
    .values({ ...a, partyId: writeParty(tx, a.partyId) })
    .returning({ id: poThreadAttachments.id });
  return (row as { id: string }).id;
}

/** One file in scope (undefined across parties). */
export async function attachment(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(poThreadAttachments)
    .where(and(eq(poThreadAttachments.id, id), partyPredicate(tx, poThreadAttachments.partyId)));
  return row;
}

/**
 * The home's counts in the caller's scope: threads with a message of the other side the reader has not
 * read, and (for operators) open threads. Capped like the home's other counts.
 */
export async function homeCounts(tx: Tx, reader: { userId: string; side: Side }) {
  const scoped = partyPredicate(tx, poThreads.partyId);
  const [row] = await tx.db.execute<{ unread: number; open: number }>(sql`select
      (select count(*)::int from (select 1 from ${poThreads} where ${scoped ?? sql`true`}
         and ${unreadOf(sql`"po_threads"`, reader)} > 0 limit ${CAP + 1}) s) as unread,
      (select count(*)::int from (select 1 from ${poThreads} where ${scoped ?? sql`true`}
         and status = 'open' limit ${CAP + 1}) s) as open`);
  return { unreadThreads: Number(row?.unread ?? 0), openThreads: Number(row?.open ?? 0) };
}
