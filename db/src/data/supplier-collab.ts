import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import {
  parties,
  poConfirmationLines,
  poConfirmations,
  purchaseOrderLines,
  purchaseOrders,
  shipNoticeLines,
  shipNotices,
  supplierInvoiceLines,
  supplierInvoices,
  users,
} from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate } from './scope.ts';

// Per-line PO confirmations, ship notices and supplier invoices (issue 19). Every statement is scoped by
// the caller's party (partyPredicate) or by the party of a row read under that scope; RLS holds underneath.

const nameOf = (col: SQL | typeof poConfirmations.submittedBy) =>
  sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

// ---- PO lines and their progress

export interface PoLine {
  purchaseOrderId: string;
  lineNo: number;
  sku: string;
  description: string;
  quantity: string;
  unitPrice: string;
  ordered: string;
  committed: string;
  shipped: string;
  invoiced: string;
}

/**
 * The lines of the given POs of one party with what is committed, shipped and invoiced, each line row
 * locked FOR UPDATE when `lock` (in PO id, line order, so two writers never deadlock): every change of
 * committed, shipped or invoiced quantity takes these locks first, so concurrent ship notices and invoices
 * on a line are applied one after the other and each sees the other's quantities.
 */
export async function lineProgress(tx: Tx, partyId: string, poIds: string[], lock: boolean): Promise<PoLine[]> {
  if (poIds.length === 0) return [];
  const ids = sql.join(
    [...new Set(poIds)].sort().map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  if (lock)
    await tx.db.execute(sql`select 1 from ${purchaseOrderLines} l
      where l.party_id = ${partyId} and l.purchase_order_id in (${ids})
      order by l.purchase_order_id, l.line_no for update`);
  const rows = await tx.db.execute<{
    purchase_order_id: string;
    line_no: number;
    sku: string;
    description: string;
    quantity: string;
    unit_price: string;
    committed: string;
    shipped: string;
    invoiced: string;
  }>(sql`
    select l.purchase_order_id, l.line_no, l.sku, l.description, l.quantity::text,
           coalesce(l.unit_price, l.unit_price_minor::numeric / 100)::text as unit_price,
           coalesce((select cl.committed_quantity from ${poConfirmationLines} cl
                       join ${poConfirmations} c on c.id = cl.confirmation_id and c.party_id = cl.party_id
                      where cl.party_id = l.party_id and c.purchase_order_id = l.purchase_order_id
                        and cl.line_no = l.line_no and c.status = 'accepted'
                      order by c.round desc limit 1), l.quantity)::text as committed,
           coalesce((select sum(sl.quantity) from ${shipNoticeLines} sl
                       join ${shipNotices} s on s.id = sl.ship_notice_id and s.party_id = sl.party_id
                      where sl.party_id = l.party_id and sl.purchase_order_id = l.purchase_order_id
                        and sl.line_no = l.line_no and s.status <> 'cancelled'), 0)::text as shipped,
           coalesce((select sum(il.quantity) from ${supplierInvoiceLines} il
                       join ${supplierInvoices} i on i.id = il.invoice_id and i.party_id = il.party_id
                      where il.party_id = l.party_id and il.purchase_order_id = l.purchase_order_id
                        and il.line_no = l.line_no and i.status <> 'rejected'), 0)::text as invoiced
      from ${purchaseOrderLines} l
     where l.party_id = ${partyId} and l.purchase_order_id in (${ids})
     order by l.purchase_order_id, l.line_no`);
  return rows.map((r) => ({
    purchaseOrderId: r.purchase_order_id,
    lineNo: Number(r.line_no),
    sku: r.sku,
    description: r.description,
    quantity: r.quantity,
    unitPrice: r.unit_price,
    ordered: r.quantity,
    committed: r.committed,
    shipped: r.shipped,
    invoiced: r.invoiced,
  }));
}

/** The caller's POs among `ids` (id, number, party, status, currency), locked when `lock`. */
export async function purchaseOrdersOf(tx: Tx, ids: string[], lock: boolean) {
  if (ids.length === 0) return [];
  const q = tx.db
    .select({
      id: purchaseOrders.id,
      partyId: purchaseOrders.partyId,
      number: purchaseOrders.number,
      status: purchaseOrders.status,
      currency: purchaseOrders.currency,
      requestedDate: purchaseOrders.requestedDate,
      promisedDate: purchaseOrders.promisedDate,
    })
    .from(purchaseOrders)
    .where(and(inArray(purchaseOrders.id, [...new Set(ids)]), partyPredicate(tx, purchaseOrders.partyId)))
    .orderBy(asc(purchaseOrders.id));
  return lock ? q.for('update') : q;
}

// ---- confirmations

export async function latestRound(tx: Tx, partyId: string, purchaseOrderId: string) {
  const [row] = await tx.db
    .select()
    .from(poConfirmations)
    .where(and(eq(poConfirmations.partyId, partyId), eq(poConfirmations.purchaseOrderId, purchaseOrderId)))
    .orderBy(desc(poConfirmations.round))
    .limit(1);
  return row;
}

export async function insertConfirmation(
  tx: Tx,
  c: typeof poConfirmations.$inferInsert,
  lines: Omit<typeof poConfirmationLines.$inferInsert, 'partyId' | 'confirmationId'>[],
) {
  const [row] = await tx.db.insert(poConfirmations).values(c).returning({ id: poConfirmations.id });
  const id = (row as { id: string }).id;
  await tx.db.insert(poConfirmationLines).values(lines.map((l) => ({ ...l, partyId: c.partyId, confirmationId: id })));
  return id;
}

export async function setConfirmationStatus(
  tx: Tx,
  id: string,
  partyId: string,
  set: Partial<Pick<typeof poConfirmations.$inferInsert, 'status' | 'decidedBy' | 'decidedAt' | 'decisionReason'>>,
) {
  await tx.db
    .update(poConfirmations)
    .set(set)
    .where(and(eq(poConfirmations.id, id), eq(poConfirmations.partyId, partyId)));
}

/** A confirmation, locked; undefined when it is not the caller's to see (NOT_FOUND). */
export async function confirmationForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(poConfirmations)
    .where(and(eq(poConfirmations.id, id), partyPredicate(tx, poConfirmations.partyId)))
    .for('update');
  return row;
}

