import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { auditRepo, freeLoopbackPort, partiesRepo, startEmbedded } from '@gatehouse/db';
import {
  BACKUP_APPLICATION_NAME,
  type BackupDeps,
  checkStale,
  createCheckpoint,
  createLogger,
  currentSlot,
  generateBackupKey,
  MANIFEST,
  type Manifest,
  type RunningServer,
  readIdentity,
  restoreBackup,
  runBackup,
  runVerify,
  scheduledBackup,
  seedDemo,
  startServer,
  verifyAuditChains,
  verifyBackup,
  verifyCheckpoints,
} from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfBytes, uploadDocument } from './support/files.ts';
import { client, createPartyWithUser, SYSTEM, startTestServer, TestClock, testConfig } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Backups of a running installation on the embedded PostgreSQL (its own cluster, not the shared test
 * one): a base backup taken while writes continue restores into a new data directory that a server
 * starts on, holding exactly what was committed at the consistency point; `backup verify` proves it and
 * names what fails when the archive, a blob or a chain entry was tampered with.
 */
let root: string;
let server: RunningServer;
let owner: postgres.Sql;
let deps: BackupDeps;
let identity: string;
const clock = new TestClock();

async function serverOn(dataDir: string, backupDir: string, recipient: string, identityFile: string) {
  const port = await freeLoopbackPort();
  const config = testConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_ORIGIN: `http://localhost:${port}`,
    BACKUP_DIR: backupDir,
    BACKUP_RECIPIENT: recipient,
    BACKUP_IDENTITY_FILE: identityFile,
    // PostgreSQL paces a spread checkpoint at up to 100 ms per dirty page: after the seed, autovacuum and
    // the writers here, a minute or more per backup. The first test takes its backup with the default
    // (spread) after a checkpoint; the others are about what is in a backup, not how it starts.
    BACKUP_CHECKPOINT: 'fast',
  });
  const s = await startServer(config, createLogger('silent'), { clock });
  // The CLI's way in: attach to the cluster the server started.
  const cluster = await startEmbedded({ dataDir: path.join(dataDir, 'postgres'), database: 'gatehouse', attach: true });
  return { s, ownerUrl: cluster.ownerUrl, origin: `http://localhost:${port}` };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gh-backup-test-'));
  await chmod(root, 0o711); // as root, PostgreSQL runs as the postgres user, who must pass through
  const identityFile = path.join(root, 'backup-identity.txt');
  const recipient = await generateBackupKey(identityFile);
  identity = await readIdentity(identityFile);
  const live = await serverOn(path.join(root, 'live'), path.join(root, 'backups'), recipient, identityFile);
  server = live.s;
  owner = postgres(live.ownerUrl, { max: 2, onnotice: () => {} });
  await owner`update roles set require_totp = false`; // as the shared test databases do
  deps = {
    config: server.services.config,
    db: server.services.db,
    ownerUrl: live.ownerUrl,
    store: server.services.files,
    signer: server.services.auditSigner,
    clock,
  };
}, 120_000);

