import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  appUrlFrom,
  createDatabase,
  type Database,
  type EmbeddedDatabase,
  migrate,
  startEmbedded,
} from '@gatehouse/db';
import { loadAuditSigner } from './audit/signing.ts';
import { loadCommonPasswords } from './auth/password-policy.ts';
import { startSessionCache } from './auth/session-cache.ts';
import { type Clock, systemClock } from './auth/sessions.ts';
import { setupLinkIfNeeded } from './auth/setup.ts';
import { createLoginThrottle, type ThrottlePolicy } from './auth/throttle.ts';
import { type Config, crossSiteCorsOrigins } from './config.ts';
import type { AppServices } from './context.ts';
import { openBlobStore } from './files/stores.ts';
import { createHttpApp } from './http.ts';
import { sweepOrphans } from './integration/csv/imports.ts';
import { startKineticWriteback } from './integration/kinetic/writeback.ts';
import { startWebhookWorker } from './integration/webhooks/worker.ts';
import { periodClaim, startPeriodic } from './jobs/periodic.ts';
import { scheduledJobs } from './jobs/registry.ts';
import { appRolePassword, contextKey, syncRolePassword } from './keys.ts';
import type { Logger } from './logger.ts';
import { fileTransport, type MailTransport, smtpTransport } from './mail/transport.ts';
import { startMailWorker } from './mail/worker.ts';
import { createMetrics, type Metrics, sendMetrics } from './metrics.ts';
import { appRouter } from './router.ts';

export function mailTransport(config: Config): MailTransport {
  return config.mail.smtpUrl
    ? smtpTransport(config.mail.smtpUrl, config.mail.from)
    : fileTransport(config.mail.fileDir, config.mail.from);
}

export interface OpenDatabase {
  db: Database;
  /**
   * The ERP mirror writer's small pool, as gatehouse_sync (null when the operator manages the roles and
   * gave no SYNC_DATABASE_URL: the batch API then answers that ERP writes are not configured).
   */
  syncDb: Database | null;
  ownerUrl: string;
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

/**
 * The database, ready for the app role: embedded (default) or DATABASE_URL, migrated, with the
 * tenant-context key installed. Used by the server and by every CLI command alike.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  opts: { attach?: boolean } = {},
): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let ownerUrl = config.databaseUrl;
  if (!ownerUrl) {
    embedded = await startEmbedded({
      dataDir: path.join(config.dataDir, 'postgres'),
      database: 'gatehouse',
      attach: opts.attach ?? false,
      log: (m) => log.debug({ postgres: m }),
    });
    ownerUrl = embedded.ownerUrl;
  }
  try {
    const managedPassword = config.appDatabaseUrl ? undefined : appRolePassword(config.secret);
    const managedSyncPassword = config.appDatabaseUrl ? undefined : syncRolePassword(config.secret);
    const { applied } = await migrate({
      ownerUrl,
      contextKey: contextKey(config.secret),
      appPassword: managedPassword,
      syncPassword: managedSyncPassword,
    });
    if (applied > 0) log.info({ applied }, 'migrations applied');
    const appUrl = config.appDatabaseUrl ?? appUrlFrom(ownerUrl, managedPassword as string);
    const db = createDatabase({
      appUrl,
      contextKey: contextKey(config.secret),
      maxConnections: config.dbPoolMax,
      acquireTimeoutMs: config.dbAcquireTimeoutMs,
      onError: (err) => log.warn({ err }, 'database check failed'),
    });
    const syncUrl =
      config.syncDatabaseUrl ??
      (managedSyncPassword ? appUrlFrom(ownerUrl, managedSyncPassword, 'gatehouse_sync') : undefined);
    // Small on purpose: ERP batches commit page by page and must not starve the portal's readers.
    const syncDb = syncUrl
      ? createDatabase({
          appUrl: syncUrl,
          contextKey: contextKey(config.secret),
          maxConnections: 4,
          acquireTimeoutMs: config.dbAcquireTimeoutMs,
          applicationName: 'gatehouse-sync',
          onError: (err) => log.warn({ err }, 'sync database check failed'),
        })
      : null;
    return {
      db,
      syncDb,
      ownerUrl,
      embedded,
      async close() {
        await syncDb?.close().catch(() => undefined);
        await db.close().catch(() => undefined);
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}

export interface RunningServer {
  url: string;
  /** The separate metrics listener's /metrics (METRICS_PORT), or null when it is off. */
  metricsUrl: string | null;
  port: number;
  services: AppServices;
  setupLink: string | null;
  stop(): Promise<void>;
}

