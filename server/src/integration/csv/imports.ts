import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BatchEntity, ImportEncoding } from '@gatehouse/contract';
import { importsRepo } from '@gatehouse/db';
import type { AppServices } from '../../context.ts';
import { SYSTEM_SCOPE } from '../../parties/scope.ts';
import { toCsv } from './csv.ts';
import { ImportRefused, runImport } from './csv-import.ts';

/**
 * CSV import jobs (docs/csv-import.md): receiving the upload, one job per source at a time, the job's view
 * for the progress bar, its error report and the orphan sweep. The pipeline itself is csv-import.ts.
 */

export interface ImportRequest {
  /** Who imports, for "one at a time": an integration's id, or `portal` for staff in the SPA. */
  source: string;
  entity: BatchEntity;
  mode: 'atomic' | 'partial';
  dryRun: boolean;
  encoding: ImportEncoding;
  fileName: string | null;
  actor: { userId: string | null; keyId: string | null; sourceName: string; suspendInactive: boolean };
  requestId: string;
  ip: string;
}

export type StartAnswer =
  | { status: 202; job: JobView }
  | { status: 400 | 409 | 413 | 503; code: string; message: string; job: JobView | null };

/**
 * Creates the job, streams `body` to a temporary file (hashing and counting it, refusing it past
 * IMPORT_MAX_MB), then starts the pipeline and answers once the header is checked: 202 with the job, or
 * 400 when the header (or the file's start) is refused. The rest runs on; poll the job.
 */
export async function startImport(app: AppServices, r: ImportRequest, body: Readable): Promise<StartAnswer> {
  if (!app.syncDb)
    return {
      status: 503,
      code: 'sync_not_configured',
      message: 'ERP writes are not configured on this server (SYNC_DATABASE_URL).',
      job: null,
    };
  const job = await app.db.tx(SYSTEM_SCOPE, async (tx) => {
    const made = await importsRepo.create(tx, {
      source: r.source,
      entity: r.entity,
      mode: r.mode,
      dryRun: r.dryRun,
      encoding: r.encoding,
      fileName: r.fileName,
      actorUserId: r.actor.userId,
      keyId: r.actor.keyId,
    });
    return made ? made : { running: await importsRepo.running(tx, r.source) };
  });
  if ('running' in job)
    return {
      status: 409,
      code: 'import_running',
      message: `Another import of this source is still running (job ${job.running?.id ?? '?'}, ${job.running?.phase ?? 'starting'}): one import at a time. Wait for it to finish.`,
      job: null,
    };
  const { maxBytes } = app.config.imports;
  await mkdir(app.config.imports.dir, { recursive: true, mode: 0o700 });
  const file = path.join(app.config.imports.dir, `${job.id}.csv`);
  let received: { sha256: string; size: number };
  try {
    received = await receive(app, job.id, body, file, maxBytes);
  } catch (e) {
    await rm(file, { force: true }).catch(() => undefined);
    const tooLarge = e instanceof ImportRefused && e.message.includes('IMPORT_MAX_MB');
    const message = e instanceof ImportRefused ? e.message : 'The upload was interrupted.';
    await app.db.tx(SYSTEM_SCOPE, (tx) =>
      importsRepo.update(tx, job.id, {
        phase: 'failed',
        message,
        errors: [{ line: 0, column: '', value: '', message }],
        errorsTotal: 1,
        finishedAt: new Date(app.clock.now()),
      }),
    );
    return { status: tooLarge ? 413 : 400, code: tooLarge ? 'file_too_large' : 'upload_failed', message, job: null };
  }
  const run = runImport(app, {
    jobId: job.id,
    file,
    sha256: received.sha256,
    size: received.size,
    entity: r.entity,
    mode: r.mode,
    dryRun: r.dryRun,
    encoding: r.encoding,
    fileName: r.fileName,
    actor: r.actor,
    requestId: r.requestId,
    ip: r.ip,
  });
  run.done.catch((err: unknown) => app.log.error({ err, jobId: job.id }, 'CSV import crashed'));
  try {
    await run.header;
  } catch (e) {
    const message = e instanceof ImportRefused ? e.message : 'The import could not start.';
    return { status: 400, code: 'file_refused', message, job: await getJob(app, job.id) };
  }
  return { status: 202, job: (await getJob(app, job.id)) as JobView };
}

