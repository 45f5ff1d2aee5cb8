import { createHash, timingSafeEqual } from 'node:crypto';
import { backupsRepo, type Database, mailRepo } from '@gatehouse/db';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { NextFunction, Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SessionCache } from './auth/session-cache.ts';
import type { Logger } from './logger.ts';
import { SYSTEM_SCOPE } from './parties/scope.ts';

/** How long a scrape waits for the outbox query before it leaves the gauge empty. */
export const OUTBOX_QUERY_TIMEOUT_MS = 1_000;

/** The routes the duration histogram knows outside tRPC; anything else is not measured. */
export type MeteredRoute = 'trpc' | 'api_v1' | 'files';

/**
 * Prometheus metrics for one server instance: its own registry (tests run several servers in one
 * process, and prom-client's global registry would refuse the second set of the same names).
 * Label values come only from fixed sets: procedure names the router knows (else 'unknown'), a fixed
 * route name, HTTP status codes and job names from the code, so no request can add a time series.
 */
export function createMetrics(opts: {
  procedures: Iterable<string>;
  db: Database;
  log: Logger;
  sessionCache?: SessionCache | null;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const known = new Set(opts.procedures);

  const requestDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Request duration by route, tRPC procedure (each call of a batch counts) and HTTP status',
    labelNames: ['route', 'procedure', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'gatehouse_job_runs_total',
    help: 'Periodic job runs by job name',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: 'gatehouse_job_failures_total',
    help: 'Periodic job runs that failed, by job name',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const signInFailures = new Counter({
    name: 'gatehouse_sign_in_failures_total',
    help: 'Failed sign-ins (first factor), whatever the reason',
    registers: [registry],
  });
  const throttleDenials = new Counter({
    name: 'gatehouse_sign_in_throttle_denials_total',
    help: 'Sign-in attempts refused by the throttle before the password counted, by axis',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gatehouse_db_pool_in_use',
    help: 'Database connections reserved by transactions right now',
    registers: [registry],
    collect() {
      this.set(opts.db.poolStats().inUse);
    },
  });
  new Gauge({
    name: 'gatehouse_db_pool_waiting',
    help: 'Transactions waiting for a database connection right now',
    registers: [registry],
    collect() {
      this.set(opts.db.poolStats().waiting);
    },
  });
  new Gauge({
    name: 'gatehouse_db_pool_max',
    help: 'Largest number of database connections the pool opens (DB_POOL_MAX)',
    registers: [registry],
    collect() {
      this.set(opts.db.poolStats().max);
    },
  });
  const cache = opts.sessionCache;
  if (cache) {
    // Read from the cache's own tallies on scrape (the hot path only adds to plain numbers).
    new Counter({
      name: 'gatehouse_session_cache_lookups_total',
      help: 'Session lookups by the session cache: hit, miss (read from the database), bypass (not listening)',
      labelNames: ['result'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, cache.stats.hits);
        this.inc({ result: 'miss' }, cache.stats.misses);
        this.inc({ result: 'bypass' }, cache.stats.bypassed);
      },
    });
    new Counter({
      name: 'gatehouse_session_cache_notifications_total',
      help: 'Change notifications the session cache heard (each may drop several sessions)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(cache.stats.notifications);
      },
    });
    new Gauge({
      name: 'gatehouse_session_cache_listening',
      help: '1 while the session cache hears change notifications and is used; 0 while it is bypassed',
      registers: [registry],
      collect() {
        this.set(cache.listening ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gatehouse_session_cache_entries',
      help: 'Sessions held in the session cache',
      registers: [registry],
      collect() {
        this.set(cache.size);
      },
    });
  }
  /**
   * A gauge read from the database on scrape. A scrape must not fail because the database is slow or
   * away: past the limit (or on an error) the gauge has no sample rather than a stale one (reset() alone
   * would leave 0, which reads as "nothing waiting" / "just backed up").
   */
  const fromDatabase = async (gauge: Gauge, what: string, query: () => Promise<number | null>) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} query timed out`)), OUTBOX_QUERY_TIMEOUT_MS);
      });
      const q = query();
      q.catch(() => {}); // given up on after the limit: its later failure is nobody's business
      const value = await Promise.race([q, timeout]);
      gauge.reset();
      if (value === null) gauge.remove();
      else gauge.set(value);
    } catch (err) {
      gauge.reset();
      gauge.remove();
      opts.log.debug({ err }, `${what} not collected`);
    } finally {
      clearTimeout(timer);
    }
  };
  new Gauge({
    name: 'gatehouse_mail_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest mail not yet sent (0 when none waits); empty when the database did not answer',
    registers: [registry],
    async collect() {
      await fromDatabase(this, 'outbox age', () =>
        opts.db.readOne(SYSTEM_SCOPE, (tx) => mailRepo.oldestUnsentAgeSeconds(tx)),
      );
    },
  });
  // Both backup gauges come from one statement per scrape.
  let backupAges: Promise<{ backup: number | null; verify: number | null }> | null = null;
  const ages = () => {
    backupAges ??= opts.db
      .readOne(SYSTEM_SCOPE, (tx) => backupsRepo.ages(tx))
      .finally(() => {
        setImmediate(() => {
          backupAges = null;
        });
      });
    return backupAges;
  };
  new Gauge({
    name: 'gatehouse_backup_last_success_age_seconds',
    help: 'Seconds since the newest successful backup; empty when there has been none (or the database did not answer)',
    registers: [registry],
    async collect() {
      await fromDatabase(this, 'backup age', async () => (await ages()).backup);
    },
  });
  new Gauge({
    name: 'gatehouse_backup_last_verified_age_seconds',
    help: 'Seconds since the newest restore drill that passed; empty when none has',
    registers: [registry],
    async collect() {
      await fromDatabase(this, 'backup drill age', async () => (await ages()).verify);
    },
  });

  const procedureLabel = (name: string) => (known.has(name) ? name : 'unknown');

  return {
    registry,
    signInFailed: () => signInFailures.inc(),
    throttleDenied: (reason: string) => throttleDenials.inc({ reason }),
    job: {
      ran: (job: string) => jobRuns.inc({ job }),
      failed: (job: string) => jobFailures.inc({ job }),
    },
    /**
     * Express middleware: times the request and records it when the response is finished. For /trpc,
     * each call of a batch is one observation with its own status (errors come from tRPC's onError via
     * `trpcFailed`); at most `maxCalls` per request, so a long path of junk names cannot cost more.
     */
    timed(route: MeteredRoute, maxCalls = 10) {
      return (req: Request, res: Response, next: NextFunction) => {
        const started = performance.now();
        const calls = req.path; // relative to the mount point now; Express restores the full URL later
        res.once('finish', () => {
          const seconds = (performance.now() - started) / 1000;
          if (route !== 'trpc') {
            requestDuration.observe({ route, procedure: 'none', status: String(res.statusCode) }, seconds);
            return;
          }
          const errors = (res.locals.trpcErrors ?? new Map()) as Map<string, number>;
          const names = calls.replace(/^\//, '').split(',').slice(0, maxCalls);
          for (const name of names) {
            const status = errors.get(name) ?? (res.statusCode === 207 ? 200 : res.statusCode);
            requestDuration.observe({ route, procedure: procedureLabel(name), status: String(status) }, seconds);
          }
        });
        next();
      };
    },
    /** From tRPC's onError: the status this call answered with, for the histogram. */
    trpcFailed(res: Response, path: string | undefined, error: Parameters<typeof getHTTPStatusCodeFromError>[0]) {
      if (!path) return;
      const errors: Map<string, number> = res.locals.trpcErrors ?? new Map();
      errors.set(path, getHTTPStatusCodeFromError(error));
      res.locals.trpcErrors = errors;
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** `Authorization: Bearer <token>`, compared in constant time (hashes first, so the length tells nothing). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/** The exposition, for either listener. */
export async function sendMetrics(metrics: Metrics, res: Response | import('node:http').ServerResponse) {
  const body = await metrics.registry.metrics();
  res.statusCode = 200;
  res.setHeader('Content-Type', metrics.registry.contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}
