import { createHash, randomUUID } from 'node:crypto';
import {
  BATCH_ROW_SCHEMAS,
  type BankDetails,
  type BatchEntity,
  type BatchResult,
  batchBody,
  LOCALES,
  MoneyError,
  type PostalAddress,
  toMinor,
} from '@gatehouse/contract';
import { mirrorRepo, type Tx } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { AppServices } from '../context.ts';
import { DomainError } from '../errors.ts';
import { readerOf, text } from '../mail/i18n.ts';
import { describeBankDetails, maskedBankDetails, normaliseBankDetails } from '../parties/bank.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import type { IntegrationPrincipal } from './integrations.ts';

/**
 * The mirror writer: the one write path for ERP data, whatever the channel (the REST batch API today; CSV,
 * SQL staging and the Kinetic connector build on it). It takes rows with ERP references only, validates
 * them with the contract's zod schemas, converts money exactly with the currency's ISO exponent, and hands
 * them to the data layer (db/src/data/mirror.ts), which stages them with COPY and upserts by `erp_key`
 * where the revision is newer. It runs on its own small pool as gatehouse_sync, which cannot read users,
 * sessions, approvals or the audit trail.
 *
 * Ownership (design note §6.5): the portal owns PO acknowledgements and problem flags; an address, bank
 * details or credit limit decided in the portal stays until the ERP echoes it (erp_pending_echoes); a value
 * the ERP changed itself wins, is audited per party with before and after, and a bank change is mailed to the
 * supplier's admins.
 *
 * Batches are Stripe-idempotent: the record of the response is written in the batch's own transaction, a
 * concurrent duplicate gets 409, the same key with another body 422, a replay the stored answer.
 */

export const IDEMPOTENCY_RETENTION_MS = 72 * 3_600_000;
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface RowError {
  path: string;
  message: string;
}
export interface Checked<T> {
  idx: number;
  key: string | null;
  value: T | null;
  errors: RowError[];
}
type RowResult = BatchResult['results'][number];

export interface BatchAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

const apiError = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Applies one batch, or answers why not. `bodySha256` is of the raw request body (idempotency + audit). */
export async function applyBatch(
  app: AppServices,
  principal: IntegrationPrincipal,
  entity: BatchEntity,
  req: { body: unknown; bodySha256: string; idempotencyKey: string; requestId: string; ip: string },
): Promise<BatchAnswer> {
  const envelope = batchBody.safeParse(req.body);
  if (!envelope.success)
    return {
      status: 400,
      replayed: false,
      body: apiError(
        'invalid_body',
        'The body must be { mode?, rows: [...] } with 1 to 1,000 rows.',
        issuesOf(envelope.error),
      ),
    };
  const syncDb = app.syncDb;
  if (!syncDb)
    return {
      status: 503,
      replayed: false,
      body: apiError('sync_not_configured', 'ERP writes are not configured on this server (SYNC_DATABASE_URL).'),
    };
  const { mode, rows } = envelope.data;
  const now = new Date(app.clock.now());
  const checked = check(entity, rows, now);
  let mails = 0;
  const answer = await syncDb.tx(SYSTEM_SCOPE, async (tx): Promise<BatchAnswer> => {
    if (!(await mirrorRepo.lockIdempotencyKey(tx, principal.integrationId, entity, req.idempotencyKey)))
      return {
        status: 409,
        replayed: false,
        body: apiError('idempotency_in_progress', 'A request with this Idempotency-Key is still running. Retry later.'),
      };
    const prior = await mirrorRepo.idempotencyRecord(tx, principal.integrationId, entity, req.idempotencyKey, now);
    if (prior) {
      if (prior.requestSha256 !== req.bodySha256)
        return {
          status: 422,
          replayed: false,
          body: apiError('idempotency_mismatch', 'This Idempotency-Key was used with a different body.'),
        };
      return { status: prior.status, body: prior.response, replayed: true };
    }
    const written = await writeRows(tx, entity, checked, {
      mode,
      now,
      source: { name: principal.integrationName, suspendInactive: principal.suspendInactive },
    });
    mails = written.mails;
    const { counts, applied } = written;
    const batchId = randomUUID();
    const body: BatchResult = { batchId, entity, mode, applied, results: written.results, counts };
    const status = applied ? 200 : 422;
    // One entry per batch, written last: the per-party entries above come first, so no chain head is held
    // from the start of a long batch.
    await audit.record(tx, audit.fromRequest({ requestId: req.requestId, ip: req.ip }), {
      action: applied ? 'integration.batch_applied' : 'integration.batch_rejected',
      outcome: applied ? 'success' : 'failure',
      partyId: null,
      entityType: 'integration',
      entityId: principal.integrationId,
      details: {
        batchId,
        entity,
        mode,
        counts,
        bodySha256: req.bodySha256,
        keyId: principal.keyId,
        integration: principal.integrationName,
      },
    });
    await mirrorRepo.saveIdempotencyRecord(tx, {
      integrationId: principal.integrationId,
      endpoint: entity,
      key: req.idempotencyKey,
      requestSha256: req.bodySha256,
      status,
      response: body,
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS),
    });
    return { status, body, replayed: false };
  });
  if (mails > 0) app.mail.kick();
  return answer;
}

