import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from './store.ts';

export interface CopyResult {
  copied: number;
  /** Already in the target store (a re-run, or bytes another upload stored). */
  skipped: number;
  /** Hashes whose bytes in the source do not hash to their name: not copied. */
  corrupt: string[];
}

/**
 * Copies every blob of `from` into `to` (`pnpm gatehouse files import`, when an installation moves from
 * the filesystem to a shared store). Each blob streams through a SHA-256 on its way and is committed
 * only when its bytes match its name; one already in `to` is skipped, so a run can be repeated or resumed.
 */
export async function copyBlobs(
  from: BlobStore,
  to: BlobStore,
  onBlob?: (sha256: string, outcome: 'copied' | 'skipped' | 'corrupt') => void,
): Promise<CopyResult> {
  const result: CopyResult = { copied: 0, skipped: 0, corrupt: [] };
  for (const sha256 of await from.list()) {
    const there = await to.open(sha256);
    if (there) {
      there.stream.destroy();
      result.skipped += 1;
      onBlob?.(sha256, 'skipped');
      continue;
    }
    const source = await from.open(sha256);
    if (!source) continue; // removed while we ran
    const staged = await to.stage();
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(source.stream, hashing, staged.stream);
    } catch (e) {
      await staged.discard();
      throw e;
    }
    if (hash.digest('hex') !== sha256) {
      await staged.discard();
      result.corrupt.push(sha256);
      onBlob?.(sha256, 'corrupt');
      continue;
    }
    await staged.commit(sha256);
    result.copied += 1;
    onBlob?.(sha256, 'copied');
  }
  return result;
}