function receive(app: AppServices, jobId: string, body: Readable, file: string, maxBytes: number) {
  return new Promise<{ sha256: string; size: number }>((resolve, reject) => {
    const hash = createHash('sha256');
    const out = createWriteStream(file, { mode: 0o600 });
    let size = 0;
    let last = Date.now();
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(out);
      out.destroy();
      reject(e);
    };
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes)
        return fail(
          new ImportRefused(
            `The file is larger than ${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB (IMPORT_MAX_MB).`,
          ),
        );
      hash.update(chunk);
      if (Date.now() - last > 1_000) {
        last = Date.now();
        void app.db.tx(SYSTEM_SCOPE, (tx) => importsRepo.update(tx, jobId, { bytesRead: size })).catch(() => undefined);
      }
    });
    body.on('error', fail);
    body.on('aborted', () => fail(new ImportRefused('The upload was interrupted.')));
    out.on('error', fail);
    out.on('finish', () => {
      if (!failed) resolve({ sha256: hash.digest('hex'), size });
    });
    body.pipe(out);
  });
}

export type JobView = NonNullable<Awaited<ReturnType<typeof getJob>>>;

/**
 * Percent done for the bar: the file is read, checked and applied in one pass (csv-import.ts), so by the bytes
 * read, up to 99 until the job is done.
 */
function percentOf(j: importsRepo.ImportJob): number {
  if (j.phase === 'done') return 100;
  const total = j.bytesTotal ?? 0;
  if (j.phase === 'upload' || j.phase === 'failed' || total <= 0) return 0;
  return Math.floor(Math.min(1, j.bytesRead / total) * 99);
}

/** One job as the SPA and the API show it; `source` limits it to one source's jobs (an integration's). */
export async function getJob(app: AppServices, id: string, source?: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const j = await app.db.tx(SYSTEM_SCOPE, (tx) => importsRepo.get(tx, id, source));
  if (!j) return null;
  const { counts } = j;
  return {
    id: j.id,
    entity: j.entity as BatchEntity,
    mode: j.mode,
    dryRun: j.dryRun,
    encoding: j.encoding,
    fileName: j.fileName,
    phase: j.phase as 'upload' | 'parse' | 'validate' | 'apply' | 'done' | 'failed',
    percent: percentOf(j),
    sha256: j.sha256,
    bytesTotal: j.bytesTotal,
    bytesRead: j.bytesRead,
    rowsRead: j.rowsRead,
    recordsTotal: j.recordsTotal,
    recordsChecked: j.recordsChecked,
    recordsApplied: j.recordsApplied,
    applied: counts.applied === true,
    counts: {
      created: counts.created ?? 0,
      updated: counts.updated ?? 0,
      unchanged: counts.unchanged ?? 0,
      rejected: counts.rejected ?? 0,
    },
    message: j.message,
    errorsTotal: j.errorsTotal,
    errors: j.errors.slice(0, 100),
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
  };
}

export async function listJobs(app: AppServices, limit = 20) {
  const rows = await app.db.tx(SYSTEM_SCOPE, (tx) => importsRepo.list(tx, limit));
  return rows.map((r) => ({
    id: r.id,
    entity: r.entity,
    mode: r.mode,
    dryRun: r.dryRun,
    fileName: r.fileName,
    phase: r.phase,
    errorsTotal: r.errorsTotal,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  }));
}

/** The error report: one row per error (line, column, value as sent, at most 80 characters, reason). */
export async function reportCsv(app: AppServices, id: string, source?: string): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const j = await app.db.tx(SYSTEM_SCOPE, (tx) => importsRepo.get(tx, id, source));
  if (!j) return null;
  const rows = j.errors.map((e) => [e.line || '', e.column, e.value, e.message]);
  if (j.errorsTotal > rows.length)
    rows.push(['', '', '', `… and ${j.errorsTotal - rows.length} more error(s) not listed (the report keeps 1,000).`]);
  return toCsv(['line', 'column', 'value', 'message'], rows);
}

/**
 * Jobs whose process died (no progress for IMPORT_STALE_SECONDS) are marked failed: at boot and every
 * minute. Their data was never committed (the apply phase is one transaction).
 */
export async function sweepOrphans(app: AppServices) {
  const failed = await app.db.tx(SYSTEM_SCOPE, (tx) =>
    importsRepo.failStale(
      tx,
      app.config.imports.staleSeconds,
      'The server stopped while this import ran; nothing of it was applied. Import the file again.',
    ),
  );
  if (failed.length > 0) app.log.warn({ jobs: failed.map((f) => f.id) }, 'orphaned CSV imports marked failed');
  // Their uploads, when they were on this instance's disk.
  for (const f of failed) await rm(path.join(app.config.imports.dir, `${f.id}.csv`), { force: true }).catch(() => {});
  return failed.length;
}