/**
 * The current address and bank details of a customer or supplier, for the ERP (thin events point here:
 * the feed never carries bank details). Every read is audited on the party.
 */
export async function masterDataForErp(
  app: AppServices,
  principal: IntegrationPrincipal,
  q: { kind: 'customer' | 'supplier'; ref: string; requestId: string; ip: string },
) {
  return app.db.tx(SYSTEM_SCOPE, async (tx) => {
    const p = await mirrorRepo.partyByRef(tx, q.kind, q.ref);
    if (!p) return null;
    await audit.record(tx, audit.fromRequest({ requestId: q.requestId, ip: q.ip }), {
      action: 'integration.master_data_read',
      outcome: 'success',
      partyId: p.id,
      entityType: 'party',
      entityId: p.id,
      details: { integration: principal.integrationName, keyId: principal.keyId },
    });
    const updated = p.updatedAt ? new Date(p.updatedAt) : null;
    return {
      party: { kind: q.kind, ref: q.ref, name: p.name },
      address: p.address ?? null,
      bankDetails: p.bankDetails ?? null,
      updatedAt: updated ? updated.toISOString() : null,
    };
  });
}

export const sha256Hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// ---- validation: every row on its own, so each error names its row

function issuesOf(e: z.ZodError): RowError[] {
  return e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * Validates and normalises rows of one entity, each on its own (the errors name the row): the first half of
 * the mirror writer, with no database. Every channel (REST, CSV, SQL staging, Kinetic) calls it, then
 * `writeRows` in its own transaction on the sync pool.
 */
export function check(
  entity: BatchEntity,
  rows: unknown[],
  now: Date,
  /** For a batch checked in pages: the page's first index, and the keys seen on earlier pages. */
  page: { offset: number; seen: Map<string, number> } = { offset: 0, seen: new Map() },
): Checked<unknown>[] {
  const schema = BATCH_ROW_SCHEMAS[entity];
  const seen = page.seen;
  const defaultRev = BigInt(now.getTime());
  return rows.map((raw, i) => {
    const idx = page.offset + i;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { idx, key: keyOf(raw), value: null, errors: issuesOf(parsed.error) };
    const errors: RowError[] = [];
    let value: unknown = null;
    try {
      value = NORMALISE[entity](parsed.data as never, defaultRev, errors);
    } catch (e) {
      if (e instanceof MoneyError || e instanceof DomainError) errors.push({ path: '', message: e.message });
      else throw e;
    }
    const key = identity(entity, value ?? parsed.data);
    if (key !== null && errors.length === 0) {
      const first = seen.get(key);
      if (first !== undefined) errors.push({ path: 'key', message: `The same record is already in row ${first}.` });
      else seen.set(key, idx);
    }
    return { idx, key, value: errors.length > 0 ? null : value, errors };
  });
}

function keyOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'key' in raw && typeof raw.key === 'string') return raw.key.slice(0, 200);
  return null;
}

/** What makes two rows of a batch the same record. */
function identity(entity: BatchEntity, v: unknown): string | null {
  const r = v as Record<string, unknown>;
  if (entity === 'master-data') {
    const p = r.party as { kind: string; ref: string };
    return `${p.kind}:${p.ref}`;
  }
  if (entity === 'credit-limits') return `customer:${String(r.customer)}`;
  return typeof r.key === 'string' ? r.key : null;
}

