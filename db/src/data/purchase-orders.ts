import { and, asc, eq, ilike, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { parties, purchaseOrderLines, purchaseOrders, users } from '../schema/index.ts';
import { afterCursor, newestFirst, orderOf, page } from './paging.ts';
import { hasUnread, type Side, threadOfPo } from './po-threads.ts';
import { partyPredicate } from './scope.ts';

type Status = (typeof purchaseOrders.$inferSelect)['status'];

const summary = {
  id: purchaseOrders.id,
  partyId: purchaseOrders.partyId,
  // Qualified by hand: in a one-table select Drizzle leaves columns unqualified.
  partyName: sql<string>`(select p.name from ${parties} p where p.id = "purchase_orders"."party_id")`,
  number: purchaseOrders.number,
  status: purchaseOrders.status,
  orderDate: purchaseOrders.orderDate,
  requestedDate: purchaseOrders.requestedDate,
  promisedDate: purchaseOrders.promisedDate,
  currency: purchaseOrders.currency,
  totalMinor: purchaseOrders.totalMinor,
};

/** A user's display name, or null when the caller's scope cannot see that user (RLS on users). */
const nameOf = (col: typeof purchaseOrders.acknowledgedBy | typeof purchaseOrders.problemBy) =>
  sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

/**
 * Newest first, keyset-paged on (order_date, id). Search matches the PO number. Each row carries its
 * message thread's status and the reader's unread count (null: no thread yet).
 */
export async function list(
  tx: Tx,
  q: { partyId?: string; status?: Status; search?: string; unread?: boolean; cursor?: string; limit: number },
  reader: { userId: string; side: Side },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, purchaseOrders.partyId, q.partyId)];
  if (q.status) where.push(eq(purchaseOrders.status, q.status));
  if (q.unread) where.push(hasUnread(sql`"purchase_orders"."id"`, sql`"purchase_orders"."party_id"`, reader));
  if (q.search) where.push(ilike(purchaseOrders.number, `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  const k = newestFirst(purchaseOrders.orderDate, purchaseOrders.id);
  where.push(afterCursor(q.cursor, k));
  const rows = await tx.db
    .select({
      ...summary,
      thread: threadOfPo(sql`"purchase_orders"."id"`, sql`"purchase_orders"."party_id"`, reader),
    })
    .from(purchaseOrders)
    .where(and(...where))
    .orderBy(...orderOf(k))
    .limit(q.limit + 1);
  return page(rows, q.limit, k, (r) => [r.orderDate, r.id]);
}

export async function get(tx: Tx, id: string) {
  const [po] = await tx.db
    .select({
      ...summary,
      acknowledgedAt: purchaseOrders.acknowledgedAt,
      acknowledgedBy: nameOf(purchaseOrders.acknowledgedBy),
      problemNote: purchaseOrders.problemNote,
      problemAt: purchaseOrders.problemAt,
      problemBy: nameOf(purchaseOrders.problemBy),
    })
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.id, id), partyPredicate(tx, purchaseOrders.partyId)));
  if (!po) return undefined;
  const lines = await tx.db
    .select({
      lineNo: purchaseOrderLines.lineNo,
      sku: purchaseOrderLines.sku,
      description: purchaseOrderLines.description,
      quantity: purchaseOrderLines.quantity,
      uom: purchaseOrderLines.uom,
      unitPriceMinor: purchaseOrderLines.unitPriceMinor,
      unitPrice: purchaseOrderLines.unitPrice,
      amountMinor: purchaseOrderLines.amountMinor,
    })
    .from(purchaseOrderLines)
    .where(
      and(
        eq(purchaseOrderLines.partyId, po.partyId),
        eq(purchaseOrderLines.purchaseOrderId, id),
        partyPredicate(tx, purchaseOrderLines.partyId),
      ),
    )
    .orderBy(asc(purchaseOrderLines.lineNo));
  return { ...po, lines };
}

/** The row, locked for a state change (a concurrent acknowledge waits, then sees the new state). */
export async function getForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.id, id), partyPredicate(tx, purchaseOrders.partyId)))
    .for('update');
  return row;
}

export async function acknowledge(tx: Tx, id: string, promisedDate: string, by: string, at: Date) {
  await tx.db
    .update(purchaseOrders)
    .set({ status: 'acknowledged', promisedDate, acknowledgedAt: at, acknowledgedBy: by })
    .where(and(eq(purchaseOrders.id, id), partyPredicate(tx, purchaseOrders.partyId)));
}

export async function flagProblem(tx: Tx, id: string, note: string, by: string, at: Date) {
  await tx.db
    .update(purchaseOrders)
    .set({ status: 'problem', problemNote: note, problemAt: at, problemBy: by })
    .where(and(eq(purchaseOrders.id, id), partyPredicate(tx, purchaseOrders.partyId)));
}

/** A resolved problem: the PO goes back to acknowledged (when it was) or open; the note stays as history. */
export async function clearProblem(tx: Tx, id: string, status: 'open' | 'acknowledged') {
  await tx.db
    .update(purchaseOrders)
    .set({ status })
    .where(
      and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'problem'), partyPredicate(tx, purchaseOrders.partyId)),
    );
}

/** Demo and test data (system scope): POs with their lines. */
export async function insertMany(
  tx: Tx,
  rows: (typeof purchaseOrders.$inferInsert & {
    lines: Omit<typeof purchaseOrderLines.$inferInsert, 'partyId' | 'purchaseOrderId'>[];
  })[],
) {
  if (rows.length === 0) return [];
  const inserted = await tx.db
    .insert(purchaseOrders)
    .values(rows.map(({ lines: _l, ...po }) => po))
    .returning({ id: purchaseOrders.id, number: purchaseOrders.number, partyId: purchaseOrders.partyId });
  const byKey = new Map(inserted.map((r) => [`${r.partyId}|${r.number}`, r.id]));
  const lines = rows.flatMap((r) =>
    r.lines.map((l) => ({
      ...l,
      partyId: r.partyId,
      purchaseOrderId: byKey.get(`${r.partyId}|${r.number}`) as string,
    })),
  );
  if (lines.length > 0) await tx.db.insert(purchaseOrderLines).values(lines);
  return inserted;
}

export const OPEN_STATUSES: Status[] = ['open', 'acknowledged', 'problem'];
export const isOpen = (s: Status) => OPEN_STATUSES.includes(s);
