import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { appUrlFrom, createDatabase, MIGRATIONS_DIR, startEmbedded } from '@gatehouse/db';
import { Decrypter } from 'age-encryption';
import postgres from 'postgres';
import { verifyCheckpoints } from '../audit/checkpoints.ts';
import { signatureValid } from '../audit/signing.ts';
import { verifyAuditChains } from '../audit/verify.ts';
import { appRolePassword, contextKey } from '../keys.ts';
import { listBackups, MANIFEST, MANIFEST_SIG, type Manifest, sha256File } from './backup.ts';
import { BackupCheckError } from './errors.ts';
import { pullStream, readTar } from './tar.ts';

export { BackupCheckError };

/** A backup directory given as a path, or an id within `dir`; "latest" (or nothing) means the newest. */
export async function resolveBackup(dir: string, which?: string): Promise<string> {
  if (which && which !== 'latest') {
    const p = existsSync(path.join(which, MANIFEST)) ? which : path.join(dir, which);
    if (!existsSync(path.join(p, MANIFEST))) throw new BackupCheckError(`No backup at ${which} (no ${MANIFEST}).`);
    return path.resolve(p);
  }
  const [newest] = await listBackups(dir);
  if (!newest) throw new BackupCheckError(`No backup in ${dir}.`);
  return newest.path;
}

export async function readManifest(backup: string): Promise<{ manifest: Manifest; json: string }> {
  const json = await readFile(path.join(backup, MANIFEST), 'utf8');
  return { manifest: JSON.parse(json) as Manifest, json };
}

const ALLOWED_PREFIX: Record<string, string[]> = {
  'database.tar.age': ['postgres/'],
  'files.tar.age': ['files/', 'keys/'],
};

/** Where a key from the backup goes in a data directory. */
const KEY_PLACES: Record<string, string> = { secret: 'secret', 'audit-signing-key.pem': 'audit-signing-key.pem' };

/**
 * Decrypts and unpacks a backup into `target` laid out as GATEHOUSE_DATA_DIR: postgres/ (the cluster
 * with its backup_label and WAL: its first start replays to the consistency point), files/blobs/, and
 * the keys. Each part's SHA-256 is checked against the manifest first, and every blob's content against
 * its name while it is written. Returns the blobs found, by hash, with whether their content matched.
 */
export async function unpackBackup(backup: string, identity: string, target: string) {
  const { manifest } = await readManifest(backup);
  for (const p of manifest.parts) {
    const file = path.join(backup, p.name);
    if (!existsSync(file)) throw new BackupCheckError(`${p.name} is missing from the backup`);
    if ((await sha256File(file)) !== p.sha256)
      throw new BackupCheckError(
        `${p.name}: its SHA-256 does not match the manifest (the archive was changed or damaged)`,
      );
  }
  const blobs = new Map<string, boolean>();
  for (const p of manifest.parts) {
    const allowed = ALLOWED_PREFIX[p.name];
    if (!allowed) throw new BackupCheckError(`${p.name}: not a part this version knows`);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    let plain: Readable;
    try {
      const web = await decrypter.decrypt(
        pullStream(createReadStream(path.join(backup, p.name), { highWaterMark: 1 << 20 })),
      );
      plain = Readable.fromWeb(web as import('node:stream/web').ReadableStream<Uint8Array>);
    } catch (e) {
      throw new BackupCheckError(`${p.name}: cannot be decrypted with this identity (${(e as Error).message})`);
    }
    try {
      for await (const entry of readTar(plain)) {
        if (!allowed.some((a) => entry.name.startsWith(a)))
          throw new BackupCheckError(`${p.name}: unexpected entry ${entry.name}`);
        let rel = entry.name;
        if (rel.startsWith('keys/')) {
          const place = KEY_PLACES[rel.slice(5)];
          if (!place) continue;
          rel = place;
        }
        const out = path.join(target, rel);
        if (entry.type === 'dir') {
          await mkdir(out, { recursive: true, mode: entry.mode || 0o700 });
          continue;
        }
        await mkdir(path.dirname(out), { recursive: true, mode: 0o700 });
        const hash = createHash('sha256');
        await pipeline(
          Readable.from(entry.body),
          new Transform({
            transform(c: Buffer, _e, cb) {
              hash.update(c);
              cb(null, c);
            },
          }),
          createWriteStream(out, { mode: entry.mode & 0o777 || 0o600 }),
        );
        const m = /^files\/blobs\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(entry.name);
        if (m) blobs.set(m[1] as string, hash.digest('hex') === m[1]);
      }
    } catch (e) {
      if (e instanceof BackupCheckError) throw e;
      throw new BackupCheckError(`${p.name}: cannot be read (${(e as Error).message}): the archive is damaged`);
    }
  }
  if (manifest.database.included) await ownClusterByPostgres(path.join(target, 'postgres', 'cluster'));
  return { manifest, blobs };
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user (see db/src/embedded.ts), so the restored cluster
 * must be theirs; as anyone else it already belongs to the user who will start it. 0700 as initdb makes it.
 */
async function ownClusterByPostgres(dir: string) {
  await chmod(dir, 0o700);
  if (process.getuid?.() !== 0) return;
  const run = promisify(execFile);
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  const walk = async (p: string) => {
    await chown(p, uid, gid);
    if ((await stat(p)).isDirectory()) for (const e of await readdir(p)) await walk(path.join(p, e));
  };
  await walk(dir);
}

/** True when `dir` does not exist or is empty. */
async function isEmptyDir(dir: string) {
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return entries.length === 0;
}

/**
 * `gatehouse restore`: into a new (or empty) data directory. A non-empty one is refused unless `force`,
 * and a directory whose PostgreSQL is running is refused always: stop Gatehouse first.
 */
export async function restoreBackup(opts: { backup: string; identity: string; target: string; force?: boolean }) {
  const target = path.resolve(opts.target);
  const pid = path.join(target, 'postgres', 'cluster', 'postmaster.pid');
  if (existsSync(pid)) {
    const owner = Number.parseInt((await readFile(pid, 'utf8')).split('\n')[0] ?? '', 10);
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = true;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive)
      throw new BackupCheckError(`${target} holds a running PostgreSQL (process ${owner}): stop Gatehouse first.`);
  }
  if (!(await isEmptyDir(target))) {
    if (!opts.force)
      throw new BackupCheckError(
        `${target} is not empty: choose a new directory, or pass --force to replace what is there.`,
      );
    await rm(target, { recursive: true, force: true });
  }
  await mkdir(target, { recursive: true, mode: 0o700 });
  return unpackBackup(opts.backup, opts.identity, target);
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  backupId: string;
  ok: boolean;
  checks: Check[];
  /** The first check that failed, in words; null when all passed. */
  failure: string | null;
  bytes: number;
  durationMs: number;
}

