/**
 * List export benchmark (not a test: it measures and prints). Run: pnpm bench:export
 *
 * Embedded PostgreSQL in a temporary directory, migrated as shipped; one customer party per size with that
 * many orders (loaded set-based by the owner: benchmark-only). Two parts:
 *
 * 1. Throughput, at BENCH_EXPORT_ROWS (default 1,000,000), in interleaved rounds (the order rotates), the
 *    same rows in the same order several ways:
 *    - COPY: `COPY (select … where party_id = … order by order_date desc, id desc) TO STDOUT (FORMAT csv)`
 *      through postgres.js as the app role with the party's tenant context (RLS on), bytes counted;
 *    - CSV and XLSX: the real export path (EXPORT_CATALOGUE.orders + writeExport: the orders.list service
 *      verb, keyset pages of 1,000 doubling to 10,000 in their own read transactions, neutralised cells)
 *      into a sink that counts bytes and drains like a socket;
 *    - XLSX through exceljs's streaming WorkbookWriter from the same pages (what writeExport used before),
 *      for comparison;
 *    - csv-unsliced, xlsx-unsliced: writeExport with each page formatted in one stretch (sliceRows
 *      Infinity), as before pages were written in slices of EXPORT_SLICE_ROWS with a turn of the event
 *      loop between: what the slices cost in rows/s and gain in event-loop delay, side by side.
 *    Prints rows/s per way (median of the rounds), each one's ratio to COPY (goal >= 0.5x) and the event
 *    loop's delay (p99 and max) while it ran.
 * 2. Memory, per size in BENCH_EXPORT_SIZES (default 100,000, 300,000 and 1,000,000) and format: a fresh
 *    Node process (--expose-gc) runs one export and, each time the export asks for its next page (the
 *    page before it written), forces a full collection and records the heap in use and the RSS. Prints
 *    the first, last and highest of each, so "flat" is a number: the heap after GC at the largest size
 *    against the smallest.
 *
 * Environment: BENCH_EXPORT_ROWS (1000000), BENCH_EXPORT_SIZES (100000,300000,1000000; empty skips part 2),
 * BENCH_EXPORT_WAYS (copy,csv,xlsx,exceljs; also pages, select, csv-unsliced, xlsx-unsliced), BENCH_ROUNDS (3).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { ExportFormat } from '@gatehouse/contract';
import {
  appUrlFrom,
  createDatabase,
  type Database,
  migrate,
  partiesRepo,
  signContext,
  startEmbedded,
} from '@gatehouse/db';
import type { Actor, ServiceContext } from '@gatehouse/server/testing';
import {
  appRolePassword,
  contextKey,
  EXPORT_CATALOGUE,
  EXPORT_SLICE_ROWS,
  writeExport,
} from '@gatehouse/server/testing';
import ExcelJS from 'exceljs';
import postgres from 'postgres';
import { env, f, median, ROOT, SECRET } from './common.ts';

const ROWS = env('BENCH_EXPORT_ROWS', 1_000_000);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SIZES = (process.env.BENCH_EXPORT_SIZES ?? '100000,300000,1000000').split(',').filter(Boolean).map(Number);
const WAYS = (process.env.BENCH_EXPORT_WAYS ?? 'copy,csv,xlsx,exceljs').split(',').filter(Boolean) as Way[];
const SYSTEM = { kind: 'all', reason: 'system' } as const;
const EVERY_WAY = ['copy', 'csv', 'xlsx', 'exceljs', 'pages', 'select', 'csv-unsliced', 'xlsx-unsliced'] as const;
type Way = (typeof EVERY_WAY)[number];

/** A sink that takes bytes like a fast socket: counts them, asks for a drain past its high-water mark. */
function sink() {
  let bytes = 0;
  const out = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      setImmediate(done);
    },
  });
  return { out, bytes: () => bytes };
}

const actorOf = (id: string) =>
  ({ partyId: id, partyKind: 'customer', permissions: new Set(['orders:read']), userId: id }) as unknown as Actor;
const ctxOf = (db: Database, id: string) =>
  ({
    db,
    clock: { now: () => Date.now() },
    actor: actorOf(id),
    scope: { kind: 'party', partyId: id },
  }) as unknown as ServiceContext;

/** What a memory child reports: MB after a forced GC before each page, and at the end. */
interface MemoryRun {
  rows: number;
  pages: number;
  seconds: number;
  heapMb: number[];
  rssMb: number[];
}

