import { z } from 'zod';
import { isoTime } from './auth-schemas.ts';
import { isoDate, minorUnits, pageInput, uuid } from './paging.ts';

// Supplier collaboration on purchase orders: per-line confirmations (with split deliveries), ship notices
// (ASN) and supplier invoices. The quantity rules live here as pure functions, so the server, the SPA and
// the property tests apply one and the same rule.

// ---- quantities: exact decimals with up to 4 places, computed as scaled integers (1 unit = 10^4)
export const QTY_SCALE = 10_000n;
const QTY_RE = /^\d{1,14}(\.\d{1,4})?$/;
/** A quantity as the wire carries it: a non-negative decimal string with at most 4 decimal places. */
export const quantity = z
  .union([z.string().max(30), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(QTY_RE, 'A quantity such as 12 or 12.5 (at most 4 decimal places).'));

/** '12.5' → 125000n. Throws on anything that is not a quantity. */
export function parseQty(s: string): bigint {
  const t = s.trim();
  if (!QTY_RE.test(t)) throw new Error(`not a quantity: ${s}`);
  const [whole = '0', frac = ''] = t.split('.');
  return BigInt(whole) * QTY_SCALE + BigInt(frac.padEnd(4, '0'));
}
/** 125000n → '12.5' (no trailing zeros). */
export function formatQty(q: bigint): string {
  const neg = q < 0n;
  const a = neg ? -q : q;
  const whole = a / QTY_SCALE;
  const frac = (a % QTY_SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/**
 * What may still ship on a PO line: the committed quantity (the accepted confirmation's, else the ordered
 * one) less what active ship notices carry. Never negative: an ERP lowering the ordered quantity under what
 * already shipped leaves nothing open rather than a negative.
 */
export function openQuantity(committed: bigint, shipped: bigint): bigint {
  const open = committed - shipped;
  return open > 0n ? open : 0n;
}

// ---- per-line confirmations
export const CONFIRMATION_STATUSES = ['submitted', 'accepted', 'rejected', 'superseded'] as const;
export const LINE_DECISIONS = ['confirm', 'change', 'reject'] as const;
/** Most delivery splits on one line. */
export const MAX_SCHEDULES = 20;
const reason = z.string().trim().max(1000, 'Keep the reason under 1,000 characters.');
export const scheduleInput = z.object({ quantity, date: isoDate });
export const confirmationLineInput = z.object({
  lineNo: z.number().int().min(1),
  decision: z.enum(LINE_DECISIONS),
  /** The delivery schedule: one entry, or several for a split delivery. Empty for a rejected line. */
  schedules: z.array(scheduleInput).max(MAX_SCHEDULES, `At most ${MAX_SCHEDULES} deliveries per line.`),
  reason: reason.optional(),
});
export const confirmPurchaseOrderInput = z.object({
  id: uuid,
  lines: z.array(confirmationLineInput).min(1).max(500),
});

/**
 * Checks one line of a confirmation against its PO line. Returns the problem in words, or null. A
 * later date than requested or a quantity other than ordered (a rejection included) needs a reason;
 * `confirm` means exactly as ordered.
 */
export function checkConfirmationLine(
  ordered: { quantity: bigint; requestedDate: string | null },
  line: { decision: (typeof LINE_DECISIONS)[number]; schedules: { quantity: string; date: string }[]; reason?: string },
  today: string,
): string | null {
  const hasReason = (line.reason ?? '').trim().length >= 3;
  if (line.decision === 'reject') {
    if (line.schedules.length > 0) return 'A rejected line has no deliveries.';
    return hasReason ? null : 'Say why the line is rejected.';
  }
  if (line.schedules.length === 0) return 'Give at least one delivery (quantity and date).';
  let total = 0n;
  for (const s of line.schedules) {
    const q = parseQty(s.quantity);
    if (q <= 0n) return 'Each delivery needs a quantity above zero.';
    if (s.date < today) return 'A delivery date cannot be in the past.';
    total += q;
  }
  if (line.decision === 'confirm' && (total !== ordered.quantity || line.schedules.length !== 1))
    return 'Confirming means one delivery of the ordered quantity; choose "Change" to split or change it.';
  const requested = ordered.requestedDate;
  const later = requested !== null && line.schedules.some((s) => s.date > requested);
  if ((later || total !== ordered.quantity) && !hasReason)
    return later ? 'A date later than requested needs a reason.' : 'A changed quantity needs a reason.';
  return null;
}

/** The quantity a confirmation line commits to (0 for a rejection). */
export const committedOf = (line: { decision: string; schedules: { quantity: string }[] }) =>
  line.decision === 'reject' ? 0n : line.schedules.reduce((n, s) => n + parseQty(s.quantity), 0n);

export const confirmationLine = z.object({
  lineNo: z.number().int(),
  decision: z.enum(LINE_DECISIONS),
  schedules: z.array(z.object({ quantity: z.string(), date: z.string() })),
  reason: z.string().nullable(),
  /** Ordered quantity and requested date, as they stood, for the highlighted differences. */
  orderedQuantity: z.string(),
  requestedDate: z.string().nullable(),
  quantityChanged: z.boolean(),
  dateChanged: z.boolean(),
});
export const confirmation = z.object({
  id: uuid,
  round: z.number().int(),
  status: z.enum(CONFIRMATION_STATUSES),
  hasDifferences: z.boolean(),
  submittedBy: z.string().nullable(),
  submittedAt: isoTime,
  decidedBy: z.string().nullable(),
  decidedAt: isoTime.nullable(),
  decisionReason: z.string().nullable(),
  lines: z.array(confirmationLine),
});
export const confirmationsOutput = z.object({ items: z.array(confirmation) });
export const decideConfirmationInput = z.discriminatedUnion('decision', [
  z.object({ id: uuid, decision: z.literal('accept'), reason: reason.optional() }),
  z.object({ id: uuid, decision: z.literal('reject'), reason: reason.min(3, 'Say why the changes are rejected.') }),
]);
/** Operators: confirmations awaiting a decision, across suppliers, oldest first (at most `limit`). */
export const confirmationsQueueInput = z.object({ limit: z.number().int().min(1).max(200).default(200) });
export const confirmationsQueueOutput = z.object({
  items: z.array(
    z.object({
      id: uuid,
      purchaseOrderId: uuid,
      purchaseOrderNumber: z.string(),
      partyName: z.string(),
      round: z.number().int(),
      submittedAt: isoTime,
      changedLines: z.number().int(),
    }),
  ),
});

// ---- open quantities per PO line (what ship notices and invoices draw on)
export const poLineProgress = z.object({
  lineNo: z.number().int(),
  ordered: z.string(),
  committed: z.string(),
  shipped: z.string(),
  invoiced: z.string(),
  open: z.string(),
});
export const poProgressOutput = z.object({ lines: z.array(poLineProgress) });

// ---- ship notices
export const SHIP_NOTICE_STATUSES = ['shipped', 'received', 'cancelled'] as const;
const text = (max: number, what: string) => z.string().trim().min(1, `Enter the ${what}.`).max(max);
export const createShipNoticeInput = z.object({
  carrier: text(100, 'carrier'),
  trackingRef: text(100, 'tracking reference'),
  shipDate: isoDate,
  packages: z.number().int().min(1, 'At least one package.').max(100_000),
  /** Retries are safe: the same key again returns the notice already made (per supplier). */
  idempotencyKey: z.string().trim().min(1).max(255).optional(),
  lines: z
    .array(z.object({ purchaseOrderId: uuid, lineNo: z.number().int().min(1), quantity }))
    .min(1, 'Ship at least one line.')
    .max(500),
});
export const shipNoticeSummary = z.object({
  id: uuid,
  partyId: uuid,
  partyName: z.string(),
  number: z.string(),
  status: z.enum(SHIP_NOTICE_STATUSES),
  carrier: z.string(),
  trackingRef: z.string(),
  shipDate: z.string(),
  packages: z.number().int(),
  createdAt: isoTime,
  purchaseOrders: z.array(z.string()),
});
export const shipNoticesListInput = pageInput.extend({
  status: z.enum(SHIP_NOTICE_STATUSES).optional(),
  partyId: uuid.optional(),
});
export const shipNoticesListOutput = z.object({ items: z.array(shipNoticeSummary), nextCursor: z.string().nullable() });
export const shipNoticeDetail = shipNoticeSummary.extend({
  createdBy: z.string().nullable(),
  cancelledAt: isoTime.nullable(),
  cancelReason: z.string().nullable(),
  lines: z.array(
    z.object({
      purchaseOrderId: uuid,
      purchaseOrderNumber: z.string(),
      lineNo: z.number().int(),
      sku: z.string(),
      description: z.string(),
      quantity: z.string(),
    }),
  ),
});
export const cancelShipNoticeInput = z.object({ id: uuid, reason: reason.min(3, 'Say why it is cancelled.') });

// ---- supplier invoices
export const SUPPLIER_INVOICE_STATUSES = [
  'submitted',
  'received',
  'approved',
  'scheduled',
  'paid',
  'rejected',
] as const;
/** Statuses the ERP reports back (submitted is the portal's own). */
export const SUPPLIER_INVOICE_ERP_STATUSES = ['received', 'approved', 'scheduled', 'paid', 'rejected'] as const;
export const submitSupplierInvoiceInput = z.object({
  purchaseOrderId: uuid,
  number: text(50, 'invoice number'),
  invoiceDate: isoDate,
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().min(1),
        quantity,
        /** Unit price as a decimal string in the PO's currency ("12.50"). */
        unitPrice: z
          .string()
          .trim()
          .regex(/^\d{1,14}(\.\d{1,6})?$/, 'A unit price such as 12.50.'),
      }),
    )
    .min(1, 'Invoice at least one line.')
    .max(500),
});

