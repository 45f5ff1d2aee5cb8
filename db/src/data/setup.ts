import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { setupTokens } from '../schema/index.ts';

export async function insertToken(tx: Tx, tokenHash: string, expiresAt: Date) {
  // Any older unused link stops working: only the newest printed link is valid.
  await tx.db.update(setupTokens).set({ usedAt: sql`now()` }).where(isNull(setupTokens.usedAt));
  await tx.db.insert(setupTokens).values({ tokenHash, expiresAt });
}

/** Marks the token used; true only for the one caller that consumed a live, unused token. */
export async function consume(tx: Tx, tokenHash: string): Promise<boolean> {
  const rows = await tx.db
    .update(setupTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, sql`now()`)))
    .returning({ id: setupTokens.id });
  return rows.length === 1;
}
