import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { freeLoopbackPort, signContext } from '@gatehouse/db';
import { type BlobStore, contextKey, fsBlobStore, pgBlobStore, s3BlobStore } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cookieOf, pdfBytes, uploadDocument } from './support/files.ts';
import { client, createPartyWithUser, createTestDatabase, SYSTEM, startTestServer } from './support/harness.ts';
import { startS3 } from './support/s3.ts';

/**
 * The BlobStore contract, the same cases on every store FILES_STORE can name: the filesystem, PostgreSQL
 * and an S3-compatible server (s3rver, run locally). Then the upload route's core (upload, download,
 * refusal leaves nothing) through a real server on each store.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let s3: Awaited<ReturnType<typeof startS3>>;
let dir: string;
const stores = new Map<string, BlobStore>();

beforeAll(async () => {
  db = await createTestDatabase();
  s3 = await startS3();
  dir = await mkdtemp(path.join(os.tmpdir(), 'gh-blobs-'));
  stores.set('fs', fsBlobStore(dir));
  // A small chunk size here so that even the small cases span several rows.
  stores.set('postgres', pgBlobStore(db.db, 64 * 1024));
  stores.set(
    's3',
    s3BlobStore({
      bucket: s3.bucket,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      prefix: 'contract/',
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    }),
  );
});
afterAll(async () => {
  await db?.db.close();
  await s3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Writes `bytes` into a staged blob in pieces, honouring backpressure as the upload route does. */
async function writeStaged(store: BlobStore, bytes: Buffer, piece = 64 * 1024) {
  const staged = await store.stage();
  for (let i = 0; i < bytes.length; i += piece) {
    if (!staged.stream.write(bytes.subarray(i, i + piece)))
      await new Promise((r) => staged.stream.once('drain', () => r(undefined)));
  }
  await new Promise<void>((r) => staged.stream.end(() => r()));
  return staged;
}

async function readAll(store: BlobStore, hash: string) {
  const got = await store.open(hash);
  if (!got) return null;
  const parts: Buffer[] = [];
  for await (const c of got.stream) parts.push(c as Buffer);
  return { size: got.size, bytes: Buffer.concat(parts) };
}

describe.each(['fs', 'postgres', 's3'])('the %s store', (kind) => {
  const store = () => stores.get(kind) as BlobStore;

  it('stores bytes under their SHA-256 and gives them back whole, with their size', async () => {
    const bytes = randomBytes(300 * 1024 + 17);
    const staged = await writeStaged(store(), bytes);
    expect(await staged.commit(sha(bytes))).toEqual({ created: true });
    const back = await readAll(store(), sha(bytes));
    expect(back?.size).toBe(bytes.length);
    expect(back?.bytes.equals(bytes)).toBe(true);
    expect(await store().list()).toContain(sha(bytes));
    expect(await store().pendingStaged()).toBe(0);
  });

  it('streams a file larger than any buffer (12 MB, several parts or chunks) byte for byte', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 3);
    const staged = await writeStaged(store(), bytes);
    expect(await staged.commit(sha(bytes))).toEqual({ created: true });
    const got = await store().open(sha(bytes));
    expect(got?.size).toBe(bytes.length);
    const hash = createHash('sha256');
    let n = 0;
    for await (const c of got?.stream ?? []) {
      hash.update(c as Buffer);
      n += (c as Buffer).length;
    }
    expect({ n, sha: hash.digest('hex') }).toEqual({ n: bytes.length, sha: sha(bytes) });
  });

  it('the same bytes twice are one blob: the second commit creates nothing', async () => {
    const bytes = randomBytes(10_000);
    const first = await writeStaged(store(), bytes);
    expect(await first.commit(sha(bytes))).toEqual({ created: true });
    const second = await writeStaged(store(), bytes);
    expect(await second.commit(sha(bytes))).toEqual({ created: false });
    expect((await store().list()).filter((h) => h === sha(bytes))).toHaveLength(1);
    expect((await readAll(store(), sha(bytes)))?.bytes.equals(bytes)).toBe(true);
    expect(await store().pendingStaged()).toBe(0);
  });

  it('a staged blob is invisible until committed, and a discarded one leaves nothing', async () => {
    const bytes = randomBytes(200 * 1024);
    const staged = await writeStaged(store(), bytes);
    expect(await store().pendingStaged()).toBe(1);
    expect(await store().open(sha(bytes))).toBeNull();
    await staged.discard();
    expect(await store().pendingStaged()).toBe(0);
    expect(await store().open(sha(bytes))).toBeNull();
    expect(await store().list()).not.toContain(sha(bytes));
    // Discarded mid-write (the client went away): nothing either.
    const cut = await store().stage();
    cut.stream.write(randomBytes(100 * 1024));
    await cut.discard();
    expect(await store().pendingStaged()).toBe(0);
  });

  it('removes a blob (undoing a commit whose row rolled back); unknown and malformed hashes find nothing', async () => {
    const bytes = randomBytes(5_000);
    await (await writeStaged(store(), bytes)).commit(sha(bytes));
    await store().remove(sha(bytes));
    expect(await store().open(sha(bytes))).toBeNull();
    expect(await store().list()).not.toContain(sha(bytes));
    expect(await store().open('0'.repeat(64))).toBeNull();
    await expect(store().open('../../etc/passwd')).rejects.toThrow(/SHA-256/);
    const staged = await writeStaged(store(), bytes);
    await expect(staged.commit('not-a-hash')).rejects.toThrow(/SHA-256/);
    await staged.discard();
  });
});

