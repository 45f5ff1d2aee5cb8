import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  type BatchEntity,
  CSV_COLUMNS,
  CSV_FORBIDDEN_COLUMNS,
  type CsvColumn,
  csvChildKey,
  hasLines,
  type ImportEncoding,
} from '@gatehouse/contract';
import { importsRepo, type Tx } from '@gatehouse/db';
import { sql } from 'drizzle-orm';
import * as auditLog from '../../audit/audit.ts';
import type { AppServices } from '../../context.ts';
import { SYSTEM_SCOPE } from '../../parties/scope.ts';
import { HeapBound } from '../heap-bound.ts';
import { KeyIndex } from '../key-index.ts';
import { type Checked, check, type RowError, writeRows } from '../mirror.ts';
import { neutralise, unneutralise } from './csv.ts';
import { CsvReader, CsvSyntaxError } from './csv-reader.ts';

/**
 * CSV import (issue 15, docs/csv-import.md): a file of one entity's batch rows in the flat form of
 * CSV_COLUMNS goes through the mirror writer (`check` + `writeRows`), the one write path for ERP data.
 *
 * The uploaded file is on disk (the route streamed it there, hashing it); it is read once, never held whole:
 * decoded strictly (UTF-8, or Latin-1 only when declared), the header refused before any row when a column is
 * unknown or forbidden, rows grouped into records (a document and its lines), each chunk of records checked by
 * the contract's zod schema (no database) while the chunk before it is written, all in ONE transaction on the
 * sync pool; rolled back (to a savepoint, so the audit entry still commits) when it is a dry run, or atomic
 * with any rejected record. Duplicate keys across the file are found in a compact index (KeyIndex).
 * Progress is written to `import_jobs` (app pool, outside that transaction) so the SPA's bar moves live.
 */

/**
 * Records per `check`/`writeRows` call: 5,000, fewer statements per record than the REST batch size (1,000).
 * (At 1,000 a call a 1,000,000-order file once ran out of PostgreSQL's shared lock table after 806 calls,
 * when the writer made and dropped its temporary tables per call and each kept its locks to the end of the
 * import's one transaction; it now makes them once per transaction and empties them per call:
 * docs/benchmarks.md, "CSV import benchmark".)
 */
export const IMPORT_CHUNK = 5_000;
/** At most this many row errors are kept for the report; the total is still counted. */
export const MAX_REPORTED_ERRORS = 1_000;
/** The job row is updated at least this often while a phase runs (the orphan sweep reads its age). */
const PROGRESS_MS = 1_000;

export interface ImportLimits {
  maxBytes: number;
  maxCellChars: number;
}

export type ReportRow = importsRepo.ImportReportRow;

/** A whole-file refusal: the reason, and the line it was found on when there is one. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    public readonly line: number | null = null,
  ) {
    super(message);
  }
}

export type Counts = { created: number; updated: number; unchanged: number; rejected: number };
const zero = (): Counts => ({ created: 0, updated: 0, unchanged: 0, rejected: 0 });

// ---- decoding: strict, streaming, with the line of the first bad byte

/**
 * Decodes a byte stream as the file declares: UTF-8 (a BOM is dropped) where every byte sequence must be
 * valid, or Latin-1 when the caller said so. Undeclared Latin-1 (or any invalid UTF-8) is refused with the
 * line it is on; nothing is guessed. Yields the text chunk by chunk, cut only between characters. Valid UTF-8 is
 * checked natively (`isUtf8`, the WHATWG decoder's rules: no overlong forms, surrogates or code points above
 * U+10FFFF); only a chunk that fails it is walked byte by byte, to name the first bad byte and its line.
 */
