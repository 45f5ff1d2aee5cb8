import {
  type cancelShipNoticeInput,
  checkConfirmationLine,
  checkInvoiceLine,
  committedOf,
  type confirmPurchaseOrderInput,
  type createShipNoticeInput,
  currencyExponent,
  type decideConfirmationInput,
  formatQty,
  openQuantity,
  parseQty,
  type SUPPLIER_INVOICE_ERP_STATUSES,
  type shipNoticesListInput,
  type submitSupplierInvoiceInput,
  type supplierInvoicesListInput,
} from '@gatehouse/contract';
import { type auditRepo, purchaseOrdersRepo, supplierCollabRepo as repo } from '@gatehouse/db';
import type { z } from 'zod';
import * as auditLog from '../audit/audit.ts';
import { record as recordAudit } from '../audit/audit.ts';
import type { AppServices, Context, ServiceContext, TxContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { DomainError, notFound } from '../errors.ts';
import * as outbox from '../integration/outbox.ts';
import { type MailLines, reasonLines } from '../mail/i18n.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { notify } from '../users/notifications.ts';

// Supplier collaboration on purchase orders (issue 19): per-line confirmations, ship notices (ASN) and
// supplier invoices. Every verb is one transaction: the change, its outbox event and its audit entry.
// Quantities move only under row locks on the PO lines (supplierCollabRepo.lineProgress with lock), so
// confirmations, ship notices and invoices on one line are applied one after the other.

/** How far a ship date may lie from today, either way (a typo like 2062 is refused). */
export const SHIP_DATE_WINDOW_DAYS = 60;

const now = (ctx: Context) => new Date(ctx.clock.now());
const lineKey = (poId: string, lineNo: number) => `${poId}#${lineNo}`;

function audit(
  ctx: TxContext,
  e: {
    action: Parameters<typeof auditRepo.record>[1]['action'];
    partyId: string;
    type: string;
    id: string;
    details: object;
  },
) {
  const { tx, actor } = ctx;
  return recordAudit(tx, ctx, {
    action: e.action,
    outcome: 'success',
    partyId: e.partyId,
    entityType: e.type,
    entityId: e.id,
    crossParty: e.partyId !== actor.partyId,
    details: e.details as Record<string, unknown>,
  });
}

// ---- confirmations

export async function confirmations(ctx: ServiceContext, purchaseOrderId: string) {
  return ctx.db.read(ctx.scope, async (tx) => {
    const [po] = await repo.purchaseOrdersOf(tx, [purchaseOrderId], false);
    if (!po) throw notFound('That purchase order');
    const rounds = await repo.confirmations(tx, po.id);
    return {
      items: rounds.map((r) => ({
        ...r,
        lines: r.lines.map((l) => {
          const committed = parseQty(l.committedQuantity);
          return {
            lineNo: l.lineNo,
            decision: l.decision,
            schedules: l.schedules,
            reason: l.reason,
            orderedQuantity: formatQty(parseQty(l.orderedQuantity)),
            requestedDate: l.requestedDate,
            quantityChanged: committed !== parseQty(l.orderedQuantity) || l.schedules.length > 1,
            dateChanged: l.requestedDate !== null && l.schedules.some((s) => s.date > (l.requestedDate as string)),
          };
        }),
      })),
    };
  });
}

/** Per line: ordered, committed, shipped, invoiced and open quantities. */
export async function progress(ctx: ServiceContext, purchaseOrderId: string) {
  return ctx.db.read(ctx.scope, async (tx) => {
    const [po] = await repo.purchaseOrdersOf(tx, [purchaseOrderId], false);
    if (!po) throw notFound('That purchase order');
    const lines = await repo.lineProgress(tx, po.partyId, [po.id], false);
    return {
      lines: lines.map((l) => ({
        lineNo: l.lineNo,
        ordered: formatQty(parseQty(l.ordered)),
        committed: formatQty(parseQty(l.committed)),
        shipped: formatQty(parseQty(l.shipped)),
        invoiced: formatQty(parseQty(l.invoiced)),
        open: formatQty(openQuantity(parseQty(l.committed), parseQty(l.shipped))),
      })),
    };
  });
}

/**
 * The supplier answers every line of a PO: confirm as ordered, change (quantity, date, or a split into
 * several deliveries) or reject. A later date or another quantity needs a reason. A round without
 * differences is accepted at once; one with differences waits for an operator. A new round supersedes a
 * round still waiting; earlier rounds stay as history.
 */
export async function confirm(ctx: ServiceContext, input: z.output<typeof confirmPurchaseOrderInput>) {
  const { actor } = ctx;
  const day = today(ctx);
  const horizon = addDays(day, purchaseOrdersHorizonDays);
  return ctx.db.tx(ctx.scope, async (tx) => {
    const po = await purchaseOrdersRepo.getForUpdate(tx, input.id);
    if (!po) throw notFound('That purchase order');
    if (!purchaseOrdersRepo.isOpen(po.status))
      throw new DomainError('CONFLICT', { key: 'po.cannotConfirm', values: { status: po.status } });
    const lines = await repo.lineProgress(tx, po.partyId, [po.id], true);
    const given = new Map(input.lines.map((l) => [l.lineNo, l]));
    if (given.size !== input.lines.length) throw new DomainError('BAD_REQUEST', { key: 'confirm.eachLineOnce' });
    const missing = lines.filter((l) => !given.has(l.lineNo)).map((l) => l.lineNo);
    if (missing.length > 0)
      throw new DomainError('BAD_REQUEST', { key: 'confirm.answerEveryLine', values: { lines: missing.join(', ') } });
    const unknown = input.lines.filter((l) => !lines.some((x) => x.lineNo === l.lineNo)).map((l) => l.lineNo);
    if (unknown.length > 0)
      throw new DomainError('BAD_REQUEST', { key: 'po.noLine', values: { line: String(unknown[0]) } });
    const rows = lines.map((l) => {
      const answer = given.get(l.lineNo) as z.output<typeof confirmPurchaseOrderInput>['lines'][number];
      const ordered = parseQty(l.ordered);
      const problem = checkConfirmationLine({ quantity: ordered, requestedDate: po.requestedDate }, answer, day);
      if (problem)
        throw new DomainError('BAD_REQUEST', {
          key: 'confirm.lineProblem',
          values: { line: String(l.lineNo), problem },
        });
      if (answer.schedules.some((s) => s.date > horizon))
        throw new DomainError('BAD_REQUEST', { key: 'confirm.dateTooFar', values: { line: String(l.lineNo) } });
      const committed = committedOf(answer);
      const shipped = parseQty(l.shipped);
      const invoiced = parseQty(l.invoiced);
      if (committed < shipped)
        throw new DomainError('BAD_REQUEST', {
          key: 'confirm.alreadyShipped',
          values: { line: String(l.lineNo), quantity: formatQty(shipped) },
        });
      if (committed < invoiced)
        throw new DomainError('BAD_REQUEST', {
          key: 'confirm.alreadyInvoiced',
          values: { line: String(l.lineNo), quantity: formatQty(invoiced) },
        });
      const later = po.requestedDate !== null && answer.schedules.some((s) => s.date > (po.requestedDate as string));
      return {
        lineNo: l.lineNo,
        decision: answer.decision,
        schedules: answer.schedules.map((s) => ({ quantity: formatQty(parseQty(s.quantity)), date: s.date })),
        committedQuantity: formatQty(committed),
        orderedQuantity: l.ordered,
        requestedDate: po.requestedDate,
        reason: answer.reason?.trim() || null,
        different: answer.decision !== 'confirm' || later,
      };
    });
    const hasDifferences = rows.some((r) => r.different);
    const latest = await repo.latestRound(tx, po.partyId, po.id);
    if (latest?.status === 'submitted')
      await repo.setConfirmationStatus(tx, latest.id, po.partyId, { status: 'superseded' });
    const at = now(ctx);
    const round = (latest?.round ?? 0) + 1;
    const status = hasDifferences ? ('submitted' as const) : ('accepted' as const);
    const id = await repo.insertConfirmation(
      tx,
      {
        partyId: po.partyId,
        purchaseOrderId: po.id,
        round,
        status,
        hasDifferences,
        submittedBy: actor.userId,
        submittedAt: at,
        ...(status === 'accepted' ? { decidedAt: at } : {}),
      },
      rows.map(({ different: _d, ...r }) => r),
    );
    const dates = rows.flatMap((r) => r.schedules.map((s) => s.date)).sort();
    await repo.markConfirmed(tx, po.id, po.partyId, dates.at(-1) ?? null, actor.userId, at);
    const eventLines = rows.map((r) => ({
      lineNo: r.lineNo,
      decision: r.decision,
      schedules: r.schedules,
      reason: r.reason,
    }));
    await outbox.record(tx, at, {
      type: 'purchase_order.confirmation_submitted',
      partyId: po.partyId,
      subject: { purchaseOrderNumber: po.number, round },
      payload: { status, hasDifferences, lines: eventLines },
    });
    await audit(
      { ...ctx, tx },
      {
        action: 'purchase_order.confirmation_submitted',
        partyId: po.partyId,
        type: 'purchase_order',
        id: po.id,
        details: {
          number: po.number,
          round,
          status,
          before: { status: po.status, promisedDate: po.promisedDate },
          after: { status: 'acknowledged', promisedDate: dates.at(-1) ?? null },
          lines: eventLines,
        },
      },
    );
    return { id, round, status };
  });
}
const purchaseOrdersHorizonDays = 2 * 366;

/** Operators accept or reject the differences of a waiting round. Rejected: the PO is open again. */
export async function decideConfirmation(ctx: ServiceContext, input: z.output<typeof decideConfirmationInput>) {
  const { actor } = ctx;
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    // Lock order as in confirm(): the PO, its lines, then the round (a plain read first finds the PO).
    const [peek] = await repo.confirmationRow(tx, input.id);
    if (!peek) throw notFound('That confirmation');
    const po = await purchaseOrdersRepo.getForUpdate(tx, peek.purchaseOrderId);
    if (!po) throw notFound('That confirmation');
    const lines = await repo.lineProgress(tx, po.partyId, [po.id], true);
    const c = await repo.confirmationForUpdate(tx, input.id);
    if (!c) throw notFound('That confirmation');
    if (c.status !== 'submitted')
      throw new DomainError('CONFLICT', { key: 'confirm.notWaiting', values: { status: c.status } });
    const at = now(ctx);
    const accept = input.decision === 'accept';
    if (accept) {
      const answers = await repo.confirmationLines(tx, c.partyId, [c.id]);
      for (const a of answers) {
        const line = lines.find((l) => l.lineNo === a.lineNo);
        const shipped = parseQty(line?.shipped ?? '0');
        const invoiced = parseQty(line?.invoiced ?? '0');
        if (parseQty(a.committedQuantity) < shipped)
          throw new DomainError('CONFLICT', {
            key: 'confirm.shippedSince',
            values: { line: String(a.lineNo), quantity: formatQty(shipped) },
          });
        if (parseQty(a.committedQuantity) < invoiced)
          throw new DomainError('CONFLICT', {
            key: 'confirm.invoicedSince',
            values: { line: String(a.lineNo), quantity: formatQty(invoiced) },
          });
      }
    }
    await repo.setConfirmationStatus(tx, c.id, c.partyId, {
      status: accept ? 'accepted' : 'rejected',
      decidedBy: actor.userId,
      decidedAt: at,
      decisionReason: input.reason?.trim() || null,
    });
    if (!accept) await repo.reopen(tx, po.id, po.partyId);
    const action = accept ? 'purchase_order.confirmation_accepted' : 'purchase_order.confirmation_rejected';
    await outbox.record(tx, at, {
      type: action,
      partyId: c.partyId,
      subject: { purchaseOrderNumber: po.number, round: c.round },
      payload: { reason: input.reason?.trim() || null },
    });
    await audit(
      { ...ctx, tx },
      {
        action,
        partyId: c.partyId,
        type: 'purchase_order',
        id: po.id,
        details: {
          number: po.number,
          round: c.round,
          before: { status: 'submitted' },
          after: { status: accept ? 'accepted' : 'rejected' },
          reason: input.reason?.trim() || null,
        },
      },
    );
    const reason = input.reason?.trim();
    const values = {
      status: accept ? 'accepted' : 'rejected',
      name: actor.displayName,
      round: c.round,
      number: po.number,
    };
    await notify(ctx, tx, {
      type: 'confirmation.decided',
      partyId: c.partyId,
      to: { permission: 'purchase-orders:acknowledge' },
      text: {
        title: { key: 'confirmation.decided.title', values },
        body: [
          { key: 'confirmation.decided.body', values },
          ...reasonLines(reason),
          ...(accept ? [] : (['', { key: 'confirmation.decided.again' }] as MailLines)),
        ],
      },
      link: `/purchase-orders/${po.id}`,
      mailKind: 'confirmation-decided',
    });
    return { ok: true as const, status: accept ? ('accepted' as const) : ('rejected' as const) };
  });
  ctx.mail.kick();
  return out;
}

