import { and, asc, count, eq, gt, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { parties, roles, userPreferences, userRoles, users } from '../schema/index.ts';
import { BadCursor } from './paging.ts';
import { policyColumns } from './policies.ts';
import { partyPredicate, writeParty } from './scope.ts';

export type UserRow = typeof users.$inferSelect;

/** Sign-in lookup by address (system scope: the party is not known yet). */
export async function findForLogin(tx: Tx, email: string) {
  const [row] = await tx.db
    .select({
      id: users.id,
      partyId: users.partyId,
      email: users.email,
      displayName: users.displayName,
      passwordHash: users.passwordHash,
      status: users.status,
      partyStatus: parties.status,
      ...policyColumns(users.id, users.partyId),
    })
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .where(eq(users.email, email));
  return row;
}

export async function create(
  tx: Tx,
  input: {
    partyId?: string;
    email: string;
    displayName: string;
    passwordHash: string | null;
    status: UserRow['status'];
  },
) {
  const [row] = await tx.db
    .insert(users)
    .values({ ...input, partyId: writeParty(tx, input.partyId) })
    .returning({ id: users.id, partyId: users.partyId });
  return row as { id: string; partyId: string };
}

export async function grantRoles(tx: Tx, userId: string, partyId: string | undefined, roleKeys: string[]) {
  const party = writeParty(tx, partyId);
  const found = await tx.db.select({ id: roles.id }).from(roles).where(inArray(roles.key, roleKeys));
  if (found.length !== roleKeys.length) throw new Error(`unknown role among ${roleKeys.join(', ')}`);
  await tx.db.insert(userRoles).values(found.map((r) => ({ partyId: party, userId, roleId: r.id })));
}

export async function setPasswordHash(tx: Tx, userId: string, hash: string) {
  await tx.db
    .update(users)
    .set({ passwordHash: hash })
    .where(and(eq(users.id, userId), partyPredicate(tx, users.partyId)));
}

export async function markSignedIn(tx: Tx, userId: string) {
  await tx.db
    .update(users)
    .set({ lastSignInAt: sql`now()` })
    .where(and(eq(users.id, userId), partyPredicate(tx, users.partyId)));
}

/** Users holding a role with this key (system scope): "is there a system admin yet?" */
export async function countWithRole(tx: Tx, roleKey: string): Promise<number> {
  const [row] = await tx.db
    .select({ n: count() })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(and(eq(roles.key, roleKey), eq(users.status, 'active'), partyPredicate(tx, userRoles.partyId)));
  return row?.n ?? 0;
}

/** The stored hash of a user of the current scope, for re-checking a password. */
export async function passwordHash(tx: Tx, userId: string): Promise<string | null> {
  const [row] = await tx.db
    .select({ hash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, userId), partyPredicate(tx, users.partyId)));
  return row?.hash ?? null;
}

/** Password-reset lookup by address (system scope). */
export async function findByEmail(tx: Tx, email: string) {
  const [row] = await tx.db
    .select({
      id: users.id,
      partyId: users.partyId,
      status: users.status,
      displayName: users.displayName,
      partyStatus: parties.status,
      /** Never accepted an invitation (no password ever set): a revoked invitation may be sent again. */
      neverActivated: sql<boolean>`${users.passwordHash} is null`,
    })
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .where(eq(users.email, email));
  return row;
}

export async function findById(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({ id: users.id, email: users.email, displayName: users.displayName, status: users.status })
    .from(users)
    .where(and(eq(users.id, id), partyPredicate(tx, users.partyId)));
  return row;
}

/** Roles by key with what the grant rule needs (roles are data, global: no party). */
export async function rolesByKeys(tx: Tx, keys: string[]) {
  if (keys.length === 0) return [];
  return tx.db
    .select({
      key: roles.key,
      partyKind: roles.partyKind,
      delegable: roles.delegable,
      permissions: roles.permissions,
    })
    .from(roles)
    .where(inArray(roles.key, keys));
}

/** Replaces a user's roles (current scope). */
export async function setRoles(tx: Tx, userId: string, partyId: string, roleKeys: string[]) {
  await tx.db.delete(userRoles).where(and(eq(userRoles.userId, userId), partyPredicate(tx, userRoles.partyId)));
  if (roleKeys.length > 0) await grantRoles(tx, userId, partyId, roleKeys);
}

/**
 * A user as an administrator acting on it sees it: status, party kind and the union of its role
 * permissions (for the rule that nobody administers someone holding more than they do). Locked FOR
 * UPDATE of the user row, so two admins acting at once are serialised.
 */
export async function getForAdmin(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({
      id: users.id,
      partyId: users.partyId,
      email: users.email,
      displayName: users.displayName,
      status: users.status,
      partyKind: parties.kind,
      partyName: parties.name,
      permissions: sql<
        string[]
      >`coalesce((select array_agg(distinct p) from ${userRoles} ur join ${roles} r on r.id = ur.role_id, unnest(r.permissions) p where ur.user_id = ${users.id} and ur.party_id = ${users.partyId}), '{}')`,
    })
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .where(and(eq(users.id, id), partyPredicate(tx, users.partyId)))
    .for('update', { of: users });
  return row;
}

