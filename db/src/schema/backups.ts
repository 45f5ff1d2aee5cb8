import { bigint, bigserial, boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One check of a restore drill, with its result. */
export interface BackupCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A backup run: what it holds; a verify run: its checks; a failed run: at most the error. */
export interface BackupRunDetails {
  database?: { included: true; tables: number; consistentAt: string } | { included: false };
  files?: number;
  copiedTo?: string | null;
  s3CopiedTo?: string | null;
  removed?: string[];
  checks?: BackupCheck[];
}

/**
 * One row per backup taken and per restore drill (`backup verify`), by the CLI or the schedule: what
 * the security posture page shows and the staleness alert reads. Internal data, system/staff scope only.
 */
export const backupRuns = pgTable('backup_runs', {
  id: bigserial('id', { mode: 'bigint' }).primaryKey(),
  kind: text('kind', { enum: ['backup', 'verify'] }).notNull(),
  /** The backup's name (gatehouse-<UTC time>); empty when a backup failed before it had one. */
  backupId: text('backup_id').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  ok: boolean('ok').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
  durationMs: integer('duration_ms').notNull(),
  /** Backup: what it holds; verify: each check with its result. */
  details: jsonb('details').$type<BackupRunDetails>().notNull().default({}),
  error: text('error'),
});
