import { bigint, customType, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Uploaded files in PostgreSQL (FILES_STORE=postgres, see docs/adr/0004): the bytes live in `blob_chunks`
 * (1 MiB rows, so no file is ever held whole in memory), grouped by a content id. A content id is either
 * staged (`blob_staging`: an upload in flight) or committed under its SHA-256 (`blobs`), never both.
 * Committing is one row insert, not a copy of the bytes. No party column: a blob is reached only through
 * a `document_versions` row (party-scoped, RLS) that names its hash, and two parties uploading the same
 * bytes share one blob. The tables are system-only under forced RLS (the multi-instance migration).
 */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  contentId: uuid('content_id').notNull().unique(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const blobStaging = pgTable(
  'blob_staging',
  {
    contentId: uuid('content_id').primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('blob_staging_created_idx').on(t.createdAt)],
);

export const blobChunks = pgTable(
  'blob_chunks',
  {
    contentId: uuid('content_id').notNull(),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.seq] })],
);

/**
 * The last start of each periodic job, shared by every server instance: a run first claims its period
 * here (one conditional upsert), so a job runs once per period however many instances are up.
 */
export const jobRuns = pgTable('job_runs', {
  name: text('name').primaryKey(),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true, mode: 'date' }).notNull(),
  lastStartedBy: text('last_started_by').notNull(),
});
