import {
  BANK_SCHEME_NAMES,
  type BankDetails,
  type BankScheme,
  bankSchemeOf,
  bankSchemesFor,
} from '@gatehouse/contract';
import { electronicFormatIBAN, getCountrySpecifications, isValidBIC, isValidIBAN } from 'ibantools';
import type { ErrorKey, ErrorText } from '../errors/i18n.ts';
import { invalidField } from '../errors.ts';

/**
 * Bank accounts: the one place that checks, normalises, masks and describes them, for change requests,
 * approvals, the ERP mirror and the mails they send. Which fields an account needs follows its scheme,
 * and the scheme follows the bank's country (`bankSchemesFor` in the contract, which the form uses too).
 */

const field = (name: string, key: ErrorKey, values?: ErrorText['values']) =>
  invalidField(['bankDetails', name], { key, values });
const digits = (s: string | undefined) => (s ?? '').replace(/[\s-]+/g, '');

/**
 * The ABA routing number checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
 * Catches every single-digit error and most transpositions, so a mistyped number is refused at once.
 */
export function isValidAbaRouting(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const d = [...routing].map(Number);
  const weights = [3, 7, 1];
  const sum = d.reduce((acc, n, i) => acc + n * (weights[i % 3] as number), 0);
  return sum % 10 === 0 && routing !== '000000000';
}

function normaliseBic(bic: string | undefined) {
  const b = bic ? bic.replace(/\s+/g, '').toUpperCase() : undefined;
  if (b && !isValidBIC(b)) throw field('bic', 'bank.bicInvalid');
  return b ? { bic: b } : {};
}

/** Every kind of account checked and written one way; throws a field error naming what is wrong. */
export function normaliseBankDetails(b: BankDetails): BankDetails {
  const accountHolder = b.accountHolder;
  // The country decides the scheme; details without one (older clients, the ERP) are IBANs by default.
  const scheme: BankScheme = b.scheme ?? (b.country ? (bankSchemesFor(b.country)[0] as BankScheme) : 'iban');
  if (b.country && !bankSchemesFor(b.country).includes(scheme))
    throw field('scheme', 'bank.schemeForCountry', {
      country: b.country,
      scheme: BANK_SCHEME_NAMES[bankSchemesFor(b.country)[0] as BankScheme],
    });
  if (scheme === 'iban') {
    if (!b.iban) throw field('iban', 'bank.ibanMissing');
    const iban = electronicFormatIBAN(b.iban) ?? '';
    const ibanCountry = iban.slice(0, 2);
    if (b.country && b.country !== ibanCountry && getCountrySpecifications()[b.country]?.IBANRegistry !== true)
      throw field('country', 'bank.noIban', { country: b.country });
    if (!isValidIBAN(iban)) throw field('iban', 'bank.ibanInvalid');
    if (b.country && b.country !== ibanCountry)
      throw field('iban', 'bank.ibanCountry', { ibanCountry, country: b.country });
    return { accountHolder, scheme, country: ibanCountry, iban, ...normaliseBic(b.bic) };
  }
  if (scheme === 'us-aba') {
    const routingNumber = digits(b.routingNumber);
    if (!routingNumber) throw field('routingNumber', 'bank.routingMissing');
    if (!/^\d{9}$/.test(routingNumber)) throw field('routingNumber', 'bank.routingDigits');
    if (!isValidAbaRouting(routingNumber)) throw field('routingNumber', 'bank.routingChecksum');
    const accountNumber = digits(b.accountNumber);
    if (!accountNumber) throw field('accountNumber', 'bank.accountMissing');
    if (!/^\d{4,17}$/.test(accountNumber)) throw field('accountNumber', 'bank.usAccountDigits');
    return { accountHolder, scheme, country: 'US', routingNumber, accountNumber, ...normaliseBic(b.bic) };
  }
  const sortCode = digits(b.sortCode);
  if (!sortCode) throw field('sortCode', 'bank.sortCodeMissing');
  if (!/^\d{6}$/.test(sortCode)) throw field('sortCode', 'bank.sortCodeDigits');
  const accountNumber = digits(b.accountNumber);
  if (!accountNumber) throw field('accountNumber', 'bank.accountMissing');
  if (!/^\d{8}$/.test(accountNumber)) throw field('accountNumber', 'bank.ukAccountDigits');
  return { accountHolder, scheme, country: 'GB', sortCode, accountNumber, ...normaliseBic(b.bic) };
}

/** Enough of an account number to recognise it, not to use it: the first four and last four characters. */
export function maskIban(iban: string) {
  return iban.length > 8 ? `${iban.slice(0, 4)}${'•'.repeat(iban.length - 8)}${iban.slice(-4)}` : '••••';
}
const maskAccount = (n: string) => (n.length > 4 ? `${'•'.repeat(n.length - 4)}${n.slice(-4)}` : '••••');

/**
 * Bank details as the audit trail, approvals' audit entries and mails show them: the account number masked,
 * the bank's identifiers (BIC, routing number, sort code: public) in full.
 */
export function maskedBankDetails(v: unknown): Record<string, string | null> | null {
  if (!v) return null;
  const b = v as BankDetails;
  const scheme = bankSchemeOf(b);
  const base = { accountHolder: b.accountHolder ?? null, scheme, country: b.country ?? b.iban?.slice(0, 2) ?? null };
  if (scheme === 'iban') return { ...base, iban: maskIban(b.iban ?? ''), bic: b.bic ?? null };
  const account = { accountNumber: maskAccount(b.accountNumber ?? ''), bic: b.bic ?? null };
  return scheme === 'us-aba'
    ? { ...base, routingNumber: b.routingNumber ?? null, ...account }
    : { ...base, sortCode: b.sortCode ?? null, ...account };
}

/** One line for a mail: "ACME Ltd, sort code 40-47-84, account ••••5678". */
export function describeBankDetails(v: unknown): string {
  const m = maskedBankDetails(v);
  if (!m) return 'none';
  const parts = [m.accountHolder];
  if (m.scheme === 'iban') parts.push(m.iban);
  if (m.scheme === 'us-aba') parts.push(`routing number ${m.routingNumber}`, `account ${m.accountNumber}`);
  if (m.scheme === 'gb-sort-code')
    parts.push(`sort code ${(m.sortCode ?? '').replace(/(\d\d)(?=\d)/g, '$1-')}`, `account ${m.accountNumber}`);
  if (m.bic) parts.push(m.bic);
  return parts.join(', ');
}
