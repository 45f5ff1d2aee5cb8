import type { BatchResult, IntegrationEvent } from '@gatehouse/contract';
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { users } from './users.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * An integration is a non-human principal (an ERP, a middleware job) owned by the internal organisation.
 * It is not a user: it has no password, no session and no roles, only keys with scopes. System data: no
 * party column, reached only through the system or staff scope.
 */
export const integrations = pgTable('integrations', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: text('name').notNull().unique(),
  kind: text('kind', { enum: ['rest'] })
    .notNull()
    .default('rest'),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  /**
   * The integration is a source of ERP data: when the ERP marks a customer or supplier inactive, suspend
   * its portal access (the default). Changing it is audited.
   */
  suspendInactive: boolean('suspend_inactive').notNull().default(true),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * An integration's API keys. The token is `ghk_<id>_<secret>`; only an HMAC of the secret is kept, so a
 * copy of the database opens nothing. Expiry is mandatory; an empty scope list grants nothing; the CIDR
 * list is required (0.0.0.0/0 must be written out to mean "anywhere").
 */
export const integrationKeys = pgTable(
  'integration_keys',
  {
    id: text('id').primaryKey(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    secretHmac: bytea('secret_hmac').notNull(),
    scopes: text('scopes').array().notNull(),
    ipAllowlist: text('ip_allowlist').array().notNull(),
    requestsPerMinute: integer('requests_per_minute').notNull(),
    /** Rows a minute the key may send in batches (counted like requests, across instances). */
    rowsPerMinute: integer('rows_per_minute').notNull().default(120_000),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    lastUsedIp: text('last_used_ip'),
    /**
     * The addresses this key has been used from (the most recent 50), so only a truly new one is audited
     * and alerts: an ERP behind two egress addresses alternating between them is not news every minute.
     */
    seenIps: text('seen_ips').array().notNull().default(sql`'{}'::text[]`),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedBy: uuid('revoked_by').references(() => users.id),
    /** The key this one was rotated from (that one then expires after the overlap window). */
    replaces: text('replaces'),
    /** The daily job mailed its expiry warning (once per key). */
    expiryWarnedAt: timestamp('expiry_warned_at', { withTimezone: true, mode: 'date' }),
    /** The daily job last mailed that the key goes unused (again at most once per unused period). */
    unusedWarnedAt: timestamp('unused_warned_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('integration_keys_integration_idx').on(t.integrationId)],
);

/**
 * The outbox of decisions the ERP must learn about, written in the same transaction as the decision
 * (a PO acknowledgement, an approved bank change...). Party data under forced RLS: a party's own change
 * writes its own event; the pull feed reads them under the system scope. `id` is the feed's total order;
 * `event_id` is the consumer's idempotency key.
 */
export const integrationEvents = pgTable(
  'integration_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    eventId: uuid('event_id').notNull().unique().default(sql`gen_random_uuid()`),
    type: text('type').notNull(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    subject: jsonb('subject').$type<IntegrationEvent['subject']>().notNull(),
    payload: jsonb('payload').$type<IntegrationEvent['payload']>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('integration_events_party_idx').on(t.partyId, t.id)],
);

/**
 * Stripe-style idempotency for batch POSTs: one row per (integration, endpoint, key). The finished row is
 * written in the same transaction as the batch's data, so after a crash there is either both or neither;
 * a concurrent duplicate is held off by a transaction-scoped advisory lock on the same triple. Replays
 * return the stored status and body. System data, pruned after `expires_at`.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    endpoint: text('endpoint').notNull(),
    key: text('key').notNull(),
    requestSha256: text('request_sha256').notNull(),
    status: smallint('status').notNull(),
    response: jsonb('response').$type<BatchResult>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.endpoint, t.key] }),
    index('idempotency_keys_expiry_idx').on(t.expiresAt),
  ],
);
