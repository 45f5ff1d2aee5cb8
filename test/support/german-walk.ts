import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The German UI walks' one check (test/i18n-walk, i18n-staff-walk, i18n-admin-walk): a screen, once loaded,
 * shows no catalogue key and none of the English words the catalogue replaced; calendar dates read
 * 05.12.2026 (the same day as their datetime), date-times with a year read 05.12.2026, …; and no amount is
 * written the English way (1,234.56 EUR).
 */
export interface GermanWalk {
  /** Catalogue keys (every part's), none of which may show. */
  keys: readonly string[];
  /** English words and phrases the catalogue replaced (matched as whole words). */
  english: readonly string[];
  /** Selectors of what the server writes (not translated yet), left out of the text. */
  serverWritten?: readonly string[];
}

/** Words a screen shows while it loads: the check waits until none is left. */
const LOADING = /geladen …|aktualisiert …|ermittelt …|geprüft …/;

/** The page's visible text once its screen has loaded, without what the server writes, with select groups. */
async function settledText(page: Page, skip: readonly string[]): Promise<string> {
  await page.waitForSelector('h1');
  await page.waitForFunction((loading) => !new RegExp(loading).test(document.body.textContent ?? ''), LOADING.source);
  return page.evaluate((skip) => {
    const body = document.body.cloneNode(true) as HTMLElement;
    if (skip.length > 0) for (const el of body.querySelectorAll(skip.join(','))) el.remove();
    // Options of a <select> count too (an action filter's groups).
    const groups = [...document.querySelectorAll('optgroup')].map((g) => g.getAttribute('label') ?? '');
    return `${body.textContent ?? ''} ${groups.join(' ')}`;
  }, skip);
}

/** The walk's check: `expectGerman(page, screen)` asserts and returns the text and how many dates it saw. */
export function germanWalk(walk: GermanWalk) {
  return async function expectGerman(page: Page, screen: string) {
    const text = await settledText(page, walk.serverWritten ?? []);
    if (process.env.I19_DUMP) console.log(`=== ${screen}\n${text}`);
    expect(
      walk.keys.filter((k) => text.includes(k)),
      `${screen}: catalogue keys shown`,
    ).toEqual([]);
    expect(
      walk.english.filter((w) => new RegExp(`\\b${w}\\b`).test(text)),
      `${screen}: English words shown`,
    ).toEqual([]);
    const times = await page.$$eval('time[datetime]', (els) =>
      els.map((e) => ({ iso: e.getAttribute('datetime') ?? '', text: e.textContent ?? '' })),
    );
    for (const time of times) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(time.iso)) {
        // A calendar date: the same day, DD.MM.YYYY.
        const [y, m, day] = time.iso.split('-');
        expect(time.text, `${screen}: date ${time.iso}`).toBe(`${day}.${m}.${y}`);
      } else if (/\d{4}/.test(time.text)) {
        // An instant with a year ("vor 5 Minuten" has none): 05.12.2026, 14:05 …
        expect(time.text, `${screen}: date-time ${time.iso}`).toMatch(/\d{2}\.\d{2}\.\d{4}/);
      }
    }
    // Amounts in euros: 1.234,56 € (a no-break space before the sign), never 1,234.56 EUR.
    expect(text, `${screen}: English amounts`).not.toMatch(/\d\.\d{2} EUR/);
    return { text, dates: times.length, times: times.length };
  };
}