export async function* decode(chunks: AsyncIterable<Buffer>, encoding: ImportEncoding): AsyncGenerator<string> {
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  for await (const raw of chunks) {
    let buf: Buffer = carry.length > 0 ? Buffer.concat([carry, raw]) : raw;
    if (first && buf.length >= 3) {
      first = false;
      if (encoding === 'utf-8' && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    } else if (first) {
      carry = buf;
      continue;
    }
    if (encoding === 'latin1') {
      carry = Buffer.alloc(0);
      yield buf.toString('latin1');
      continue;
    }
    const whole = completeEnd(buf);
    let valid = whole;
    if (!isUtf8(buf.subarray(0, whole))) {
      const found = utf8Prefix(buf);
      if (found.bad !== null) throw notUtf8(buf, found.bad, line);
      valid = found.valid;
    }
    line += countNewlines(buf, valid);
    carry = Buffer.from(buf.subarray(valid));
    if (valid > 0) yield buf.toString('utf8', 0, valid);
  }
  if (first && carry.length > 0) {
    // A file of one or two bytes: no room for a BOM.
    const { valid, bad } = utf8Prefix(carry);
    if (bad !== null || valid !== carry.length)
      throw new ImportRefused('Line 1 is not valid UTF-8. Save the file as UTF-8, or declare encoding=latin1.', 1);
    yield carry.toString('utf8');
    return;
  }
  if (carry.length > 0) {
    const { bad } = utf8Prefix(carry);
    if (bad !== null) throw notUtf8(carry, bad, line);
    throw new ImportRefused(`Line ${line} ends in the middle of a UTF-8 character: the file is cut short.`, line);
  }
}

const notUtf8 = (buf: Buffer, bad: number, line: number) => {
  const at = line + countNewlines(buf, bad);
  return new ImportRefused(
    `Line ${at} is not valid UTF-8 (byte 0x${(buf[bad] ?? 0).toString(16).padStart(2, '0')}). Save the file as UTF-8, or declare encoding=latin1 if it is Latin-1 (ISO 8859-1).`,
    at,
  );
};

/**
 * Where the last whole character of `buf` ends: before a lead byte at the end whose sequence needs more
 * bytes than follow it (the rest of that character is in the next chunk). Anything that is not a lead byte
 * of a longer sequence ends here, and validation judges it.
 */
function completeEnd(buf: Buffer): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    return need > k ? n - k : n;
  }
  return n;
}

function countNewlines(buf: Buffer, end: number) {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < end; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * The longest prefix of `buf` that is complete, valid UTF-8 (`valid`), and the offset of the first invalid
 * byte (`bad`), or null when the rest is only an incomplete sequence at the end (kept for the next chunk).
 * Overlong forms, surrogates and code points above U+10FFFF are invalid (RFC 3629).
 */
function utf8Prefix(buf: Buffer): { valid: number; bad: number | null } {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return { valid: i, bad: i };
    if (i + need >= n) {
      // Possibly cut by the chunk boundary: check what is there, decide with the next chunk.
      for (let k = i + 1; k < n; k++) if (((buf[k] as number) & 0xc0) !== 0x80) return { valid: i, bad: i };
      return { valid: i, bad: null };
    }
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k] as number;
      if ((c & 0xc0) !== 0x80) return { valid: i, bad: i };
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { valid: i, bad: i };
    i += need + 1;
  }
  return { valid: n, bad: null };
}

// ---- the header: refused before any row is read

export interface Header {
  columns: CsvColumn[];
}

export function checkHeader(entity: BatchEntity, names: string[]): Header {
  const allowed = new Map(CSV_COLUMNS[entity].map((col) => [col.name, col]));
  const trimmed = names.map((n) => n.trim());
  const forbidden = trimmed.filter((n) => (CSV_FORBIDDEN_COLUMNS as readonly string[]).includes(n));
  if (forbidden.length > 0)
    throw new ImportRefused(
      `The header names ${forbidden.map((f) => `"${f}"`).join(', ')}, which an import may not set (Gatehouse ids and portal-owned fields). Nothing was read.`,
      1,
    );
  const unknown = trimmed.filter((n) => !allowed.has(n));
  if (unknown.length > 0)
    throw new ImportRefused(
      `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 5)
        .map((u) => `"${neutralise(u).slice(0, 40)}"`)
        .join(', ')} for ${entity}. The columns are: ${[...allowed.keys()].join(', ')}. Nothing was read.`,
      1,
    );
  const dup = trimmed.find((n, i) => trimmed.indexOf(n) !== i);
  if (dup) throw new ImportRefused(`The column "${dup}" appears twice in the header. Nothing was read.`, 1);
  const missing = CSV_COLUMNS[entity].filter((col) => col.required && !trimmed.includes(col.name));
  if (missing.length > 0)
    throw new ImportRefused(
      `The header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.name).join(', ')}. Nothing was read.`,
      1,
    );
  return { columns: trimmed.map((n) => allowed.get(n) as CsvColumn) };
}

