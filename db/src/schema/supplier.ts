import type { BankDetails, PostalAddress } from '@gatehouse/contract';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
import { erpColumns, erpPdfColumn, mirroredId } from './business.ts';
import { parties } from './parties.ts';
import { users } from './users.ts';

// The supplier side: purchase orders mirrored from the ERP, compliance documents the supplier keeps
// current, and master-data change requests held until someone accepts them. Party tables lead with
// party_id (RLS and the data layer both scope by it).

export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    id: mirroredId(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    number: text('number').notNull(),
    status: text('status', { enum: ['open', 'acknowledged', 'problem', 'received', 'cancelled'] }).notNull(),
    orderDate: date('order_date', { mode: 'string' }).notNull(),
    /** The delivery date the buyer asked for. */
    requestedDate: date('requested_date', { mode: 'string' }),
    /** The delivery date the supplier promised when acknowledging. */
    promisedDate: date('promised_date', { mode: 'string' }),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
    problemNote: text('problem_note'),
    problemAt: timestamp('problem_at', { withTimezone: true }),
    problemBy: uuid('problem_by').references(() => users.id),
    ...erpColumns(),
    ...erpPdfColumn(),
  },
  (t) => [
    uniqueIndex('purchase_orders_party_number_key').on(t.partyId, t.number),
    uniqueIndex('purchase_orders_erp_key').on(t.erpKey),
    index('purchase_orders_party_date_idx').on(t.partyId, t.orderDate.desc(), t.id.desc()),
    index('purchase_orders_synced_idx').on(t.syncedAt).where(sql`synced_at is not null`),
  ],
);

export const purchaseOrderLines = pgTable(
  'purchase_order_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
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
    uniqueIndex('purchase_order_lines_key').on(t.partyId, t.purchaseOrderId, t.lineNo),
    index('purchase_order_lines_po_idx').on(t.purchaseOrderId),
  ],
);

/**
 * The kinds of compliance document suppliers keep current. Not party data: one catalogue for every
 * supplier. `categories` lists the supplier categories that must keep it (empty: every supplier).
 */
export const documentTypes = pgTable('document_types', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
  requiresExpiry: boolean('requires_expiry').notNull().default(true),
});

/**
 * One uploaded version of a document. The file itself is in the blob store under its SHA-256; this row
 * says whose it is, what it claims to be and where its review stands. A new version lands in quarantine
 * ('submitted') until an operator other than the uploader decides it.
 */
export const documentVersions = pgTable(
  'document_versions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    typeId: uuid('type_id')
      .notNull()
      .references(() => documentTypes.id),
    versionNo: integer('version_no').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    status: text('status', { enum: ['submitted', 'under-review', 'approved', 'rejected', 'superseded'] }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
    /** Set by the expiry job on approved versions: 'expiring' within the warning window, then 'expired'. */
    expiryState: text('expiry_state', { enum: ['current', 'expiring', 'expired'] })
      .notNull()
      .default('current'),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
    reviewerId: uuid('reviewer_id').references(() => users.id),
    reviewStartedAt: timestamp('review_started_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
  },
  (t) => [
    uniqueIndex('document_versions_party_type_version_key').on(t.partyId, t.typeId, t.versionNo),
    // The operators' queue across parties, oldest first.
    index('document_versions_queue_idx').on(t.uploadedAt, t.id).where(sql`status in ('submitted', 'under-review')`),
    // The expiry job's scan of approved versions.
    index('document_versions_expiry_idx').on(t.expiresOn).where(sql`status = 'approved'`),
  ],
);

/** A party's current master data as the ERP may read it: only accepted changes land here. */
export const partyMasterData = pgTable('party_master_data', {
  partyId: uuid('party_id')
    .primaryKey()
    .references(() => parties.id),
  address: jsonb('address').$type<PostalAddress>(),
  bankDetails: jsonb('bank_details').$type<BankDetails>(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** The change request that made the current values (null: loaded from the ERP). */
  changeRequestId: uuid('change_request_id'),
  /** The ERP revision last applied (master data from the ERP applies only a higher one). */
  erpRev: bigint('erp_rev', { mode: 'bigint' }),
  syncedAt: timestamp('synced_at', { withTimezone: true }),
});

/** A credit limit as an echo compares it (minor units as a string; nulls: no limit set). */
export interface CreditLimitValue {
  currency: string | null;
  amountMinor: string | null;
}
/** The value of the field an echo is about: an address, bank details or a credit limit. */
export type EchoValue = PostalAddress | BankDetails | CreditLimitValue;

/**
 * Portal decisions the ERP has yet to echo (design note §6.5): an accepted address, an approved bank
 * change or credit limit. Until the ERP sends the new value back, a sync carrying the old one leaves the
 * portal's value in place; the same value settles it as confirmed; a third value means the ERP changed it
 * itself, and the ERP wins (audited, and for bank details the supplier's admins are mailed).
 */
export const erpPendingEchoes = pgTable(
  'erp_pending_echoes',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    field: text('field', { enum: ['address', 'bank_details', 'credit_limit'] }).notNull(),
    value: jsonb('value').$type<EchoValue>().notNull(),
    previous: jsonb('previous').$type<EchoValue>(),
    eventId: uuid('event_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    outcome: text('outcome', { enum: ['confirmed', 'overridden', 'replaced'] }),
  },
  (t) => [uniqueIndex('erp_pending_echoes_open_key').on(t.partyId, t.field).where(sql`settled_at is null`)],
);

export const changeRequests = pgTable(
  'change_requests',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    kind: text('kind', { enum: ['bank-details', 'address'] }).notNull(),
    status: text('status', { enum: ['pending', 'accepted', 'rejected', 'withdrawn'] }).notNull(),
    proposed: jsonb('proposed').$type<BankDetails | PostalAddress>().notNull(),
    /** The values current when the request was made, so a reviewer sees what changes. */
    previous: jsonb('previous').$type<BankDetails | PostalAddress>(),
    note: text('note'),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    /** Bumped on every change of the row: a decision names the version it saw (optimistic concurrency). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // At most one pending request per kind and party: a second is a clear CONFLICT, not a pile-up.
    uniqueIndex('change_requests_one_pending_key').on(t.partyId, t.kind).where(sql`status = 'pending'`),
    index('change_requests_party_idx').on(t.partyId, t.requestedAt.desc(), t.id.desc()),
    index('change_requests_pending_idx').on(t.requestedAt, t.id).where(sql`status = 'pending'`),
  ],
);
