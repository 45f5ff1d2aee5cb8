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

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    number: text('number').notNull(),
    customerReference: text('customer_reference'),
    status: text('status', { enum: ['open', 'confirmed', 'shipped', 'delivered', 'cancelled'] }).notNull(),
    orderDate: date('order_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_party_number_key').on(t.partyId, t.number),
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
    unitPriceMinor: bigint('unit_price_minor', { mode: 'bigint' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
  },
  (t) => [uniqueIndex('order_lines_key').on(t.partyId, t.orderId, t.lineNo)],
);

export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    orderId: uuid('order_id').references(() => orders.id),
    number: text('number').notNull(),
    status: text('status', { enum: ['open', 'paid', 'cancelled'] }).notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    openMinor: bigint('open_minor', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    uniqueIndex('invoices_party_number_key').on(t.partyId, t.number),
    index('invoices_party_date_idx').on(t.partyId, t.issueDate.desc(), t.id.desc()),
    // Open items by due date: the overdue filter and the statement read a party's open invoices this way.
    index('invoices_party_open_due_idx').on(t.partyId, t.dueDate, t.id).where(sql`status = 'open'`),
  ],
);

/** What shipped against which order: a delivery note with its carrier and tracking reference. */
export const shipments = pgTable(
  'shipments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    number: text('number').notNull(),
    carrier: text('carrier').notNull(),
    trackingRef: text('tracking_ref'),
    status: text('status', { enum: ['in-transit', 'delivered'] }).notNull(),
    shippedOn: date('shipped_on', { mode: 'string' }).notNull(),
    deliveredOn: date('delivered_on', { mode: 'string' }),
  },
  (t) => [
    uniqueIndex('shipments_party_number_key').on(t.partyId, t.number),
    index('shipments_party_date_idx').on(t.partyId, t.shippedOn.desc(), t.id.desc()),
    index('shipments_party_order_idx').on(t.partyId, t.orderId),
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
    /** The order line (order_lines.line_no of the shipment's order) this quantity fulfils. */
    orderLineNo: integer('order_line_no').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
  },
  (t) => [uniqueIndex('shipment_lines_key').on(t.partyId, t.shipmentId, t.orderLineNo)],
);