export async function confirmationQueue(ctx: ServiceContext, limit: number) {
  const items = await ctx.db.read(ctx.scope, (tx) => repo.confirmationQueue(tx, limit));
  return { items };
}

// ---- ship notices

/**
 * A ship notice for lines of one or more of the supplier's POs. Each quantity is at most the line's open
 * quantity, checked under the PO and line locks, so two notices sent at once can never together ship
 * more than is open: the second waits for the first and sees its quantities.
 */
export async function createShipNotice(ctx: ServiceContext, input: z.output<typeof createShipNoticeInput>) {
  const { actor } = ctx;
  const day = today(ctx);
  if (input.shipDate < addDays(day, -SHIP_DATE_WINDOW_DAYS) || input.shipDate > addDays(day, SHIP_DATE_WINDOW_DAYS))
    throw new DomainError('BAD_REQUEST', { key: 'shipNotice.shipDateWindow', values: { days: SHIP_DATE_WINDOW_DAYS } });
  const keys = new Set(input.lines.map((l) => lineKey(l.purchaseOrderId, l.lineNo)));
  if (keys.size !== input.lines.length) throw new DomainError('BAD_REQUEST', { key: 'shipNotice.lineOnce' });
  return ctx.db.tx(ctx.scope, async (tx) => {
    const poIds = [...new Set(input.lines.map((l) => l.purchaseOrderId))];
    const pos = await repo.purchaseOrdersOf(tx, poIds, true);
    if (pos.length !== poIds.length) throw notFound('That purchase order');
    const partyId = (pos[0] as (typeof pos)[number]).partyId;
    if (pos.some((p) => p.partyId !== partyId)) throw new DomainError('BAD_REQUEST', { key: 'shipNotice.oneSupplier' });
    for (const p of pos)
      if (!purchaseOrdersRepo.isOpen(p.status))
        throw new DomainError('CONFLICT', {
          key: 'shipNotice.poClosed',
          values: { number: p.number, status: p.status },
        });
    const lines = await repo.lineProgress(tx, partyId, poIds, true);
    // A retry of a create that committed (same key, so the same POs, whose locks we now hold): its notice.
    if (input.idempotencyKey) {
      const done = await repo.noticeByIdempotencyKey(tx, partyId, input.idempotencyKey);
      if (done) return done;
    }
    const byKey = new Map(lines.map((l) => [lineKey(l.purchaseOrderId, l.lineNo), l]));
    const numberOf = new Map(pos.map((p) => [p.id, p.number]));
    const out = input.lines.map((l) => {
      const line = byKey.get(lineKey(l.purchaseOrderId, l.lineNo));
      const poNumber = numberOf.get(l.purchaseOrderId) as string;
      if (!line)
        throw new DomainError('BAD_REQUEST', {
          key: 'shipNotice.noLine',
          values: { number: poNumber, line: String(l.lineNo) },
        });
      const q = parseQty(l.quantity);
      if (q <= 0n)
        throw new DomainError('BAD_REQUEST', {
          key: 'shipNotice.positive',
          values: { line: String(l.lineNo), number: poNumber },
        });
      const open = openQuantity(parseQty(line.committed), parseQty(line.shipped));
      if (q > open)
        throw new DomainError('CONFLICT', {
          key: 'shipNotice.onlyOpen',
          values: { line: String(l.lineNo), number: poNumber, open: formatQty(open), quantity: formatQty(q) },
        });
      return {
        purchaseOrderId: l.purchaseOrderId,
        purchaseOrderNumber: poNumber,
        lineNo: l.lineNo,
        quantity: formatQty(q),
      };
    });
    const at = now(ctx);
    const notice = await repo.insertNotice(
      tx,
      {
        partyId,
        status: 'shipped',
        carrier: input.carrier,
        trackingRef: input.trackingRef,
        shipDate: input.shipDate,
        packages: input.packages,
        createdBy: actor.userId,
        createdAt: at,
        idempotencyKey: input.idempotencyKey ?? null,
      },
      out.map(({ purchaseOrderNumber: _n, ...l }) => l),
    );
    const payload = {
      carrier: input.carrier,
      trackingRef: input.trackingRef,
      shipDate: input.shipDate,
      packages: input.packages,
      lines: out.map(({ purchaseOrderId: _i, ...l }) => l),
    };
    await outbox.record(tx, at, {
      type: 'ship_notice.created',
      partyId,
      subject: { shipNoticeNumber: notice.number },
      payload,
    });
    await audit(
      { ...ctx, tx },
      {
        action: 'ship_notice.created',
        partyId,
        type: 'ship_notice',
        id: notice.id,
        details: { number: notice.number, ...payload },
      },
    );
    return notice;
  });
}

