import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { purchaseOrders } from './supplier.ts';
import { users } from './users.ts';

// Supplier collaboration on purchase orders (issue 19): per-line confirmations with their history,
// ship notices (ASN) and supplier invoices. Party tables lead with party_id (RLS and the data layer
// both scope by it). Quantities are numeric(18,4) like the PO lines they draw on.

/** One confirmation round of a PO. A new round supersedes a submitted one; accepted/rejected stay as history. */
export const poConfirmations = pgTable(
  'po_confirmations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    round: integer('round').notNull(),
    status: text('status', { enum: ['submitted', 'accepted', 'rejected', 'superseded'] }).notNull(),
    /** False: every line confirmed as ordered, by the requested date (accepted without a review). */
    hasDifferences: boolean('has_differences').notNull(),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
  },
  (t) => [
    uniqueIndex('po_confirmations_round_key').on(t.partyId, t.purchaseOrderId, t.round),
    // The operators' queue, oldest first.
    index('po_confirmations_queue_idx').on(t.submittedAt, t.id).where(sql`status = 'submitted'`),
  ],
);

/** One PO line's answer in a round: its delivery schedule ([{quantity, date}], empty when rejected). */
export const poConfirmationLines = pgTable(
  'po_confirmation_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    confirmationId: uuid('confirmation_id')
      .notNull()
      .references(() => poConfirmations.id),
    lineNo: integer('line_no').notNull(),
    decision: text('decision', { enum: ['confirm', 'change', 'reject'] }).notNull(),
    schedules: jsonb('schedules').$type<{ quantity: string; date: string }[]>().notNull(),
    /** The sum of the schedules (0 when rejected): what this line commits to once accepted. */
    committedQuantity: numeric('committed_quantity', { precision: 18, scale: 4 }).notNull(),
    orderedQuantity: numeric('ordered_quantity', { precision: 18, scale: 4 }).notNull(),
    requestedDate: date('requested_date', { mode: 'string' }),
    reason: text('reason'),
  },
  (t) => [
    uniqueIndex('po_confirmation_lines_key').on(t.partyId, t.confirmationId, t.lineNo),
    check('po_confirmation_lines_committed_nonneg', sql`${t.committedQuantity} >= 0`),
  ],
);

/** A ship notice (ASN): quantities of one or more POs' lines on their way. */
export const shipNotices = pgTable(
  'ship_notices',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    seq: bigserial('seq', { mode: 'bigint' }).notNull(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    status: text('status', { enum: ['shipped', 'received', 'cancelled'] }).notNull(),
    carrier: text('carrier').notNull(),
    trackingRef: text('tracking_ref').notNull(),
    shipDate: date('ship_date', { mode: 'string' }).notNull(),
    packages: integer('packages').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    cancelledBy: uuid('cancelled_by').references(() => users.id),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
    /** The client's key for this create: a retried request returns the notice already made. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    uniqueIndex('ship_notices_seq_key').on(t.seq),
    uniqueIndex('ship_notices_idempotency_key').on(t.partyId, t.idempotencyKey).where(sql`idempotency_key is not null`),
    index('ship_notices_party_idx').on(t.partyId, t.createdAt.desc(), t.id.desc()),
    check('ship_notices_packages_positive', sql`${t.packages} > 0`),
  ],
);

export const shipNoticeLines = pgTable(
  'ship_notice_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    shipNoticeId: uuid('ship_notice_id')
      .notNull()
      .references(() => shipNotices.id),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    lineNo: integer('line_no').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
  },
  (t) => [
    uniqueIndex('ship_notice_lines_key').on(t.partyId, t.shipNoticeId, t.purchaseOrderId, t.lineNo),
    // The shipped quantity of a PO line sums these.
    index('ship_notice_lines_po_idx').on(t.partyId, t.purchaseOrderId, t.lineNo),
    check('ship_notice_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
);

/** An invoice a supplier submits against one PO; its status comes back from the ERP. */
export const supplierInvoices = pgTable(
  'supplier_invoices',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    number: text('number').notNull(),
    invoiceDate: date('invoice_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    status: text('status', {
      enum: ['submitted', 'received', 'approved', 'scheduled', 'paid', 'rejected'],
    }).notNull(),
    /** Some line is off the PO beyond the configured tolerances. */
    mismatch: boolean('mismatch').notNull(),
    paymentDate: date('payment_date', { mode: 'string' }),
    statusAt: timestamp('status_at', { withTimezone: true }),
    erpNote: text('erp_note'),
    fileName: text('file_name'),
    fileSha256: text('file_sha256'),
    fileSizeBytes: integer('file_size_bytes'),
    fileContentType: text('file_content_type'),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // A supplier's invoice number is unique for it: a resubmission is a clear CONFLICT.
    uniqueIndex('supplier_invoices_number_key').on(t.partyId, t.number),
    index('supplier_invoices_party_idx').on(t.partyId, t.submittedAt.desc(), t.id.desc()),
  ],
);

export const supplierInvoiceLines = pgTable(
  'supplier_invoice_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => supplierInvoices.id),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    lineNo: integer('line_no').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    unitPrice: numeric('unit_price', { precision: 20, scale: 6 }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    poUnitPrice: numeric('po_unit_price', { precision: 20, scale: 6 }).notNull(),
    /** Shipped quantity of the PO line when the invoice was checked. */
    shipped: numeric('shipped', { precision: 18, scale: 4 }).notNull(),
    priceMismatch: boolean('price_mismatch').notNull(),
    quantityMismatch: boolean('quantity_mismatch').notNull(),
  },
  (t) => [
    uniqueIndex('supplier_invoice_lines_key').on(t.partyId, t.invoiceId, t.lineNo),
    index('supplier_invoice_lines_po_idx').on(t.partyId, t.purchaseOrderId, t.lineNo),
    check('supplier_invoice_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
);