// ---- rows to records

interface SourceRow {
  line: number;
  cells: string[];
}
export interface CsvRecord {
  /** The batch row, as the REST API would receive it. */
  row: Record<string, unknown>;
  /** The CSV rows it came from, in order (the first holds the document's fields). */
  rows: SourceRow[];
  /** For each entry of `row.lines`, the index in `rows` of the CSV row it came from. */
  lineRows: number[];
  /** Errors found while reading the cells (a non-integer, document fields that differ between rows). */
  errors: RowError[];
}

function setPath(o: Record<string, unknown>, parts: string[], v: unknown) {
  let at = o;
  for (let k = 0; k < parts.length - 1; k++) {
    const p = parts[k] as string;
    if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1] as string] = v;
}

/** One cell as the batch row's field: empty is absent (or null), ints and booleans parsed, text as sent. */
function cellValue(col: CsvColumn, cell: string, errors: RowError[], path: string): unknown {
  const raw = unneutralise(cell);
  const v = raw.trim();
  if (v === '') return col.empty === 'null' ? null : undefined;
  if (col.type === 'int') {
    if (!/^-?\d{1,15}$/.test(v)) {
      errors.push({ path, message: 'A whole number is expected.' });
      return undefined;
    }
    return Number(v);
  }
  if (col.type === 'bool') {
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    errors.push({ path, message: 'true or false is expected.' });
    return undefined;
  }
  return raw;
}

/**
 * Groups CSV rows into records. Entities with lines: consecutive rows with the same `key` are one document,
 * their document cells must agree, and a row whose `line.*` cells are all empty adds no line.
 */
export class RecordBuilder {
  private readonly lines: boolean;
  /** Where the `line.*` cells go in the row (`lines`, or a payment's `allocations`). */
  private readonly child: 'lines' | 'allocations';
  private readonly headerIdx: number[];
  private readonly lineIdx: number[];
  private readonly keyIdx: number;
  /** Each column's path in the batch row (`address.city` is ['address', 'city']), split once. */
  private readonly paths: string[][];
  /** The field of a line each `line.*` column fills (`line.amount` is `amount`), in `lineIdx` order. */
  private readonly lineFields: string[];
  private current: CsvRecord | null = null;
  private currentKey = '';

  constructor(
    private readonly entity: BatchEntity,
    private readonly header: Header,
  ) {
    this.lines = hasLines(entity);
    this.child = csvChildKey(entity);
    const idx = header.columns.map((_, i) => i);
    this.headerIdx = idx.filter((i) => !header.columns[i]?.name.startsWith('line.'));
    this.lineIdx = idx.filter((i) => header.columns[i]?.name.startsWith('line.'));
    this.keyIdx = header.columns.findIndex((c) => c.name === 'key');
    this.paths = header.columns.map((c) => c.name.split('.'));
    this.lineFields = this.lineIdx.map((i) => (header.columns[i] as CsvColumn).name.slice('line.'.length));
  }

  /** Adds a row; returns the record it completed, if any. */
  push(r: SourceRow): CsvRecord | null {
    if (!this.lines) return this.build(r);
    const key = this.keyIdx >= 0 ? (r.cells[this.keyIdx] ?? '').trim() : '';
    let done: CsvRecord | null = null;
    let rec = this.current;
    if (rec && key !== '' && key === this.currentKey) {
      rec.rows.push(r);
      if (!this.sameDocument((rec.rows[0] as SourceRow).cells, r.cells))
        rec.errors.push({
          path: `@${rec.rows.length - 1}`,
          message: `The document fields differ from line ${rec.rows[0]?.line} (same key); repeat them unchanged on each line.`,
        });
    } else {
      done = rec;
      rec = this.build(r);
      rec.row[this.child] = [];
      this.current = rec;
      this.currentKey = key;
    }
    const at = rec.rows.length - 1;
    const lines = rec.row[this.child] as unknown[];
    const line: Record<string, unknown> = {};
    let any = false;
    for (let k = 0; k < this.lineIdx.length; k++) {
      const i = this.lineIdx[k] as number;
      const col = this.header.columns[i] as CsvColumn;
      const raw = r.cells[i] ?? '';
      if (raw.trim() === '') continue;
      any = true;
      const field = this.lineFields[k] as string;
      // Only a number or a yes/no cell can be wrong here: the error path is made for those alone.
      const path = col.type === 'text' ? '' : `${this.child}.${lines.length}.${field}`;
      const v = cellValue(col, raw, rec.errors, path);
      if (v !== undefined) line[field] = v;
    }
    if (any) {
      lines.push(line);
      rec.lineRows.push(at);
    } else if (at > 0) rec.errors.push({ path: `@${at}`, message: 'A repeated row of a document must hold a line.' });
    return done;
  }

