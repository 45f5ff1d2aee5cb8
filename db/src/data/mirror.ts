import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import type { EchoValue, idempotencyKeys, partyMasterData } from '../schema/index.ts';

type MasterData = typeof partyMasterData.$inferSelect;

/**
 * The ERP mirror's SQL: one way for every channel (REST batches now; CSV, SQL staging and the Kinetic
 * connector later) to write ERP data. It runs as gatehouse_sync under the all-parties context.
 *
 * Documents (orders, invoices, shipments, purchase orders) are staged with COPY into temporary tables
 * (dropped at commit), checked there (unknown party, a number another record holds, a reference to an
 * unknown order), then applied with ONE `INSERT … ON CONFLICT (erp_key) DO UPDATE … WHERE excluded.erp_rev
 * > t.erp_rev` per table: a replay or a late page with an older revision changes nothing. A header that was
 * created or updated gets its lines replaced from the stage; an unchanged one keeps its lines.
 * Parties, master data and credit limits carry ownership rules and per-party audit, so their service reads
 * the current rows first (locked) and decides row by row; they are few.
 */

export type Outcome = 'created' | 'updated' | 'unchanged';
/** A staged document the upsert created or updated (a staged key not among them was unchanged). */
export interface Applied {
  key: string;
  id: string;
  partyId: string;
  outcome: 'created' | 'updated';
  /** An updated document's party and number before this write (documents that can move), else null. */
  before: { partyId: string; number: string } | null;
}
/** The documents that can move to another customer or supplier (one ERP key); their moves are audited. */
export type DocumentTable = 'orders' | 'invoices' | 'shipments' | 'purchase_orders';
/** A staged row the database refused before anything was applied (index = the row's index in the batch). */
export interface StageProblem {
  idx: number;
  message: string;
}

type Cell = string | null;
const s = (v: string | number | bigint | null | undefined): Cell => (v === null || v === undefined ? null : String(v));

async function rows<T>(tx: Tx, q: ReturnType<typeof sql>): Promise<T[]> {
  return (await tx.db.execute(q)) as unknown as T[];
}

// ---- documents: stage, check, apply

/** One column of a stage table: its name, its SQL type, and how a document gives its value. */
type Column<T> = readonly [name: string, type: string, value: (d: T) => Cell];

/**
 * A temporary table (dropped at commit) for one writer call, empty: made by the transaction's first call and
 * emptied by the next ones. A table made and dropped per call kept its ~7 locks until the transaction ended,
 * so one transaction of many calls (a CSV import of a million orders, a staged batch) ran out of
 * PostgreSQL's lock table ("out of shared memory") after a few hundred thousand rows.
 */
async function tempTable(tx: Tx, table: string, ddl: string) {
  await tx.db.execute(sql.raw(`create temp table if not exists ${table} (${ddl}) on commit drop`));
  await tx.db.execute(sql.raw(`truncate ${table}`));
}

/** A temporary stage table (dropped at commit) of these columns, filled by COPY from the documents. */
async function stage<T>(tx: Tx, table: string, columns: readonly Column<T>[], docs: Iterable<T>) {
  await tempTable(tx, table, columns.map(([name, type]) => `${name} ${type}`).join(', '));
  await tx.copyIn(
    table,
    columns.map(([name]) => name),
    cellsOf(columns, docs),
  );
}

/**
 * The COPY rows of `docs`, made one at a time as the COPY takes them: a page of 5,000 documents no longer
 * holds an array of every row's cells (which lived long enough to be promoted to the old space).
 */
function* cellsOf<T>(columns: readonly Column<T>[], docs: Iterable<T>) {
  const n = columns.length;
  for (const d of docs) {
    const cells: Cell[] = new Array(n);
    for (let i = 0; i < n; i++) cells[i] = (columns[i] as Column<T>)[2](d);
    yield cells;
  }
}

/** The checks every document header gets: its party is known and of its kind, its number is its own. */
async function headerProblems(tx: Tx, o: { stage: string; table: string; ref: 'customer' | 'supplier'; noun: string }) {
  return [
    ...(await unknownParties(tx, o.stage, o.ref, o.ref)),
    ...(await numberTaken(tx, o.stage, o.table, o.ref, o.ref, o.noun)),
  ];
}

/** Columns every staged header starts with: its place in the batch, its ERP key and revision. */
const HEAD = <T extends { idx: number; key: string; rev: bigint }>(): Column<T>[] => [
  ['idx', 'int not null', (d) => s(d.idx)],
  ['key', 'text not null', (d) => d.key],
  ['rev', 'bigint not null', (d) => s(d.rev)],
];
const text = <T>(name: string, value: (d: T) => string | null, notNull = true): Column<T> => [
  name,
  notNull ? 'text not null' : 'text',
  (d) => s(value(d)),
];

