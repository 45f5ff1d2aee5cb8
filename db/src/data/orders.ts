import { and, asc, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { orderLines, orders } from '../schema/index.ts';
import { decodeCursor, encodeCursor, partyPredicate } from './scope.ts';

export class BadCursor extends Error {}

const summary = {
  id: orders.id,
  partyId: orders.partyId,
  number: orders.number,
  customerReference: orders.customerReference,
  status: orders.status,
  orderDate: orders.orderDate,
  currency: orders.currency,
  totalMinor: orders.totalMinor,
};

export interface ListOrders {
  partyId?: string;
  status?: (typeof orders.$inferSelect)['status'];
  search?: string;
  cursor?: string;
  limit: number;
}

/** Newest first, keyset-paged on (order_date, id): page 1,000 costs what page 1 does. */
export async function list(tx: Tx, q: ListOrders) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, orders.partyId, q.partyId)];
  if (q.status) where.push(eq(orders.status, q.status));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(orders.number, pattern), ilike(orders.customerReference, pattern)));
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor, 2);
    if (!c || !/^\d{4}-\d{2}-\d{2}$/.test(c[0] as string)) throw new BadCursor();
    where.push(sql`(${orders.orderDate}, ${orders.id}) < (${c[0]}::date, ${c[1]}::uuid)`);
  }
  const rows = await tx.db
    .select(summary)
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.orderDate), desc(orders.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor([last.orderDate, last.id]) : null };
}

export async function get(tx: Tx, id: string) {
  const [order] = await tx.db
    .select(summary)
    .from(orders)
    .where(and(eq(orders.id, id), partyPredicate(tx, orders.partyId)));
  if (!order) return undefined;
  const lines = await tx.db
    .select({
      lineNo: orderLines.lineNo,
      sku: orderLines.sku,
      description: orderLines.description,
      quantity: orderLines.quantity,
      unitPriceMinor: orderLines.unitPriceMinor,
      amountMinor: orderLines.amountMinor,
    })
    .from(orderLines)
    .where(
      and(eq(orderLines.partyId, order.partyId), eq(orderLines.orderId, id), partyPredicate(tx, orderLines.partyId)),
    )
    .orderBy(asc(orderLines.lineNo));
  return { ...order, lines };
}
