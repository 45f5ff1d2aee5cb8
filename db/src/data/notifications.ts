import { and, asc, eq, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import {
  notificationPreferences,
  notifications,
  parties,
  roles,
  userPreferences,
  userRoles,
  users,
} from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate, writeParty } from './scope.ts';

type Mode = 'immediate' | 'digest' | 'off';

/** Who may be told: `userIds` (named people), or holders of `permission` or of one of `roles`. */
export type Audience = { userIds: string[] } | { permission: string } | { roles: string[] };

/**
 * The recipients of an event: active users of exactly `partyId` (the event's own party) in the audience,
 * (or, for 'staff', of the internal organisation) with their choice for `type`. The one place the isolation rule of notifications lives: a user of another
 * party is never a recipient, whatever the audience names.
 */
export async function recipients(tx: Tx, partyId: string | 'staff', type: string, audience: Audience) {
  const where: (SQL | undefined)[] = [
    partyId === 'staff'
      ? sql`${users.partyId} in (select p.id from ${parties} p where p.kind = 'internal')`
      : eq(users.partyId, partyId),
    partyPredicate(tx, users.partyId),
    eq(users.status, 'active'),
  ];
  if ('userIds' in audience) {
    if (audience.userIds.length === 0) return [];
    where.push(inArray(users.id, audience.userIds));
  } else if ('permission' in audience)
    where.push(sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
      where ur.user_id = ${users.id} and ur.party_id = ${users.partyId} and ${audience.permission} = any(r.permissions))`);
  else {
    if (audience.roles.length === 0) return [];
    where.push(sql`exists (select 1 from ${userRoles} ur join ${roles} r on r.id = ur.role_id
      where ur.user_id = ${users.id} and ur.party_id = ${users.partyId} and r.key in ${audience.roles})`);
  }
  return tx.db
    .select({
      userId: users.id,
      partyId: users.partyId,
      email: users.email,
      mode: sql<Mode | null>`(select np.mode from ${notificationPreferences} np
        where np.party_id = ${users.partyId} and np.user_id = ${users.id} and np.type = ${type})`,
      // The recipient's language and time zone (mail is written in them; null: none chosen yet).
      locale: userPreferences.locale,
      timeZone: userPreferences.timeZone,
    })
    .from(users)
    .leftJoin(userPreferences, and(eq(userPreferences.userId, users.id), eq(userPreferences.partyId, users.partyId)))
    .where(and(...where));
}

export async function insert(tx: Tx, row: typeof notifications.$inferInsert) {
  await tx.db.insert(notifications).values({ ...row, partyId: writeParty(tx, row.partyId) });
}

const keyset: Keyset = { key: notifications.createdAt, kind: 'time', id: notifications.id, dir: 'desc', index: 'asc' };

/** The caller's notifications, newest first, keyset-paged. */
export async function list(tx: Tx, userId: string, q: { cursor?: string; limit: number; unreadOnly?: boolean }) {
  const rows = await tx.db
    .select({
      id: notifications.id,
      type: notifications.type,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(
      and(
        partyPredicate(tx, notifications.partyId),
        eq(notifications.userId, userId),
        q.unreadOnly ? isNull(notifications.readAt) : undefined,
        afterCursor(q.cursor, keyset),
      ),
    )
    .orderBy(...orderOf(keyset))
    .limit(q.limit + 1);
  return page(rows, q.limit, keyset, (r) => [r.createdAt, r.id]);
}

export async function unreadCount(tx: Tx, userId: string) {
  const [row] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(
      and(partyPredicate(tx, notifications.partyId), eq(notifications.userId, userId), isNull(notifications.readAt)),
    );
  return row?.n ?? 0;
}

/** Marks the caller's own unread notifications read (all of them when `ids` is undefined); answers how many. */
export async function markRead(tx: Tx, userId: string, at: Date, ids?: string[]) {
  const rows = await tx.db
    .update(notifications)
    .set({ readAt: at })
    .where(
      and(
        partyPredicate(tx, notifications.partyId),
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        ids ? inArray(notifications.id, ids) : undefined,
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}

export async function preferences(tx: Tx, userId: string) {
  return tx.db
    .select({ type: notificationPreferences.type, mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(and(partyPredicate(tx, notificationPreferences.partyId), eq(notificationPreferences.userId, userId)));
}

/** The stored choice (null: none, the default applies). */
export async function preference(tx: Tx, userId: string, type: string): Promise<Mode | null> {
  const [row] = await tx.db
    .select({ mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(
      and(
        partyPredicate(tx, notificationPreferences.partyId),
        eq(notificationPreferences.userId, userId),
        eq(notificationPreferences.type, type),
      ),
    );
  return row?.mode ?? null;
}

export async function setPreference(
  tx: Tx,
  p: { partyId: string; userId: string; type: string; mode: Mode; at: Date },
) {
  await tx.db
    .insert(notificationPreferences)
    .values({ partyId: writeParty(tx, p.partyId), userId: p.userId, type: p.type, mode: p.mode, updatedAt: p.at })
    .onConflictDoUpdate({
      target: [notificationPreferences.partyId, notificationPreferences.userId, notificationPreferences.type],
      set: { mode: p.mode, updatedAt: p.at },
    });
}

/**
 * Digest rows waiting (system scope), created before `now`, with their recipient's address, language and
 * time zone; locked so two instances never mail the same line. Only recipients whose local clock (their
 * user_preferences time zone, UTC without one) reads `hour` o'clock or later and who got no digest yet on
 * that local day: each user gets at most one digest per local day, at their own morning.
 */
export async function digestDue(tx: Tx, now: Date, hour: number, limit: number) {
  const zone = sql`coalesce(${userPreferences.timeZone}, 'UTC')`;
  const local = sql`(${now.toISOString()}::timestamptz at time zone ${zone})`;
  return tx.db
    .select({
      id: notifications.id,
      partyId: notifications.partyId,
      userId: notifications.userId,
      email: users.email,
      locale: userPreferences.locale,
      timeZone: userPreferences.timeZone,
      type: notifications.type,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .innerJoin(users, and(eq(users.id, notifications.userId), eq(users.status, 'active')))
    .leftJoin(userPreferences, and(eq(userPreferences.userId, users.id), eq(userPreferences.partyId, users.partyId)))
    .where(
      and(
        eq(notifications.mail, 'digest'),
        isNull(notifications.digestedAt),
        lt(notifications.createdAt, now),
        sql`extract(hour from ${local}) >= ${hour}`,
        sql`coalesce((select (max(d.digested_at) at time zone ${zone})::date from ${notifications} d
                      where d.party_id = ${notifications.partyId} and d.user_id = ${notifications.userId}),
                     '-infinity'::date) < ${local}::date`,
      ),
    )
    .orderBy(asc(notifications.userId), asc(notifications.createdAt))
    .limit(limit)
    .for('update', { of: notifications, skipLocked: true });
}

export async function markDigested(tx: Tx, ids: string[], at: Date) {
  if (ids.length === 0) return;
  await tx.db.update(notifications).set({ digestedAt: at }).where(inArray(notifications.id, ids));
}

/** A user's language and time zone for mail (system scope; null: none chosen yet, English and UTC apply). */
export async function readerPreferences(tx: Tx, userId: string) {
  const [row] = await tx.db
    .select({ locale: userPreferences.locale, timeZone: userPreferences.timeZone })
    .from(userPreferences)
    .where(and(eq(userPreferences.userId, userId), partyPredicate(tx, userPreferences.partyId)));
  return row ?? null;
}
