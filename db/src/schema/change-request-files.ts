import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { changeRequests } from './supplier.ts';
import { users } from './users.ts';

/**
 * Evidence for a bank-detail change: a bank letter or a voided cheque the supplier attaches, for the
 * approvers to check the new account against. The file is in the blob store under its SHA-256; this row
 * says whose it is. Appended, never edited or deleted (history of what the approvers saw).
 */
export const changeRequestAttachments = pgTable(
  'change_request_attachments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    changeRequestId: uuid('change_request_id')
      .notNull()
      .references(() => changeRequests.id),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('change_request_attachments_request_idx').on(t.changeRequestId, t.uploadedAt)],
);
