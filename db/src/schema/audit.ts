import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

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
    details: jsonb('details').$type<Record<string, unknown>>(),
    // Tamper evidence (migration 0010, docs/adr/0002-audit-hash-chain.md): one chain per party (and one
    // for events outside any party), each entry hashing its content and its predecessor's hash. Set by a
    // trigger, never by the app.
    // The app inserts NULL here and the trigger fills the chain columns before NOT NULL is checked.
    chainKey: text('chain_key')
      .notNull()
      .$defaultFn(() => sql`null`),
    chainSeq: bigint('chain_seq', { mode: 'bigint' })
      .notNull()
      .$defaultFn(() => sql`null`),
    prevHash: bytea('prev_hash'),
    hash: bytea('hash')
      .notNull()
      .$defaultFn(() => sql`null`),
  },
  (t) => [
    // Keyset search orders by (at, id): indexes that match it let a page stop after 50 rows instead of
    // sorting a whole party (measured with pnpm bench:audit over 5M entries, docs/benchmarks.md).
    index('audit_party_at_idx').on(t.partyId, t.at.desc(), t.id.desc()),
    index('audit_party_action_at_idx').on(t.partyId, t.action, t.at.desc(), t.id.desc()),
    index('audit_actor_at_idx').on(t.actorUserId, t.at.desc(), t.id.desc()),
    index('audit_at_idx').on(t.at.desc(), t.id.desc()),
    uniqueIndex('audit_chain_idx').on(t.chainKey, t.chainSeq),
  ],
);

/**
 * The head of each audit chain: its last sequence number and hash. Updating it row-locks the chain until
 * the inserting transaction commits, so entries of one chain are numbered in commit order while different
 * parties' chains proceed in parallel. A cache only: verification recomputes everything from the entries.
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  chainKey: text('chain_key').primaryKey(),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
  hash: bytea('hash').notNull(),
});