/** A notice not yet received may be cancelled; its quantities are open again. */
export async function cancelShipNotice(ctx: ServiceContext, input: z.output<typeof cancelShipNoticeInput>) {
  const { actor } = ctx;
  return ctx.db.tx(ctx.scope, async (tx) => {
    const [peek] = await repo.noticeRow(tx, input.id);
    if (!peek) throw notFound('That ship notice');
    // Lock order as in createShipNotice: the POs, their lines, then the notice.
    await repo.purchaseOrdersOf(tx, peek.purchaseOrderIds, true);
    await repo.lineProgress(tx, peek.partyId, peek.purchaseOrderIds, true);
    const n = await repo.noticeForUpdate(tx, input.id);
    if (!n) throw notFound('That ship notice');
    if (n.status !== 'shipped')
      throw new DomainError('CONFLICT', { key: 'shipNotice.cannotCancel', values: { status: n.status } });
    const at = now(ctx);
    await repo.cancelNotice(tx, n.id, n.partyId, actor.userId, at, input.reason);
    await outbox.record(tx, at, {
      type: 'ship_notice.cancelled',
      partyId: n.partyId,
      subject: { shipNoticeNumber: n.number },
      payload: { reason: input.reason },
    });
    await audit(
      { ...ctx, tx },
      {
        action: 'ship_notice.cancelled',
        partyId: n.partyId,
        type: 'ship_notice',
        id: n.id,
        details: {
          number: n.number,
          before: { status: n.status },
          after: { status: 'cancelled' },
          reason: input.reason,
        },
      },
    );
    return { ok: true as const };
  });
}