/** Part 2, in the child: one export with a forced GC and a sample each time the next page is asked for. */
async function memoryChild(job: { appUrl: string; partyId: string; format: ExportFormat }) {
  const gc = global.gc;
  if (!gc) throw new Error('run with --expose-gc');
  const db = createDatabase({ appUrl: job.appUrl, contextKey: contextKey(Buffer.from(SECRET)) });
  const heapMb: number[] = [];
  const rssMb: number[] = [];
  const sample = () => {
    gc();
    const m = process.memoryUsage();
    heapMb.push(m.heapUsed / 1024 / 1024);
    rssMb.push(m.rss / 1024 / 1024);
  };
  try {
    const spec = EXPORT_CATALOGUE.orders.open(ctxOf(db, job.partyId), {});
    const source = spec.source;
    let pages = 0;
    const started = performance.now();
    const rows = await writeExport(sink().out, job.format, {
      ...spec,
      source: (cursor) => {
        sample();
        pages += 1;
        return source(cursor);
      },
    });
    sample();
    const result: MemoryRun = { rows, pages, seconds: (performance.now() - started) / 1000, heapMb, rssMb };
    console.log(JSON.stringify(result));
  } finally {
    await db.close();
  }
}

function runChild(job: { appUrl: string; partyId: string; format: ExportFormat }): Promise<MemoryRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'test/bench/export.ts')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_EXPORT_CHILD: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`memory child exited ${code}: ${out}`));
      else resolve(JSON.parse(last) as MemoryRun);
    });
  });
}

