import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EXPORTS_PER_USER_PER_HOUR, type ExportFormat, type ExportList, exportRequest } from '@gatehouse/contract';
import { createLimiter, type Database, type Limiter, RateLimiterRes } from '@gatehouse/db';
import { ZodError } from 'zod';
import { LARGE_EXPORT_ROWS, raiseAlert } from '../audit/alerts.ts';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { csvRecords, csvRows, neutralise } from '../integration/csv/csv.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { EXPORT_CATALOGUE } from './export-lists.ts';
import { type XlsxCell, xlsxWriter } from './xlsx.ts';

/**
 * The export engine: one function, `writeExport`, streams any list as CSV or XLSX from a row source and
 * column definitions. Rows are read a page at a time through the list's own keyset paging (the same
 * data-layer function, scope and RLS as the screen) and written as they come; the next page is read only
 * once the client has taken the last one (back-pressure), so memory stays flat whatever the row count.
 * Every text cell goes through `neutralise` (integration/csv/csv.ts): nothing a spreadsheet could run as a formula.
 *
 * To export a new list (statement lines, say): give it a row source and its columns, e.g.
 *   writeExport(res, 'csv', { sheet: 'Statement', columns, source: (cursor) => repo.page(cursor) }, progress)
 * and add it to the catalogue in documents/export-lists.ts so the route, the rate limit and the audit apply.
 */

/** A cell as a list gives it: text is neutralised; a 'number' column's plain decimal stays a number. */
export type CellValue = string | number | bigint | boolean | Date | null | undefined;

export interface ExportColumn<T> {
  header: string;
  value: (row: T) => CellValue;
  /** 'number': a decimal string or number, written as a number in XLSX (amounts, counts). Default text. */
  kind?: 'text' | 'number';
}

/** One page of rows after `cursor` (undefined: the first page); `nextCursor` null on the last page. */
export type RowSource<T> = (
  cursor: string | undefined,
) => Promise<{ items: readonly T[]; nextCursor: string | null | undefined }>;

export interface ExportSpec<T> {
  /** The worksheet's name (XLSX). */
  sheet: string;
  columns: readonly ExportColumn<T>[];
  source: RowSource<T>;
}

/** How far an export got: updated after every page, so whoever audits an aborted export knows what left. */
export interface ExportProgress {
  rows: number;
}

/** The client went away (or the response was destroyed) before the export finished. */
export class ExportAborted extends Error {
  constructor() {
    super('The export was aborted before it finished.');
  }
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** A cell for XLSX: a number column's plain decimal as a number (when exact in a double), else neutral text. */
function xlsxCell(value: CellValue, kind: 'text' | 'number' | undefined): XlsxCell {
  if (value === null || value === undefined) return null;
  if (kind === 'number') {
    const s = String(value);
    const n = Number(s);
    // Exact only: a 19-digit amount would be rounded as a double, so it stays (neutral) text.
    if (PLAIN_NUMBER.test(s) && Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER / 1000) return n;
  }
  return neutralise(value);
}

/**
 * Rows formatted in one synchronous stretch. Between two slices of a page the export gives the event loop
 * a turn, so the other requests the process serves (and the next page's rows arriving) wait behind at
 * most this many rows, not a whole page of 10,000 (a few milliseconds of XLSX on a quiet core, against
 * tens for a page; an event-loop delay p99 of 288 ms during an XLSX export on a loaded machine:
 * docs/benchmarks.md, "Export benchmark").
 */
export const EXPORT_SLICE_ROWS = 1_000;

export interface ExportOptions {
  /** Rows per slice (EXPORT_SLICE_ROWS); Infinity writes each page in one stretch (the benchmark's "before"). */
  sliceRows?: number;
}

/** What writeExport needs of a format: `items[from, to)` written (false once its buffers are full), the rest. */
interface FormatWriter<T> {
  write(items: readonly T[], from: number, to: number): boolean;
  /** Resolves once what was written has been taken. */
  drained(): Promise<void>;
  /** Writes what closes the file and ends `out`; resolves when `out` has finished. */
  end(): Promise<void>;
  /** Stops after an error or an abort. */
  destroy(): void;
}

/** CSV straight onto `out`, a byte-order mark first (a spreadsheet then opens the UTF-8 file as UTF-8). */
function csvWriter<T>(out: Writable, columns: readonly ExportColumn<T>[]): FormatWriter<T> {
  const values = columns.map((c) => c.value);
  out.write(`\uFEFF${csvRecords([columns.map((c) => c.header)])}`);
  return {
    write: (items, from, to) => out.write(csvRows(items, values, from, to)),
    drained: () =>
      out.writableNeedDrain ? new Promise((resolve) => out.once('drain', () => resolve())) : Promise.resolve(),
    end: () => new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))),
    destroy: () => undefined,
  };
}

