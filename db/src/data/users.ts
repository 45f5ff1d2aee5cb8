import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { mfaTotp, parties, roles, userRoles, users } from '../schema/index.ts';
import { partyPredicate, writeParty } from './scope.ts';

export type UserRow = typeof users.$inferSelect;

/** Sign-in lookup by address (system scope: the party is not known yet). */
export async function findForLogin(tx: Tx, email: string) {
  const [row] = await tx.db
    .select({
      id: users.id,
      partyId: users.partyId,
      passwordHash: users.passwordHash,
      status: users.status,
      partyStatus: parties.status,
      totpOn: sql<boolean>`${mfaTotp.confirmedAt} is not null`,
    })
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .leftJoin(mfaTotp, eq(mfaTotp.userId, users.id))
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
