import { z } from 'zod';
import { bankDetails, postalAddress } from './supplier.ts';

/**
 * The rows an ERP sends to `POST /api/v1/batches/{entity}` (and, later, CSV and SQL staging): ERP
 * references only, never Gatehouse ids. Every schema is strict, so a field the portal owns (`partyId`,
 * `id`, `acknowledgedBy`…) is refused rather than ignored. Money is a decimal string (a number is accepted
 * only where it is exact); the writer converts it with the currency's ISO exponent (money.ts).
 */

export const BATCH_ENTITIES = [
  'parties',
  'master-data',
  'credit-limits',
  'orders',
  'invoices',
  'shipments',
  'purchase-orders',
  'payments',
] as const;
export type BatchEntity = (typeof BATCH_ENTITIES)[number];
/** The write scope each batch endpoint needs. */
export const BATCH_SCOPE = {
  parties: 'parties:write',
  'master-data': 'master-data:write',
  'credit-limits': 'credit-limits:write',
  orders: 'orders:write',
  invoices: 'invoices:write',
  shipments: 'shipments:write',
  'purchase-orders': 'purchase-orders:write',
  payments: 'payments:write',
} as const satisfies Record<BatchEntity, string>;

/** At most this many rows in one batch; a larger body is refused before it is parsed. */
export const BATCH_MAX_ROWS = 1_000;
/** Bytes of one batch body at most (about 1 kB a row with lines). */
export const BATCH_MAX_BYTES = 5 * 1024 * 1024;
export const BATCH_MAX_LINES = 500;

const text = (max: number) => z.string().trim().min(1, 'Required.').max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();
const erpKey = text(200).meta({ description: 'The ERP’s stable key of the record (unique per kind).' });
const erpRef = text(100).meta({ description: 'The customer or vendor id in the ERP (e.g. Kinetic CustID).' });
const isoDate = z.iso.date({ error: 'A date as YYYY-MM-DD.' });
const currency = z.string().regex(/^[A-Z]{3}$/, 'An ISO 4217 currency code such as EUR.');
const money = z
  .union([z.string().max(40), z.number()])
  .meta({ description: 'A decimal amount: "1234.50". Numbers only where exact.' });
const decimal = (places: number) =>
  z
    .union([z.string().max(40), z.number()])
    .transform((v) => String(v).trim())
    .pipe(
      z
        .string()
        .regex(new RegExp(`^-?\\d{1,14}(\\.\\d{1,${places}})?$`), `A decimal with at most ${places} decimal places.`),
    );
/** The source revision (Kinetic SysRevID, a timestamp…): a row applies only over a lower one. */
const rev = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,18}$/)])
  .optional()
  .meta({ description: 'Monotonic per key; a row with a revision not above the stored one is skipped.' });

const priced = {
  lineNo: z.number().int().min(1).max(1_000_000),
  sku: text(100),
  description: text(500),
  quantity: decimal(4),
  uom: optionalText(20),
  unitPrice: decimal(6).meta({ description: 'Exact unit price, up to 6 decimals (rounded for display).' }),
  amount: money,
};
const lines = <T extends z.ZodType>(line: T) => z.array(line).max(BATCH_MAX_LINES, `At most ${BATCH_MAX_LINES} lines.`);

export const partyRow = z
  .object({
    key: erpKey.optional().meta({ description: 'Defaults to "{kind}:{ref}".' }),
    kind: z.enum(['customer', 'supplier']),
    ref: erpRef,
    name: text(200),
    inactive: z.boolean().default(false),
    supplierCategory: optionalText(100),
    taxId: optionalText(50).meta({ description: 'The tax / VAT id printed on its documents.' }),
    rev,
  })
  .strict()
  .meta({ id: 'PartyRow' });

const partyRef = z.object({ kind: z.enum(['customer', 'supplier']), ref: erpRef }).strict();
export const masterDataRow = z
  .object({
    party: partyRef,
    address: postalAddress.strict().nullish(),
    bankDetails: bankDetails.strict().nullish(),
    rev,
  })
  .strict()
  .refine((r) => r.address !== undefined || r.bankDetails !== undefined, 'Send an address, bank details or both.')
  .meta({ id: 'MasterDataRow' });

export const creditLimitRow = z
  .object({
    customer: erpRef,
    limit: money.nullable().meta({ description: 'null or 0: no limit (Kinetic: zero is unlimited).' }),
    currency,
    rev,
  })
  .strict()
  .meta({ id: 'CreditLimitRow' });

export const orderRow = z
  .object({
    key: erpKey,
    customer: erpRef,
    number: text(50),
    customerReference: optionalText(100),
    status: z.enum(['open', 'confirmed', 'shipped', 'delivered', 'cancelled']),
    orderDate: isoDate,
    currency,
    total: money.meta({ description: 'Gross: what the customer pays (shown as Total).' }),
    net: money.nullish().meta({ description: 'Net of tax and charges, when known.' }),
    lines: lines(z.object(priced).strict()),
    rev,
  })
  .strict()
  .meta({ id: 'OrderRow' });

