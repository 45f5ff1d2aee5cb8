import { bankSchemesFor } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { describeBankDetails, isValidAbaRouting, maskedBankDetails, normaliseBankDetails } from './bank.ts';

/** The field a refusal names, and its message. */
function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { field: (e.field ?? []).join('.'), message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('bank accounts', () => {
  it('checks the ABA routing checksum: real routing numbers pass, any one changed digit fails', () => {
    // Published routing numbers (Federal Reserve Bank of New York, JPMorgan Chase NY, Bank of America CA).
    for (const r of ['021001208', '021000021', '121000358']) {
      expect(isValidAbaRouting(r)).toBe(true);
      for (let i = 0; i < 9; i++) {
        const d = Number(r[i]);
        const changed = `${r.slice(0, i)}${(d + 1) % 10}${r.slice(i + 1)}`;
        expect(isValidAbaRouting(changed), changed).toBe(false);
      }
    }
    expect(isValidAbaRouting('000000000')).toBe(false);
    expect(isValidAbaRouting('02100002')).toBe(false);
  });

  it('chooses the scheme by the bank country: routing numbers in the US, sort codes (or IBANs) in the UK', () => {
    expect(bankSchemesFor('US')).toEqual(['us-aba']);
    expect(bankSchemesFor('gb')).toEqual(['gb-sort-code', 'iban']);
    expect(bankSchemesFor('DE')).toEqual(['iban']);
  });

  it('normalises each kind of account and always records its scheme and country', () => {
    expect(
      normaliseBankDetails({
        accountHolder: 'Acme Inc',
        country: 'US',
        routingNumber: '021000021',
        accountNumber: '12 3456 789',
      }),
    ).toEqual({
      accountHolder: 'Acme Inc',
      scheme: 'us-aba',
      country: 'US',
      routingNumber: '021000021',
      accountNumber: '123456789',
    });
    expect(
      normaliseBankDetails({
        accountHolder: 'Acme Ltd',
        country: 'GB',
        sortCode: '40-47-84',
        accountNumber: '70872490',
      }),
    ).toEqual({
      accountHolder: 'Acme Ltd',
      scheme: 'gb-sort-code',
      country: 'GB',
      sortCode: '404784',
      accountNumber: '70872490',
    });
    // An IBAN from a client that knows nothing of schemes, as before.
    expect(
      normaliseBankDetails({ accountHolder: 'Acme GmbH', iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' }),
    ).toEqual({
      accountHolder: 'Acme GmbH',
      scheme: 'iban',
      country: 'DE',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
    });
    // A UK bank may be given by its IBAN too.
    expect(
      normaliseBankDetails({ accountHolder: 'Acme Ltd', country: 'GB', scheme: 'iban', iban: 'GB82WEST12345698765432' })
        .iban,
    ).toBe('GB82WEST12345698765432');
  });

  it('refuses each mistake with a message naming the field', () => {
    const us = { accountHolder: 'Acme Inc', country: 'US', accountNumber: '123456789' };
    expect(refusal(() => normaliseBankDetails({ ...us, routingNumber: '021000022' }))).toEqual({
      field: 'bankDetails.routingNumber',
      message: 'That routing number is not valid (its check digit does not match); check it.',
    });
    expect(refusal(() => normaliseBankDetails({ ...us, routingNumber: '12345' })).field).toBe(
      'bankDetails.routingNumber',
    );
    expect(refusal(() => normaliseBankDetails({ ...us, routingNumber: '021000021', accountNumber: '12' })).field).toBe(
      'bankDetails.accountNumber',
    );
    expect(
      refusal(() =>
        normaliseBankDetails({ accountHolder: 'A', country: 'US', iban: 'DE89370400440532013000', scheme: 'iban' }),
      ),
    ).toEqual({
      field: 'bankDetails.scheme',
      message: 'Banks in US are given as ABA routing number and account number.',
    });
    const gb = { accountHolder: 'Acme Ltd', country: 'GB', accountNumber: '70872490' };
    expect(refusal(() => normaliseBankDetails({ ...gb, sortCode: '40478' })).field).toBe('bankDetails.sortCode');
    expect(refusal(() => normaliseBankDetails({ ...gb, sortCode: '404784', accountNumber: '7087249' })).field).toBe(
      'bankDetails.accountNumber',
    );
    expect(
      refusal(() => normaliseBankDetails({ accountHolder: 'A', country: 'FR', iban: 'DE89370400440532013000' })),
    ).toEqual({
      field: 'bankDetails.iban',
      message: 'That IBAN is for a bank in DE, not FR.',
    });
    expect(
      refusal(() => normaliseBankDetails({ accountHolder: 'A', country: 'CA', iban: 'DE89370400440532013000' })).field,
    ).toBe('bankDetails.country');
    expect(refusal(() => normaliseBankDetails({ accountHolder: 'A', iban: 'DE89370400440532013001' })).field).toBe(
      'bankDetails.iban',
    );
  });

  it('masks every account number the same way for the audit trail and mails, keeping the bank identifiers', () => {
    const us = {
      accountHolder: 'Acme Inc',
      scheme: 'us-aba',
      country: 'US',
      routingNumber: '021000021',
      accountNumber: '123456789',
    };
    expect(maskedBankDetails(us)).toEqual({
      accountHolder: 'Acme Inc',
      scheme: 'us-aba',
      country: 'US',
      routingNumber: '021000021',
      accountNumber: '•••••6789',
      bic: null,
    });
    expect(JSON.stringify(maskedBankDetails(us))).not.toContain('123456789');
    const gb = {
      accountHolder: 'Acme Ltd',
      scheme: 'gb-sort-code',
      country: 'GB',
      sortCode: '404784',
      accountNumber: '70872490',
    };
    expect(describeBankDetails(gb)).toBe('Acme Ltd, sort code 40-47-84, account ••••2490');
    // Details stored before schemes: an IBAN, its country from its first two letters.
    expect(maskedBankDetails({ accountHolder: 'Acme GmbH', iban: 'DE89370400440532013000' })).toEqual({
      accountHolder: 'Acme GmbH',
      scheme: 'iban',
      country: 'DE',
      iban: 'DE89••••••••••••••3000',
      bic: null,
    });
    expect(describeBankDetails(null)).toBe('none');
  });
});
