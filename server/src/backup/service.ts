import { readFileSync } from 'node:fs';
import path from 'node:path';
import { alertsRepo, backupsRepo, type Database } from '@gatehouse/db';
import postgres from 'postgres';
import { raiseAlert } from '../audit/alerts.ts';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../audit/audit.ts';
import type { AuditSigner } from '../audit/signing.ts';
import type { Clock } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import { s3Client } from '../files/s3-store.ts';
import type { BlobStore } from '../files/store.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { type BackupOptions, type BackupResult, createBackup } from './backup.ts';
import { BackupNotConfigured } from './errors.ts';
import { readIdentity, resolveBackup, type VerifyReport, verifyBackup } from './restore.ts';
import type { S3Target } from './s3-copy.ts';

/** The bucket of the off-host copy (BACKUP_S3_BUCKET), or undefined. */
export function backupBucket(config: Config): S3Target | undefined {
  const s3 = config.backup.s3;
  return s3 ? { client: s3Client(s3), bucket: s3.bucket, prefix: s3.prefix } : undefined;
}

/**
 * Backups and restore drills as the CLI and the schedule run them: each run is recorded (backup_runs)
 * with its audit entry in one transaction, and a failure raises the backup-failed alert there too.
 */
export interface BackupDeps {
  config: Config;
  db: Database;
  /** The owner URL (embedded or DATABASE_URL): the base backup and the schedule's lock use it. */
  ownerUrl: string;
  store: BlobStore;
  signer: AuditSigner;
  clock: Clock;
}

export { BackupNotConfigured } from './errors.ts';

async function recordRun(
  deps: BackupDeps,
  run: {
    kind: 'backup' | 'verify';
    backupId: string;
    startedAt: Date;
    ok: boolean;
    bytes: number;
    details: Record<string, unknown>;
    error: string | null;
  },
) {
  const finishedAt = new Date(deps.clock.now());
  await deps.db.tx(SYSTEM_SCOPE, async (tx) => {
    const id = await backupsRepo.record(tx, {
      ...run,
      finishedAt,
      durationMs: Math.max(0, finishedAt.getTime() - run.startedAt.getTime()),
    });
    await recordAudit(tx, SYSTEM_ORIGIN, {
      action: run.kind === 'backup' ? 'backup.created' : 'backup.verified',
      outcome: run.ok ? 'success' : 'failure',
      partyId: null,
      entityType: 'backup_run',
      entityId: id,
      details: { backup: run.backupId, bytes: run.bytes, ...(run.error ? { error: run.error } : {}) },
    });
    if (!run.ok) {
      await raiseAlert(tx, finishedAt, {
        rule: 'backup-failed',
        severity: 'critical',
        mail: { key: run.kind === 'backup' ? 'alert.backup_failed' : 'alert.drill_failed' },
        text: { key: run.kind === 'backup' ? 'backup-failed.backup' : 'backup-failed.drill', values: {} },
        details: { backup: run.backupId || '(none)', error: run.error ?? '' },
      });
    }
  });
}

/** `gatehouse backup` and the schedule: takes a backup, records it, and alerts if it failed. */
export async function runBackup(
  deps: BackupDeps,
  opts: Pick<BackupOptions, 'onConsistencyPoint' | 'onCounting'> = {},
): Promise<BackupResult> {
  const { config } = deps;
  if (!config.backup.recipient)
    throw new BackupNotConfigured(
      'Set BACKUP_RECIPIENT to an age public key (make one with `pnpm gatehouse backup keygen`).',
    );
  const startedAt = new Date(deps.clock.now());
  try {
    const result = await createBackup({
      dir: config.backup.dir,
      recipient: config.backup.recipient,
      embedded: config.databaseUrl
        ? undefined
        : { ownerUrl: deps.ownerUrl, dataDir: path.join(config.dataDir, 'postgres') },
      store: deps.store,
      keyFiles: config.databaseUrl
        ? { 'audit-signing-key.pem': config.auditKeyFile }
        : { secret: path.join(config.dataDir, 'secret'), 'audit-signing-key.pem': config.auditKeyFile },
      signer: deps.signer,
      copyDir: config.backup.copyDir,
      s3: backupBucket(config),
      retain: config.backup.retain,
      checkpoint: config.backup.checkpoint,
      readBytesPerSecond: config.backup.readBytesPerSecond,
      now: () => new Date(deps.clock.now()),
      onConsistencyPoint: opts.onConsistencyPoint,
      onCounting: opts.onCounting,
    });
    const m = result.manifest;
    await recordRun(deps, {
      kind: 'backup',
      backupId: result.id,
      startedAt,
      ok: true,
      bytes: m.parts.reduce((s, p) => s + p.bytes, 0),
      details: {
        database: m.database.included
          ? { included: true, tables: Object.keys(m.database.rowCounts).length, consistentAt: m.database.consistentAt }
          : { included: false },
        files: m.files.count,
        copiedTo: result.copiedTo,
        s3CopiedTo: result.s3CopiedTo,
        removed: result.removed,
      },
      error: null,
    });
    return result;
  } catch (e) {
    await recordRun(deps, {
      kind: 'backup',
      backupId: '',
      startedAt,
      ok: false,
      bytes: 0,
      details: {},
      error: (e as Error).message,
    }).catch(() => undefined);
    throw e;
  }
}

