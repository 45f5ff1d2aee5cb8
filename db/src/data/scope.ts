import { eq, type SQL } from 'drizzle-orm';
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

export function encodeCursor(parts: string[]): string {
  return Buffer.from(parts.join('|')).toString('base64url');
}

/** Returns null for a cursor that is not ours (the caller answers BAD_REQUEST). */
export function decodeCursor(cursor: string, arity: number): string[] | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return parts.length === arity && parts.every((p) => p.length > 0 && p.length < 100) ? parts : null;
}
