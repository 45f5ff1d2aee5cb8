import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { purchaseOrders } from './supplier.ts';
import { users } from './users.ts';

// Message threads on purchase orders (issue 19 item 4): the supplier and the buyer's operators write on a
// PO; "Flag a problem" opens (or reopens) its thread; an operator resolves it. Party tables led by party_id
// (the supplier's): RLS and the data layer both scope by it, also for the operators' own messages and reads.

/** One thread per purchase order, created by its first message. */
export const poThreads = pgTable(
  'po_threads',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    status: text('status', { enum: ['open', 'resolved'] }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
    lastAuthorSide: text('last_author_side', { enum: ['supplier', 'staff'] }).notNull(),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** What the operator wrote on resolving (the supplier reads it). */
    resolution: text('resolution'),
    /** Bumped on every change: resolving names the version the operator saw (optimistic concurrency). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('po_threads_po_key').on(t.partyId, t.purchaseOrderId),
    // The operators' open threads across suppliers, newest activity first.
    index('po_threads_open_idx').on(t.lastMessageAt).where(sql`status = 'open'`),
  ],
);

/** The messages, oldest first; `problem` marks the ones "Flag a problem" wrote. Append-only. */
export const poThreadMessages = pgTable(
  'po_thread_messages',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => poThreads.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    authorSide: text('author_side', { enum: ['supplier', 'staff'] }).notNull(),
    kind: text('kind', { enum: ['message', 'problem'] }).notNull(),
    body: text('body').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('po_thread_messages_thread_idx').on(t.partyId, t.threadId, t.at)],
);

/** Files on a thread (through the upload route's checks); the bytes are in the blob store by SHA-256. */
export const poThreadAttachments = pgTable(
  'po_thread_attachments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => poThreads.id),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploaderSide: text('uploader_side', { enum: ['supplier', 'staff'] }).notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('po_thread_attachments_thread_idx').on(t.partyId, t.threadId, t.uploadedAt)],
);

/**
 * How far each user has read a thread: a message of the other side newer than `read_at` is unread for
 * them. One row per thread and reader, in the thread's party (an operator's row too).
 */
export const poThreadReads = pgTable(
  'po_thread_reads',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => poThreads.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('po_thread_reads_key').on(t.partyId, t.threadId, t.userId)],
);