  /** Whether two rows hold the same document cells (trimmed). */
  private sameDocument(a: string[], b: string[]): boolean {
    for (const i of this.headerIdx) {
      const x = a[i] ?? '';
      const y = b[i] ?? '';
      // Equal cells (the common case: the document's fields repeated as they were) need no trimming.
      if (x !== y && x.trim() !== y.trim()) return false;
    }
    return true;
  }

  /** The record in progress (call at the end of the file). */
  flush(): CsvRecord | null {
    const r = this.current;
    this.current = null;
    return r;
  }

  private build(r: SourceRow): CsvRecord {
    const row: Record<string, unknown> = {};
    const errors: RowError[] = [];
    for (const i of this.headerIdx) {
      const col = this.header.columns[i] as CsvColumn;
      const v = cellValue(col, r.cells[i] ?? '', errors, col.name);
      if (v !== undefined) setPath(row, this.paths[i] as string[], v);
    }
    if (this.entity === 'master-data') {
      // An address or bank details with every cell empty is not sent at all.
      for (const k of ['address', 'bankDetails'] as const)
        if (row[k] && Object.keys(row[k] as object).length === 0) delete row[k];
    }
    return { row, rows: [r], lineRows: [], errors };
  }
}

/** The CSV line an error path points at: `lines.3.amount` is the row of line 3; anything else the first row. */
function lineOf(rec: CsvRecord, path: string): number {
  const inLine = /^(?:lines|allocations)\.(\d+)/.exec(path);
  const inRow = /^@(\d+)/.exec(path);
  const k = inLine ? (rec.lineRows[Number(inLine[1])] ?? 0) : inRow ? Number(inRow[1]) : 0;
  return (rec.rows[k] ?? rec.rows[0])?.line ?? 0;
}

function columnOf(path: string): string {
  if (path.startsWith('@')) return '';
  const m = /^(?:lines|allocations)\.\d+\.(.+)$/.exec(path);
  if (m) return `line.${m[1]}`;
  return path;
}

function reportRows(entity: BatchEntity, header: Header, rec: CsvRecord, errors: RowError[]): ReportRow[] {
  return errors.map((e) => {
    const line = lineOf(rec, e.path);
    const column = columnOf(e.path);
    const at = header.columns.findIndex((c) => c.name === column);
    const row = rec.rows.find((r) => r.line === line);
    const value = at >= 0 && row ? (row.cells[at] ?? '').slice(0, 80) : '';
    const known = CSV_COLUMNS[entity].some((c) => c.name === column);
    return { line, column: known ? column : '', value, message: e.message };
  });
}

// ---- reading a file: decode, parse, group

interface ReadOpts {
  file: string;
  entity: BatchEntity;
  encoding: ImportEncoding;
  limits: ImportLimits;
  /** Called once with the checked header, before any row is read. */
  onHeader?: (h: Header) => void;
  onRows?: (rowsRead: number, bytesRead: number) => Promise<void>;
}

/** A record of more cells is refused while it is read (no entity has more than 20 columns). */
const MAX_COLUMNS = 64;