/**
 * Checks an invoice line against its PO line: a price off the PO's by more than `pricePct` percent, or a
 * quantity that with what is already invoiced exceeds what shipped by more than `qtyPct` percent, is a
 * mismatch (flagged for the buyer, not refused). Prices are in micro-units (10^-6 of the currency).
 */
export function checkInvoiceLine(
  po: { unitPriceMicro: bigint; shipped: bigint; invoicedBefore: bigint },
  line: { unitPriceMicro: bigint; quantity: bigint },
  tolerance: { pricePct: number; qtyPct: number },
): { priceMismatch: boolean; quantityMismatch: boolean } {
  const pct = (n: number) => BigInt(Math.round(n * 100)); // basis points
  const diff = line.unitPriceMicro - po.unitPriceMicro;
  const priceMismatch = (diff < 0n ? -diff : diff) * 10_000n > po.unitPriceMicro * pct(tolerance.pricePct);
  const after = po.invoicedBefore + line.quantity;
  const quantityMismatch = (after - po.shipped) * 10_000n > po.shipped * pct(tolerance.qtyPct);
  return { priceMismatch, quantityMismatch };
}

export const supplierInvoiceSummary = z.object({
  id: uuid,
  partyId: uuid,
  partyName: z.string(),
  number: z.string(),
  purchaseOrderId: uuid,
  purchaseOrderNumber: z.string(),
  status: z.enum(SUPPLIER_INVOICE_STATUSES),
  invoiceDate: z.string(),
  currency: z.string(),
  totalMinor: minorUnits,
  mismatch: z.boolean(),
  paymentDate: z.string().nullable(),
  submittedAt: isoTime,
});
export const supplierInvoicesListInput = pageInput.extend({
  status: z.enum(SUPPLIER_INVOICE_STATUSES).optional(),
  mismatch: z.boolean().optional(),
  partyId: uuid.optional(),
});
export const supplierInvoicesListOutput = z.object({
  items: z.array(supplierInvoiceSummary),
  nextCursor: z.string().nullable(),
});
export const supplierInvoiceDetail = supplierInvoiceSummary.extend({
  submittedBy: z.string().nullable(),
  statusAt: isoTime.nullable(),
  erpNote: z.string().nullable(),
  file: z.object({ fileName: z.string(), sizeBytes: z.number().int() }).nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number().int(),
      sku: z.string(),
      description: z.string(),
      quantity: z.string(),
      unitPrice: z.string(),
      amountMinor: minorUnits,
      poUnitPrice: z.string(),
      shipped: z.string(),
      priceMismatch: z.boolean(),
      quantityMismatch: z.boolean(),
    }),
  ),
});
/** Query string of POST /files/supplier-invoices: the invoice the PDF belongs to. */
export const supplierInvoiceUploadFields = z.object({ invoiceId: uuid });

/** `POST /api/v1/supplier-invoices/status`: the ERP reports where a supplier invoice stands. */
export const supplierInvoiceStatusBody = z
  .object({
    supplier: z.string().trim().min(1).max(100).meta({ description: 'The supplier’s ERP reference (vendor id).' }),
    number: z.string().trim().min(1).max(50).meta({ description: 'The supplier’s invoice number.' }),
    status: z.enum(SUPPLIER_INVOICE_ERP_STATUSES),
    paymentDate: isoDate.nullish().meta({ description: 'Required when status is paid.' }),
    note: z.string().trim().max(500).nullish(),
  })
  .strict()
  .meta({ id: 'SupplierInvoiceStatus' });
export const supplierInvoiceStatusResult = z
  .object({ status: z.enum(SUPPLIER_INVOICE_STATUSES), changed: z.boolean() })
  .meta({ id: 'SupplierInvoiceStatusResult' });
