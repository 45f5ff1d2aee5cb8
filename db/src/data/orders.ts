import { and, asc, eq, gte, ilike, lte, or, type SQL } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { orderLines, orders } from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
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

export type OrderSort = 'newest' | 'oldest' | 'total-desc' | 'total-asc';

/** Each sort is a keyset served by an index, scanned forwards or backwards (orders_party_date_idx, orders_party_total_idx). */
const SORTS: Record<OrderSort, Keyset> = {
  newest: { key: orders.orderDate, kind: 'date', id: orders.id, dir: 'desc' },
  oldest: { key: orders.orderDate, kind: 'date', id: orders.id, dir: 'asc' },
  'total-desc': { key: orders.totalMinor, kind: 'bigint', id: orders.id, dir: 'desc' },
  'total-asc': { key: orders.totalMinor, kind: 'bigint', id: orders.id, dir: 'asc' },
};

export interface ListOrders {
  partyId?: string;
  status?: (typeof orders.$inferSelect)['status'];
  search?: string;
  /** Order dates, both inclusive ('YYYY-MM-DD'). */
  from?: string;
  to?: string;
  /** Newest first unless asked otherwise. */
  sort?: OrderSort;
  cursor?: string;
  limit: number;
}

/**
 * Keyset-paged on (order_date, id) or (total_minor, id) in the sort's direction: page 1,000 costs what
 * page 1 does. A cursor carries its sort, so one from another sort is a BadCursor.
 */
export async function list(tx: Tx, q: ListOrders) {
  const sort = SORTS[q.sort ?? 'newest'];
  const where: (SQL | undefined)[] = [partyPredicate(tx, orders.partyId, q.partyId)];
  if (q.status) where.push(eq(orders.status, q.status));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(orders.number, pattern), ilike(orders.customerReference, pattern)));
  }
  if (q.from) where.push(gte(orders.orderDate, q.from));
  if (q.to) where.push(lte(orders.orderDate, q.to));
  where.push(afterCursor(q.cursor, sort));
  const rows = await tx.db
    .select(summary)
    .from(orders)
    .where(and(...where))
    .orderBy(...orderOf(sort))
    .limit(q.limit + 1);
  return page(rows, q.limit, sort, (r) => [sort.kind === 'date' ? r.orderDate : r.totalMinor, r.id]);
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
