import { z } from 'zod';
import { INVOICE_KINDS, INVOICE_STATUSES, LIMITS, ORDER_SORTS, ORDER_STATUSES } from './constants.ts';
import { isoDate, minorUnits, pageInput, uuid } from './paging.ts';

// ---- orders
export const ordersListInput = pageInput
  .extend({
    status: z.enum(ORDER_STATUSES).optional(),
    search: z.string().trim().max(LIMITS.searchMax).optional(),
    /** Order dates from and to, both inclusive. */
    from: isoDate.optional(),
    to: isoDate.optional(),
    sort: z.enum(ORDER_SORTS).default('newest'),
    /** Internal staff with cross-party permission may narrow to one party; ignored for everyone else. */
    partyId: uuid.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ['to'],
    message: 'The end date must be on or after the start date.',
  });
export const orderSummary = z.object({
  id: uuid,
  partyId: uuid,
  number: z.string(),
  customerReference: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
  orderDate: z.string(),
  currency: z.string(),
  totalMinor: minorUnits,
});
/**
 * Whose row it is: the party's name for staff (cross-party) callers, whose lists mix parties; null for a
 * customer's or supplier's own users, who only ever see their own.
 */
export const partyNameForStaff = z.string().nullable();
export const ordersListOutput = z.object({
  items: z.array(orderSummary.extend({ partyName: partyNameForStaff })),
  nextCursor: z.string().nullable(),
});
export const orderLine = z.object({
  lineNo: z.number().int(),
  sku: z.string(),
  description: z.string(),
  quantity: z.string(),
  /** The unit of measure the quantity counts ('EA', 'KG'); null when the ERP sent none. */
  uom: z.string().nullable(),
  /** The unit price rounded to the currency's minor unit (what the amounts are made of). */
  unitPriceMinor: minorUnits,
  /**
   * The exact unit price as a decimal string ('0.012345'), when the ERP sent one; it may carry more decimals
   * than the currency's minor unit (price per piece of a part sold by the thousand).
   */
  unitPrice: z.string().nullable(),
  amountMinor: minorUnits,
});
export const shipmentSummary = z.object({
  id: uuid,
  partyId: uuid,
  /** Every order the shipment carries lines of (usually one), by number. */
  orders: z.array(z.object({ id: uuid, number: z.string() })),
  number: z.string(),
  carrier: z.string(),
  trackingRef: z.string().nullable(),
  status: z.enum(['in-transit', 'delivered']),
  shippedOn: z.string(),
  deliveredOn: z.string().nullable(),
});
export const orderDetail = orderSummary.extend({
  partyName: partyNameForStaff,
  /** The total before tax and charges, when the ERP sent it; `totalMinor` is always the gross total. */
  netMinor: minorUnits.nullable(),
  lines: z.array(orderLine),
  /** What shipped against this order (delivery notes), newest first. */
  shipments: z.array(shipmentSummary),
  /** Its invoices and credit notes, oldest first (empty without invoices:read). */
  invoices: z.array(
    z.object({
      id: uuid,
      number: z.string(),
      legalNumber: z.string().nullable(),
      kind: z.enum(INVOICE_KINDS),
      status: z.enum(INVOICE_STATUSES),
      issueDate: z.string(),
      dueDate: z.string(),
      currency: z.string(),
      totalMinor: minorUnits,
      openMinor: minorUnits,
    }),
  ),
});
export const idInput = z.object({ id: uuid });

