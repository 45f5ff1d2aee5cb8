import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BatchEntity, ImportEncoding } from '@gatehouse/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvRecord, decode, IMPORT_CHUNK, ImportRefused, readRecords } from './csv-import.ts';

/**
 * The reading half of the CSV import without a database: strict decoding and csv-parse, rows grouped into
 * records with the line each came from. The table-driven file tests (test/csv-import.test.ts) hold the same
 * rules end to end; these hold the boundaries a whole-file test cannot place: a character cut between two
 * reads, a quoted cell over several lines, the first bad byte's line.
 */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gh-csv-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What decode() gives for these chunks, as one string. */
async function decoded(chunks: Buffer[], encoding: ImportEncoding = 'utf-8') {
  const out: string[] = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const piece of decode(source, encoding) as AsyncIterable<string | Buffer>)
    out.push(typeof piece === 'string' ? piece : piece.toString('utf8'));
  return out.join('');
}

async function refusal(p: Promise<unknown>): Promise<ImportRefused> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportRefused);
  return e as ImportRefused;
}

let seq = 0;
async function records(content: string | Buffer, entity: BatchEntity = 'orders', encoding: ImportEncoding = 'utf-8') {
  const file = path.join(dir, `f${++seq}.csv`);
  await writeFile(file, content);
  const chunks: CsvRecord[][] = [];
  const progress: number[] = [];
  for await (const chunk of readRecords({
    file,
    entity,
    encoding,
    limits: { maxBytes: 1e9, maxCellChars: 100 },
    onRows: async (rows) => {
      progress.push(rows);
    },
  }))
    chunks.push(chunk);
  return { chunks, all: chunks.flat(), progress };
}

const descriptions = (r: CsvRecord | undefined) =>
  ((r?.row.lines ?? []) as { description: string }[]).map((l) => l.description);

const HEADER = 'key,customer,number,status,orderDate,currency,total,line.lineNo,line.sku,line.description,line.amount';
const row = (key: string, line: number, desc = 'Bolt') =>
  `${key},C1,N-${key},open,2026-01-05,EUR,30.00,${line},SKU,${desc},10.00`;

