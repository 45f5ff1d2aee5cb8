import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';

// Note: no tenant column has a default. A row's party is always stated by the code that writes it.
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash'),
    status: text('status', { enum: ['invited', 'active', 'suspended', 'deactivated'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), index('users_party_idx').on(t.partyId, t.id)],
);

/** Roles are data. Built-in roles are seeded by migration; their permissions come from the contract's catalogue. */
export const roles = pgTable(
  'roles',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    key: text('key').notNull(),
    name: text('name').notNull(),
    partyKind: text('party_kind', { enum: ['internal', 'customer', 'supplier'] }).notNull(),
    delegable: boolean('delegable').notNull(),
    builtIn: boolean('built_in').notNull(),
    permissions: text('permissions').array().notNull(),
    // Security policy of the role (null: the global default). A user's effective policy is the strictest
    // of the global one, every role it holds and its party's (see server/src/auth/policy.ts).
    requireTotp: boolean('require_totp').notNull().default(false),
    sessionIdleMinutes: integer('session_idle_minutes'),
    sessionAbsoluteHours: integer('session_absolute_hours'),
    /** CIDR networks the role may be used from; null: any address. */
    ipAllowlist: text('ip_allowlist').array(),
  },
  (t) => [uniqueIndex('roles_key_key').on(t.key)],
);

export const userRoles = pgTable(
  'user_roles',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.partyId, t.userId, t.roleId] })],
);

/** Lucia-style sessions: `id` is public, only SHA-256 of the secret half of the token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    idleExpiresAt: timestamp('idle_expires_at', { withTimezone: true }).notNull(),
    absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** Last time the user proved the password in this session (sign-in or re-authentication). */
    recentAuthAt: timestamp('recent_auth_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.partyId, t.userId)],
);

/** One-time setup token for the first system admin: only its hash is stored; used once. */
export const setupTokens = pgTable('setup_tokens', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  tokenHash: text('token_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/**
 * Invitations: the token is `<id>.<secret>` (only SHA-256 of the secret stored), single use, short-lived.
 * The invited user exists with status `invited` and no password until the invitation is accepted.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    secretHash: text('secret_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (t) => [index('invitations_user_idx').on(t.partyId, t.userId)],
);