// ---- invoices
/** What the invoice list filters on; the list pages through them, invoices.totals sums them per currency. */
export const invoiceFilters = z.object({
  status: z.enum(INVOICE_STATUSES).optional(),
  kind: z.enum(INVOICE_KINDS).optional(),
  /** Only invoices overdue today (open, something open, due before today), longest overdue first. */
  overdue: z.literal(true).optional(),
  /** Matches the invoice's number or its legal (printed) number (case-insensitive, contains). */
  search: z.string().trim().max(LIMITS.searchMax).optional(),
  /** Issue dates from and to, both inclusive. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  partyId: uuid.optional(),
});
export const datesInOrder = {
  check: (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || q.from <= q.to,
  params: { path: ['to'], message: 'The end date must be on or after the start date.' },
};
export const invoicesListInput = pageInput.extend(invoiceFilters.shape).refine(datesInOrder.check, datesInOrder.params);
export const invoicesTotalsInput = invoiceFilters.refine(datesInOrder.check, datesInOrder.params);
/** Per currency, over every invoice the filters match (never summed across currencies). */
export const invoicesTotalsOutput = z.object({
  currencies: z.array(
    z.object({ currency: z.string(), count: z.number().int(), totalMinor: minorUnits, openMinor: minorUnits }),
  ),
});
export const invoiceSummary = z.object({
  id: uuid,
  partyId: uuid,
  orderId: uuid.nullable(),
  kind: z.enum(INVOICE_KINDS),
  /** Gatehouse's (the ERP's internal) document number. */
  number: z.string(),
  /** The number printed on the legal document (fiscal numbering), when the ERP sent one. */
  legalNumber: z.string().nullable(),
  status: z.enum(INVOICE_STATUSES),
  issueDate: z.string(),
  dueDate: z.string(),
  currency: z.string(),
  totalMinor: minorUnits,
  openMinor: minorUnits,
  /** Open, something still open and due before the server's today. */
  overdue: z.boolean(),
  /** Invoice queries (disputes) on it still open. */
  openQueries: z.number().int(),
  /** A remittance advice names it and the ERP's payment has not arrived yet (its balance is unchanged). */
  paymentAdvised: z.boolean(),
  /** How many days past its due date an overdue invoice is today; null when it is not overdue. */
  daysOverdue: z.number().int().nullable(),
});
export const invoicesListOutput = z.object({
  items: z.array(invoiceSummary.extend({ partyName: partyNameForStaff })),
  nextCursor: z.string().nullable(),
});
/** A line of an invoice or credit note as billed (a credit note's amounts are negative). */
export const invoiceLine = orderLine.extend({
  /** Null for a line with no article (freight, a discount, a correction). */
  sku: z.string().nullable(),
  /** Tax on the line in minor units, when the ERP sent it per line. */
  taxMinor: minorUnits.nullable(),
});
/**
 * A printable invoice: whom it bills and its lines: the invoice's own lines when it has any, else its
 * order's lines (older invoices were mirrored without lines), else none.
 */
export const invoiceDetail = invoiceSummary.extend({
  orderNumber: z.string().nullable(),
  billTo: z.object({ name: z.string() }),
  lines: z.array(invoiceLine),
});

// ---- shipments and the account statement (customers)
export const shipmentsListInput = pageInput.extend({
  orderId: uuid.optional(),
  status: z.enum(['in-transit', 'delivered']).optional(),
  search: z.string().trim().max(LIMITS.searchMax).optional(),
  partyId: uuid.optional(),
});
export const shipmentsListOutput = z.object({
  items: z.array(shipmentSummary.extend({ partyName: partyNameForStaff })),
  nextCursor: z.string().nullable(),
});
export const shipmentDetail = shipmentSummary.extend({
  partyName: partyNameForStaff,
  lines: z.array(
    z.object({
      orderId: uuid,
      orderNumber: z.string(),
      lineNo: z.number().int(),
      sku: z.string(),
      description: z.string(),
      quantity: z.string(),
    }),
  ),
});
export const STATEMENT_ITEMS_MAX = 500;
export const ageing = z.object({
  current: minorUnits,
  days1to30: minorUnits,
  days31to60: minorUnits,
  days61to90: minorUnits,
  over90: minorUnits,
});
export const statementOutput = z.object({
  /** The day the ageing is computed for (YYYY-MM-DD). */
  asOf: z.string(),
  /** Per currency: the open total and how much of it is how many days past due. Never summed across currencies. */
  currencies: z.array(z.object({ currency: z.string(), openMinor: minorUnits, ageing })),
  openItems: z.array(
    z.object({
      id: uuid,
      number: z.string(),
      issueDate: z.string(),
      dueDate: z.string(),
      currency: z.string(),
      totalMinor: minorUnits,
      openMinor: minorUnits,
      daysOverdue: z.number().int(),
      /** Invoice queries (disputes) on it still open: the statement says the item is queried. */
      openQueries: z.number().int(),
    }),
  ),
  /** More open items exist than the statement lists (the oldest due first are shown). */
  truncated: z.boolean(),
});