/**
 * The records of a file, `IMPORT_CHUNK` at a time. Throws ImportRefused for anything that is not CSV.
 *
 * Each decoded chunk goes through the reader (csv-reader.ts), which queues its rows with their first lines;
 * they are grouped into records once the chunk is read, and the chunks of records they complete are yielded.
 * A fault the reader finds in a chunk is reported after the rows before it (the earliest line's problem first).
 */
export async function* readRecords(o: ReadOpts): AsyncGenerator<CsvRecord[]> {
  let bytes = 0;
  const source = createReadStream(o.file, { highWaterMark: 256 * 1024 });
  const counted = (async function* () {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
    }
  })();
  /** Rows the reader completed and this loop has not grouped yet, with their first lines. */
  const queued: string[][] = [];
  const starts: number[] = [];
  const reader = new CsvReader(o.limits.maxCellChars, MAX_COLUMNS, (cells, line) => {
    queued.push(cells);
    starts.push(line);
  });
  // Set by group(), a closure: typed so that the control flow does not narrow them to null out here.
  let header = null as Header | null;
  let builder = null as RecordBuilder | null;
  let headerCells = 0;
  let rows = 0;
  let chunk: CsvRecord[] = [];
  let lastProgress = Date.now();
  /** Chunks of records completed by the last read, for the caller to yield. */
  const ready: CsvRecord[][] = [];
  const group = () => {
    try {
      for (let q = 0; q < queued.length; q++) {
        const cells = queued[q] as string[];
        const line = starts[q] as number;
        if (!header) {
          header = checkHeader(o.entity, cells);
          headerCells = cells.length;
          builder = new RecordBuilder(o.entity, header);
          o.onHeader?.(header);
          continue;
        }
        if (cells.length !== headerCells)
          throw new ImportRefused(
            `Line ${line} has ${cells.length} cells; the header has ${headerCells}. Quote cells that contain commas.`,
            line,
          );
        rows++;
        const done = (builder as RecordBuilder).push({ line, cells });
        if (done) chunk.push(done);
        if (chunk.length >= IMPORT_CHUNK) {
          ready.push(chunk);
          chunk = [];
        }
      }
    } finally {
      queued.length = 0;
      starts.length = 0;
    }
  };
  /** Reads with `f`, groups the rows it completed, then throws its fault (as the refusal it is), if any. */
  const read = (f: () => void) => {
    let fault: unknown = null;
    try {
      f();
    } catch (e) {
      fault = e;
    }
    group();
    if (fault instanceof CsvSyntaxError) throw syntaxRefusal(fault, header, headerCells, o.limits);
    if (fault) throw fault;
  };
  try {
    for await (const text of decode(counted, o.encoding)) {
      read(() => reader.write(text));
      for (const c of ready) yield c;
      ready.length = 0;
      if (o.onRows && Date.now() - lastProgress >= PROGRESS_MS) {
        lastProgress = Date.now();
        await o.onRows(rows, bytes);
      }
    }
    read(() => reader.end());
  } finally {
    source.destroy();
  }
  for (const c of ready) yield c;
  if (!builder) throw new ImportRefused('The file is empty: it has no header row.', null);
  const last = builder.flush();
  if (last) chunk.push(last);
  if (rows === 0) throw new ImportRefused('The file has a header but no rows.', null);
  if (chunk.length > 0) yield chunk;
  await o.onRows?.(rows, bytes);
}

function syntaxRefusal(e: CsvSyntaxError, header: Header | null, headerCells: number, limits: ImportLimits) {
  const line = e.line;
  switch (e.kind) {
    case 'unclosed-quote':
      return new ImportRefused(`Line ${line}: a quoted cell is never closed (a missing ").`, line);
    case 'after-closing-quote':
      return new ImportRefused(
        `Line ${line}: a quote inside a quoted cell must be doubled (""), and nothing may follow the closing quote.`,
        line,
      );
    case 'quote-in-unquoted':
      return new ImportRefused(`Line ${line}: a quote in the middle of an unquoted cell. Quote the whole cell.`, line);
    case 'cell-too-long': {
      const name = header?.columns[e.cell]?.name;
      return new ImportRefused(
        `Line ${line}: ${name ? `the ${name} cell` : 'a cell'} is longer than ${limits.maxCellChars} characters (IMPORT_MAX_CELL_CHARS).`,
        line,
      );
    }
    case 'too-many-cells':
      return new ImportRefused(
        `Line ${line} has more than ${MAX_COLUMNS} cells${headerCells ? `; the header has ${headerCells}` : ''}. Quote cells that contain commas.`,
        line,
      );
  }
}