export interface LineIn {
  lineNo: number;
  sku: string | null;
  description: string;
  quantity: string;
  uom: string | null;
  unitPriceMinor: bigint;
  unitPrice: string;
  amountMinor: bigint;
  taxMinor?: bigint | null;
}
const LINE_STAGE: readonly Column<{ idx: number; l: LineIn }>[] = [
  ['idx', 'int not null', (r) => s(r.idx)],
  ['line_no', 'int not null', (r) => s(r.l.lineNo)],
  ['sku', 'text', (r) => s(r.l.sku)],
  ['description', 'text not null', (r) => r.l.description],
  ['quantity', 'numeric(18,4) not null', (r) => r.l.quantity],
  ['uom', 'text', (r) => s(r.l.uom)],
  ['unit_price_minor', 'bigint not null', (r) => s(r.l.unitPriceMinor)],
  ['unit_price', 'numeric(20,6)', (r) => r.l.unitPrice],
  ['amount_minor', 'bigint not null', (r) => s(r.l.amountMinor)],
  ['tax_minor', 'bigint', (r) => s(r.l.taxMinor)],
];
async function stageLines(tx: Tx, table: string, docs: { idx: number; lines: LineIn[] }[]) {
  await stage(tx, table, LINE_STAGE, linesOf(docs));
}
/** Each line of each document with its document's index, one at a time (see `cellsOf`). */
function* linesOf<L>(docs: readonly { idx: number; lines: readonly L[] }[]) {
  for (const d of docs) for (const l of d.lines) yield { idx: d.idx, l };
}

/** Rows whose party reference is unknown (or names a party of the other kind). */
async function unknownParties(tx: Tx, stage: string, refColumn: string, kind: 'customer' | 'supplier') {
  const r = await rows<{ idx: number; ref: string }>(
    tx,
    sql.raw(`select s.idx, s.${refColumn} as ref from ${stage} s
             where not exists (select 1 from parties p where p.kind = '${kind}' and p.erp_ref = s.${refColumn})`),
  );
  return r.map((x) => ({ idx: x.idx, message: `No ${kind} has the ERP reference "${x.ref}".` }));
}

/**
 * Rows whose document number another record of the same party holds (a different ERP key, or none). Each
 * staged row probes the (party, number) index (a LATERAL … LIMIT 1 cannot become a hash join over the whole
 * table: the sync role's RLS qual makes the planner think the table is 200 times smaller than it is, so a
 * plain join chose to hash every document of every party once the table had tens of thousands of rows).
 */
async function numberTaken(tx: Tx, stage: string, table: string, refColumn: string, kind: string, noun: string) {
  const r = await rows<{ idx: number; number: string }>(
    tx,
    sql.raw(`select s.idx, s.number from ${stage} s
               join parties p on p.kind = '${kind}' and p.erp_ref = s.${refColumn}
               cross join lateral (select 1 from ${table} t
                                    where t.party_id = p.id and t.number = s.number and t.erp_key is distinct from s.key
                                    limit 1) t`),
  );
  return r.map((x) => ({
    idx: x.idx,
    message: `${noun} number ${x.number} is already used by another record of this ${kind}.`,
  }));
}

async function dropStaged(tx: Tx, stages: string[], idxs: number[]) {
  if (idxs.length === 0) return;
  for (const st of stages)
    await tx.db.execute(
      sql`delete from ${sql.raw(st)} where idx in (select jsonb_array_elements_text(${JSON.stringify(idxs)}::jsonb)::int)`,
    );
}

/**
 * Deletes the children (lines, allocations) of the headers this upsert updated, by the parent index (an
 * `= ANY` of the updated ids); nothing to do, no statement (an initial load creates only).
 */
async function deleteChildrenOfUpdated(tx: Tx, applied: Applied[], table: string, parentColumn: string) {
  if (!applied.some((a) => a.outcome === 'updated')) return;
  await tx.db.execute(
    sql.raw(
      `delete from ${table} where ${parentColumn} = any(array(select id from applied where outcome = 'updated'))`,
    ),
  );
}

/** Replaces the lines of every created or updated header from the stage; returns nothing. */
async function replaceLines(
  tx: Tx,
  applied: Applied[],
  o: { table: string; parentColumn: string; stage: string; withTax: boolean },
) {
  await deleteChildrenOfUpdated(tx, applied, o.table, o.parentColumn);
  if (applied.length === 0) return;
  const cols = o.withTax
    ? 'party_id, PARENT, line_no, sku, description, quantity, uom, unit_price_minor, unit_price, amount_minor, tax_minor'
    : 'party_id, PARENT, line_no, sku, description, quantity, uom, unit_price_minor, unit_price, amount_minor';
  const vals = o.withTax
    ? 'a.party_id, a.id, l.line_no, l.sku, l.description, l.quantity, l.uom, l.unit_price_minor, l.unit_price, l.amount_minor, l.tax_minor'
    : 'a.party_id, a.id, l.line_no, l.sku, l.description, l.quantity, l.uom, l.unit_price_minor, l.unit_price, l.amount_minor';
  await tx.db.execute(
    sql.raw(`insert into ${o.table} (${cols.replace('PARENT', o.parentColumn)})
             select ${vals} from ${o.stage} l join applied a on a.idx = l.idx`),
  );
}

