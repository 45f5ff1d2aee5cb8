import { and, count, eq, ne } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { parties } from '../schema/index.ts';
import { partyPredicate } from './scope.ts';

export type PartyRow = typeof parties.$inferSelect;

export async function get(tx: Tx, id: string): Promise<PartyRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(parties)
    .where(and(eq(parties.id, id), partyPredicate(tx, parties.id)));
  return row;
}

export async function create(
  tx: Tx,
  input: { kind: PartyRow['kind']; name: string; erpRef?: string; isDemo?: boolean },
) {
  const [row] = await tx.db
    .insert(parties)
    .values({ kind: input.kind, name: input.name, erpRef: input.erpRef ?? null, isDemo: input.isDemo ?? false })
    .returning();
  return row as PartyRow;
}

/**
 * Customer and supplier accounts by demo flag (system scope): seed-demo refuses a database holding
 * real accounts. The internal organisation made at setup is not business data and does not count.
 */
export async function countAccountsByDemo(tx: Tx): Promise<{ demo: number; real: number }> {
  const rows = await tx.db
    .select({ isDemo: parties.isDemo, n: count() })
    .from(parties)
    .where(ne(parties.kind, 'internal'))
    .groupBy(parties.isDemo);
  return {
    demo: rows.find((r) => r.isDemo)?.n ?? 0,
    real: rows.find((r) => !r.isDemo)?.n ?? 0,
  };
}
