import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import {
  invoiceLines,
  invoiceQueries,
  invoiceQueryAttachments,
  invoiceQueryMessages,
  invoices,
  orderLines,
  parties,
  users,
} from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate, writeParty } from './scope.ts';
import { type MailRecipient, staffRecipientsWithPermission } from './users.ts';

export type InvoiceQueryRow = typeof invoiceQueries.$inferSelect;
type Side = InvoiceQueryRow['lastAuthorSide'];

const userName = (col: SQL | typeof invoiceQueries.raisedBy) =>
  sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

const summary = {
  id: invoiceQueries.id,
  partyId: invoiceQueries.partyId,
  partyName: parties.name,
  invoiceId: invoiceQueries.invoiceId,
  invoiceNumber: sql<string>`coalesce(${invoices.legalNumber}, ${invoices.number})`,
  invoiceKind: invoices.kind,
  lineNo: invoiceQueries.lineNo,
  reason: invoiceQueries.reason,
  status: invoiceQueries.status,
  raisedById: invoiceQueries.raisedBy,
  raisedBy: userName(invoiceQueries.raisedBy),
  raisedAt: invoiceQueries.raisedAt,
  lastMessageAt: invoiceQueries.lastMessageAt,
  lastAuthorSide: invoiceQueries.lastAuthorSide,
  closedAt: invoiceQueries.closedAt,
  closedBy: userName(sql`${invoiceQueries.closedBy}`),
  resolution: invoiceQueries.resolution,
  version: invoiceQueries.version,
};

/** The invoice a query may be raised on: in scope, with its party (undefined across parties). */
export async function invoiceForQuery(tx: Tx, invoiceId: string) {
  const [row] = await tx.db
    .select({
      id: invoices.id,
      partyId: invoices.partyId,
      orderId: invoices.orderId,
      number: sql<string>`coalesce(${invoices.legalNumber}, ${invoices.number})`,
      kind: invoices.kind,
      status: invoices.status,
    })
    .from(invoices)
    .where(and(eq(invoices.id, invoiceId), partyPredicate(tx, invoices.partyId)));
  return row;
}

/**
 * A line of the invoice as the customer sees it: its own line, or (an invoice mirrored without lines) its
 * order's line with that number, the same fallback invoices.get shows.
 */
export async function lineOf(tx: Tx, inv: { id: string; partyId: string; orderId: string | null }, lineNo: number) {
  const [own] = await tx.db
    .select({ lineNo: invoiceLines.lineNo, description: invoiceLines.description, sku: invoiceLines.sku })
    .from(invoiceLines)
    .where(
      and(
        eq(invoiceLines.partyId, inv.partyId),
        eq(invoiceLines.invoiceId, inv.id),
        eq(invoiceLines.lineNo, lineNo),
        partyPredicate(tx, invoiceLines.partyId),
      ),
    );
  if (own) return own;
  const [any] = await tx.db
    .select({ n: sql<number>`1` })
    .from(invoiceLines)
    .where(and(eq(invoiceLines.partyId, inv.partyId), eq(invoiceLines.invoiceId, inv.id)))
    .limit(1);
  if (any || !inv.orderId) return undefined;
  const [ol] = await tx.db
    .select({ lineNo: orderLines.lineNo, description: orderLines.description, sku: orderLines.sku })
    .from(orderLines)
    .where(
      and(
        eq(orderLines.partyId, inv.partyId),
        eq(orderLines.orderId, inv.orderId),
        eq(orderLines.lineNo, lineNo),
        partyPredicate(tx, orderLines.partyId),
      ),
    );
  return ol;
}

