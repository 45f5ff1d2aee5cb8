import { z } from 'zod';
import { statementOutput } from './orders-schemas.ts';
import { isoDate, minorUnits } from './paging.ts';

/**
 * Printed documents (issue 18): invoices and credit notes, order confirmations, delivery notes and purchase
 * orders as PDF, the seller's identity printed on them, and the true account statement for a period.
 */

/** A file handed to the browser inside a JSON answer (documents are small: a rendered invoice is ~3 kB). */
export const downloadedFile = z.object({
  fileName: z.string(),
  contentType: z.enum(['application/pdf', 'text/csv']),
  /** The bytes, base64. */
  base64: z.string(),
  /** `erp`: the ERP's own PDF of the document; `rendered`: Gatehouse rendered it. */
  source: z.enum(['erp', 'rendered']),
});

/** At most this many statement lines are listed on screen and in a download (balances stay exact). */
export const STATEMENT_LINES_MAX = 2_000;
/** The longest period a statement covers. */
export const STATEMENT_PERIOD_MAX_DAYS = 3_660;

const period = z
  .object({ from: isoDate, to: isoDate })
  .refine((p) => p.from <= p.to, { message: 'The period must start on or before its end.', path: ['to'] })
  .refine((p) => (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 <= STATEMENT_PERIOD_MAX_DAYS, {
    message: 'A statement covers at most ten years.',
    path: ['from'],
  });
/** No period: the last 90 days up to the server's today. */
export const statementInput = period.optional();
export const statementDownloadInput = z.object({
  from: isoDate,
  to: isoDate,
  format: z.enum(['pdf', 'csv']),
});

export const statementLine = z.object({
  currency: z.string(),
  date: z.string(),
  type: z.enum(['invoice', 'credit-note', 'payment']),
  /** The invoice's or credit note's id (it links there); a payment's own id. */
  id: z.string(),
  number: z.string(),
  legalNumber: z.string().nullable(),
  dueDate: z.string().nullable(),
  /** + raises what is owed (an invoice); − lowers it (a credit note, a payment). */
  amountMinor: minorUnits,
  balanceMinor: minorUnits,
});

/** The account statement: the period's ledger per currency, and (as of today) the ageing and credit. */
export const statementReport = statementOutput.extend({
  from: z.string(),
  to: z.string(),
  balances: z.array(
    z.object({
      currency: z.string(),
      openingMinor: minorUnits,
      closingMinor: minorUnits,
      transactions: z.number().int(),
    }),
  ),
  lines: z.array(statementLine),
  /** More lines than STATEMENT_LINES_MAX fell in the period (the earliest are listed). */
  linesTruncated: z.boolean(),
  /** The credit limit in force and what is left of it today (limit − open items in its currency). */
  credit: z.object({ currency: z.string(), limitMinor: minorUnits, availableMinor: minorUnits }).nullable(),
});

// ---- the seller's identity (system settings)

/** A logo of at most this many bytes (PNG or JPEG): it travels base64 in one JSON request. */
export const SELLER_LOGO_MAX_BYTES = 48 * 1024;
const lines = (max: number) => z.string().trim().max(max);
export const sellerProfileInput = z.object({
  legalName: z.string().trim().min(1, 'Enter the legal name.').max(200),
  address: lines(1000),
  taxId: z.string().trim().max(50),
  bankDetails: lines(1000),
  paymentInstructions: lines(1000),
  paymentTerms: z.string().trim().max(200),
  /** null removes the logo; omitted keeps the current one. */
  logo: z
    .object({
      type: z.enum(['image/png', 'image/jpeg']),
      base64: z
        .string()
        .max(Math.ceil(SELLER_LOGO_MAX_BYTES / 3) * 4, `The logo must be at most ${SELLER_LOGO_MAX_BYTES / 1024} kB.`)
        .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'The logo is not base64.'),
    })
    .nullable()
    .optional(),
});
export const sellerProfileOutput = z.object({
  legalName: z.string(),
  address: z.string(),
  taxId: z.string(),
  bankDetails: z.string(),
  paymentInstructions: z.string(),
  paymentTerms: z.string(),
  logo: z.object({ type: z.enum(['image/png', 'image/jpeg']), base64: z.string() }).nullable(),
  updatedAt: z.string().nullable(),
});