/**
 * Resolves with `wait()`, or throws ExportAborted when `out` is closed first (the client went away).
 * Its listener is removed either way, so a long export does not pile them up.
 */
function unlessClosed(out: Writable, wait: () => Promise<void>): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(new ExportAborted());
  const ready = wait();
  return new Promise((resolve, reject) => {
    // Closed after finishing is the normal end of a stream: `ready` settles it.
    const onClose = () => {
      if (!out.writableFinished) reject(new ExportAborted());
    };
    out.once('close', onClose);
    ready.then(
      () => {
        out.off('close', onClose);
        resolve();
      },
      (err: unknown) => {
        out.off('close', onClose);
        reject(err);
      },
    );
  });
}

/**
 * Streams every row of `spec.source` to `out` in `format`, page by page, and ends `out`. Resolves with the
 * row count; rejects with ExportAborted when `out` closes first (the client went away), or with the
 * source's error. `progress.rows` counts the rows handed to `out` so far, also when it rejects.
 *
 * A page is formatted in slices of `options.sliceRows` rows: after each, the export waits for `out` to
 * drain if its buffers are full, then yields a turn of the event loop (`setImmediate`), so no other
 * callback waits behind more than one slice.
 */
export async function writeExport<T>(
  out: Writable,
  format: ExportFormat,
  spec: ExportSpec<T>,
  progress: ExportProgress = { rows: 0 },
  options: ExportOptions = {},
): Promise<number> {
  const { columns, source } = spec;
  const slice = options.sliceRows ?? EXPORT_SLICE_ROWS;
  const writer: FormatWriter<T> =
    format === 'csv'
      ? csvWriter(out, columns)
      : // XLSX: the worksheet written by documents/xlsx.ts (inline strings, so nothing is held to the end).
        xlsxWriter(
          out,
          spec.sheet,
          columns.map((c) => neutralise(c.header)),
          columns.map((c) => (row: T) => xlsxCell(c.value(row), c.kind)),
        );
  try {
    // The next page is read while this one is formatted and written (PostgreSQL and Node work side by
    // side), so at most two pages are in memory; none is read before the client has taken the one before.
    let next: ReturnType<RowSource<T>> | undefined = source(undefined);
    while (next) {
      // `items` is taken before the next page is asked for: it lives across the slices' awaits, so until
      // assigned again it would hold the page before this one (three pages in memory instead of two).
      const { items, nextCursor } = await next;
      next = undefined;
      if (out.destroyed) throw new ExportAborted();
      const cursor = nextCursor ?? undefined;
      if (cursor) {
        next = source(cursor);
        // Settled here if the export stops before awaiting it (the client went away).
        next.catch(() => undefined);
      }
      for (let from = 0; from < items.length; ) {
        const to = Math.min(from + slice, items.length);
        const more = writer.write(items, from, to);
        progress.rows += to - from;
        from = to;
        if (!more) await unlessClosed(out, writer.drained);
        // A turn of the event loop after every slice, also when the drain came at once (a nextTick) and
        // after a page's last slice (the next page may be read already).
        await nextTurn();
        if (out.destroyed) throw new ExportAborted();
      }
    }
    await unlessClosed(out, writer.end);
  } catch (err) {
    writer.destroy();
    throw err;
  }
  return progress.rows;
}

// ---- an export as a user runs it: permission, filters, rate limit, audit at both ends, large-export alert