/**
 * Runs one upsert (`insert`: an INSERT … ON CONFLICT … DO UPDATE … WHERE newer, without RETURNING) and
 * records the staged rows it created or updated in the temp table `applied` (every other staged row was
 * unchanged: its revision was not above the stored one), in one statement. For an updated document of a
 * table that can move between parties, the party and number it had before come along: the WITH's
 * sub-statements share one snapshot, so the main query's read of `table` sees the rows as they were.
 */
async function upsert(
  tx: Tx,
  stage: string,
  table: DocumentTable | null,
  insert: ReturnType<typeof sql>,
): Promise<Applied[]> {
  await tempTable(
    tx,
    'applied',
    'idx int, id uuid, key text, party_id uuid, outcome text, was_party uuid, was_number text',
  );
  const before = table
    ? sql.raw(`left join lateral (select t.party_id, t.number from ${table} t
                                   where not up.created and t.erp_key = up.erp_key limit 1) b on true`)
    : sql.raw(`left join lateral (select null::uuid as party_id, null::text as number) b on true`);
  const applied = await rows<{
    key: string;
    id: string;
    partyId: string;
    outcome: 'created' | 'updated';
    wasParty: string | null;
    wasNumber: string | null;
  }>(
    tx,
    sql`with up as (${insert} returning id, erp_key, party_id, (xmax = 0) as created)
        insert into applied
        select s.idx, up.id, up.erp_key, up.party_id, case when up.created then 'created' else 'updated' end,
               b.party_id, b.number
          from up join ${sql.raw(stage)} s on s.key = up.erp_key ${before}
        returning key, id, party_id as "partyId", outcome, was_party as "wasParty", was_number as "wasNumber"`,
  );
  return applied.map(({ wasParty, wasNumber, ...a }) => ({
    ...a,
    before: wasParty === null ? null : { partyId: wasParty, number: wasNumber ?? '' },
  }));
}

// ---- orders

export interface OrderIn {
  idx: number;
  key: string;
  customer: string;
  number: string;
  customerReference: string | null;
  status: string;
  orderDate: string;
  currency: string;
  totalMinor: bigint;
  netMinor: bigint | null;
  rev: bigint;
  lines: LineIn[];
}

export async function stageOrders(tx: Tx, docs: OrderIn[]): Promise<StageProblem[]> {
  await stage(tx, 'stage_orders', ORDER_STAGE, docs);
  await stageLines(tx, 'stage_order_lines', docs);
  return headerProblems(tx, { stage: 'stage_orders', table: 'orders', ref: 'customer', noun: 'Order' });
}
const ORDER_STAGE: readonly Column<OrderIn>[] = [
  ...HEAD<OrderIn>(),
  text('customer', (d) => d.customer),
  text('number', (d) => d.number),
  text('customer_reference', (d) => d.customerReference, false),
  text('status', (d) => d.status),
  ['order_date', 'date not null', (d) => d.orderDate],
  text('currency', (d) => d.currency),
  ['total_minor', 'bigint not null', (d) => s(d.totalMinor)],
  ['net_minor', 'bigint', (d) => s(d.netMinor)],
];

export async function applyOrders(tx: Tx, skip: number[], now: Date): Promise<Applied[]> {
  await dropStaged(tx, ['stage_orders', 'stage_order_lines'], skip);
  const applied = await upsert(
    tx,
    'stage_orders',
    'orders',
    sql`insert into orders as t (party_id, number, customer_reference, status, order_date, currency, total_minor, net_minor,
                              erp_key, erp_rev, synced_at)
     select p.id, s.number, s.customer_reference, s.status, s.order_date, s.currency, s.total_minor, s.net_minor,
            s.key, s.rev, ${now.toISOString()}::timestamptz
       from stage_orders s join parties p on p.kind = 'customer' and p.erp_ref = s.customer
     on conflict (erp_key) do update set party_id = excluded.party_id, number = excluded.number,
        customer_reference = excluded.customer_reference, status = excluded.status, order_date = excluded.order_date,
        currency = excluded.currency, total_minor = excluded.total_minor, net_minor = excluded.net_minor,
        erp_rev = excluded.erp_rev, synced_at = excluded.synced_at
      where excluded.erp_rev > t.erp_rev`,
  );
  await replaceLines(tx, applied, {
    table: 'order_lines',
    parentColumn: 'order_id',
    stage: 'stage_order_lines',
    withTax: false,
  });
  return applied;
}

// ---- invoices

export interface InvoiceIn {
  idx: number;
  key: string;
  customer: string;
  kind: 'invoice' | 'credit-note';
  number: string;
  legalNumber: string | null;
  orderKey: string | null;
  status: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  totalMinor: bigint;
  openMinor: bigint;
  rev: bigint;
  lines: LineIn[];
}