export async function confirmationLines(tx: Tx, partyId: string, confirmationIds: string[]) {
  if (confirmationIds.length === 0) return [];
  return tx.db
    .select()
    .from(poConfirmationLines)
    .where(and(eq(poConfirmationLines.partyId, partyId), inArray(poConfirmationLines.confirmationId, confirmationIds)))
    .orderBy(asc(poConfirmationLines.lineNo));
}

/** Every round of a PO, newest first, with its lines. */
export async function confirmations(tx: Tx, purchaseOrderId: string) {
  const rounds = await tx.db
    .select({
      id: poConfirmations.id,
      partyId: poConfirmations.partyId,
      round: poConfirmations.round,
      status: poConfirmations.status,
      hasDifferences: poConfirmations.hasDifferences,
      submittedBy: nameOf(poConfirmations.submittedBy),
      submittedAt: poConfirmations.submittedAt,
      decidedBy: nameOf(sql`${poConfirmations.decidedBy}`),
      decidedAt: poConfirmations.decidedAt,
      decisionReason: poConfirmations.decisionReason,
    })
    .from(poConfirmations)
    .where(and(eq(poConfirmations.purchaseOrderId, purchaseOrderId), partyPredicate(tx, poConfirmations.partyId)))
    .orderBy(desc(poConfirmations.round));
  const first = rounds[0];
  if (!first) return [];
  const lines = await confirmationLines(
    tx,
    first.partyId,
    rounds.map((r) => r.id),
  );
  return rounds.map((r) => ({ ...r, lines: lines.filter((l) => l.confirmationId === r.id) }));
}

