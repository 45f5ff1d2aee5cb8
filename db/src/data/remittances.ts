import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoices, remittanceLines, remittances, users } from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate, writeParty } from './scope.ts';

/**
 * The one rule for "payment advised": an advice line is pending while its invoice is still open with the
 * very balance it had when advised. The ERP's payment, arriving through the mirror, lowers open_minor or
 * marks the invoice paid (or cancelled), and the advice is settled from then on; nothing needs to clear it.
 * `inv` is the invoices row's alias in the calling statement.
 */
export const pendingAdviceOn = (rl: string, inv: string) =>
  sql.raw(
    `(${inv}.status = 'open' and ${inv}.open_minor = ${rl}.open_minor_at_advice and ${inv}.party_id = ${rl}.party_id)`,
  );

/** What pending advices already cover of an invoice (summed), as a scalar subquery on invoices' own row. */
export const advisedOf = (invoiceIdCol: SQL) =>
  sql<bigint>`(select coalesce(sum(rl.amount_minor), 0)::bigint from ${remittanceLines} rl
    join ${invoices} i2 on i2.id = rl.invoice_id
    where rl.invoice_id = ${invoiceIdCol} and ${pendingAdviceOn('rl', 'i2')})`;

/** The open items a remittance may settle: open invoices and credit notes, oldest due first, at most `limit`. */
export async function openItems(tx: Tx, limit: number) {
  return tx.db
    .select({
      id: invoices.id,
      partyId: invoices.partyId,
      kind: invoices.kind,
      number: invoices.number,
      legalNumber: invoices.legalNumber,
      issueDate: invoices.issueDate,
      dueDate: invoices.dueDate,
      currency: invoices.currency,
      openMinor: invoices.openMinor,
      advisedMinor: advisedOf(sql`"invoices"."id"`).mapWith((v: string | bigint) => BigInt(v)),
    })
    .from(invoices)
    .where(and(partyPredicate(tx, invoices.partyId), sql`${invoices.status} = 'open'`, sql`${invoices.openMinor} <> 0`))
    .orderBy(asc(invoices.dueDate), asc(invoices.id))
    .limit(limit);
}

/** The invoices named by an advice, locked so two advices for one invoice are checked one after the other. */
export async function invoicesForAdvice(tx: Tx, ids: string[]) {
  // Lock first (FOR UPDATE and the aggregate below do not mix in one statement), then read.
  await tx.db
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(inArray(invoices.id, ids), partyPredicate(tx, invoices.partyId)))
    .orderBy(asc(invoices.id))
    .for('update');
  return tx.db
    .select({
      id: invoices.id,
      partyId: invoices.partyId,
      kind: invoices.kind,
      number: sql<string>`coalesce(${invoices.legalNumber}, ${invoices.number})`,
      status: invoices.status,
      currency: invoices.currency,
      openMinor: invoices.openMinor,
      advisedMinor: advisedOf(sql`"invoices"."id"`).mapWith((v: string | bigint) => BigInt(v)),
    })
    .from(invoices)
    .where(and(inArray(invoices.id, ids), partyPredicate(tx, invoices.partyId)));
}

export async function insert(
  tx: Tx,
  r: {
    partyId: string;
    reference: string;
    paymentDate: string;
    currency: string;
    totalMinor: bigint;
    note: string | null;
    submittedBy: string;
    at: Date;
    lines: { invoiceId: string; amountMinor: bigint; openMinor: bigint }[];
  },
) {
  const partyId = writeParty(tx, r.partyId);
  const [row] = await tx.db
    .insert(remittances)
    .values({
      partyId,
      reference: r.reference,
      paymentDate: r.paymentDate,
      currency: r.currency,
      totalMinor: r.totalMinor,
      note: r.note,
      submittedBy: r.submittedBy,
      submittedAt: r.at,
    })
    .returning({ id: remittances.id });
  const id = (row as { id: string }).id;
  await tx.db.insert(remittanceLines).values(
    r.lines.map((l) => ({
      partyId,
      remittanceId: id,
      invoiceId: l.invoiceId,
      amountMinor: l.amountMinor,
      openMinorAtAdvice: l.openMinor,
    })),
  );
  return id;
}

/** A party's advices, newest first, each with its lines and how many are still pending. */
export async function list(tx: Tx, q: { cursor?: string; limit: number }) {
  const keyset: Keyset = { key: remittances.submittedAt, kind: 'time', id: remittances.id, dir: 'desc', index: 'desc' };
  const rows = await tx.db
    .select({
      id: remittances.id,
      partyId: remittances.partyId,
      reference: remittances.reference,
      paymentDate: remittances.paymentDate,
      currency: remittances.currency,
      totalMinor: remittances.totalMinor,
      submittedBy: sql<string | null>`(select u.display_name from ${users} u where u.id = ${remittances.submittedBy})`,
      submittedAt: remittances.submittedAt,
    })
    .from(remittances)
    .where(and(partyPredicate(tx, remittances.partyId), afterCursor(q.cursor, keyset)))
    .orderBy(...orderOf(keyset))
    .limit(q.limit + 1);
  const p = page(rows, q.limit, keyset, (r) => [r.submittedAt, r.id]);
  const ids = p.items.map((r) => r.id);
  const lines =
    ids.length === 0
      ? []
      : await tx.db
          .select({
            remittanceId: remittanceLines.remittanceId,
            invoiceId: remittanceLines.invoiceId,
            number: sql<string>`coalesce(${invoices.legalNumber}, ${invoices.number})`,
            kind: invoices.kind,
            amountMinor: remittanceLines.amountMinor,
            pending: sql<boolean>`${pendingAdviceOn('remittance_lines', 'invoices')}`,
          })
          .from(remittanceLines)
          .innerJoin(invoices, eq(invoices.id, remittanceLines.invoiceId))
          .where(and(inArray(remittanceLines.remittanceId, ids), partyPredicate(tx, remittanceLines.partyId)))
          .orderBy(asc(invoices.dueDate), asc(invoices.id));
  return {
    ...p,
    items: p.items.map((r) => {
      const own = lines.filter((l) => l.remittanceId === r.id);
      return {
        ...r,
        pendingCount: own.filter((l) => l.pending).length,
        lines: own.map(({ remittanceId: _r, pending: _p, ...l }) => l),
      };
    }),
  };
}
