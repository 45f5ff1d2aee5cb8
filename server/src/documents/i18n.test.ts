import { LOCALES } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_CATALOGUES, documentText } from './i18n.ts';

/** The documents' catalogue (docs/i18n.md, "Documents and exports"): complete in every language, ICU, sorted. */
const placeholders = (message: string) => [...message.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

describe('the documents catalogue', () => {
  const english = DOCUMENT_CATALOGUES.en;

  it('every language has every English key and no other, each message valid ICU with English placeholders', () => {
    for (const locale of LOCALES) {
      const catalogue = DOCUMENT_CATALOGUES[locale] as Record<string, string> | undefined;
      expect(catalogue, locale).toBeDefined();
      if (!catalogue) continue;
      expect(Object.keys(catalogue).sort(), `${locale}: keys`).toEqual(Object.keys(english).sort());
      for (const [key, message] of Object.entries(catalogue)) {
        expect(message.trim(), `${locale} ${key}`).not.toBe('');
        expect(() => new IntlMessageFormat(message, locale), `${locale} ${key}`).not.toThrow();
        for (const p of placeholders(message))
          expect(placeholders(english[key as keyof typeof english]), `${locale} ${key}: {${p}}`).toContain(p);
      }
    }
  });

  it('keys are sorted, so a merge finds each in one place', () => {
    for (const locale of LOCALES) {
      const keys = Object.keys(DOCUMENT_CATALOGUES[locale]);
      expect(keys, locale).toEqual([...keys].sort());
    }
  });

  it('a missing key is caught: the check above fails on a catalogue without one', () => {
    const { 'doc.total': _gone, ...short } = DOCUMENT_CATALOGUES.de;
    expect(Object.keys(short).sort()).not.toEqual(Object.keys(english).sort());
  });

  it('German dates, money and quantities follow de-DE; English keeps ISO dates and 1,234.56 EUR', () => {
    const de = documentText({ locale: 'de', timeZone: 'Europe/Berlin' });
    expect(de.date('2026-12-05')).toBe('05.12.2026');
    expect(de.money(123456n, 'EUR')).toBe('1.234,56\u00a0€');
    expect(de.money(-500n, 'EUR')).toBe('-5,00\u00a0€');
    expect(de.money(1234n, 'JPY')).toBe('1.234\u00a0¥');
    expect(de.unitPrice('12.3456', 1235n, 'EUR')).toBe('12,3456\u00a0€');
    expect(de.quantity('1200.5000', 'PCE')).toBe('1.200,5 PCE');
    expect(de.t('doc.page', { document: 'Rechnung R-1', page: 1, pages: 2 })).toBe('Rechnung R-1 · Seite 1 von 2');
    const en = documentText(null);
    expect(en.date('2026-12-05')).toBe('2026-12-05');
    expect(en.money(123456n, 'EUR')).toBe('1,234.56 EUR');
    expect(en.quantity('1200.0000', null)).toBe('1200');
    expect(en.t('doc.invoice')).toBe('Invoice');
  });
});
