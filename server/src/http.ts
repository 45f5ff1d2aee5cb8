import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { parseCookie } from 'cookie';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { apiV1 } from './api/v1.ts';
import { sessionCookieName } from './auth/session-issue.ts';
import { clientIp } from './client-ip.ts';
import type { AppServices, Context, RequestMeta } from './context.ts';
import { createContextInner } from './context.ts';
import { RETRY_AFTER_SECONDS } from './errors.ts';
import { exportList } from './files/export-route.ts';
import { exportCsv, importCsv } from './files/imports.ts';
import {
  downloadDocument,
  uploadChangeRequestAttachment,
  uploadDocument,
  uploadInvoiceQueryAttachment,
  uploadPoThreadAttachment,
  uploadSupplierInvoice,
} from './files/routes.ts';
import { bearerMatches, sendMetrics } from './metrics.ts';
import { appRouter } from './router.ts';
import { precompressedAssets } from './static-assets.ts';
import { trpcQueryHandler } from './trpc-queries.ts';
import { unsubscribe } from './users/notifications.ts';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
/** Largest request body tRPC will read. Files go through their own streaming route (/files). */
export const MAX_BODY_BYTES = 100 * 1024;
/** One HTTP request may carry at most this many calls (tRPC's default is unlimited). */
export const MAX_BATCH = 10;

/**
 * The HTTP shell, outside in:
 * security headers -> request id -> trusted-proxy client IP -> CORS (configured origins only)
 * -> /trpc: body limit, JSON-only and same-origin mutations -> tRPC -> static SPA.
 */
/** A minimal page for the routes that answer a person outside the SPA (no script, no outside resource). */
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · Gatehouse</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

/**
 * `queries: 'adapter'` sends GET calls through tRPC's adapter too: only for the test that holds the direct
 * query path to the adapter's wire format (test/trpc-queries.test.ts).
 */
