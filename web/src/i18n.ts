import { DEFAULT_LOCALE, type Locale, pickLocale } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import { createSignal } from 'solid-js';
import type adminEn from './i18n/admin.en.ts';
import type en from './i18n/en.ts';
import type enForms from './i18n/en-forms.ts';

/*
 * The portal's language (docs/i18n.md, ADR 0018). Every string a customer or supplier reads goes through
 * t('key'), looked up in the catalogue of the user's language: web/src/i18n/<locale>.ts, each its own chunk,
 * so an English user never downloads German. Messages are ICU MessageFormat ({name}, {count, plural, ...}),
 * formatted by intl-messageformat (formatjs). Keys are typed from the English catalogue, and the other
 * catalogues must have exactly its keys (`satisfies Catalogue`), so `pnpm run typecheck` fails on a key
 * missing from either; web/src/i18n/catalogue.test.ts checks placeholders and every t() call besides.
 *
 * A language's catalogue comes in three parts, each its own chunk: `main` (<locale>.ts: the first screens,
 * sign-in and the lists), `forms` (<locale>-forms.ts: the signed-in dialogs and forms, the Profile page's
 * panels, the other signed-out pages) and `admin` (admin.<locale>.ts, keys 'admin.*': the staff and
 * administration screens). Sign-in loads `main` only, so its budget (test/spa-chunks.test.ts) does not grow
 * with every form or staff screen; the screens that need another part ask for it (needPart, withCatalogue
 * in main.tsx) and render once it is in. A language change loads every part asked for so far.
 */
export type MainKey = keyof typeof en;
export type FormsKey = keyof typeof enForms;
export type AdminKey = keyof typeof adminEn;
export type MessageKey = MainKey | FormsKey | AdminKey;
export type Catalogue = Record<MainKey, string>;
export type FormsCatalogue = Record<FormsKey, string>;
export type AdminCatalogue = Record<AdminKey, string>;
export type MessageValues = Record<string, string | number>;
export type Part = 'main' | 'forms' | 'admin';

type Loaded = { default: Record<string, string> };
const LOADERS: Record<Locale, Record<Part, () => Promise<Loaded>>> = {
  en: {
    main: () => import('./i18n/en.ts'),
    forms: () => import('./i18n/en-forms.ts'),
    admin: () => import('./i18n/admin.en.ts'),
  },
  de: {
    main: () => import('./i18n/de.ts'),
    forms: () => import('./i18n/de-forms.ts'),
    admin: () => import('./i18n/admin.de.ts'),
  },
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
const [catalogue, setCatalogue] = createSignal<{
  locale: Locale;
  messages: Partial<Record<MessageKey, string>>;
  parts: ReadonlySet<Part>;
} | null>(null);
/** The parts screens have asked for so far: a language change loads all of them. */
const needed = new Set<Part>(['main']);

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

/** True once `part` of the current language's catalogue is loaded. */
export const partReady = (part: Part) => catalogue()?.parts.has(part) ?? false;

/** Asks for a part of the catalogue (for this and every later language); resolves once it is loaded. */
export function needPart(part: Part): Promise<void> {
  if (needed.has(part) && hasParts([part])) return Promise.resolve();
  needed.add(part);
  return setLanguage(wanted);
}

/**
 * A route's lazy loader that also asks for the catalogue part its page needs: the page's chunk and the part
 * download in parallel, and the page renders only once both are in (so no key ever shows).
 */
export function withCatalogue<T>(part: Part, load: () => Promise<T>): () => Promise<T> {
  return () => Promise.all([load(), needPart(part)]).then(([page]) => page);
}

let loading: Promise<void> | null = null;
let wanted: Locale = language();

const hasParts = (parts: Iterable<Part>) => {
  const current = catalogue();
  return current !== null && current.locale === wanted && [...parts].every((p) => current.parts.has(p));
};

/** Switches language: loads its catalogue parts (once), then every t() on screen follows. */
export async function setLanguage(locale: Locale): Promise<void> {
  wanted = locale;
  if (hasParts(needed)) {
    setLanguageSignal(locale);
    return;
  }
  const current = catalogue();
  const have = current?.locale === locale ? current : null;
  const missing = [...needed].filter((p) => !have?.parts.has(p));
  const loaded = await Promise.all(missing.map((p) => LOADERS[locale][p]()));
  if (wanted !== locale) return; // a later choice won the race
  // Merged with what is there by now (another part may have arrived meanwhile).
  const now = catalogue();
  const base = now?.locale === locale ? now : null;
  compiled.clear();
  setCatalogue({
    locale,
    messages: Object.assign({}, base?.messages, ...loaded.map((m) => m.default)),
    parts: new Set([...(base?.parts ?? []), ...missing]),
  });
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
