import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Where uploaded files live: addressed by their SHA-256, outside the web root, behind this interface.
 * FILES_STORE picks one (docs/adr/0004): the filesystem (`fsBlobStore`, one machine's disk), PostgreSQL
 * (`pgBlobStore`) or an S3-compatible bucket (`s3BlobStore`); the last two let several instances share files. A file is first written to a staging area
 * (`stage`), checked, and only then committed under its hash, or discarded: nothing half-written is ever
 * addressable.
 */
export interface BlobStore {
  /** A writable staging file; `commit` moves it under its hash, `discard` removes it. */
  stage(): Promise<StagedBlob>;
  /** The bytes stored under `sha256`, or null when there are none. */
  open(sha256: string): Promise<{ stream: Readable; size: number } | null>;
  /** Removes a blob (used only to undo a commit whose database row was rolled back). */
  remove(sha256: string): Promise<void>;
  /** Staged files not yet committed or discarded (tests check uploads leave none behind). */
  pendingStaged(): Promise<number>;
  /** Every committed blob's hash (tests, and a later garbage collector). */
  list(): Promise<string[]>;
}

export interface StagedBlob {
  readonly stream: Writable;
  /** Stores the staged bytes under `sha256`. `created`: false when the same bytes were already stored. */
  commit(sha256: string): Promise<{ created: boolean }>;
  discard(): Promise<void>;
}

const HASH = /^[0-9a-f]{64}$/;

/** Every store refuses a name that is not a SHA-256 hex digest (no path, no key, no other object). */
export function assertHash(sha256: string) {
  if (!HASH.test(sha256)) throw new Error('not a SHA-256 hex digest');
}

/** The default store: `<root>/blobs/ab/abcdef…` (sharded by the first byte) and `<root>/staging/`. */
export function fsBlobStore(root: string): BlobStore {
  const blobs = path.join(root, 'blobs');
  const staging = path.join(root, 'staging');
  const pathOf = (sha256: string) => {
    assertHash(sha256);
    return path.join(blobs, sha256.slice(0, 2), sha256);
  };
  return {
    async stage() {
      await mkdir(staging, { recursive: true, mode: 0o700 });
      const file = path.join(staging, randomUUID());
      const stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
      let done = false;
      const closed = () =>
        new Promise<void>((resolve) => {
          if (stream.closed) resolve();
          else stream.once('close', () => resolve());
        });
      return {
        stream,
        async commit(sha256) {
          if (done) throw new Error('staged blob already settled');
          done = true;
          const target = pathOf(sha256);
          await closed();
          await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
          let created = true;
          // link() fails if the target exists: two uploads of the same bytes share one blob, and a blob
          // once written is never overwritten.
          await link(file, target).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'EEXIST') throw e;
            created = false;
          });
          await unlink(file);
          return { created };
        },
        async discard() {
          if (done) return;
          done = true;
          stream.destroy();
          await closed();
          await rm(file, { force: true });
        },
      };
    },
    async open(sha256) {
      const file = pathOf(sha256);
      const s = await stat(file).catch(() => null);
      if (!s) return null;
      return { stream: createReadStream(file), size: s.size };
    },
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
    async pendingStaged() {
      return (await readdir(staging).catch(() => [])).length;
    },
    async list() {
      const shards = await readdir(blobs).catch(() => []);
      const all = await Promise.all(shards.map((s) => readdir(path.join(blobs, s)).catch(() => [])));
      return all.flat();
    },
  };
}