const revOf = (rev: number | string | undefined, fallback: bigint) => (rev === undefined ? fallback : BigInt(rev));

/** Money of one field, exact; the error names the field. */
function minorOf(
  v: string | number,
  currency: string,
  path: string,
  errors: RowError[],
  mode: 'exact' | 'round' = 'exact',
) {
  try {
    return toMinor(v, currency, mode);
  } catch (e) {
    if (!(e instanceof MoneyError)) throw e;
    errors.push({ path, message: e.message });
    return 0n;
  }
}

type PricedLine = {
  lineNo: number;
  sku?: string | null;
  description: string;
  quantity: string;
  uom?: string | null | undefined;
  unitPrice: string;
  amount: string | number;
  tax?: string | number | null | undefined;
};
function linesOf(lines: PricedLine[], currency: string, errors: RowError[]): mirrorRepo.LineIn[] {
  const numbers = new Set<number>();
  return lines.map((l, i) => {
    if (numbers.has(l.lineNo)) errors.push({ path: `lines.${i}.lineNo`, message: `Line ${l.lineNo} appears twice.` });
    numbers.add(l.lineNo);
    return {
      lineNo: l.lineNo,
      sku: l.sku ?? null,
      description: l.description,
      quantity: l.quantity,
      uom: l.uom ?? null,
      unitPriceMinor: minorOf(l.unitPrice, currency, `lines.${i}.unitPrice`, errors, 'round'),
      unitPrice: l.unitPrice,
      amountMinor: minorOf(l.amount, currency, `lines.${i}.amount`, errors),
      taxMinor: l.tax === undefined || l.tax === null ? null : minorOf(l.tax, currency, `lines.${i}.tax`, errors),
    };
  });
}

type Rows = { [E in BatchEntity]: z.infer<(typeof BATCH_ROW_SCHEMAS)[E]> };

