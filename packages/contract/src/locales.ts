/**
 * The languages the portal ships complete message catalogues for (web/src/i18n/, docs/i18n.md). The first
 * is the fallback. A user's stored language is one of these; formats (dates, numbers, money) follow it.
 */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The supported language for a BCP 47 tag: 'de-AT' -> 'de', 'fr-FR' -> 'en' (the fallback). */
export function pickLocale(tag: string | null | undefined): Locale {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base ?? '') ? (base as Locale) : DEFAULT_LOCALE;
}

/** An IANA time zone the runtime knows ('Europe/Berlin', 'UTC'); browsers and Node share the same data. */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
