export {
  createDatabase,
  currentScope,
  type Database,
  type DatabaseOptions,
  NoTenantTransaction,
} from './connection.ts';
export { keyPads, signContext, type TenantScope } from './context.ts';
export * as auditRepo from './data/audit.ts';
export * as demoRepo from './data/demo.ts';
export * as invoicesRepo from './data/invoices.ts';
export * as ordersRepo from './data/orders.ts';
export { BadCursor } from './data/orders.ts';
export * as partiesRepo from './data/parties.ts';
export * as sessionsRepo from './data/sessions.ts';
export * as setupRepo from './data/setup.ts';
export * as usersRepo from './data/users.ts';
export { type EmbeddedDatabase, EmbeddedStartError, freeLoopbackPort, startEmbedded } from './embedded.ts';
export { appUrlFrom, MIGRATIONS_DIR, MigrationError, migrate } from './migrate.ts';
