import { BUILT_IN_ROLES, currencyExponent } from '@gatehouse/contract';
import { formatLocale, has, language, type MessageKey, t, timeZone } from '../i18n.ts';

/*
 * The one place dates, times, numbers and money are formatted (docs/i18n.md): with Intl, in the user's
 * language and time zone (their Profile setting; the browser's until they have one). `locale` parameters
 * are for tests only.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(options: Intl.DateTimeFormatOptions, locale?: string): Intl.DateTimeFormat {
  const resolved = locale ?? formatLocale();
  const zone = options.timeZone ?? timeZone();
  const key = `${resolved}|${zone}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(resolved, { ...options, timeZone: zone });
    formats.set(key, format);
  }
  return format;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const locale = formatLocale();
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { signDisplay: 'negative', ...options });
    numberFormats.set(key, format);
  }
  return format;
}

const WELL_FORMED = /^[A-Z]{3}$/;

/**
 * An exact decimal string ('-1234.5') in the user's locale, never through a float (Intl formats decimal
 * strings exactly). With a currency: German (and every language but English) as Intl writes money there,
 * '1.234,56 €'; English keeps the ISO code after the amount, '1,234.56 EUR', the portal's and its printed
 * documents' long-standing, unambiguous multi-currency form.
 */
function formatDecimal(decimal: string, minFraction: number, maxFraction: number, currency?: string): string {
  const digits = { minimumFractionDigits: minFraction, maximumFractionDigits: Math.max(minFraction, maxFraction) };
  const value = decimal as Intl.StringNumericLiteral;
  if (currency && WELL_FORMED.test(currency) && language() !== 'en') {
    return numberFormat({ style: 'currency', currency, ...digits }).format(value);
  }
  const number = numberFormat(digits).format(value);
  return currency ? `${number} ${currency}` : number;
}

const exponentOf = (currency: string) => (WELL_FORMED.test(currency) ? currencyExponent(currency) : 2);

/**
 * Integer minor units as money in the user's locale, with the currency's ISO 4217 exponent unless told
 * otherwise: 123456n EUR -> '1,234.56 EUR' (en), '1.234,56 €' (de); 1000n JPY -> '1,000 JPY'.
 */
export function formatMinor(value: bigint | string, currency: string, fractionDigits = exponentOf(currency)): string {
  const minor = typeof value === 'bigint' ? value : BigInt(value);
  const abs = minor < 0n ? -minor : minor;
  const scale = 10n ** BigInt(fractionDigits);
  const fraction = fractionDigits > 0 ? `.${(abs % scale).toString().padStart(fractionDigits, '0')}` : '';
  return formatDecimal(`${minor < 0n ? '-' : ''}${abs / scale}${fraction}`, fractionDigits, fractionDigits, currency);
}

/** A plain number in the user's locale: 1234.5 -> '1,234.5' (en), '1.234,5' (de). */
export function formatNumber(value: number | bigint | string, maxFraction = 2): string {
  return formatDecimal(String(value), 0, maxFraction);
}