export async function insert(
  tx: Tx,
  q: {
    partyId: string;
    invoiceId: string;
    lineNo: number | null;
    reason: InvoiceQueryRow['reason'];
    raisedBy: string;
    message: string;
    at: Date;
  },
) {
  const partyId = writeParty(tx, q.partyId);
  const [row] = await tx.db
    .insert(invoiceQueries)
    .values({
      partyId,
      invoiceId: q.invoiceId,
      lineNo: q.lineNo,
      reason: q.reason,
      status: 'open',
      raisedBy: q.raisedBy,
      raisedAt: q.at,
      lastMessageAt: q.at,
      lastAuthorSide: 'customer',
    })
    .returning({ id: invoiceQueries.id });
  const id = (row as { id: string }).id;
  await tx.db
    .insert(invoiceQueryMessages)
    .values({ partyId, queryId: id, authorId: q.raisedBy, authorSide: 'customer', body: q.message, at: q.at });
  return id;
}

export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select(summary)
    .from(invoiceQueries)
    .innerJoin(parties, eq(parties.id, invoiceQueries.partyId))
    .innerJoin(invoices, and(eq(invoices.id, invoiceQueries.invoiceId), eq(invoices.partyId, invoiceQueries.partyId)))
    .where(and(eq(invoiceQueries.id, id), partyPredicate(tx, invoiceQueries.partyId)));
  return row;
}

/** Locks the query for a change (a reply, a decision), so two handlers cannot both close it. */
export async function getForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(invoiceQueries)
    .where(and(eq(invoiceQueries.id, id), partyPredicate(tx, invoiceQueries.partyId)))
    .for('update');
  return row;
}

export async function thread(tx: Tx, partyId: string, queryId: string) {
  const messages = await tx.db
    .select({
      id: invoiceQueryMessages.id,
      authorSide: invoiceQueryMessages.authorSide,
      author: userName(sql`${invoiceQueryMessages.authorId}`),
      body: invoiceQueryMessages.body,
      at: invoiceQueryMessages.at,
    })
    .from(invoiceQueryMessages)
    .where(
      and(
        eq(invoiceQueryMessages.partyId, partyId),
        eq(invoiceQueryMessages.queryId, queryId),
        partyPredicate(tx, invoiceQueryMessages.partyId),
      ),
    )
    .orderBy(asc(invoiceQueryMessages.at), asc(invoiceQueryMessages.id));
  const attachments = await tx.db
    .select({
      id: invoiceQueryAttachments.id,
      fileName: invoiceQueryAttachments.fileName,
      contentType: invoiceQueryAttachments.contentType,
      sizeBytes: invoiceQueryAttachments.sizeBytes,
      uploadedBy: userName(sql`${invoiceQueryAttachments.uploadedBy}`),
      uploadedAt: invoiceQueryAttachments.uploadedAt,
    })
    .from(invoiceQueryAttachments)
    .where(
      and(
        eq(invoiceQueryAttachments.partyId, partyId),
        eq(invoiceQueryAttachments.queryId, queryId),
        partyPredicate(tx, invoiceQueryAttachments.partyId),
      ),
    )
    .orderBy(asc(invoiceQueryAttachments.uploadedAt), asc(invoiceQueryAttachments.id));
  return { messages, attachments };
}

/** A reply from either side: appended to the thread; the query's version moves on. */
export async function addMessage(
  tx: Tx,
  q: { partyId: string; queryId: string; authorId: string; side: Side; body: string; at: Date },
) {
  await tx.db.insert(invoiceQueryMessages).values({
    partyId: writeParty(tx, q.partyId),
    queryId: q.queryId,
    authorId: q.authorId,
    authorSide: q.side,
    body: q.body,
    at: q.at,
  });
  await tx.db
    .update(invoiceQueries)
    .set({ lastMessageAt: q.at, lastAuthorSide: q.side, version: sql`${invoiceQueries.version} + 1` })
    .where(and(eq(invoiceQueries.id, q.queryId), partyPredicate(tx, invoiceQueries.partyId)));
}

export async function close(
  tx: Tx,
  id: string,
  d: { status: 'resolved' | 'rejected'; closedBy: string; at: Date; resolution: string },
) {
  await tx.db
    .update(invoiceQueries)
    .set({
      status: d.status,
      closedBy: d.closedBy,
      closedAt: d.at,
      resolution: d.resolution,
      version: sql`${invoiceQueries.version} + 1`,
    })
    .where(and(eq(invoiceQueries.id, id), partyPredicate(tx, invoiceQueries.partyId)));
}