const NORMALISE: { [E in BatchEntity]: (r: Rows[E], rev: bigint, errors: RowError[]) => unknown } = {
  parties: (r, rev) => ({
    key: r.key ?? `${r.kind}:${r.ref}`,
    kind: r.kind,
    ref: r.ref,
    name: r.name,
    inactive: r.inactive,
    supplierCategory: r.supplierCategory ?? null,
    taxId: r.taxId ?? null,
    rev: revOf(r.rev, rev),
  }),
  'master-data': (r, rev) => ({
    party: r.party,
    address: r.address,
    bankDetails: r.bankDetails ? normaliseBankDetails(r.bankDetails) : r.bankDetails,
    rev: revOf(r.rev, rev),
  }),
  'credit-limits': (r, _rev, errors) => {
    const minor = r.limit === null ? null : minorOf(r.limit, r.currency, 'limit', errors);
    if (minor !== null && minor < 0n) errors.push({ path: 'limit', message: 'A credit limit cannot be negative.' });
    // Kinetic: "a credit limit of zero is considered as having unlimited credit".
    return { customer: r.customer, currency: minor ? r.currency : null, minor: minor ? minor : null };
  },
  orders: (r, rev, errors) => ({
    key: r.key,
    customer: r.customer,
    number: r.number,
    customerReference: r.customerReference ?? null,
    status: r.status,
    orderDate: r.orderDate,
    currency: r.currency,
    totalMinor: minorOf(r.total, r.currency, 'total', errors),
    netMinor: r.net === undefined || r.net === null ? null : minorOf(r.net, r.currency, 'net', errors),
    rev: revOf(r.rev, rev),
    lines: linesOf(r.lines, r.currency, errors),
  }),
  invoices: (r, rev, errors) => {
    const totalMinor = minorOf(r.total, r.currency, 'total', errors);
    const openMinor = minorOf(r.open, r.currency, 'open', errors);
    if (r.kind === 'credit-note' && totalMinor > 0n)
      errors.push({ path: 'total', message: 'A credit note’s total is negative (credit memos are negative).' });
    if (r.kind === 'invoice' && totalMinor < 0n)
      errors.push({ path: 'total', message: 'An invoice’s total cannot be negative; send a credit note instead.' });
    if (r.dueDate < r.issueDate) errors.push({ path: 'dueDate', message: 'The due date is before the issue date.' });
    return {
      key: r.key,
      customer: r.customer,
      kind: r.kind,
      number: r.number,
      legalNumber: r.legalNumber ?? null,
      orderKey: r.order ?? null,
      status: r.status,
      issueDate: r.issueDate,
      dueDate: r.dueDate,
      currency: r.currency,
      totalMinor,
      openMinor,
      rev: revOf(r.rev, rev),
      lines: linesOf(r.lines, r.currency, errors),
    };
  },
  shipments: (r, rev, errors) => {
    if (r.status === 'delivered' && !r.deliveredOn)
      errors.push({ path: 'deliveredOn', message: 'A delivered shipment needs its delivery date.' });
    return {
      key: r.key,
      customer: r.customer,
      number: r.number,
      carrier: r.carrier,
      trackingRef: r.trackingRef ?? null,
      status: r.status,
      shippedOn: r.shippedOn,
      deliveredOn: r.deliveredOn ?? null,
      rev: revOf(r.rev, rev),
      lines: r.lines.map((l) => ({ orderKey: l.order, lineNo: l.lineNo, quantity: l.quantity })),
    };
  },
  payments: (r, rev, errors) => {
    const amountMinor = minorOf(r.amount, r.currency, 'amount', errors);
    if (amountMinor <= 0n) errors.push({ path: 'amount', message: 'A payment’s amount is positive.' });
    const seen = new Set<string>();
    let allocated = 0n;
    const allocations = r.allocations.map((a, i) => {
      if (seen.has(a.invoice))
        errors.push({ path: `allocations.${i}.invoice`, message: `Invoice ${a.invoice} is allocated twice.` });
      seen.add(a.invoice);
      const minor = minorOf(a.amount, r.currency, `allocations.${i}.amount`, errors);
      allocated += minor;
      return { invoiceKey: a.invoice, amountMinor: minor };
    });
    // A credit note allocated negatively lets a payment settle more invoices than it pays; the net must fit.
    if (allocated > amountMinor)
      errors.push({ path: 'allocations', message: 'The allocations add up to more than the payment.' });
    return {
      key: r.key,
      customer: r.customer,
      paymentDate: r.paymentDate,
      currency: r.currency,
      amountMinor,
      reference: r.reference ?? null,
      rev: revOf(r.rev, rev),
      allocations,
    };
  },
  'purchase-orders': (r, rev, errors) => ({
    key: r.key,
    supplier: r.supplier,
    number: r.number,
    status: r.status,
    orderDate: r.orderDate,
    requestedDate: r.requestedDate ?? null,
    promisedDate: r.promisedDate ?? null,
    currency: r.currency,
    totalMinor: minorOf(r.total, r.currency, 'total', errors),
    rev: revOf(r.rev, rev),
    lines: linesOf(r.lines, r.currency, errors),
  }),
};

// ---- writing

/** Where rows come from: its name goes in the audit trail; its setting decides on ERP-inactive parties. */
export interface RowSource {
  name: string;
  suspendInactive: boolean;
}
interface WriteOpts {
  mode: 'atomic' | 'partial';
  now: Date;
  source: RowSource;
}

/**
 * The second half of the mirror writer: applies checked rows in `tx` (a transaction on the sync pool, under
 * the system scope) and reports each row's outcome. Atomic: nothing is applied when any row is rejected.
 * Per-party audit entries are written here; the caller writes its one batch entry after it. `mails` says
 * whether mail was queued (kick the worker after commit).
 */
export async function writeRows(tx: Tx, entity: BatchEntity, rows: Checked<unknown>[], o: WriteOpts) {
  const written = await WRITERS[entity](tx, rows as never, o);
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of written.results) counts[r.outcome] += 1;
  return { ...written, counts, applied: !(o.mode === 'atomic' && counts.rejected > 0) };
}
interface Written {
  results: RowResult[];
  mails: number;
}
type Writer<T> = (tx: Tx, rows: Checked<T>[], o: WriteOpts) => Promise<Written>;

const rejected = (c: { idx: number; key: string | null }, errors: RowError[]): RowResult => ({
  index: c.idx,
  key: c.key,
  outcome: 'rejected',
  errors,
});

