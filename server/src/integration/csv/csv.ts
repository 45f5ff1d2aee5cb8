import { stringify } from 'csv-stringify/sync';

/**
 * A spreadsheet runs a cell as a formula when it starts with = + - @ (and, after trimming, a tab or a
 * carriage return). OWASP: CSV injection.
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;
/**
 * A line break inside a cell: a spreadsheet that does not honour the quotes (or a cell that was not quoted)
 * starts a new row there, so what follows the break is a cell start too.
 */
const AFTER_BREAK = /(\r\n|\r|\n)(?=[=+\-@\t])/g;

/** A plain decimal number ("-12.50", "3"): a spreadsheet reads it as that number and runs nothing. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A cell made safe to open in a spreadsheet: an apostrophe before the first character and before the
 * first character after every line break (CRLF, bare CR, bare LF) when it could start a formula. A plain
 * number ("-12.50": a credit note's amount) is left as it is, so amounts stay numbers. Every export (CSV
 * and XLSX, documents/exports.ts) writes its text cells through this one function.
 */
export function neutralise(value: unknown): string {
  const s = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  // The common case first (one line, no formula start): no regex replace, no copy.
  if (!s.includes('\n') && !s.includes('\r')) return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
  if (PLAIN_NUMBER.test(s)) return s;
  const inner = s.replace(AFTER_BREAK, "$1'");
  return FORMULA_START.test(inner) ? `'${inner}` : inner;
}

/**
 * CSV for exports (RFC 4180, CRLF between records). Every cell holding a CR or an LF is quoted: csv-stringify
 * quotes only cells that contain the record delimiter itself (CRLF), and a bare CR or LF left unquoted is a
 * new row to a spreadsheet or any CSV parser, so the file would hold more rows than its manifest counts.
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  return csvRecords([header, ...rows]);
}

/** Records as CSV text, cells neutralised (the same rules as toCsv): one page of a streamed export. */
export function csvRecords(rows: unknown[][]): string {
  return stringify(
    rows.map((r) => r.map(neutralise)),
    { record_delimiter: '\r\n', quoted_match: /[\r\n]/ },
  );
}

/**
 * The inverse of `neutralise` for CSV imports, so an exported file imports unchanged: the apostrophe it put
 * before a cell's (or a line's) first character that could start a formula is removed. A cell that really
 * starts with an apostrophe and then = + - @ tab or CR loses that apostrophe too (docs/csv-import.md).
 */
export function unneutralise(cell: string): string {
  if (!cell.includes("'")) return cell;
  const inner = cell.replace(/(\r\n|\r|\n)'(?=[=+\-@\t])/g, '$1');
  return /^'[=+\-@\t\r\n]/.test(inner) ? inner.slice(1) : inner;
}