const limiters = new WeakMap<Database, Limiter>();
/** Per user, across instances (the sign-in throttle's PostgreSQL-backed limiter, its own key prefix). */
function exportLimiter(db: Database): Limiter {
  let limiter = limiters.get(db);
  if (!limiter) {
    limiter = createLimiter(db, { keyPrefix: 'export:user', points: EXPORTS_PER_USER_PER_HOUR, durationSeconds: 3600 });
    limiters.set(db, limiter);
  }
  return limiter;
}

export interface StartedExport {
  list: ExportList;
  format: ExportFormat;
  filename: string;
  spec: ExportSpec<never>;
  /** What the audit entries record about the request (the filters as parsed, never a cursor). */
  details: { list: ExportList; format: ExportFormat; filters: Record<string, unknown> };
}

/**
 * Checks and opens an export (the route has authenticated the caller and checked the list's permission):
 * the filters as the list procedure takes them (400 otherwise), the per-user rate limit (429 with when to
 * try again), then the "started" audit entry, written before the first row leaves: should the process die
 * mid-stream, the trail still shows that an export of these filters began.
 */
export async function startExport(ctx: ServiceContext, list: ExportList, body: unknown): Promise<StartedExport> {
  const { actor } = ctx;
  const request = exportRequest.safeParse(body);
  if (!request.success) throw new DomainError('BAD_REQUEST', 'Send { "format": "csv" | "xlsx", "filters": {…} }.');
  const { format, filters } = request.data;
  const def = EXPORT_CATALOGUE[list];
  let spec: ExportSpec<never>;
  try {
    spec = def.open(ctx, filters);
  } catch (err) {
    if (err instanceof ZodError)
      throw new DomainError('BAD_REQUEST', err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    throw err;
  }
  try {
    await exportLimiter(ctx.db).consume(actor.userId, 1);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    const minutes = Math.max(1, Math.ceil(e.msBeforeNext / 60_000));
    throw new DomainError('TOO_MANY_REQUESTS', {
      key: 'export.tooMany',
      values: { max: EXPORTS_PER_USER_PER_HOUR, minutes },
    });
  }
  // The first page before any byte is sent: a refusal the list makes (another party's supplier, a missing
  // choice) still answers with its status and message rather than a cut connection.
  const first = await spec.source(undefined);
  const rest = spec.source;
  spec = { ...spec, source: (cursor) => (cursor === undefined ? Promise.resolve(first) : rest(cursor)) };
  const { cursor: _c, limit: _l, ...kept } = filters;
  const details = { list, format, filters: kept };
  const scope = ctx.scope;
  await ctx.db.tx(scope, (tx) =>
    audit.record(tx, ctx, {
      action: 'list.export_started',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'list_export',
      crossParty: scope.kind === 'all',
      details,
    }),
  );
  const day = new Date(ctx.clock.now()).toISOString().slice(0, 10);
  return { list, format, filename: `gatehouse-${list}-${day}.${format}`, spec, details };
}

/**
 * The closing audit entry, once the stream has ended either way: how many rows left the server and
 * whether the file is complete (outcome 'failure' when the client went away or a page failed: those rows
 * may still have reached it). Past LARGE_EXPORT_ROWS rows the large-export alert is raised in the same
 * transaction (an aborted export counts what it sent).
 */
export async function finishExport(
  ctx: ServiceContext,
  started: StartedExport,
  result: { rows: number; complete: boolean; error?: string },
) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    await audit.record(tx, ctx, {
      action: 'list.exported',
      outcome: result.complete ? 'success' : 'failure',
      partyId: actor.partyId,
      entityType: 'list_export',
      crossParty: ctx.scope.kind === 'all',
      details: {
        ...started.details,
        rows: result.rows,
        complete: result.complete,
        ...(result.error ? { error: result.error } : {}),
      },
    });
    if (result.rows > LARGE_EXPORT_ROWS) {
      await raiseAlert(tx, now, {
        rule: 'large-export',
        severity: 'info',
        mail: { key: 'alert.list_export', values: { by: actor.email, rows: String(result.rows), list: started.list } },
        text: { key: 'large-export.list', values: { by: actor.email, rows: result.rows, list: started.list } },
        details: {
          by: actor.email,
          list: started.list,
          format: started.format,
          rows: result.rows,
          complete: result.complete,
          filters: started.details.filters,
        },
      });
    }
  });
}
