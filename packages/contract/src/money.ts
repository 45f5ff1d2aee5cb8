/**
 * Formats integer minor units without floating point, with the currency's ISO 4217 exponent unless told
 * otherwise: 123456n (or "123456") EUR -> "1,234.56 EUR", 1000n JPY -> "1,000 JPY", 1234n KWD -> "1.234 KWD".
 */
export function formatMinor(value: bigint | string, currency: string, fractionDigits = exponentOf(currency)): string {
  const minor = typeof value === 'bigint' ? value : BigInt(value);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const scale = 10n ** BigInt(fractionDigits);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = fractionDigits > 0 ? `.${(abs % scale).toString().padStart(fractionDigits, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${frac} ${currency}`;
}

/** The largest amount a `bigint` column holds: ERP amounts beyond it are refused, never wrapped. */
export const MAX_MINOR = 9_223_372_036_854_775_807n;

const exponents = new Map<string, number>();
/**
 * Decimal places of a currency's minor unit (ISO 4217): EUR 2, JPY 0, KWD 3. Taken from the runtime's
 * Intl data (browsers and Node agree), so no table is kept by hand. Unknown but well-formed codes get 2.
 */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new MoneyError(`${currency} is not an ISO 4217 currency code.`);
    e = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currency, e);
  }
  return e;
}

export class MoneyError extends Error {}

/** The exponent of a well-formed code; 2 for anything else (a blank or placeholder currency). */
function exponentOf(currency: string): number {
  return /^[A-Z]{3}$/.test(currency) ? currencyExponent(currency) : 2;
}

/**
 * An exact unit price as printed: the ERP's decimal (up to 6 places) with at least the currency's decimal
 * places and no trailing zeros beyond them, grouped: "12.345000" EUR -> "12.345", "1500.000000" JPY ->
 * "1,500", "2.5" EUR -> "2.50". Without the exact price, the rounded minor units.
 */
export function formatUnitPrice(exact: string | null | undefined, minor: bigint | string, currency: string): string {
  if (exact === null || exact === undefined || !DECIMAL.test(exact.trim())) return formatMinor(minor, currency);
  const [, sign = '', whole = '0', fraction = ''] = DECIMAL.exec(exact.trim()) as RegExpExecArray;
  const exp = exponentOf(currency);
  let frac = fraction.replace(/0+$/, '');
  if (frac.length < exp) frac = frac.padEnd(exp, '0');
  const grouped = BigInt(whole)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = sign === '-' && /[1-9]/.test(whole + fraction);
  return `${negative ? '-' : ''}${grouped}${frac ? `.${frac}` : ''} ${currency}`;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * An ERP amount (a decimal string such as "-1234.50", or a JavaScript number) as exact integer minor units
 * of `currency`, with no floating point anywhere. A document amount with more decimals than the currency
 * has is refused (`exact`, the default): an ERP total is already rounded, so extra digits mean a wrong
 * currency or a wrong field. Unit prices may be rounded half to even (`round`). Numbers are accepted only
 * where they are exact: a float that prints with an exponent, or an integer beyond 2^53, is refused and the
 * sender is told to send a string.
 */
export function toMinor(value: string | number, currency: string, mode: 'exact' | 'round' = 'exact'): bigint {
  const exp = currencyExponent(currency);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MoneyError('An amount must be a finite number.');
    if (Number.isInteger(value) && !Number.isSafeInteger(value))
      throw new MoneyError('This amount is too large to be exact as a number: send it as a decimal string.');
    text = String(value);
    if (/e/i.test(text)) throw new MoneyError('Send this amount as a decimal string, e.g. "0.0000001".');
  } else text = value.trim();
  const plain = plainMinor(text, exp);
  if (plain !== null) return plain;
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`"${String(value).slice(0, 40)}" is not a decimal amount like 1234.50.`);
  const sign = m[1] ?? '';
  const whole = m[2] ?? '0';
  const rawFraction = m[3] ?? '';
  const fraction = rawFraction.replace(/0+$/, '');
  let minor = BigInt(whole) * 10n ** BigInt(exp);
  if (fraction.length <= exp) {
    minor += BigInt(fraction.padEnd(exp, '0') || '0');
  } else {
    if (mode === 'exact')
      throw new MoneyError(
        exp === 0
          ? `${currency} has no decimal places; this amount has ${fraction.length}.`
          : `${currency} has ${exp} decimal places; this amount has ${fraction.length}.`,
      );
    const kept = BigInt(fraction.slice(0, exp) || '0');
    const rest = fraction.slice(exp);
    minor += kept;
    // Half to even on the dropped digits: above half rounds up, exactly half rounds to the even neighbour.
    const half = `5${'0'.repeat(rest.length - 1)}`;
    if (rest > half || (rest === half && minor % 2n === 1n)) minor += 1n;
  }
  return bounded(sign, minor);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The common case, read without a regular expression: a plain decimal (DECIMAL's form) with no more decimals
 * than the currency has, whose digits are its minor units: one BigInt (an import converts millions of amounts;
 * the general path makes a match, three BigInts and a power). Anything else is null, for the general path.
 */
function plainMinor(text: string, exp: number): bigint | null {
  const n = text.length;
  const first = text.charCodeAt(0);
  let i = first === 0x2d || first === 0x2b ? 1 : 0;
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === start) return null;
  const whole = text.slice(start, i);
  if (i === n) return bounded(first === 0x2d ? '-' : '', BigInt(whole + '0'.repeat(exp)));
  if (text.charCodeAt(i) !== 0x2e) return null;
  const from = ++i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i !== n || i === from || i - from > exp) return null;
  return bounded(first === 0x2d ? '-' : '', BigInt(whole + text.slice(from).padEnd(exp, '0')));
}

/** Minor units with their sign, refused beyond what a bigint column holds. */
function bounded(sign: string, minor: bigint): bigint {
  const signed = sign === '-' ? -minor : minor;
  if (signed > MAX_MINOR || signed < -MAX_MINOR) throw new MoneyError('This amount is beyond what can be stored.');
  return signed === 0n ? 0n : signed;
}

/** Minor units as the plain decimal string an ERP sends: -123450n EUR -> "-1234.50", 5n JPY -> "5". */
export function minorToDecimal(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  // By the digits, not by bigint division: a list export runs this for every amount of up to a million
  // rows, and two bigint divisions and a power cost several times the string work.
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  if (exp === 0) return negative ? `-${digits}` : digits;
  const padded = digits.length > exp ? digits : digits.padStart(exp + 1, '0');
  const cut = padded.length - exp;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}
