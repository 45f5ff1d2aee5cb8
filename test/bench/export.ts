/**
 * List export benchmark (not a test: it measures and prints). Run: pnpm bench:export
 *
 * Embedded PostgreSQL in a temporary directory, migrated as shipped; one customer party with
 * BENCH_EXPORT_ROWS orders (default 1,000,000; loaded set-based by the owner: benchmark-only). Then, in
 * interleaved rounds (the order rotates), the same rows in the same order three ways:
 *   - COPY: `COPY (select … where party_id = … order by order_date desc, id desc) TO STDOUT (FORMAT csv)`
 *     through postgres.js as the app role with the party's tenant context (RLS on), bytes counted;
 *   - CSV and XLSX: the real export path (EXPORT_CATALOGUE.orders + writeExport: the orders.list service
 *     verb, keyset pages of 10,000 in their own read transactions, neutralised cells) into a sink that
 *     counts bytes and drains like a socket.
 * Prints rows/s per way (median of the rounds), each export's ratio to COPY (goal >= 0.5x), and the
 * process's RSS before and at its peak during each export (goal: flat, i.e. the peak does not grow with
 * the row count: the same export of a tenth of the rows is printed beside it).
 *
 * Environment: BENCH_EXPORT_ROWS (1000000), BENCH_ROUNDS (3).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
import { appRolePassword, contextKey, EXPORT_CATALOGUE, writeExport } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { env, f, median, SECRET } from './common.ts';

const ROWS = env('BENCH_EXPORT_ROWS', 1_000_000);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SYSTEM = { kind: 'all', reason: 'system' } as const;

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

/** Peak RSS (MB) sampled every 50 ms while `work` runs, and the RSS before it. */
async function withRss<T>(
  work: () => Promise<T>,
): Promise<{ result: T; beforeMb: number; peakMb: number; heapPeakMb: number }> {
  global.gc?.();
  const beforeMb = process.memoryUsage().rss / 1024 / 1024;
  let peakMb = beforeMb;
  // The V8 heap in use too: RSS keeps what the heap once grew to, so it is a poor measure of "flat".
  let heapPeakMb = process.memoryUsage().heapUsed / 1024 / 1024;
  const sample = () => {
    const m = process.memoryUsage();
    peakMb = Math.max(peakMb, m.rss / 1024 / 1024);
    heapPeakMb = Math.max(heapPeakMb, m.heapUsed / 1024 / 1024);
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { result, beforeMb, peakMb, heapPeakMb };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  console.log(`## List export benchmark: ${ROWS.toLocaleString('en')} orders of one customer, ${ROUNDS} rounds`);
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
    const partyId = await database.tx(
      SYSTEM,
      async (tx) => (await partiesRepo.create(tx, { kind: 'customer', name: 'Bench customer' })).id,
    );
    const small = await database.tx(
      SYSTEM,
      async (tx) => (await partiesRepo.create(tx, { kind: 'customer', name: 'Bench small' })).id,
    );
    const t0 = performance.now();
    for (const [id, n] of [
      [partyId, ROWS],
      [small, Math.ceil(ROWS / 10)],
    ] as const)
      await owner`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
        select ${id}::uuid, 'SO-' || lpad(g::text, 8, '0'),
               case when g % 3 <> 0 then 'PO-' || (100000 + (g * 7919) % 900000)::text end,
               (array['open','confirmed','shipped','delivered','cancelled'])[1 + ((g * 31) % 5)::int],
               current_date - ((g * 17) % 3650)::int, 'EUR', (g * 7919) % 10000000
        from generate_series(1::bigint, ${n}::bigint) g`; // bigint: g * 7919 overflows int4 past 271,000 rows
    await owner`vacuum analyze orders`;
    console.log(`   load: ${f((performance.now() - t0) / 1000, 1)} s (set-based, benchmark-only)`);

    const actorOf = (id: string) =>
      ({ partyId: id, partyKind: 'customer', permissions: new Set(['orders:read']), userId: id }) as unknown as Actor;
    const ctxOf = (id: string) =>
      ({
        db: database,
        clock: { now: () => Date.now() },
        actor: actorOf(id),
        scope: { kind: 'party', partyId: id },
      }) as unknown as ServiceContext;

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
      return bytes;
    };

    const exportRows = async (format: ExportFormat, id: string) => {
      const s = sink();
      const spec = EXPORT_CATALOGUE.orders.open(ctxOf(id), {});
      const rows = await writeExport(s.out, format, spec);
      return { rows, bytes: s.bytes() };
    };

    const ways = ['copy', 'csv', 'xlsx'] as const;
    const rates: Record<(typeof ways)[number], number[]> = { copy: [], csv: [], xlsx: [] };
    const rss: Record<'csv' | 'xlsx', { beforeMb: number; peakMb: number }[]> = { csv: [], xlsx: [] };
    const heap: Record<'csv' | 'xlsx', number[]> = { csv: [], xlsx: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...ways.slice(round % 3), ...ways.slice(0, round % 3)];
      for (const way of order) {
        const started = performance.now();
        if (way === 'copy') {
          const bytes = await copyRows();
          rates.copy.push(ROWS / ((performance.now() - started) / 1000));
          if (round === 0) console.log(`   COPY: ${f(bytes / 1024 / 1024, 1)} MB`);
        } else {
          const { result, beforeMb, peakMb, heapPeakMb } = await withRss(() => exportRows(way, partyId));
          if (result.rows !== ROWS) throw new Error(`${way}: ${result.rows} rows, expected ${ROWS}`);
          rates[way].push(ROWS / ((performance.now() - started) / 1000));
          rss[way].push({ beforeMb, peakMb });
          heap[way].push(heapPeakMb);
          if (round === 0) console.log(`   ${way.toUpperCase()}: ${f(result.bytes / 1024 / 1024, 1)} MB`);
        }
      }
    }
    const copy = median(rates.copy);
    console.log('');
    console.log('| way | rows/s (median) | vs COPY | goal | RSS before -> peak (MB) |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| COPY ... TO STDOUT (csv) | ${f(copy)} | 1.00x | | |`);
    for (const way of ['csv', 'xlsx'] as const) {
      const r = median(rates[way]);
      const worst = rss[way].reduce((a, b) => (b.peakMb - b.beforeMb > a.peakMb - a.beforeMb ? b : a));
      console.log(
        `| export ${way.toUpperCase()} | ${f(r)} | ${f(r / copy, 2)}x | >= 0.5x ${r / copy >= 0.5 ? 'met' : 'not met'} | ${f(worst.beforeMb)} -> ${f(worst.peakMb)} |`,
      );
    }
    // Flat memory: a tenth of the rows should peak about as high.
    for (const way of ['csv', 'xlsx'] as const) {
      const { beforeMb, peakMb, heapPeakMb } = await withRss(() => exportRows(way, small));
      console.log(
        `   ${way.toUpperCase()} of ${Math.ceil(ROWS / 10).toLocaleString('en')} rows: RSS ${f(beforeMb)} -> ${f(peakMb)} MB, heap used at most ${f(heapPeakMb)} MB (all rows: ${f(Math.max(...heap[way]))} MB)`,
      );
    }
  } finally {
    await owner.end();
    await db?.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