export function listShipNotices(ctx: ServiceContext, input: z.output<typeof shipNoticesListInput>) {
  return ctx.db.readOne(ctx.scope, (tx) => repo.listNotices(tx, input));
}

export async function getShipNotice(ctx: ServiceContext, id: string) {
  const n = await ctx.db.read(ctx.scope, (tx) => repo.getNotice(tx, id));
  if (!n) throw notFound('That ship notice');
  return n;
}

// ---- supplier invoices

const MICRO = 1_000_000n;
/** '12.5' → 12500000n (millionths). */
function parseMicro(s: string): bigint {
  const [whole = '0', frac = ''] = s.trim().split('.');
  return BigInt(whole) * MICRO + BigInt(frac.slice(0, 6).padEnd(6, '0'));
}
const formatMicro = (m: bigint) => {
  const frac = (m % MICRO).toString().padStart(6, '0').replace(/0+$/, '');
  return `${m / MICRO}${frac.length < 2 ? `.${frac.padEnd(2, '0')}` : `.${frac}`}`;
};
/** quantity (10^-4) × unit price (10^-6) in the currency's minor units, half up. */
function amountMinor(qty: bigint, priceMicro: bigint, currency: string): bigint {
  const scale = 10n ** 10n;
  const v = qty * priceMicro * 10n ** BigInt(currencyExponent(currency));
  return (v + scale / 2n) / scale;
}

