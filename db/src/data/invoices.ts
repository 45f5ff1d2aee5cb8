import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoices } from '../schema/index.ts';
import { afterCursor, page } from './paging.ts';
import { partyPredicate } from './scope.ts';

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
  where.push(afterCursor(q.cursor, invoices.issueDate, invoices.id));
  const rows = await tx.db
    .select(summary)
    .from(invoices)
    .where(and(...where))
    .orderBy(desc(invoices.issueDate), desc(invoices.id))
    .limit(q.limit + 1);
  return page(rows, q.limit, (r) => [r.issueDate, r.id]);
}

export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select(summary)
    .from(invoices)
    .where(and(eq(invoices.id, id), partyPredicate(tx, invoices.partyId)));
  return row;
}
