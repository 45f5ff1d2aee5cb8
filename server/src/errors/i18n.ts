import { DEFAULT_LOCALE, describeIssuePath, type Locale, pickLocale } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import { z } from 'zod';
import { formatMoney, readerOf } from '../mail/i18n.ts';
import de from './de.ts';
import en from './en.ts';

/*
 * Error messages in the reader's language (docs/i18n.md, "Error messages"): a service throws a DomainError
 * with a catalogue key and values (`{ key: 'po.notOpen', values: { status } }`); its `message` is the English
 * text, which logs, the ERP API (/api/v1) and tests read. The tRPC error formatter and the file routes word
 * it once more, in the signed-in user's language (or, signed out, the request's Accept-Language), with
 * `wordError` below: the one place an error is worded for a person. ICU MessageFormat (intl-messageformat,
 * as the mail and documents catalogues); German `satisfies` the English keys, errors/i18n.test.ts checks the rest.
 */

export type ErrorKey = keyof typeof en;
export const ERROR_CATALOGUES: Record<Locale, Record<ErrorKey, string>> = { en, de };

/** A value of an error message: plain, or an amount in minor units formatted for the reader. */
export type ErrorValue = string | number | bigint | { minor: bigint; currency: string };
export interface ErrorText {
  key: ErrorKey;
  values?: Record<string, ErrorValue>;
}

const formatters = new Map<string, IntlMessageFormat>();
function formatter(locale: Locale, key: ErrorKey) {
  const id = `${locale}|${key}`;
  let f = formatters.get(id);
  if (!f) {
    f = new IntlMessageFormat(ERROR_CATALOGUES[locale][key] ?? ERROR_CATALOGUES.en[key], locale);
    formatters.set(id, f);
  }
  return f;
}

/** An error message in `locale` (English: exactly the text the services always wrote). */
export function errorText(locale: Locale, m: ErrorText): string {
  const reader = readerOf({ locale });
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.values ?? {})) {
    if (typeof v === 'bigint') values[k] = v.toString();
    else if (typeof v === 'object') values[k] = formatMoney(reader, v.minor, v.currency);
    else values[k] = v;
  }
  return String(formatter(locale, m.key).format(values));
}

/**
 * The language an error is worded in: the signed-in user's stored language, else the request's
 * Accept-Language (the SPA sends its own language there), else English.
 */
export function errorLocale(userLocale: Locale | null | undefined, acceptLanguage: string | undefined): Locale {
  if (userLocale) return userLocale;
  const first = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  return first ? pickLocale(first) : DEFAULT_LOCALE;
}

/** The signed-in user's stored language, per request (auth/guard.ts `authenticate` sets it). */
const userLocales = new WeakMap<object, Locale>();
export function rememberUserLocale(req: object, locale: Locale | null | undefined) {
  if (locale) userLocales.set(req, locale);
}

/** The language a request's errors are worded in: the signed-in user's, else its Accept-Language. */
export function requestLocale(req: { acceptLanguage?: string } | null | undefined): Locale {
  return errorLocale(req ? userLocales.get(req) : undefined, req?.acceptLanguage);
}

/**
 * The message of an error on its way to a person in `locale`: a DomainError's (or a worded tRPC error's)
 * catalogue text, anything else as it is (English).
 */
export function wordError(locale: Locale, err: { message: string; text?: ErrorText }): string {
  return locale !== DEFAULT_LOCALE && err.text ? errorText(locale, err.text) : err.message;
}

/** One input field refused: its label and message in `locale` ("IBAN: …", German "Bankverbindung, IBAN: …"). */
export interface WordedIssue {
  path: string;
  label: string;
  message: string;
}

const zodEnglish = z.locales.en().localeError;
const zodGerman = z.locales.de().localeError;
/** A zod issue as it arrives (final: no `input`). */
type ZodIssueLike = { code?: string; message?: string; path?: readonly PropertyKey[] };

/**
 * A zod issue's message in `locale`. Messages the schema wrote itself ("That IBAN is not valid") are the
 * schema's (English); zod's own default messages get German wording: the common ones (required, too
 * short/long, a format) our own, the rest zod's German locale.
 */
export function issueMessage(locale: Locale, issue: ZodIssueLike): string {
  const message = String(issue.message ?? 'Invalid value');
  if (locale === DEFAULT_LOCALE) return message;
  const own = SCHEMA_MESSAGES.get(message);
  if (own) return errorText(locale, { key: own });
  if (locale !== 'de' || !isZodDefault(issue, message)) return message;
  const i = issue as Record<string, unknown>;
  const n = Number(i.minimum ?? i.maximum);
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined$/.test(message) ? 'Bitte ausfüllen.' : 'Ungültige Eingabe.';
    case 'too_small':
      if (i.origin === 'string') return n <= 1 ? 'Bitte ausfüllen.' : `Mindestens ${n} Zeichen.`;
      if (i.origin === 'array' || i.origin === 'set') return `Mindestens ${n} ${n === 1 ? 'Eintrag' : 'Einträge'}.`;
      return i.inclusive ? `Mindestens ${i.minimum}.` : `Muss größer als ${i.minimum} sein.`;
    case 'too_big':
      if (i.origin === 'string') return `Höchstens ${n} Zeichen.`;
      if (i.origin === 'array' || i.origin === 'set') return `Höchstens ${n} ${n === 1 ? 'Eintrag' : 'Einträge'}.`;
      return i.inclusive ? `Höchstens ${i.maximum}.` : `Muss kleiner als ${i.maximum} sein.`;
    case 'invalid_format':
      if (i.format === 'email') return 'Keine gültige E-Mail-Adresse.';
      if (i.format === 'uuid' || i.format === 'guid') return 'Keine gültige Kennung.';
      if (i.format === 'date') return 'Kein gültiges Datum (JJJJ-MM-TT).';
      if (i.format === 'datetime') return 'Kein gültiger Zeitpunkt.';
      if (i.format === 'url') return 'Keine gültige Adresse (URL).';
      if (i.format === 'regex') return 'Das Format stimmt nicht.';
      break;
    case 'invalid_value':
      return 'Ungültige Auswahl.';
  }
  const german = zodGerman(issue as never);
  return typeof german === 'string' ? german : (german?.message ?? message);
}

/**
 * The schemas' own messages (packages/contract: `.min(1, 'Required.')`) are catalogue keys `schema.*`, found
 * by their English text.
 */
const SCHEMA_MESSAGES = new Map(
  (Object.entries(en) as [ErrorKey, string][]).filter(([k]) => k.startsWith('schema.')).map(([k, v]) => [v, k]),
);

/** zod's own English message (not one the schema set): only those are re-worded. */
function isZodDefault(issue: ZodIssueLike, message: string): boolean {
  if (issue.code === 'invalid_type') return /^Invalid input: expected \S+, received \S+$/.test(message);
  try {
    const own = zodEnglish(issue as never);
    return (typeof own === 'string' ? own : own?.message) === message;
  } catch {
    return false;
  }
}

/** Zod's issues, worded in `locale` (at most 20). */
export function wordIssues(locale: Locale, issues: readonly ZodIssueLike[]): WordedIssue[] {
  return issues.slice(0, 20).map((i) => ({
    path: (i.path ?? []).map(String).join('.'),
    label: describeIssuePath(i.path ?? [], locale),
    message: issueMessage(locale, i),
  }));
}
