import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { CSV_COLUMNS, type CsvExportEntity, minorToDecimal } from '@gatehouse/contract';
import { exportsRepo, type Tx } from '@gatehouse/db';
import * as audit from '../../audit/audit.ts';
import type { AppServices } from '../../context.ts';
import { SYSTEM_SCOPE } from '../../parties/scope.ts';
import { csvRecords } from './csv.ts';

/**
 * CSV export of ERP-mirrored data (docs/csv-import.md): the import's own columns, so an exported file imports
 * unchanged (with its `rev`, as "unchanged"). Streamed page by page (500 records, keyset on the ERP key,
 * each page in its own read-only query) with formula-looking cells neutralised and RFC 4180 quoting; hashed
 * as it goes, then audited with a manifest (entity, rows, records, SHA-256 of the bytes sent) signed by the
 * audit key (AUDIT_SIGNING_KEY_FILE), so a file can later be shown to be the one Gatehouse sent.
 */
const PAGE = 500;

const PAGES: Record<CsvExportEntity, (tx: Tx, after: string, limit: number) => Promise<exportsRepo.ExportRow[]>> = {
  parties: exportsRepo.partiesPage,
  orders: exportsRepo.ordersPage,
  invoices: exportsRepo.invoicesPage,
};
const MONEY = new Set(['total', 'net', 'open', 'line.amount', 'line.tax']);

/** One database row as the CSV cells of the import's columns. */
function cellsOf(entity: CsvExportEntity, r: exportsRepo.ExportRow): string[] {
  const currency = String(r.currency ?? '');
  return CSV_COLUMNS[entity].map((col) => {
    const v = r[col.name];
    if (v === null || v === undefined) {
      // A line's exact unit price is stored only when it has more decimals than the currency.
      if (col.name === 'line.unitPrice' && r['line.unitPriceMinor'] !== null && r['line.unitPriceMinor'] !== undefined)
        return minorToDecimal(BigInt(String(r['line.unitPriceMinor'])), currency);
      return '';
    }
    if (MONEY.has(col.name)) return minorToDecimal(BigInt(String(v)), currency);
    if (col.name === 'line.quantity' || col.name === 'line.unitPrice') return trimZeros(String(v));
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return String(v);
  });
}
const trimZeros = (d: string) => (d.includes('.') ? d.replace(/\.?0+$/, '') : d);

export interface ExportWho {
  userId: string | null;
  keyId: string | null;
  integration: string | null;
  requestId: string;
  ip: string;
}

/** Writes the export to `out` (an HTTP response), respecting back-pressure; audits it at the end. */
export async function streamExport(app: AppServices, entity: CsvExportEntity, out: Writable, who: ExportWho) {
  const hash = createHash('sha256');
  const write = async (text: string) => {
    hash.update(text);
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  };
  await write(csvRecords([CSV_COLUMNS[entity].map((c) => c.name)]));
  let after = '';
  let rows = 0;
  let records = 0;
  for (;;) {
    const page = await app.db.tx(SYSTEM_SCOPE, (tx) => PAGES[entity](tx, after, PAGE));
    if (page.length === 0) break;
    await write(csvRecords(page.map((r) => cellsOf(entity, r))));
    rows += page.length;
    records += new Set(page.map((r) => r.key)).size;
    after = String(page[page.length - 1]?.key);
    if (new Set(page.map((r) => r.key)).size < PAGE) break;
  }
  const payload = JSON.stringify({
    v: 1,
    entity,
    exportedAt: new Date(app.clock.now()).toISOString(),
    exportedBy: who.integration ?? who.userId,
    rows,
    records,
    csvSha256: hash.digest('hex'),
  });
  const manifest = { payload, signature: app.auditSigner.sign(payload), publicKey: app.auditSigner.publicKeyPem };
  await app.db.tx(SYSTEM_SCOPE, (tx) =>
    audit.record(tx, audit.fromRequest({ requestId: who.requestId, ip: who.ip }, who.userId), {
      action: 'integration.exported',
      outcome: 'success',
      partyId: null,
      entityType: 'csv_export',
      entityId: entity,
      details: {
        entity,
        rows,
        records,
        manifest,
        ...(who.keyId ? { keyId: who.keyId, integration: who.integration } : {}),
      },
    }),
  );
  return { rows, records, manifest };
}