export async function startServer(
  config: Config,
  log: Logger,
  opts: { clock?: Clock; throttle?: ThrottlePolicy } = {},
): Promise<RunningServer> {
  // The common-password list loads in the background (off the main thread), before the first use.
  void loadCommonPasswords().catch((err: unknown) => log.warn({ err }, 'common-password list not loaded yet'));
  const database = await openDatabase(config, log);
  const clock = opts.clock ?? systemClock;
  const transport = mailTransport(config);
  // Off: every request reads its session from the database. On: it is bypassed until the listener listens.
  const sessionCache = config.sessionCache.enabled ? startSessionCache(database.db, config.sessionCache) : null;
  // One registry per server instance (tests start several in one process); procedure names from the router.
  const metrics = createMetrics({
    procedures: Object.keys(appRouter._def.procedures),
    db: database.db,
    log,
    sessionCache,
  });
  const mailWorker = startMailWorker(database.db, transport, clock, log, undefined, metrics);
  const auditSigner = loadAuditSigner(config.auditKeyFile);
  const files = openBlobStore(config, database.db);
  log.info({ mail: transport.description }, 'mail delivery');
  const crossSite = crossSiteCorsOrigins(config);
  if (crossSite.length > 0) {
    log.warn(
      { origins: crossSite, publicOrigin: config.publicOrigin },
      'CORS_ORIGINS names origins on another site than PUBLIC_ORIGIN: browsers will not send the session cookie from there, so the SPA cannot sign in (docs/edge.md)',
    );
  }
  const services: AppServices = {
    config,
    db: database.db,
    syncDb: database.syncDb,
    log,
    clock,
    sessionPolicy: config.session,
    sessionCache,
    throttle: createLoginThrottle(database.db, opts.throttle),
    mail: mailWorker,
    auditSigner,
    files,
    metrics,
  };
  // A CSV import left running by a process that died is failed before the first request (then every minute).
  await sweepOrphans(services).catch((err: unknown) => log.warn({ err }, 'orphaned CSV imports not swept'));
  // Every scheduled job comes from the one registry (jobs/registry.ts). Claimed jobs run once per period across
  // every instance sharing the database (job_runs).
  const instance = `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const claim = periodClaim(database.db, instance);
  const jobs = scheduledJobs({ services, ownerUrl: database.ownerUrl })
    .filter((j) => j.enabled)
    .map((j) => {
      const running = startPeriodic(j.name, j.everyMs, j.run, log, metrics, j.claimed ? claim : undefined);
      if (j.atStart) running.kick();
      return running;
    });
  // Webhook deliveries are a SKIP LOCKED queue like mail: every instance drains it, no period claim.
  const webhookWorker =
    config.webhookWorkerMs > 0
      ? startWebhookWorker({ db: database.db, clock, config, log }, config.webhookWorkerMs, metrics)
      : null;
  // Kinetic write-back drains its queue like webhooks (SKIP LOCKED, every instance); it does nothing until an
  // admin switches it on for a saved connection.
  const kineticWriteback =
    config.webhookWorkerMs > 0
      ? startKineticWriteback({ db: database.db, clock, config, log }, config.webhookWorkerMs, metrics)
      : null;
  const stopJobs = async () => {
    for (const j of jobs) await j.stop();
    await kineticWriteback?.stop();
    await webhookWorker?.stop();
    await mailWorker.stop();
    await database.close();
  };
  const app = createHttpApp(services);
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  }).catch(async (e) => {
    await stopJobs();
    throw e;
  });
  server.keepAliveTimeout = 65_000;
  const metricsServer = await startMetricsListener(config, metrics).catch(async (e) => {
    server.close();
    await stopJobs();
    throw e;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const setupLink = await setupLinkIfNeeded(database.db, config.publicOrigin);
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    port,
    services,
    setupLink,
    metricsUrl: metricsServer ? `http://${urlHost(config.metrics.host)}:${listenerPort(metricsServer)}/metrics` : null,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5_000).unref();
        });
        await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
        await stopJobs();
      })();
      return stopping;
    },
  };
}

/**
 * METRICS_PORT: a listener that serves /metrics and nothing else, without a token: whoever can reach it
 * may read it, so it binds to METRICS_HOST (loopback by default) for a scraper on the host or a sidecar.
 */
async function startMetricsListener(config: Config, metrics: Metrics): Promise<Server | null> {
  if (config.metrics.port === undefined) return null;
  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && pathname === '/metrics') {
      sendMetrics(metrics, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain');
    res.end('Not found.');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metrics.port, config.metrics.host, () => resolve());
  });
  return server;
}

const listenerPort = (s: Server) => {
  const a = s.address();
  return typeof a === 'object' && a ? a.port : 0;
};
const urlHost = (host: string) => (host === '0.0.0.0' ? 'localhost' : host.includes(':') ? `[${host}]` : host);