/**
 * Documents: stage everything valid, let the database say what it refuses (unknown customer, a number
 * another record holds, an unknown order), then, unless an atomic batch has a rejected row, apply.
 */
function documentWriter<T extends { idx: number; key: string }>(
  /** The table whose documents can move between parties (audited on both); null: rows that never move. */
  table: mirrorRepo.DocumentTable | null,
  stage: (tx: Tx, docs: T[]) => Promise<mirrorRepo.StageProblem[]>,
  apply: (tx: Tx, skip: number[], now: Date) => Promise<mirrorRepo.Applied[]>,
): Writer<Omit<T, 'idx'>> {
  return async (tx, rows, o) => {
    const valid = rows.filter((r) => r.value !== null);
    const problems = await stage(
      tx,
      valid.map((r) => ({ ...(r.value as Omit<T, 'idx'>), idx: r.idx }) as T),
    );
    const errorsOf = new Map<number, RowError[]>();
    for (const r of rows) if (r.errors.length > 0) errorsOf.set(r.idx, r.errors);
    for (const p of problems) errorsOf.set(p.idx, [...(errorsOf.get(p.idx) ?? []), { path: '', message: p.message }]);
    if (o.mode === 'atomic' && errorsOf.size > 0)
      return { results: rows.map((r) => resultOf(r, errorsOf, undefined)), mails: 0 };
    const applied = await apply(tx, [...errorsOf.keys()], o.now);
    if (table) await auditMoves(tx, table, applied, o.source.name);
    const byKey = new Map<string, mirrorRepo.Outcome>(applied.map((a) => [a.key, a.outcome]));
    return { results: rows.map((r) => resultOf(r, errorsOf, byKey)), mails: 0 };
  };
}
/**
 * A document the ERP gave to another customer or supplier moves with it (one erp_key), and both accounts'
 * audit trails say so: the one it left and the one it joined.
 */
async function auditMoves(tx: Tx, table: string, applied: mirrorRepo.Applied[], integration: string) {
  for (const a of applied) {
    const was = a.before;
    if (a.outcome !== 'updated' || !was || was.partyId === a.partyId) continue;
    for (const partyId of [was.partyId, a.partyId])
      await audit.record(tx, audit.SYSTEM, {
        action: 'document.moved_by_erp',
        outcome: 'success',
        partyId,
        entityType: table,
        entityId: a.id,
        details: { integration, erpKey: a.key, number: was.number, fromParty: was.partyId, toParty: a.partyId },
      });
  }
}

function resultOf(
  r: { idx: number; key: string | null },
  errorsOf: Map<number, RowError[]>,
  outcomes: Map<string, mirrorRepo.Outcome> | undefined,
): RowResult {
  const errors = errorsOf.get(r.idx);
  if (errors) return rejected(r, errors);
  // An atomic batch that was refused applied nothing: its good rows say so as 'unchanged'.
  return { index: r.idx, key: r.key, outcome: (r.key && outcomes?.get(r.key)) || 'unchanged' };
}

type PartyIn = {
  key: string;
  kind: 'customer' | 'supplier';
  ref: string;
  name: string;
  inactive: boolean;
  supplierCategory: string | null;
  taxId: string | null;
  rev: bigint;
};

/**
 * Parties: by ERP key; a party made in the portal with the same (kind, ERP reference) and no key yet is
 * adopted. An inactive party is suspended when the integration's source setting says so (the default), and
 * reactivated when the ERP reactivates it, but only if it was the ERP that suspended it. Each suspension
 * and reactivation is audited on the party.
 */
