import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from '../config.ts';
import { assertHash, type BlobStore } from './store.ts';

/** Multipart part size; lib-storage holds about one part per upload in memory (queueSize 1). */
const PART_BYTES = 5 * 1024 * 1024;

export type { S3Settings };

export function s3Client(s3: S3Settings): S3Client {
  return new S3Client({
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    forcePathStyle: s3.forcePathStyle,
    // Without keys here the SDK's own chain applies (AWS_* variables, a profile, an instance role).
    ...(s3.accessKeyId && s3.secretAccessKey
      ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
      : {}),
    // Checksums only where the API requires them: the SDK's newer default (a CRC trailer on every upload)
    // is refused by several S3-compatible servers, and every blob is checked by its SHA-256 anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const isMissing = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404;
};

/**
 * FILES_STORE=s3: uploaded files in an S3-compatible bucket (docs/adr/0004), under `<prefix>blobs/ab/<sha256>`.
 * An upload streams into `<prefix>staging/<uuid>` (multipart, one part in memory at a time); commit
 * copies it under its hash unless that object exists already (content-addressed: the same key always
 * holds the same bytes, so a race between two instances writes identical objects), then deletes the
 * staged object. Give the staging prefix a lifecycle rule (expire after a day) for uploads whose server died.
 */
export function s3BlobStore(s3: S3Settings, client: S3Client = s3Client(s3)): BlobStore {
  const { bucket, prefix } = s3;
  const blobKey = (sha256: string) => {
    assertHash(sha256);
    return `${prefix}blobs/${sha256.slice(0, 2)}/${sha256}`;
  };
  const del = (Key: string) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
  const exists = (Key: string) =>
    client.send(new HeadObjectCommand({ Bucket: bucket, Key })).then(
      () => true,
      (e: unknown) => {
        if (isMissing(e)) return false;
        throw e;
      },
    );
  async function* keys(under: string) {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${under}`, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield o.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  /** Staged here and not yet settled: an upload still streaming has no object to list yet. */
  const open = new Set<string>();
  return {
    async stage() {
      const key = `${prefix}staging/${randomUUID()}`;
      open.add(key);
      const stream = new PassThrough();
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: stream, ContentType: 'application/octet-stream' },
        partSize: PART_BYTES,
        queueSize: 1,
        leavePartsOnError: false,
      });
      const uploaded = upload.done();
      uploaded.catch(() => undefined); // awaited by commit; a discarded upload's rejection is expected
      let done = false;
      return {
        stream,
        async commit(sha256) {
          const target = blobKey(sha256);
          if (done) throw new Error('staged blob already settled');
          done = true;
          try {
            await uploaded;
            if (await exists(target)) return { created: false };
            await client.send(
              new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${encodeURI(key)}` }),
            );
            return { created: true };
          } finally {
            await del(key).catch(() => undefined);
            open.delete(key);
          }
        },
        async discard() {
          if (done) return;
          done = true;
          stream.destroy();
          await upload.abort().catch(() => undefined);
          await uploaded.catch(() => undefined);
          await del(key).catch(() => undefined);
          open.delete(key);
        },
      };
    },
    async open(sha256) {
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: blobKey(sha256) }));
        return { stream: got.Body as Readable, size: Number(got.ContentLength ?? 0) };
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    },
    async remove(sha256) {
      await del(blobKey(sha256));
    },
    async pendingStaged() {
      const all = new Set(open);
      for await (const k of keys('staging/')) all.add(k);
      return all.size;
    },
    async list() {
      const out: string[] = [];
      for await (const k of keys('blobs/')) out.push(k.slice(k.lastIndexOf('/') + 1));
      return out;
    },
  };
}
