import { describe, expect, it } from 'vitest';
import { formatMinor } from './money.ts';

describe('formatMinor', () => {
  it('formats integer minor units exactly, with grouping', () => {
    expect(formatMinor(123456n, 'EUR')).toBe('1,234.56 EUR');
    expect(formatMinor(5n, 'USD')).toBe('0.05 USD');
    expect(formatMinor(-100n, 'EUR')).toBe('-1.00 EUR');
    expect(formatMinor(1000n, 'JPY', 0)).toBe('1,000 JPY');
    expect(formatMinor('4852694', 'EUR')).toBe('48,526.94 EUR');
  });

  it('stays exact beyond floating point precision', () => {
    expect(formatMinor(900719925474099312n, 'EUR')).toBe('9,007,199,254,740,993.12 EUR');
  });
});
