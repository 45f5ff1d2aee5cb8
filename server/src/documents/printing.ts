import {
  formatMinor,
  formatUnitPrice,
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
import { invalidField, notFound } from '../errors.ts';
import { toCsv } from '../integration/csv/csv.ts';
import { ownScope, SYSTEM_SCOPE } from '../parties/scope.ts';
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

const TITLES: Record<Kind, string> = {
  invoice: 'Invoice',
  order: 'Order confirmation',
  shipment: 'Delivery note',
  'purchase-order': 'Purchase order',
};
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

async function loadInvoice(tx: Tx, id: string, asOf: string, seller: printingRepo.SellerProfile | undefined) {
  const inv = await invoicesRepo.get(tx, id, asOf);
  if (!inv) return undefined;
  const to = await printingRepo.addressee(tx, inv.partyId);
  const cur = inv.currency;
  const m = (v: bigint) => formatMinor(v, cur);
  const credit = inv.kind === 'credit-note';
  const net = inv.lines.reduce((a, l) => a + l.amountMinor, 0n);
  const taxes = taxBreakdown(inv.lines);
  const itemisedTax = taxes.reduce((a, t) => a + t.taxMinor, 0n);
  const rest = inv.totalMinor - net - itemisedTax;
  const terms = seller?.paymentTerms || `${daysBetween(inv.issueDate, inv.dueDate)} days net`;
  const printed = inv.legalNumber ?? inv.number;
  const doc: PrintDoc = {
    title: credit ? 'Credit note' : 'Invoice',
    number: printed,
    facts: [
      ['Issue date', inv.issueDate],
      ...(credit ? [] : ([['Due date', inv.dueDate]] as [string, string][])),
      ...(credit ? [] : ([['Payment terms', terms]] as [string, string][])),
      ...(inv.legalNumber && inv.legalNumber !== inv.number ? ([['Reference', inv.number]] as [string, string][]) : []),
      ...(inv.orderNumber ? ([['Order', inv.orderNumber]] as [string, string][]) : []),
      ...(to?.erpRef ? ([['Customer account', to.erpRef]] as [string, string][]) : []),
      ['Currency', cur],
    ],
    addressee: { label: 'Bill to', name: to?.name ?? '', lines: addressLines(to?.address), taxId: to?.taxId ?? null },
    sections: [
      {
        columns: [
          { header: '#', width: 4 },
          { header: 'Item', width: 12 },
          { header: 'Description', width: 30 },
          { header: 'Quantity', width: 11, align: 'right' },
          { header: 'Unit price', width: 15, align: 'right' },
          { header: 'Tax', width: 12, align: 'right' },
          { header: 'Amount', width: 16, align: 'right' },
        ],
        rows: inv.lines.map((l) => [
          String(l.lineNo),
          l.sku ?? '',
          l.description,
          quantity(l.quantity, l.uom),
          formatUnitPrice(l.unitPrice, l.unitPriceMinor, cur),
          l.taxMinor === null ? '' : m(l.taxMinor),
          m(l.amountMinor),
        ]),
        totals: [
          ...(inv.lines.length > 0 ? [{ label: 'Net total', value: m(net) }] : []),
          ...taxes.map((t) => ({ label: `Tax ${t.rate}% on ${m(t.netMinor)}`, value: m(t.taxMinor) })),
          ...(taxes.length > 0 ? [{ label: 'Total tax', value: m(itemisedTax) }] : []),
          ...(inv.lines.length > 0 && rest !== 0n
            ? [{ label: taxes.length > 0 ? 'Other tax and charges' : 'Tax and charges', value: m(rest) }]
            : []),
          { label: credit ? 'Total credit' : 'Total', value: m(inv.totalMinor), strong: true },
          ...(inv.status === 'cancelled'
            ? []
            : [
                { label: credit ? 'Applied' : 'Paid or credited', value: m(inv.totalMinor - inv.openMinor) },
                { label: 'Open balance', value: m(inv.openMinor), strong: true },
              ]),
        ],
      },
    ],
    notes: [
      ...(credit ? ['This credit note lowers your balance; it is not a request for payment.'] : []),
      ...(inv.status === 'cancelled' ? ['This invoice was cancelled.'] : []),
      ...(inv.status === 'paid' ? ['Paid in full. Thank you.'] : []),
    ],
    paymentDetails: !credit && inv.status === 'open',
  };
  return { partyId: inv.partyId, id: inv.id, number: printed, doc };
}

async function loadOrder(tx: Tx, id: string) {
  const o = await ordersRepo.get(tx, id);
  if (!o) return undefined;
  const to = await printingRepo.addressee(tx, o.partyId);
  const m = (v: bigint) => formatMinor(v, o.currency);
  const net = o.lines.reduce((a, l) => a + l.amountMinor, 0n);
  const doc: PrintDoc = {
    title: TITLES.order,
    number: o.number,
    facts: [
      ['Order date', o.orderDate],
      ...(o.customerReference ? ([['Your reference', o.customerReference]] as [string, string][]) : []),
      ['Status', o.status],
      ['Currency', o.currency],
    ],
    addressee: { label: 'Customer', name: to?.name ?? '', lines: addressLines(to?.address), taxId: to?.taxId ?? null },
    sections: [
      {
        ...pricedLines(o.lines, o.currency, m),
        totals: [
          { label: 'Net total', value: m(o.netMinor ?? net) },
          ...(o.totalMinor !== (o.netMinor ?? net)
            ? [{ label: 'Tax and charges', value: m(o.totalMinor - (o.netMinor ?? net)) }]
            : []),
          { label: 'Total', value: m(o.totalMinor), strong: true },
        ],
      },
    ],
  };
  return { partyId: o.partyId, id: o.id, number: o.number, doc };
}

async function loadShipment(tx: Tx, id: string) {
  const s = await shipmentsRepo.get(tx, id);
  if (!s) return undefined;
  const to = await printingRepo.addressee(tx, s.partyId);
  const doc: PrintDoc = {
    title: TITLES.shipment,
    number: s.number,
    facts: [
      ['Shipped on', s.shippedOn],
      ...(s.deliveredOn ? ([['Delivered on', s.deliveredOn]] as [string, string][]) : []),
      ['Carrier', s.carrier],
      ...(s.trackingRef ? ([['Tracking', s.trackingRef]] as [string, string][]) : []),
    ],
    addressee: { label: 'Deliver to', name: to?.name ?? '', lines: addressLines(to?.address), taxId: null },
    sections: [
      {
        columns: [
          { header: 'Order', width: 16 },
          { header: 'Line', width: 7 },
          { header: 'Item', width: 15 },
          { header: 'Description', width: 44 },
          { header: 'Quantity', width: 18, align: 'right' },
        ],
        rows: s.lines.map((l) => [l.orderNumber, String(l.lineNo), l.sku, l.description, quantity(l.quantity, null)]),
      },
    ],
  };
  return { partyId: s.partyId, id: s.id, number: s.number, doc };
}

async function loadPurchaseOrder(tx: Tx, id: string) {
  const po = await purchaseOrdersRepo.get(tx, id);
  if (!po) return undefined;
  const to = await printingRepo.addressee(tx, po.partyId);
  const m = (v: bigint) => formatMinor(v, po.currency);
  const doc: PrintDoc = {
    title: TITLES['purchase-order'],
    number: po.number,
    facts: [
      ['Order date', po.orderDate],
      ...(po.requestedDate ? ([['Requested by', po.requestedDate]] as [string, string][]) : []),
      ...(po.promisedDate ? ([['Promised for', po.promisedDate]] as [string, string][]) : []),
      ['Currency', po.currency],
    ],
    addressee: { label: 'Supplier', name: to?.name ?? '', lines: addressLines(to?.address), taxId: to?.taxId ?? null },
    sections: [
      {
        ...pricedLines(po.lines, po.currency, m),
        totals: [{ label: 'Total', value: m(po.totalMinor), strong: true }],
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
  const loaded = await ctx.db.tx(ctx.scope, async (tx): Promise<(Loaded & { seller?: unknown }) | null> => {
    const seller = await printingRepo.seller(tx);
    const found =
      kind === 'invoice'
        ? await loadInvoice(tx, id, asOf, seller)
        : kind === 'order'
          ? await loadOrder(tx, id)
          : kind === 'shipment'
            ? await loadShipment(tx, id)
            : await loadPurchaseOrder(tx, id);
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
  if (!loaded) throw notFound(`That ${TITLES[kind].toLowerCase()}`);
  const fileName = `${safeName(`${kind}-${loaded.number}`)}.pdf`;
  if (loaded.erpPdf) {
    const bytes = await fileFromStore(ctx, loaded.erpPdf);
    return { fileName, contentType: 'application/pdf', base64: bytes.toString('base64'), source: 'erp' };
  }
  const bytes = await renderPdf(loaded.doc, loaded.seller as printingRepo.SellerProfile | undefined);
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

function statementDoc(s: StatementReport, party: Awaited<ReturnType<typeof printingRepo.addressee>>): PrintDoc {
  const ageingRows = s.currencies.map((c) => {
    const m = (v: bigint) => formatMinor(v, c.currency);
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
    title: 'Account statement',
    number: `${s.from} to ${s.to}`,
    facts: [
      ['Period', `${s.from} to ${s.to}`],
      ['Ageing as of', s.asOf],
      ...(party?.erpRef ? ([['Customer account', party.erpRef]] as [string, string][]) : []),
      ...(s.credit
        ? ([
            ['Credit limit', formatMinor(s.credit.limitMinor, s.credit.currency)],
            ['Available credit', formatMinor(s.credit.availableMinor, s.credit.currency)],
          ] as [string, string][])
        : []),
    ],
    addressee: {
      label: 'Account',
      name: party?.name ?? '',
      lines: addressLines(party?.address),
      taxId: party?.taxId ?? null,
    },
    sections: [
      ...s.balances.map((b) => {
        const m = (v: bigint) => formatMinor(v, b.currency);
        return {
          heading: `${b.currency}`,
          columns: [
            { header: 'Date', width: 14 },
            { header: 'Type', width: 14 },
            { header: 'Number', width: 22 },
            { header: 'Due', width: 14 },
            { header: 'Amount', width: 18, align: 'right' as const },
            { header: 'Balance', width: 18, align: 'right' as const },
          ],
          rows: [
            [s.from, 'Opening balance', '', '', '', m(b.openingMinor)],
            ...s.lines
              .filter((l) => l.currency === b.currency)
              .map((l) => [
                l.date,
                TYPE_LABEL[l.type],
                l.legalNumber ?? l.number,
                l.dueDate ?? '',
                m(l.amountMinor),
                m(l.balanceMinor),
              ]),
          ],
          totals: [{ label: `Closing balance on ${s.to}`, value: m(b.closingMinor), strong: true }],
        };
      }),
      {
        heading: `Ageing of open items as of ${s.asOf}`,
        columns: [
          { header: 'Currency', width: 10 },
          { header: 'Current', width: 15, align: 'right' as const },
          { header: '1-30', width: 15, align: 'right' as const },
          { header: '31-60', width: 15, align: 'right' as const },
          { header: '61-90', width: 15, align: 'right' as const },
          { header: 'Over 90', width: 15, align: 'right' as const },
          { header: 'Open', width: 15, align: 'right' as const },
        ],
        rows: ageingRows,
      },
    ],
    notes: s.linesTruncated
      ? [`Only the first ${STATEMENT_LINES_MAX} lines of this period are listed; the balances include every line.`]
      : [],
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
  const bytes = await renderPdf(statementDoc(s, party), seller);
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
    throw invalidField(['logo'], `The logo is not a ${input.logo.type === 'image/png' ? 'PNG' : 'JPEG'} image.`);
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
) {
  return {
    columns: [
      { header: '#', width: 4 },
      { header: 'Item', width: 13 },
      { header: 'Description', width: 37 },
      { header: 'Quantity', width: 12, align: 'right' as const },
      { header: 'Unit price', width: 16, align: 'right' as const },
      { header: 'Amount', width: 16, align: 'right' as const },
    ],
    rows: lines.map((l) => [
      String(l.lineNo),
      l.sku,
      l.description,
      quantity(l.quantity, l.uom),
      formatUnitPrice(l.unitPrice, l.unitPriceMinor, currency),
      m(l.amountMinor),
    ]),
  };
}
