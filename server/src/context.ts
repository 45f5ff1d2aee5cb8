import type { Database } from '@gatehouse/db';
import type { AuditSigner } from './audit/signing.ts';
import type { Actor, Clock, SessionPolicy } from './auth/sessions.ts';
import type { LoginThrottle } from './auth/throttle.ts';
import type { Config } from './config.ts';
import type { BlobStore } from './files/store.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** What every request and every job shares: built once at boot. */
export interface AppServices {
  config: Config;
  db: Database;
  /** The ERP mirror writer's pool, as the least-privilege gatehouse_sync role (null: not configured). */
  syncDb: Database | null;
  log: Logger;
  clock: Clock;
  sessionPolicy: SessionPolicy;
  throttle: LoginThrottle;
  /** Signs audit checkpoints and export manifests (key outside the database). */
  auditSigner: AuditSigner;
  /** Uploaded files (content-addressed, outside the web root). */
  files: BlobStore;
  /** Asks the mail worker to deliver now (it also runs every few seconds). */
  mail: { kick(): void };
  /** Prometheus metrics of this instance (server/src/metrics.ts). */
  metrics: Metrics;
}

/** Request metadata: built by the HTTP layer, or by a test without any HTTP at all. */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  /** Session token from the cookie (undefined when none). */
  sessionToken: string | undefined;
  setCookie(value: string): void;
  setHeader(name: string, value: string): void;
}

export interface Context extends AppServices {
  req: RequestMeta;
  /** Resolved lazily by authedProcedure, so public procedures never touch the session table. */
  actor: Actor | null;
}

/** tRPC's "inner context": no HTTP objects, so tests can build it directly. */
export function createContextInner(app: AppServices, req: RequestMeta): Context {
  return { ...app, req, actor: null };
}