/** Operators: rounds awaiting a decision, oldest first, with how many lines differ. */
export async function confirmationQueue(tx: Tx, limit: number) {
  return tx.db
    .select({
      id: poConfirmations.id,
      purchaseOrderId: poConfirmations.purchaseOrderId,
      purchaseOrderNumber: sql<string>`(select po.number from ${purchaseOrders} po where po.id = ${poConfirmations.purchaseOrderId})`,
      partyName: sql<string>`(select p.name from ${parties} p where p.id = ${poConfirmations.partyId})`,
      round: poConfirmations.round,
      submittedAt: poConfirmations.submittedAt,
      changedLines: sql<number>`(select count(*)::int from ${poConfirmationLines} cl
        where cl.party_id = ${poConfirmations.partyId} and cl.confirmation_id = ${poConfirmations.id}
          and cl.decision <> 'confirm')`,
    })
    .from(poConfirmations)
    .where(and(eq(poConfirmations.status, 'submitted'), partyPredicate(tx, poConfirmations.partyId)))
    .orderBy(asc(poConfirmations.submittedAt), asc(poConfirmations.id))
    .limit(limit);
}

/** The PO's header after a round: acknowledged, promising the latest scheduled date (null if all rejected). */
export async function markConfirmed(
  tx: Tx,
  id: string,
  partyId: string,
  promisedDate: string | null,
  by: string,
  at: Date,
) {
  await tx.db
    .update(purchaseOrders)
    .set({ status: 'acknowledged', promisedDate, acknowledgedAt: at, acknowledgedBy: by })
    .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.partyId, partyId)));
}

// ---- ship notices

const NOTICES: Keyset = { key: shipNotices.createdAt, kind: 'time', id: shipNotices.id, dir: 'desc', index: 'desc' };
const noticePos = sql<string[]>`coalesce((select array_agg(distinct po.number order by po.number)
   from ${shipNoticeLines} sl join ${purchaseOrders} po on po.id = sl.purchase_order_id
  where sl.party_id = "ship_notices"."party_id" and sl.ship_notice_id = "ship_notices"."id"), '{}')`;
const noticeSummary = {
  id: shipNotices.id,
  partyId: shipNotices.partyId,
  partyName: sql<string>`(select p.name from ${parties} p where p.id = "ship_notices"."party_id")`,
  number: sql<string>`'ASN-' || lpad(${shipNotices.seq}::text, 6, '0')`,
  status: shipNotices.status,
  carrier: shipNotices.carrier,
  trackingRef: shipNotices.trackingRef,
  shipDate: shipNotices.shipDate,
  packages: shipNotices.packages,
  createdAt: shipNotices.createdAt,
  purchaseOrders: noticePos,
};

export async function insertNotice(
  tx: Tx,
  n: typeof shipNotices.$inferInsert,
  lines: Omit<typeof shipNoticeLines.$inferInsert, 'partyId' | 'shipNoticeId'>[],
) {
  const [row] = await tx.db
    .insert(shipNotices)
    .values(n)
    .returning({ id: shipNotices.id, number: sql<string>`'ASN-' || lpad(${shipNotices.seq}::text, 6, '0')` });
  const r = row as { id: string; number: string };
  await tx.db.insert(shipNoticeLines).values(lines.map((l) => ({ ...l, partyId: n.partyId, shipNoticeId: r.id })));
  return r;
}

export async function listNotices(
  tx: Tx,
  q: { partyId?: string; status?: 'shipped' | 'received' | 'cancelled'; cursor?: string; limit: number },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, shipNotices.partyId, q.partyId)];
  if (q.status) where.push(eq(shipNotices.status, q.status));
  where.push(afterCursor(q.cursor, NOTICES));
  const rows = await tx.db
    .select(noticeSummary)
    .from(shipNotices)
    .where(and(...where))
    .orderBy(...orderOf(NOTICES))
    .limit(q.limit + 1);
  return page(rows, q.limit, NOTICES, (r) => [r.createdAt, r.id]);
}