afterAll(async () => {
  await owner?.end();
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

let firstBackup: string;
const uploaded: { sha256: string; bytes: Buffer }[] = [];

describe('backup and restore', () => {
  it('backs up while writes continue; the restore holds everything committed before the consistency point', async () => {
    const step = steps();
    step('seed and upload documents');
    const { db } = server.services;
    await seedDemo(db);
    // Documents: a supplier uploads two files.
    const sup = await createPartyWithUser(db, 'supplier', ['supplier-admin']);
    await owner`update parties set supplier_category = 'manufacturing' where id = ${sup.partyId}`;
    const c = client(`http://localhost:${server.port}`);
    await c.auth.login.mutate(sup);
    const [iso] = await owner`select id from document_types where key = 'iso-9001'`;
    const [tax] = await owner`select id from document_types where key = 'tax-form'`;
    for (const [typeId, seed] of [
      [iso?.id, 'one'],
      [tax?.id, 'two'],
    ] as const) {
      const bytes = pdfBytes(4096, `${seed}-${randomBytes(4).toString('hex')}`);
      const up = await uploadDocument(
        `http://localhost:${server.port}`,
        c,
        { typeId: String(typeId), expiresOn: '2030-01-01' },
        { name: `${seed}.pdf`, bytes },
      );
      expect(up.body.error).toBeUndefined();
      expect(up.status).toBe(201);
      const { createHash } = await import('node:crypto');
      uploaded.push({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes });
    }
    await createCheckpoint(db, server.services.auditSigner, clock);
    // This backup asks for a spread checkpoint (the default), paced by PostgreSQL at up to 100 ms per
    // dirty page: with the seed's pages written now, it has only the writer's few to write.
    await owner`checkpoint`;
    const spread = {
      ...deps,
      config: { ...deps.config, backup: { ...deps.config.backup, checkpoint: 'spread' as const } },
    };

    step('back up while a writer writes');
    // A writer keeps creating organisations (each with its audit entry) through the whole backup.
    const writes: { name: string; begun: number; committed: number }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const name = `during-${i}`;
        const begun = performance.now();
        await db.tx(SYSTEM, async (tx) => {
          const p = await partiesRepo.create(tx, { kind: 'customer', name });
          await auditRepo.record(tx, {
            action: 'party.created',
            outcome: 'success',
            partyId: null,
            actorUserId: null,
            entityType: 'party',
            entityId: p.id,
          });
        });
        writes.push({ name, begun, committed: performance.now() });
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    let heldAt = 0;
    let heldEnd = 0;
    let priorities: { nice: number; io: string }[] = [];
    const result = await runBackup(spread, {
      onConsistencyPoint: () => {
        heldAt = performance.now();
      },
      onCounting: async () => {
        // The backup's sessions: the one that counts every table now runs at the lowest CPU and I/O
        // priority; those that held writes and ended the backup do not (they had to be quick).
        const pids = await owner`select pid from pg_stat_activity where application_name = ${BACKUP_APPLICATION_NAME}`;
        priorities = pids.map(({ pid }) => ({
          nice: Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]),
          io: execFileSync('ionice', ['-p', String(pid)], { encoding: 'utf8' }).trim(),
        }));
      },
    }).finally(() => {
      heldEnd = performance.now();
    });
    await new Promise((r) => setTimeout(r, 200));
    writing = false;
    await writer;
    firstBackup = result.path;
    const m = result.manifest;
    expect(m.database).toMatchObject({ included: true, checkpoint: 'spread' });
    expect(priorities).toHaveLength(3);
    expect(priorities.filter((p) => p.nice === 19 && p.io === 'idle')).toHaveLength(1);
    expect(priorities.filter((p) => p.nice < 19 && p.io !== 'idle')).toHaveLength(2);
    expect(m.parts.map((p) => p.name)).toEqual(['database.tar.age', 'files.tar.age']);
    expect(m.files.blobs.map((b) => b.sha256)).toEqual(expect.arrayContaining(uploaded.map((u) => u.sha256)));
    const before = writes.filter((w) => w.committed < heldAt).map((w) => w.name);
    const after = writes.filter((w) => w.begun > heldAt).map((w) => w.name);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(heldEnd).toBeGreaterThan(heldAt);
    // The backup is encrypted: no plaintext of a table or a document in it.
    const archive = await readFile(path.join(result.path, 'database.tar.age'));
    expect(archive.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(archive.includes(Buffer.from('during-0'))).toBe(false);

    step('write more after the backup');
    // 2. Write more after the backup.
    await db.tx(SYSTEM, (tx) => partiesRepo.create(tx, { kind: 'customer', name: 'after-backup' }));

    step('restore and start a server on it');
    // 3. Restore into a new directory and start a server on it.
    const target = path.join(root, 'restored');
    await restoreBackup({ backup: result.path, identity, target });
    await expect(restoreBackup({ backup: result.path, identity, target })).rejects.toThrow(/not empty.*--force/);
    const restored = await serverOn(target, path.join(root, 'other-backups'), m.recipient, path.join(root, 'x'));
    try {
      const r = postgres(restored.ownerUrl, { max: 1, onnotice: () => {} });
      try {
        const names = new Set(
          (await r`select name from parties where name like 'during-%' or name = 'after-backup'`).map((x) =>
            String(x.name),
          ),
        );
        // 4. Everything committed before the consistency point is there; nothing begun after it is.
        for (const n of before) expect(names.has(n)).toBe(true);
        for (const n of after) expect(names.has(n)).toBe(false);
        expect(names.has('after-backup')).toBe(false);
        const [count] = await r`select count(*)::int n from parties`;
        expect(count?.n).toBe(m.database.included ? m.database.rowCounts['public.parties'] : -1);
      } finally {
        await r.end();
      }
      for (const u of uploaded) {
        const blob = await restored.s.services.files.open(u.sha256);
        expect(blob).not.toBeNull();
        const chunks: Buffer[] = [];
        for await (const ch of blob?.stream ?? []) chunks.push(ch as Buffer);
        expect(Buffer.concat(chunks).equals(u.bytes)).toBe(true);
      }
      // 5. The audit chains and checkpoints verify on the restored server.
      const chains = await verifyAuditChains(restored.s.services.db);
      expect(chains).toMatchObject({ ok: true });
      expect(chains.entries).toBeGreaterThan(before.length);
      const cps = await verifyCheckpoints(restored.s.services.db, server.services.auditSigner.publicKeyPem);
      expect(cps).toMatchObject({ ok: true, checked: 1 });
    } finally {
      await restored.s.stop();
    }

    step('backup verify passes');
    // ... and `backup verify` passes, recorded for the posture page.
    const report = await runVerify(deps);
    expect(report.failure).toBeNull();
    expect(report.checks.map((ch) => [ch.name, ch.ok])).toEqual([
      ['archive', true],
      ['manifest', true],
      ['files', true],
      ['recovery', true],
      ['migrations', true],
      ['row counts', true],
      ['documents', true],
      ['audit', true],
    ]);
    expect(report.checks.find((ch) => ch.name === 'documents')?.detail).toMatch(/^2 file/);
  }, 240_000);

  it('restore refuses a running installation even with --force', async () => {
    await expect(
      restoreBackup({ backup: firstBackup, identity, target: path.join(root, 'live'), force: true }),
    ).rejects.toThrow(/holds a running PostgreSQL .*stop Gatehouse first/);
    expect((await owner`select count(*)::int n from parties`)[0]?.n).toBeGreaterThan(0); // untouched
  });

  it('shows the last backup and drill on the security posture, and raises an alert when a drill fails', async () => {
    const admin = await createPartyWithUser(server.services.db, 'internal', ['system-admin']);
    const c = client(`http://localhost:${server.port}`);
    await c.auth.login.mutate(admin);
    const item = async () => (await c.audit.posture.query()).items.find((i) => i.key === 'backups');
    const good = await item();
    expect(good?.status).toBe('good');
    expect(good?.summary).toMatch(/^Backed up .* a restore drill passed/);
    expect(good?.rows.find((r) => r.label === 'Last backup')?.value).toMatch(/MB, .* s \(gatehouse-\d{8}T\d{9}Z\)$/);
    expect(good?.rows.find((r) => r.label === 'Checked: audit')?.status).toBe('good');
    // ... and the metrics carry the backup's age.
    const metrics = await server.services.metrics.registry.metrics();
    const age = Number(/^gatehouse_backup_last_success_age_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(metrics).toMatch(/^gatehouse_backup_last_verified_age_seconds \d/m);

    // A drill of a damaged backup fails: recorded, shown, alerted.
    const bad = path.join(root, 'damaged');
    await cp(firstBackup, bad, { recursive: true });
    const file = path.join(bad, 'files.tar.age');
    const bytes = await readFile(file);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    const report = await runVerify(deps, { backup: bad });
    expect(report.ok).toBe(false);
    const after = await item();
    expect(after?.status).toBe('bad');
    expect(after?.summary).toMatch(
      /The last restore drill failed: archive: files\.tar\.age: its SHA-256 does not match/,
    );
    const alerts = await c.alerts.list.query({});
    expect(alerts.items.some((a) => a.rule === 'backup-failed' && a.severity === 'critical')).toBe(true);
  }, 120_000);
});

describe('backup verify names what was tampered with', () => {
  const copy = async (name: string) => {
    const to = path.join(root, name);
    await cp(firstBackup, to, { recursive: true });
    return to;
  };
  const verify = (backup: string) =>
    verifyBackup({
      backup,
      identity,
      publicKeyPem: server.services.auditSigner.publicKeyPem,
      secret: deps.config.secret,
    });

  it('a changed byte of the archive', async () => {
    const b = await copy('tamper-byte');
    const file = path.join(b, 'database.tar.age');
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 1;
    await writeFile(file, bytes);
    const r = await verify(b);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatch(/^archive: database\.tar\.age: its SHA-256 does not match the manifest/);

    // Even with the manifest's checksum forged to match, age's authentication refuses the changed chunk
    // (and then the manifest no longer carries the audit key's signature either).
    const manifest = JSON.parse(await readFile(path.join(b, MANIFEST), 'utf8')) as Manifest;
    const { sha256File } = await import('@gatehouse/server/testing');
    for (const p of manifest.parts) if (p.name === 'database.tar.age') p.sha256 = await sha256File(file);
    await writeFile(path.join(b, MANIFEST), JSON.stringify(manifest));
    const forged = await verify(b);
    expect(forged.ok).toBe(false);
    expect(forged.failure).toMatch(/^archive: database\.tar\.age: cannot be read .*damaged/);
  }, 120_000);

  it('a missing blob', async () => {
    const [victim] = uploaded;
    const blobFile = path.join(deps.config.files.dir, 'blobs', victim?.sha256.slice(0, 2) ?? '', victim?.sha256 ?? '');
    const saved = await readFile(blobFile);
    await rm(blobFile);
    try {
      const result = await runBackup(deps);
      const r = await verify(result.path);
      expect(r.ok).toBe(false);
      expect(r.failure).toBe(`documents: the file ${victim?.sha256} of a document version is missing from the backup`);
      expect(r.checks.filter((ch) => ch.ok).map((ch) => ch.name)).toContain('row counts');
    } finally {
      await writeFile(blobFile, saved, { mode: 0o600 });
    }
  }, 120_000);

  it('an edited audit chain entry', async () => {
    // A superuser edits history in the live database; the next backup carries it, and the drill finds it.
    const [entry] =
      await owner`select id, details from audit_events where action = 'party.created' order by id limit 1`;
    const edit = (details: unknown) =>
      owner.begin(async (tx) => {
        await tx`select set_config('gatehouse.audit_maintenance', 'on', true)`;
        await tx`update audit_events set details = ${details === null ? null : tx.json(details as postgres.JSONValue)} where id = ${entry?.id}`;
      });
    await edit({ edited: true });
    try {
      const result = await runBackup(deps);
      const r = await verify(result.path);
      expect(r.ok).toBe(false);
      expect(r.failure).toMatch(new RegExp(`^audit: entry ${entry?.id} was changed after it was written`));
    } finally {
      await edit(entry?.details ?? null); // the schedule test below needs a live database that verifies
    }
  }, 120_000);
});

describe('the schedule', () => {
  it('backs up once per slot, drills after, and alerts when good backups are overdue', async () => {
    // Just backed up in this slot: not due, and nothing overdue.
    expect(await scheduledBackup(deps)).toBe('not-due');
    const stale = async () =>
      (await owner`select count(*)::int n from alerts where rule = 'backup-stale'`)[0]?.n as number;
    expect(await stale()).toBe(0);
    // A day later the next slot has none: one instance takes it (a second one waiting on the lock is busy).
    clock.advance(25 * 3_600_000);
    const lockHolder = postgres(deps.ownerUrl, { max: 1, onnotice: () => {} });
    await lockHolder`select pg_advisory_lock(hashtextextended('job:backup', 0))`;
    expect(await scheduledBackup(deps)).toBe('busy');
    await lockHolder.end();
    const before = (await owner`select count(*)::int n from backup_runs where ok`)[0]?.n as number;
    expect(await scheduledBackup(deps)).toBe('done');
    const runs = await owner`select kind, ok from backup_runs order by id desc limit 2`;
    expect(runs.map((r) => `${r.kind}:${r.ok}`)).toEqual(['verify:true', 'backup:true']);
    expect((await owner`select count(*)::int n from backup_runs where ok`)[0]?.n).toBe(before + 2);
    expect(await stale()).toBe(0);
    // Nothing for longer than a day and two hours (the job did not run): one alert, not one per check.
    clock.advance(27 * 3_600_000);
    await checkStale(deps);
    await checkStale(deps);
    expect(await stale()).toBe(1);
  }, 180_000);
});

describe('schedule slots', () => {
  it('start at BACKUP_HOUR (UTC) and every interval after it', () => {
    const at = (iso: string) => new Date(iso);
    expect(currentSlot(at('2026-12-05T01:59:00Z'), 2, 24).toISOString()).toBe('2026-12-04T02:00:00.000Z');
    expect(currentSlot(at('2026-12-05T02:00:00Z'), 2, 24).toISOString()).toBe('2026-12-05T02:00:00.000Z');
    expect(currentSlot(at('2026-12-05T13:30:00Z'), 2, 6).toISOString()).toBe('2026-12-05T08:00:00.000Z');
    expect(currentSlot(at('2026-12-05T01:00:00Z'), 2, 6).toISOString()).toBe('2026-12-04T20:00:00.000Z');
  });
});

describe('with an external PostgreSQL (DATABASE_URL)', () => {
  it('backs up files and the audit key, and says the database is not in the backup', async () => {
    const recipient = (await readFile(path.join(root, 'backup-identity.txt'), 'utf8')).match(/age1\w+/)?.[0] ?? '';
    const ext = await startTestServer({ BACKUP_RECIPIENT: recipient, BACKUP_DIR: path.join(root, 'external') });
    try {
      const extDeps: BackupDeps = {
        config: ext.config,
        db: ext.services.db,
        ownerUrl: ext.ownerUrl,
        store: ext.services.files,
        signer: ext.services.auditSigner,
        clock: ext.clock,
      };
      const result = await runBackup(extDeps);
      expect(result.manifest.database).toEqual({ included: false, reason: expect.stringMatching(/^DATABASE_URL/) });
      expect(result.manifest.parts.map((p) => p.name)).toEqual(['files.tar.age']);
      expect(result.manifest.keys).toEqual(['audit-signing-key.pem']);
      const report = await runVerify(extDeps, { identityFile: path.join(root, 'backup-identity.txt') });
      expect(report.failure).toBeNull();
      expect(report.checks.map((ch) => ch.name)).toEqual(['archive', 'manifest', 'files', 'database']);
      expect(report.checks.at(-1)?.detail).toMatch(/^not in this backup: DATABASE_URL/);
    } finally {
      await ext.close();
    }
  }, 120_000);
});