/** `gatehouse backup verify` and the schedule: the restore drill of one backup (newest by default). */
export async function runVerify(
  deps: BackupDeps,
  opts: { backup?: string; identityFile?: string; publicKeyFile?: string } = {},
): Promise<VerifyReport> {
  const { config } = deps;
  const identityFile = opts.identityFile ?? config.backup.identityFile;
  if (!identityFile)
    throw new BackupNotConfigured(
      'Give the age identity that reads the backups: --identity FILE or BACKUP_IDENTITY_FILE.',
    );
  const startedAt = new Date(deps.clock.now());
  let report: VerifyReport;
  try {
    const backup = await resolveBackup(config.backup.dir, opts.backup);
    report = await verifyBackup({
      backup,
      identity: await readIdentity(identityFile),
      publicKeyPem: opts.publicKeyFile ? readFileSync(opts.publicKeyFile, 'utf8') : deps.signer.publicKeyPem,
      secret: config.secret,
      scratchDir: config.backup.scratchDir,
    });
  } catch (e) {
    report = {
      backupId: opts.backup ?? '',
      ok: false,
      checks: [],
      failure: (e as Error).message,
      bytes: 0,
      durationMs: 0,
    };
  }
  await recordRun(deps, {
    kind: 'verify',
    backupId: report.backupId,
    startedAt,
    ok: report.ok,
    bytes: report.bytes,
    details: { checks: report.checks },
    error: report.failure,
  });
  return report;
}

/** The start of the schedule slot `now` falls in: BACKUP_HOUR (UTC) plus whole intervals. */
export function currentSlot(now: Date, hour: number, intervalHours: number): Date {
  const step = intervalHours * 3_600_000;
  let t = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour);
  while (t > now.getTime()) t -= step;
  while (t + step <= now.getTime()) t += step;
  return new Date(t);
}

const RETRY_AFTER_FAILURE_MS = 3_600_000;
const GRACE_MS = 2 * 3_600_000;

/**
 * The scheduled job (every 10 minutes): one instance at a time holds a session advisory lock for the whole
 * run; a backup is due when none succeeded since the current slot began (a failed one is retried after
 * an hour); a verify follows when an identity is configured. Then the staleness rule: an alert when the
 * newest good backup (or drill) is older than the interval plus two hours, at most once per interval.
 */
export async function scheduledBackup(deps: BackupDeps): Promise<'not-configured' | 'busy' | 'not-due' | 'done'> {
  const { config } = deps;
  if (!config.backup.recipient) return 'not-configured';
  const lock = postgres(deps.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [got] = await lock`select pg_try_advisory_lock(hashtextextended('job:backup', 0)) as ok`;
    if (!got?.ok) return 'busy';
    const now = new Date(deps.clock.now());
    const slot = currentSlot(now, config.backup.hour, config.backup.intervalHours);
    const runs = await deps.db.read(SYSTEM_SCOPE, (tx) => backupsRepo.latest(tx, 'backup'));
    const done = runs.lastOk && runs.lastOk.startedAt >= slot;
    const retrying =
      runs.last && !runs.last.ok && now.getTime() - runs.last.finishedAt.getTime() < RETRY_AFTER_FAILURE_MS;
    let result: 'not-due' | 'done' = 'not-due';
    if (!done && !retrying) {
      result = 'done';
      const ok = await runBackup(deps).then(
        () => true,
        () => false,
      );
      if (ok && config.backup.identityFile) await runVerify(deps);
    }
    await checkStale(deps);
    return result;
  } finally {
    await lock.end({ timeout: 5 });
  }
}

/** Raises backup-stale (once per interval) when the newest good backup or drill is overdue. */
export async function checkStale(deps: BackupDeps) {
  const { config } = deps;
  const now = new Date(deps.clock.now());
  const limit = config.backup.intervalHours * 3_600_000 + GRACE_MS;
  await deps.db.tx(SYSTEM_SCOPE, async (tx) => {
    const backup = (await backupsRepo.latest(tx, 'backup')).lastOk;
    const verify = (await backupsRepo.latest(tx, 'verify')).lastOk;
    const late: string[] = [];
    if (!backup || now.getTime() - backup.finishedAt.getTime() > limit)
      late.push(backup ? `last good backup ${backup.finishedAt.toISOString()}` : 'no good backup yet');
    if (config.backup.identityFile && (!verify || now.getTime() - verify.finishedAt.getTime() > limit))
      late.push(verify ? `last good restore drill ${verify.finishedAt.toISOString()}` : 'no good restore drill yet');
    if (late.length === 0) return;
    if (
      await alertsRepo.raisedSince(
        tx,
        'backup-stale',
        new Date(now.getTime() - config.backup.intervalHours * 3_600_000),
      )
    )
      return;
    await raiseAlert(tx, now, {
      rule: 'backup-stale',
      severity: 'warning',
      mail: { key: 'alert.backup_stale', values: { hours: config.backup.intervalHours } },
      text: { key: 'backup-stale', values: { hours: config.backup.intervalHours } },
      details: { late: late.join('; ') },
    });
  });
}
