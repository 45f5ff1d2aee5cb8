import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BACKUP_NAME, MANIFEST, MANIFEST_SIG, type Manifest, retentionVictims, timeOfBackup } from './backup.ts';

/**
 * The off-host copy in an S3-compatible bucket (BACKUP_S3_BUCKET): each backup under `<prefix><id>/`, its
 * encrypted parts first, then the manifest (and its signature) last, so a copy without a manifest is one
 * that did not finish. Every part is read back and its SHA-256 checked against the manifest before the
 * manifest is written: a copy that names itself complete is one whose bytes were seen to match. The bucket
 * holds only what the server can write: encrypted parts (it cannot read them) and the signed manifest.
 */
export interface S3Target {
  client: S3Client;
  bucket: string;
  /** Ends with "/" or is empty. */
  prefix: string;
}

/** Multipart part size; lib-storage holds about one part per upload in memory (queueSize 1). */
const PART_BYTES = 8 * 1024 * 1024;

const key = (t: S3Target, id: string, name: string) => `${t.prefix}${id}/${name}`;
export const s3Url = (t: S3Target, id: string) => `s3://${t.bucket}/${t.prefix}${id}/`;

async function sha256Of(body: Readable) {
  const hash = createHash('sha256');
  for await (const c of body) hash.update(c as Buffer);
  return hash.digest('hex');
}

async function readAll(body: Readable) {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function getStream(t: S3Target, k: string): Promise<Readable> {
  const out = await t.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: k }));
  return out.Body as Readable;
}

/** Copies the backup in `dir` (already complete and named) to the bucket; returns its s3:// URL. */
export async function copyToS3(t: S3Target, dir: string, manifest: Manifest): Promise<string> {
  for (const p of manifest.parts) {
    await new Upload({
      client: t.client,
      params: { Bucket: t.bucket, Key: key(t, manifest.id, p.name), Body: createReadStream(path.join(dir, p.name)) },
      partSize: PART_BYTES,
      queueSize: 1,
    }).done();
    const seen = await sha256Of(await getStream(t, key(t, manifest.id, p.name)));
    if (seen !== p.sha256)
      throw new Error(`the copy of ${p.name} in ${s3Url(t, manifest.id)} does not match the manifest`);
  }
  for (const name of [MANIFEST_SIG, MANIFEST]) {
    const body = await readFile(path.join(dir, name)).catch(() => null);
    if (body === null) continue; // no signature without an audit key
    await t.client.send(new PutObjectCommand({ Bucket: t.bucket, Key: key(t, manifest.id, name), Body: body }));
  }
  return s3Url(t, manifest.id);
}

/** Every object key under the prefix, by backup id (keys outside a backup's folder are left alone). */
async function objectsById(t: S3Target): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>();
  let token: string | undefined;
  do {
    const page = await t.client.send(
      new ListObjectsV2Command({ Bucket: t.bucket, Prefix: t.prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const rest = (o.Key ?? '').slice(t.prefix.length);
      const id = rest.split('/')[0] ?? '';
      if (!BACKUP_NAME.test(id) || !rest.includes('/')) continue;
      byId.set(id, [...(byId.get(id) ?? []), o.Key as string]);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return byId;
}

/** Complete copies in the bucket (those with a manifest), newest first. */
export async function listS3Backups(t: S3Target): Promise<{ id: string; at: Date }[]> {
  const byId = await objectsById(t);
  return [...byId.entries()]
    .filter(([id, keys]) => keys.includes(key(t, id, MANIFEST)))
    .map(([id]) => ({ id, at: timeOfBackup(id) }))
    .sort((x, y) => (x.id < y.id ? 1 : -1));
}

/**
 * The same retention as on disk (count and age, always keeping the newest complete copy), plus copies that
 * never finished (no manifest) once they are a day old: a copy cut off by a crash.
 */
export async function applyS3Retention(t: S3Target, retain: { count: number; days: number }, now: Date) {
  const byId = await objectsById(t);
  const complete = [...byId.keys()]
    .filter((id) => byId.get(id)?.includes(key(t, id, MANIFEST)))
    .map((id) => ({ id, at: timeOfBackup(id) }))
    .sort((x, y) => (x.id < y.id ? 1 : -1));
  const victims = retentionVictims(complete, retain, now).map((b) => b.id);
  const unfinished = [...byId.keys()].filter(
    (id) => !byId.get(id)?.includes(key(t, id, MANIFEST)) && now.getTime() - timeOfBackup(id).getTime() > 86_400_000,
  );
  for (const id of [...victims, ...unfinished]) {
    const keys = byId.get(id) ?? [];
    for (let i = 0; i < keys.length; i += 1000) {
      await t.client.send(
        new DeleteObjectsCommand({
          Bucket: t.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }
  return victims.map((id) => `${s3Url(t, id)}`);
}

/**
 * `gatehouse backup fetch [id]`: downloads a complete copy (the newest by default) into `dir`, each part
 * checked against the manifest before the backup is named there; then `backup verify` or `restore` use it.
 */
export async function fetchFromS3(t: S3Target, dir: string, id?: string): Promise<{ id: string; path: string }> {
  const list = await listS3Backups(t);
  const chosen = id ? list.find((b) => b.id === id) : list[0];
  if (!chosen)
    throw new Error(
      id ? `There is no complete backup ${id} in ${s3Url(t, '')}.` : 'The bucket holds no complete backup.',
    );
  const final = path.join(dir, chosen.id);
  if (existsSync(final)) throw new Error(`${chosen.id} is in ${dir} already.`);
  const partial = path.join(dir, `.partial-${chosen.id}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { mode: 0o700 });
  try {
    const manifestText = await readAll(await getStream(t, key(t, chosen.id, MANIFEST)));
    const manifest = JSON.parse(manifestText.toString('utf8')) as Manifest;
    for (const p of manifest.parts) {
      const file = path.join(partial, p.name);
      const hash = createHash('sha256');
      const body = await getStream(t, key(t, chosen.id, p.name));
      body.on('data', (c: Buffer) => hash.update(c));
      await pipeline(body, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      if (hash.digest('hex') !== p.sha256)
        throw new Error(`${p.name} in ${s3Url(t, chosen.id)} does not match its manifest; the copy is damaged.`);
    }
    await writeFile(path.join(partial, MANIFEST), manifestText, { mode: 0o600 });
    const sig = await getStream(t, key(t, chosen.id, MANIFEST_SIG)).then(readAll, () => null);
    if (sig !== null) await writeFile(path.join(partial, MANIFEST_SIG), sig, { mode: 0o600 });
    await rename(partial, final);
    return { id: chosen.id, path: final };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