async function main() {
  const sizes = [...new Set([ROWS, ...SIZES])].sort((a, b) => a - b);
  console.log(
    `## List export benchmark: ${ROWS.toLocaleString('en')} orders of one customer, ${ROUNDS} rounds; memory at ${SIZES.map((n) => n.toLocaleString('en')).join(', ') || 'no size'}`,
  );
  console.log(
    `   load average at start: ${os
      .loadavg()
      .map((l) => f(l, 1))
      .join(', ')}`,
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-bench-export-'));
  const pg = await startEmbedded({ dataDir: path.join(dir, 'postgres'), database: 'bench' });
  let db: Database | undefined;
  const owner = postgres(pg.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const secret = Buffer.from(SECRET);
    await migrate({ ownerUrl: pg.ownerUrl, contextKey: contextKey(secret), appPassword: appRolePassword(secret) });
    const appUrl = appUrlFrom(pg.ownerUrl, appRolePassword(secret));
    const key = contextKey(secret);
    db = createDatabase({ appUrl, contextKey: key });
    const database = db;
    const t0 = performance.now();
    const partyOf = new Map<number, string>();
    for (const n of sizes) {
      const id = await database.tx(
        SYSTEM,
        async (tx) => (await partiesRepo.create(tx, { kind: 'customer', name: `Bench ${n}` })).id,
      );
      partyOf.set(n, id);
      await owner`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
        select ${id}::uuid, 'SO-' || lpad(g::text, 8, '0'),
               case when g % 3 <> 0 then 'PO-' || (100000 + (g * 7919) % 900000)::text end,
               (array['open','confirmed','shipped','delivered','cancelled'])[1 + ((g * 31) % 5)::int],
               current_date - ((g * 17) % 3650)::int, 'EUR', (g * 7919) % 10000000
        from generate_series(1::bigint, ${n}::bigint) g`; // bigint: g * 7919 overflows int4 past 271,000 rows
    }
    await owner`vacuum analyze orders`;
    console.log(`   load: ${f((performance.now() - t0) / 1000, 1)} s (set-based, benchmark-only)`);
    const partyId = partyOf.get(ROWS) as string;

    // COPY of the same rows, same order, through the app role with the party's context (RLS on).
    const copyRows = async () => {
      let bytes = 0;
      const sql = postgres(appUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.begin(async (q) => {
          await q`select set_config('app.ctx', ${signContext(key, { kind: 'party', partyId })}, true)`;
          // COPY takes no parameters: the id is a uuid this run generated.
          const stream = await q
            .unsafe(`copy (select number, customer_reference, order_date, status, currency, total_minor
                 from orders where party_id = '${partyId}' order by order_date desc, id desc)
                 to stdout (format csv, header)`)
            .readable();
          for await (const chunk of stream) bytes += (chunk as Buffer).length;
        });
      } finally {
        await sql.end();
      }
      return { rows: ROWS, bytes };
    };

    const exportRows = async (format: ExportFormat, sliceRows?: number) => {
      const s = sink();
      const spec = EXPORT_CATALOGUE.orders.open(ctxOf(database, partyId), {});
      const rows = await writeExport(s.out, format, spec, { rows: 0 }, sliceRows ? { sliceRows } : {});
      return { rows, bytes: s.bytes() };
    };

    // What writeExport did before documents/xlsx.ts: exceljs's streaming writer over the same pages
    // (the next page read while one is written, amounts as numbers, every text cell neutralised).
    const exceljsRows = async () => {
      const s = sink();
      const spec = EXPORT_CATALOGUE.orders.open(ctxOf(database, partyId), {}) as unknown as {
        sheet: string;
        columns: { header: string; value: (row: unknown) => unknown; kind?: 'text' | 'number' }[];
        source: (cursor: string | undefined) => Promise<{ items: unknown[]; nextCursor: string | null | undefined }>;
      };
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: s.out, useStyles: false, useSharedStrings: false });
      const ws = wb.addWorksheet(spec.sheet);
      ws.addRow(spec.columns.map((c) => c.header)).commit();
      let rows = 0;
      let next: ReturnType<typeof spec.source> | undefined = spec.source(undefined);
      while (next) {
        const page: Awaited<ReturnType<typeof spec.source>> = await next;
        next = page.nextCursor ? spec.source(page.nextCursor) : undefined;
        for (const row of page.items)
          ws.addRow(
            spec.columns.map((c) => {
              const v = c.value(row);
              return v === null || v === undefined ? null : c.kind === 'number' ? Number(v) : String(v);
            }),
          ).commit();
        rows += page.items.length;
        if (s.out.writableNeedDrain) await new Promise((r) => s.out.once('drain', r));
      }
      ws.commit();
      await wb.commit();
      return { rows, bytes: s.bytes() };
    };

    // Where the time goes: the list's pages read and thrown away (no formatting), and the same select as
    // one statement with postgres.js returning arrays (no Drizzle, no paging).
    const pagesOnly = async () => {
      const spec = EXPORT_CATALOGUE.orders.open(ctxOf(database, partyId), {});
      let rows = 0;
      let next: ReturnType<typeof spec.source> | undefined = spec.source(undefined);
      while (next) {
        const page: Awaited<ReturnType<typeof spec.source>> = await next;
        next = page.nextCursor ? spec.source(page.nextCursor) : undefined;
        rows += page.items.length;
      }
      return { rows, bytes: 0 };
    };
    const selectOnce = async () => {
      const sql = postgres(appUrl, { max: 1, onnotice: () => {} });
      let rows = 0;
      try {
        await sql.begin(async (q) => {
          await q`select set_config('app.ctx', ${signContext(key, { kind: 'party', partyId })}, true)`;
          await q
            .unsafe(`select id, party_id, number, customer_reference, status, order_date, currency, total_minor, null::text
                 from orders where party_id = '${partyId}' order by order_date desc, id desc`)
            .values()
            .cursor(10_000, (batch) => {
              rows += batch.length;
            });
        });
      } finally {
        await sql.end();
      }
      return { rows, bytes: 0 };
    };

    const run: Record<Way, () => Promise<{ rows: number; bytes: number }>> = {
      pages: pagesOnly,
      select: selectOnce,
      copy: copyRows,
      csv: () => exportRows('csv'),
      xlsx: () => exportRows('xlsx'),
      'csv-unsliced': () => exportRows('csv', Number.POSITIVE_INFINITY),
      'xlsx-unsliced': () => exportRows('xlsx', Number.POSITIVE_INFINITY),
      exceljs: exceljsRows,
    };
    const perWay = () => Object.fromEntries(EVERY_WAY.map((w) => [w, [] as number[]])) as Record<Way, number[]>;
    const rates = perWay();
    const bytesOf: Partial<Record<Way, number>> = {};
    const lags = perWay();
    const lagMax = perWay();
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...WAYS.slice(round % WAYS.length), ...WAYS.slice(0, round % WAYS.length)];
      for (const way of order) {
        const started = performance.now();
        // How long the event loop was held (what every other request on the process waits behind).
        const lag = monitorEventLoopDelay({ resolution: 5 });
        lag.enable();
        const result = await run[way]();
        lag.disable();
        lags[way].push(lag.percentile(99) / 1e6);
        lagMax[way].push(lag.max / 1e6);
        if (result.rows !== ROWS) throw new Error(`${way}: ${result.rows} rows, expected ${ROWS}`);
        rates[way].push(ROWS / ((performance.now() - started) / 1000));
        bytesOf[way] = result.bytes;
      }
    }
    const copy = median(rates.copy);
    const label: Record<Way, string> = {
      copy: 'COPY ... TO STDOUT (csv)',
      csv: `export CSV (slices of ${EXPORT_SLICE_ROWS.toLocaleString('en')} rows)`,
      xlsx: `export XLSX (documents/xlsx.ts + yazl, slices of ${EXPORT_SLICE_ROWS.toLocaleString('en')} rows)`,
      'csv-unsliced': 'export CSV, each page in one stretch',
      'xlsx-unsliced': 'export XLSX, each page in one stretch',
      exceljs: 'XLSX through exceljs WorkbookWriter',
      pages: "the export's pages only (read, not written)",
      select: 'the same select, one statement, rows as arrays',
    };
    console.log('');
    console.log(
      `Throughput, ${ROWS.toLocaleString('en')} rows (load average now ${os
        .loadavg()
        .map((l) => f(l, 1))
        .join(', ')}):`,
    );
    console.log('');
    console.log(
      '| way | rows/s (median) | rounds | vs COPY | per round vs COPY | event-loop delay p99 / max (ms) | file (MB) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const way of WAYS) {
      const r = median(rates[way]);
      console.log(
        `| ${label[way]} | ${f(r)} | ${rates[way].map((x) => f(x)).join(', ')} | ${f(r / copy, 2)}x${way === 'copy' ? '' : r / copy >= 0.5 ? ' (>= 0.5x met)' : ' (>= 0.5x not met)'} | ${rates[way].map((x, i) => `${f(x / (rates.copy[i] ?? Number.NaN), 2)}x`).join(', ')} | ${f(median(lags[way]), 1)} / ${f(median(lagMax[way]), 1)} | ${f((bytesOf[way] ?? 0) / 1024 / 1024, 1)} |`,
      );
    }

    if (SIZES.length > 0) {
      console.log('');
      console.log('Memory: a fresh process per export, heap in use and RSS after a forced GC before each page (MB):');
      console.log('');
      console.log('| rows | format | pages | s | heap first / last / max | RSS first / last / max |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      const heapMax: Record<string, number[]> = { csv: [], xlsx: [] };
      for (const n of SIZES)
        for (const format of ['csv', 'xlsx'] as const) {
          const m = await runChild({ appUrl, partyId: partyOf.get(n) as string, format });
          if (m.rows !== n) throw new Error(`${format} of ${n}: ${m.rows} rows`);
          // "first": before the second page is asked for (the first page read and written), when the
          // export's buffers, statements and code are all in use; the sample before any page is left out.
          const heap = m.heapMb.slice(1);
          const rss = m.rssMb.slice(1);
          heapMax[format]?.push(Math.max(...heap));
          const fl = (xs: number[]) =>
            `${f(xs[0] ?? Number.NaN, 1)} / ${f(xs.at(-1) ?? Number.NaN, 1)} / ${f(Math.max(...xs), 1)}`;
          console.log(
            `| ${n.toLocaleString('en')} | ${format} | ${m.pages} | ${f(m.seconds, 1)} | ${fl(heap)} | ${fl(rss)} |`,
          );
        }
      for (const format of ['csv', 'xlsx'] as const) {
        const xs = heapMax[format] ?? [];
        console.log(
          `   ${format}: most heap after GC at ${(SIZES.at(-1) ?? 0).toLocaleString('en')} rows minus at ${(SIZES[0] ?? 0).toLocaleString('en')}: ${f((xs.at(-1) ?? 0) - (xs[0] ?? 0), 1)} MB`,
        );
      }
    }
    console.log(
      `   load average at the end: ${os
        .loadavg()
        .map((l) => f(l, 1))
        .join(', ')}`,
    );
  } finally {
    await owner.end();
    await db?.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_EXPORT_CHILD) await memoryChild(JSON.parse(process.env.BENCH_EXPORT_CHILD));
else await main();