export async function stageInvoices(tx: Tx, docs: InvoiceIn[]): Promise<StageProblem[]> {
  await stage(tx, 'stage_invoices', INVOICE_STAGE, docs);
  await stageLines(tx, 'stage_invoice_lines', docs);
  const badOrder = await rows<{ idx: number; order_key: string }>(
    tx,
    sql.raw(`select s.idx, s.order_key from stage_invoices s
               join parties p on p.kind = 'customer' and p.erp_ref = s.customer
               left join lateral (select 1 as known from orders o
                                   where o.erp_key = s.order_key and o.party_id = p.id limit 1) o on true
              where s.order_key is not null and o.known is null`),
  );
  return [
    ...(await headerProblems(tx, { stage: 'stage_invoices', table: 'invoices', ref: 'customer', noun: 'Invoice' })),
    ...badOrder.map((b) => ({
      idx: b.idx,
      message: `The order "${b.order_key}" is unknown for this customer (send the order first).`,
    })),
  ];
}
const INVOICE_STAGE: readonly Column<InvoiceIn>[] = [
  ...HEAD<InvoiceIn>(),
  text('customer', (d) => d.customer),
  text('kind', (d) => d.kind),
  text('number', (d) => d.number),
  text('legal_number', (d) => d.legalNumber, false),
  text('order_key', (d) => d.orderKey, false),
  text('status', (d) => d.status),
  ['issue_date', 'date not null', (d) => d.issueDate],
  ['due_date', 'date not null', (d) => d.dueDate],
  text('currency', (d) => d.currency),
  ['total_minor', 'bigint not null', (d) => s(d.totalMinor)],
  ['open_minor', 'bigint not null', (d) => s(d.openMinor)],
];

export async function applyInvoices(tx: Tx, skip: number[], now: Date): Promise<Applied[]> {
  await dropStaged(tx, ['stage_invoices', 'stage_invoice_lines'], skip);
  const applied = await upsert(
    tx,
    'stage_invoices',
    'invoices',
    sql`insert into invoices as t (party_id, order_id, number, kind, legal_number, status, issue_date, due_date, currency,
                                total_minor, open_minor, erp_key, erp_rev, synced_at)
     select p.id, (select o.id from orders o where o.erp_key = s.order_key and o.party_id = p.id limit 1),
            s.number, s.kind, s.legal_number, s.status, s.issue_date, s.due_date, s.currency,
            s.total_minor, s.open_minor, s.key, s.rev, ${now.toISOString()}::timestamptz
       from stage_invoices s join parties p on p.kind = 'customer' and p.erp_ref = s.customer
     on conflict (erp_key) do update set party_id = excluded.party_id, order_id = excluded.order_id,
        number = excluded.number, kind = excluded.kind, legal_number = excluded.legal_number, status = excluded.status,
        issue_date = excluded.issue_date, due_date = excluded.due_date, currency = excluded.currency,
        total_minor = excluded.total_minor, open_minor = excluded.open_minor, erp_rev = excluded.erp_rev,
        synced_at = excluded.synced_at
      where excluded.erp_rev > t.erp_rev`,
  );
  await replaceLines(tx, applied, {
    table: 'invoice_lines',
    parentColumn: 'invoice_id',
    stage: 'stage_invoice_lines',
    withTax: true,
  });
  return applied;
}

// ---- payments

export interface PaymentIn {
  idx: number;
  key: string;
  customer: string;
  paymentDate: string;
  currency: string;
  amountMinor: bigint;
  reference: string | null;
  rev: bigint;
  allocations: { invoiceKey: string; amountMinor: bigint }[];
}
const PAYMENT_STAGE: readonly Column<PaymentIn>[] = [
  ...HEAD<PaymentIn>(),
  text('customer', (d) => d.customer),
  ['payment_date', 'date not null', (d) => d.paymentDate],
  text('currency', (d) => d.currency),
  ['amount_minor', 'bigint not null', (d) => s(d.amountMinor)],
  text('reference', (d) => d.reference, false),
];
const ALLOCATION_STAGE: readonly Column<{ idx: number; a: PaymentIn['allocations'][number] }>[] = [
  ['idx', 'int not null', (r) => s(r.idx)],
  ['invoice_key', 'text not null', (r) => r.a.invoiceKey],
  ['amount_minor', 'bigint not null', (r) => s(r.a.amountMinor)],
];

/** Payments: the customer is known, and every allocation names an invoice of that customer in the payment's currency. */
export async function stagePayments(tx: Tx, docs: PaymentIn[]): Promise<StageProblem[]> {
  await stage(tx, 'stage_payments', PAYMENT_STAGE, docs);
  await stage(
    tx,
    'stage_payment_allocations',
    ALLOCATION_STAGE,
    docs.flatMap((d) => d.allocations.map((a) => ({ idx: d.idx, a }))),
  );
  const bad = await rows<{ idx: number; invoice_key: string; currency: string | null }>(
    tx,
    sql.raw(`select a.idx, a.invoice_key, i.currency from stage_payment_allocations a
               join stage_payments s on s.idx = a.idx
               join parties p on p.kind = 'customer' and p.erp_ref = s.customer
               left join lateral (select i.id, i.currency from invoices i
                                   where i.erp_key = a.invoice_key and i.party_id = p.id limit 1) i on true
              where i.id is null or i.currency <> s.currency`),
  );
  return [
    ...(await unknownParties(tx, 'stage_payments', 'customer', 'customer')),
    ...bad.map((b) => ({
      idx: b.idx,
      message:
        b.currency === null
          ? `The invoice "${b.invoice_key}" is unknown for this customer (send the invoice first).`
          : `The invoice "${b.invoice_key}" is in ${b.currency}, not in the payment's currency.`,
    })),
  ];
}

