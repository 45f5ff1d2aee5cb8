import type { Database, TenantScope, Tx } from '@gatehouse/db';
import type { AuditSigner } from './audit/signing.ts';
import type { SessionCache } from './auth/session-cache.ts';
import type { Actor, Clock, SessionPolicy } from './auth/sessions.ts';
import type { LoginThrottle } from './auth/throttle.ts';
import type { Config } from './config.ts';
import { DomainError } from './errors.ts';
import type { BlobStore } from './files/store.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { SYSTEM_SCOPE, scopeFor } from './parties/scope.ts';

/** What every request and every job shares: built once at boot. */
export interface AppServices {
  config: Config;
  db: Database;
  /** The ERP mirror writer's pool, as the least-privilege gatehouse_sync role (null: not configured). */
  syncDb: Database | null;
  log: Logger;
  clock: Clock;
  sessionPolicy: SessionPolicy;
  /** This instance's cache of session lookups (null: off, or a context whose writes never commit). */
  sessionCache: SessionCache | null;
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
  /** The Accept-Language header: errors to a signed-out visitor are worded in it (the SPA sends its language). */
  acceptLanguage?: string;
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

/**
 * What every service verb gets (docs/server.md, ADR 0019): the app's services and the clock, the request,
 * the signed-in actor (never null) and the tenant scope the data layer uses for that actor. Built once per
 * call by `authedProcedure` (server/src/trpc.ts) with `serviceContext`; the file routes build it the same way.
 */
export interface ServiceContext extends AppServices {
  req: RequestMeta;
  actor: Actor;
  /** `scopeFor(actor)`: what `ctx.db.tx/read/readOne(ctx.scope, ...)` may see. */
  scope: TenantScope;
}

/** A ServiceContext inside the verb's open transaction: for helpers that write within it (and audit there). */
export interface TxContext extends ServiceContext {
  tx: Tx;
}

/**
 * The one narrowing from a request's context to a verb's: refuses a missing actor, and derives the scope from
 * the actor (never from input).
 */
export function serviceContext(ctx: AppServices & { req: RequestMeta }, actor: Actor | null): ServiceContext {
  if (!actor) throw new DomainError('UNAUTHORIZED', { key: 'auth.signIn' });
  return { ...ctx, req: ctx.req, actor, scope: scopeFor(actor) };
}

/** The verb's context with its open transaction, for in-transaction helpers. */
export function inTx(ctx: ServiceContext, tx: Tx): TxContext {
  return { ...ctx, tx };
}

/**
 * What a job (or the ERP API, or sign-in before there is a session) gets: the same services and clock, no
 * user actor, and the system scope. Its audit entries name no actor (or the user they are about).
 */
export interface SystemContext extends AppServices {
  req: null;
  actor: null;
  scope: TenantScope;
}

export function systemContext(app: AppServices): SystemContext {
  return { ...app, req: null, actor: null, scope: SYSTEM_SCOPE };
}
