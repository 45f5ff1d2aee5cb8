import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** A job's outcome counts so far; `applied` once it finished (false: an atomic job refused, or a dry run). */
export interface ImportCounts {
  created?: number;
  updated?: number;
  unchanged?: number;
  rejected?: number;
  applied?: boolean;
}

/** One row of a job's error report (line 0: the file as a whole). */
export interface ImportReportRow {
  line: number;
  column: string;
  value: string;
  message: string;
}

/**
 * CSV import jobs (issue 15, docs/csv-import.md): one row per uploaded file, with its phase and live counts
 * for the progress bar and, at the end, the row errors (at most 1,000) the report CSV is made from. The
 * import's data is written by the mirror writer on the sync pool; this row is the app's, updated outside
 * that transaction so progress shows while it runs. `source` is who imports (an integration's id, or
 * `portal` for staff in the SPA): a partial unique index lets one job per source run at a time, across
 * instances. Internal data: system/staff scope only (RLS).
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source').notNull(),
    entity: text('entity').notNull(),
    mode: text('mode', { enum: ['atomic', 'partial'] }).notNull(),
    dryRun: boolean('dry_run').notNull(),
    encoding: text('encoding').notNull(),
    fileName: text('file_name'),
    /** upload, parse, validate, apply while running; done or failed at the end. */
    phase: text('phase').notNull().default('upload'),
    /** The user who started it (SPA), or null for an integration key. */
    actorUserId: uuid('actor_user_id'),
    keyId: text('key_id'),
    sha256: text('sha256'),
    bytesTotal: bigint('bytes_total', { mode: 'number' }),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    /** CSV rows (lines of the file after the header) and records (documents: a header with its lines). */
    rowsRead: integer('rows_read').notNull().default(0),
    recordsTotal: integer('records_total'),
    recordsChecked: integer('records_checked').notNull().default(0),
    recordsApplied: integer('records_applied').notNull().default(0),
    counts: jsonb('counts').$type<ImportCounts>().notNull().default({}),
    /** Refused before or while reading: the reason (a bad header, an encoding, a limit, a crash). */
    message: text('message'),
    errors: jsonb('errors').$type<ImportReportRow[]>().notNull().default([]),
    errorsTotal: integer('errors_total').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('import_jobs_one_running_per_source').on(t.source).where(sql`phase not in ('done', 'failed')`),
    index('import_jobs_created_idx').on(t.createdAt),
  ],
);
