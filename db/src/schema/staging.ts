import type { BatchResult } from '@gatehouse/contract';
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * SQL staging (issue 15, design note §7.5): ERPs that can only push rows into a database INSERT them here
 * as their own login role (`pnpm gatehouse sql-loader create`), then a manifest naming the batch and its
 * row count; the merge job (as gatehouse_sync) feeds complete batches through the mirror writer and writes
 * `batch_results`, which each loader reads for its own batches only. Rows are jsonb in the exact shape of
 * the REST batch rows, validated by the same zod schemas (one rule, never trusted). `loader` defaults to
 * the inserting role and is not in the loaders' column grants, so a loader cannot name another. Roles,
 * grants and the forced RLS policies are in the migration (0029_sql-staging).
 */
export const erpStaging = pgSchema('erp_staging');

/** A rejected row of a batch: its seq (from 1), its key when it had one, and why. */
export interface StagingRowErrors {
  seq: number;
  key: string | null;
  errors: { path: string; message: string }[];
}

/** The loaders made for this database (roles are cluster-wide; only these are merged here). */
export const stagingLoaders = erpStaging.table('loaders', {
  name: text('name').primaryKey(),
  role: text('role').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  rotatedAt: timestamp('rotated_at', { withTimezone: true }),
});

/** One staging table per batch entity (the REST endpoint's name, with underscores). */
export const STAGING_TABLES = {
  parties: 'parties',
  'master-data': 'master_data',
  'credit-limits': 'credit_limits',
  orders: 'orders',
  invoices: 'invoices',
  shipments: 'shipments',
  'purchase-orders': 'purchase_orders',
  payments: 'payments',
} as const;

const stagingTable = (name: string) =>
  erpStaging.table(
    name,
    {
      loader: text('loader').notNull().default(sql`current_user`),
      batchId: text('batch_id').notNull(),
      seq: integer('seq').notNull(),
      row: jsonb('row').$type<Record<string, unknown>>().notNull(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.loader, t.batchId, t.seq] }), index(`${name}_created_idx`).on(t.createdAt)],
  );

export const stagedParties = stagingTable('parties');
export const stagedMasterData = stagingTable('master_data');
export const stagedCreditLimits = stagingTable('credit_limits');
export const stagedOrders = stagingTable('orders');
export const stagedInvoices = stagingTable('invoices');
export const stagedShipments = stagingTable('shipments');
export const stagedPurchaseOrders = stagingTable('purchase_orders');
export const stagedPayments = stagingTable('payments');

/**
 * The manifest: written by the loader after all rows of its batch. `state` is the merge job's ('ready'
 * until it has run); a (loader, batch id) is used once.
 */
export const stagingManifests = erpStaging.table(
  'manifests',
  {
    loader: text('loader').notNull().default(sql`current_user`),
    batchId: text('batch_id').notNull(),
    entity: text('entity').notNull(),
    rowCount: integer('row_count').notNull(),
    mode: text('mode').notNull().default('atomic'),
    state: text('state').notNull().default('ready'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.loader, t.batchId] }), index('manifests_state_idx').on(t.state, t.createdAt)],
);

/** What became of each batch: merged, rejected (atomic, with row errors) or failed (count mismatch). */
export const stagingBatchResults = erpStaging.table(
  'batch_results',
  {
    loader: text('loader').notNull(),
    batchId: text('batch_id').notNull(),
    entity: text('entity').notNull(),
    mode: text('mode').notNull(),
    outcome: text('outcome').notNull(),
    message: text('message'),
    rowCount: integer('row_count').notNull(),
    stagedCount: integer('staged_count').notNull(),
    counts: jsonb('counts').$type<BatchResult['counts']>().notNull(),
    /** [{ seq, key, errors: [{ path, message }] }] for every rejected row. */
    errors: jsonb('errors').$type<StagingRowErrors[]>().notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.loader, t.batchId] }), index('batch_results_finished_idx').on(t.finishedAt)],
);
