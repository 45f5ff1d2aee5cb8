import { and, asc, eq, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoiceLines, invoices, orderLines, orders, parties } from '../schema/index.ts';
import { afterCursor, type Keyset, newestFirst, orderOf, page } from './paging.ts';
import { pendingAdviceOn } from './remittances.ts';
import { partyNameIfCross, partyPredicate } from './scope.ts';

const summary = {
  id: invoices.id,
  partyId: invoices.partyId,
  orderId: invoices.orderId,
  kind: invoices.kind,
  number: invoices.number,
  legalNumber: invoices.legalNumber,
  status: invoices.status,
  issueDate: invoices.issueDate,
  dueDate: invoices.dueDate,
  currency: invoices.currency,
  totalMinor: invoices.totalMinor,
  openMinor: invoices.openMinor,
};

/**
 * Overdue on `asOf` (a 'YYYY-MM-DD' day, the server's today): open, something still open, due before it.
 * The same rule as the account statement's ageing. `'open'` is a literal so the planner matches the
 * partial index invoices_party_open_due_idx.
 */
export const overdueOn = (asOf: string) =>
  sql`(${invoices.status} = 'open' and ${invoices.openMinor} > 0 and ${invoices.dueDate} < ${asOf}::date)`;

/**
 * Accounts payable's marks on an invoice: its open queries (invoice_queries) and whether a remittance
 * advice waits for the ERP's payment (remittances.ts: pendingAdviceOn says when that ends).
 */
const payablesMarks = {
  openQueries: sql<number>`(select count(*)::int from invoice_queries q
    where q.invoice_id = "invoices"."id" and q.party_id = "invoices"."party_id" and q.status = 'open')`.as(
    'open_queries',
  ),
  paymentAdvised: sql<boolean>`exists (select 1 from remittance_lines rl
    where rl.invoice_id = "invoices"."id" and ${pendingAdviceOn('rl', '"invoices"')})`.as('payment_advised'),
};

const withOverdue = (asOf: string) => ({
  ...summary,
  overdue: sql<boolean>`${overdueOn(asOf)}`.as('overdue'),
  daysOverdue: sql<number | null>`(case when ${overdueOn(asOf)} then ${asOf}::date - ${invoices.dueDate} end)::int`.as(
    'days_overdue',
  ),
  ...payablesMarks,
});

/** Newest issued first; the overdue filter reads open invoices by due date, longest overdue first. */
const NEWEST = newestFirst(invoices.issueDate, invoices.id);
const LONGEST_OVERDUE: Keyset = { key: invoices.dueDate, kind: 'date', id: invoices.id, dir: 'asc', index: 'asc' };

export interface ListInvoices {
  partyId?: string;
  status?: (typeof invoices.$inferSelect)['status'];
  /**
   * Only invoices or only credit notes: a filter over the party's keyset scan (credit notes are few, so it
   * reads further for a page of them, but never beyond the one party's rows).
   */
  kind?: (typeof invoices.$inferSelect)['kind'];
  /** Only those overdue on `asOf`, ordered by due date (oldest first) instead of issue date. */
  overdue?: boolean;
  /** Number or legal number contains this (case-insensitive). */
  search?: string;
  /** Issue dates, both inclusive ('YYYY-MM-DD'). */
  from?: string;
  to?: string;
  /** Today ('YYYY-MM-DD'), for each item's `overdue` and the overdue filter. */
  asOf: string;
  cursor?: string;
  limit: number;
}

/** The filters of the list and of its totals, in one place so both always count the same invoices. */
function filtersOf(tx: Tx, q: Omit<ListInvoices, 'cursor' | 'limit'>): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [partyPredicate(tx, invoices.partyId, q.partyId)];
  if (q.status) where.push(eq(invoices.status, q.status));
  if (q.kind) where.push(eq(invoices.kind, q.kind));
  if (q.overdue) where.push(overdueOn(q.asOf));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(invoices.number, pattern), ilike(invoices.legalNumber, pattern)));
  }
  if (q.from) where.push(gte(invoices.issueDate, q.from));
  if (q.to) where.push(lte(invoices.issueDate, q.to));
  return where;
}