/**
 * The supplier invoices shipped quantities of one of its POs. Each line is checked against the PO line:
 * a unit price off by more than the price tolerance, or an invoiced quantity (with earlier invoices)
 * above the shipped quantity by more than the quantity tolerance, flags the line and the invoice for the
 * buyer. Invoicing more than the line commits to is refused outright.
 */
export async function submitInvoice(ctx: ServiceContext, input: z.output<typeof submitSupplierInvoiceInput>) {
  const { actor } = ctx;
  const day = today(ctx);
  if (input.invoiceDate > day) throw new DomainError('BAD_REQUEST', { key: 'supplierInvoice.dateFuture' });
  if (new Set(input.lines.map((l) => l.lineNo)).size !== input.lines.length)
    throw new DomainError('BAD_REQUEST', { key: 'shipNotice.lineOnce' });
  const tolerance = ctx.config.supplierInvoices;
  return ctx.db.tx(ctx.scope, async (tx) => {
    const po = await purchaseOrdersRepo.getForUpdate(tx, input.purchaseOrderId);
    if (!po) throw notFound('That purchase order');
    if (po.status === 'cancelled') throw new DomainError('CONFLICT', { key: 'po.cancelled' });
    if (await repo.invoiceNumberTaken(tx, po.partyId, input.number))
      throw new DomainError('CONFLICT', { key: 'supplierInvoice.numberTaken', values: { number: input.number } });
    const lines = await repo.lineProgress(tx, po.partyId, [po.id], true);
    let total = 0n;
    const rows = input.lines.map((l) => {
      const line = lines.find((x) => x.lineNo === l.lineNo);
      if (!line) throw new DomainError('BAD_REQUEST', { key: 'po.noLine', values: { line: String(l.lineNo) } });
      const qty = parseQty(l.quantity);
      if (qty <= 0n)
        throw new DomainError('BAD_REQUEST', { key: 'supplierInvoice.positive', values: { line: String(l.lineNo) } });
      const invoicedBefore = parseQty(line.invoiced);
      const committed = parseQty(line.committed);
      if (invoicedBefore + qty > committed)
        throw new DomainError('BAD_REQUEST', {
          key: 'supplierInvoice.overCommitted',
          values: {
            line: String(l.lineNo),
            quantity: formatQty(invoicedBefore + qty),
            committed: formatQty(committed),
          },
        });
      const price = parseMicro(l.unitPrice);
      const poPrice = parseMicro(line.unitPrice);
      const shipped = parseQty(line.shipped);
      const check = checkInvoiceLine(
        { unitPriceMicro: poPrice, shipped, invoicedBefore },
        { unitPriceMicro: price, quantity: qty },
        tolerance,
      );
      const amount = amountMinor(qty, price, po.currency);
      total += amount;
      return {
        purchaseOrderId: po.id,
        lineNo: l.lineNo,
        quantity: formatQty(qty),
        unitPrice: formatMicro(price),
        amountMinor: amount,
        poUnitPrice: formatMicro(poPrice),
        shipped: formatQty(shipped),
        ...check,
      };
    });
    const mismatch = rows.some((r) => r.priceMismatch || r.quantityMismatch);
    const at = now(ctx);
    const id = await repo.insertInvoice(
      tx,
      {
        partyId: po.partyId,
        purchaseOrderId: po.id,
        number: input.number,
        invoiceDate: input.invoiceDate,
        currency: po.currency,
        totalMinor: total,
        status: 'submitted',
        mismatch,
        submittedBy: actor.userId,
        submittedAt: at,
      },
      rows,
    );
    const summary = rows.map((r) => ({
      lineNo: r.lineNo,
      quantity: r.quantity,
      unitPrice: r.unitPrice,
      priceMismatch: r.priceMismatch,
      quantityMismatch: r.quantityMismatch,
    }));
    await outbox.record(tx, at, {
      type: 'supplier_invoice.submitted',
      partyId: po.partyId,
      subject: { invoiceNumber: input.number, purchaseOrderNumber: po.number },
      payload: {
        invoiceDate: input.invoiceDate,
        currency: po.currency,
        total: total.toString(),
        mismatch,
        lines: summary,
      },
    });
    await audit(
      { ...ctx, tx },
      {
        action: 'supplier_invoice.submitted',
        partyId: po.partyId,
        type: 'supplier_invoice',
        id,
        details: {
          number: input.number,
          purchaseOrder: po.number,
          totalMinor: total.toString(),
          mismatch,
          lines: summary,
        },
      },
    );
    return { id, mismatch };
  });
}

