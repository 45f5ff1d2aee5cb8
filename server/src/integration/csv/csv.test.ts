import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralise, toCsv } from './csv.ts';

/** Every way a cell can start a formula, and every line break a spreadsheet starts a new row at. */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '\n'] as const;
const BREAKS = ['\r', '\n', '\r\n'] as const;

/** True when some line of some cell could run as a formula in a spreadsheet. */
function liveFormula(cell: string): boolean {
  return cell.split(/\r\n|\r|\n/).some((line, i) => (i === 0 ? /^[=+\-@\t\r\n]/.test(cell) : /^[=+\-@\t]/.test(line)));
}

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const evil of ['=cmd|" /C calc"!A0', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '\n=1']) {
      expect(neutralise(evil).startsWith("'")).toBe(true);
    }
    expect(neutralise('alice@example.com')).toBe('alice@example.com');
    expect(neutralise(null)).toBe('');
  });

  it('leaves a plain decimal number alone (a credit note amount), but not one that computes', () => {
    expect(neutralise('-12.50')).toBe('-12.50');
    expect(neutralise(-3)).toBe('-3');
    expect(neutralise('-1+2')).toBe("'-1+2");
    expect(neutralise('-12.50\n=1')).toBe("'-12.50\n'=1");
  });

  it('neutralises after every line break, not only at the start of the cell', () => {
    expect(neutralise("x\r=cmd|' /C calc'!A0")).toBe("x\r'=cmd|' /C calc'!A0");
    expect(neutralise('Ann\n=1+1')).toBe("Ann\n'=1+1");
    expect(neutralise('a\r\n@SUM(A1)\n-2\r+3\n\tx')).toBe("a\r\n'@SUM(A1)\n'-2\r'+3\n'\tx");
    expect(neutralise('two\nlines')).toBe('two\nlines');
    for (const br of BREAKS)
      for (const start of FORMULA_STARTS) {
        const cell = neutralise(`name${br}${start}1+1`);
        expect(liveFormula(cell), JSON.stringify(cell)).toBe(false);
      }
  });

  it('quotes commas, quotes and every kind of line break', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"\nbye']])).toBe('a,b\r\n"x,y","say ""hi""\nbye"\r\n');
    expect(toCsv(['a'], [['one\rtwo']])).toBe('a\r\n"one\rtwo"\r\n');
    expect(toCsv(['a'], [['one\r\ntwo']])).toBe('a\r\n"one\r\ntwo"\r\n');
  });

  it('parses back to exactly the rows written, with no live formula, for every separator and starter', () => {
    const rows: string[][] = [];
    for (const br of BREAKS)
      for (const start of FORMULA_STARTS) rows.push([`x${br}${start}cmd|' /C calc'!A0`, `${start}1+1`, 'plain']);
    const csv = toCsv(['name', 'formula', 'plain'], rows);
    const parsed = parse(csv, { relax_column_count: false }) as string[][];
    expect(parsed).toHaveLength(rows.length + 1);
    for (const row of parsed.slice(1)) {
      expect(row).toHaveLength(3);
      for (const cell of row) expect(liveFormula(cell), JSON.stringify(cell)).toBe(false);
    }
    // And a reader that treats every bare CR or LF as a row end (what the spreadsheet did) sees only
    // the quoted cells continue: no line outside quotes starts with a formula character.
    for (const line of csv.split(/\r\n|\r|\n/)) expect(/^[=+\-@\t]/.test(line), JSON.stringify(line)).toBe(false);
  });
});