/**
 * Per currency, the count, total and open amount of every invoice the filters match (credit notes count
 * negative, as they are stored). Never summed across currencies.
 */
export async function totals(tx: Tx, q: Omit<ListInvoices, 'cursor' | 'limit'>) {
  return tx.db
    .select({
      currency: invoices.currency,
      count: sql<number>`count(*)::int`,
      totalMinor: sql<bigint>`coalesce(sum(${invoices.totalMinor}), 0)::bigint`.mapWith(BigInt),
      openMinor: sql<bigint>`coalesce(sum(${invoices.openMinor}), 0)::bigint`.mapWith(BigInt),
    })
    .from(invoices)
    .where(and(...filtersOf(tx, q)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
}

export async function list(tx: Tx, q: ListInvoices) {
  const where = filtersOf(tx, q);
  // A cursor names its keyset, so one from the full list is refused under the overdue filter and back.
  const keyset = q.overdue ? LONGEST_OVERDUE : NEWEST;
  where.push(afterCursor(q.cursor, keyset));
  const rows = await tx.db
    .select({ ...withOverdue(q.asOf), partyName: partyNameIfCross(tx, 'invoices').as('party_name') })
    .from(invoices)
    .where(and(...where))
    .orderBy(...orderOf(keyset))
    .limit(q.limit + 1);
  return page(rows, q.limit, keyset, (r) => [q.overdue ? r.dueDate : r.issueDate, r.id]);
}

/**
 * A printable invoice: the invoice with `overdue` on `asOf`, whom it bills (the party's name), and its
 * lines: its own (invoice_lines) when it has any, else those of its order when it has one (invoices
 * mirrored before invoices carried lines; same party: an order id never reaches across parties).
 */
export async function get(tx: Tx, id: string, asOf: string) {
  const [row] = await tx.db
    .select({
      ...withOverdue(asOf),
      billToName: sql<string>`(select p.name from ${parties} p where p.id = ${invoices.partyId})`.as('bill_to_name'),
      orderNumber: sql<
        string | null
      >`(select o.number from ${orders} o where o.id = "invoices"."order_id" and o.party_id = "invoices"."party_id")`.as(
        'order_number',
      ),
    })
    .from(invoices)
    .where(and(eq(invoices.id, id), partyPredicate(tx, invoices.partyId)));
  if (!row) return undefined;
  const { billToName, ...invoice } = row;
  const own = await tx.db
    .select({
      lineNo: invoiceLines.lineNo,
      sku: invoiceLines.sku,
      description: invoiceLines.description,
      quantity: invoiceLines.quantity,
      uom: invoiceLines.uom,
      unitPriceMinor: invoiceLines.unitPriceMinor,
      unitPrice: invoiceLines.unitPrice,
      amountMinor: invoiceLines.amountMinor,
      taxMinor: invoiceLines.taxMinor,
    })
    .from(invoiceLines)
    .where(
      and(
        eq(invoiceLines.partyId, row.partyId),
        eq(invoiceLines.invoiceId, row.id),
        partyPredicate(tx, invoiceLines.partyId),
      ),
    )
    .orderBy(asc(invoiceLines.lineNo));
  const lines =
    own.length > 0 || !row.orderId
      ? own
      : await tx.db
          .select({
            lineNo: orderLines.lineNo,
            sku: orderLines.sku,
            description: orderLines.description,
            quantity: orderLines.quantity,
            uom: orderLines.uom,
            unitPriceMinor: orderLines.unitPriceMinor,
            unitPrice: orderLines.unitPrice,
            amountMinor: orderLines.amountMinor,
            taxMinor: sql<bigint | null>`null::bigint`,
          })
          .from(orderLines)
          .where(
            and(
              eq(orderLines.partyId, row.partyId),
              eq(orderLines.orderId, row.orderId),
              partyPredicate(tx, orderLines.partyId),
            ),
          )
          .orderBy(asc(orderLines.lineNo));
  return { ...invoice, billTo: { name: billToName }, lines };
}