export async function applyPayments(tx: Tx, skip: number[], now: Date): Promise<Applied[]> {
  await dropStaged(tx, ['stage_payments', 'stage_payment_allocations'], skip);
  const applied = await upsert(
    tx,
    'stage_payments',
    null,
    sql`insert into payments as t (party_id, payment_date, currency, amount_minor, reference, erp_key, erp_rev, synced_at)
     select p.id, s.payment_date, s.currency, s.amount_minor, s.reference, s.key, s.rev, ${now.toISOString()}::timestamptz
       from stage_payments s join parties p on p.kind = 'customer' and p.erp_ref = s.customer
     on conflict (erp_key) do update set party_id = excluded.party_id, payment_date = excluded.payment_date,
        currency = excluded.currency, amount_minor = excluded.amount_minor, reference = excluded.reference,
        erp_rev = excluded.erp_rev, synced_at = excluded.synced_at
      where excluded.erp_rev > t.erp_rev`,
  );
  // Allocations are replaced with their payment, like lines with their header.
  await deleteChildrenOfUpdated(tx, applied, 'payment_allocations', 'payment_id');
  if (applied.length > 0)
    await tx.db.execute(
      sql.raw(`insert into payment_allocations (party_id, payment_id, invoice_id, amount_minor)
               select a.party_id, a.id, i.id, l.amount_minor
                 from stage_payment_allocations l join applied a on a.idx = l.idx
                 cross join lateral (select i.id from invoices i
                                      where i.erp_key = l.invoice_key and i.party_id = a.party_id limit 1) i`),
    );
  return applied;
}

// ---- the ERP's own PDF of a document

const PDF_TABLES = {
  orders: 'orders',
  invoices: 'invoices',
  shipments: 'shipments',
  'purchase-orders': 'purchase_orders',
} as const;
export type PdfEntity = keyof typeof PDF_TABLES;

/** Points a document (by ERP key) at the ERP's own PDF in the blob store; returns its party, or undefined. */
export async function setErpPdf(tx: Tx, entity: PdfEntity, key: string, sha256: string) {
  const [row] = await rows<{ id: string; party_id: string }>(
    tx,
    sql`update ${sql.raw(PDF_TABLES[entity])} set erp_pdf_sha256 = ${sha256} where erp_key = ${key}
        returning id, party_id`,
  );
  return row;
}

// ---- shipments

export interface ShipmentIn {
  idx: number;
  key: string;
  customer: string;
  number: string;
  carrier: string;
  trackingRef: string | null;
  status: string;
  shippedOn: string;
  deliveredOn: string | null;
  rev: bigint;
  lines: { orderKey: string; lineNo: number; quantity: string }[];
}

export async function stageShipments(tx: Tx, docs: ShipmentIn[]): Promise<StageProblem[]> {
  await stage(tx, 'stage_shipments', SHIPMENT_STAGE, docs);
  await stage(tx, 'stage_shipment_lines', SHIPMENT_LINE_STAGE, linesOf(docs));
  const badLines = await rows<{ idx: number; order_key: string; line_no: number; why: string }>(
    tx,
    sql.raw(`select l.idx, l.order_key, l.line_no,
                    case when o.id is null then 'order' else 'line' end as why
               from stage_shipment_lines l
               join stage_shipments s on s.idx = l.idx
               join parties p on p.kind = 'customer' and p.erp_ref = s.customer
               left join lateral (select o.id, o.party_id from orders o
                                   where o.erp_key = l.order_key and o.party_id = p.id limit 1) o on true
               left join lateral (select 1 as known from order_lines ol
                                   where ol.party_id = o.party_id and ol.order_id = o.id and ol.line_no = l.line_no
                                   limit 1) ol on true
              where o.id is null or ol.known is null`),
  );
  return [
    ...(await headerProblems(tx, { stage: 'stage_shipments', table: 'shipments', ref: 'customer', noun: 'Shipment' })),
    ...badLines.map((b) => ({
      idx: b.idx,
      message:
        b.why === 'order'
          ? `The order "${b.order_key}" is unknown for this customer (send the order first).`
          : `The order "${b.order_key}" has no line ${b.line_no}.`,
    })),
  ];
}

const SHIPMENT_STAGE: readonly Column<ShipmentIn>[] = [
  ...HEAD<ShipmentIn>(),
  text('customer', (d) => d.customer),
  text('number', (d) => d.number),
  text('carrier', (d) => d.carrier),
  text('tracking_ref', (d) => d.trackingRef, false),
  text('status', (d) => d.status),
  ['shipped_on', 'date not null', (d) => d.shippedOn],
  ['delivered_on', 'date', (d) => s(d.deliveredOn)],
];
const SHIPMENT_LINE_STAGE: readonly Column<{ idx: number; l: ShipmentIn['lines'][number] }>[] = [
  ['idx', 'int not null', (r) => s(r.idx)],
  ['order_key', 'text not null', (r) => r.l.orderKey],
  ['line_no', 'int not null', (r) => s(r.l.lineNo)],
  ['quantity', 'numeric(18,4) not null', (r) => r.l.quantity],
];

