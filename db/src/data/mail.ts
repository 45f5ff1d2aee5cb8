import { and, desc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { mailOutbox, passwordResets } from '../schema/index.ts';
import { partyPredicate, writeParty } from './scope.ts';

/** Queues a mail inside the caller's transaction: it goes out only if the change commits. */
export async function enqueue(
  tx: Tx,
  mail: { to: string; subject: string; bodyText: string; kind: string; headers?: Record<string, string> },
) {
  await tx.db.insert(mailOutbox).values({
    toAddress: mail.to,
    subject: mail.subject,
    bodyText: mail.bodyText,
    kind: mail.kind,
    headers: mail.headers ?? null,
  });
}

/**
 * Claims due mail for delivery (system scope). FOR UPDATE SKIP LOCKED: several server instances can run
 * the worker at once and each mail is handed to exactly one of them.
 */
export async function claimDue(tx: Tx, limit: number, now: Date) {
  return tx.db
    .select()
    .from(mailOutbox)
    .where(and(isNull(mailOutbox.sentAt), lte(mailOutbox.nextAttemptAt, now)))
    .orderBy(mailOutbox.nextAttemptAt)
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function markSent(tx: Tx, id: string, at: Date) {
  await tx.db
    .update(mailOutbox)
    .set({ sentAt: at, attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
    .where(eq(mailOutbox.id, id));
}

export async function markFailed(tx: Tx, id: string, error: string, nextAttemptAt: Date) {
  await tx.db
    .update(mailOutbox)
    .set({ attempts: sql`${mailOutbox.attempts} + 1`, lastError: error.slice(0, 500), nextAttemptAt })
    .where(eq(mailOutbox.id, id));
}

/**
 * Seconds since the oldest mail still waiting to go out was queued, 0 when none waits (system scope).
 * Measured by the database's clock, the one that stamped created_at. Only unsent rows are read (the
 * due index covers exactly those).
 */
export async function oldestUnsentAgeSeconds(tx: Tx): Promise<number> {
  const [row] = await tx.db
    .select({ age: sql<string | null>`extract(epoch from now() - min(${mailOutbox.createdAt}))` })
    .from(mailOutbox)
    .where(isNull(mailOutbox.sentAt));
  return row?.age ? Math.max(0, Number(row.age)) : 0;
}

export async function recent(tx: Tx, limit: number) {
  return tx.db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(limit);
}

export async function insertReset(tx: Tx, row: typeof passwordResets.$inferInsert) {
  await tx.db.insert(passwordResets).values({ ...row, partyId: writeParty(tx, row.partyId) });
}

/** System scope: the token is what tells us the user. */
export async function getReset(tx: Tx, id: string) {
  const [row] = await tx.db.select().from(passwordResets).where(eq(passwordResets.id, id));
  return row;
}

/** Single use: true for exactly one caller. */
export async function spendReset(tx: Tx, id: string, at: Date) {
  const rows = await tx.db
    .update(passwordResets)
    .set({ usedAt: at })
    .where(and(eq(passwordResets.id, id), isNull(passwordResets.usedAt), partyPredicate(tx, passwordResets.partyId)))
    .returning({ id: passwordResets.id });
  return rows.length === 1;
}