export async function activate(tx: Tx, userId: string, passwordHash: string) {
  const rows = await tx.db
    .update(users)
    .set({ status: 'active', passwordHash })
    .where(and(eq(users.id, userId), eq(users.status, 'invited'), partyPredicate(tx, users.partyId)))
    .returning({ id: users.id });
  return rows.length === 1;
}

export type UserStatus = UserRow['status'];

export interface ListUsers {
  partyId?: string;
  status?: UserStatus;
  search?: string;
  role?: string;
  /** Only users whose sign-in is blocked now (see `lockedNow`). */
  locked?: LockedRule;
  cursor?: string;
  limit: number;
}

/** The throttle's limits and the time "now" for `lockedNow`. */
export interface LockedRule {
  now: Date;
  perAccount: number;
  perAccountIp: number;
}

/**
 * A user whose sign-in the throttle blocks now: the account over its daily failures, or any account + IP
 * pair in back-off (what users.unlock clears). The throttle keys an account by the first 32 characters of
 * base64url(SHA-256(lower-case email)) (server/src/auth/throttle.ts); this computes the same key in SQL.
 */
export function lockedNow(rule: LockedRule): SQL {
  const account = sql`left(translate(encode(sha256(convert_to(${users.email}, 'UTF8')), 'base64'), '+/', '-_'), 32)`;
  const now = rule.now.toISOString();
  return sql`(exists (select 1 from auth_throttle t where t.key = 'login:acct:' || ${account}
                 and t.expire > ${now}::timestamptz and t.points > ${rule.perAccount})
           or exists (select 1 from auth_throttle t where starts_with(t.key, 'login:acct-ip:' || ${account} || ':')
                 and t.expire > ${now}::timestamptz and t.points > ${rule.perAccountIp}))`;
}

const hasTotp = sql<boolean>`exists (select 1 from mfa_totp m where m.user_id = ${users.id} and m.confirmed_at is not null)`;

const adminSummary = {
  id: users.id,
  partyId: users.partyId,
  partyName: parties.name,
  email: users.email,
  displayName: users.displayName,
  status: users.status,
  roles: sql<
    string[]
  >`coalesce((select array_agg(r.key order by r.key) from ${userRoles} ur join ${roles} r on r.id = ur.role_id where ur.user_id = ${users.id} and ur.party_id = ${users.partyId}), '{}')`,
  totp: hasTotp,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
};

/**
 * Users of the current scope by address (unique), keyset-paged: the cursor is the last address seen.
 * Filters: status, a role key, and a case-insensitive "contains" over address and name.
 */
export async function listForAdmin(tx: Tx, q: ListUsers) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, users.partyId, q.partyId)];
  if (q.status) where.push(eq(users.status, q.status));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.email, pattern), ilike(users.displayName, pattern)));
  }
  if (q.role) {
    where.push(
      sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
                  where ur.user_id = ${users.id} and ur.party_id = ${users.partyId} and r.key = ${q.role})`,
    );
  }
  if (q.locked) where.push(lockedNow(q.locked));
  if (q.cursor) {
    const after = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (!after.includes('@') || after.length > 254) throw new BadCursor();
    where.push(gt(users.email, after));
  }
  const rows = await tx.db
    .select(adminSummary)
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .where(and(...where))
    .orderBy(asc(users.email))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? Buffer.from(last.email).toString('base64url') : null };
}

/** One user as the users list shows it (current scope). */
export async function summaryById(tx: Tx, id: string) {
  const [row] = await tx.db
    .select(adminSummary)
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .where(and(eq(users.id, id), partyPredicate(tx, users.partyId)));
  return row;
}

export async function allRoles(tx: Tx) {
  return tx.db
    .select({
      key: roles.key,
      name: roles.name,
      partyKind: roles.partyKind,
      delegable: roles.delegable,
      permissions: roles.permissions,
    })
    .from(roles)
    .orderBy(roles.partyKind, roles.key);
}

export async function setStatus(tx: Tx, userId: string, status: UserStatus) {
  await tx.db
    .update(users)
    .set({ status })
    .where(and(eq(users.id, userId), partyPredicate(tx, users.partyId)));
}

/**
 * Active users of a party other than `except` holding `permission` through a role: "is there another
 * admin left?". The caller holds the party's admin lock (lockPartyAdmins) so two removals cannot race.
 */
export async function countOthersWith(tx: Tx, partyId: string, permission: string, except: string) {
  const [row] = await tx.db
    .select({ n: count() })
    .from(users)
    .where(
      and(
        eq(users.partyId, partyId),
        partyPredicate(tx, users.partyId),
        eq(users.status, 'active'),
        sql`${users.id} <> ${except}`,
        sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
                    where ur.user_id = ${users.id} and ur.party_id = ${users.partyId} and ${permission} = any(r.permissions))`,
      ),
    );
  return row?.n ?? 0;
}

