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
  const s =
    typeof value === 'string'
      ? value
      : value === null || value === undefined
        ? ''
        : value instanceof Date
          ? value.toISOString()
          : String(value);
  // The common case first, by character codes (an export runs this for every cell): no formula start, one line.
  if (s.length === 0 || (!FORMULA_CODES.has(s.charCodeAt(0)) && !s.includes('\n') && !s.includes('\r'))) return s;
  if (PLAIN_NUMBER.test(s)) return s;
  if (!s.includes('\n') && !s.includes('\r')) return `'${s}`;
  const inner = s.replace(AFTER_BREAK, "$1'");
  return FORMULA_START.test(inner) ? `'${inner}` : inner;
}

/** The first characters FORMULA_START matches (= + - @ tab CR LF), as character codes. */
const FORMULA_CODES = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d, 0x0a]);

/**
 * CSV for exports (RFC 4180, CRLF between records). Every cell holding a comma, a quote, a CR or an LF is
 * quoted (a bare CR or LF left unquoted is a new row to a spreadsheet or any CSV parser, so the file would
 * hold more rows than its manifest counts). Written here rather than through csv-stringify, which quoted
 * only cells holding CRLF itself and, per cell, cost a list export a third of its throughput
 * (docs/benchmarks.md, "Export benchmark"); the tests read every export back with csv-parse.
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  return csvRecords([header, ...rows]);
}

/** A cell RFC 4180 must quote: a comma, a quote, or any line break (CR or LF, not only CRLF). */
const NEEDS_QUOTES = /[",\r\n]/;

/** One neutralised cell as CSV: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
export function csvCell(value: unknown): string {
  // The common case in one test (an export runs this for every cell): text that neither starts like a
  // formula nor holds anything to quote (a line break is both) is written as it is.
  if (typeof value === 'string' && !FORMULA_CODES.has(value.charCodeAt(0)) && !NEEDS_QUOTES.test(value)) return value;
  const s = neutralise(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Records as CSV text, cells neutralised (the same rules as toCsv): one page of a streamed export. */
export function csvRecords(rows: readonly (readonly unknown[])[]): string {
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) text += i === 0 ? csvCell(row[i]) : `,${csvCell(row[i])}`;
    text += '\r\n';
  }
  return text;
}

/**
 * `csvRecords` of `values` applied to each of `items[from, to)`, without an array per record: a slice of
 * a list export's page, where this runs for every cell of up to a million rows.
 */
export function csvRows<T>(
  items: readonly T[],
  values: readonly ((item: T) => unknown)[],
  from = 0,
  to = items.length,
): string {
  let text = '';
  const last = values.length - 1;
  for (let k = from; k < to; k++) {
    const item = items[k] as T;
    for (let i = 0; i < last; i++) text += `${csvCell((values[i] as (item: T) => unknown)(item))},`;
    text += `${csvCell((values[last] as (item: T) => unknown)(item))}\r\n`;
  }
  return text;
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