export function listInvoices(ctx: ServiceContext, input: z.output<typeof supplierInvoicesListInput>) {
  return ctx.db.readOne(ctx.scope, (tx) => repo.listInvoices(tx, input));
}

export async function getInvoice(ctx: ServiceContext, id: string) {
  const inv = await ctx.db.read(ctx.scope, (tx) => repo.getInvoice(tx, id));
  if (!inv) throw notFound('That invoice');
  const { fileName, fileSizeBytes, ...rest } = inv;
  return { ...rest, file: fileName ? { fileName, sizeBytes: fileSizeBytes ?? 0 } : null };
}

/** Before a PDF is read: the invoice is the caller's and still the supplier's to change. */
export async function checkInvoiceUpload(ctx: ServiceContext, fields: { invoiceId: string }) {
  await ctx.db.read(ctx.scope, async (tx) => {
    const inv = await repo.getInvoice(tx, fields.invoiceId);
    if (!inv) throw notFound('That invoice');
  });
}

/** After the upload route's checks passed: the PDF copy belongs to the invoice (a new one replaces it). */
export async function recordInvoiceFile(
  ctx: ServiceContext,
  f: { invoiceId: string; fileName: string; contentType: string; sizeBytes: number; sha256: string },
) {
  if (f.contentType !== 'application/pdf') throw new DomainError('BAD_REQUEST', { key: 'supplierInvoice.pdfOnly' });
  return ctx.db.tx(ctx.scope, async (tx) => {
    const inv = await repo.invoiceForUpdate(tx, f.invoiceId);
    if (!inv) throw notFound('That invoice');
    await repo.attachInvoiceFile(tx, inv.id, inv.partyId, f);
    await audit(
      { ...ctx, tx },
      {
        action: 'supplier_invoice.file_attached',
        partyId: inv.partyId,
        type: 'supplier_invoice',
        id: inv.id,
        details: { number: inv.number, fileName: f.fileName, sizeBytes: f.sizeBytes, sha256: f.sha256 },
      },
    );
    return { id: inv.id, fileName: f.fileName };
  });
}

