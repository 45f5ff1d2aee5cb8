import { and, desc, eq, gt, ne } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { parties, sessions, userPreferences, users } from '../schema/index.ts';
import { policyColumns } from './policies.ts';
import { partyPredicate } from './scope.ts';

/**
 * The channel on which the database says, at commit, that something `getWithUser` reads has changed
 * (migration `auth-cache-notify`; payloads in server/src/auth/session-cache.ts).
 */
export const SESSION_CHANGES_CHANNEL = 'gatehouse_auth';

export async function insert(tx: Tx, row: typeof sessions.$inferInsert) {
  await tx.db.insert(sessions).values(row);
}

/**
 * Everything a request needs about its session, in one statement: the session, its user and party
 * with their statuses, and the union of the user's role permissions. (System scope: the session is
 * what tells us the party.)
 */
export async function getWithUser(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({
      id: sessions.id,
      secretHash: sessions.secretHash,
      idleExpiresAt: sessions.idleExpiresAt,
      absoluteExpiresAt: sessions.absoluteExpiresAt,
      lastSeenAt: sessions.lastSeenAt,
      createdAt: sessions.createdAt,
      recentAuthAt: sessions.recentAuthAt,
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      userStatus: users.status,
      partyId: parties.id,
      partyName: parties.name,
      partyKind: parties.kind,
      partyStatus: parties.status,
      // The user's language and time zone ride along (one primary-key join, no extra round trip).
      locale: userPreferences.locale,
      timeZone: userPreferences.timeZone,
      ...policyColumns(users.id, users.partyId),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(parties, eq(parties.id, sessions.partyId))
    .leftJoin(userPreferences, eq(userPreferences.userId, users.id))
    .where(eq(sessions.id, id));
  return row;
}

/** Moves the sliding expiry; false when the session is no longer there (ended meanwhile). */
export async function touch(tx: Tx, id: string, idleExpiresAt: Date, lastSeenAt: Date): Promise<boolean> {
  const rows = await tx.db
    .update(sessions)
    .set({ lastSeenAt, idleExpiresAt })
    .where(and(eq(sessions.id, id), partyPredicate(tx, sessions.partyId)))
    .returning({ id: sessions.id });
  return rows.length === 1;
}

export async function remove(tx: Tx, id: string) {
  await tx.db.delete(sessions).where(and(eq(sessions.id, id), partyPredicate(tx, sessions.partyId)));
}

/** A user's live sessions, newest activity first (the secret hash never leaves this function). */
export async function listForUser(tx: Tx, userId: string, now: Date) {
  return tx.db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        partyPredicate(tx, sessions.partyId),
        gt(sessions.idleExpiresAt, now),
        gt(sessions.absoluteExpiresAt, now),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt))
    .limit(100);
}

/** Ends one session of the user; false when it is not the user's (or not there). */
export async function removeForUser(tx: Tx, userId: string, id: string): Promise<boolean> {
  const rows = await tx.db
    .delete(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), partyPredicate(tx, sessions.partyId)))
    .returning({ id: sessions.id });
  return rows.length === 1;
}

/** Ends every session of the user except `keep` (all of them when keep is undefined); returns how many. */
export async function removeAllForUser(tx: Tx, userId: string, keep?: string): Promise<number> {
  const rows = await tx.db
    .delete(sessions)
    .where(
      and(eq(sessions.userId, userId), partyPredicate(tx, sessions.partyId), keep ? ne(sessions.id, keep) : undefined),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/** Ends every session of a party's users (the party was suspended); returns how many. */
export async function removeAllForParty(tx: Tx, partyId: string): Promise<number> {
  const rows = await tx.db
    .delete(sessions)
    .where(and(eq(sessions.partyId, partyId), partyPredicate(tx, sessions.partyId, partyId)))
    .returning({ id: sessions.id });
  return rows.length;
}
