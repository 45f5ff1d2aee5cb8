import { currencyExponent, DEFAULT_LOCALE, isTimeZone, type Locale, pickLocale } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import de from './messages/de.ts';
import en from './messages/en.ts';

/*
 * Mail in the recipient's language (docs/i18n.md, "Mail"): every text the server mails or notifies comes
 * from a catalogue here (messages/<locale>.ts, ICU MessageFormat via intl-messageformat, as in the SPA),
 * in the recipient's `user_preferences.locale` (English without one), with dates, amounts and times
 * formatted by Intl in that locale and, for times, the recipient's time zone with its name.
 */

export type MailKey = keyof typeof en;
export type MailCatalogue = Record<MailKey, string>;
export const MAIL_CATALOGUES: Record<Locale, MailCatalogue> = { en, de };

/** Whose language and zone a text is written in. Unset: English and UTC. */
export interface Reader {
  locale: Locale;
  timeZone: string;
}
export const DEFAULT_READER: Reader = { locale: DEFAULT_LOCALE, timeZone: 'UTC' };

/** The reader for stored preferences (either may be missing or stale: then the default). */
export function readerOf(p: { locale?: string | null; timeZone?: string | null } | null | undefined): Reader {
  return {
    locale: pickLocale(p?.locale ?? DEFAULT_LOCALE),
    timeZone: p?.timeZone && isTimeZone(p.timeZone) ? p.timeZone : 'UTC',
  };
}

/**
 * A value formatted for the reader when the text is rendered: a calendar date ('YYYY-MM-DD'), an amount in
 * minor units with its currency, an instant (shown in the reader's zone, with the zone), or another catalogue
 * message (`{ text: key, values }`). Plain strings and numbers pass through.
 */
export type MailValue =
  | string
  | number
  | null
  | { date: string | null }
  | { minor: string | bigint; currency: string }
  | { instant: Date }
  | { text: MailKey; values?: Record<string, MailValue> };
export interface MailText {
  key: MailKey;
  values?: Record<string, MailValue>;
}

const formatters = new Map<string, IntlMessageFormat>();
function formatter(locale: Locale, key: MailKey) {
  const id = `${locale}|${key}`;
  let f = formatters.get(id);
  if (!f) {
    f = new IntlMessageFormat(MAIL_CATALOGUES[locale][key] ?? MAIL_CATALOGUES.en[key], locale);
    formatters.set(id, f);
  }
  return f;
}

/** A calendar date in the reader's language: '05.12.2026' (de), '5 Dec 2026' (en). */
export function formatDate(r: Reader, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(formatLocale(r), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** An instant in the reader's zone, with the zone's name: '05.12.2026, 14:05 MEZ'. */
export function formatInstant(r: Reader, at: Date): string {
  return new Intl.DateTimeFormat(formatLocale(r), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: r.timeZone,
  })
    .format(at)
    .concat(' ', zoneName(r, at));
}

function zoneName(r: Reader, at: Date) {
  const part = new Intl.DateTimeFormat(formatLocale(r), { timeZone: r.timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? r.timeZone;
}

/**
 * Minor units as money, exactly (a decimal string, never a float), as the SPA writes it: '1.234,56 €' in
 * German, '1,234.56 EUR' in English (the portal's multi-currency form).
 */
export function formatMoney(r: Reader, minor: string | bigint, currency: string): string {
  const v = typeof minor === 'bigint' ? minor : BigInt(minor);
  const exp = /^[A-Z]{3}$/.test(currency) ? currencyExponent(currency) : 2;
  const abs = v < 0n ? -v : v;
  const scale = 10n ** BigInt(exp);
  const decimal = `${v < 0n ? '-' : ''}${abs / scale}${exp > 0 ? `.${(abs % scale).toString().padStart(exp, '0')}` : ''}`;
  const digits = { minimumFractionDigits: exp, maximumFractionDigits: exp };
  const value = decimal as Intl.StringNumericLiteral;
  if (r.locale !== 'en' && /^[A-Z]{3}$/.test(currency))
    return new Intl.NumberFormat(formatLocale(r), { style: 'currency', currency, ...digits }).format(value);
  return `${new Intl.NumberFormat(formatLocale(r), digits).format(value)} ${currency}`;
}

/** English mail uses en-GB dates ('5 Dec 2026': no month/day ambiguity); German uses de-DE. */
const formatLocale = (r: Reader) => (r.locale === 'de' ? 'de-DE' : 'en-GB');

function valueFor(r: Reader, v: MailValue): string | number {
  if (v === null) return text(r, { key: 'value.none' });
  if (typeof v === 'string' || typeof v === 'number') return v;
  if ('date' in v) return v.date ? formatDate(r, v.date) : text(r, { key: 'value.none' });
  if ('minor' in v) return formatMoney(r, v.minor, v.currency);
  if ('instant' in v) return formatInstant(r, v.instant);
  return text(r, { key: v.text, ...(v.values ? { values: v.values } : {}) });
}

/** One catalogue message for the reader, its values formatted in the reader's locale and zone. */
export function text(r: Reader, m: MailText): string {
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.values ?? {})) values[k] = valueFor(r, v);
  return String(formatter(r.locale, m.key).format(values));
}

/**
 * A text of several lines, each a catalogue message; '' is a blank line and a falsy part is left out (an
 * optional reason). There is no place for a literal sentence: whatever a reader sees comes from the catalogue,
 * and data (a link, a quoted message, a number) goes in as a value.
 */
export type MailLines = (MailText | '' | false | null | undefined)[];

/** The lines for the reader, joined by newlines. */
export function textLines(r: Reader, lines: MailText | MailLines): string {
  if (!Array.isArray(lines)) return text(r, lines);
  return lines
    .filter((l): l is MailText | '' => l === '' || Boolean(l))
    .map((l) => (l === '' ? '' : text(r, l)))
    .join('\n');
}

/** Someone a mail is written for: an address with their stored language and time zone (either may be null). */
export interface MailRecipient {
  email: string;
  locale?: string | null;
  timeZone?: string | null;
}

/**
 * One recipient's mail for the outbox (mailRepo.enqueue), subject and body in the recipient's language. A
 * mail to several people is one of these each: each reads it in their own language and zone.
 */
export function mailFor(to: MailRecipient, kind: string, subject: MailText, body: MailText | MailLines) {
  const reader = readerOf(to);
  return { to: to.email, kind, subject: text(reader, subject), bodyText: textLines(reader, body) };
}

/** An optional reason after a blank line ("Reason: …"), or nothing. */
export const reasonLines = (reason: string | null | undefined): MailLines =>
  reason ? ['', { key: 'mail.reason', values: { reason } }] : [];
