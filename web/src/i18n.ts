import { DEFAULT_LOCALE, type Locale, pickLocale } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import { createSignal } from 'solid-js';
import type en from './i18n/en.ts';

/*
 * The portal's language (docs/i18n.md, ADR 0018). Every string a customer or supplier reads goes through
 * t('key'), looked up in the catalogue of the user's language: web/src/i18n/<locale>.ts, each its own chunk,
 * so an English user never downloads German. Messages are ICU MessageFormat ({name}, {count, plural, ...}),
 * formatted by intl-messageformat (formatjs). Keys are typed from the English catalogue, and the other
 * catalogues must have exactly its keys (`satisfies Catalogue`), so `pnpm run typecheck` fails on a key
 * missing from either; test/i18n-catalogue.test.ts checks placeholders and every t() call besides.
 */
export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
export type MessageValues = Record<string, string | number>;

const LOADERS: Record<Locale, () => Promise<{ default: Catalogue }>> = {
  en: () => import('./i18n/en.ts'),
  de: () => import('./i18n/de.ts'),
};

const STORED = 'gatehouse.locale';

/** The browser's own language tag ('de-AT') and time zone: the defaults before a user has chosen. */
export const browserLanguage = (): string => navigator.language || DEFAULT_LOCALE;
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const initial = (): Locale => {
  try {
    const stored = localStorage.getItem(STORED);
    if (stored) return pickLocale(stored);
  } catch {
    // Storage may be off (private mode, policy): the browser's language is the answer then.
  }
  return pickLocale(browserLanguage());
};

const [language, setLanguageSignal] = createSignal<Locale>(initial());
const [timeZone, setTimeZone] = createSignal<string>(browserTimeZone());
const [catalogue, setCatalogue] = createSignal<{ locale: Locale; messages: Catalogue } | null>(null);

/** The user's language ('en', 'de'). */
export { language, timeZone };

/**
 * The Intl locale formats use: the browser's own tag when it is a variant of the chosen language (en-US
 * keeps month-first dates, de-AT its own), else the language itself ('de' formats 05.12.2026, 1.234,56 €).
 */
export function formatLocale(): string {
  const tag = browserLanguage();
  return pickLocale(tag) === language() && tag.toLowerCase().startsWith(language()) ? tag : language();
}

/** True once the current language's catalogue is loaded (the app renders after that). */
export const catalogueReady = () => catalogue() !== null;

let loading: Promise<void> | null = null;
let wanted: Locale = language();

/** Switches language: loads its catalogue (once), then every t() on screen follows. */
export async function setLanguage(locale: Locale): Promise<void> {
  wanted = locale;
  if (catalogue()?.locale === locale) {
    setLanguageSignal(locale);
    return;
  }
  const { default: messages } = await LOADERS[locale]();
  if (wanted !== locale) return; // a later choice won the race
  compiled.clear();
  setCatalogue({ locale, messages });
  setLanguageSignal(locale);
  if (typeof document !== 'undefined') document.documentElement.lang = formatLocale();
  try {
    localStorage.setItem(STORED, locale);
  } catch {
    // Not remembered for the next sign-in page: harmless.
  }
}

/** The user's stored language and zone (after sign-in), or the browser's for a user who has none yet. */
export function applyPreferences(prefs: { locale: Locale; timeZone: string } | null): Promise<void> {
  setTimeZone(prefs?.timeZone ?? browserTimeZone());
  return setLanguage(prefs?.locale ?? pickLocale(browserLanguage()));
}

/** Starts loading the first catalogue at once (main.tsx), in parallel with the route's chunks. */
export function startI18n(): Promise<void> {
  loading ??= setLanguage(language());
  return loading;
}

const compiled = new Map<string, IntlMessageFormat>();

/** Whether the catalogue has `key` (for keys made from data, such as a status: label() in format.ts). */
export function has(key: string): boolean {
  const messages = catalogue()?.messages;
  return messages !== undefined && Object.hasOwn(messages, key);
}

/**
 * The message `key` in the user's language, with `values` put in ({name}, plurals by the language's rules).
 * Reactive: text rendered with t() follows a language change. A key the catalogue lacks shows as itself,
 * which the German walk (test/i18n-walk.browser.test.ts) would catch; the typecheck refuses it first.
 */
export function t(key: MessageKey, values?: MessageValues): string {
  const current = catalogue();
  const message = current?.messages[key];
  if (message === undefined) return key;
  // Plain text (most messages) needs no parsing: '{' or an apostrophe escape means ICU syntax.
  if (!values && !/[{']/.test(message)) return message;
  let format = compiled.get(key);
  if (!format) {
    format = new IntlMessageFormat(message, formatLocale(), undefined, { ignoreTag: true });
    compiled.set(key, format);
  }
  return String(format.format(values));
}