describe('pnpm gatehouse files import', () => {
  it('copies every file from FILES_DIR into the shared store, checked by SHA-256; a re-run copies nothing', async () => {
    const from = await mkdtemp(path.join(os.tmpdir(), 'gh-import-'));
    try {
      const fs = fsBlobStore(from);
      const good = [randomBytes(150_000), randomBytes(10)];
      for (const b of good) await (await writeStaged(fs, b)).commit(sha(b));
      // A file whose bytes changed on disk since it was stored: refused, named, not imported.
      const bad = randomBytes(2_000);
      await (await writeStaged(fs, bad)).commit(sha(bad));
      await writeFile(path.join(from, 'blobs', sha(bad).slice(0, 2), sha(bad)), randomBytes(2_000));
      const cli = (env: Record<string, string>) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'files', 'import'], {
            cwd: path.resolve(import.meta.dirname, '..'),
            env: {
              ...process.env,
              DATABASE_URL: db.ownerUrl,
              GATEHOUSE_SECRET: inject('testSecret'),
              GATEHOUSE_DATA_DIR: from,
              FILES_DIR: from,
              LOG_LEVEL: 'silent',
              ...env,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
          });
          child.stderr.on('data', (d) => {
            out += d;
          });
          child.once('exit', (code) => resolve({ code, out }));
        });
      const refused = await cli({});
      expect(refused).toMatchObject({ code: 2 });
      expect(refused.out).toMatch(/FILES_STORE is fs/);
      const first = await cli({ FILES_STORE: 'postgres' });
      expect(first.code).toBe(1);
      expect(first.out).toMatch(/Imported 2 file\(s\)/);
      expect(first.out).toContain(`do not match their SHA-256 and were NOT imported:\n${sha(bad)}`);
      const pg = stores.get('postgres') as BlobStore;
      for (const b of good) expect((await readAll(pg, sha(b)))?.bytes.equals(b)).toBe(true);
      expect(await pg.open(sha(bad))).toBeNull();
      const again = await cli({ FILES_STORE: 'postgres' });
      expect(again.out).toMatch(/Imported 0 file\(s\) .*; 2 were there already/);
    } finally {
      await rm(from, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the s3 store when the bucket is unreachable', () => {
  // lib-storage destroys the body it reads when the upload fails; pinned here because the upload route
  // waits for 'drain', which would never come if the stream were merely left unread.
  it('fails the upload stream instead of leaving its writer waiting for ever', async () => {
    const dead = s3BlobStore({
      bucket: 'nowhere',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${await freeLoopbackPort()}`,
      prefix: '',
      forcePathStyle: true,
      accessKeyId: 'x',
      secretAccessKey: 'y',
    });
    const staged = await dead.stage();
    const failed = new Promise<Error>((resolve) => staged.stream.once('error', resolve));
    // More than one part (5 MB): the SDK must send something, and finds nobody there.
    const chunk = randomBytes(1024 * 1024);
    for (let i = 0; i < 8 && !staged.stream.destroyed; i++)
      if (!staged.stream.write(chunk)) await Promise.race([new Promise((r) => staged.stream.once('drain', r)), failed]);
    expect(await failed).toBeInstanceOf(Error);
    await staged.discard();
  }, 60_000);
});

describe('the postgres store in the database', () => {
  let owner: postgres.Sql;
  beforeAll(() => {
    owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(() => owner?.end());

  it('keeps a file as bounded chunks, never one row holding it whole', async () => {
    const bytes = randomBytes(5 * 64 * 1024 + 1);
    await (await writeStaged(stores.get('postgres') as BlobStore, bytes)).commit(sha(bytes));
    const rows = await owner`select c.seq, octet_length(c.data)::int as n from blobs b
                             join blob_chunks c using (content_id) where b.sha256 = ${sha(bytes)} order by c.seq`;
    expect(rows.map((r) => r.n)).toEqual([65536, 65536, 65536, 65536, 65536, 1]);
  });

  it('blob tables are system-only under forced RLS: a party context sees no file bytes', async () => {
    const tables = ['blobs', 'blob_staging', 'blob_chunks', 'job_runs'];
    const rls = await owner`select relname, relrowsecurity as enabled, relforcerowsecurity as forced
                            from pg_class where relname in ${owner(tables)} and relnamespace = 'public'::regnamespace`;
    expect(rls.map((r) => [r.relname, r.enabled, r.forced]).sort()).toEqual(tables.map((t) => [t, true, true]).sort());
    const party = await createPartyWithUser(db.db, 'supplier', ['supplier-admin']);
    const key = contextKey(db.secret);
    const count = (ctx: string) =>
      db.db.appSql.begin(async (sql) => {
        await sql`select set_config('app.ctx', ${ctx}, true)`;
        const [r] = await sql`select (select count(*) from blobs)::int + (select count(*) from blob_chunks)::int as n`;
        return r?.n as number;
      });
    expect(await count(signContext(key, SYSTEM))).toBeGreaterThan(0); // positive control
    expect(await count(signContext(key, { kind: 'party', partyId: party.partyId }))).toBe(0);
    await expect(
      db.db.appSql.begin(async (sql) => {
        await sql`select set_config('app.ctx', ${signContext(key, { kind: 'party', partyId: party.partyId })}, true)`;
        await sql`insert into blobs (sha256, content_id, size_bytes) values (${'a'.repeat(64)}, gen_random_uuid(), 1)`;
      }),
    ).rejects.toThrow(/row-level security/);
    // Blobs are never rewritten: the app role may not UPDATE them.
    const [g] = await owner`select has_table_privilege('gatehouse_app', 'blob_chunks', 'UPDATE') as ok`;
    expect(g?.ok).toBe(false);
  });
});

describe.each(['postgres', 's3'])('uploads and downloads through the server on the %s store', (kind) => {
  let srv: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    srv = await startTestServer(kind === 's3' ? { ...s3.env, S3_PREFIX: 'server' } : { FILES_STORE: 'postgres' });
  });
  afterAll(() => srv?.close());

  it('an upload is stored in the shared store, downloads byte for byte, and a refused one leaves nothing', async () => {
    const me = await createPartyWithUser(srv.db, 'supplier', ['supplier-admin']);
    const owner = postgres(srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner`update parties set supplier_category = 'manufacturing' where id = ${me.partyId}`;
      const [type] = await owner`select id from document_types where key = 'tax-form'`;
      const c = client(srv.origin);
      await c.auth.login.mutate(me);
      const bytes = pdfBytes(3 * 1024 * 1024, `shared-${kind}`);
      const up = await uploadDocument(srv.origin, c, { typeId: type?.id }, { name: 'w9.pdf', bytes });
      expect(up.status).toBe(201);
      expect(await srv.services.files.list()).toContain(sha(bytes));
      // Nothing on this machine's disk: the files directory was never made.
      expect(await import('node:fs').then((fs) => fs.existsSync(srv.config.files.dir))).toBe(false);
      const link = await c.documents.downloadLink.query({ versionId: up.body.id as string });
      const res = await fetch(`${srv.origin}${link.url}`, { headers: { cookie: cookieOf(c) } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      const before = (await srv.services.files.list()).length;
      const refused = await uploadDocument(
        srv.origin,
        c,
        { typeId: type?.id },
        { name: 'notes.pdf', bytes: Buffer.from('just text '.repeat(100)) },
      );
      expect(refused.status).toBe(415);
      expect((await srv.services.files.list()).length).toBe(before);
      // The refused upload's staging area is discarded as the answer goes out (not awaited by it).
      await expect.poll(() => srv.services.files.pendingStaged(), { timeout: 5000 }).toBe(0);

      // A client that goes away mid-download: the store's stream is destroyed, not left open (an S3
      // connection or the next chunk query held for nothing).
      const opened: Readable[] = [];
      const store = srv.services.files;
      const open = store.open.bind(store);
      store.open = async (hash) => {
        const got = await open(hash);
        if (got) opened.push(got.stream);
        return got;
      };
      try {
        const again = await c.documents.downloadLink.query({ versionId: up.body.id as string });
        const abort = new AbortController();
        const partial = await fetch(`${srv.origin}${again.url}`, {
          headers: { cookie: cookieOf(c) },
          signal: abort.signal,
        });
        const reader = partial.body?.getReader();
        await reader?.read();
        abort.abort();
        await expect.poll(() => opened[0]?.destroyed ?? false).toBe(true);
      } finally {
        store.open = open;
      }
    } finally {
      await owner.end();
    }
  });
});
