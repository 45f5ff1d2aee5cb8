import { z } from 'zod';
import { isoTime } from './auth-schemas.ts';
import { LIMITS } from './constants.ts';
import { orderLine } from './orders-schemas.ts';
import { isoDate, minorUnits, pageInput, uuid } from './paging.ts';

// The supplier side of the portal: purchase orders, compliance documents, master-data change requests.

const note = (what: string) =>
  z.string().trim().min(3, `Write at least a few words ${what}.`).max(2000, 'Keep it under 2,000 characters.');

// ---- purchase orders
export const PURCHASE_ORDER_STATUSES = ['open', 'acknowledged', 'problem', 'received', 'cancelled'] as const;
export const purchaseOrdersListInput = pageInput.extend({
  status: z.enum(PURCHASE_ORDER_STATUSES).optional(),
  search: z.string().trim().max(LIMITS.searchMax).optional(),
  /** Only POs whose message thread holds a message of the other side the caller has not read. */
  unread: z.boolean().optional(),
  /** Internal staff with cross-party permission may narrow to one supplier; ignored for everyone else. */
  partyId: uuid.optional(),
});
export const purchaseOrderSummary = z.object({
  id: uuid,
  partyId: uuid,
  /** The supplier's name (staff see every supplier's orders). */
  partyName: z.string(),
  number: z.string(),
  status: z.enum(PURCHASE_ORDER_STATUSES),
  orderDate: z.string(),
  requestedDate: z.string().nullable(),
  promisedDate: z.string().nullable(),
  currency: z.string(),
  totalMinor: minorUnits,
});
export const purchaseOrdersListOutput = z.object({
  items: z.array(
    purchaseOrderSummary.extend({
      /** The PO's message thread: its status and the caller's unread messages (null: nobody wrote yet). */
      thread: z.object({ status: z.enum(['open', 'resolved']), unread: z.number().int() }).nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const purchaseOrderDetail = purchaseOrderSummary.extend({
  lines: z.array(orderLine),
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  problemNote: z.string().nullable(),
  problemAt: isoTime.nullable(),
  problemBy: z.string().nullable(),
});
export const acknowledgePurchaseOrderInput = z.object({ id: uuid, promisedDate: isoDate });
export const flagPurchaseOrderInput = z.object({ id: uuid, note: note('about the problem') });

// ---- compliance documents
export const DOCUMENT_STATUSES = [
  'missing',
  'submitted',
  'under-review',
  'approved',
  'rejected',
  'expiring',
  'expired',
] as const;
export const VERSION_STATUSES = ['submitted', 'under-review', 'approved', 'rejected', 'superseded'] as const;
/** Files a supplier may upload, decided from the file's content (magic bytes), never its name. */
export const UPLOAD_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;

export const documentVersion = z.object({
  id: uuid,
  partyId: uuid,
  typeId: uuid,
  versionNo: z.number().int(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  status: z.enum(VERSION_STATUSES),
  expiresOn: z.string().nullable(),
  expiryState: z.enum(['current', 'expiring', 'expired']),
  uploadedBy: z.string(),
  uploadedAt: isoTime,
  reviewer: z.string().nullable(),
  decidedAt: isoTime.nullable(),
  reason: z.string().nullable(),
});
export const documentType = z.object({
  id: uuid,
  key: z.string(),
  name: z.string(),
  description: z.string(),
  requiresExpiry: z.boolean(),
});
export const documentsRequirementsInput = z.object({
  /** Staff name the supplier; a supplier always gets its own. */
  partyId: uuid.optional(),
});
export const documentsRequirementsOutput = z.object({
  party: z.object({ id: uuid, name: z.string(), category: z.string().nullable() }),
  items: z.array(
    z.object({
      type: documentType,
      status: z.enum(DOCUMENT_STATUSES),
      /** The approved version in force (possibly expiring or expired). */
      current: documentVersion.nullable(),
      /** The newest version, when it is not the current one (awaiting review, or rejected). */
      latest: documentVersion.nullable(),
    }),
  ),
});
export const documentsHistoryInput = z.object({ typeId: uuid, partyId: uuid.optional() });
export const documentsHistoryOutput = z.object({ type: documentType, versions: z.array(documentVersion) });
export const documentVersionInput = z.object({ versionId: uuid });
export const documentVersionDetail = documentVersion.extend({
  partyName: z.string(),
  type: documentType,
});
/** What the upload route takes besides the file (query string of POST /files/documents). */
export const documentUploadFields = z.object({ typeId: uuid, expiresOn: isoDate.optional() });
export const documentsQueueInput = pageInput.extend({
  status: z.enum(['submitted', 'under-review']).optional(),
  partyId: uuid.optional(),
  typeId: uuid.optional(),
});
export const documentsQueueOutput = z.object({
  items: z.array(documentVersion.extend({ partyName: z.string(), typeName: z.string() })),
  nextCursor: z.string().nullable(),
});
export const decideDocumentInput = z.discriminatedUnion('decision', [
  z.object({ versionId: uuid, decision: z.literal('approve'), reason: z.string().trim().max(2000).optional() }),
  z.object({ versionId: uuid, decision: z.literal('reject'), reason: note('on why it is rejected') }),
]);
export const downloadLinkOutput = z.object({ url: z.string(), expiresAt: z.string() });

// ---- master data and change requests
export const CHANGE_REQUEST_KINDS = ['bank-details', 'address'] as const;
export const CHANGE_REQUEST_STATUSES = ['pending', 'accepted', 'rejected', 'withdrawn'] as const;
const line = (max: number) => z.string().trim().min(1, 'Required.').max(max);
/**
 * How a bank account is written, chosen by the bank's country (bankSchemesFor): an IBAN with an optional
 * BIC; a US ABA routing number with an account number; a UK sort code with an account number. Details
 * stored before schemes existed have none and are IBANs.
 */
export const BANK_SCHEMES = ['iban', 'us-aba', 'gb-sort-code'] as const;
export type BankScheme = (typeof BANK_SCHEMES)[number];
export const BANK_SCHEME_NAMES: Record<BankScheme, string> = {
  iban: 'IBAN and BIC',
  'us-aba': 'ABA routing number and account number',
  'gb-sort-code': 'Sort code and account number',
};
/** The schemes a bank in this country (ISO 3166-1 alpha-2) is given in, the usual one first. */
export function bankSchemesFor(country: string): readonly BankScheme[] {
  const c = country.trim().toUpperCase();
  if (c === 'US') return ['us-aba'];
  if (c === 'GB') return ['gb-sort-code', 'iban'];
  return ['iban'];
}
/** The scheme of stored details (none: an IBAN, as every account was before schemes existed). */
export const bankSchemeOf = (b: { scheme?: BankScheme | undefined }): BankScheme => b.scheme ?? 'iban';

/**
 * A bank account. Which fields are needed follows the scheme; the server checks them (IBAN country
 * format and mod-97 check digits, the ABA routing checksum, sort code and account number shapes) and
 * stores them normalised, with the scheme and the bank's country always set.
 */
export const bankDetails = z.object({
  accountHolder: line(140),
  scheme: z.enum(BANK_SCHEMES).optional(),
  /** The bank's country, ISO 3166-1 alpha-2 (for an IBAN, its first two letters). */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Use the bank's two-letter country code (US, GB, DE…).")
    .optional(),
  iban: z.string().trim().min(15).max(42).optional(),
  bic: z.string().trim().max(11).optional(),
  /** US: the nine-digit ABA routing number. */
  routingNumber: z.string().trim().max(11).optional(),
  /** UK: the six-digit sort code (dashes and spaces allowed). */
  sortCode: z.string().trim().max(8).optional(),
  /** US and UK: the account number at that bank. */
  accountNumber: z.string().trim().max(20).optional(),
});
export const postalAddress = z.object({
  street: line(200),
  postalCode: line(20),
  city: line(100),
  /** ISO 3166-1 alpha-2. */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Use the two-letter country code (DE, FR, GB…).'),
});
export type BankDetails = z.infer<typeof bankDetails>;
export type PostalAddress = z.infer<typeof postalAddress>;
export const createChangeRequestInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bank-details'), bankDetails, note: z.string().trim().max(2000).optional() }),
  z.object({ kind: z.literal('address'), address: postalAddress, note: z.string().trim().max(2000).optional() }),
]);
export const masterDataOutput = z.object({
  address: postalAddress.nullable(),
  bankDetails: bankDetails.nullable(),
  updatedAt: isoTime.nullable(),
});
export const changeRequest = z.object({
  id: uuid,
  partyId: uuid,
  partyName: z.string(),
  kind: z.enum(CHANGE_REQUEST_KINDS),
  status: z.enum(CHANGE_REQUEST_STATUSES),
  proposed: z.union([bankDetails, postalAddress]),
  previous: z.union([bankDetails, postalAddress]).nullable(),
  note: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: isoTime,
  decidedBy: z.string().nullable(),
  decidedAt: isoTime.nullable(),
  reason: z.string().nullable(),
  version: z.number().int(),
  /** Bank-detail changes: the approval request that decides it. */
  approvalId: uuid.nullable(),
  /** Where that approval stands ('changes-requested': the requester corrects it with changeRequests.resubmit). */
  approvalStatus: z.enum(['pending', 'changes-requested', 'approved', 'rejected', 'withdrawn']).nullable(),
  /** The last reason an approver gave for sending it back or rejecting it. */
  approvalNote: z.string().nullable(),
  /** Evidence for a bank-detail change (a bank letter, a voided cheque), oldest first. */
  attachments: z.array(
    z.object({ id: uuid, fileName: z.string(), sizeBytes: z.number().int(), uploadedAt: z.string() }),
  ),
});
/** A bank letter or voided cheque goes on a pending bank-detail change; at most this many files. */
export const CHANGE_REQUEST_ATTACHMENTS_MAX = 3;
export const changeRequestUploadFields = z.object({ changeRequestId: uuid });
export const changeRequestAttachmentInput = z.object({ attachmentId: uuid });
export const changeRequestsListInput = pageInput.extend({
  status: z.enum(CHANGE_REQUEST_STATUSES).optional(),
  kind: z.enum(CHANGE_REQUEST_KINDS).optional(),
  /** The handlers' queue may narrow to one party. */
  partyId: uuid.optional(),
});
export const changeRequestsListOutput = z.object({ items: z.array(changeRequest), nextCursor: z.string().nullable() });
export const changeRequestIdInput = z.object({ id: uuid });
export const decideChangeRequestInput = z.discriminatedUnion('decision', [
  z.object({
    id: uuid,
    /** The version the handler saw: a request changed meanwhile is a CONFLICT, not a blind decision. */
    version: z.number().int().min(1),
    decision: z.literal('accept'),
    reason: z.string().trim().max(2000).optional(),
  }),
  z.object({
    id: uuid,
    version: z.number().int().min(1),
    decision: z.literal('reject'),
    reason: note('on why it is rejected'),
  }),
]);
export const resubmitChangeRequestInput = z.object({
  id: uuid,
  bankDetails,
  note: z.string().trim().max(2000).optional(),
});
