import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { blobsRepo, type Database, type Tx } from '@gatehouse/db';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { assertHash, type BlobStore } from './store.ts';

/** Bytes per `blob_chunks` row: at most this much of a file is in memory at once, per upload or download. */
export const PG_CHUNK_BYTES = 1024 * 1024;
/** A staging area untouched this long belongs to an upload that died with its server; the next upload sweeps it. */
const STALE_STAGING_MS = 24 * 3_600_000;

/**
 * FILES_STORE=postgres: uploaded files in the database every instance already shares (docs/adr/0004).
 * Each chunk is written in its own short transaction as the upload arrives (no connection is held
 * for a slow client), and read back one chunk per read as the download drains, so neither side ever
 * holds a file whole. Every statement runs in the system scope: the tables are system-only under RLS.
 */
export function pgBlobStore(db: Database, chunkBytes = PG_CHUNK_BYTES): BlobStore {
  const system = <T>(fn: (tx: Tx) => Promise<T>) => db.tx(SYSTEM_SCOPE, fn);
  return {
    async stage() {
      const contentId = randomUUID();
      await system((tx) => blobsRepo.stage(tx, contentId, new Date(Date.now() - STALE_STAGING_MS)));
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let done = false;
      // The chunk insert under way, so discard() deletes only after it (no orphaned chunk row).
      let writing: Promise<unknown> = Promise.resolve();
      const flush = async (all: boolean) => {
        while (pendingBytes >= chunkBytes || (all && pendingBytes > 0)) {
          const joined = Buffer.concat(pending);
          const piece = joined.subarray(0, chunkBytes);
          const rest = joined.subarray(piece.length);
          pending = rest.length > 0 ? [rest] : [];
          pendingBytes = rest.length;
          const n = seq++;
          writing = system((tx) => blobsRepo.appendChunk(tx, contentId, n, piece));
          await writing;
        }
      };
      const stream = new Writable({
        // The callback waits for the row to be written: a writer that honours backpressure (the upload
        // route does) never gets more than about one chunk ahead of the database.
        write(chunk: Buffer, _enc, cb) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          flush(false).then(() => cb(), cb);
        },
        final(cb) {
          flush(true).then(() => cb(), cb);
        },
      });
      const finished = () =>
        new Promise<void>((resolve, reject) => {
          if (stream.writableFinished) return resolve();
          if (stream.destroyed) return reject(new Error('staged blob was destroyed before it finished'));
          stream.once('finish', () => resolve());
          stream.once('error', reject);
        });
      return {
        stream,
        async commit(sha256) {
          assertHash(sha256);
          if (done) throw new Error('staged blob already settled');
          done = true;
          await finished();
          return system((tx) => blobsRepo.commit(tx, contentId, sha256));
        },
        async discard() {
          if (done) return;
          done = true;
          stream.destroy();
          await writing.catch(() => undefined);
          await system((tx) => blobsRepo.discard(tx, contentId));
        },
      };
    },
    async open(sha256) {
      assertHash(sha256);
      const found = await db.readOne(SYSTEM_SCOPE, (tx) => blobsRepo.find(tx, sha256));
      if (!found) return null;
      let seq = 0;
      const stream = new Readable({
        read() {
          const n = seq++;
          db.readOne(SYSTEM_SCOPE, (tx) => blobsRepo.chunk(tx, found.contentId, n)).then(
            (data) => this.push(data),
            (err: Error) => this.destroy(err),
          );
        },
      });
      return { stream, size: found.sizeBytes };
    },
    async remove(sha256) {
      assertHash(sha256);
      await system((tx) => blobsRepo.remove(tx, sha256));
    },
    pendingStaged: () => db.readOne(SYSTEM_SCOPE, (tx) => blobsRepo.pendingStaged(tx)),
    list: () => db.read(SYSTEM_SCOPE, (tx) => blobsRepo.list(tx)),
  };
}
