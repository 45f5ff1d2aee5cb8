import { and, asc, count, eq, ilike, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoices, orders, parties, users } from '../schema/index.ts';
import { BadCursor, isUuid } from './paging.ts';
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

export interface ListParties {
  kind?: PartyRow['kind'];
  status?: PartyRow['status'];
  search?: string;
  cursor?: string;
  limit: number;
}

/** Accounts by name (then id), keyset-paged; the cursor is "<name>|<id>". Staff scope in practice. */
export async function list(tx: Tx, q: ListParties) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, parties.id)];
  if (q.kind) where.push(eq(parties.kind, q.kind));
  if (q.status) where.push(eq(parties.status, q.status));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(parties.name, pattern), ilike(parties.erpRef, pattern)));
  }
  if (q.cursor) {
    const decoded = Buffer.from(q.cursor, 'base64url').toString('utf8');
    const cut = decoded.lastIndexOf('|');
    const name = decoded.slice(0, cut);
    const id = decoded.slice(cut + 1);
    if (cut < 0 || !isUuid(id)) throw new BadCursor();
    where.push(sql`(${parties.name}, ${parties.id}) > (${name}, ${id}::uuid)`);
  }
  const rows = await tx.db
    .select({
      id: parties.id,
      kind: parties.kind,
      name: parties.name,
      erpRef: parties.erpRef,
      status: parties.status,
      isDemo: parties.isDemo,
      // Qualified by hand: Drizzle leaves a one-table select's columns unqualified, and a bare "id" in
      // this subquery would be the user's own id (the count was always 0).
      users: sql<number>`(select count(*)::int from ${users} u where u.party_id = "parties"."id")`,
      createdAt: parties.createdAt,
    })
    .from(parties)
    .where(and(...where))
    .orderBy(asc(parties.name), asc(parties.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? Buffer.from(`${last.name}|${last.id}`).toString('base64url') : null };
}

export async function getForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(parties)
    .where(and(eq(parties.id, id), partyPredicate(tx, parties.id)))
    .for('update');
  return row;
}

export async function update(
  tx: Tx,
  id: string,
  change: { name?: string; erpRef?: string | null; status?: PartyRow['status'] },
) {
  await tx.db
    .update(parties)
    .set(change)
    .where(and(eq(parties.id, id), partyPredicate(tx, parties.id)));
}

/**
 * A customer's credit position: the limit in force, its open invoice balance and its open orders not yet
 * invoiced (open or confirmed, no live invoice against them), each per currency. Undefined when the party
 * is not visible or not a customer.
 */
export async function creditExposure(tx: Tx, partyId: string) {
  const [party] = await tx.db
    .select({
      id: parties.id,
      name: parties.name,
      kind: parties.kind,
      creditLimitMinor: parties.creditLimitMinor,
      creditCurrency: parties.creditCurrency,
    })
    .from(parties)
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)));
  if (party?.kind !== 'customer') return undefined;
  const openInvoices = await tx.db
    .select({
      currency: invoices.currency,
      amountMinor: sql<bigint>`coalesce(sum(${invoices.openMinor}), 0)::bigint`.mapWith(BigInt),
      count: count(),
    })
    .from(invoices)
    .where(
      and(
        eq(invoices.partyId, partyId),
        partyPredicate(tx, invoices.partyId),
        eq(invoices.status, 'open'),
        sql`${invoices.openMinor} > 0`,
      ),
    )
    .groupBy(invoices.currency)
    .orderBy(asc(invoices.currency));
  const openOrders = await tx.db
    .select({
      currency: orders.currency,
      amountMinor: sql<bigint>`coalesce(sum(${orders.totalMinor}), 0)::bigint`.mapWith(BigInt),
      count: count(),
    })
    .from(orders)
    .where(
      and(
        eq(orders.partyId, partyId),
        partyPredicate(tx, orders.partyId),
        sql`${orders.status} in ('open', 'confirmed')`,
        sql`not exists (select 1 from ${invoices} i where i.party_id = ${orders.partyId}
              and i.order_id = ${orders.id} and i.status <> 'cancelled')`,
      ),
    )
    .groupBy(orders.currency)
    .orderBy(asc(orders.currency));
  return { party, openInvoices, openOrders };
}
