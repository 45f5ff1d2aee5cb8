import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { integrationEvents } from './integrations.ts';
import { users } from './users.ts';

/**
 * Outbound webhook endpoints (Standard Webhooks 1.0). System data under the system-only policy: staff with
 * integrations:manage configure them, the delivery worker reads them under the system scope. The signing
 * secret is sealed (AES-256-GCM, its own derived key), never hashed: we must sign with it. During a rotation
 * the previous secret stays until `previous_until`, and both sign. `allowed_cidrs` admits private or loopback
 * addresses for this endpoint only (the SSRF guard refuses them otherwise). `fanout_cursor` is the last outbox
 * id turned into deliveries for this endpoint: an endpoint receives the events recorded after its creation.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  /** Event types delivered; empty: every type. */
  eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  disabledReason: text('disabled_reason'),
  secretSealed: text('secret_sealed').notNull(),
  previousSecretSealed: text('previous_secret_sealed'),
  previousUntil: timestamp('previous_until', { withTimezone: true, mode: 'date' }),
  secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true, mode: 'date' }),
  allowedCidrs: text('allowed_cidrs').array().notNull().default(sql`'{}'::text[]`),
  fanoutCursor: bigint('fanout_cursor', { mode: 'bigint' }).notNull(),
  /** The outbox id when the endpoint was made: the fan-out never looks behind it. */
  startCursor: bigint('start_cursor', { mode: 'bigint' }).notNull(),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * One delivery of one outbox event to one endpoint. A replay adds another row for the same pair (same
 * `webhook-id`). A claimed row's `next_attempt_at` is pushed out by a lease while it is being sent, so a
 * crashed instance's delivery is retried, never lost.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => integrationEvents.eventId),
    state: text('state', { enum: ['pending', 'delivered', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    /** The user whose replay made this row (null: the fan-out). */
    replayedBy: uuid('replayed_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    index('webhook_deliveries_endpoint_event_idx').on(t.endpointId, t.eventId),
  ],
);
