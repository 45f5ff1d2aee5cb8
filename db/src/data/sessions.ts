import { and, eq, sql } from 'drizzle-orm';
import { db } from '../connection.ts';
import { parties, roles, sessions, userRoles, users } from '../schema/index.ts';
import { partyPredicate } from './scope.ts';

export type SessionRow = typeof sessions.$inferSelect;

export async function insert(row: typeof sessions.$inferInsert) {
  await db.insert(sessions).values(row);
}

/**
 * Everything a request needs about its session, in one statement: the session, its user and party
 * with their statuses, and the union of the user's role permissions.
 */
const byIdQuery = db
  .select({
    id: sessions.id,
    secretHash: sessions.secretHash,
    idleExpiresAt: sessions.idleExpiresAt,
    absoluteExpiresAt: sessions.absoluteExpiresAt,
    lastSeenAt: sessions.lastSeenAt,
    userId: users.id,
    email: users.email,
    displayName: users.displayName,
    userStatus: users.status,
    partyId: parties.id,
    partyName: parties.name,
    partyKind: parties.kind,
    partyStatus: parties.status,
    roleKeys: sql<
      string[]
    >`coalesce((select array_agg(r.key order by r.key) from ${userRoles} ur join ${roles} r on r.id = ur.role_id where ur.user_id = ${users.id} and ur.party_id = ${users.partyId}), '{}')`,
    permissions: sql<
      string[]
    >`coalesce((select array_agg(distinct p) from ${userRoles} ur join ${roles} r on r.id = ur.role_id, unnest(r.permissions) p where ur.user_id = ${users.id} and ur.party_id = ${users.partyId}), '{}')`,
  })
  .from(sessions)
  .innerJoin(users, eq(users.id, sessions.userId))
  .innerJoin(parties, eq(parties.id, sessions.partyId))
  .where(eq(sessions.id, sql.placeholder('id')))
  .prepare('session_by_id');

export type SessionWithUser = NonNullable<Awaited<ReturnType<typeof byIdQuery.execute>>[number]>;

/** System scope: the session is what tells us the party. */
export async function getWithUser(id: string): Promise<SessionWithUser | undefined> {
  const [row] = await byIdQuery.execute({ id });
  return row;
}

export async function touch(id: string, idleExpiresAt: Date, lastSeenAt: Date) {
  await db
    .update(sessions)
    .set({ lastSeenAt, idleExpiresAt })
    .where(and(eq(sessions.id, id), partyPredicate(sessions.partyId)));
}

export async function remove(id: string) {
  await db.delete(sessions).where(and(eq(sessions.id, id), partyPredicate(sessions.partyId)));
}
