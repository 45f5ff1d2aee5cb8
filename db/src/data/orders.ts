import { and, asc, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { orderLines, orders } from '../schema/index.ts';
import { afterCursor, page } from './paging.ts';
import { partyPredicate } from './scope.ts';

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
  where.push(afterCursor(q.cursor, orders.orderDate, orders.id));
  const rows = await tx.db
    .select(summary)
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.orderDate), desc(orders.id))
    .limit(q.limit + 1);
  return page(rows, q.limit, (r) => [r.orderDate, r.id]);
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