export async function getNotice(tx: Tx, id: string) {
  const [n] = await tx.db
    .select({
      ...noticeSummary,
      createdBy: nameOf(sql`"ship_notices"."created_by"`),
      cancelledAt: shipNotices.cancelledAt,
      cancelReason: shipNotices.cancelReason,
    })
    .from(shipNotices)
    .where(and(eq(shipNotices.id, id), partyPredicate(tx, shipNotices.partyId)));
  if (!n) return undefined;
  const lines = await tx.db
    .select({
      purchaseOrderId: shipNoticeLines.purchaseOrderId,
      purchaseOrderNumber: purchaseOrders.number,
      lineNo: shipNoticeLines.lineNo,
      sku: purchaseOrderLines.sku,
      description: purchaseOrderLines.description,
      quantity: sql<string>`${shipNoticeLines.quantity}::text`,
    })
    .from(shipNoticeLines)
    .innerJoin(purchaseOrders, eq(purchaseOrders.id, shipNoticeLines.purchaseOrderId))
    .innerJoin(
      purchaseOrderLines,
      and(
        eq(purchaseOrderLines.partyId, shipNoticeLines.partyId),
        eq(purchaseOrderLines.purchaseOrderId, shipNoticeLines.purchaseOrderId),
        eq(purchaseOrderLines.lineNo, shipNoticeLines.lineNo),
      ),
    )
    .where(and(eq(shipNoticeLines.partyId, n.partyId), eq(shipNoticeLines.shipNoticeId, id)))
    .orderBy(asc(purchaseOrders.number), asc(shipNoticeLines.lineNo));
  return { ...n, lines };
}

export async function noticeForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(shipNotices)
    .where(and(eq(shipNotices.id, id), partyPredicate(tx, shipNotices.partyId)))
    .for('update');
  if (!row) return undefined;
  const poIds = await tx.db
    .selectDistinct({ id: shipNoticeLines.purchaseOrderId })
    .from(shipNoticeLines)
    .where(and(eq(shipNoticeLines.partyId, row.partyId), eq(shipNoticeLines.shipNoticeId, id)));
  return { ...row, number: `ASN-${String(row.seq).padStart(6, '0')}`, purchaseOrderIds: poIds.map((p) => p.id) };
}

export async function cancelNotice(tx: Tx, id: string, partyId: string, by: string, at: Date, reason: string) {
  await tx.db
    .update(shipNotices)
    .set({ status: 'cancelled', cancelledBy: by, cancelledAt: at, cancelReason: reason })
    .where(and(eq(shipNotices.id, id), eq(shipNotices.partyId, partyId)));
}

// ---- supplier invoices

const INVOICES: Keyset = {
  key: supplierInvoices.submittedAt,
  kind: 'time',
  id: supplierInvoices.id,
  dir: 'desc',
  index: 'desc',
};
const invoiceSummary = {
  id: supplierInvoices.id,
  partyId: supplierInvoices.partyId,
  partyName: sql<string>`(select p.name from ${parties} p where p.id = "supplier_invoices"."party_id")`,
  number: supplierInvoices.number,
  purchaseOrderId: supplierInvoices.purchaseOrderId,
  purchaseOrderNumber: sql<string>`(select po.number from ${purchaseOrders} po where po.id = "supplier_invoices"."purchase_order_id")`,
  status: supplierInvoices.status,
  invoiceDate: supplierInvoices.invoiceDate,
  currency: supplierInvoices.currency,
  totalMinor: supplierInvoices.totalMinor,
  mismatch: supplierInvoices.mismatch,
  paymentDate: supplierInvoices.paymentDate,
  submittedAt: supplierInvoices.submittedAt,
};

export async function insertInvoice(
  tx: Tx,
  inv: typeof supplierInvoices.$inferInsert,
  lines: Omit<typeof supplierInvoiceLines.$inferInsert, 'partyId' | 'invoiceId'>[],
) {
  const [row] = await tx.db.insert(supplierInvoices).values(inv).returning({ id: supplierInvoices.id });
  const id = (row as { id: string }).id;
  await tx.db.insert(supplierInvoiceLines).values(lines.map((l) => ({ ...l, partyId: inv.partyId, invoiceId: id })));
  return id;
}

