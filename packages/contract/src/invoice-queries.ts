import { z } from 'zod';
import { isoTime } from './auth-schemas.ts';
import { INVOICE_KINDS } from './constants.ts';
import { isoDate, minorUnits, pageInput, uuid } from './paging.ts';

// Accounts payable's side of an invoice: queries (disputes) on an invoice or one of its lines, and
// remittance advice (what a customer says it is paying). Neither moves money: the ERP learns of both
// through the integration outbox and stays the book of record.

const text = (what: string, max = 4000) =>
  z
    .string()
    .trim()
    .min(3, `Write at least a few words ${what}.`)
    .max(max, `Keep it under ${max.toLocaleString('en')} characters.`);

// ---- invoice queries
export const INVOICE_QUERY_REASONS = ['price', 'quantity', 'not-received', 'damaged', 'other'] as const;
export type InvoiceQueryReason = (typeof INVOICE_QUERY_REASONS)[number];
export const INVOICE_QUERY_REASON_LABELS: Record<InvoiceQueryReason, string> = {
  price: 'Price',
  quantity: 'Quantity',
  'not-received': 'Not received',
  damaged: 'Damaged',
  other: 'Other',
};
export const INVOICE_QUERY_STATUSES = ['open', 'resolved', 'rejected'] as const;
/** Files per query (customer and staff together): a thread, not a document store. */
export const INVOICE_QUERY_ATTACHMENTS_MAX = 10;

export const raiseInvoiceQueryInput = z.object({
  invoiceId: uuid,
  /** The line queried (invoice_lines.line_no); absent: the invoice as a whole. */
  lineNo: z.number().int().min(0).max(100_000).optional(),
  reason: z.enum(INVOICE_QUERY_REASONS),
  message: text('about what is wrong'),
});
export const invoiceQueryIdInput = z.object({ id: uuid });
export const replyInvoiceQueryInput = z.object({ id: uuid, message: text('in your reply') });
export const closeInvoiceQueryInput = z.object({
  id: uuid,
  /** The version the handler saw: a query that changed since (a new message, a decision) is a CONFLICT. */
  version: z.number().int().min(1),
  outcome: z.enum(['resolved', 'rejected']),
  reason: text('saying why; the customer reads this', 2000),
});
export const invoiceQueriesListInput = pageInput.extend({
  status: z.enum(INVOICE_QUERY_STATUSES).optional(),
  /** Only the queries on one invoice. */
  invoiceId: uuid.optional(),
  /** Staff with cross-party permission may narrow to one party; ignored for everyone else. */
  partyId: uuid.optional(),
});
/** Upload fields (query string of POST /files/invoice-query-attachments). */
export const invoiceQueryUploadFields = z.object({ queryId: uuid });
export const invoiceQueryAttachmentInput = z.object({ attachmentId: uuid });

export const invoiceQuerySummary = z.object({
  id: uuid,
  partyId: uuid,
  partyName: z.string(),
  invoiceId: uuid,
  invoiceNumber: z.string(),
  invoiceKind: z.enum(INVOICE_KINDS),
  lineNo: z.number().int().nullable(),
  reason: z.enum(INVOICE_QUERY_REASONS),
  status: z.enum(INVOICE_QUERY_STATUSES),
  raisedBy: z.string(),
  raisedAt: isoTime,
  /** When the last message was written (raising counts). */
  lastMessageAt: isoTime,
  /** Who wrote last: 'customer' means the query waits for staff. */
  lastAuthorSide: z.enum(['customer', 'staff']),
  closedAt: isoTime.nullable(),
  version: z.number().int(),
});
export const invoiceQueriesListOutput = z.object({
  items: z.array(invoiceQuerySummary),
  nextCursor: z.string().nullable(),
});
export const invoiceQueryMessage = z.object({
  id: uuid,
  authorSide: z.enum(['customer', 'staff']),
  /** The author's name; staff show as their name too (customers deal with people). */
  author: z.string(),
  body: z.string(),
  at: isoTime,
});
export const invoiceQueryAttachment = z.object({
  id: uuid,
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  uploadedBy: z.string(),
  uploadedAt: isoTime,
});
export const invoiceQueryDetail = invoiceQuerySummary.extend({
  /** The queried line as billed, when the query is about one line. */
  line: z.object({ lineNo: z.number().int(), description: z.string(), sku: z.string().nullable() }).nullable(),
  closedBy: z.string().nullable(),
  resolution: z.string().nullable(),
  messages: z.array(invoiceQueryMessage),
  attachments: z.array(invoiceQueryAttachment),
});
export const invoiceQueriesForInvoiceOutput = z.array(invoiceQueryDetail);

// ---- remittance advice
/** Invoices and credit notes one advice may settle. */
export const REMITTANCE_ITEMS_MAX = 200;
const signedMinor = z
  .string()
  .trim()
  .regex(/^-?\d{1,18}$/, 'Give the amount in minor units (whole cents), e.g. "125000" for 1,250.00.')
  .transform((s) => BigInt(s));
export const createRemittanceInput = z.object({
  /** The payer's own reference (what the bank statement will show): how the ERP matches the payment. */
  reference: z.string().trim().min(1, 'Give the payment reference.').max(140),
  paymentDate: isoDate,
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'Use a three-letter currency code.'),
  /** What the payment amounts to: it must equal the sum of the allocations. */
  totalMinor: signedMinor,
  allocations: z
    .array(z.object({ invoiceId: uuid, amountMinor: signedMinor }))
    .min(1, 'Choose at least one invoice.')
    .max(REMITTANCE_ITEMS_MAX)
    .refine((a) => new Set(a.map((x) => x.invoiceId)).size === a.length, 'Each invoice may appear once.'),
  note: z.string().trim().max(1000).optional(),
});
export const remittanceOpenItemsOutput = z.object({
  items: z.array(
    z.object({
      id: uuid,
      kind: z.enum(INVOICE_KINDS),
      number: z.string(),
      legalNumber: z.string().nullable(),
      issueDate: z.string(),
      dueDate: z.string(),
      currency: z.string(),
      openMinor: minorUnits,
      /** Open balance less what earlier advices still waiting for the ERP already cover. */
      availableMinor: minorUnits,
    }),
  ),
  /** True when there were more open items than one advice can carry. */
  truncated: z.boolean(),
});
export const remittancesListInput = pageInput;
export const remittanceSummary = z.object({
  id: uuid,
  reference: z.string(),
  paymentDate: z.string(),
  currency: z.string(),
  totalMinor: minorUnits,
  submittedBy: z.string(),
  submittedAt: isoTime,
  /** Allocations whose invoice the ERP has not yet settled (the invoice still shows "payment advised"). */
  pendingCount: z.number().int(),
  lines: z.array(
    z.object({
      invoiceId: uuid,
      number: z.string(),
      kind: z.enum(INVOICE_KINDS),
      amountMinor: minorUnits,
    }),
  ),
});
export const remittancesListOutput = z.object({ items: z.array(remittanceSummary), nextCursor: z.string().nullable() });