export function createHttpApp(app: AppServices, opts: { queries?: 'direct' | 'adapter' } = {}) {
  const { config, log, metrics } = app;
  const server = express();
  server.disable('x-powered-by');
  // Client IP: only from the configured proxies (proxy-addr semantics); a spoofed X-Forwarded-For
  // from anyone else is ignored because req.ip is then the socket peer.
  const tp = config.trustProxy;
  server.set('trust proxy', tp.kind === 'none' ? false : tp.kind === 'hops' ? tp.hops : tp.cidrs);

  server.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: config.publicOrigin.startsWith('https:'),
    }),
  );

  // Request id for every response and log line; one access-log line per request (path without the
  // query string, which carries tRPC input), at info level so LOG_LEVEL=warn turns it off.
  server.use((req, res, next) => {
    const id = randomUUID();
    const started = performance.now();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    if (log.isLevelEnabled('info')) {
      res.once('finish', () => {
        const ms = Math.round((performance.now() - started) * 10) / 10;
        log.info(
          { requestId: id, method: req.method, path: req.path, status: res.statusCode, ms, ip: clientIp(req) },
          'request',
        );
      });
    }
    next();
  });

  // The SPA may sit on a CDN with the API here: only configured origins, with credentials.
  const corsMiddleware = cors({
    origin: (origin, cb) => cb(null, origin !== undefined && config.allowedOrigins.includes(origin)),
    credentials: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'trpc-accept', 'x-trpc-source'],
    maxAge: 600,
  });

  server.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok', node: process.versions.node });
  });
  server.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const ok = await app.db.ping();
    if (!ok) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unavailable' });
  });

  // Files: streamed uploads and minted download links (server/src/files/routes.ts), same checks as /trpc.
  const makeContext = (req: Request, res: Response) =>
    createContextInner(app, requestMeta(req, res, sessionCookieName(app)));
  // Prometheus metrics on this port only with the bearer token; without one configured, not at all.
  const metricsToken = config.metrics.token;
  server.get('/metrics', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (metricsToken === undefined) {
      res.status(404).json({ error: 'Not found.' });
      return;
    }
    if (!bearerMatches(req.headers.authorization, metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ error: 'A valid metrics token is required.' });
      return;
    }
    sendMetrics(metrics, res).catch((err: unknown) => {
      log.error({ err }, 'metrics not collected');
      if (!res.headersSent) res.status(500).json({ error: 'Something went wrong on our side.' });
    });
  });

  server.use('/files', metrics.timed('files'), corsMiddleware, (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const sameOriginUpload = (req: Request, res: Response, next: () => void) => {
    if (!crossOriginRefused(req, config.allowedOrigins)) return next();
    req.resume();
    res.status(403).json({ error: { message: 'Cross-origin request refused.', code: 'FORBIDDEN' } });
  };
  server.post('/files/documents', sameOriginUpload, uploadDocument(makeContext));
  server.post('/files/invoice-query-attachments', sameOriginUpload, uploadInvoiceQueryAttachment(makeContext));
  server.post('/files/change-request-attachments', sameOriginUpload, uploadChangeRequestAttachment(makeContext));
  server.post('/files/supplier-invoices', sameOriginUpload, uploadSupplierInvoice(makeContext));
  server.post('/files/po-thread-attachments', sameOriginUpload, uploadPoThreadAttachment(makeContext));
  server.get('/files/download/:token', downloadDocument(makeContext));
  // Exports: a JSON body (a cross-site page cannot send one without a CORS preflight we refuse) from an
  // allowed origin, as tRPC mutations; the file streams back (server/src/files/export-route.ts).
  server.post(
    '/files/exports/:list',
    (req, res, next) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (crossOriginRefused(req, config.allowedOrigins)) {
        req.resume();
        res.status(403).json({ error: { message: 'Cross-origin request refused.', code: 'FORBIDDEN' } });
      } else if (type !== 'application/json') {
        req.resume();
        res
          .status(415)
          .json({ error: { message: 'Send the export request as application/json.', code: 'UNSUPPORTED_MEDIA_TYPE' } });
      } else next();
    },
    express.json({ limit: '16kb' }),
    exportList(makeContext),
  );
  // CSV import for staff (docs/csv-import.md): the file is the body, streamed; same-origin only.
  server.post(
    '/files/imports/:entity',
    (req, res, next) => {
      if (!crossOriginRefused(req, config.allowedOrigins)) return next();
      req.resume();
      res.status(403).json({ error: { message: 'Cross-origin request refused.', code: 'FORBIDDEN' } });
    },
    importCsv(makeContext),
  );
  server.get('/files/exports/:entity', exportCsv(makeContext));

  // One-click unsubscribe (RFC 8058, docs/notifications.md): the signed token is the only credential, no
  // session and no CORS. GET shows a confirm button (link scanners must not unsubscribe anyone); POST acts.
  server.get('/unsubscribe/:token', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('html')
      .send(
        page(
          'Stop these mails?',
          '<form method="post"><p>You will no longer get mail for this kind of notification. You can turn it back on from your Profile page.</p><button type="submit">Stop these mails</button></form>',
        ),
      );
  });
  server.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const out = await unsubscribe(
        app,
        { ip: clientIp(req), requestId: String(res.locals.requestId), userAgent: req.get('user-agent') },
        String(req.params.token),
      );
      if (out === 'invalid')
        res.status(400).type('html').send(page('Link not valid', '<p>This unsubscribe link is not valid.</p>'));
      else
        res
          .type('html')
          .send(
            page(
              'Unsubscribed',
              '<p>You will no longer get these mails. Security mail about your account is always sent.</p>',
            ),
          );
    } catch (e) {
      log.error({ err: e }, 'unsubscribe failed');
      if (!res.headersSent)
        res.status(500).type('html').send(page('Try again', '<p>Something went wrong on our side.</p>'));
    }
  });

  // The integration API: keys only, no cookies, no CORS (server/src/api/v1.ts).
  server.use('/api/v1', metrics.timed('api_v1'), apiV1(app));

  server.use(
    '/trpc',
    metrics.timed('trpc', MAX_BATCH),
    corsMiddleware,
    guardTrpc(config.allowedOrigins),
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  );
  // Queries (GET) go straight to their procedure; the rest (mutations, streamed batches) through tRPC's
  // adapter. One set of options serves both (server/src/trpc-queries.ts says why).
  const trpcOptions = {
    router: appRouter,
    maxBatchSize: MAX_BATCH,
    createContext: ({ req, res }: { req: Request; res: Response }) =>
      createContextInner(app, requestMeta(req, res, sessionCookieName(app))),
    // The database is away: tell clients (and load balancers) when to try again.
    responseMeta: ({ errors }: { errors: TRPCError[] }) =>
      errors.some((e) => e.code === 'SERVICE_UNAVAILABLE')
        ? { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } }
        : {},
    onError: ({
      error,
      path: procedure,
      ctx,
      req,
    }: {
      error: TRPCError;
      path: string | undefined;
      ctx?: Context | undefined;
      req: Request;
    }) => {
      metrics.trpcFailed(req.res as Response, procedure, error);
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        log.error({ err: error.cause ?? error, procedure, requestId: ctx?.req.requestId }, 'procedure failed');
      } else if (error.code === 'SERVICE_UNAVAILABLE') {
        log.warn({ procedure }, 'database unavailable');
      }
    },
  };
  if (opts.queries !== 'adapter') server.use('/trpc', trpcQueryHandler(trpcOptions));
  server.use(
    '/trpc',
    createExpressMiddleware({ ...trpcOptions, maxBodySize: MAX_BODY_BYTES, allowMethodOverride: false }),
  );

  serveSpa(server);

  server.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // Errors that carry an HTTP status (a missing asset, a malformed URL) keep it; anything else is ours.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (!res.headersSent) res.status(status).json({ error: status === 404 ? 'Not found.' : 'Bad request.' });
      return;
    }
    log.error({ err }, 'unhandled HTTP error');
    if (!res.headersSent) res.status(500).json({ error: 'Something went wrong on our side.' });
  });
  return server;
}

