import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only: the app role has INSERT and SELECT only (see migration 0002), and a trigger refuses
 * UPDATE/DELETE/TRUNCATE. party_id is null for events outside any party (e.g. a failed sign-in for an
 * unknown address).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    partyId: uuid('party_id'),
    actorUserId: uuid('actor_user_id'),
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    outcome: text('outcome', { enum: ['success', 'failure', 'denied'] }).notNull(),
    /** Set when internal staff acted across parties, so cross-party access is visible in the trail. */
    crossParty: boolean('cross_party').notNull().default(false),
    requestId: text('request_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details'),
  },
  (t) => [index('audit_party_at_idx').on(t.partyId, t.at.desc()), index('audit_at_idx').on(t.at.desc())],
);
