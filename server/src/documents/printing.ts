import {
  formatMinor,
  STATEMENT_ITEMS_MAX,
  STATEMENT_LINES_MAX,
  type sellerProfileInput,
  type statementDownloadInput,
  type statementInput,
} from '@gatehouse/contract';
import {
  invoicesRepo,
  ordersRepo,
  printingRepo,
  purchaseOrdersRepo,
  shipmentsRepo,
  statementsRepo,
  type Tx,
} from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { Context, ServiceContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { invalidField, type NotFoundWhat, notFound } from '../errors.ts';
import { toCsv } from '../integration/csv/csv.ts';
import { ownScope, SYSTEM_SCOPE } from '../parties/scope.ts';
import { type DocumentText, documentText } from './i18n.ts';
import { type PrintDoc, renderPdf } from './pdf.ts';

/**
 * Printed documents (issue 18). Each download is one read in the caller's scope (another party's id answers
 * NOT_FOUND), audited in the same transaction as `business_document.downloaded` (or `statement.downloaded`)
 * before a byte is sent, like a document download. When the ERP sent its own PDF of a document, that file is
 * served instead of the rendered one.
 */

type Kind = printingRepo.PrintableKind;
export interface DownloadedFile {
  fileName: string;
  contentType: 'application/pdf' | 'text/csv';
  base64: string;
  source: 'erp' | 'rendered';
}

const MISSING: Record<Kind, NotFoundWhat> = {
  invoice: 'That invoice',
  order: 'That order confirmation',
  shipment: 'That delivery note',
  'purchase-order': 'That purchase order',
};
const TITLE_KEYS = {
  invoice: 'doc.invoice',
  order: 'doc.orderConfirmation',
  shipment: 'doc.deliveryNote',
  'purchase-order': 'doc.purchaseOrder',
} as const;
const ENTITY_TYPE: Record<Kind, string> = {
  invoice: 'invoice',
  order: 'order',
  shipment: 'shipment',
  'purchase-order': 'purchase_order',
};

/** A file name safe in any file system and header: letters, digits, dot, dash, underscore. */
const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);

/** "3.0000" -> "3", "2.5000" -> "2.5": a quantity as printed, with its unit. */
export function quantity(q: string, uom: string | null | undefined) {
  const n = q.includes('.') ? q.replace(/0+$/, '').replace(/\.$/, '') : q;
  return uom ? `${n} ${uom}` : n;
}

function addressLines(address: Record<string, unknown> | null | undefined): string[] {
  if (!address) return [];
  const a = address as Record<string, string | undefined>;
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country]
    .map((l) => (typeof l === 'string' ? l.trim() : ''))
    .filter((l) => l !== '');
}

/** Days between two 'YYYY-MM-DD' days. */
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/**
 * The tax breakdown of lines that carry their tax: grouped by rate (tax / net, to 0.01 %), with the net and
 * tax of each. Lines without tax are left out; the caller prints "tax and charges" as the difference.
 */
export function taxBreakdown(lines: { amountMinor: bigint; taxMinor: bigint | null }[]) {
  const byRate = new Map<string, { net: bigint; tax: bigint }>();
  for (const l of lines) {
    if (l.taxMinor === null) continue;
    // Basis points, rounded half up, in integers: no floating point touches money.
    const bp = l.amountMinor === 0n ? 0n : (l.taxMinor * 20_000n + l.amountMinor) / (2n * l.amountMinor);
    const rate = `${bp / 100n}${bp % 100n === 0n ? '' : `.${(bp % 100n).toString().padStart(2, '0').replace(/0$/, '')}`}`;
    const g = byRate.get(rate) ?? { net: 0n, tax: 0n };
    g.net += l.amountMinor;
    g.tax += l.taxMinor;
    byRate.set(rate, g);
  }
  return [...byRate.entries()].map(([rate, g]) => ({ rate, netMinor: g.net, taxMinor: g.tax }));
}

