import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, MAX_MINOR, MoneyError, minorToDecimal, toMinor } from './money.ts';

/** ERP amounts to exact minor units: the properties the mirror writer relies on. */
const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD', 'BHD', 'CLP', 'GBP'] as const;
const currency = fc.constantFrom(...CURRENCIES);
const minor = fc.bigInt({ min: -MAX_MINOR, max: MAX_MINOR });

describe('currency exponents', () => {
  it('follow ISO 4217: JPY 0, EUR 2, KWD 3', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('KWD')).toBe(3);
    expect(() => currencyExponent('eur')).toThrow(MoneyError);
  });
});

describe('toMinor', () => {
  it('round-trips every storable amount in every currency through its decimal string', () => {
    fc.assert(
      fc.property(minor, currency, (m, c) => {
        expect(toMinor(minorToDecimal(m, c), c)).toBe(m);
      }),
    );
  });

  it('is exact beyond 2^53 (as strings), and negative amounts (credit memos) mirror positive ones', () => {
    expect(toMinor('90071992547409931.23', 'EUR')).toBe(9007199254740993123n);
    expect(toMinor('-1234.5', 'EUR')).toBe(-123450n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MINOR }), currency, (m, c) => {
        const d = minorToDecimal(m, c);
        expect(toMinor(`-${d}`, c)).toBe(m === 0n ? 0n : -m);
      }),
    );
  });

  it('reads leading zeros, a plus sign and fewer decimals than the currency has as the plain value', () => {
    expect(toMinor('+007.5', 'EUR')).toBe(750n);
    expect(toMinor('-0.00', 'EUR')).toBe(0n);
    expect(toMinor('0', 'KWD')).toBe(0n);
    fc.assert(
      fc.property(
        currency,
        fc.constantFrom('', '+', '-'),
        fc.integer({ min: 0, max: 3 }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 999 }),
        (c, sign, zeros, whole, places, digits) => {
          const exp = currencyExponent(c);
          const n = Math.min(places, exp);
          const fraction = String(digits).padStart(3, '0').slice(0, n);
          const text = `${sign}${'0'.repeat(zeros)}${whole}${n > 0 ? `.${fraction}` : ''}`;
          const value = whole * 10n ** BigInt(exp) + BigInt(fraction.padEnd(exp, '0') || '0');
          expect(toMinor(text, c)).toBe(sign === '-' ? -value : value);
        },
      ),
    );
  });

  it('refuses more decimals than the currency has (exact mode), whatever the digits', () => {
    expect(() => toMinor('100.5', 'JPY')).toThrow(/no decimal places/);
    expect(() => toMinor('1.2345', 'KWD')).toThrow(/3 decimal places/);
    expect(toMinor('1.234', 'KWD')).toBe(1234n);
    expect(toMinor('12.3000', 'EUR')).toBe(1230n); // trailing zeros carry no precision
    fc.assert(
      fc.property(currency, fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 1, max: 9 }), (c, whole, d) => {
        const exp = currencyExponent(c);
        const text = `${whole}.${'0'.repeat(exp)}${d}`;
        expect(() => toMinor(text, c)).toThrow(MoneyError);
      }),
    );
  });

  it('rounds unit prices half to even when asked', () => {
    expect(toMinor('1.005', 'EUR', 'round')).toBe(100n);
    expect(toMinor('1.015', 'EUR', 'round')).toBe(102n);
    expect(toMinor('1.0051', 'EUR', 'round')).toBe(101n);
    expect(toMinor('-2.5', 'JPY', 'round')).toBe(-2n);
    expect(toMinor('3.5', 'JPY', 'round')).toBe(4n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 999 }), (m, extra) => {
        // m minor units plus `extra` thousandths of a unit: the result is within half a unit of the exact value.
        const base = minorToDecimal(m, 'EUR');
        const negative = m < 0n;
        const text = `${base}${String(extra).padStart(3, '0')}`;
        const got = toMinor(text, 'EUR', 'round');
        const exactThousandths = (negative ? -1n : 1n) * ((negative ? -m : m) * 1000n + BigInt(extra));
        const diff = got * 1000n - exactThousandths;
        expect(diff <= 500n && diff >= -500n).toBe(true);
      }),
    );
  });

  it('accepts numbers only where they are exact, and refuses what is not an amount', () => {
    expect(toMinor(1234.5, 'EUR')).toBe(123450n);
    expect(toMinor(-3, 'JPY')).toBe(-3n);
    expect(() => toMinor(2 ** 53 + 2, 'EUR')).toThrow(/decimal string/);
    expect(() => toMinor(0.1 + 0.2, 'EUR')).toThrow(/2 decimal places/);
    expect(() => toMinor(1e-7, 'EUR')).toThrow(/decimal string/);
    expect(() => toMinor(Number.NaN, 'EUR')).toThrow(/finite/);
    for (const bad of ['', '1,234.50', '1e3', '12.', '.5', 'EUR 12', '--1', '0x10', '１２'])
      expect(() => toMinor(bad, 'EUR'), bad).toThrow(MoneyError);
    expect(() => toMinor('92233720368547758.08', 'EUR')).toThrow(/beyond/);
    expect(toMinor('92233720368547758.07', 'EUR')).toBe(MAX_MINOR);
  });
});