export async function applyShipments(tx: Tx, skip: number[], now: Date): Promise<Applied[]> {
  await dropStaged(tx, ['stage_shipments', 'stage_shipment_lines'], skip);
  const applied = await upsert(
    tx,
    'stage_shipments',
    'shipments',
    sql`insert into shipments as t (party_id, order_id, number, carrier, tracking_ref, status, shipped_on, delivered_on,
                                 erp_key, erp_rev, synced_at)
     select p.id,
            (select o.id from stage_shipment_lines l join orders o on o.erp_key = l.order_key and o.party_id = p.id
              where l.idx = s.idx order by o.number limit 1),
            s.number, s.carrier, s.tracking_ref, s.status, s.shipped_on, s.delivered_on, s.key, s.rev,
            ${now.toISOString()}::timestamptz
       from stage_shipments s join parties p on p.kind = 'customer' and p.erp_ref = s.customer
     on conflict (erp_key) do update set party_id = excluded.party_id, order_id = excluded.order_id,
        number = excluded.number, carrier = excluded.carrier, tracking_ref = excluded.tracking_ref,
        status = excluded.status, shipped_on = excluded.shipped_on, delivered_on = excluded.delivered_on,
        erp_rev = excluded.erp_rev, synced_at = excluded.synced_at
      where excluded.erp_rev > t.erp_rev`,
  );
  await deleteChildrenOfUpdated(tx, applied, 'shipment_lines', 'shipment_id');
  if (applied.length > 0)
    await tx.db.execute(
      sql.raw(`insert into shipment_lines (party_id, shipment_id, order_id, order_line_no, quantity)
               select a.party_id, a.id, o.id, l.line_no, sum(l.quantity)
                 from stage_shipment_lines l join applied a on a.idx = l.idx
                 cross join lateral (select o.id from orders o
                                      where o.erp_key = l.order_key and o.party_id = a.party_id limit 1) o
                group by a.party_id, a.id, o.id, l.line_no`),
    );
  return applied;
}

// ---- purchase orders

export interface PurchaseOrderIn {
  idx: number;
  key: string;
  supplier: string;
  number: string;
  status: string;
  orderDate: string;
  requestedDate: string | null;
  promisedDate: string | null;
  currency: string;
  totalMinor: bigint;
  rev: bigint;
  lines: LineIn[];
}

export async function stagePurchaseOrders(tx: Tx, docs: PurchaseOrderIn[]): Promise<StageProblem[]> {
  await stage(tx, 'stage_purchase_orders', PURCHASE_ORDER_STAGE, docs);
  await stageLines(tx, 'stage_purchase_order_lines', docs);
  return headerProblems(tx, {
    stage: 'stage_purchase_orders',
    table: 'purchase_orders',
    ref: 'supplier',
    noun: 'Purchase order',
  });
}
const PURCHASE_ORDER_STAGE: readonly Column<PurchaseOrderIn>[] = [
  ...HEAD<PurchaseOrderIn>(),
  text('supplier', (d) => d.supplier),
  text('number', (d) => d.number),
  text('status', (d) => d.status),
  ['order_date', 'date not null', (d) => d.orderDate],
  ['requested_date', 'date', (d) => s(d.requestedDate)],
  ['promised_date', 'date', (d) => s(d.promisedDate)],
  text('currency', (d) => d.currency),
  ['total_minor', 'bigint not null', (d) => s(d.totalMinor)],
];

/**
 * The portal owns acknowledgements and problem flags: while the ERP says a PO is open, the portal's
 * 'acknowledged' or 'problem' stands; received or cancelled in the ERP wins. The promised date follows the
 * ERP only until the supplier acknowledges.
 */
export async function applyPurchaseOrders(tx: Tx, skip: number[], now: Date): Promise<Applied[]> {
  await dropStaged(tx, ['stage_purchase_orders', 'stage_purchase_order_lines'], skip);
  const applied = await upsert(
    tx,
    'stage_purchase_orders',
    'purchase_orders',
    sql`insert into purchase_orders as t (party_id, number, status, order_date, requested_date, promised_date, currency,
                                       total_minor, erp_key, erp_rev, synced_at)
     select p.id, s.number, s.status, s.order_date, s.requested_date, s.promised_date, s.currency, s.total_minor,
            s.key, s.rev, ${now.toISOString()}::timestamptz
       from stage_purchase_orders s join parties p on p.kind = 'supplier' and p.erp_ref = s.supplier
     on conflict (erp_key) do update set party_id = excluded.party_id, number = excluded.number,
        status = case when excluded.status = 'open' and t.status in ('acknowledged', 'problem') then t.status
                      else excluded.status end,
        order_date = excluded.order_date, requested_date = excluded.requested_date,
        promised_date = case when t.acknowledged_at is null then excluded.promised_date else t.promised_date end,
        currency = excluded.currency, total_minor = excluded.total_minor, erp_rev = excluded.erp_rev,
        synced_at = excluded.synced_at
      where excluded.erp_rev > t.erp_rev`,
  );
  await replaceLines(tx, applied, {
    table: 'purchase_order_lines',
    parentColumn: 'purchase_order_id',
    stage: 'stage_purchase_order_lines',
    withTax: false,
  });
  return applied;
}

