import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Where a stream's sync stands (see server/src/integration/kinetic/sync.ts for how the marks move). */
export interface KineticCursor {
  phase?: 'initial' | 'incremental';
  h0?: number;
  lastKey?: number;
  rev?: number;
  read?: number;
  inRun?: boolean;
  pending?: { rev: number; since: number } | null;
}

/**
 * The Epicor Kinetic connector (issue 16, design note §6): one connection (a singleton row, id 'default'),
 * its streams with their cursors, and the rows it could not apply yet. System data like webhook endpoints:
 * staff with integrations:manage configure the connection on the app pool; the sync job reads the
 * connection and writes cursors and rejects on the sync pool (gatehouse_sync), under the system scope.
 * The API key and the password are sealed (AES-256-GCM under the integration seal key), never shown again.
 */
export const kineticConnections = pgTable('kinetic_connections', {
  id: text('id').primaryKey().default('default'),
  baseUrl: text('base_url').notNull(),
  instance: text('instance').notNull(),
  company: text('company').notNull(),
  authMode: text('auth_mode', { enum: ['basic', 'bearer'] }).notNull(),
  username: text('username').notNull(),
  apiKeySealed: text('api_key_sealed').notNull(),
  passwordSealed: text('password_sealed').notNull(),
  /** PEM bundle trusted in addition to the system's roots (on-premises CAs); TLS verification stays on. */
  caBundle: text('ca_bundle'),
  /** Networks the SSRF guard admits for this connection (an on-premises Kinetic usually sits on one). */
  allowedCidrs: text('allowed_cidrs').array().notNull().default(sql`'{}'::text[]`),
  /** ok | auth_failed (no scheduled run calls Kinetic until an admin saves or tests) | error. */
  state: text('state', { enum: ['ok', 'auth_failed', 'error'] })
    .notNull()
    .default('ok'),
  stateReason: text('state_reason'),
  stateAt: timestamp('state_at', { withTimezone: true, mode: 'date' }),
  /** A pending watermark becomes the committed cursor only after this long (late commits, §6.2). */
  settleMs: integer('settle_ms').notNull().default(120_000),
  pageSize: integer('page_size').notNull().default(500),
  suspendInactive: boolean('suspend_inactive').notNull().default(true),
  reconciledAt: timestamp('reconciled_at', { withTimezone: true, mode: 'date' }),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * One stream per Kinetic entity set. `cursor` is `{ phase, h0?, lastKey?, rev, read, inRun, pending? }`
 * (server/src/integration/kinetic/sync.ts): written in the transaction of every page it covers.
 */
export const kineticStreams = pgTable(
  'kinetic_streams',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => kineticConnections.id),
    stream: text('stream').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    mode: text('mode', { enum: ['bo', 'baq'] })
      .notNull()
      .default('bo'),
    pollSeconds: integer('poll_seconds').notNull().default(60),
    cursor: jsonb('cursor').$type<KineticCursor>().notNull().default(sql`'{}'::jsonb`),
    lastRunAt: timestamp('last_run_at', { withTimezone: true, mode: 'date' }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    lastRunRows: integer('last_run_rows').notNull().default(0),
    rowsTotal: bigint('rows_total', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.stream] })],
);

/** A row the mirror writer refused (an unknown party…): retried every run until it applies. */
export const kineticRejects = pgTable(
  'kinetic_rejects',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => kineticConnections.id),
    stream: text('stream').notNull(),
    erpKey: text('erp_key').notNull(),
    reason: text('reason').notNull(),
    /** The row as the mirror writer takes it (ERP references only, no secrets). */
    row: jsonb('row').$type<Record<string, unknown>>().notNull(),
    rev: bigint('rev', { mode: 'bigint' }).notNull(),
    firstSeen: timestamp('first_seen', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true, mode: 'date' }).notNull(),
    attempts: integer('attempts').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.stream, t.erpKey] })],
);
