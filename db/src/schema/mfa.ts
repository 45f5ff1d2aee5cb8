import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { users } from './users.ts';

/**
 * TOTP (RFC 6238) per user. The secret is sealed (AES-256-GCM, key derived from GATEHOUSE_SECRET), so a
 * database dump alone does not yield codes. confirmed_at is null while enrolment is pending.
 * last_used_step makes each time step's code usable once (replay protection), atomically.
 */
export const mfaTotp = pgTable('mfa_totp', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  partyId: uuid('party_id')
    .notNull()
    .references(() => parties.id),
  secretSealed: text('secret_sealed').notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
  lastUsedStep: integer('last_used_step'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Single-use recovery codes: SHA-256 of each (they are random, 50 bits), never the code. */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('mfa_recovery_user_idx').on(t.partyId, t.userId)],
);

/**
 * "Second factor pending": what a correct password earns instead of a session. Short-lived, single use,
 * token `<id>.<secret>` with only the secret's hash stored. The password is never kept.
 */
export const loginChallenges = pgTable('login_challenges', {
  id: text('id').primaryKey(),
  partyId: uuid('party_id')
    .notNull()
    .references(() => parties.id),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  secretHash: text('secret_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
});
