import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { invoices } from './business.ts';
import { parties } from './parties.ts';
import { users } from './users.ts';

// Accounts payable's side of an invoice: queries (disputes) with their thread and files, and remittance
// advice. Party tables, led by party_id like the others (RLS and the data layer both scope by it).

/** A customer's query on an invoice, or on one of its lines; open until staff resolve or reject it. */
export const invoiceQueries = pgTable(
  'invoice_queries',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    /** The queried line (invoice_lines.line_no, or the order line an older invoice shows); null: the whole invoice. */
    lineNo: integer('line_no'),
    reason: text('reason', { enum: ['price', 'quantity', 'not-received', 'damaged', 'other'] }).notNull(),
    status: text('status', { enum: ['open', 'resolved', 'rejected'] }).notNull(),
    raisedBy: uuid('raised_by')
      .notNull()
      .references(() => users.id),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
    lastAuthorSide: text('last_author_side', { enum: ['customer', 'staff'] }).notNull(),
    closedBy: uuid('closed_by').references(() => users.id),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Why it was resolved or rejected (the customer reads it). */
    resolution: text('resolution'),
    /** Bumped on every change: a decision names the version it saw (optimistic concurrency). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('invoice_queries_party_idx').on(t.partyId, t.raisedAt.desc(), t.id.desc()),
    // "Open query" on an invoice (list badge, detail) and the queries of one invoice.
    index('invoice_queries_invoice_idx').on(t.invoiceId),
    // The staff queue: open queries across parties, oldest first.
    index('invoice_queries_open_idx').on(t.raisedAt, t.id).where(sql`status = 'open'`),
  ],
);

/** The thread: the raising message first, then replies from either side. Append-only. */
export const invoiceQueryMessages = pgTable(
  'invoice_query_messages',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    queryId: uuid('query_id')
      .notNull()
      .references(() => invoiceQueries.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    authorSide: text('author_side', { enum: ['customer', 'staff'] }).notNull(),
    body: text('body').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('invoice_query_messages_query_idx').on(t.queryId, t.at)],
);

/** Files added to a query (through the upload route's checks); the bytes are in the blob store by SHA-256. */
export const invoiceQueryAttachments = pgTable(
  'invoice_query_attachments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    queryId: uuid('query_id')
      .notNull()
      .references(() => invoiceQueries.id),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('invoice_query_attachments_query_idx').on(t.queryId, t.uploadedAt)],
);

/** A customer's remittance advice: one payment, its reference and date, and what it settles. */
export const remittances = pgTable(
  'remittances',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    reference: text('reference').notNull(),
    paymentDate: date('payment_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'bigint' }).notNull(),
    note: text('note'),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('remittances_party_idx').on(t.partyId, t.submittedAt.desc(), t.id.desc())],
);

/**
 * One invoice or credit note a remittance settles, with the open balance it had when advised. The invoice
 * shows "payment advised" while it is still open with that same balance: the ERP's payment (through the
 * mirror) lowers the balance or marks it paid, and the advice is then settled without anyone touching it.
 */
export const remittanceLines = pgTable(
  'remittance_lines',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    remittanceId: uuid('remittance_id')
      .notNull()
      .references(() => remittances.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    openMinorAtAdvice: bigint('open_minor_at_advice', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    uniqueIndex('remittance_lines_key').on(t.partyId, t.remittanceId, t.invoiceId),
    index('remittance_lines_invoice_idx').on(t.invoiceId),
  ],
);