// ---- the job

export interface ImportJobInput {
  jobId: string;
  file: string;
  sha256: string;
  size: number;
  entity: BatchEntity;
  mode: 'atomic' | 'partial';
  dryRun: boolean;
  encoding: ImportEncoding;
  fileName: string | null;
  /** Who: an integration (name, key, source setting) or a staff user. */
  actor: { userId: string | null; keyId: string | null; sourceName: string; suspendInactive: boolean };
  requestId: string;
  ip: string;
}

export interface ImportOutcome {
  phase: 'done' | 'failed';
  applied: boolean;
  counts: Counts;
  errors: ReportRow[];
  errorsTotal: number;
  message: string | null;
}

const progress = (app: AppServices, id: string, set: Parameters<typeof importsRepo.update>[2]) =>
  app.db.tx(SYSTEM_SCOPE, (tx) => importsRepo.update(tx, id, set));

/**
 * Runs an uploaded file through parse, validate and apply. `header` settles as soon as the header is
 * checked (the route answers then: a refused header is a 400 before any row is read); `done` when the job
 * ends. The temporary file is removed at the end either way.
 */
export function runImport(
  app: AppServices,
  job: ImportJobInput,
): { header: Promise<void>; done: Promise<ImportOutcome> } {
  let headerOk: () => void = () => {};
  let headerFailed: (e: unknown) => void = () => {};
  const header = new Promise<void>((res, rej) => {
    headerOk = res;
    headerFailed = rej;
  });
  header.catch(() => undefined);
  const done = (async () => {
    try {
      const outcome = await importFile(app, job, () => headerOk());
      headerOk();
      return outcome;
    } catch (e) {
      headerFailed(e);
      const refused = e instanceof ImportRefused;
      if (!refused) app.log.error({ err: e, jobId: job.jobId }, 'CSV import failed');
      const message = refused ? e.message : 'The import stopped on an internal error; nothing was applied.';
      const errors: ReportRow[] = [{ line: refused ? (e.line ?? 0) : 0, column: '', value: '', message }];
      await app.db
        .tx(SYSTEM_SCOPE, async (tx) => {
          await importsRepo.update(tx, job.jobId, {
            phase: 'failed',
            message,
            errors,
            errorsTotal: 1,
            finishedAt: new Date(app.clock.now()),
          });
          await audit(tx, job, 'integration.import_failed', { counts: zero(), message });
        })
        .catch((err: unknown) => app.log.error({ err, jobId: job.jobId }, 'CSV import failure not recorded'));
      return { phase: 'failed' as const, applied: false, counts: zero(), errors, errorsTotal: 1, message };
    } finally {
      await rm(job.file, { force: true }).catch(() => undefined);
    }
  })();
  return { header, done };
}

function audit(
  tx: Tx,
  job: ImportJobInput,
  action: 'integration.import_applied' | 'integration.import_dry_run' | 'integration.import_failed',
  d: { counts: Counts; message?: string | null; rows?: number; records?: number },
) {
  return auditLog.record(tx, auditLog.fromRequest({ requestId: job.requestId, ip: job.ip }, job.actor.userId), {
    action,
    outcome: action === 'integration.import_failed' ? 'failure' : 'success',
    partyId: null,
    entityType: 'import_job',
    entityId: job.jobId,
    details: {
      entity: job.entity,
      mode: job.mode,
      dryRun: job.dryRun,
      fileName: job.fileName,
      sha256: job.sha256,
      bytes: job.size,
      encoding: job.encoding,
      rows: d.rows ?? 0,
      records: d.records ?? 0,
      counts: d.counts,
      ...(d.message ? { message: d.message } : {}),
      ...(job.actor.keyId ? { keyId: job.actor.keyId, integration: job.actor.sourceName } : {}),
    },
  });
}

class ErrorLog {
  rows: ReportRow[] = [];
  total = 0;
  add(r: ReportRow[]) {
    this.total += r.length;
    for (const x of r) if (this.rows.length < MAX_REPORTED_ERRORS) this.rows.push(x);
  }
}

