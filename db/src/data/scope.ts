import { eq, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../connection.ts';

/**
 * The data layer's own tenant wall (RLS is the other): a predicate on the table's party column for
 * the current transaction's scope. Under a party scope it is always that party; under an "all" scope
 * it narrows to `partyId` when the caller asked for one, else it is empty (every party).
 */
export function partyPredicate(tx: Tx, column: PgColumn, partyId?: string): SQL | undefined {
  const { scope } = tx;
  if (scope.kind === 'party') return eq(column, scope.partyId);
  return partyId ? eq(column, partyId) : undefined;
}

/** The party a write goes to: the scope's own party, never one taken from input under a party scope. */
export function writeParty(tx: Tx, requested?: string): string {
  const { scope } = tx;
  if (scope.kind === 'party') return scope.partyId;
  if (!requested) throw new Error('a write under an all-parties scope must name its party');
  return requested;
}

/**
 * The row's party name for a list read under an all-parties scope (staff see every party's rows, so each
 * must say whose it is), else null: a party's own users see only their own rows, and their hot path
 * names no extra table. `table` is the list's table, qualified by hand because Drizzle leaves columns
 * unqualified in a one-table select (`o`: the alias orders.get reads its order under).
 */
export function partyNameIfCross(tx: Tx, table: 'orders' | 'invoices' | 'shipments' | 'o') {
  return tx.scope.kind === 'all'
    ? sql<string | null>`(select p.name from parties p where p.id = ${sql.raw(`"${table}"."party_id"`)})`
    : sql<string | null>`null::text`;
}
