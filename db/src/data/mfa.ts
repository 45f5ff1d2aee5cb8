import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { loginChallenges, mfaRecoveryCodes, mfaTotp } from '../schema/index.ts';
import { partyPredicate, writeParty } from './scope.ts';

export async function getTotp(tx: Tx, userId: string) {
  const [row] = await tx.db
    .select()
    .from(mfaTotp)
    .where(and(eq(mfaTotp.userId, userId), partyPredicate(tx, mfaTotp.partyId)));
  return row;
}

/** Starts (or restarts) enrolment with a new sealed secret; never touches a confirmed one. */
export async function putPendingTotp(tx: Tx, userId: string, partyId: string | undefined, secretSealed: string) {
  const rows = await tx.db
    .insert(mfaTotp)
    .values({ userId, partyId: writeParty(tx, partyId), secretSealed })
    .onConflictDoUpdate({
      target: mfaTotp.userId,
      set: { secretSealed, lastUsedStep: null },
      where: isNull(mfaTotp.confirmedAt),
    })
    .returning({ userId: mfaTotp.userId });
  return rows.length === 1;
}

/**
 * Spends time step `step` for this user: succeeds only for a step later than the last one used, in one
 * statement, so the same code can never sign in twice, even from two requests at once.
 * `confirm` also turns a pending enrolment on.
 */
export async function spendStep(tx: Tx, userId: string, step: number, confirm = false) {
  const rows = await tx.db
    .update(mfaTotp)
    .set(confirm ? { lastUsedStep: step, confirmedAt: new Date() } : { lastUsedStep: step })
    .where(
      and(
        eq(mfaTotp.userId, userId),
        partyPredicate(tx, mfaTotp.partyId),
        confirm ? isNull(mfaTotp.confirmedAt) : undefined,
        or(isNull(mfaTotp.lastUsedStep), lt(mfaTotp.lastUsedStep, step)),
      ),
    )
    .returning({ userId: mfaTotp.userId });
  return rows.length === 1;
}

export async function replaceRecoveryCodes(tx: Tx, userId: string, partyId: string | undefined, hashes: string[]) {
  const party = writeParty(tx, partyId);
  await tx.db
    .delete(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), partyPredicate(tx, mfaRecoveryCodes.partyId)));
  await tx.db.insert(mfaRecoveryCodes).values(hashes.map((codeHash) => ({ partyId: party, userId, codeHash })));
}

/** Marks a recovery code used; true for exactly one caller per code. */
export async function spendRecoveryCode(tx: Tx, userId: string, codeHash: string) {
  const rows = await tx.db
    .update(mfaRecoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, codeHash),
        isNull(mfaRecoveryCodes.usedAt),
        partyPredicate(tx, mfaRecoveryCodes.partyId),
      ),
    )
    .returning({ id: mfaRecoveryCodes.id });
  return rows.length === 1;
}

export async function recoveryCodesLeft(tx: Tx, userId: string) {
  const [row] = await tx.db
    .select({ n: count() })
    .from(mfaRecoveryCodes)
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        isNull(mfaRecoveryCodes.usedAt),
        partyPredicate(tx, mfaRecoveryCodes.partyId),
      ),
    );
  return row?.n ?? 0;
}

export async function insertChallenge(tx: Tx, row: typeof loginChallenges.$inferInsert) {
  await tx.db.insert(loginChallenges).values({ ...row, partyId: writeParty(tx, row.partyId) });
}

/** System scope: the challenge is what tells us the user. */
export async function getChallenge(tx: Tx, id: string) {
  const [row] = await tx.db.select().from(loginChallenges).where(eq(loginChallenges.id, id));
  return row;
}

/** Single use: true for exactly one caller. */
export async function spendChallenge(tx: Tx, id: string) {
  const rows = await tx.db
    .update(loginChallenges)
    .set({ usedAt: new Date() })
    .where(and(eq(loginChallenges.id, id), isNull(loginChallenges.usedAt), partyPredicate(tx, loginChallenges.partyId)))
    .returning({ id: loginChallenges.id });
  return rows.length === 1;
}

/** Turns a user's second factor off entirely (admin reset): TOTP, recovery codes, pending challenges. */
export async function removeAll(tx: Tx, userId: string): Promise<boolean> {
  const totp = await tx.db
    .delete(mfaTotp)
    .where(and(eq(mfaTotp.userId, userId), partyPredicate(tx, mfaTotp.partyId)))
    .returning({ id: mfaTotp.userId });
  await tx.db
    .delete(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), partyPredicate(tx, mfaRecoveryCodes.partyId)));
  await tx.db
    .delete(loginChallenges)
    .where(and(eq(loginChallenges.userId, userId), partyPredicate(tx, loginChallenges.partyId)));
  return totp.length === 1;
}
