import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoices } from '../schema/index.ts';
import { BadCursor } from './orders.ts';
import { decodeCursor, encodeCursor, partyPredicate } from './scope.ts';

const summary = {
  id: invoices.id,
  partyId: invoices.partyId,
  orderId: invoices.orderId,
  number: invoices.number,
  status: invoices.status,
  issueDate: invoices.issueDate,
  dueDate: invoices.dueDate,
  currency: invoices.currency,
  totalMinor: invoices.totalMinor,
  openMinor: invoices.openMinor,
};

export async function list(
  tx: Tx,
  q: {
    partyId?: string;
    status?: (typeof invoices.$inferSelect)['status'];
    cursor?: string;
    limit: number;
  },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, invoices.partyId, q.partyId)];
  if (q.status) where.push(eq(invoices.status, q.status));
  if (q.cursor) {
    const c = decodeCursor(q.cursor, 2);
    if (!c || !/^\d{4}-\d{2}-\d{2}$/.test(c[0] as string)) throw new BadCursor();
    where.push(sql`(${invoices.issueDate}, ${invoices.id}) < (${c[0]}::date, ${c[1]}::uuid)`);
  }
  const rows = await tx.db
    .select(summary)
    .from(invoices)
    .where(and(...where))
    .orderBy(desc(invoices.issueDate), desc(invoices.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor([last.issueDate, last.id]) : null };
}

export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select(summary)
    .from(invoices)
    .where(and(eq(invoices.id, id), partyPredicate(tx, invoices.partyId)));
  return row;
}
