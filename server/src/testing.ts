/**
 * What tests, benchmarks and test support may use of the server beyond its public router: the one door
 * into server internals from outside server/src (scripts/check-boundaries.ts refuses test imports by path).
 * Grouped by the domain folder each export lives in.
 */
export { API_FAILURES_PER_IP } from './api/v1.ts';
export { breaksSegregation, makersOf } from './approvals/approval-eligibility.ts';
export { remindAndEscalate } from './approvals/reminders.ts';
export { checkSignInSpike, raiseAlert } from './audit/alerts.ts';
export { createCheckpoint, verifyCheckpoints } from './audit/checkpoints.ts';
export { loadAuditSigner, signatureValid } from './audit/signing.ts';
export { verifyAuditChains } from './audit/verify.ts';
export { ARGON2_CONCURRENCY, hashPassword, verifyPassword } from './auth/password.ts';
export { loadCommonPasswords, newPasswordProblem } from './auth/password-policy.ts';
export { weakenings } from './auth/policies.ts';
export { seal } from './auth/seal.ts';
export { SessionCache, type SessionRow, startSessionCache } from './auth/session-cache.ts';
export { issueSession } from './auth/session-issue.ts';
export type { Actor, Clock } from './auth/sessions.ts';
export { systemClock, validateSession } from './auth/sessions.ts';
export { setupLinkIfNeeded } from './auth/setup.ts';
export type { ThrottlePolicy } from './auth/throttle.ts';
export { DEFAULT_THROTTLE } from './auth/throttle.ts';
export { hashSecret, randomToken } from './auth/tokens.ts';
export type { Manifest } from './backup/backup.ts';
export { BACKUP_APPLICATION_NAME, listBackups, MANIFEST, sha256File } from './backup/backup.ts';
export { generateBackupKey, readIdentity, readManifest, restoreBackup, verifyBackup } from './backup/restore.ts';
export { fetchFromS3, listS3Backups } from './backup/s3-copy.ts';
export type { BackupDeps } from './backup/service.ts';
export { backupBucket, checkStale, currentSlot, runBackup, runVerify, scheduledBackup } from './backup/service.ts';
export type { RunningServer } from './boot.ts';
export { startServer } from './boot.ts';
export type { Config } from './config.ts';
export { envSchema, loadConfig } from './config.ts';
export type { AppServices, Context, ServiceContext } from './context.ts';
export { createContextInner, serviceContext } from './context.ts';
export { markExpiries } from './documents/documents.ts';
export { EXPORT_CATALOGUE } from './documents/export-lists.ts';
export { EXPORT_SLICE_ROWS, writeExport } from './documents/exports.ts';
export { renderPdf } from './documents/pdf.ts';
export { quantity, taxBreakdown } from './documents/printing.ts';
export { pgBlobStore } from './files/pg-store.ts';
export { s3BlobStore } from './files/s3-store.ts';
export type { BlobStore } from './files/store.ts';
export { fsBlobStore } from './files/store.ts';
export { createHttpApp, WEB_DIST } from './http.ts';
export { pruneIdempotencyKeys } from './integration/idempotency.ts';
export { keySecretHmacKey } from './integration/integrations.ts';
export { warnAboutKeys } from './integration/key-warnings.ts';
export type { SyncDeps } from './integration/kinetic/sync.ts';
export { reconcile, runDue, runOne } from './integration/kinetic/sync.ts';
export type { WritebackDeps } from './integration/kinetic/writeback.ts';
export { deliverKineticWritebacks, UD_KEY1 } from './integration/kinetic/writeback.ts';
export { check, writeRows } from './integration/mirror.ts';
export { createLoader, dropLoader, mergeStaged, rotateLoader } from './integration/sql-staging.ts';
export { refusal } from './integration/webhooks/ssrf.ts';
export {
  deliverWebhooks,
  drainWebhooks,
  MAX_ATTEMPTS,
  RETRY_SCHEDULE_MS,
  retryDelay,
  startWebhookWorker,
} from './integration/webhooks/worker.ts';
export { periodClaim, startPeriodic } from './jobs/periodic.ts';
export { appRolePassword, contextKey, integrationSealKey, syncRolePassword } from './keys.ts';
export { createLogger } from './logger.ts';
export { deliverDue } from './mail/worker.ts';
export type { DemoSignIn } from './parties/demo.ts';
export { seedDemo } from './parties/demo.ts';
export { SYSTEM_SCOPE } from './parties/scope.ts';
export { PROCEDURE_DOCS, procedureEntries, renderProcedureDocs } from './procedure-docs.ts';
export { appRouter } from './router.ts';
export type { ProcedureMeta } from './trpc.ts';
export { createCallerFactory } from './trpc.ts';
export { closeOverdue } from './users/access-reviews.ts';
export { suspendDormant } from './users/dormant.ts';
export { announceExpiring, announceMirrored } from './users/notification-sources.ts';
export { sendDigests, unsubscribeToken } from './users/notifications.ts';