export async function invoiceNumberTaken(tx: Tx, partyId: string, number: string) {
  const [row] = await tx.db
    .select({ id: supplierInvoices.id })
    .from(supplierInvoices)
    .where(and(eq(supplierInvoices.partyId, partyId), eq(supplierInvoices.number, number)));
  return Boolean(row);
}

export async function listInvoices(
  tx: Tx,
  q: {
    partyId?: string;
    status?: (typeof supplierInvoices.$inferSelect)['status'];
    mismatch?: boolean;
    cursor?: string;
    limit: number;
  },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, supplierInvoices.partyId, q.partyId)];
  if (q.status) where.push(eq(supplierInvoices.status, q.status));
  if (q.mismatch !== undefined) where.push(eq(supplierInvoices.mismatch, q.mismatch));
  where.push(afterCursor(q.cursor, INVOICES));
  const rows = await tx.db
    .select(invoiceSummary)
    .from(supplierInvoices)
    .where(and(...where))
    .orderBy(...orderOf(INVOICES))
    .limit(q.limit + 1);
  return page(rows, q.limit, INVOICES, (r) => [r.submittedAt, r.id]);
}

export async function getInvoice(tx: Tx, id: string) {
  const [inv] = await tx.db
    .select({
      ...invoiceSummary,
      submittedBy: nameOf(sql`"supplier_invoices"."submitted_by"`),
      statusAt: supplierInvoices.statusAt,
      erpNote: supplierInvoices.erpNote,
      fileName: supplierInvoices.fileName,
      fileSizeBytes: supplierInvoices.fileSizeBytes,
    })
    .from(supplierInvoices)
    .where(and(eq(supplierInvoices.id, id), partyPredicate(tx, supplierInvoices.partyId)));
  if (!inv) return undefined;
  const lines = await tx.db
    .select({
      lineNo: supplierInvoiceLines.lineNo,
      sku: purchaseOrderLines.sku,
      description: purchaseOrderLines.description,
      quantity: sql<string>`${supplierInvoiceLines.quantity}::text`,
      unitPrice: sql<string>`${supplierInvoiceLines.unitPrice}::text`,
      amountMinor: supplierInvoiceLines.amountMinor,
      poUnitPrice: sql<string>`${supplierInvoiceLines.poUnitPrice}::text`,
      shipped: sql<string>`${supplierInvoiceLines.shipped}::text`,
      priceMismatch: supplierInvoiceLines.priceMismatch,
      quantityMismatch: supplierInvoiceLines.quantityMismatch,
    })
    .from(supplierInvoiceLines)
    .innerJoin(
      purchaseOrderLines,
      and(
        eq(purchaseOrderLines.partyId, supplierInvoiceLines.partyId),
        eq(purchaseOrderLines.purchaseOrderId, supplierInvoiceLines.purchaseOrderId),
        eq(purchaseOrderLines.lineNo, supplierInvoiceLines.lineNo),
      ),
    )
    .where(and(eq(supplierInvoiceLines.partyId, inv.partyId), eq(supplierInvoiceLines.invoiceId, id)))
    .orderBy(asc(supplierInvoiceLines.lineNo));
  return { ...inv, lines };
}

export async function invoiceForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(supplierInvoices)
    .where(and(eq(supplierInvoices.id, id), partyPredicate(tx, supplierInvoices.partyId)))
    .for('update');
  return row;
}

export async function attachInvoiceFile(
  tx: Tx,
  id: string,
  partyId: string,
  f: { fileName: string; sha256: string; sizeBytes: number; contentType: string },
) {
  await tx.db
    .update(supplierInvoices)
    .set({ fileName: f.fileName, fileSha256: f.sha256, fileSizeBytes: f.sizeBytes, fileContentType: f.contentType })
    .where(and(eq(supplierInvoices.id, id), eq(supplierInvoices.partyId, partyId)));
}

