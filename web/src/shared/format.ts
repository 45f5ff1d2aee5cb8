import { formatUnitPrice as exactUnitPrice, formatMinor } from '@gatehouse/contract';

export { formatMinor };

/*
 * Dates and times are shown in the user's own convention: the browser's locale (the one its date inputs
 * follow), never a fixed one. Every page formats through these functions; `locale` is for tests only.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(options: Intl.DateTimeFormatOptions, locale?: string): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/**
 * 'YYYY-MM-DD' (a calendar date, no time zone) in the user's locale: '3 Mar 2025' (en-GB), 'Mar 3, 2025'
 * (en-US), '03.03.2025' (de-DE). Unparseable input is shown as is.
 */
export function formatDate(isoDate: string, locale?: string): string {
  const parsed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!parsed) return isoDate;
  const date = new Date(Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, Number(parsed[3])));
  return dateTimeFormat({ dateStyle: 'medium', timeZone: 'UTC' }, locale).format(date);
}

/** Today's calendar date in the user's time zone, as 'YYYY-MM-DD' (comparable as a string). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A numeric string from the database ('12.5000') without trailing zeros and with grouping: '12.5'. */
export function formatQuantity(quantity: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(quantity.trim());
  if (!match) return quantity;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '');
  return `${sign}${grouped}${trimmed ? `.${trimmed}` : ''}`;
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
  // One rule for screens and printed documents (packages/contract/src/money.ts).
  return exactUnitPrice(line.unitPrice, line.unitPriceMinor, currency);
}

/** 'open' -> 'Open'. */
export function label(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** An instant (ISO 8601) in the user's time zone and locale: '3 Mar 2025, 14:05'. Unparseable: as is. */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' }, locale).format(date);
}

/** An instant to the second (audit entries): '3 Mar 2025, 14:05:09'. Unparseable input is shown as is. */
export function formatPreciseDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat({ dateStyle: 'medium', timeStyle: 'medium' }, locale).format(date);
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(locale?: string): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale ?? '');
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale ?? '', format);
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
  if (deadline.getTime() <= now) return { overdue: true, text: 'Overdue' };
  const today = new Date(now);
  // Local calendar dates compared as UTC midnights: a daylight-saving change cannot shift the count.
  const days = Math.round(
    (Date.UTC(deadline.getFullYear(), deadline.getMonth(), deadline.getDate()) -
      Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())) /
      DAY_MS,
  );
  if (days <= 0) return { overdue: false, text: 'Due today' };
  return { overdue: false, text: `${days} ${days === 1 ? 'day' : 'days'} left` };
}

/** How long ago an instant was: 'Just now', '5 minutes ago', 'yesterday'; older than a week as a date-time. */
export function formatTimeAgo(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const minutes = Math.floor((now - then) / 60_000);
  if (minutes < 1) return 'Just now';
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
