import { and, eq, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Tx } from '../connection.ts';
import { invoices, orderLines, orders, shipmentLines, shipments } from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyNameIfCross, partyPredicate } from './scope.ts';
import { shipmentOrdersOf } from './shipments.ts';

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
  newest: { key: orders.orderDate, kind: 'date', id: orders.id, dir: 'desc', index: 'desc' },
  oldest: { key: orders.orderDate, kind: 'date', id: orders.id, dir: 'asc', index: 'desc' },
  'total-desc': { key: orders.totalMinor, kind: 'bigint', id: orders.id, dir: 'desc', index: 'desc' },
  'total-asc': { key: orders.totalMinor, kind: 'bigint', id: orders.id, dir: 'asc', index: 'desc' },
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
    .select({ ...summary, partyName: partyNameIfCross(tx, 'orders').as('party_name') })
    .from(orders)
    .where(and(...where))
    .orderBy(...orderOf(sort))
    .limit(q.limit + 1);
  return page(rows, q.limit, sort, (r) => [sort.kind === 'date' ? r.orderDate : r.totalMinor, r.id]);
}

interface LineJson {
  lineNo: number;
  sku: string;
  description: string;
  quantity: string;
  uom: string | null;
  unitPriceMinor: string;
  unitPrice: string | null;
  amountMinor: string;
}
interface ShipmentJson {
  id: string;
  partyId: string;
  orders: { id: string; number: string }[];
  number: string;
  carrier: string;
  trackingRef: string | null;
  status: 'in-transit' | 'delivered';
  shippedOn: string;
  deliveredOn: string | null;
}

/**
 * An order with its lines and (when `withShipments`) its shipments, in ONE statement, so the detail is a
 * one-round-trip read (db.readOne) like a list page. Amounts travel as text inside the JSON (a JSON
 * number would lose precision above 2^53) and become bigint here. Every subquery is scoped twice too.
 */
interface InvoiceJson {
  id: string;
  number: string;
  legalNumber: string | null;
  kind: 'invoice' | 'credit-note';
  status: 'open' | 'paid' | 'cancelled';
  issueDate: string;
  dueDate: string;
  currency: string;
  totalMinor: string;
  openMinor: string;
}

export async function get(tx: Tx, id: string, opts: { withShipments?: boolean; withInvoices?: boolean } = {}) {
  const lines = sql<LineJson[]>`(select coalesce(json_agg(json_build_object(
      'lineNo', l.line_no, 'sku', l.sku, 'description', l.description, 'quantity', l.quantity::text, 'uom', l.uom,
      'unitPriceMinor', l.unit_price_minor::text, 'unitPrice', l.unit_price::text,
      'amountMinor', l.amount_minor::text) order by l.line_no), '[]')
    from ${orderLines} l where l.party_id = o.party_id and l.order_id = o.id)`;
  const shipmentsJson = opts.withShipments
    ? sql<ShipmentJson[]>`(select coalesce(json_agg(json_build_object(
        'id', s.id, 'partyId', s.party_id, 'number', s.number,
        'orders', ${shipmentOrdersOf('s')},
        'carrier', s.carrier, 'trackingRef', s.tracking_ref, 'status', s.status, 'shippedOn', s.shipped_on::text,
        'deliveredOn', s.delivered_on::text) order by s.shipped_on desc, s.id desc), '[]')
      from ${shipments} s where s.party_id = o.party_id and s.id in (
        -- Two index lookups (shipments_party_order_idx, shipment_lines_order_idx); an OR with EXISTS here
        -- made PostgreSQL test every shipment of the party against the order.
        select x.id from ${shipments} x where x.party_id = o.party_id and x.order_id = o.id
        union all
        select sl.shipment_id from ${shipmentLines} sl where sl.party_id = o.party_id and sl.order_id = o.id))`
    : sql<ShipmentJson[]>`'[]'::json`;
  // The order's invoices and credit notes, oldest first (its own permission, like shipments).
  const invoicesJson = opts.withInvoices
    ? sql<InvoiceJson[]>`(select coalesce(json_agg(json_build_object(
        'id', i.id, 'number', i.number, 'legalNumber', i.legal_number, 'kind', i.kind, 'status', i.status,
        'issueDate', i.issue_date::text, 'dueDate', i.due_date::text, 'currency', i.currency,
        'totalMinor', i.total_minor::text, 'openMinor', i.open_minor::text) order by i.issue_date, i.id), '[]')
      from ${invoices} i where i.party_id = o.party_id and i.order_id = o.id)`
    : sql<InvoiceJson[]>`'[]'::json`;
  // Drizzle leaves columns unqualified in a one-table select, so the subqueries name the outer row by an
  // alias: an unqualified "id" inside them would bind to the inner table.
  const o = alias(orders, 'o');
  const [row] = await tx.db
    .select({
      id: o.id,
      partyId: o.partyId,
      number: o.number,
      customerReference: o.customerReference,
      status: o.status,
      orderDate: o.orderDate,
      currency: o.currency,
      totalMinor: o.totalMinor,
      netMinor: o.netMinor,
      partyName: partyNameIfCross(tx, 'o').as('party_name'),
      lines: lines.as('lines'),
      shipments: shipmentsJson.as('shipments'),
      invoices: invoicesJson.as('invoices'),
    })
    .from(o)
    .where(and(eq(o.id, id), partyPredicate(tx, o.partyId)));
  if (!row) return undefined;
  return {
    ...row,
    lines: row.lines.map((l) => ({
      ...l,
      unitPriceMinor: BigInt(l.unitPriceMinor),
      amountMinor: BigInt(l.amountMinor),
    })),
    invoices: row.invoices.map((i) => ({ ...i, totalMinor: BigInt(i.totalMinor), openMinor: BigInt(i.openMinor) })),
  };
}