export const invoiceRow = z
  .object({
    key: erpKey,
    customer: erpRef,
    kind: z.enum(['invoice', 'credit-note']).default('invoice'),
    number: text(50),
    legalNumber: optionalText(50),
    order: erpKey.nullish().meta({ description: 'The key of the order it bills, if any.' }),
    status: z.enum(['open', 'paid', 'cancelled']),
    issueDate: isoDate,
    dueDate: isoDate,
    currency,
    total: money.meta({ description: 'Negative for a credit note.' }),
    open: money,
    lines: lines(z.object({ ...priced, sku: optionalText(100), tax: money.nullish() }).strict()).default([]),
    rev,
  })
  .strict()
  .meta({ id: 'InvoiceRow' });

export const shipmentRow = z
  .object({
    key: erpKey,
    customer: erpRef,
    number: text(50),
    carrier: text(100),
    trackingRef: optionalText(100),
    status: z.enum(['in-transit', 'delivered']).default('in-transit'),
    shippedOn: isoDate,
    deliveredOn: isoDate.nullish(),
    lines: lines(
      z
        .object({
          order: erpKey.meta({ description: 'The key of the order this quantity ships against.' }),
          lineNo: z.number().int().min(1),
          quantity: decimal(4),
        })
        .strict(),
    ).min(1, 'A shipment ships at least one line.'),
    rev,
  })
  .strict()
  .meta({ id: 'ShipmentRow' });

export const purchaseOrderRow = z
  .object({
    key: erpKey,
    supplier: erpRef,
    number: text(50),
    status: z
      .enum(['open', 'received', 'cancelled'])
      .meta({ description: 'While open, the portal keeps its acknowledged/problem state.' }),
    orderDate: isoDate,
    requestedDate: isoDate.nullish(),
    promisedDate: isoDate.nullish().meta({ description: 'Applied only while the supplier has not acknowledged.' }),
    currency,
    total: money,
    lines: lines(z.object(priced).strict()),
    rev,
  })
  .strict()
  .meta({ id: 'PurchaseOrderRow' });

export const paymentRow = z
  .object({
    key: erpKey,
    customer: erpRef,
    paymentDate: isoDate,
    currency,
    amount: money.meta({ description: 'What the customer paid: positive.' }),
    reference: optionalText(100).meta({ description: 'The transfer, cheque or remittance reference.' }),
    allocations: z
      .array(
        z
          .object({
            invoice: erpKey.meta({ description: 'The key of the invoice or credit note it settles.' }),
            amount: money,
          })
          .strict(),
      )
      .max(BATCH_MAX_LINES, `At most ${BATCH_MAX_LINES} allocations.`)
      .default([]),
    rev,
  })
  .strict()
  .meta({ id: 'PaymentRow' });

export const BATCH_ROW_SCHEMAS = {
  parties: partyRow,
  'master-data': masterDataRow,
  'credit-limits': creditLimitRow,
  orders: orderRow,
  invoices: invoiceRow,
  shipments: shipmentRow,
  'purchase-orders': purchaseOrderRow,
  payments: paymentRow,
} as const satisfies Record<BatchEntity, z.ZodType>;

/** The envelope: rows are validated one by one afterwards, so each error names its row. */
export const batchBody = z
  .object({
    mode: z
      .enum(['atomic', 'partial'])
      .default('atomic')
      .meta({ description: 'atomic: any bad row rejects the batch (422). partial: good rows apply.' }),
    rows: z.array(z.unknown()).min(1, 'Send at least one row.').max(BATCH_MAX_ROWS, `At most ${BATCH_MAX_ROWS} rows.`),
  })
  .strict();

/** `GET /api/v1/master-data/{kind}/{ref}`: the party's current values, as the ERP must apply them. */
export const masterDataParams = z.object({
  kind: z.enum(['customer', 'supplier']),
  ref: erpRef,
});
export const erpMasterData = z
  .object({
    party: z.object({ kind: z.enum(['customer', 'supplier']), ref: z.string(), name: z.string() }),
    address: postalAddress.nullable(),
    bankDetails: bankDetails
      .nullable()
      .meta({ description: 'Unmasked and normalised, with its scheme and country (docs/integration-api.md).' }),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'MasterData' });

export const BATCH_OUTCOMES = ['created', 'updated', 'unchanged', 'rejected'] as const;
export const batchResult = z
  .object({
    batchId: z.string(),
    entity: z.enum(BATCH_ENTITIES),
    mode: z.enum(['atomic', 'partial']),
    applied: z.boolean().meta({ description: 'false: an atomic batch with a rejected row changed nothing.' }),
    results: z.array(
      z.object({
        index: z.number().int(),
        key: z.string().nullable(),
        outcome: z.enum(BATCH_OUTCOMES),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      }),
    ),
    counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), rejected: z.number() }),
  })
  .meta({ id: 'BatchResult' });
export type BatchResult = z.infer<typeof batchResult>;
