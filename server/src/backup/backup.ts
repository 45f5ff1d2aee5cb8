import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, type FileHandle, lstat, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Encrypter } from 'age-encryption';
import postgres from 'postgres';
import type { AuditSigner } from '../audit/signing.ts';
import type { BlobStore } from '../files/store.ts';
import { lowerPriority, Pacer } from './pace.ts';
import { applyS3Retention, copyToS3, type S3Target } from './s3-copy.ts';
import { pullStream, TarWriter } from './tar.ts';

/**
 * Backups (docs/adr/0005-backups.md). One backup is a directory `gatehouse-<UTC time>` holding:
 *  - `database.tar.age`: the embedded cluster as a base backup (pg_backup_start/stop, the data directory
 *    copied while the portal runs, the WAL from start to stop, backup_label) plus its superuser password;
 *  - `files.tar.age`: every blob of the BlobStore and the installation's keys (secret, audit key);
 *  - `manifest.json`: SHA-256 of each part, row counts per table and the migration count taken at the
 *    backup's consistency point, every blob's SHA-256; `manifest.sig`: its Ed25519 signature (audit key).
 * Both parts are age-encrypted to BACKUP_RECIPIENT: the server writes backups it cannot read.
 * The archives mirror GATEHOUSE_DATA_DIR, so a restore is a data directory Gatehouse starts on.
 */
export const BACKUP_NAME = /^gatehouse-(\d{8}T\d{9}Z)$/;
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIG = 'manifest.sig';
/** The application_name of the backup's PostgreSQL sessions. */
export const BACKUP_APPLICATION_NAME = 'gatehouse backup';

export interface PartInfo {
  name: string;
  bytes: number;
  sha256: string;
  /** Size of the archive inside (before encryption). */
  plainBytes: number;
}

export interface DatabaseManifest {
  included: true;
  serverVersion: string;
  /** The checkpoint pg_backup_start asked for (BACKUP_CHECKPOINT) and how long it took, in ms. */
  checkpoint?: BackupCheckpoint;
  checkpointMs?: number;
  startLsn: string;
  stopLsn: string;
  walSegments: string[];
  /** When writes were held for the snapshot the counts come from (the consistency point). */
  consistentAt: string;
  /** How long writes waited for it, in ms. */
  writesHeldMs: number;
  migrations: number;
  rowCounts: Record<string, number>;
}

export interface Manifest {
  format: 1;
  id: string;
  createdAt: string;
  finishedAt: string;
  durationMs: number;
  recipient: string;
  database: DatabaseManifest | { included: false; reason: string };
  files: { count: number; bytes: number; blobs: { sha256: string; bytes: number }[] };
  keys: string[];
  parts: PartInfo[];
}

/**
 * `spread`: pg_backup_start waits for a checkpoint paced like a scheduled one (checkpoint_completion_target
 * of checkpoint_timeout at most: 4.5 min with PostgreSQL's defaults), which writes the dirty pages without
 * a burst; `fast`: an immediate checkpoint, at full speed.
 */
export type BackupCheckpoint = 'spread' | 'fast';

export interface BackupOptions {
  dir: string;
  recipient: string;
  /** The embedded cluster's owner URL and the data directory holding it; undefined with DATABASE_URL. */
  embedded: { ownerUrl: string; dataDir: string } | undefined;
  store: BlobStore;
  /** Installation keys to keep with the files: archive name -> file (missing files are skipped). */
  keyFiles: Record<string, string>;
  signer: AuditSigner | undefined;
  copyDir?: string | undefined;
  /** The off-host copy in a bucket (s3-copy.ts). */
  s3?: S3Target | undefined;
  retain: { count: number; days: number };
  /** Default `spread`. */
  checkpoint?: BackupCheckpoint;
  /** Read-rate limit of the files archived (data directory, WAL, blobs), bytes per second; 0 or undefined: none. */
  readBytesPerSecond?: number;
  now?: () => Date;
  /** Tests: called while writes are held at the consistency point. */
  onConsistencyPoint?: () => void | Promise<void>;
  /** Tests: called after writes resumed, as the row counts begin. */
  onCounting?: () => void | Promise<void>;
}

type Hooks = Pick<BackupOptions, 'onConsistencyPoint' | 'onCounting'>;

