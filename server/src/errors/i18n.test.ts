import { formatMinor, LOCALES } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogueProblems } from '../catalogue-check.ts';
import { DomainError, notFound } from '../errors.ts';
import { ERROR_CATALOGUES, errorLocale, errorText, issueMessage, wordError, wordIssues } from './i18n.ts';

/** The error messages' catalogue (docs/i18n.md, "Error messages"): complete in every language, ICU, sorted. */
describe('the error catalogue', () => {
  const english = ERROR_CATALOGUES.en;

  it('every key has German (and every language exactly English keys), each valid ICU with English placeholders, sorted', () => {
    expect(Object.keys(ERROR_CATALOGUES).sort()).toEqual([...LOCALES].sort());
    expect(catalogueProblems(ERROR_CATALOGUES, { sorted: true })).toEqual([]);
  });

  it('a missing German key is caught: the check above fails on a catalogue without one', () => {
    const { 'notFound.invoice': _gone, ...short } = ERROR_CATALOGUES.de;
    expect(catalogueProblems({ en: english, de: short })).toEqual(['de: missing notFound.invoice']);
  });

  it('English is exactly the wording the services always wrote (message), German only on the way out', () => {
    const e = notFound('That purchase order');
    expect(e.message).toBe('That purchase order was not found.');
    expect(wordError('de', e)).toBe('Diese Bestellung wurde nicht gefunden.');
    expect(wordError('en', e)).toBe(e.message);
    // A plain string (not yet in the catalogue) stays English for everyone.
    expect(wordError('de', new DomainError('CONFLICT', 'Plain words.'))).toBe('Plain words.');
    const minutes = new DomainError('TOO_MANY_REQUESTS', { key: 'auth.tooManySignIns', values: { minutes: 2 } });
    expect(minutes.message).toBe('Too many sign-in attempts from your network. Try again in 2 minute(s).');
    expect(wordError('de', minutes)).toBe(
      'Zu viele Anmeldeversuche aus Ihrem Netzwerk. Versuchen Sie es in 2 Minuten erneut.',
    );
  });

  it('amounts are the English 1,234.56 EUR (as formatMinor wrote them) and German 1.234,56 €', () => {
    const text = {
      key: 'remittance.sumMismatch',
      values: { sum: { minor: 123456n, currency: 'EUR' }, total: { minor: 100n, currency: 'EUR' } },
    } as const;
    expect(errorText('en', text)).toBe(
      `The items add up to ${formatMinor(123456n, 'EUR')}, not the ${formatMinor(100n, 'EUR')} stated.`,
    );
    expect(errorText('de', text)).toBe('Die Posten ergeben 1.234,56\u00a0€, nicht die angegebenen 1,00\u00a0€.');
    const status = { key: 'po.cannotConfirm', values: { status: 'cancelled' } } as const;
    expect(errorText('en', status)).toBe('This purchase order is cancelled and can no longer be confirmed.');
    expect(errorText('de', status)).toBe('Diese Bestellung ist storniert und kann nicht mehr bestätigt werden.');
  });

  it('the language: the signed-in user first, else Accept-Language, else English', () => {
    expect(errorLocale('en', 'de-DE,de;q=0.9')).toBe('en');
    expect(errorLocale(undefined, 'de-AT,de;q=0.9,en;q=0.5')).toBe('de');
    expect(errorLocale(undefined, 'fr-FR')).toBe('en');
    expect(errorLocale(undefined, undefined)).toBe('en');
  });

  it("zod's own messages and the contract's own (catalogue schema.*) get German words; others stay as written", () => {
    const schema = z.object({
      name: z.string().min(1),
      email: z.email(),
      note: z.string().max(3),
      country: z.string().regex(/^[A-Z]{2}$/, 'Use the two-letter country code (DE, FR, GB…).'),
      subject: z.string().min(2, 'Needs a subject.'),
      lines: z.array(z.object({ quantity: z.number().min(1) })),
    });
    const r = schema.safeParse({ email: 'nope', note: 'long', country: 'de', subject: 'x', lines: [{ quantity: 0 }] });
    expect(r.success).toBe(false);
    const issues = r.error?.issues ?? [];
    const de = wordIssues('de', issues).map((i) => `${i.label}: ${i.message}`);
    expect(de).toEqual([
      'Name: Bitte ausfüllen.',
      'E-Mail-Adresse: Keine gültige E-Mail-Adresse.',
      'Notiz: Höchstens 3 Zeichen.',
      'Land: Verwenden Sie den zweibuchstabigen Ländercode (DE, FR, GB…).',
      'Betreff: Needs a subject.',
      'Positionen, Eintrag 1, Menge: Mindestens 1.',
    ]);
    // English stays zod's words, exactly as before.
    expect(wordIssues('en', issues).map((i) => i.message)).toEqual(issues.map((i) => i.message));
    expect(issueMessage('de', { code: 'too_small', message: 'Too small', path: [] })).toBe('Too small');
    expect(issueMessage('de', { code: 'too_small', message: 'Required.', path: [] })).toBe('Bitte ausfüllen.');
    expect(errorText('en', { key: 'schema.bankCountry' })).toBe(
      "Use the bank's two-letter country code (US, GB, DE…).",
    );
  });
});
