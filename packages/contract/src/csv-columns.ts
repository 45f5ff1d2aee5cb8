import { z } from 'zod';
import { BATCH_ENTITIES, type BatchEntity } from './erp-batches.ts';

/**
 * The CSV form of the ERP batch rows (erp-batches.ts), for CSV import and export (docs/csv-import.md).
 * One flat column per field of the batch row, named by its path (`party.kind`, `address.city`). Documents
 * with lines take one CSV row per line: the header fields repeat on every row of the document and the
 * line's fields sit in `line.*` columns; consecutive rows with the same key are one document. A document
 * without lines is one row with the `line.*` cells empty. An export writes exactly these columns, so an
 * exported file imports unchanged.
 */

/** How a cell becomes a value of the batch row. An empty cell is absent (or null where `empty: 'null'`). */
export type CsvCellType = 'text' | 'int' | 'bool';
export interface CsvColumn {
  /** The header, also the path in the batch row (`line.` columns go into one entry of `lines`). */
  name: string;
  type: CsvCellType;
  /** The header must be present (a required field of the row). */
  required?: boolean;
  /** An empty cell is null (the field is nullable and required) rather than absent. */
  empty?: 'null';
}

const c = (name: string, type: CsvCellType = 'text', o: Partial<CsvColumn> = {}): CsvColumn => ({ name, type, ...o });
const req = (name: string, type: CsvCellType = 'text') => c(name, type, { required: true });

const PRICED_LINE = [
  c('line.lineNo', 'int'),
  c('line.sku'),
  c('line.description'),
  c('line.quantity'),
  c('line.uom'),
  c('line.unitPrice'),
  c('line.amount'),
];

export const CSV_COLUMNS: Record<BatchEntity, readonly CsvColumn[]> = {
  parties: [
    c('key'),
    req('kind'),
    req('ref'),
    req('name'),
    c('inactive', 'bool'),
    c('supplierCategory'),
    c('taxId'),
    c('rev'),
  ],
  'master-data': [
    req('party.kind'),
    req('party.ref'),
    c('address.street'),
    c('address.postalCode'),
    c('address.city'),
    c('address.country'),
    c('bankDetails.accountHolder'),
    c('bankDetails.country'),
    c('bankDetails.scheme'),
    c('bankDetails.iban'),
    c('bankDetails.bic'),
    c('bankDetails.routingNumber'),
    c('bankDetails.sortCode'),
    c('bankDetails.accountNumber'),
    c('rev'),
  ],
  'credit-limits': [req('customer'), c('limit', 'text', { required: true, empty: 'null' }), req('currency'), c('rev')],
  orders: [
    req('key'),
    req('customer'),
    req('number'),
    c('customerReference'),
    req('status'),
    req('orderDate'),
    req('currency'),
    req('total'),
    c('net'),
    c('rev'),
    ...PRICED_LINE,
  ],
  invoices: [
    req('key'),
    req('customer'),
    c('kind'),
    req('number'),
    c('legalNumber'),
    c('order'),
    req('status'),
    req('issueDate'),
    req('dueDate'),
    req('currency'),
    req('total'),
    req('open'),
    c('rev'),
    ...PRICED_LINE,
    c('line.tax'),
  ],
  shipments: [
    req('key'),
    req('customer'),
    req('number'),
    req('carrier'),
    c('trackingRef'),
    c('status'),
    req('shippedOn'),
    c('deliveredOn'),
    c('rev'),
    c('line.order'),
    c('line.lineNo', 'int'),
    c('line.quantity'),
  ],
  'purchase-orders': [
    req('key'),
    req('supplier'),
    req('number'),
    req('status'),
    req('orderDate'),
    c('requestedDate'),
    c('promisedDate'),
    req('currency'),
    req('total'),
    c('rev'),
    ...PRICED_LINE,
  ],
  // One row per allocation: the `line.*` cells say which invoice or credit note it settles, and how much.
  payments: [
    req('key'),
    req('customer'),
    req('paymentDate'),
    req('currency'),
    req('amount'),
    c('reference'),
    c('rev'),
    c('line.invoice'),
    c('line.amount'),
  ],
};

/** Where an entity's `line.*` cells go in its batch row: `lines`, or a payment's `allocations`. */
export const csvChildKey = (entity: BatchEntity): 'lines' | 'allocations' =>
  entity === 'payments' ? 'allocations' : 'lines';

/** Entities with `line.*` columns: one CSV row per line. */
export const hasLines = (entity: BatchEntity) => CSV_COLUMNS[entity].some((col) => col.name.startsWith('line.'));

/**
 * Columns the portal owns or that name Gatehouse ids: named in the refusal so an ERP team sees why (any
 * other column outside the set is refused as unknown).
 */
export const CSV_FORBIDDEN_COLUMNS = [
  'id',
  'party_id',
  'partyId',
  'party',
  'created_by',
  'createdBy',
  'role',
  'roles',
  'approved',
  'approvedBy',
  'acknowledged',
  'acknowledgedBy',
] as const;

/**
 * What can be exported as CSV (each re-imports unchanged). Master data (bank details) is import only; credit
 * limits, shipments and purchase orders are not exported yet.
 */
export const CSV_EXPORT_ENTITIES = ['parties', 'orders', 'invoices'] as const satisfies readonly BatchEntity[];
export type CsvExportEntity = (typeof CSV_EXPORT_ENTITIES)[number];

/** The phases of an import job, in order; `done` and `failed` end it. */
export const IMPORT_PHASES = ['upload', 'parse', 'validate', 'apply', 'done', 'failed'] as const;
export const IMPORT_ENCODINGS = ['utf-8', 'latin1'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

const importCounts = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
});
/** One import job as the SPA shows it (tRPC `imports.get`) and the API answers it (GET /api/v1/imports/{id}). */
export const importJobOutput = z.object({
  id: z.string(),
  entity: z.enum(BATCH_ENTITIES),
  mode: z.string(),
  dryRun: z.boolean(),
  encoding: z.string(),
  fileName: z.string().nullable(),
  phase: z.enum(IMPORT_PHASES),
  /** 0 to 100: reading is the first half (by bytes), applying the second (by records). */
  percent: z.number(),
  sha256: z.string().nullable(),
  bytesTotal: z.number().nullable(),
  bytesRead: z.number(),
  rowsRead: z.number(),
  recordsTotal: z.number().nullable(),
  recordsChecked: z.number(),
  recordsApplied: z.number(),
  applied: z.boolean(),
  counts: importCounts,
  message: z.string().nullable(),
  errorsTotal: z.number(),
  /** The first 100 errors; the report CSV has up to 1,000. */
  errors: z.array(z.object({ line: z.number(), column: z.string(), value: z.string(), message: z.string() })),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const importJobsOutput = z.array(
  z.object({
    id: z.string(),
    entity: z.string(),
    mode: z.string(),
    dryRun: z.boolean(),
    fileName: z.string().nullable(),
    phase: z.string(),
    errorsTotal: z.number(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  }),
);
export const importJobInput = z.object({ id: z.uuid() });
export const importReportOutput = z.object({ fileName: z.string(), csv: z.string() });
