import { bigint, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// Events that no user action causes (docs/notifications.md, ADR 0025): rows the ERP mirror writer created or
// changed, and compliance documents nearing their expiry. The notification-sources job finds them and calls
// notify(); these two tables make that exactly once per row version. System data (no party_id): only a
// system-scope transaction reads or writes them (RLS policy `system_only`).

/**
 * The last version of each source row that was announced: `source` is what the row is (`invoice`,
 * `shipment`, `purchase-order`, or `document-expiring-<days>` for an expiry threshold), `rev` its ERP
 * revision (0 for a threshold). An upsert that raises `rev` claims the announcement, so a second run, a
 * restart or a second instance announces nothing twice.
 */
export const notificationSources = pgTable(
  'notification_sources',
  {
    source: text('source').notNull(),
    entityId: uuid('entity_id').notNull(),
    rev: bigint('rev', { mode: 'bigint' }).notNull(),
    notifiedAt: timestamp('notified_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.entityId] })],
);

/**
 * How far the job has read each mirrored table, by `synced_at` (it re-reads an hour before it, so a batch
 * that committed late is still seen; notification_sources keeps the overlap from announcing twice).
 */
export const notificationCursors = pgTable('notification_cursors', {
  source: text('source').primaryKey(),
  syncedUntil: timestamp('synced_until', { withTimezone: true, mode: 'date' }).notNull(),
});
