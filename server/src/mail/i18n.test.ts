import { LOCALES, NOTIFICATION_TYPES } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import { type Catalogue, catalogueProblems } from '../catalogue-check.ts';
import {
  formatDate,
  formatInstant,
  formatMoney,
  MAIL_CATALOGUES,
  mailFor,
  readerOf,
  reasonLines,
  text,
  textLines,
} from './i18n.ts';

/**
 * The server's mail catalogue check (docs/i18n.md, "Mail"): beside the typecheck (de.ts `satisfies` the
 * English keys), every language has every key and no other, every message parses as ICU MessageFormat, a
 * translation uses only the placeholders English offers, and every notification type has its name. The
 * check is shown to catch a missing key.
 */
function problems(catalogues: Record<string, Catalogue>): string[] {
  const out = catalogueProblems(catalogues);
  const source = catalogues.en ?? {};
  for (const type of Object.keys(NOTIFICATION_TYPES))
    if (!(`type.${type}` in source)) out.push(`en: missing type.${type}`);
  return out;
}

describe('mail catalogues', () => {
  it('every language has exactly the English keys, valid ICU, only English placeholders', () => {
    expect(Object.keys(MAIL_CATALOGUES).sort()).toEqual([...LOCALES].sort());
    expect(problems(MAIL_CATALOGUES)).toEqual([]);
  });

  it('the check fails on a missing key, an unknown one, a bad message and a foreign placeholder', () => {
    const { 'digest.intro': _dropped, ...de } = MAIL_CATALOGUES.de;
    expect(problems({ en: MAIL_CATALOGUES.en, de })).toEqual(['de: missing digest.intro']);
    const broken = { ...MAIL_CATALOGUES.de, 'notify.open': 'Öffnen: {url', 'extra.key': 'x' };
    const found = problems({ en: MAIL_CATALOGUES.en, de: broken });
    expect(found).toContain('de: unknown extra.key');
    expect(found.some((p) => p.startsWith('de: notify.open is not ICU'))).toBe(true);
    const foreign = { ...MAIL_CATALOGUES.de, 'notify.open': 'Öffnen: {link}' };
    expect(problems({ en: MAIL_CATALOGUES.en, de: foreign })).toEqual([
      'de: notify.open uses {link}, which English does not offer',
    ]);
  });

  it('writes dates, money and times the reader’s way, times in their zone with its name', () => {
    const de = readerOf({ locale: 'de', timeZone: 'Europe/Berlin' });
    const en = readerOf(null);
    expect(en).toEqual({ locale: 'en', timeZone: 'UTC' });
    expect(readerOf({ locale: 'fr', timeZone: 'Mars/Olympus' })).toEqual({ locale: 'en', timeZone: 'UTC' });
    expect(formatDate(de, '2026-12-05')).toBe('05.12.2026');
    expect(formatDate(en, '2026-12-05')).toBe('5 Dec 2026');
    expect(formatMoney(de, 123456n, 'EUR')).toBe('1.234,56\u00a0€');
    expect(formatMoney(en, '-123456', 'EUR')).toBe('-1,234.56 EUR');
    expect(formatMoney(en, 1000n, 'JPY')).toBe('1,000 JPY');
    const at = new Date('2026-12-05T13:05:00Z');
    expect(formatInstant(de, at)).toBe('05.12.2026, 14:05 MEZ');
    expect(formatInstant(en, at)).toBe('5 Dec 2026, 13:05 UTC');
    expect(text(de, { key: 'digest.subject', values: { count: 2 } })).toBe('Gatehouse: 2 Benachrichtigungen heute');
    expect(
      text(en, {
        key: 'event.shipment.new.body',
        values: { number: 'S1', date: { date: '2026-12-05' }, carrier: 'DHL', tracking: null },
      }),
    ).toBe('Shipment S1 left on 5 Dec 2026 with DHL. Tracking reference: not given.');
  });

  it('renders a mail per recipient: lines from the catalogue, blank lines, optional parts, nested messages', () => {
    const de = readerOf({ locale: 'de', timeZone: 'Europe/Berlin' });
    const values = { title: 'X', status: 'rejected' };
    expect(
      textLines(de, [{ key: 'approval.decided.body', values }, ...reasonLines('Zu hoch.'), ...reasonLines(null)]),
    ).toBe('X wurde abgelehnt.\n\nBegründung: Zu hoch.');
    // A value may be another catalogue message with its own values, written for the same reader.
    const title = { text: 'alert.backup_stale' as const, values: { hours: 24 } };
    expect(text(de, { key: 'alert.subject', values: { severity: 'critical', title } })).toBe(
      '[Gatehouse kritisch] Sicherungen sind überfällig (erwartet alle 24 h)',
    );
    const q = { number: 'INV-1', line: 'none' };
    const mail = (locale: string | null) =>
      mailFor(
        { email: 'a@example.com', locale, timeZone: null },
        'invoice-query-closed',
        {
          key: 'invoice_query.closed.subject',
          values: { ...q, outcome: 'resolved' },
        },
        { key: 'invoice_query.reason.price' },
      );
    expect(mail('de')).toEqual({
      to: 'a@example.com',
      kind: 'invoice-query-closed',
      subject: 'Ihre Rückfrage zu Rechnung INV-1 wurde geklärt',
      bodyText: 'Preis',
    });
    expect(mail(null).subject).toBe('Your query on invoice INV-1 was resolved');
    expect(text(readerOf(null), { key: 'invoice_query.answered.title', values: { number: 'INV-1', line: '2' } })).toBe(
      'Your query on invoice INV-1, line 2 was answered',
    );
  });
});