/**
 * The ERP reports an invoice's status (received, approved, scheduled, paid with its payment date, or
 * rejected). The same status again changes nothing; a paid invoice stays paid.
 */
export async function setInvoiceStatusFromErp(
  app: AppServices,
  who: { integrationName: string; keyId: string; requestId: string; ip: string },
  input: {
    supplier: string;
    number: string;
    status: (typeof SUPPLIER_INVOICE_ERP_STATUSES)[number];
    paymentDate?: string | null | undefined;
    note?: string | null | undefined;
  },
) {
  if (input.status === 'paid' && !input.paymentDate)
    throw new DomainError('BAD_REQUEST', 'A paid invoice needs its paymentDate.');
  return app.db.tx(SYSTEM_SCOPE, async (tx) => {
    const inv = await repo.invoiceForErp(tx, input.supplier, input.number);
    if (!inv) return null;
    const paymentDate = input.status === 'paid' ? (input.paymentDate ?? null) : null;
    if (inv.status === input.status && inv.paymentDate === paymentDate) return { status: inv.status, changed: false };
    if (inv.status === 'paid') throw new DomainError('CONFLICT', 'This invoice is paid; its status no longer changes.');
    await repo.setInvoiceStatus(tx, inv.id, inv.partyId, {
      status: input.status,
      paymentDate,
      erpNote: input.note ?? null,
      at: new Date(app.clock.now()),
    });
    await auditLog.record(tx, auditLog.fromRequest({ requestId: who.requestId, ip: who.ip }), {
      action: 'supplier_invoice.status_changed',
      outcome: 'success',
      partyId: inv.partyId,
      entityType: 'supplier_invoice',
      entityId: inv.id,
      details: {
        number: input.number,
        before: { status: inv.status, paymentDate: inv.paymentDate },
        after: { status: input.status, paymentDate },
        integration: who.integrationName,
        keyId: who.keyId,
      },
    });
    return { status: input.status, changed: true };
  });
}