async function fileFromStore(ctx: Context, sha256: string): Promise<Buffer> {
  const blob = await ctx.files.open(sha256);
  if (!blob) throw new Error(`blob ${sha256} of an ERP document PDF is missing from the store`);
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** What a document download reads, in the caller's scope: the PrintDoc to render, or the ERP's file. */
interface Loaded {
  partyId: string;
  id: string;
  number: string;
  doc: PrintDoc;
  erpPdf: string | null;
}

async function loadInvoice(
  tx: Tx,
  id: string,
  asOf: string,
  seller: printingRepo.SellerProfile | undefined,
  tr: DocumentText,
) {
  const inv = await invoicesRepo.get(tx, id, asOf);
  if (!inv) return undefined;
  const to = await printingRepo.addressee(tx, inv.partyId);
  const cur = inv.currency;
  const m = (v: bigint) => tr.money(v, cur);
  const { t, date } = tr;
  const credit = inv.kind === 'credit-note';
  const net = inv.lines.reduce((a, l) => a + l.amountMinor, 0n);
  const taxes = taxBreakdown(inv.lines);
  const itemisedTax = taxes.reduce((a, t) => a + t.taxMinor, 0n);
  const rest = inv.totalMinor - net - itemisedTax;
  const terms = seller?.paymentTerms || t('doc.daysNet', { days: daysBetween(inv.issueDate, inv.dueDate) });
  const printed = inv.legalNumber ?? inv.number;
  const doc: PrintDoc = {
    title: t(credit ? 'doc.creditNote' : 'doc.invoice'),
    number: printed,
    facts: [
      [t('doc.issueDate'), date(inv.issueDate)],
      ...(credit ? [] : ([[t('doc.dueDate'), date(inv.dueDate)]] as [string, string][])),
      ...(credit ? [] : ([[t('doc.paymentTerms'), terms]] as [string, string][])),
      ...(inv.legalNumber && inv.legalNumber !== inv.number
        ? ([[t('doc.reference'), inv.number]] as [string, string][])
        : []),
      ...(inv.orderNumber ? ([[t('doc.order'), inv.orderNumber]] as [string, string][]) : []),
      ...(to?.erpRef ? ([[t('doc.customerAccount'), to.erpRef]] as [string, string][]) : []),
      [t('doc.currency'), cur],
    ],
    addressee: {
      label: t('doc.billTo'),
      name: to?.name ?? '',
      lines: addressLines(to?.address),
      taxId: to?.taxId ?? null,
    },
    sections: [
      {
        columns: [
          { header: '#', width: 4 },
          { header: t('doc.item'), width: 12 },
          { header: t('doc.description'), width: 30 },
          { header: t('doc.quantity'), width: 11, align: 'right' },
          { header: t('doc.unitPrice'), width: 15, align: 'right' },
          { header: t('doc.tax'), width: 12, align: 'right' },
          { header: t('doc.amount'), width: 16, align: 'right' },
        ],
        rows: inv.lines.map((l) => [
          String(l.lineNo),
          l.sku ?? '',
          l.description,
          tr.quantity(l.quantity, l.uom),
          tr.unitPrice(l.unitPrice, l.unitPriceMinor, cur),
          l.taxMinor === null ? '' : m(l.taxMinor),
          m(l.amountMinor),
        ]),
        totals: [
          ...(inv.lines.length > 0 ? [{ label: t('doc.netTotal'), value: m(net) }] : []),
          ...taxes.map((x) => ({
            label: t('doc.taxRate', {
              rate: tr.locale === 'en' ? x.rate : x.rate.replace('.', ','),
              net: m(x.netMinor),
            }),
            value: m(x.taxMinor),
          })),
          ...(taxes.length > 0 ? [{ label: t('doc.totalTax'), value: m(itemisedTax) }] : []),
          ...(inv.lines.length > 0 && rest !== 0n
            ? [{ label: t(taxes.length > 0 ? 'doc.otherTaxAndCharges' : 'doc.taxAndCharges'), value: m(rest) }]
            : []),
          { label: t(credit ? 'doc.totalCredit' : 'doc.total'), value: m(inv.totalMinor), strong: true },
          ...(inv.status === 'cancelled'
            ? []
            : [
                { label: t(credit ? 'doc.applied' : 'doc.paidOrCredited'), value: m(inv.totalMinor - inv.openMinor) },
                { label: t('doc.openBalance'), value: m(inv.openMinor), strong: true },
              ]),
        ],
      },
    ],
    notes: [
      ...(credit ? [t('doc.creditNoteNote')] : []),
      ...(inv.status === 'cancelled' ? [t('doc.invoiceCancelled')] : []),
      ...(inv.status === 'paid' ? [t('doc.paidInFull')] : []),
    ],
    paymentDetails: !credit && inv.status === 'open',
  };
  return { partyId: inv.partyId, id: inv.id, number: printed, doc };
}

async function loadOrder(tx: Tx, id: string, tr: DocumentText) {
  const o = await ordersRepo.get(tx, id);
  if (!o) return undefined;
  const to = await printingRepo.addressee(tx, o.partyId);
  const m = (v: bigint) => tr.money(v, o.currency);
  const { t, date } = tr;
  const net = o.lines.reduce((a, l) => a + l.amountMinor, 0n);
  const doc: PrintDoc = {
    title: t(TITLE_KEYS.order),
    number: o.number,
    facts: [
      [t('doc.orderDate'), date(o.orderDate)],
      ...(o.customerReference ? ([[t('doc.yourReference'), o.customerReference]] as [string, string][]) : []),
      [t('doc.status'), o.status],
      [t('doc.currency'), o.currency],
    ],
    addressee: {
      label: t('doc.customer'),
      name: to?.name ?? '',
      lines: addressLines(to?.address),
      taxId: to?.taxId ?? null,
    },
    sections: [
      {
        ...pricedLines(o.lines, o.currency, m, tr),
        totals: [
          { label: t('doc.netTotal'), value: m(o.netMinor ?? net) },
          ...(o.totalMinor !== (o.netMinor ?? net)
            ? [{ label: t('doc.taxAndCharges'), value: m(o.totalMinor - (o.netMinor ?? net)) }]
            : []),
          { label: t('doc.total'), value: m(o.totalMinor), strong: true },
        ],
      },
    ],
  };
  return { partyId: o.partyId, id: o.id, number: o.number, doc };
}

async function loadShipment(tx: Tx, id: string, tr: DocumentText) {
  const s = await shipmentsRepo.get(tx, id);
  if (!s) return undefined;
  const to = await printingRepo.addressee(tx, s.partyId);
  const { t, date } = tr;
  const doc: PrintDoc = {
    title: t(TITLE_KEYS.shipment),
    number: s.number,
    facts: [
      [t('doc.shippedOn'), date(s.shippedOn)],
      ...(s.deliveredOn ? ([[t('doc.deliveredOn'), date(s.deliveredOn)]] as [string, string][]) : []),
      [t('doc.carrier'), s.carrier],
      ...(s.trackingRef ? ([[t('doc.tracking'), s.trackingRef]] as [string, string][]) : []),
    ],
    addressee: { label: t('doc.deliverTo'), name: to?.name ?? '', lines: addressLines(to?.address), taxId: null },
    sections: [
      {
        columns: [
          { header: t('doc.order'), width: 16 },
          { header: t('doc.line'), width: 7 },
          { header: t('doc.item'), width: 15 },
          { header: t('doc.description'), width: 44 },
          { header: t('doc.quantity'), width: 18, align: 'right' },
        ],
        rows: s.lines.map((l) => [l.orderNumber, String(l.lineNo), l.sku, l.description, tr.quantity(l.quantity)]),
      },
    ],
  };
  return { partyId: s.partyId, id: s.id, number: s.number, doc };
}

async function loadPurchaseOrder(tx: Tx, id: string, tr: DocumentText) {
  const po = await purchaseOrdersRepo.get(tx, id);
  if (!po) return undefined;
  const to = await printingRepo.addressee(tx, po.partyId);
  const m = (v: bigint) => tr.money(v, po.currency);
  const { t, date } = tr;
  const doc: PrintDoc = {
    title: t(TITLE_KEYS['purchase-order']),
    number: po.number,
    facts: [
      [t('doc.orderDate'), date(po.orderDate)],
      ...(po.requestedDate ? ([[t('doc.requestedBy'), date(po.requestedDate)]] as [string, string][]) : []),
      ...(po.promisedDate ? ([[t('doc.promisedFor'), date(po.promisedDate)]] as [string, string][]) : []),
      [t('doc.currency'), po.currency],
    ],
    addressee: {
      label: t('doc.supplier'),
      name: to?.name ?? '',
      lines: addressLines(to?.address),
      taxId: to?.taxId ?? null,
    },
    sections: [
      {
        ...pricedLines(po.lines, po.currency, m, tr),
        totals: [{ label: t('doc.total'), value: m(po.totalMinor), strong: true }],
      },
    ],
  };
  return { partyId: po.partyId, id: po.id, number: po.number, doc };
}

/**
 * One document as a PDF for the caller: the ERP's own file when it sent one, else rendered. Read and
 * audited in one transaction in the caller's scope; another party's id is NOT_FOUND.
 */
export async function documentPdf(ctx: ServiceContext, kind: Kind, id: string): Promise<DownloadedFile> {
  const { actor } = ctx;
  const asOf = today(ctx);
  const tr = documentText(actor.preferences);
  const loaded = await ctx.db.tx(ctx.scope, async (tx): Promise<(Loaded & { seller?: unknown }) | null> => {
    const seller = await printingRepo.seller(tx);
    const found =
      kind === 'invoice'
        ? await loadInvoice(tx, id, asOf, seller, tr)
        : kind === 'order'
          ? await loadOrder(tx, id, tr)
          : kind === 'shipment'
            ? await loadShipment(tx, id, tr)
            : await loadPurchaseOrder(tx, id, tr);
    if (!found) return null;
    const erpPdf = await printingRepo.erpPdf(tx, kind, id);
    await audit.record(tx, ctx, {
      action: 'business_document.downloaded',
      outcome: 'success',
      partyId: found.partyId,
      entityType: ENTITY_TYPE[kind],
      entityId: found.id,
      crossParty: found.partyId !== actor.partyId,
      details: { kind, number: found.number, source: erpPdf ? 'erp' : 'rendered', format: 'pdf' },
    });
    return { ...found, erpPdf, seller };
  });
  if (!loaded) throw notFound(MISSING[kind]);
  const fileName = `${safeName(`${kind}-${loaded.number}`)}.pdf`;
  if (loaded.erpPdf) {
    const bytes = await fileFromStore(ctx, loaded.erpPdf);
    return { fileName, contentType: 'application/pdf', base64: bytes.toString('base64'), source: 'erp' };
  }
  const bytes = await renderPdf(loaded.doc, loaded.seller as printingRepo.SellerProfile | undefined, tr);
  return { fileName, contentType: 'application/pdf', base64: bytes.toString('base64'), source: 'rendered' };
}

// ---- the account statement

/** The default period: the last 90 days up to today. */
export function defaultPeriod(ctx: Context) {
  const to = today(ctx);
  return { from: addDays(to, -89), to };
}

/**
 * The caller's own account statement: for the period, per currency the opening balance, every invoice,
 * credit note and payment with the running balance, and the closing balance; as of today, the open items,
 * their ageing, and the credit limit with what is left of it. Always the caller's own party.
 */
export async function statement(ctx: ServiceContext, input: z.output<typeof statementInput>) {
  const { actor } = ctx;
  const asOf = today(ctx);
  const { from, to } = input ?? defaultPeriod(ctx);
  return ctx.db.read(ownScope(actor), async (tx) => {
    const open = await statementsRepo.statement(tx, asOf, STATEMENT_ITEMS_MAX);
    const ledger = await statementsRepo.ledger(tx, from, to, STATEMENT_LINES_MAX);
    const limit = await statementsRepo.creditLimit(tx, actor.partyId);
    const owed = open.currencies.find((c) => c.currency === limit?.currency)?.openMinor ?? 0n;
    return {
      asOf,
      ...open,
      from,
      to,
      balances: ledger.currencies,
      lines: ledger.lines,
      linesTruncated: ledger.truncated,
      credit: limit
        ? { currency: limit.currency, limitMinor: limit.limitMinor, availableMinor: limit.limitMinor - owed }
        : null,
    };
  });
}

export type StatementReport = Awaited<ReturnType<typeof statement>>;

const TYPE_LABEL = { invoice: 'Invoice', 'credit-note': 'Credit note', payment: 'Payment' } as const;
const TYPE_KEY = { invoice: 'doc.invoice', 'credit-note': 'doc.creditNote', payment: 'doc.payment' } as const;

/** The statement as CSV: one row per line with its currency, and an opening and a closing row per currency. */
export function statementCsv(s: StatementReport): string {
  const rows: unknown[][] = [];
  for (const b of s.balances) {
    const dec = (v: bigint) =>
      formatMinor(v, b.currency)
        .replace(/ [A-Z]{3}$/, '')
        .replace(/,/g, '');
    rows.push([b.currency, s.from, 'Opening balance', '', '', '', '', dec(b.openingMinor)]);
    for (const l of s.lines.filter((x) => x.currency === b.currency))
      rows.push([
        l.currency,
        l.date,
        TYPE_LABEL[l.type],
        l.legalNumber ?? l.number,
        l.legalNumber ? l.number : '',
        l.dueDate ?? '',
        dec(l.amountMinor),
        dec(l.balanceMinor),
      ]);
    rows.push([b.currency, s.to, 'Closing balance', '', '', '', '', dec(b.closingMinor)]);
  }
  return toCsv(['currency', 'date', 'type', 'number', 'reference', 'due_date', 'amount', 'balance'], rows);
}

function statementDoc(
  s: StatementReport,
  party: Awaited<ReturnType<typeof printingRepo.addressee>>,
  tr: DocumentText,
): PrintDoc {
  const { t, date } = tr;
  const period = t('doc.periodRange', { from: date(s.from), to: date(s.to) });
  const ageingRows = s.currencies.map((c) => {
    const m = (v: bigint) => tr.money(v, c.currency);
    return [
      c.currency,
      m(c.ageing.current),
      m(c.ageing.days1to30),
      m(c.ageing.days31to60),
      m(c.ageing.days61to90),
      m(c.ageing.over90),
      m(c.openMinor),
    ];
  });
  return {
    title: t('doc.accountStatement'),
    number: period,
    facts: [
      [t('doc.period'), period],
      [t('doc.ageingAsOf'), date(s.asOf)],
      ...(party?.erpRef ? ([[t('doc.customerAccount'), party.erpRef]] as [string, string][]) : []),
      ...(s.credit
        ? ([
            [t('doc.creditLimit'), tr.money(s.credit.limitMinor, s.credit.currency)],
            [t('doc.availableCredit'), tr.money(s.credit.availableMinor, s.credit.currency)],
          ] as [string, string][])
        : []),
    ],
    addressee: {
      label: t('doc.account'),
      name: party?.name ?? '',
      lines: addressLines(party?.address),
      taxId: party?.taxId ?? null,
    },
    sections: [
      ...s.balances.map((b) => {
        const m = (v: bigint) => tr.money(v, b.currency);
        return {
          heading: `${b.currency}`,
          columns: [
            { header: t('doc.date'), width: 14 },
            { header: t('doc.type'), width: 14 },
            { header: t('doc.number'), width: 22 },
            { header: t('doc.due'), width: 14 },
            { header: t('doc.amount'), width: 18, align: 'right' as const },
            { header: t('doc.balance'), width: 18, align: 'right' as const },
          ],
          rows: [
            [date(s.from), t('doc.openingBalance'), '', '', '', m(b.openingMinor)],
            ...s.lines
              .filter((l) => l.currency === b.currency)
              .map((l) => [
                date(l.date),
                t(TYPE_KEY[l.type]),
                l.legalNumber ?? l.number,
                l.dueDate ? date(l.dueDate) : '',
                m(l.amountMinor),
                m(l.balanceMinor),
              ]),
          ],
          totals: [{ label: t('doc.closingBalanceOn', { date: date(s.to) }), value: m(b.closingMinor), strong: true }],
        };
      }),
      {
        heading: t('doc.ageingHeading', { date: date(s.asOf) }),
        columns: [
          { header: t('doc.currency'), width: 10 },
          { header: t('doc.current'), width: 15, align: 'right' as const },
          { header: '1-30', width: 15, align: 'right' as const },
          { header: '31-60', width: 15, align: 'right' as const },
          { header: '61-90', width: 15, align: 'right' as const },
          { header: t('doc.over90'), width: 15, align: 'right' as const },
          { header: t('doc.open'), width: 15, align: 'right' as const },
        ],
        rows: ageingRows,
      },
    ],
    notes: s.linesTruncated ? [t('doc.linesTruncated', { count: STATEMENT_LINES_MAX })] : [],
    paymentDetails: true,
  };
}

/** The statement for a period as a PDF or CSV file, audited as `statement.downloaded`. */
export async function statementDownload(
  ctx: ServiceContext,
  input: z.output<typeof statementDownloadInput>,
): Promise<DownloadedFile> {
  const { actor } = ctx;
  const s = await statement(ctx, { from: input.from, to: input.to });
  const { seller, party } = await ctx.db.tx(ownScope(actor), async (tx) => {
    await audit.record(tx, ctx, {
      action: 'statement.downloaded',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'party',
      entityId: actor.partyId,
      details: { from: s.from, to: s.to, format: input.format, lines: s.lines.length },
    });
    return { seller: await printingRepo.seller(tx), party: await printingRepo.addressee(tx, actor.partyId) };
  });
  const base = safeName(`statement-${s.from}-${s.to}`);
  if (input.format === 'csv')
    return {
      fileName: `${base}.csv`,
      contentType: 'text/csv',
      base64: Buffer.from(statementCsv(s), 'utf8').toString('base64'),
      source: 'rendered',
    };
  const tr = documentText(actor.preferences);
  const bytes = await renderPdf(statementDoc(s, party, tr), seller, tr);
  return {
    fileName: `${base}.pdf`,
    contentType: 'application/pdf',
    base64: bytes.toString('base64'),
    source: 'rendered',
  };
}

// ---- the seller's identity (system settings)

export async function getSeller(ctx: Context) {
  const row = await ctx.db.read(SYSTEM_SCOPE, (tx) => printingRepo.seller(tx));
  return {
    legalName: row?.legalName ?? '',
    address: row?.address ?? '',
    taxId: row?.taxId ?? '',
    bankDetails: row?.bankDetails ?? '',
    paymentInstructions: row?.paymentInstructions ?? '',
    paymentTerms: row?.paymentTerms ?? '',
    logo: row?.logoBase64 && row.logoType ? { type: row.logoType, base64: row.logoBase64 } : null,
    updatedAt: row?.updatedAt ? row.updatedAt.toISOString() : null,
  };
}

/** PNG and JPEG by their magic bytes: a logo claiming one type must be it (pdfkit reads only these). */
function logoMatches(type: 'image/png' | 'image/jpeg', base64: string) {
  const b = Buffer.from(base64, 'base64');
  if (type === 'image/png')
    return b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * A system admin sets the seller's identity printed on every document. Audited with before and after
 * (the logo by size only).
 */
export async function updateSeller(ctx: ServiceContext, input: z.output<typeof sellerProfileInput>) {
  const { actor } = ctx;
  if (input.logo && !logoMatches(input.logo.type, input.logo.base64)) {
    throw invalidField(['logo'], {
      key: 'staff.logoNotImage',
      values: { type: input.logo.type === 'image/png' ? 'PNG' : 'JPEG' },
    });
  }
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    const current = await printingRepo.seller(tx);
    const logo =
      input.logo === undefined
        ? { logoBase64: current?.logoBase64 ?? null, logoType: current?.logoType ?? null }
        : { logoBase64: input.logo?.base64 ?? null, logoType: input.logo?.type ?? null };
    const values = {
      legalName: input.legalName,
      address: input.address,
      taxId: input.taxId || null,
      bankDetails: input.bankDetails || null,
      paymentInstructions: input.paymentInstructions || null,
      paymentTerms: input.paymentTerms || null,
      ...logo,
    };
    const { before } = await printingRepo.saveSeller(tx, values, actor.userId, new Date(ctx.clock.now()));
    const shown = (r: typeof values | undefined) =>
      r && {
        legalName: r.legalName,
        address: r.address,
        taxId: r.taxId,
        bankDetails: r.bankDetails,
        paymentInstructions: r.paymentInstructions,
        paymentTerms: r.paymentTerms,
        logoBytes: r.logoBase64 ? Buffer.from(r.logoBase64, 'base64').length : null,
      };
    await audit.record(tx, ctx, {
      action: 'seller_profile.updated',
      outcome: 'success',
      partyId: null,
      entityType: 'seller_profile',
      entityId: '1',
      details: { before: shown(before) ?? null, after: shown(values) },
    });
  });
  return getSeller(ctx);
}

/** The priced-line table of an order confirmation and a purchase order: one layout for both. */
function pricedLines(
  lines: {
    lineNo: number;
    sku: string;
    description: string;
    quantity: string;
    uom: string | null;
    unitPrice: string | null;
    unitPriceMinor: bigint;
    amountMinor: bigint;
  }[],
  currency: string,
  m: (minor: bigint) => string,
  { t, ...tr }: DocumentText,
) {
  return {
    columns: [
      { header: '#', width: 4 },
      { header: t('doc.item'), width: 13 },
      { header: t('doc.description'), width: 37 },
      { header: t('doc.quantity'), width: 12, align: 'right' as const },
      { header: t('doc.unitPrice'), width: 16, align: 'right' as const },
      { header: t('doc.amount'), width: 16, align: 'right' as const },
    ],
    rows: lines.map((l) => [
      String(l.lineNo),
      l.sku,
      l.description,
      tr.quantity(l.quantity, l.uom),
      tr.unitPrice(l.unitPrice, l.unitPriceMinor, currency),
      m(l.amountMinor),
    ]),
  };
}