/** `check`'s message for a duplicate inside one call: it names the row's index in the file. */
const SAME_ROW = /^The same record is already in row (\d+)\.$/;

/**
 * `check` over one chunk of records, with the records' own cell errors added and duplicate keys found across
 * the whole file: `keys` holds the first line of every valid record's key (compactly, see KeyIndex), so a
 * duplicate names that line. Inside the chunk `check` finds them itself (by index; named by line here).
 */
function checkChunk(
  entity: BatchEntity,
  recs: CsvRecord[],
  now: Date,
  offset: number,
  keys: KeyIndex,
): Checked<unknown>[] {
  const checked = check(
    entity,
    recs.map((r) => r.row),
    now,
    { offset, seen: new Map() },
  );
  /** The line each record's key was first seen on (its own, or the earlier one it duplicates). */
  const firstLine: number[] = [];
  checked.forEach((c, i) => {
    const rec = recs[i] as CsvRecord;
    const line = rec.rows[0]?.line ?? 0;
    firstLine[i] = line;
    if (rec.errors.length > 0) {
      c.errors = [...rec.errors, ...c.errors];
      c.value = null;
    }
    if (c.errors.length > 0)
      c.errors = c.errors.map((e) => {
        const same = SAME_ROW.exec(e.message);
        return same
          ? { ...e, message: `The same key is already on line ${firstLine[Number(same[1]) - offset] ?? '?'}.` }
          : e;
      });
    if (c.value !== null && c.key !== null) {
      const first = keys.add(c.key, line);
      if (first !== undefined) {
        c.errors.push({ path: 'key', message: `The same key is already on line ${first}.` });
        c.value = null;
        firstLine[i] = first;
      }
    }
  });
  return checked;
}

/**
 * One pass over the file, in ONE transaction on the sync pool: each chunk of records is read and checked (no
 * database) while the mirror writer applies the one before it, so parsing and validation run beside the
 * database's work instead of before it. Nothing is committed before the end: a dry run, or an atomic import
 * with any rejected record, is rolled back to a savepoint (the audit entry still commits). An atomic import
 * (not a dry run) whose file fails validation stops writing at that record and only validates the rest; its
 * report is what validation found, as if nothing had been written.
 */
