import { describe, expect, it } from 'vitest';
import { formatMinor, formatUnitPrice } from './money.ts';

describe('formatMinor', () => {
  it('formats integer minor units exactly, with grouping', () => {
    expect(formatMinor(123456n, 'EUR')).toBe('1,234.56 EUR');
    expect(formatMinor(5n, 'USD')).toBe('0.05 USD');
    expect(formatMinor(-100n, 'EUR')).toBe('-1.00 EUR');
    expect(formatMinor(1000n, 'JPY', 0)).toBe('1,000 JPY');
    expect(formatMinor('4852694', 'EUR')).toBe('48,526.94 EUR');
  });

  it("uses each currency's ISO 4217 exponent by default (JPY 0, KWD 3), not always 2 decimals", () => {
    expect(formatMinor(1000n, 'JPY')).toBe('1,000 JPY');
    expect(formatMinor(1234n, 'KWD')).toBe('1.234 KWD');
    expect(formatMinor(-5n, 'BHD')).toBe('-0.005 BHD');
  });

  it("prints exact unit prices with at least the currency's places and no trailing zeros beyond", () => {
    expect(formatUnitPrice('12.345000', 1235n, 'EUR')).toBe('12.345 EUR');
    expect(formatUnitPrice('2.5', 250n, 'EUR')).toBe('2.50 EUR');
    expect(formatUnitPrice('1500.000000', 1500n, 'JPY')).toBe('1,500 JPY');
    expect(formatUnitPrice('0.1234', 123n, 'KWD')).toBe('0.1234 KWD');
    expect(formatUnitPrice(null, 1999n, 'USD')).toBe('19.99 USD');
  });

  it('stays exact beyond floating point precision', () => {
    expect(formatMinor(900719925474099312n, 'EUR')).toBe('9,007,199,254,740,993.12 EUR');
  });
});