/**
 * A file's size in the user's locale, with Intl's unit words: '10 bytes' / '10 Byte', '3.9 kB' / '3,9 kB',
 * '1.2 MB' / '1,2 MB' (binary steps of 1024, one decimal above a kilobyte).
 */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return numberFormat({ style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
  const mega = bytes >= 1024 * 1024;
  return numberFormat({
    style: 'unit',
    unit: mega ? 'megabyte' : 'kilobyte',
    unitDisplay: 'short',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(mega ? bytes / 1024 / 1024 : bytes / 1024);
}

/**
 * 'YYYY-MM-DD' (a calendar date, no time zone) in the user's locale: '3 Mar 2025' (en-GB), 'Mar 3, 2025'
 * (en-US), '03.03.2025' (de). Unparseable input is shown as is.
 */
export function formatDate(isoDate: string, locale?: string): string {
  const parsed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!parsed) return isoDate;
  const date = new Date(Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, Number(parsed[3])));
  return dateTimeFormat({ dateStyle: 'medium', timeZone: 'UTC' }, locale).format(date);
}

/** The calendar date of an instant in the user's time zone, as 'YYYY-MM-DD' (comparable as a string). */
function isoDateIn(instant: Date, zone = timeZone()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return dateTimeFormat({ year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone }, 'en-CA').format(instant);
}

/** Today's calendar date in the user's time zone, as 'YYYY-MM-DD' (comparable as a string). */
export function todayIso(now = new Date()): string {
  return isoDateIn(now);
}

/** A numeric string from the database ('12.5000') without trailing zeros, grouped by locale: '12.5', '1.234,5'. */
export function formatQuantity(quantity: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(quantity.trim());
  if (!match) return quantity;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return formatDecimal(quantity.trim(), 0, fraction.length);
}

/**
 * A number the user typed, in their language's signs, as the API's decimal string: '1.200,5' (German) and
 * '1,200.5' (English) are both '1200.5'. Text that is not a number comes back trimmed, for the server to
 * refuse with its reason. A prefilled input shows formatQuantity()'s form, which this reads back.
 */
export function parseDecimalInput(text: string): string {
  const trimmed = text.trim().replace(/[\s\u00a0\u202f]/g, '');
  const [group, point] = language() === 'de' ? ['.', ','] : [',', '.'];
  const plain = trimmed.split(group).join('').replace(point, '.');
  return /^-?\d+(\.\d+)?$/.test(plain) ? plain : text.trim();
}

/** An API decimal ('-150.00') as an input's start value in the user's signs, ungrouped: '-150,00' in German. */
export function decimalInput(decimal: string): string {
  return language() === 'de' ? decimal.replace('.', ',') : decimal;
}

/** A quantity with its unit of measure when there is one: '12 EA', '2.5 KG', or just '12'. */
export function formatQuantityUom(quantity: string, uom: string | null | undefined): string {
  const q = formatQuantity(quantity);
  return uom ? `${q} ${uom}` : q;
}

/**
 * A line's unit price: the exact one ('0.012345 EUR') when the ERP sent one with more decimals than the
 * currency's minor unit has, else the rounded one (what the line's amount is made of) as any amount.
 */
export function formatUnitPrice(
  line: { unitPriceMinor: bigint | string; unitPrice?: string | null },
  currency: string,
): string {
  // The rule of printed documents (packages/contract/src/money.ts), in the user's locale.
  const exact = line.unitPrice?.trim();
  const match = exact ? /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(exact) : null;
  if (!match) return formatMinor(line.unitPriceMinor, currency);
  const exp = exponentOf(currency);
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return formatDecimal(`${match[1] === '-' ? '-' : ''}${match[2]}.${fraction || '0'}`, exp, fraction.length, currency);
}

/**
 * A status or kind as a label in the user's language: 'open' -> 'Open' / 'Offen' (catalogue key
 * `status.open`); a value the catalogue does not know is capitalised as it comes.
 */
export function label(value: string): string {
  const key = `status.${value}`;
  return has(key) ? t(key as MessageKey) : value.charAt(0).toUpperCase() + value.slice(1);
}

/**
 * A role's name for the reader: a built-in role (the contract's BUILT_IN_ROLES) is worded from the
 * catalogue (`role.<key>`) while it keeps its built-in name; a custom role, or a built-in one renamed,
 * shows its stored name; without a stored name, the key.
 */
export function roleName(key: string, storedName?: string | null): string {
  const builtIn = BUILT_IN_ROLES.find((r) => r.key === key);
  if (builtIn && (!storedName || storedName === builtIn.name) && has(`role.${key}`))
    return t(`role.${key}` as MessageKey);
  return storedName || key;
}

/** A text the server sends as a key and values (posture checks, alert titles: contract `ServerText`). */
export type ServerText = { key: string; values: Record<string, string | number | string[]> };

/**
 * A text the server sent as a key and values, worded from the catalogue under `prefix` ('admin.posture.'):
 * values named `at` or ending in `At` are instants (formatDateTime), values ending in `Minor` amounts in
 * minor units of the value `currency` (formatMinor), a list value `name` holds codes worded as
 * `<prefix><name>.<code>`. Without a text, or with a key this version's catalogue lacks, the server's
 * own (English) `fallback` shows.
 */
export function wordServerText(prefix: string, text: ServerText | null | undefined, fallback: string): string {
  const key = text ? `${prefix}${text.key}` : '';
  if (!text || !has(key)) return fallback;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.values)) {
    values[name] = Array.isArray(value)
      ? value
          .map((code) => (has(`${prefix}${name}.${code}`) ? t(`${prefix}${name}.${code}` as MessageKey) : code))
          .join(', ')
      : typeof value === 'string' && /(^at|At)$/.test(name)
        ? formatDateTime(value)
        : typeof value === 'string' && name.endsWith('Minor') && typeof text.values.currency === 'string'
          ? formatMinor(value, text.values.currency)
          : value;
  }
  return t(key as MessageKey, values);
}