// ---- parties, master data, credit limits: read (locked), decide in the service, write

export interface PartyNow {
  id: string;
  key: string | null;
  kind: 'customer' | 'supplier';
  ref: string | null;
  name: string;
  status: 'active' | 'suspended';
  suspendedByErp: boolean;
  supplierCategory: string | null;
  taxId: string | null;
  rev: string | null;
}

/** The parties these ERP keys or (kind, ref) pairs name, locked for the rest of the transaction. */
export async function partiesForUpdate(tx: Tx, keys: string[], refs: { kind: string; ref: string }[]) {
  return rows<PartyNow>(
    tx,
    sql`select id, erp_key as key, kind, erp_ref as ref, name, status, suspended_by_erp as "suspendedByErp",
               supplier_category as "supplierCategory", tax_id as "taxId", erp_rev::text as rev
          from parties
         where erp_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))
            or (kind, erp_ref) in (${pairs(refs)})
         for update`,
  );
}

export async function insertParty(
  tx: Tx,
  p: {
    key: string;
    kind: string;
    ref: string;
    name: string;
    status: string;
    suspendedByErp: boolean;
    supplierCategory: string | null;
    taxId: string | null;
    rev: bigint;
    at: Date;
  },
) {
  const [row] = await rows<{ id: string }>(
    tx,
    sql`insert into parties (kind, name, erp_ref, status, suspended_by_erp, supplier_category, tax_id, erp_key, erp_rev, synced_at)
        values (${p.kind}, ${p.name}, ${p.ref}, ${p.status}, ${p.suspendedByErp}, ${p.supplierCategory}, ${p.taxId}, ${p.key},
                ${p.rev.toString()}, ${p.at.toISOString()}) returning id`,
  );
  return (row as { id: string }).id;
}

export async function updateParty(
  tx: Tx,
  id: string,
  p: {
    key: string;
    ref: string;
    name: string;
    status: string;
    suspendedByErp: boolean;
    supplierCategory: string | null;
    taxId: string | null;
    rev: bigint;
    at: Date;
  },
) {
  await tx.db.execute(
    sql`update parties set erp_key = ${p.key}, erp_ref = ${p.ref}, name = ${p.name}, status = ${p.status},
               suspended_by_erp = ${p.suspendedByErp}, supplier_category = ${p.supplierCategory}, tax_id = ${p.taxId},
               erp_rev = ${p.rev.toString()}, synced_at = ${p.at.toISOString()}
         where id = ${id}`,
  );
}

export interface MasterNow {
  partyId: string;
  kind: 'customer' | 'supplier';
  ref: string;
  name: string;
  address: MasterData['address'];
  bankDetails: MasterData['bankDetails'];
  rev: string | null;
  creditLimitMinor: string | null;
  creditCurrency: string | null;
}

/** Master data and credit limit of the parties these refs name (locked). */
export async function masterForUpdate(tx: Tx, refs: { kind: string; ref: string }[]) {
  return rows<MasterNow>(
    tx,
    sql`select p.id as "partyId", p.kind, p.erp_ref as ref, p.name, m.address, m.bank_details as "bankDetails",
               m.erp_rev::text as rev, p.credit_limit_minor::text as "creditLimitMinor",
               p.credit_currency as "creditCurrency"
          from parties p left join party_master_data m on m.party_id = p.id
         where (p.kind, p.erp_ref) in (${pairs(refs)})
         for update of p`,
  );
}

export async function writeMasterData(
  tx: Tx,
  partyId: string,
  v: { address?: unknown; bankDetails?: unknown; rev: bigint; at: Date },
) {
  const address = v.address === undefined ? sql`m.address` : sql`${JSON.stringify(v.address)}::jsonb`;
  const bank = v.bankDetails === undefined ? sql`m.bank_details` : sql`${JSON.stringify(v.bankDetails)}::jsonb`;
  await tx.db.execute(
    sql`insert into party_master_data as m (party_id, address, bank_details, updated_at, change_request_id, erp_rev, synced_at)
        values (${partyId}, ${v.address === undefined ? null : JSON.stringify(v.address)}::jsonb,
                ${v.bankDetails === undefined ? null : JSON.stringify(v.bankDetails)}::jsonb,
                ${v.at.toISOString()}, null, ${v.rev.toString()}, ${v.at.toISOString()})
        on conflict (party_id) do update set address = ${address}, bank_details = ${bank},
           updated_at = excluded.updated_at, change_request_id = null, erp_rev = excluded.erp_rev,
           synced_at = excluded.synced_at`,
  );
}

/** Records that the ERP sent a revision (nothing changed), so older ones are skipped from now on. */
export async function touchMasterData(tx: Tx, partyId: string, rev: bigint, at: Date) {
  await tx.db.execute(
    sql`update party_master_data set erp_rev = ${rev.toString()}, synced_at = ${at.toISOString()} where party_id = ${partyId}`,
  );
}