async function importFile(app: AppServices, job: ImportJobInput, headerChecked: () => void): Promise<ImportOutcome> {
  const limits: ImportLimits = { maxBytes: app.config.imports.maxBytes, maxCellChars: app.config.imports.maxCellChars };
  const now = new Date(app.clock.now());
  const syncDb = app.syncDb;
  if (!syncDb) throw new ImportRefused('ERP writes are not configured on this server (SYNC_DATABASE_URL).');
  let header: Header | null = null;
  await progress(app, job.jobId, { phase: 'parse', bytesTotal: job.size, sha256: job.sha256 });

  const keys = new KeyIndex();
  /** What validation found (cells, the schema, duplicate keys): the report of an import refused by it. */
  const invalid = new ErrorLog();
  /** Every record the writer rejected (validation's and the database's reasons): the report otherwise. */
  const rejected = new ErrorLog();
  let invalidRecords = 0;
  let records = 0;
  let recordsApplied = 0;
  const read = { rows: 0, bytes: 0 };
  let counts = zero();
  let mails = 0;
  let applied = false;
  let phase: 'parse' | 'validate' | 'apply' = 'parse';
  const refusedByValidation = () => job.mode === 'atomic' && !job.dryRun && invalid.total > 0;
  const report = () =>
    progress(app, job.jobId, {
      phase,
      rowsRead: read.rows,
      bytesRead: read.bytes,
      recordsChecked: records,
      recordsApplied,
      counts,
      errorsTotal: phase === 'validate' ? invalid.total : rejected.total,
    });

  await syncDb.tx(SYSTEM_SCOPE, async (tx) => {
    await tx.db.execute(sql`savepoint csv_import`);
    const chunks = readRecords({
      file: job.file,
      entity: job.entity,
      encoding: job.encoding,
      limits,
      onHeader: (h) => {
        header = h;
        headerChecked();
      },
      onRows: async (rows, bytes) => {
        read.rows = rows;
        read.bytes = bytes;
      },
    })[Symbol.asyncIterator]();
    /** The next chunk, read and checked. */
    const next = async () => {
      const r = await chunks.next();
      if (r.done) return null;
      const recs = r.value;
      const offset = records;
      const checked = checkChunk(job.entity, recs, now, offset, keys);
      records += recs.length;
      checked.forEach((c, i) => {
        if (c.errors.length === 0) return;
        invalidRecords++;
        invalid.add(reportRows(job.entity, header as unknown as Header, recs[i] as CsvRecord, c.errors));
      });
      return { recs, checked, offset };
    };
    const write = async (ch: { recs: CsvRecord[]; checked: Checked<unknown>[]; offset: number }) => {
      const written = await writeRows(tx, job.entity, ch.checked, {
        // A dry run applies whatever it can (then rolls back) so its counts say what would happen.
        mode: job.dryRun ? 'partial' : job.mode,
        now,
        source: { name: job.actor.sourceName, suspendInactive: job.actor.suspendInactive },
      });
      mails += written.mails;
      for (const r of written.results) {
        counts[r.outcome] += 1;
        if (r.outcome === 'rejected')
          rejected.add(
            reportRows(
              job.entity,
              header as unknown as Header,
              ch.recs[r.index - ch.offset] as CsvRecord,
              r.errors ?? [{ path: '', message: 'Rejected.' }],
            ),
          );
      }
      recordsApplied += ch.recs.length;
    };
    let lastProgress = Date.now();
    const heap = new HeapBound();
    try {
      let ch = await next();
      while (ch) {
        heap.afterPage();
        if (refusedByValidation()) {
          phase = 'validate';
          ch = await next();
        } else {
          if (phase !== 'apply') {
            phase = 'apply';
            await report();
          }
          // Both run to their end before either's error is thrown: the writer must not be left running on
          // this transaction while it rolls back.
          const [w, n] = await Promise.allSettled([write(ch), next()]);
          if (w.status === 'rejected') throw w.reason;
          if (n.status === 'rejected') throw n.reason;
          ch = n.value;
        }
        if (Date.now() - lastProgress >= PROGRESS_MS) {
          lastProgress = Date.now();
          await report();
        }
      }
    } finally {
      await chunks.return(undefined);
    }
    const early = refusedByValidation();
    const refused = job.mode === 'atomic' && (early || counts.rejected > 0);
    if (job.dryRun || refused) {
      await tx.db.execute(sql`rollback to savepoint csv_import`);
      mails = 0;
    } else applied = true;
    if (early) counts = { created: 0, updated: 0, unchanged: records - invalidRecords, rejected: invalidRecords };
    else if (refused && !job.dryRun) {
      counts.unchanged += counts.created + counts.updated;
      counts.created = 0;
      counts.updated = 0;
    }
    await audit(tx, job, job.dryRun ? 'integration.import_dry_run' : 'integration.import_applied', {
      counts,
      rows: read.rows,
      records,
      message: refused ? 'Rejected rows: nothing was applied (atomic).' : null,
    });
  });
  const errors = refusedByValidation() ? invalid : rejected;
  if (mails > 0) app.mail.kick();
  const message = job.dryRun
    ? `Dry run: ${errors.total === 0 ? 'no errors' : `${errors.total} error(s)`}; nothing was changed.`
    : applied
      ? errors.total > 0
        ? `Applied; ${counts.rejected} record(s) skipped (partial mode), listed in the report.`
        : 'Applied.'
      : `${errors.total} error(s): nothing was applied (all or nothing). Fix the file and import it again.`;
  await progress(app, job.jobId, {
    phase: 'done',
    rowsRead: read.rows,
    bytesRead: job.size,
    recordsTotal: records,
    recordsApplied: records,
    recordsChecked: records,
    counts: { ...counts, applied },
    errors: errors.rows,
    errorsTotal: errors.total,
    message,
    finishedAt: new Date(app.clock.now()),
  });
  return { phase: 'done', applied, counts, errors: errors.rows, errorsTotal: errors.total, message };
}
