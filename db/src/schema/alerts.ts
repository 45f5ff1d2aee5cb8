import { bigserial, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/**
 * Security alerts for internal staff (failed sign-in spikes, lockouts, a new system admin, a weakened
 * policy, a large export). Internal data: no party column, reached only through the staff scope.
 */
export const alerts = pgTable('alerts', {
  id: bigserial('id', { mode: 'bigint' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  rule: text('rule').notNull(),
  severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
  title: text('title').notNull(),
  /**
   * The title as a catalogue key and its values ({ key, values }: the SPA words it as admin.alert.<key> in
   * the reader's language, docs/i18n.md); null for alerts raised before it existed, which show `title`.
   */
  text: jsonb('text').$type<{ key: string; values: Record<string, string | number | string[]> }>(),
  /** Free-form per rule (counts, names, ids): what the alert's text does not say. */
  details: jsonb('details').$type<Record<string, unknown>>(),
  acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
});
