import { describe, expect, it } from 'vitest';
import { neutralise, toCsv } from './csv.ts';

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const evil of ['=cmd|" /C calc"!A0', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(neutralise(evil).startsWith("'")).toBe(true);
    }
    expect(neutralise('alice@example.com')).toBe('alice@example.com');
    expect(neutralise(null)).toBe('');
  });

  it('quotes commas, quotes and newlines', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"\nbye']])).toBe('a,b\r\n"x,y","say ""hi""\nbye"\r\n');
  });
});