describe('decode (strict UTF-8, declared Latin-1)', () => {
  const text = 'a,é\n€,😀\r\nz';
  const bytes = Buffer.from(text, 'utf8');

  it('gives the same text whichever byte a read ends on, a BOM dropped even when it is cut', async () => {
    for (let cut = 0; cut <= bytes.length; cut++)
      expect(await decoded([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(text);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    for (let cut = 0; cut <= 4; cut++) expect(await decoded([bom.subarray(0, cut), bom.subarray(cut)])).toBe(text);
    expect(await decoded([...bytes].map((b) => Buffer.from([b])))).toBe(text);
    expect(await decoded([Buffer.from('ab')])).toBe('ab');
  });

  it('refuses a byte that is not UTF-8 with its line, and a file cut inside a character', async () => {
    const bad = Buffer.concat([Buffer.from('a\nb\r\nc'), Buffer.from([0xe9]), Buffer.from('d\n')]);
    for (let cut = 0; cut <= bad.length; cut++) {
      const e = await refusal(decoded([bad.subarray(0, cut), bad.subarray(cut)]));
      expect(e.line).toBe(3);
      expect(e.message).toMatch(/^Line 3 is not valid UTF-8 \(byte 0xe9\).*encoding=latin1/);
    }
    // Overlong, a surrogate, beyond U+10FFFF: not UTF-8 either (RFC 3629).
    for (const seqBytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ])
      expect((await refusal(decoded([Buffer.from('x\n'), Buffer.from(seqBytes), Buffer.from('\n')]))).line).toBe(2);
    const cutShort = await refusal(decoded([Buffer.from('a\n€').subarray(0, 4)]));
    expect(cutShort.message).toMatch(/^Line 2 ends in the middle of a UTF-8 character/);
  });

  it('reads Latin-1 only when declared', async () => {
    const latin = Buffer.from('caf\xe9,\xfc\n', 'latin1');
    expect(await decoded([latin], 'latin1')).toBe('café,ü\n');
    expect((await refusal(decoded([latin]))).line).toBe(1);
  });
});

describe('readRecords (rows to records, with their lines)', () => {
  it('groups consecutive rows of one key into a record, each row with its line', async () => {
    const csv = [HEADER, row('A', 1), row('A', 2), row('B', 1), '', row('C', 1), row('C', 2), row('C', 3)].join('\r\n');
    const { all } = await records(csv);
    expect(all.map((r) => [r.row.key, r.rows.map((x) => x.line), (r.row.lines as unknown[]).length])).toEqual([
      ['A', [2, 3], 2],
      ['B', [4], 1],
      ['C', [6, 7, 8], 3],
    ]);
    expect(all[0]?.row).toEqual({
      key: 'A',
      customer: 'C1',
      number: 'N-A',
      status: 'open',
      orderDate: '2026-01-05',
      currency: 'EUR',
      total: '30.00',
      lines: [
        { lineNo: 1, sku: 'SKU', description: 'Bolt', amount: '10.00' },
        { lineNo: 2, sku: 'SKU', description: 'Bolt', amount: '10.00' },
      ],
    });
    expect(all.every((r) => r.errors.length === 0)).toBe(true);
  });

  it("holds a document's repeated fields to its first row (surrounding spaces aside)", async () => {
    const csv = [
      HEADER,
      row('A', 1),
      row('A', 2).replace(',C1,', ', C1 ,'),
      row('A', 3).replace(',open,', ',shipped,'),
    ];
    const { all } = await records(csv.join('\n'));
    expect(all).toHaveLength(1);
    expect(all[0]?.errors).toEqual([
      { path: '@2', message: 'The document fields differ from line 2 (same key); repeat them unchanged on each line.' },
    ]);
  });

  it('names a line cell that is not what its column takes by the line and the field', async () => {
    const { all } = await records([HEADER, row('A', 1), row('A', 2).replace(',2,SKU,', ',two,SKU,')].join('\n'));
    expect(all[0]?.errors).toEqual([{ path: 'lines.1.lineNo', message: 'A whole number is expected.' }]);
    expect(all[0]?.row.lines).toEqual([
      { lineNo: 1, sku: 'SKU', description: 'Bolt', amount: '10.00' },
      { sku: 'SKU', description: 'Bolt', amount: '10.00' },
    ]);
    expect(all[0]?.lineRows).toEqual([0, 1]);
  });

  it('counts the lines of a quoted cell over several lines, in any line ending', async () => {
    const csv = `${HEADER}\n${row('A', 1, '"two\nlines"')}\r${row('B', 1, '"three\r\nline\rcell"')}\n${row('C', 1)}\n`;
    const { all } = await records(csv);
    expect(all.map((r) => [r.row.key, r.rows[0]?.line])).toEqual([
      ['A', 2],
      ['B', 4],
      ['C', 7],
    ]);
    expect(descriptions(all[1])[0]).toBe('three\r\nline\rcell');
  });

  it('keeps a character cut by the 256 KB reads whole, and yields records IMPORT_CHUNK at a time', async () => {
    const rows = [HEADER];
    const n = IMPORT_CHUNK + 1_234;
    for (let i = 0; i < n; i++) rows.push(row(`K${i}`, 1, `Schraube ${'é€😀'.repeat(i % 7)}`));
    const file = `${rows.join('\n')}\n`;
    const { chunks, all, progress } = await records(file);
    expect(chunks.map((c) => c.length)).toEqual([IMPORT_CHUNK, 1_234]);
    expect(all.map((r) => descriptions(r)[0])).toEqual(
      Array.from({ length: n }, (_, i) => `Schraube ${'é€😀'.repeat(i % 7)}`),
    );
    expect(all[n - 1]?.rows[0]?.line).toBe(n + 1);
    expect(progress.at(-1)).toBe(n);
  });

  it('reads declared Latin-1', async () => {
    const { all } = await records(Buffer.from(`${HEADER}\n${row('A', 1, 'Très')}\n`, 'latin1'), 'orders', 'latin1');
    expect(descriptions(all[0])[0]).toBe('Très');
  });

  it('refuses what is not CSV, naming the line', async () => {
    const cases: [string, number | null, RegExp][] = [
      [
        `${HEADER}\n${row('A', 1)}\n${row('B', 1).replace(',SKU,', ',')}\n`,
        3,
        /^Line 3 has 10 cells; the header has 11/,
      ],
      [
        `${HEADER}\n${row('A', 1)}\n${row('B', 1, '"open')}\n${row('C', 1)}\n`,
        3,
        /^Line 3: a quoted cell is never closed/,
      ],
      [
        `${HEADER}\n${row('A', 1)}\n${row('B', 1, 'x'.repeat(101))}\n`,
        3,
        /^Line 3: the line.description cell is longer than 100/,
      ],
      [`${HEADER}\n${row('A', 1, 'a "b" c')}\n`, 2, /^Line 2: a quote in the middle of an unquoted cell/],
      [`${HEADER}\n`, null, /^The file has a header but no rows/],
      ['', null, /^The file is empty/],
      ['key,colour\n', 1, /^Unknown column "colour"/],
    ];
    for (const [csv, line, message] of cases) {
      const e = await refusal(records(csv));
      expect(e.message, csv.slice(0, 200)).toMatch(message);
      expect(e.line).toBe(line);
    }
  });
});
