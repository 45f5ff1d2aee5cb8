import { stringify } from 'csv-stringify/sync';

/**
 * CSV for exports (RFC 4180 quoting by csv-stringify). A cell that a spreadsheet would run as a formula
 * (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe (OWASP: CSV injection).
 */
export function neutralise(value: unknown): string {
  const s = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return stringify([header, ...rows.map((r) => r.map(neutralise))], { record_delimiter: '\r\n' });
}