export interface BackupResult {
  id: string;
  path: string;
  manifest: Manifest;
  removed: string[];
  copiedTo: string | null;
  /** The copy's s3:// URL when BACKUP_S3_BUCKET is set. */
  s3CopiedTo: string | null;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('.', '');

export async function createBackup(o: BackupOptions): Promise<BackupResult> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const id = `gatehouse-${stamp(started)}`;
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const partial = path.join(o.dir, `.partial-${id}`);
  await mkdir(partial, { mode: 0o700 });
  try {
    const parts: PartInfo[] = [];
    let database: Manifest['database'] = {
      included: false,
      reason:
        'DATABASE_URL: an external PostgreSQL is backed up with its own tools (see docs/operations.md, Backups and restore)',
    };
    // One pace for the whole backup: database and files share the read-rate limit.
    const pacer = new Pacer(o.readBytesPerSecond ?? 0);
    if (o.embedded) {
      const { embedded } = o;
      let db: DatabaseManifest | undefined;
      parts.push(
        await encryptedPart(path.join(partial, 'database.tar.age'), o.recipient, pacer, async (tar) => {
          db = await archiveCluster(tar, embedded.ownerUrl, o.checkpoint ?? 'spread', o);
          const pw = path.join(embedded.dataDir, 'superuser-password');
          if (existsSync(pw)) await tar.buffer('postgres/superuser-password', await readFile(pw));
        }),
      );
      if (!db) throw new Error('database archive incomplete');
      database = db;
    }
    // Blobs after the database: a blob is stored before the row naming it commits and is never rewritten,
    // so every blob the snapshot references exists by now (later uploads may come along; harmless).
    const blobs: { sha256: string; bytes: number }[] = [];
    const keys: string[] = [];
    parts.push(
      await encryptedPart(path.join(partial, 'files.tar.age'), o.recipient, pacer, async (tar) => {
        for (const [name, file] of Object.entries(o.keyFiles)) {
          if (!existsSync(file)) continue;
          await tar.buffer(`keys/${name}`, await readFile(file));
          keys.push(name);
        }
        for (const sha of (await o.store.list()).sort()) {
          const blob = await o.store.open(sha);
          if (!blob) continue; // an upload undone meanwhile
          const hash = createHash('sha256');
          await tar.stream(`files/blobs/${sha.slice(0, 2)}/${sha}`, blob.size, blob.stream, 0o600, new Date(), (c) =>
            hash.update(c),
          );
          blobs.push({ sha256: hash.digest('hex'), bytes: blob.size });
        }
      }),
    );
    const finished = now();
    const manifest: Manifest = {
      format: 1,
      id,
      createdAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      recipient: o.recipient,
      database,
      files: { count: blobs.length, bytes: blobs.reduce((s, b) => s + b.bytes, 0), blobs },
      keys,
      parts,
    };
    const json = `${JSON.stringify(manifest, null, 2)}\n`;
    await writeFile(path.join(partial, MANIFEST), json, { mode: 0o600 });
    if (o.signer) await writeFile(path.join(partial, MANIFEST_SIG), `${o.signer.sign(json)}\n`, { mode: 0o600 });
    const final = path.join(o.dir, id);
    await rename(partial, final);
    const removed = await applyRetention(o.dir, o.retain, finished);
    let copiedTo: string | null = null;
    if (o.copyDir) {
      copiedTo = await copyBackup(final, o.copyDir, manifest);
      removed.push(...(await applyRetention(o.copyDir, o.retain, finished)));
    }
    let s3CopiedTo: string | null = null;
    if (o.s3) {
      s3CopiedTo = await copyToS3(o.s3, final, manifest);
      removed.push(...(await applyS3Retention(o.s3, o.retain, finished)));
    }
    return { id, path: final, manifest, removed, copiedTo, s3CopiedTo };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}

/** Streams what `produce` writes through tar and age into `file`; returns its size and SHA-256. */
async function encryptedPart(
  file: string,
  recipient: string,
  pacer: Pacer,
  produce: (tar: TarWriter) => Promise<void>,
) {
  const plain = new PassThrough({ highWaterMark: 1 << 20 });
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  const encrypted = await encrypter.encrypt(pullStream(plain));
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const written = pipeline(
    Readable.fromWeb(encrypted as import('node:stream/web').ReadableStream<Uint8Array>),
    count,
    syncedFile(file),
  );
  written.catch(() => {}); // awaited below; a failure of produce() must not leave it unhandled
  const tar = new TarWriter(plain, (n) => pacer.take(n));
  try {
    await produce(tar);
    await tar.finish();
    plain.end();
  } catch (e) {
    plain.destroy(e as Error);
    throw e;
  }
  await written;
  return { name: path.basename(file), bytes, sha256: hash.digest('hex'), plainBytes: tar.bytes };
}

/** Dirty archive bytes at most before they are written to disk (see syncedFile). */
const SYNC_EVERY = 8 << 20;

/**
 * A new file (mode 0600, refused if it exists) that is flushed to disk every SYNC_EVERY bytes and at the
 * end. Left to the kernel, a backup's gigabyte of written pages goes out in bursts of writeback that
 * stall the fsyncs PostgreSQL commits with; flushed as it goes, the disk sees a steady stream. The
 * flush at the end also makes the archive durable before the backup's directory is renamed complete.
 */
function syncedFile(file: string): Writable {
  let fh: FileHandle | undefined;
  let unsynced = 0;
  let closed = false;
  const close = async () => {
    if (fh && !closed) {
      closed = true;
      await fh.close();
    }
  };
  const writeAll = async (chunk: Buffer) => {
    const handle = fh as FileHandle;
    for (let off = 0; off < chunk.length; ) {
      const { bytesWritten } = await handle.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
    unsynced += chunk.length;
    if (unsynced >= SYNC_EVERY) {
      unsynced = 0;
      await handle.datasync();
    }
  };
  return new Writable({
    highWaterMark: 1 << 20,
    construct(cb) {
      open(file, 'wx', 0o600).then((h) => {
        fh = h;
        cb();
      }, cb);
    },
    write(chunk: Buffer, _enc, cb) {
      writeAll(chunk).then(() => cb(), cb);
    },
    final(cb) {
      (fh as FileHandle)
        .datasync()
        .then(close)
        .then(() => cb(), cb);
    },
    destroy(err, cb) {
      close().then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
}

/**
 * Directories whose contents a base backup leaves out (PostgreSQL docs, "Making a Base Backup Using the
 * Low Level API", and pg_basebackup's own list): rebuilt at start or meaningless in a copy. The
 * directories themselves are kept (empty), since the server expects them.
 */
const SKIP_CONTENTS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label.old', 'tablespace_map.old']);
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

/**
 * A base backup of the running cluster through the low-level API, on one held connection:
 *  1. a temporary physical replication slot (dropped with the session) keeps checkpoints from recycling
 *     the WAL the copy needs, since no WAL archiving is configured;
 *  2. pg_backup_start (non-exclusive; a spread checkpoint unless BACKUP_CHECKPOINT=fast), copy the data
 *     directory (paced: BACKUP_READ_MB_PER_SECOND);
 *  3. the consistency point: writes to every table are held (LOCK ... IN SHARE MODE waits for writers in
 *     flight and blocks new ones, bounded by a lock timeout and retried), a snapshot is exported and
 *     pg_backup_stop + pg_switch_wal run, then writes resume. The restored cluster replays WAL up to that
 *     switch, so it holds exactly what the exported snapshot saw: row counts taken in that snapshot
 *     (after writes resumed) are what a restore must show. Counting reads every table: its backend runs
 *     at the lowest CPU and I/O priority and without parallel workers (which would run at normal priority
 *     on other cores), so the portal's queries go first;
 *  4. the WAL segments from start to stop, and the backup_label pg_backup_stop returned.
 */
async function archiveCluster(
  tar: TarWriter,
  ownerUrl: string,
  checkpoint: BackupCheckpoint,
  hooks: Hooks,
): Promise<DatabaseManifest> {
  // Named, so that pg_stat_activity shows the backup's sessions (and a test can find them).
  const sql = postgres(ownerUrl, {
    max: 3,
    onnotice: () => {},
    idle_timeout: 5,
    connection: { application_name: BACKUP_APPLICATION_NAME },
  });
  try {
    const a = await sql.reserve();
    try {
      const [info] = await a`select current_setting('data_directory') as dir, current_setting('server_version') as v`;
      const pgdata = String(info?.dir);
      const slot = `gatehouse_backup_${randomBytes(6).toString('hex')}`;
      await a`select pg_create_physical_replication_slot(${slot}, true, true)`;
      const c0 = performance.now();
      const [start] =
        await a`select pg_backup_start(${`gatehouse ${new Date().toISOString()}`}, ${checkpoint === 'fast'})::text as lsn`;
      const checkpointMs = Math.round(performance.now() - c0);
      await archiveTree(tar, pgdata, '', 'postgres/cluster');
      const held = await holdWritesAndStop(sql, a, hooks);
      const [names] = await a`select pg_walfile_name(${start?.lsn}::pg_lsn) as first,
                                     pg_walfile_name(${held.stopLsn}::pg_lsn) as last`;
      const first = String(names?.first);
      const last = String(names?.last);
      const walDir = path.join(pgdata, 'pg_wal');
      const inWal = await readdir(walDir);
      const segments = inWal.filter((f) => WAL_SEGMENT.test(f) && f >= first && f <= last).sort();
      const expected = segmentRange(first, last);
      const missing = expected.filter((s) => !segments.includes(s));
      if (missing.length > 0) throw new Error(`WAL segment ${missing[0]} needed by the backup is gone`);
      for (const f of inWal.filter((f) => f.endsWith('.history'))) {
        await archiveFile(tar, path.join(walDir, f), `postgres/cluster/pg_wal/${f}`);
      }
      for (const s of segments) await archiveFile(tar, path.join(walDir, s), `postgres/cluster/pg_wal/${s}`);
      await tar.buffer('postgres/cluster/backup_label', Buffer.from(held.labelFile));
      if (held.spcmapFile) await tar.buffer('postgres/cluster/tablespace_map', Buffer.from(held.spcmapFile));
      return {
        included: true,
        serverVersion: String(info?.v),
        checkpoint,
        checkpointMs,
        startLsn: String(start?.lsn),
        stopLsn: held.stopLsn,
        walSegments: segments,
        consistentAt: held.consistentAt,
        writesHeldMs: held.heldMs,
        migrations: held.migrations,
        rowCounts: held.rowCounts,
      };
    } finally {
      a.release();
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Segment names from `first` to `last` on one timeline (name = timeline, log, segment within the log). */
function segmentRange(first: string, last: string): string[] {
  const tli = first.slice(0, 8);
  if (last.slice(0, 8) !== tli) return [first, last];
  const perLog = 0x100000000 / (16 * 1024 * 1024); // default 16 MB segments (embedded initdb default)
  const num = (n: string) => Number.parseInt(n.slice(8, 16), 16) * perLog + Number.parseInt(n.slice(16), 16);
  const out: string[] = [];
  for (let i = num(first); i <= num(last); i++) {
    const log = Math.floor(i / perLog);
    const seg = i % perLog;
    out.push(
      `${tli}${log.toString(16).toUpperCase().padStart(8, '0')}${seg.toString(16).toUpperCase().padStart(8, '0')}`,
    );
  }
  return out;
}

async function archiveFile(tar: TarWriter, abs: string, name: string) {
  const s = await lstat(abs);
  await tar.file(name, abs, s.size, s.mode, s.mtime);
}

async function archiveTree(tar: TarWriter, root: string, rel: string, prefix: string) {
  const here = path.join(root, rel);
  const s = await lstat(here).catch(() => null);
  if (!s) return;
  await tar.dir(rel ? `${prefix}/${rel}` : prefix, s.mode & 0o7777);
  const skipContents = SKIP_CONTENTS.has(rel);
  const entries = await readdir(here).catch(() => [] as string[]);
  for (const e of entries.sort()) {
    const r = rel ? `${rel}/${e}` : e;
    if (SKIP_FILES.has(r) || e === 'pg_internal.init' || e.startsWith('pgsql_tmp')) continue;
    const st = await lstat(path.join(root, r)).catch(() => null); // dropped meanwhile: fine, WAL says so
    if (!st) continue;
    if (st.isDirectory()) {
      if (skipContents) {
        if (r === 'pg_wal/archive_status') await tar.dir(`${prefix}/${r}`, st.mode & 0o7777);
        continue;
      }
      await archiveTree(tar, root, r, prefix);
    } else if (st.isFile()) {
      if (skipContents) continue;
      await tar.file(`${prefix}/${r}`, path.join(root, r), st.size, st.mode & 0o7777, st.mtime);
    } else if (st.isSymbolicLink()) {
      throw new Error(`${r} is a symbolic link (a tablespace?): not supported by the embedded backup`);
    }
  }
}

interface Held {
  stopLsn: string;
  labelFile: string;
  spcmapFile: string;
  consistentAt: string;
  heldMs: number;
  migrations: number;
  rowCounts: Record<string, number>;
}

const LOCK_TIMEOUT_MS = 200;
const LOCK_ATTEMPTS = 50;

async function holdWritesAndStop(sql: postgres.Sql, a: postgres.ReservedSql, hooks: Hooks): Promise<Held> {
  const tables = (
    await sql`select format('%I.%I', n.nspname, c.relname) as name
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.relkind in ('r', 'p') and not c.relispartition and c.relpersistence = 'p'
                 and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
               order by 1`
  ).map((r) => String(r.name));
  const t = await sql.reserve();
  const c = await sql.reserve();
  try {
    const [backend] = await c`select pg_backend_pid() as pid`;
    let snapshot: string | null = null;
    let heldAt = 0;
    // The lock timeout stays well under deadlock_timeout (1 s): if a writer holding one table waits for
    // another we hold, we give way (and retry) before PostgreSQL would abort the writer instead.
    for (let attempt = 1; !snapshot; attempt++) {
      await t`begin isolation level repeatable read`;
      try {
        await t.unsafe(`set local lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
        await t.unsafe(`lock table ${tables.join(', ')} in share mode`);
        heldAt = performance.now();
        const [r] = await t`select pg_export_snapshot() as s`;
        snapshot = String(r?.s);
      } catch (e) {
        await t`rollback`;
        if ((e as { code?: string }).code !== '55P03') throw e;
        if (attempt >= LOCK_ATTEMPTS)
          throw new Error(
            `writes did not pause for the consistency point in ${LOCK_ATTEMPTS} attempts of ${LOCK_TIMEOUT_MS} ms (a long-running write transaction?)`,
          );
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 100));
      }
    }
    let stop: postgres.Row | undefined;
    let consistentAt: string;
    try {
      [stop] = await a`select lsn::text as lsn, labelfile, spcmapfile from pg_backup_stop(false)`;
      await a`select pg_switch_wal()`;
      const [now] = await a`select clock_timestamp() as at`;
      consistentAt = new Date(now?.at as Date).toISOString();
      await c`begin isolation level repeatable read read only`;
      await c.unsafe(`set transaction snapshot '${snapshot.replace(/'/g, '')}'`);
      await hooks.onConsistencyPoint?.();
    } finally {
      await t`commit`.catch(() => undefined);
    }
    const heldMs = Math.round(performance.now() - heldAt);
    // Only now that writes flow again (a backend this low could be kept waiting while it holds them).
    await lowerPriority(Number(backend?.pid));
    await c`set local max_parallel_workers_per_gather = 0`;
    await hooks.onCounting?.();
    const rowCounts: Record<string, number> = {};
    for (const table of tables) {
      const [r] = await c.unsafe(`select count(*)::bigint::text as n from ${table}`);
      rowCounts[table] = Number(r?.n);
    }
    const migrations = rowCounts['drizzle.__drizzle_migrations'] ?? 0;
    await c`commit`;
    return {
      stopLsn: String(stop?.lsn),
      labelFile: String(stop?.labelfile),
      spcmapFile: String(stop?.spcmapfile ?? ''),
      consistentAt,
      heldMs,
      migrations,
      rowCounts,
    };
  } finally {
    t.release();
    c.release();
  }
}

/** When a backup was taken, from its name `gatehouse-<UTC time>`. */
export function timeOfBackup(id: string): Date {
  const s = (BACKUP_NAME.exec(id) as RegExpExecArray)[1] as string;
  return new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`,
  );
}

/** Backups in `dir`, newest first. */
export async function listBackups(dir: string): Promise<{ id: string; at: Date; path: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => BACKUP_NAME.test(n) && existsSync(path.join(dir, n, MANIFEST)))
    .map((n) => ({ id: n, at: timeOfBackup(n), path: path.join(dir, n) }))
    .sort((x, y) => (x.id < y.id ? 1 : -1));
}

/**
 * The retention rule, for a list newest first (on disk and in a bucket alike): keeps the newest `count`
 * backups and none older than `days`, but always the newest one. Returns those to remove.
 */
export function retentionVictims<T extends { at: Date }>(all: T[], retain: { count: number; days: number }, now: Date) {
  const cutoff = now.getTime() - retain.days * 86_400_000;
  return all.filter((b, i) => i > 0 && (i >= retain.count || b.at.getTime() < cutoff));
}

/** Applies the retention rule to the backups in `dir`; returns the ids removed. */
export async function applyRetention(dir: string, retain: { count: number; days: number }, now: Date) {
  const removed: string[] = [];
  for (const b of retentionVictims(await listBackups(dir), retain, now)) {
    await rm(b.path, { recursive: true, force: true });
    removed.push(b.id);
  }
  return removed;
}

/** The off-host copy: copied under a temporary name, its parts checked against the manifest, then named. */
async function copyBackup(from: string, toDir: string, manifest: Manifest): Promise<string> {
  await mkdir(toDir, { recursive: true, mode: 0o700 });
  const partial = path.join(toDir, `.partial-${manifest.id}`);
  await rm(partial, { recursive: true, force: true });
  await cp(from, partial, { recursive: true });
  for (const p of manifest.parts) {
    const sha = await sha256File(path.join(partial, p.name));
    if (sha !== p.sha256) {
      await rm(partial, { recursive: true, force: true });
      throw new Error(`the copy of ${p.name} in ${toDir} does not match the manifest`);
    }
  }
  const final = path.join(toDir, manifest.id);
  await rename(partial, final);
  return final;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(c as Buffer);
  return hash.digest('hex');
}
