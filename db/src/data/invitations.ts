import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invitations, parties, users } from '../schema/index.ts';
import { partyPredicate, writeParty } from './scope.ts';

export async function insert(tx: Tx, row: typeof invitations.$inferInsert) {
  await tx.db.insert(invitations).values({ ...row, partyId: writeParty(tx, row.partyId) });
}

/** An invitation with what the acceptance screen shows (system scope: the invitee has no session). */
export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({
      id: invitations.id,
      partyId: invitations.partyId,
      userId: invitations.userId,
      secretHash: invitations.secretHash,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      email: users.email,
      displayName: users.displayName,
      userStatus: users.status,
      partyName: parties.name,
      partyStatus: parties.status,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .innerJoin(parties, eq(parties.id, invitations.partyId))
    .where(and(eq(invitations.id, id), partyPredicate(tx, invitations.partyId)));
  return row;
}

/** Marks an invitation accepted; false if it was already (a concurrent acceptance won). */
export async function spend(tx: Tx, id: string, at: Date): Promise<boolean> {
  const rows = await tx.db
    .update(invitations)
    .set({ acceptedAt: at })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), partyPredicate(tx, invitations.partyId)))
    .returning({ id: invitations.id });
  return rows.length === 1;
}

/** Ends every pending invitation of a user (a new one replaces them; deactivation kills them). */
export async function revokePendingForUser(tx: Tx, userId: string): Promise<number> {
  const rows = await tx.db
    .delete(invitations)
    .where(and(eq(invitations.userId, userId), isNull(invitations.acceptedAt), partyPredicate(tx, invitations.partyId)))
    .returning({ id: invitations.id });
  return rows.length;
}

/** When the user's pending invitation expires, or null when none is pending. */
export async function pendingExpiry(tx: Tx, userId: string): Promise<Date | null> {
  const [row] = await tx.db
    .select({ expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.userId, userId), isNull(invitations.acceptedAt), partyPredicate(tx, invitations.partyId)))
    .orderBy(desc(invitations.expiresAt))
    .limit(1);
  return row?.expiresAt ?? null;
}
