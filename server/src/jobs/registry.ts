import { remindAndEscalate } from '../approvals/reminders.ts';
import { checkSignInSpike } from '../audit/alerts.ts';
import { createCheckpoint } from '../audit/checkpoints.ts';
import { scheduledBackup } from '../backup/service.ts';
import type { AppServices } from '../context.ts';
import { markExpiries } from '../documents/documents.ts';
import { sweepOrphans } from '../integration/csv/imports.ts';
import { pruneIdempotencyKeys } from '../integration/idempotency.ts';
import { warnAboutKeys } from '../integration/key-warnings.ts';
import { reconcile, runDue } from '../integration/kinetic/sync.ts';
import { mergeStaged, purgeStaging } from '../integration/sql-staging.ts';
import { closeOverdue } from '../users/access-reviews.ts';
import { suspendDormant } from '../users/dormant.ts';
import { announceExpiring, announceMirrored } from '../users/notification-sources.ts';
import { sendDigests } from '../users/notifications.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What a scheduled job gets: the server's services, plus the owner URL the backup needs for pg_dump. */
export interface JobDeps {
  services: AppServices;
  ownerUrl: string;
}

/**
 * One scheduled job. boot.ts starts every enabled entry with startPeriodic (jobs/periodic.ts); nothing
 * else schedules work. `claimed` jobs run once per period across every instance sharing the database
 * (job_runs); unclaimed ones run on every instance (their own locks make that safe). Queues that every
 * instance drains (the mail and webhook workers) are workers, not scheduled jobs, and are started beside.
 */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  claimed: boolean;
  /** Also run once at start-up, not only after the first period. */
  atStart: boolean;
  /** False: not configured here (for example no sync pool), so not started. */
  enabled: boolean;
  run(): Promise<unknown>;
}

/** Every scheduled job of a server, in one list: its name (metrics label), period and owner domain. */
export function scheduledJobs({ services, ownerUrl }: JobDeps): ScheduledJob[] {
  const { config, db, syncDb, clock, log } = services;
  const job = (j: Omit<ScheduledJob, 'claimed' | 'atStart' | 'enabled'> & Partial<ScheduledJob>): ScheduledJob => ({
    claimed: true,
    atStart: false,
    enabled: true,
    ...j,
  });
  const kinetic = syncDb ? { db, syncDb, clock, config, log } : null;
  return [
    // users
    job({
      name: 'suspend-dormant',
      everyMs: HOUR,
      atStart: true,
      run: async () => {
        const n = await suspendDormant(db, clock, config.dormantDays);
        if (n > 0) log.info({ suspended: n, days: config.dormantDays }, 'dormant accounts suspended');
      },
    }),
    // The daily notification digest (docs/notifications.md): checked every 15 minutes (claimed), each user's
    // sent once per local day from NOTIFICATION_DIGEST_HOUR in their own time zone.
    job({
      name: 'notification-digest',
      everyMs: 15 * MINUTE,
      run: async () => {
        const n = await sendDigests(db, { config, clock }, config.digestHour);
        if (n > 0) {
          log.info({ digests: n }, 'notification digests queued');
          services.mail.kick();
        }
      },
    }),
    // What the ERP mirror wrote, announced to the owning party (ADR 0019): each row version exactly once.
    job({
      name: 'notification-sources',
      everyMs: MINUTE,
      run: async () => {
        const n = await announceMirrored(db, { config, clock });
        if (n.invoice + n.shipment + n['purchase-order'] > 0) {
          log.info(n, 'mirrored rows announced');
          services.mail.kick();
        }
      },
    }),
    job({ name: 'close-access-reviews', everyMs: MINUTE, run: () => closeOverdue(db, clock) }),
    // audit
    job({ name: 'sign-in-spike', everyMs: 5 * MINUTE, run: () => checkSignInSpike(db, clock) }),
    job({
      name: 'audit-checkpoint',
      everyMs: HOUR,
      run: () => createCheckpoint(db, services.auditSigner, clock),
    }),
    // documents
    job({
      name: 'document-expiry',
      everyMs: HOUR,
      atStart: true,
      run: async () => {
        const n = await markExpiries(db, clock, config.files.expiryWarningDays, config.publicOrigin);
        if (n.expiring + n.expired > 0) log.info(n, 'compliance documents marked expiring or expired');
        // Once per document and threshold (the warning window, and 7 days): through notify().
        const told = await announceExpiring(db, { config, clock }, [config.files.expiryWarningDays, 7]);
        if (told > 0) log.info({ documents: told }, 'expiring compliance documents announced');
      },
    }),
    // approvals
    job({
      name: 'approval-reminders',
      everyMs: 15 * MINUTE,
      run: () =>
        remindAndEscalate(
          db,
          clock,
          { remind: config.approvals.remindHours, escalate: config.approvals.escalateHours },
          { config, clock },
        ),
    }),
    // integration
    job({
      name: 'integration-key-warnings',
      everyMs: DAY,
      atStart: true,
      run: async () => {
        await warnAboutKeys(db, clock, config.publicOrigin);
        await pruneIdempotencyKeys(db, clock);
      },
    }),
    // SQL staging (docs/sql-staging.md): complete batches merged every 10 s (manifests also FOR UPDATE SKIP LOCKED).
    job({
      name: 'sql-staging-merge',
      everyMs: 10_000,
      atStart: true,
      enabled: syncDb !== null,
      run: async () => {
        if (!syncDb) return;
        const n = await mergeStaged(syncDb, () => new Date(clock.now()), { kickMail: () => services.mail.kick() });
        if (n.merged + n.rejected + n.failed > 0) log.info(n, 'SQL staging batches merged');
        await purgeStaging(syncDb, new Date(clock.now()));
      },
    }),
    // The Kinetic connector (docs/kinetic.md): due streams every tick; the key-only reconciliation nightly.
    job({
      name: 'kinetic-sync',
      everyMs: config.kineticSyncMs,
      enabled: kinetic !== null && config.kineticSyncMs > 0,
      run: async () => (kinetic ? runDue(kinetic) : undefined),
    }),
    job({
      name: 'kinetic-reconcile',
      everyMs: DAY,
      enabled: kinetic !== null && config.kineticSyncMs > 0,
      run: async () => (kinetic ? reconcile(kinetic) : undefined),
    }),
    // CSV imports (docs/csv-import.md): a job left running by a process that died is marked failed (its data
    // was never committed: the apply phase is one transaction). Every instance sweeps; boot also sweeps once.
    job({ name: 'csv-import-sweep', everyMs: MINUTE, claimed: false, run: () => sweepOrphans(services) }),
    // operations: a backup when the schedule's slot has none yet (its own lock), then the restore drill and the
    // staleness rule (docs/operations.md, Backups). Off unless BACKUP_RECIPIENT is set.
    job({
      name: 'backup',
      everyMs: 10 * MINUTE,
      claimed: false,
      run: () => scheduledBackup({ config, db, ownerUrl, store: services.files, signer: services.auditSigner, clock }),
    }),
  ];
}