function requestMeta(req: Request, res: Response, cookieName: string): RequestMeta {
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  return {
    requestId: String(res.locals.requestId),
    ip: clientIp(req),
    userAgent: req.headers['user-agent'],
    sessionToken: cookies[cookieName],
    acceptLanguage: req.headers['accept-language'],
    setCookie: (value) => res.append('Set-Cookie', value),
    setHeader: (name, value) => res.setHeader(name, value),
  };
}

/**
 * tRPC's defaults would run a mutation sent as a plain HTML form (multipart/form-data, no preflight)
 * and read unlimited bodies. Here: mutations only as application/json; every call (queries too) only
 * from an allowed origin (browsers send Origin on every cross-origin fetch and on every POST;
 * non-browser clients send none and carry no ambient cookies of a victim); and a declared body above
 * the limit is refused before it is read.
 */
function guardTrpc(allowedOrigins: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      res.status(413).json({ error: { message: 'Request body too large.', code: 'PAYLOAD_TOO_LARGE' } });
      return;
    }
    // Any method, preflights too: a page of an origin that is not configured gets a refusal, not data
    // (the browser would hide a response without CORS headers from it anyway; this way nothing runs).
    if (crossOriginRefused(req, allowedOrigins)) {
      res.status(403).json({ error: { message: 'Cross-origin request refused.', code: 'FORBIDDEN' } });
      return;
    }
    if (req.method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        res
          .status(415)
          .json({ error: { message: 'Send mutations as application/json.', code: 'UNSUPPORTED_MEDIA_TYPE' } });
        return;
      }
    } else if (req.method !== 'GET' && req.method !== 'OPTIONS') {
      res.status(405).json({ error: { message: 'Method not allowed.', code: 'METHOD_NOT_SUPPORTED' } });
      return;
    }
    next();
  };
}

/**
 * A request from a page of an origin that is not allowed (PUBLIC_ORIGIN and CORS_ORIGINS are): browsers
 * send Origin on every cross-origin fetch and every POST, and Sec-Fetch-Site on everything; a
 * same-origin GET carries no Origin. Non-browser clients send neither and carry no ambient cookies of a
 * victim.
 */
function crossOriginRefused(req: Request, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  return (origin !== undefined && !allowedOrigins.includes(origin)) || (origin === undefined && site === 'cross-site');
}

/**
 * Content-hashed assets are immutable for a year; index.html is never cached, so a new build takes
 * effect on the next navigation. The same dist/ can be put on a CDN with these two rules.
 */
function serveSpa(server: express.Express) {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    server.get('/', (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built. Run `pnpm build` (pnpm start does it for you).');
    });
    return;
  }
  // Precompressed copies first (brotli or gzip, with Vary), then the plain file.
  server.use('/assets', precompressedAssets(path.join(WEB_DIST, 'assets')));
  server.use(
    '/assets',
    express.static(path.join(WEB_DIST, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  server.use(
    express.static(WEB_DIST, {
      index: false,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  server.get(/^\/(?!trpc\/|files\/|api\/|assets\/|healthz$|readyz$).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(path.join(WEB_DIST, 'index.html'));
  });
}