/**
 * `gatehouse backup verify`: restores a backup into a scratch directory, starts a throwaway PostgreSQL
 * on it and checks, in order: the manifest's signature, each part's SHA-256, decryption, every blob
 * against its hash; that the cluster recovers; migrations at the manifest's count (and not beyond this
 * code's); row counts per table equal to those taken at the consistency point; every audit chain and
 * signed checkpoint; every file a document version names present with its SHA-256.
 */
export async function verifyBackup(opts: {
  backup: string;
  identity: string;
  /** PEM of the audit public key that signs manifests and checkpoints; undefined: the backup's own. */
  publicKeyPem: string | undefined;
  /** GATEHOUSE_SECRET, when the installation's secret comes from configuration rather than the backup. */
  secret?: Buffer;
  scratchDir?: string | undefined;
}): Promise<VerifyReport> {
  const t0 = performance.now();
  const checks: Check[] = [];
  const { manifest, json } = await readManifest(opts.backup);
  const bytes = manifest.parts.reduce((s, p) => s + p.bytes, 0);
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
  const report = (failure: string | null): VerifyReport => {
    if (failure) checks.push({ name: failure.split(':')[0] ?? 'verify', ok: false, detail: failure });
    return {
      backupId: manifest.id,
      ok: failure === null,
      checks,
      failure,
      bytes,
      durationMs: Math.round(performance.now() - t0),
    };
  };
  const scratch = await mkdtemp(path.join(opts.scratchDir ?? os.tmpdir(), 'gatehouse-verify-'));
  let cluster: Awaited<ReturnType<typeof startEmbedded>> | undefined;
  try {
    const sigFile = path.join(opts.backup, MANIFEST_SIG);
    let publicKey = opts.publicKeyPem;
    let unpacked: Awaited<ReturnType<typeof unpackBackup>>;
    try {
      unpacked = await unpackBackup(opts.backup, opts.identity, scratch);
    } catch (e) {
      if (e instanceof BackupCheckError) return report(`archive: ${e.message}`);
      throw e;
    }
    pass(
      'archive',
      `${manifest.parts.map((p) => `${p.name} (${p.bytes} bytes)`).join(', ')}: checksums match, decrypted`,
    );
    const restoredKey = path.join(scratch, 'audit-signing-key.pem');
    if (!publicKey && existsSync(restoredKey)) {
      const { createPublicKey } = await import('node:crypto');
      publicKey = createPublicKey(await readFile(restoredKey))
        .export({ type: 'spki', format: 'pem' })
        .toString();
    }
    if (existsSync(sigFile) && publicKey) {
      const sig = (await readFile(sigFile, 'utf8')).trim();
      if (!signatureValid(publicKey, json, sig))
        return report('manifest: not signed by the audit key (changed after it was written)');
      pass('manifest', 'signed by the audit key');
    }
    const bad = manifest.files.blobs.filter((b) => unpacked.blobs.get(b.sha256) !== true);
    if (bad[0])
      return report(
        `files: blob ${bad[0].sha256} of the manifest is ${unpacked.blobs.has(bad[0].sha256) ? 'damaged' : 'missing'}`,
      );
    pass('files', `${manifest.files.count} file(s), ${manifest.files.bytes} bytes, each matching its SHA-256`);
    if (!manifest.database.included) {
      pass('database', `not in this backup: ${manifest.database.reason}`);
      return report(null);
    }
    const expected = manifest.database;
    try {
      cluster = await startEmbedded({ dataDir: path.join(scratch, 'postgres'), database: 'gatehouse' });
    } catch (e) {
      return report(`recovery: the restored cluster did not start: ${(e as Error).message}`);
    }
    pass('recovery', `PostgreSQL ${expected.serverVersion} replayed WAL ${expected.startLsn} to ${expected.stopLsn}`);
    const owner = postgres(cluster.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      const [m] = await owner`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
        entries: unknown[];
      };
      const applied = Number(m?.n);
      if (applied !== expected.migrations)
        return report(`migrations: ${applied} applied in the restore, the manifest says ${expected.migrations}`);
      if (applied > journal.entries.length)
        return report(
          `migrations: the backup has ${applied}, this Gatehouse knows only ${journal.entries.length} (restore with a newer version)`,
        );
      pass('migrations', `${applied} applied (this version has ${journal.entries.length}; the rest apply on start)`);
      for (const [table, n] of Object.entries(expected.rowCounts)) {
        const [r] = await owner.unsafe(`select count(*)::bigint::text as n from ${table}`).catch(() => [null]);
        if (!r) return report(`row counts: table ${table} is missing from the restore`);
        if (Number(r.n) !== n) return report(`row counts: ${table} has ${r.n} rows, the manifest says ${n}`);
      }
      const total = Object.values(expected.rowCounts).reduce((s, n) => s + n, 0);
      pass(
        'row counts',
        `${Object.keys(expected.rowCounts).length} tables, ${total} rows, as at ${expected.consistentAt}`,
      );
      const docs = await owner`select distinct sha256 from document_versions`;
      for (const d of docs) {
        const sha = String(d.sha256);
        const state = unpacked.blobs.get(sha);
        if (state !== true)
          return report(
            `documents: the file ${sha} of a document version is ${state === false ? 'damaged' : 'missing from the backup'}`,
          );
      }
      pass('documents', `${docs.length} file(s) referenced by document versions, all present with their SHA-256`);
    } finally {
      await owner.end();
    }
    const secretFile = path.join(scratch, 'secret');
    const secret = existsSync(secretFile)
      ? Buffer.from((await readFile(secretFile, 'utf8')).trim(), 'utf8')
      : opts.secret;
    if (!secret) return report('audit: no installation secret to open the database with');
    const db = createDatabase({
      appUrl: appUrlFrom(cluster.ownerUrl, appRolePassword(secret)),
      contextKey: contextKey(secret),
      maxConnections: 2,
    });
    try {
      const chains = await verifyAuditChains(db);
      if (chains.problem)
        return report(
          `audit: ${chains.problem.message} (chain ${chains.problem.chainKey}, entry ${chains.problem.seq})`,
        );
      if (!publicKey) return report('audit: no audit public key to check the signed checkpoints with');
      const cps = await verifyCheckpoints(db, publicKey);
      if (cps.problem) return report(`audit: ${cps.problem.message}`);
      pass(
        'audit',
        `${chains.entries} entries in ${chains.chains} chain(s) verify; ${cps.checked} signed checkpoint(s) hold`,
      );
    } finally {
      await db.close();
    }
    return report(null);
  } finally {
    await cluster?.stop().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Writes a fresh age identity (0600) and returns its public recipient. */
export async function generateBackupKey(file: string): Promise<string> {
  const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  await writeFile(file, `# public key: ${recipient}\n${identity}\n`, { mode: 0o600, flag: 'wx' });
  return recipient;
}

/** An age identity file: the AGE-SECRET-KEY line (comments allowed, as age-keygen writes them). */
export async function readIdentity(file: string): Promise<string> {
  const line = (await readFile(file, 'utf8')).split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (!line) throw new BackupCheckError(`${file} holds no age identity (a line starting AGE-SECRET-KEY-).`);
  return line.trim();
}
