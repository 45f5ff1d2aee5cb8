import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, CsvSyntaxError } from './csv-reader.ts';

/** What the reader makes of `text` cut into `pieces`: its records with their lines, or its fault. */
function read(text: string, cuts: number[] = [], maxCellChars = 1_000, maxCells = 64) {
  const records: { cells: string[]; line: number }[] = [];
  const reader = new CsvReader(maxCellChars, maxCells, (cells, line) => records.push({ cells, line }));
  const at = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((a, b) => a - b);
  let from = 0;
  try {
    for (const c of [...at, text.length]) {
      reader.write(text.slice(from, c));
      from = c;
    }
    reader.end();
  } catch (e) {
    if (e instanceof CsvSyntaxError) return { records, fault: e };
    throw e;
  }
  return { records, fault: null };
}

/** csv-parse with the options the import used before this reader, less the column-count check. */
function reference(text: string): string[][] | 'refused' {
  try {
    return parse(text, { record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: true });
  } catch {
    return 'refused';
  }
}

describe('CsvReader (the CSV import reader)', () => {
  it('reads what csv-parse reads, and refuses what it refuses, wherever the chunks are cut', () => {
    const text = fc
      .array(fc.constantFrom('a', 'bc', ',', '"', '""', '\r', '\n', '\r\n', ' ', 'é', '😀'), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), (t, cuts) => {
        const expected = reference(t);
        const got = read(t, cuts);
        if (expected === 'refused') expect(got.fault, JSON.stringify(t)).not.toBeNull();
        else {
          expect(got.fault, JSON.stringify(t)).toBeNull();
          expect(
            got.records.map((r) => r.cells),
            JSON.stringify(t),
          ).toEqual(expected);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives each record the line it starts on: a CRLF is one line, in a quoted cell too; empty lines count', () => {
    const text = 'h1,h2\r\na,"x\r\ny"\r\n\r\nb,"p\rq\nr"\nc,d\r\re,f';
    for (let cut = 0; cut <= text.length; cut++) {
      const { records, fault } = read(text, [cut]);
      expect(fault).toBeNull();
      expect(records.map((r) => [r.cells[0], r.line])).toEqual([
        ['h1', 1],
        ['a', 2],
        ['b', 5],
        ['c', 8],
        ['e', 10],
      ]);
      expect(records[1]?.cells[1]).toBe('x\r\ny');
    }
  });

  it('names the fault and the line of the record it is in', () => {
    const cases: [string, string, number, number][] = [
      ['a,b\nc,"d\n\ne,f\n', 'unclosed-quote', 2, 1],
      ['a,b\nc,"d"x\n', 'after-closing-quote', 2, 1],
      ['a,b\n\nc,"d" \n', 'after-closing-quote', 3, 1],
      ['a,b\nc,d"e\n', 'quote-in-unquoted', 2, 1],
      ['a,b\n"x\ny",12345678901\n', 'cell-too-long', 2, 1],
      ['a,b\nc,"12345678901"\n', 'cell-too-long', 2, 1],
      ['a,b\n1,2,3,4,5\n', 'too-many-cells', 2, 4],
    ];
    for (const [text, kind, line, cell] of cases)
      for (let cut = 0; cut <= text.length; cut++) {
        const { fault } = read(text, [cut], 10, 4);
        expect(fault?.kind, `${JSON.stringify(text)} cut at ${cut}`).toBe(kind);
        expect(fault?.line).toBe(line);
        expect(fault?.cell).toBe(cell);
      }
  });

  it('refuses a huge cell while it grows, before it is held whole', () => {
    const reader = new CsvReader(10_000, 64, () => undefined);
    reader.write('a,b\nx,"');
    const piece = 'y'.repeat(4_096);
    let written = 0;
    const grow = () => {
      for (; written < 1_000; written++) reader.write(piece);
    };
    expect(grow).toThrow(CsvSyntaxError);
    expect(written).toBeLessThan(3);
  });
});