export async function attachmentCount(tx: Tx, partyId: string, queryId: string) {
  const [row] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(invoiceQueryAttachments)
    .where(
      and(
        eq(invoiceQueryAttachments.partyId, partyId),
        eq(invoiceQueryAttachments.queryId, queryId),
        partyPredicate(tx, invoiceQueryAttachments.partyId),
      ),
    );
  return row?.n ?? 0;
}

export async function addAttachment(
  tx: Tx,
  a: {
    partyId: string;
    queryId: string;
    fileName: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    uploadedBy: string;
    at: Date;
  },
) {
  const [row] = await tx.db
    .insert(invoiceQueryAttachments)
    .values({
      partyId: writeParty(tx, a.partyId),
      queryId: a.queryId,
      fileName: a.fileName,
      contentType: a.contentType,
      sizeBytes: a.sizeBytes,
      sha256: a.sha256,
      uploadedBy: a.uploadedBy,
      uploadedAt: a.at,
    })
    .returning({ id: invoiceQueryAttachments.id });
  return (row as { id: string }).id;
}

/** One attachment in scope (undefined across parties), with the query it belongs to. */
export async function attachment(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(invoiceQueryAttachments)
    .where(and(eq(invoiceQueryAttachments.id, id), partyPredicate(tx, invoiceQueryAttachments.partyId)));
  return row;
}

/**
 * Queries, keyset-paged: a party's own newest first; the staff queue (open across parties) oldest first,
 * so what waited longest comes first.
 */
export async function list(
  tx: Tx,
  q: {
    status?: InvoiceQueryRow['status'];
    invoiceId?: string;
    partyId?: string;
    cursor?: string;
    limit: number;
    oldestFirst?: boolean;
  },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, invoiceQueries.partyId, q.partyId)];
  if (q.status) where.push(eq(invoiceQueries.status, q.status));
  if (q.invoiceId) where.push(eq(invoiceQueries.invoiceId, q.invoiceId));
  const keyset: Keyset = {
    key: invoiceQueries.raisedAt,
    kind: 'time',
    id: invoiceQueries.id,
    dir: q.oldestFirst ? 'asc' : 'desc',
    index: q.oldestFirst ? 'asc' : 'desc',
  };
  where.push(afterCursor(q.cursor, keyset));
  const rows = await tx.db
    .select(summary)
    .from(invoiceQueries)
    .innerJoin(parties, eq(parties.id, invoiceQueries.partyId))
    .innerJoin(invoices, and(eq(invoices.id, invoiceQueries.invoiceId), eq(invoices.partyId, invoiceQueries.partyId)))
    .where(and(...where))
    .orderBy(...orderOf(keyset))
    .limit(q.limit + 1);
  return page(rows, q.limit, keyset, (r) => [r.raisedAt, r.id]);
}

/** Every query on one invoice, newest first (an invoice carries few). */
export async function forInvoice(tx: Tx, invoiceId: string) {
  return tx.db
    .select(summary)
    .from(invoiceQueries)
    .innerJoin(parties, eq(parties.id, invoiceQueries.partyId))
    .innerJoin(invoices, and(eq(invoices.id, invoiceQueries.invoiceId), eq(invoices.partyId, invoiceQueries.partyId)))
    .where(and(eq(invoiceQueries.invoiceId, invoiceId), partyPredicate(tx, invoiceQueries.partyId)))
    .orderBy(sql`${invoiceQueries.raisedAt} desc`, sql`${invoiceQueries.id} desc`)
    .limit(100);
}

/** Active internal staff who handle invoice queries (read under the system scope, after the customer's commit). */
export function handlerRecipients(tx: Tx): Promise<MailRecipient[]> {
  return staffRecipientsWithPermission(tx, 'invoice-queries:handle');
}
