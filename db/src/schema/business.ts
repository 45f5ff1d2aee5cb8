import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';

// Business data mirrored from the ERP. Every table leads with party_id: RLS and the data layer both scope
// by it, and it leads every index so a tenant's page is an index range scan.
// Money is integer minor units (bigint), never floating point.
//
// Headers mirrored from an ERP carry `erp_key` (the source's stable key, unique), `erp_rev` (the source
// revision: an upsert applies only a higher one, so replays and late pages are harmless) and `synced_at`.
// Lines have no key of their own: they are replaced with their header (parent + line number).

/** The columns every mirrored header and party carries (see server/src/integration/mirror.ts). */
/**
 * The id of a document the ERP mirrors in bulk (orders, invoices, shipments, purchase orders, payments): a UUID
 * in time order (version 7, `gh_uuid_v7()`, migration 0048) instead of a random one. A batch's new rows then
 * land at the right end of the primary key and of their lines' `(party_id, <parent>_id, …)` and `<parent>_id`
 * indexes, instead of on a random page of each: raw COPY of orders with their lines wrote 0.66x the WAL and a
 * quarter of the full-page images after a checkpoint (docs/benchmarks.md, "What the target tables cost COPY").
 */
export const mirroredId = () => uuid('id').primaryKey().default(sql`gh_uuid_v7()`);

export const erpColumns = () => ({
  erpKey: text('erp_key'),
  erpRev: bigint('erp_rev', { mode: 'bigint' }),
  syncedAt: timestamp('synced_at', { withTimezone: true }),
});

/**
 * The ERP's own PDF of a document (SHA-256 in the blob store, sent with PUT /api/v1/documents/…/pdf):
 * when set, it is served instead of the PDF Gatehouse renders.
 */
export const erpPdfColumn = () => ({ erpPdfSha256: text('erp_pdf_sha256') });

export const orders = pgTable(
  'orders',
  {
    id: mirroredId(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    number: text('number').notNull(),
    customerReference: text('customer_reference'),
    status: text('status', { enum: ['open', 'confirmed', 'shipped', 'delivered', 'cancelled'] }).notNull(),
    orderDate: date('order_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    /** Gross: what the customer pays (shown as "Total"). */
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    /** Net of tax and charges (the sum of the lines), when the ERP sends it. */
    netMinor: bigint('net_minor', { mode: 'bigint' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    ...erpColumns(),
    ...erpPdfColumn(),
  },
  (t) => [
    uniqueIndex('orders_party_number_key').on(t.partyId, t.number),
    uniqueIndex('orders_erp_key').on(t.erpKey),
    index('orders_party_date_idx').on(t.partyId, t.orderDate.desc(), t.id.desc()),
    // Sorting a party's orders by amount pages by keyset too (orders.list sort: 'total-desc' / 'total-asc').
    index('orders_party_total_idx').on(t.partyId, t.totalMinor.desc(), t.id.desc()),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    /** Unit of measure as the ERP names it (EA, KG, M…). */
    uom: text('uom'),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'bigint' }).notNull(),
    /** The exact unit price when it has more decimals than the currency (up to 6). */
    unitPrice: numeric('unit_price', { precision: 20, scale: 6 }),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    uniqueIndex('order_lines_key').on(t.partyId, t.orderId, t.lineNo),
    // The mirror writer replaces a header's lines by its id (and the header may have moved party).
    index('order_lines_order_idx').on(t.orderId),
  ],
);

export const invoices = pgTable(
  'invoices',
  {
    id: mirroredId(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    orderId: uuid('order_id').references(() => orders.id),
    number: text('number').notNull(),
    /** An invoice or a credit note (a credit note's amounts are negative). */
    kind: text('kind', { enum: ['invoice', 'credit-note'] })
      .notNull()
      .default('invoice'),
    /** The number the printed document carries when the ERP keeps one apart from its own (e.g. Kinetic's LegalNumber). */
    legalNumber: text('legal_number'),
    status: text('status', { enum: ['open', 'paid', 'cancelled'] }).notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    openMinor: bigint('open_minor', { mode: 'bigint' }).notNull(),
    ...erpColumns(),
    ...erpPdfColumn(),
  },
  (t) => [
    uniqueIndex('invoices_party_number_key').on(t.partyId, t.number),
    uniqueIndex('invoices_erp_key').on(t.erpKey),
    index('invoices_party_date_idx').on(t.partyId, t.issueDate.desc(), t.id.desc()),
    // Open items by due date: the overdue filter and the statement read a party's open invoices this way.
    index('invoices_party_open_due_idx').on(t.partyId, t.dueDate, t.id).where(sql`status = 'open'`),
    // An order's invoices (the order page lists them): without it orders.get read a party's every invoice.
    index('invoices_party_order_idx').on(t.partyId, t.orderId),
    // The notification-sources job reads what the mirror wrote since its cursor (docs/notifications.md).
    index('invoices_synced_idx').on(t.syncedAt).where(sql`synced_at is not null`),
  ],
);

/** An invoice's lines, as the ERP bills them (replaced with their invoice). */
export const invoiceLines = pgTable(
  'invoice_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    lineNo: integer('line_no').notNull(),
    sku: text('sku'),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    uom: text('uom'),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'bigint' }).notNull(),
    unitPrice: numeric('unit_price', { precision: 20, scale: 6 }),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    /** Tax on the line, when the ERP sends it. */
    taxMinor: bigint('tax_minor', { mode: 'bigint' }),
  },
  (t) => [
    uniqueIndex('invoice_lines_key').on(t.partyId, t.invoiceId, t.lineNo),
    index('invoice_lines_invoice_idx').on(t.invoiceId),
  ],
);

/**
 * A delivery note with its carrier and tracking reference. Its lines say which order line each quantity
 * fulfils; one pack may carry lines of several orders (then `order_id`, the order it was first made for,
 * names only one of them and the lines name each).
 */
export const shipments = pgTable(
  'shipments',
  {
    id: mirroredId(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    orderId: uuid('order_id').references(() => orders.id),
    number: text('number').notNull(),
    carrier: text('carrier').notNull(),
    trackingRef: text('tracking_ref'),
    status: text('status', { enum: ['in-transit', 'delivered'] }).notNull(),
    shippedOn: date('shipped_on', { mode: 'string' }).notNull(),
    deliveredOn: date('delivered_on', { mode: 'string' }),
    ...erpColumns(),
    ...erpPdfColumn(),
  },
  (t) => [
    uniqueIndex('shipments_party_number_key').on(t.partyId, t.number),
    uniqueIndex('shipments_erp_key').on(t.erpKey),
    index('shipments_party_date_idx').on(t.partyId, t.shippedOn.desc(), t.id.desc()),
    index('shipments_party_order_idx').on(t.partyId, t.orderId),
    index('shipments_synced_idx').on(t.syncedAt).where(sql`synced_at is not null`),
  ],
);

export const shipmentLines = pgTable(
  'shipment_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id),
    /** The order this quantity ships against (a pack may carry several orders' lines). */
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** The order line (order_lines.line_no of that order) this quantity fulfils. */
    orderLineNo: integer('order_line_no').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
  },
  (t) => [
    uniqueIndex('shipment_lines_key').on(t.partyId, t.shipmentId, t.orderId, t.orderLineNo),
    index('shipment_lines_order_idx').on(t.partyId, t.orderId),
    index('shipment_lines_shipment_idx').on(t.shipmentId),
  ],
);
