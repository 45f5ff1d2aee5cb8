import { LOCALES } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import { catalogueProblems } from '../catalogue-check.ts';
import { DOCUMENT_CATALOGUES, documentText } from './i18n.ts';

/** The documents' catalogue (docs/i18n.md, "Documents and exports"): complete in every language, ICU, sorted. */
describe('the documents catalogue', () => {
  const english = DOCUMENT_CATALOGUES.en;

  it('every language has every English key and no other, each message valid ICU with English placeholders, sorted', () => {
    expect(Object.keys(DOCUMENT_CATALOGUES).sort()).toEqual([...LOCALES].sort());
    expect(catalogueProblems(DOCUMENT_CATALOGUES, { sorted: true })).toEqual([]);
  });

  it('a missing key is caught: the check above fails on a catalogue without one', () => {
    const { 'doc.total': _gone, ...short } = DOCUMENT_CATALOGUES.de;
    expect(catalogueProblems({ en: english, de: short })).toEqual(['de: missing doc.total']);
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
