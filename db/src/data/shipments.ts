import { and, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { orderLines, orders, shipmentLines, shipments } from '../schema/index.ts';
import { afterCursor, newestFirst, orderOf, page } from './paging.ts';
import { partyNameIfCross, partyPredicate } from './scope.ts';

const summary = {
  id: shipments.id,
  partyId: shipments.partyId,
  orderId: shipments.orderId,
  orderNumber: sql<string>`(select o.number from ${orders} o where o.id = ${shipments.orderId} and o.party_id = ${shipments.partyId})`,
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
  if (q.orderId) where.push(eq(shipments.orderId, q.orderId));
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

export async function forOrder(tx: Tx, partyId: string, orderId: string) {
  return tx.db
    .select(summary)
    .from(shipments)
    .where(and(eq(shipments.partyId, partyId), eq(shipments.orderId, orderId), partyPredicate(tx, shipments.partyId)))
    .orderBy(desc(shipments.shippedOn), desc(shipments.id));
}

export async function get(tx: Tx, id: string) {
  const [shipment] = await tx.db
    .select({ ...summary, partyName: partyNameIfCross(tx, 'shipments').as('party_name') })
    .from(shipments)
    .where(and(eq(shipments.id, id), partyPredicate(tx, shipments.partyId)));
  if (!shipment) return undefined;
  const lines = await tx.db
    .select({
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
        eq(orderLines.orderId, shipment.orderId),
        eq(orderLines.lineNo, shipmentLines.orderLineNo),
      ),
    )
    .where(
      and(
        eq(shipmentLines.partyId, shipment.partyId),
        eq(shipmentLines.shipmentId, id),
        partyPredicate(tx, shipmentLines.partyId),
      ),
    )
    .orderBy(shipmentLines.orderLineNo);
  return { ...shipment, lines };
}