const writeParties: Writer<PartyIn> = async (tx, rows, o) => {
  const valid = rows.filter((r): r is Checked<PartyIn> & { value: PartyIn } => r.value !== null);
  const current = await mirrorRepo.partiesForUpdate(
    tx,
    valid.map((r) => r.value.key),
    valid.map((r) => ({ kind: r.value.kind, ref: r.value.ref })),
  );
  const byKey = new Map(current.filter((c) => c.key).map((c) => [c.key as string, c]));
  const byRef = new Map(current.map((c) => [`${c.kind}:${c.ref}`, c]));
  const plans: { r: Checked<PartyIn>; v: PartyIn; target: mirrorRepo.PartyNow | undefined }[] = [];
  const results = new Map<number, RowResult>();
  const claims = new Map<string, string>();
  for (const r of rows) {
    if (!r.value) {
      results.set(r.idx, rejected(r, r.errors));
      continue;
    }
    const v = r.value;
    const existing = byKey.get(v.key);
    const holder = byRef.get(`${v.kind}:${v.ref}`);
    const claimed = claims.get(`${v.kind}:${v.ref}`);
    if (claimed !== undefined && claimed !== v.key) {
      results.set(
        r.idx,
        rejected(r, [{ path: 'ref', message: `Another row of this batch gives "${v.ref}" to key ${claimed}.` }]),
      );
      continue;
    }
    claims.set(`${v.kind}:${v.ref}`, v.key);
    if (holder && holder.key !== null && holder.key !== v.key) {
      results.set(
        r.idx,
        rejected(r, [
          { path: 'ref', message: `Another ${v.kind} (key ${holder.key}) has the ERP reference "${v.ref}".` },
        ]),
      );
      continue;
    }
    if (existing && existing.kind !== v.kind) {
      results.set(
        r.idx,
        rejected(r, [{ path: 'kind', message: `This key is a ${existing.kind}; a party's kind cannot change.` }]),
      );
      continue;
    }
    plans.push({ r, v, target: existing ?? holder });
  }
  if (o.mode === 'atomic' && results.size > 0)
    return {
      results: rows.map((r) => results.get(r.idx) ?? { index: r.idx, key: r.key, outcome: 'unchanged' }),
      mails: 0,
    };
  const audits: audit.VerbEntry[] = [];
  for (const { r, v, target } of plans) {
    const suspend = v.inactive && o.source.suspendInactive;
    if (!target) {
      await mirrorRepo.insertParty(tx, {
        ...v,
        status: suspend ? 'suspended' : 'active',
        suspendedByErp: suspend,
        at: o.now,
      });
      results.set(r.idx, { index: r.idx, key: v.key, outcome: 'created' });
      continue;
    }
    if (target.rev !== null && BigInt(target.rev) >= v.rev) {
      results.set(r.idx, { index: r.idx, key: v.key, outcome: 'unchanged' });
      continue;
    }
    let status = target.status;
    let byErp = target.suspendedByErp;
    if (suspend && status === 'active') [status, byErp] = ['suspended', true];
    else if (!v.inactive && byErp) [status, byErp] = ['active', false];
    await mirrorRepo.updateParty(tx, target.id, { ...v, status, suspendedByErp: byErp, at: o.now });
    if (status !== target.status)
      audits.push({
        action: status === 'suspended' ? 'party.suspended_by_erp' : 'party.reactivated_by_erp',
        outcome: 'success',
        partyId: target.id,
        entityType: 'party',
        entityId: target.id,
        details: {
          integration: o.source.name,
          erpRef: v.ref,
          before: { status: target.status },
          after: { status },
        },
      });
    const same =
      target.key === v.key &&
      target.name === v.name &&
      target.ref === v.ref &&
      status === target.status &&
      target.supplierCategory === v.supplierCategory &&
      target.taxId === v.taxId;
    results.set(r.idx, { index: r.idx, key: v.key, outcome: same ? 'unchanged' : 'updated' });
  }
  for (const a of audits) await audit.record(tx, audit.SYSTEM, a);
  return { results: rows.map((r) => results.get(r.idx) as RowResult), mails: 0 };
};

/** Values compared as the portal stores them: keys sorted, absent and null the same. */
function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== null && o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

type Field = 'address' | 'bank_details' | 'credit_limit';
/**
 * The ownership rule for one ERP-confirm field. With a portal decision awaiting its echo: the same value
 * confirms it; the old value (the ERP has not applied it yet) keeps the portal's; a third value is the ERP
 * changing it itself, and the ERP wins. Without one: a different value is applied.
 */