/** The ERP's view of one invoice: by the supplier's ERP reference and the invoice number (system scope). */
export async function invoiceForErp(tx: Tx, supplierRef: string, number: string) {
  const [row] = await tx.db
    .select({
      id: supplierInvoices.id,
      partyId: supplierInvoices.partyId,
      status: supplierInvoices.status,
      paymentDate: supplierInvoices.paymentDate,
      erpNote: supplierInvoices.erpNote,
    })
    .from(supplierInvoices)
    .innerJoin(parties, eq(parties.id, supplierInvoices.partyId))
    .where(and(eq(parties.kind, 'supplier'), eq(parties.erpRef, supplierRef), eq(supplierInvoices.number, number)))
    .for('update', { of: supplierInvoices });
  return row;
}

export async function setInvoiceStatus(
  tx: Tx,
  id: string,
  partyId: string,
  set: {
    status: (typeof supplierInvoices.$inferSelect)['status'];
    paymentDate: string | null;
    erpNote: string | null;
    at: Date;
  },
) {
  await tx.db
    .update(supplierInvoices)
    .set({ status: set.status, paymentDate: set.paymentDate, erpNote: set.erpNote, statusAt: set.at })
    .where(and(eq(supplierInvoices.id, id), eq(supplierInvoices.partyId, partyId)));
}

/** Home counts: confirmations awaiting a decision, shipments on their way, invoices flagged. */
export async function homeCounts(tx: Tx) {
  const [c] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(poConfirmations)
    .where(and(eq(poConfirmations.status, 'submitted'), partyPredicate(tx, poConfirmations.partyId)));
  const [s] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(shipNotices)
    .where(and(eq(shipNotices.status, 'shipped'), partyPredicate(tx, shipNotices.partyId)));
  const [i] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(supplierInvoices)
    .where(
      and(
        eq(supplierInvoices.mismatch, true),
        inArray(supplierInvoices.status, ['submitted', 'received']),
        partyPredicate(tx, supplierInvoices.partyId),
      ),
    );
  return { confirmationsToReview: c?.n ?? 0, shipmentsIncoming: s?.n ?? 0, invoicesFlagged: i?.n ?? 0 };
}

/** A round without a lock (to find its PO before taking locks in order); [] when not the caller's. */
export function confirmationRow(tx: Tx, id: string) {
  return tx.db
    .select({ id: poConfirmations.id, purchaseOrderId: poConfirmations.purchaseOrderId })
    .from(poConfirmations)
    .where(and(eq(poConfirmations.id, id), partyPredicate(tx, poConfirmations.partyId)));
}

/** A notice's party and POs without a lock (to lock the POs first); [] when not the caller's. */
export async function noticeRow(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({ id: shipNotices.id, partyId: shipNotices.partyId })
    .from(shipNotices)
    .where(and(eq(shipNotices.id, id), partyPredicate(tx, shipNotices.partyId)));
  if (!row) return [];
  const poIds = await tx.db
    .selectDistinct({ id: shipNoticeLines.purchaseOrderId })
    .from(shipNoticeLines)
    .where(and(eq(shipNoticeLines.partyId, row.partyId), eq(shipNoticeLines.shipNoticeId, id)));
  return [{ ...row, purchaseOrderIds: poIds.map((p) => p.id) }];
}

/** A rejected confirmation leaves the PO open for the supplier to answer again. */
export async function reopen(tx: Tx, id: string, partyId: string) {
  await tx.db
    .update(purchaseOrders)
    .set({ status: 'open' })
    .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.partyId, partyId)));
}

/** The notice a create with this idempotency key already made, if any. */
export async function noticeByIdempotencyKey(tx: Tx, partyId: string, key: string) {
  const [row] = await tx.db
    .select({ id: shipNotices.id, number: sql<string>`'ASN-' || lpad(${shipNotices.seq}::text, 6, '0')` })
    .from(shipNotices)
    .where(and(eq(shipNotices.partyId, partyId), eq(shipNotices.idempotencyKey, key)));
  return row;
}
