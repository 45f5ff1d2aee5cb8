import { DEFAULT_LOCALE, type Locale, pickLocale } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import { createSignal } from 'solid-js';
import type adminEn from './i18n/admin.en.ts';
import type en from './i18n/en.ts';

/*
 * The portal's language (docs/i18n.md, ADR 0018). Every string a customer or supplier reads goes through
 * t('key'), looked up in the catalogue of the user's language: web/src/i18n/<locale>.ts, each its own chunk,
 * so an English user never downloads German. Messages are ICU MessageFormat ({name}, {count, plural, ...}),
 * formatted by intl-messageformat (formatjs). Keys are typed from the English catalogue, and the other
 * catalogues must have exactly its keys (`satisfies Catalogue`), so `pnpm run typecheck` fails on a key
 * missing from either; web/src/i18n/catalogue.test.ts checks placeholders and every t() call besides.
 *
 * The catalogue comes in two parts, so the first screen stays small: 'portal' (the shell, signed-out pages,
 * the customer's and supplier's screens: web/src/i18n/<locale>.ts) loads at start; 'admin' (staff and
 * administration screens: web/src/i18n/admin.<locale>.ts, keys 'admin.*') loads with the first page that
 * needs it, through withCatalogue() on its route.
 */
export type PortalKey = keyof typeof en;
export type AdminKey = keyof typeof adminEn;
export type MessageKey = PortalKey | AdminKey;
/** The portal part: every language has exactly English's keys. */
export type Catalogue = Record<PortalKey, string>;
/** The admin part: every language has exactly English's keys. */
export type AdminCatalogue = Record<AdminKey, string>;
export type MessageValues = Record<string, string | number>;
export type CataloguePart = 'portal' | 'admin';

type Messages = Readonly<Record<string, string>>;
const LOADERS: Record<CataloguePart, Record<Locale, () => Promise<{ default: Messages }>>> = {
  portal: { en: () => import('./i18n/en.ts'), de: () => import('./i18n/de.ts') },
  admin: { en: () => import('./i18n/admin.en.ts'), de: () => import('./i18n/admin.de.ts') },
};
/** The parts the screens shown so far need: a language switch loads all of them before it takes effect. */
const parts = new Set<CataloguePart>(['portal']);

async function loadParts(locale: Locale, wantedParts: CataloguePart[]): Promise<Messages> {
  const loaded = await Promise.all(wantedParts.map((part) => LOADERS[part][locale]()));
  return Object.assign({}, ...loaded.map((m) => m.default));
}

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
const [catalogue, setCatalogue] = createSignal<{
  locale: Locale;
  messages: Messages;
  parts: ReadonlySet<CataloguePart>;
} | null>(null);

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
  const withParts = [...parts];
  const messages = await loadParts(locale, withParts);
  if (wanted !== locale) return; // a later choice won the race
  compiled.clear();
  setCatalogue({ locale, messages, parts: new Set(withParts) });
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

/** Loads a catalogue part (once per language) and adds it to the current catalogue. */
export async function loadCataloguePart(part: CataloguePart): Promise<void> {
  parts.add(part);
  await startI18n();
  for (;;) {
    const current = catalogue();
    if (!current || current.parts.has(part)) return;
    const { default: extra } = await LOADERS[part][current.locale]();
    // A language switch meanwhile loaded every part itself (parts already lists this one).
    if (catalogue() !== current) continue;
    setCatalogue({ ...current, messages: { ...current.messages, ...extra }, parts: new Set([...current.parts, part]) });
    return;
  }
}

/**
 * A route's lazy loader that also loads the catalogue part its page needs: the page's chunk and the part
 * download in parallel, and the page renders only once both are in (so no key ever shows).
 */
export function withCatalogue<T>(part: CataloguePart, load: () => Promise<T>): () => Promise<T> {
  return () => Promise.all([load(), loadCataloguePart(part)]).then(([page]) => page);
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