async function echoRule(
  tx: Tx,
  incoming: unknown,
  current: unknown,
  pending: mirrorRepo.PendingEcho | undefined,
  now: Date,
): Promise<'apply' | 'keep' | 'override'> {
  if (pending) {
    if (same(incoming, pending.value)) {
      await mirrorRepo.settleEcho(tx, pending.id, 'confirmed', now);
      return same(incoming, current) ? 'keep' : 'apply';
    }
    if (same(incoming, pending.previous)) return 'keep';
    await mirrorRepo.settleEcho(tx, pending.id, 'overridden', now);
    return 'override';
  }
  return same(incoming, current) ? 'keep' : 'apply';
}

type MasterIn = {
  party: { kind: string; ref: string };
  address?: PostalAddress | null;
  bankDetails?: BankDetails | null;
  rev: bigint;
};

/**
 * The anti-fraud mail in every language: the sync role may not read users' preferences, so the database
 * function (gh_mail_party_admins) gives each admin the rendering for their language.
 */
const bankMail = (name: string, before: unknown, after: unknown) => {
  const values = { name, before: describeBankDetails(before), after: describeBankDetails(after) };
  return Object.fromEntries(
    LOCALES.map((locale) => {
      const reader = readerOf({ locale });
      return [
        locale,
        {
          subject: text(reader, { key: 'bank_changed_by_erp.subject' }),
          body: text(reader, { key: 'bank_changed_by_erp.body', values }),
        },
      ];
    }),
  );
};
/** Addresses and bank details, per party, under the ownership rule. */
const writeMasterData: Writer<MasterIn> = async (tx, rows, o) => {
  const valid = rows.filter((r) => r.value !== null).map((r) => r.value as MasterIn);
  const current = await mirrorRepo.masterForUpdate(
    tx,
    valid.map((v) => v.party),
  );
  const byRef = new Map(current.map((c) => [`${c.kind}:${c.ref}`, c]));
  const pending = await mirrorRepo.pendingEchoes(
    tx,
    current.map((c) => c.partyId),
  );
  const pendingOf = (partyId: string, field: Field) => pending.find((p) => p.partyId === partyId && p.field === field);
  const results = new Map<number, RowResult>();
  for (const r of rows) {
    if (!r.value) results.set(r.idx, rejected(r, r.errors));
    else if (!byRef.has(`${r.value.party.kind}:${r.value.party.ref}`))
      results.set(
        r.idx,
        rejected(r, [
          { path: 'party', message: `No ${r.value.party.kind} has the ERP reference "${r.value.party.ref}".` },
        ]),
      );
  }
  if (o.mode === 'atomic' && results.size > 0)
    return {
      results: rows.map((r) => results.get(r.idx) ?? { index: r.idx, key: r.key, outcome: 'unchanged' }),
      mails: 0,
    };
  let mails = 0;
  const audits: audit.VerbEntry[] = [];
  for (const r of rows) {
    if (results.has(r.idx) || !r.value) continue;
    const v = r.value;
    const now = byRef.get(`${v.party.kind}:${v.party.ref}`) as mirrorRepo.MasterNow;
    if (now.rev !== null && BigInt(now.rev) >= v.rev) {
      results.set(r.idx, { index: r.idx, key: r.key, outcome: 'unchanged' });
      continue;
    }
    const write: { address?: unknown; bankDetails?: unknown } = {};
    for (const [field, incoming, currentValue] of [
      ['address', v.address, now.address],
      ['bank_details', v.bankDetails, now.bankDetails],
    ] as const) {
      if (incoming === undefined) continue;
      const rule = await echoRule(tx, incoming, currentValue, pendingOf(now.partyId, field), o.now);
      if (rule === 'keep') continue;
      if (field === 'address') write.address = incoming;
      else write.bankDetails = incoming;
      const view = field === 'address' ? (x: unknown) => x ?? null : maskedBankDetails;
      audits.push({
        action: 'master_data.changed_by_erp',
        outcome: 'success',
        partyId: now.partyId,
        entityType: 'party',
        entityId: now.partyId,
        details: {
          field,
          integration: o.source.name,
          before: view(currentValue),
          after: view(incoming),
          overrodePortalChange: rule === 'override',
        },
      });
      // Anti-fraud: a supplier always hears when the ERP changes where it is paid (not on the first load).
      if (field === 'bank_details' && currentValue)
        mails += await mirrorRepo.mailPartyAdmins(
          tx,
          now.partyId,
          bankMail(now.name, currentValue, incoming),
          'bank-details-changed-by-erp',
        );
    }
    const changed = Object.keys(write).length > 0;
    if (changed || now.rev === null)
      await mirrorRepo.writeMasterData(tx, now.partyId, { ...write, rev: v.rev, at: o.now });
    else await mirrorRepo.touchMasterData(tx, now.partyId, v.rev, o.now);
    results.set(r.idx, { index: r.idx, key: r.key, outcome: changed ? 'updated' : 'unchanged' });
  }
  for (const a of audits) await audit.record(tx, audit.SYSTEM, a);
  return { results: rows.map((r) => results.get(r.idx) as RowResult), mails };
};