export async function writeCreditLimit(tx: Tx, partyId: string, currency: string | null, minor: bigint | null) {
  await tx.db.execute(
    sql`update parties set credit_limit_minor = ${minor === null ? null : minor.toString()},
                           credit_currency = ${currency} where id = ${partyId}`,
  );
}

export interface PendingEcho {
  id: string;
  partyId: string;
  field: 'address' | 'bank_details' | 'credit_limit';
  value: EchoValue;
  previous: EchoValue | null;
  createdAt: Date;
}

export async function pendingEchoes(tx: Tx, partyIds: string[]) {
  if (partyIds.length === 0) return [];
  return rows<PendingEcho>(
    tx,
    sql`select id, party_id as "partyId", field, value, previous, created_at as "createdAt"
          from erp_pending_echoes
         where settled_at is null and party_id in (select jsonb_array_elements_text(${JSON.stringify(partyIds)}::jsonb)::uuid)
          for update`,
  );
}

export async function settleEcho(tx: Tx, id: string, outcome: 'confirmed' | 'overridden', at: Date) {
  await tx.db.execute(
    sql`update erp_pending_echoes set settled_at = ${at.toISOString()}, outcome = ${outcome} where id = ${id}`,
  );
}

/** Queues a mail to each active admin of the party (a SECURITY DEFINER function: the writer cannot read users). */
export async function mailPartyAdmins(
  tx: Tx,
  partyId: string,
  /** One rendering per language: each admin gets their user_preferences.locale's, English without one. */
  mail: Record<string, { subject: string; body: string }>,
  kind: string,
) {
  const [r] = await rows<{ n: number }>(
    tx,
    sql`select gh_mail_party_admins(${partyId}, ${JSON.stringify(mail)}::jsonb, ${kind}) as n`,
  );
  return Number(r?.n ?? 0);
}

/** A customer or supplier by its ERP reference, with its current master data (the ERP's audited read). */
export async function partyByRef(tx: Tx, kind: 'customer' | 'supplier', ref: string) {
  const [r] = await rows<{
    id: string;
    name: string;
    address: MasterData['address'];
    bankDetails: MasterData['bankDetails'];
    updatedAt: Date | null;
  }>(
    tx,
    sql`select p.id, p.name, m.address, m.bank_details as "bankDetails", m.updated_at as "updatedAt"
          from parties p left join party_master_data m on m.party_id = p.id
         where p.kind = ${kind} and p.erp_ref = ${ref}`,
  );
  return r;
}

// ---- idempotency (Stripe semantics; see server/src/integration/mirror.ts)

/**
 * Holds the (integration, endpoint, key) for the rest of the transaction, or returns false when another
 * transaction holds it (a concurrent duplicate).
 */
export async function lockIdempotencyKey(tx: Tx, integrationId: string, endpoint: string, key: string) {
  const [r] = await rows<{ ok: boolean }>(
    tx,
    sql`select pg_try_advisory_xact_lock(hashtextextended(${`${integrationId} ${endpoint} ${key}`}, 7)) as ok`,
  );
  return r?.ok === true;
}

export async function idempotencyRecord(tx: Tx, integrationId: string, endpoint: string, key: string, now: Date) {
  const [r] = await rows<Pick<typeof idempotencyKeys.$inferSelect, 'requestSha256' | 'status' | 'response'>>(
    tx,
    sql`select request_sha256 as "requestSha256", status, response from idempotency_keys
         where integration_id = ${integrationId} and endpoint = ${endpoint} and key = ${key}
           and expires_at > ${now.toISOString()}`,
  );
  return r;
}

export async function saveIdempotencyRecord(
  tx: Tx,
  r: {
    integrationId: string;
    endpoint: string;
    key: string;
    requestSha256: string;
    status: number;
    response: unknown;
    createdAt: Date;
    expiresAt: Date;
  },
) {
  // Called only when no live record exists (under the key's lock): an expired one not yet pruned is replaced.
  await tx.db.execute(
    sql`insert into idempotency_keys (integration_id, endpoint, key, request_sha256, status, response, created_at, expires_at)
        values (${r.integrationId}, ${r.endpoint}, ${r.key}, ${r.requestSha256}, ${r.status},
                ${JSON.stringify(r.response)}::jsonb, ${r.createdAt.toISOString()}, ${r.expiresAt.toISOString()})
        on conflict (integration_id, endpoint, key) do update set request_sha256 = excluded.request_sha256,
           status = excluded.status, response = excluded.response, created_at = excluded.created_at,
           expires_at = excluded.expires_at`,
  );
}

/** Drops records past their retention (the daily job, as the app role under the system scope). */
export async function pruneIdempotencyKeys(tx: Tx, now: Date) {
  const r = await tx.db.execute(sql`delete from idempotency_keys where expires_at <= ${now.toISOString()}`);
  return (r as unknown as { count: number }).count ?? 0;
}

// ---- helpers

/** (kind, ref) pairs as a subquery over one JSON parameter (drizzle binds no arrays of tuples). */
const pairs = (refs: { kind: string; ref: string }[]) =>
  sql`select x->>0, x->>1 from jsonb_array_elements(${JSON.stringify(refs.map((r) => [r.kind, r.ref]))}::jsonb) x`;
