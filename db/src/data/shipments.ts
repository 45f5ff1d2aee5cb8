import { and, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { orderLines, orders, shipmentLines, shipments } from '../schema/index.ts';
import { afterCursor, newestFirst, orderOf, page } from './paging.ts';
import { partyNameIfCross, partyPredicate } from './scope.ts';

/**
 * The orders a shipment carries: a pack may hold lines of several orders (each line names its order), so
 * this is every order its lines name, by number; a shipment with no lines yet shows its header's order.
 * `s` names the shipment row of the outer query (`"shipments"` in a list, an alias in orders.get), qualified
 * by hand: in a one-table select Drizzle leaves columns unqualified, and a bare "party_id" or "id" inside the
 * subquery is the subquery's own (every party's orders scanned for each shipment, 8 s for a page of 1,000
 * with 24,000 orders; and lines of a second order missed). The ids as one small set, so each order is one
 * primary-key lookup: an OR of the header's order and the lines' read the whole orders table per shipment
 * (orders.get had its own copy of it; test/list-plans.test.ts holds the order page's plan).
 */
export const shipmentOrdersOf = (s: '"shipments"' | 's') => {
  const row = sql.raw(s);
  return sql<{ id: string; number: string }[]>`coalesce(
  (select json_agg(json_build_object('id', so.id, 'number', so.number) order by so.number)
     from ${orders} so
    where so.party_id = ${row}."party_id"
      and so.id in (select ${row}."order_id"
                    union
                    select sl.order_id from ${shipmentLines} sl
                     where sl.party_id = ${row}."party_id" and sl.shipment_id = ${row}."id")),
  '[]'::json)`;
};

/** Shipments carrying (lines of) an order. */
const carries = (orderId: string) =>
  or(
    eq(shipments.orderId, orderId),
    sql`exists (select 1 from ${shipmentLines} sl where sl.party_id = ${shipments.partyId}
                  and sl.shipment_id = ${shipments.id} and sl.order_id = ${orderId})`,
  );

const summary = {
  id: shipments.id,
  partyId: shipments.partyId,
  orders: shipmentOrdersOf('"shipments"'),
  number: shipments.number,
  carrier: shipments.carrier,
  trackingRef: shipments.trackingRef,
  status: shipments.status,
  shippedOn: shipments.shippedOn,
  deliveredOn: shipments.deliveredOn,
};

export interface ListShipments {
  partyId?: string;
  orderId?: string;
  status?: 'in-transit' | 'delivered';
  search?: string;
  cursor?: string;
  limit: number;
}

const NEWEST = newestFirst(shipments.shippedOn, shipments.id);

/** Newest first, keyset-paged on (shipped_on, id). Search matches the delivery note or tracking reference. */
export async function list(tx: Tx, q: ListShipments) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, shipments.partyId, q.partyId)];
  if (q.orderId) where.push(carries(q.orderId));
  if (q.status) where.push(eq(shipments.status, q.status));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(shipments.number, pattern), ilike(shipments.trackingRef, pattern)));
  }
  where.push(afterCursor(q.cursor, NEWEST));
  const rows = await tx.db
    .select({ ...summary, partyName: partyNameIfCross(tx, 'shipments').as('party_name') })
    .from(shipments)
    .where(and(...where))
    .orderBy(...orderOf(NEWEST))
    .limit(q.limit + 1);
  return page(rows, q.limit, NEWEST, (r) => [r.shippedOn, r.id]);
}

export async function get(tx: Tx, id: string) {
  const [shipment] = await tx.db
    .select({ ...summary, partyName: partyNameIfCross(tx, 'shipments').as('party_name') })
    .from(shipments)
    .where(and(eq(shipments.id, id), partyPredicate(tx, shipments.partyId)));
  if (!shipment) return undefined;
  const lines = await tx.db
    .select({
      orderId: shipmentLines.orderId,
      orderNumber: orders.number,
      lineNo: shipmentLines.orderLineNo,
      sku: orderLines.sku,
      description: orderLines.description,
      quantity: shipmentLines.quantity,
    })
    .from(shipmentLines)
    .innerJoin(
      orderLines,
      and(
        eq(orderLines.partyId, shipmentLines.partyId),
        eq(orderLines.orderId, shipmentLines.orderId),
        eq(orderLines.lineNo, shipmentLines.orderLineNo),
      ),
    )
    .innerJoin(orders, and(eq(orders.partyId, shipmentLines.partyId), eq(orders.id, shipmentLines.orderId)))
    .where(
      and(
        eq(shipmentLines.partyId, shipment.partyId),
        eq(shipmentLines.shipmentId, id),
        partyPredicate(tx, shipmentLines.partyId),
      ),
    )
    .orderBy(orders.number, shipmentLines.orderLineNo);
  return { ...shipment, lines };
}