type CreditIn = { customer: string; currency: string | null; minor: bigint | null };

/** Credit limits, per customer, under the ownership rule; every change is audited on the party. */
const writeCreditLimits: Writer<CreditIn> = async (tx, rows, o) => {
  const valid = rows.filter((r) => r.value !== null).map((r) => r.value as CreditIn);
  const current = await mirrorRepo.masterForUpdate(
    tx,
    valid.map((v) => ({ kind: 'customer', ref: v.customer })),
  );
  const byRef = new Map(current.map((c) => [c.ref, c]));
  const pending = await mirrorRepo.pendingEchoes(
    tx,
    current.map((c) => c.partyId),
  );
  const results = new Map<number, RowResult>();
  for (const r of rows) {
    if (!r.value) results.set(r.idx, rejected(r, r.errors));
    else if (!byRef.has(r.value.customer))
      results.set(
        r.idx,
        rejected(r, [{ path: 'customer', message: `No customer has the ERP reference "${r.value.customer}".` }]),
      );
  }
  if (o.mode === 'atomic' && results.size > 0)
    return {
      results: rows.map((r) => results.get(r.idx) ?? { index: r.idx, key: r.key, outcome: 'unchanged' }),
      mails: 0,
    };
  const audits: audit.VerbEntry[] = [];
  for (const r of rows) {
    if (results.has(r.idx) || !r.value) continue;
    const v = r.value;
    const now = byRef.get(v.customer) as mirrorRepo.MasterNow;
    const incoming = { currency: v.currency, amountMinor: v.minor === null ? null : v.minor.toString() };
    const currentValue = { currency: now.creditCurrency, amountMinor: now.creditLimitMinor };
    const echo = pending.find((p) => p.partyId === now.partyId && p.field === 'credit_limit');
    const rule = await echoRule(tx, incoming, currentValue, echo, o.now);
    if (rule === 'keep') {
      results.set(r.idx, { index: r.idx, key: r.key, outcome: 'unchanged' });
      continue;
    }
    await mirrorRepo.writeCreditLimit(tx, now.partyId, v.currency, v.minor);
    audits.push({
      action: 'party.credit_limit_changed_by_erp',
      outcome: 'success',
      partyId: now.partyId,
      entityType: 'party',
      entityId: now.partyId,
      details: {
        integration: o.source.name,
        before: currentValue,
        after: incoming,
        overrodePortalChange: rule === 'override',
      },
    });
    results.set(r.idx, { index: r.idx, key: r.key, outcome: 'updated' });
  }
  for (const a of audits) await audit.record(tx, audit.SYSTEM, a);
  return { results: rows.map((r) => results.get(r.idx) as RowResult), mails: 0 };
};

const WRITERS: { [E in BatchEntity]: Writer<never> } = {
  parties: writeParties as Writer<never>,
  'master-data': writeMasterData as Writer<never>,
  'credit-limits': writeCreditLimits as Writer<never>,
  orders: documentWriter('orders', mirrorRepo.stageOrders, mirrorRepo.applyOrders) as Writer<never>,
  invoices: documentWriter('invoices', mirrorRepo.stageInvoices, mirrorRepo.applyInvoices) as Writer<never>,
  shipments: documentWriter('shipments', mirrorRepo.stageShipments, mirrorRepo.applyShipments) as Writer<never>,
  'purchase-orders': documentWriter(
    'purchase_orders',
    mirrorRepo.stagePurchaseOrders,
    mirrorRepo.applyPurchaseOrders,
  ) as Writer<never>,
  payments: documentWriter(null, mirrorRepo.stagePayments, mirrorRepo.applyPayments) as Writer<never>,
};