/** Serialises changes to a party's administrators (role changes, deactivations) for this transaction. */
export async function lockPartyAdmins(tx: Tx, partyId: string) {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`party-admins:${partyId}`}, 0))`);
}

/**
 * Suspends active users who have not signed in since `cutoff` (or, never signed in, were created before
 * it), at most `limit` per call; only one caller at a time gets the job's advisory lock (several
 * instances may run the job). Returns who was suspended, or null when another instance holds the lock.
 */
export async function suspendDormant(tx: Tx, cutoff: Date, limit: number) {
  const [lock] = await tx.db.execute<{ ok: boolean }>(
    sql`select pg_try_advisory_xact_lock(hashtextextended('job:suspend-dormant', 0)) as ok`,
  );
  if (!lock?.ok) return null;
  return tx.db
    .update(users)
    .set({ status: 'suspended' })
    .where(
      and(
        sql`${users.id} in (select id from ${users} where status = 'active'
              and coalesce(last_sign_in_at, created_at) < ${cutoff.toISOString()}::timestamptz order by id limit ${limit} for update skip locked)`,
        partyPredicate(tx, users.partyId),
      ),
    )
    .returning({ id: users.id, partyId: users.partyId, lastSignInAt: users.lastSignInAt });
}

/**
 * Who a mail goes to: the address and the language and time zone it is written in (user_preferences; null
 * before the user first chose them: English and UTC, docs/i18n.md "Mail").
 */
export interface MailRecipient {
  email: string;
  locale: string | null;
  timeZone: string | null;
}

const recipientColumns = {
  email: users.email,
  locale: userPreferences.locale,
  timeZone: userPreferences.timeZone,
};
const preferencesOf = and(eq(userPreferences.userId, users.id), eq(userPreferences.partyId, users.partyId));

/** A party's active users holding `permission` through any role (who to tell about its documents). */
export async function recipientsWithPermission(tx: Tx, partyId: string, permission: string): Promise<MailRecipient[]> {
  return tx.db
    .select(recipientColumns)
    .from(users)
    .leftJoin(userPreferences, preferencesOf)
    .where(
      and(
        eq(users.partyId, partyId),
        partyPredicate(tx, users.partyId),
        eq(users.status, 'active'),
        sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
                    where ur.user_id = ${users.id} and ur.party_id = ${users.partyId} and ${permission} = any(r.permissions))`,
      ),
    );
}

/**
 * The internal organisation's active users holding `permission` (the staff to tell about a party's
 * request). Read under the system scope: staff are another party than the one that acted.
 */
export async function staffRecipientsWithPermission(tx: Tx, permission: string): Promise<MailRecipient[]> {
  return tx.db
    .select(recipientColumns)
    .from(users)
    .innerJoin(parties, and(eq(parties.id, users.partyId), eq(parties.kind, 'internal')))
    .leftJoin(userPreferences, preferencesOf)
    .where(
      and(
        eq(users.status, 'active'),
        sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
                    where ur.user_id = ${users.id} and ur.party_id = ${users.partyId} and ${permission} = any(r.permissions))`,
      ),
    );
}

/** Every active user holding the role `roleKey` (under the system scope: the system admins, told about alerts). */
export async function recipientsWithRole(tx: Tx, roleKey: string): Promise<MailRecipient[]> {
  return tx.db
    .select(recipientColumns)
    .from(users)
    .leftJoin(userPreferences, preferencesOf)
    .where(
      and(
        eq(users.status, 'active'),
        partyPredicate(tx, users.partyId),
        sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
                    where ur.user_id = ${users.id} and r.key = ${roleKey})`,
      ),
    );
}

/** An active user as a mail recipient, or undefined (suspended, deactivated, or outside the scope). */
export async function activeRecipient(tx: Tx, userId: string): Promise<MailRecipient | undefined> {
  const [row] = await tx.db
    .select(recipientColumns)
    .from(users)
    .leftJoin(userPreferences, preferencesOf)
    .where(and(eq(users.id, userId), eq(users.status, 'active'), partyPredicate(tx, users.partyId)));
  return row;
}

/** The user's language and time zone, or undefined before they were first set (docs/i18n.md). */
export async function getPreferences(tx: Tx, userId: string) {
  const [row] = await tx.db
    .select({ locale: userPreferences.locale, timeZone: userPreferences.timeZone })
    .from(userPreferences)
    .where(and(eq(userPreferences.userId, userId), partyPredicate(tx, userPreferences.partyId)));
  return row;
}

/** Sets the user's language and time zone (one row per user, replaced). */
export async function putPreferences(
  tx: Tx,
  userId: string,
  partyId: string | undefined,
  prefs: { locale: string; timeZone: string },
) {
  await tx.db
    .insert(userPreferences)
    .values({ userId, partyId: writeParty(tx, partyId), ...prefs })
    .onConflictDoUpdate({ target: userPreferences.userId, set: { ...prefs, updatedAt: sql`now()` } });
}
