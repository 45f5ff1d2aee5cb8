export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  DatabaseUnavailable,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  type Listener,
  type ListenHandlers,
  type Tx,
} from './connection.ts';
export { keyPads, signContext, type TenantScope } from './context.ts';
export * as alertsRepo from './data/alerts.ts';
export * as approvalsRepo from './data/approvals.ts';
export type { AuditEntry } from './data/audit.ts';
export * as auditRepo from './data/audit.ts';
export * as backupsRepo from './data/backups.ts';
export * as blobsRepo from './data/blobs.ts';
export * as changeRequestsRepo from './data/change-requests.ts';
export * as demoRepo from './data/demo.ts';
export * as documentsRepo from './data/documents.ts';
export * as exportsRepo from './data/exports.ts';
export * as homeRepo from './data/home.ts';
export * as importsRepo from './data/imports.ts';
export * as integrationsRepo from './data/integrations.ts';
export * as invitationsRepo from './data/invitations.ts';
export * as invoiceQueriesRepo from './data/invoice-queries.ts';
export * as invoicesRepo from './data/invoices.ts';
export * as jobsRepo from './data/jobs.ts';
export * as kineticRepo from './data/kinetic.ts';
export * as kineticWritebackRepo from './data/kinetic-writeback.ts';
export * as mailRepo from './data/mail.ts';
export * as mfaRepo from './data/mfa.ts';
export * as mirrorRepo from './data/mirror.ts';
export * as notificationSourcesRepo from './data/notification-sources.ts';
export * as notificationsRepo from './data/notifications.ts';
export * as ordersRepo from './data/orders.ts';
export { BadCursor } from './data/paging.ts';
export * as partiesRepo from './data/parties.ts';
export * as poThreadsRepo from './data/po-threads.ts';
export type { PolicyInputs } from './data/policies.ts';
export * as policiesRepo from './data/policies.ts';
export * as postureRepo from './data/posture.ts';
export * as printingRepo from './data/printing.ts';
export * as purchaseOrdersRepo from './data/purchase-orders.ts';
export * as remittancesRepo from './data/remittances.ts';
export * as reviewsRepo from './data/reviews.ts';
export * as rolesRepo from './data/roles.ts';
export * as sessionsRepo from './data/sessions.ts';
export { SESSION_CHANGES_CHANNEL } from './data/sessions.ts';
export * as setupRepo from './data/setup.ts';
export * as shipmentsRepo from './data/shipments.ts';
export * as stagingRepo from './data/staging.ts';
export * as statementsRepo from './data/statements.ts';
export * as supplierCollabRepo from './data/supplier-collab.ts';
export * as usersRepo from './data/users.ts';
export * as webhooksRepo from './data/webhooks.ts';
export { type EmbeddedDatabase, EmbeddedStartError, freeLoopbackPort, startEmbedded } from './embedded.ts';
export { appUrlFrom, MIGRATIONS_DIR, MigrationError, migrate } from './migrate.ts';
export { clearThrottleKeys, createLimiter, type Limiter, RateLimiterRes } from './throttle.ts';