/**
 * An instant (ISO 8601) in the user's time zone and locale, with the zone: 'Mar 3, 2025, 2:05 PM CET',
 * '03.03.2025, 14:05 MEZ'. Unparseable input is shown as is.
 */
export function formatDateTime(iso: string, locale?: string): string {
  return instant(iso, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }, locale);
}

/** An instant to the second (audit entries), with its zone: '03.03.2025, 14:05:09 MEZ'. */
export function formatPreciseDateTime(iso: string, locale?: string): string {
  return instant(iso, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }, locale);
}

// dateStyle cannot be combined with timeZoneName: the locale's medium date, then the time with its zone.
function instant(iso: string, time: Intl.DateTimeFormatOptions, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${dateTimeFormat({ dateStyle: 'medium' }, locale).format(date)}, ${dateTimeFormat(time, locale).format(date)}`;
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(locale = formatLocale()): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale, format);
  }
  return format;
}

const DAY_MS = 86_400_000;

/**
 * How a deadline stands, counted in calendar days of the user's time zone (the date the deadline shows):
 * 'Overdue' once passed, 'Due today', '1 day left', '14 days left' when the deadline's date is 14 days
 * after today's, whatever the time of day. The one place this is counted.
 */
export function deadlineLeft(deadlineIso: string, now = Date.now()): { overdue: boolean; text: string } {
  const deadline = new Date(deadlineIso);
  if (deadline.getTime() <= now) return { overdue: true, text: t('time.overdue') };
  // Calendar dates in the user's zone compared as UTC midnights: a daylight-saving change cannot shift the count.
  const days = Math.round((Date.parse(isoDateIn(deadline)) - Date.parse(isoDateIn(new Date(now)))) / DAY_MS);
  if (days <= 0) return { overdue: false, text: t('time.dueToday') };
  return { overdue: false, text: t('time.daysLeft', { count: days }) };
}

/** How long ago an instant was: 'Just now', '5 minutes ago', 'yesterday'; older than a week as a date-time. */
export function formatTimeAgo(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const minutes = Math.floor((now - then) / 60_000);
  if (minutes < 1) return t('time.justNow');
  if (minutes < 60) return relativeFormat().format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return relativeFormat().format(-hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 7) return relativeFormat().format(-days, 'day');
  return formatDateTime(iso);
}

/** A short human summary of a user agent: 'Chrome on Linux', 'Safari on iOS'; 'Unknown device' when unclear. */
export function describeDevice(userAgent: string | null | undefined): string {
  const ua = userAgent ?? '';
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const os = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return `Unknown browser on ${os}`;
  return 'Unknown device';
}

// Order matters: Edge, Opera and Samsung Internet also say "Chrome"; Chrome also says "Safari".
const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/(Headless)?Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux|X11/, 'Linux'],
];
