import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type BackupDeps,
  backupBucket,
  fetchFromS3,
  generateBackupKey,
  listS3Backups,
  runBackup,
  runVerify,
} from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfBytes, uploadDocument } from './support/files.ts';
import { client, createPartyWithUser, startTestServer } from './support/harness.ts';
import { startS3 } from './support/s3.ts';

/**
 * The backups' off-host copy in an S3-compatible bucket (s3rver on loopback): each backup lands there
 * complete and checked, retention applies to the bucket as to the disk, an unfinished copy is cleared
 * after a day, and `backup fetch` brings a copy back (refusing a damaged one) for `backup verify`.
 */
let root: string;
let s3: Awaited<ReturnType<typeof startS3>>;
let srv: Awaited<ReturnType<typeof startTestServer>>;
let owner: postgres.Sql;
let deps: BackupDeps;
const identityFile = () => path.join(root, 'identity.txt');

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gh-backup-s3-'));
  s3 = await startS3('gatehouse-backups');
  const recipient = await generateBackupKey(identityFile());
  // External PostgreSQL (the shared test cluster): the backup holds files and keys, which is what this
  // test is about; the database part is test/backup.test.ts's.
  const { FILES_STORE: _fs, S3_BUCKET: _b, ...connection } = s3.env;
  srv = await startTestServer({
    ...connection,
    BACKUP_RECIPIENT: recipient,
    BACKUP_DIR: path.join(root, 'backups'),
    BACKUP_S3_BUCKET: s3.bucket,
    BACKUP_S3_PREFIX: 'site-a',
    BACKUP_RETAIN_COUNT: '2',
  });
  deps = {
    config: srv.config,
    db: srv.services.db,
    ownerUrl: srv.ownerUrl,
    store: srv.services.files,
    signer: srv.services.auditSigner,
    clock: srv.clock,
  };
  owner = postgres(srv.ownerUrl, { max: 1, onnotice: () => {} });
  // One uploaded file, so the backup's files part holds a blob.
  const supplier = await createPartyWithUser(srv.db, 'supplier', ['supplier-admin']);
  const c = client(srv.origin);
  await c.auth.login.mutate(supplier);
  const [type] = await owner`select id from document_types where key = 'tax-form'`;
  const up = await uploadDocument(
    srv.origin,
    c,
    { typeId: String(type?.id), expiresOn: '2030-01-01' },
    {
      name: 'w9.pdf',
      bytes: pdfBytes(4096, 'off-host copy'),
    },
  );
  expect(up.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await owner?.end();
  await srv?.close();
  await s3?.close();
  await rm(root, { recursive: true, force: true });
});

const bucket = () => backupBucket(srv.config) as NonNullable<ReturnType<typeof backupBucket>>;
const keysIn = async () =>
  ((await bucket().client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key);

describe('the off-host copy in a bucket', () => {
  it('copies each backup complete (parts, then the signed manifest) and keeps the retention there too', async () => {
    const first = await runBackup(deps);
    expect(first.s3CopiedTo).toBe(`s3://${s3.bucket}/site-a/${first.id}/`);
    expect((await keysIn()).sort()).toEqual(
      [
        `site-a/${first.id}/files.tar.age`,
        `site-a/${first.id}/manifest.json`,
        `site-a/${first.id}/manifest.sig`,
      ].sort(),
    );
    // The bucket holds the encrypted part byte for byte.
    const got = await bucket().client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `site-a/${first.id}/files.tar.age` }),
    );
    const bytes = Buffer.from(
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    const [run] = await owner`select details from backup_runs where backup_id = ${first.id}`;
    expect(run?.details.s3CopiedTo).toBe(first.s3CopiedTo);

    // Two more backups, a day apart: with BACKUP_RETAIN_COUNT=2 the oldest leaves the disk and the bucket.
    srv.clock.advance(86_400_000);
    const second = await runBackup(deps);
    srv.clock.advance(86_400_000);
    const third = await runBackup(deps);
    expect(third.removed).toEqual([first.id, `s3://${s3.bucket}/site-a/${first.id}/`]);
    expect((await listS3Backups(bucket())).map((b) => b.id)).toEqual([third.id, second.id]);
    expect((await keysIn()).some((k) => k?.includes(first.id))).toBe(false);
  }, 120_000);

  it('clears a copy that never finished (no manifest) once it is a day old, and only then', async () => {
    const stale = 'gatehouse-20200101T000000000Z';
    await bucket().client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: `site-a/${stale}/files.tar.age`, Body: 'cut off' }),
    );
    // Another system's object under the prefix is never touched.
    await bucket().client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'site-a/README.txt', Body: 'hands off' }),
    );
    srv.clock.advance(3_600_000);
    await runBackup(deps);
    const keys = await keysIn();
    expect(keys.some((k) => k?.includes(stale))).toBe(false);
    expect(keys).toContain('site-a/README.txt');
  }, 60_000);

  it('fetches the newest copy back into an empty directory, where it verifies; a damaged copy is refused', async () => {
    const [newest] = await listS3Backups(bucket());
    const elsewhere = path.join(root, 'new-host');
    const got = await fetchFromS3(bucket(), elsewhere);
    expect(got.id).toBe(newest?.id);
    const report = await runVerify(
      { ...deps, config: { ...deps.config, backup: { ...deps.config.backup, dir: elsewhere } } },
      { identityFile: identityFile() },
    );
    expect(report.failure).toBeNull();
    expect(report.checks.find((c) => c.name === 'files')?.ok).toBe(true);
    // Fetching it again is refused: it is there already.
    await expect(fetchFromS3(bucket(), elsewhere, got.id)).rejects.toThrow(/already/);

    // One part changed in the bucket: the fetch names it and leaves nothing behind.
    await bucket().client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: `site-a/${got.id}/files.tar.age`, Body: 'tampered' }),
    );
    const third = path.join(root, 'third-host');
    await expect(fetchFromS3(bucket(), third)).rejects.toThrow(/files\.tar\.age .* does not match its manifest/);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(third)).toEqual([]);
  }, 120_000);
});
