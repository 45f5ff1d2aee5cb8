import type { Database } from '@gatehouse/db';
import type { Config } from '../config.ts';
import { pgBlobStore } from './pg-store.ts';
import { s3BlobStore } from './s3-store.ts';
import { type BlobStore, fsBlobStore } from './store.ts';

/** The store FILES_STORE names: `fs` (default, this machine's disk), `postgres` or `s3` (shared by every instance). */
export function openBlobStore(config: Config, db: Database): BlobStore {
  const { store, dir, s3 } = config.files;
  if (store === 'postgres') return pgBlobStore(db);
  if (store === 's3' && s3) return s3BlobStore(s3);
  return fsBlobStore(dir);
}
