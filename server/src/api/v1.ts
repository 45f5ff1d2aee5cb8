import {
  BATCH_ENTITIES,
  BATCH_MAX_BYTES,
  BATCH_MAX_ROWS,
  BATCH_SCOPE,
  type BatchEntity,
  CSV_EXPORT_ENTITIES,
  type CsvExportEntity,
  eventsQuery,
  eventTypesParam,
  IMPORT_ENCODINGS,
  type IntegrationScope,
  masterDataParams,
  supplierInvoiceStatusBody,
} from '@gatehouse/contract';
import { createLimiter, type Limiter, mirrorRepo, RateLimiterRes } from '@gatehouse/db';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import * as audit from '../audit/audit.ts';
import { clientIp } from '../client-ip.ts';
import type { AppServices } from '../context.ts';
import { DomainError, isDatabaseUnavailable } from '../errors.ts';
import { streamExport } from '../integration/csv/csv-export.ts';
import * as imports from '../integration/csv/imports.ts';
import { checkKey, hasScope, type IntegrationPrincipal } from '../integration/integrations.ts';
import { applyBatch, IDEMPOTENCY_KEY, masterDataForErp, sha256Hex } from '../integration/mirror.ts';
import * as outbox from '../integration/outbox.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { setInvoiceStatusFromErp } from '../suppliers/supplier-collab.ts';
import { openApiDocument } from './openapi.ts';

/**
 * The integration API: for ERPs and middleware, never for browsers. Keys only (`Authorization: Bearer
 * ghk_…`); session cookies are ignored, so there is no CSRF surface and no CORS. A key in the URL is
 * refused (it would land in proxy and server logs). Every failure to authenticate gets the same 401 body,
 * byte for byte, and repeated failures from one address are throttled. Errors use one envelope:
 * `{ error: { code, message, details? } }`.
 */
export const API_FAILURES_PER_IP = { points: 30, durationSeconds: 15 * 60 };
const UNAUTHENTICATED = { error: { code: 'unauthenticated', message: 'A valid integration key is required.' } };
const KEY_PARAMS = ['api_key', 'apikey', 'key', 'token', 'access_token'];

type Locals = { principal: IntegrationPrincipal; ip: string };

const PDF_ENTITIES: readonly mirrorRepo.PdfEntity[] = ['orders', 'invoices', 'shipments', 'purchase-orders'];

export function apiV1(app: AppServices) {
  const router = express.Router();
  const failures: Limiter = createLimiter(app.db, { keyPrefix: 'api:auth-fail-ip', ...API_FAILURES_PER_IP });
  const budgets = new Map<string, Limiter>();
  /** A per-minute budget of `kind` ('req' requests, 'rows' batch rows) at `perMinute`, shared by instances. */
  const budget = (kind: 'req' | 'rows', perMinute: number) => {
    let l = budgets.get(`${kind}:${perMinute}`);
    if (!l) {
      l = createLimiter(app.db, { keyPrefix: `api:${kind}:${perMinute}`, points: perMinute, durationSeconds: 60 });
      budgets.set(`${kind}:${perMinute}`, l);
    }
    return l;
  };

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  // The API's description is public (it holds no data): ERP developers and tools read it without a key.
  const document = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  // A key in the query string is refused before anything else, and audited (without the key).
  router.use(
    wrap(async (req, res, next) => {
      const leaked = KEY_PARAMS.filter((p) => p in req.query);
      if (leaked.length === 0) return next();
      await app.db.tx(SYSTEM_SCOPE, (tx) =>
        audit.record(tx, audit.fromRequest({ requestId: String(res.locals.requestId), ip: clientIp(req) }), {
          action: 'integration.key_in_url_refused',
          outcome: 'denied',
          partyId: null,
          details: { path: req.path, parameters: leaked },
        }),
      );
      send(res, 400, 'key_in_url', 'Send the key in the Authorization header, never in the URL. Rotate this key now.');
    }),
  );

  router.use(
    wrap(async (req, res, next) => {
      const ip = clientIp(req);
      const blocked = await failures.get(ip);
      if (blocked && blocked.consumedPoints >= API_FAILURES_PER_IP.points) {
        res.setHeader('Retry-After', String(retryAfter(blocked)));
        return send(res, 429, 'too_many_failures', 'Too many failed attempts from this address. Try again later.');
      }
      const header = req.headers.authorization ?? '';
      const token = /^Bearer ([^\s]+)$/.exec(header)?.[1] ?? '';
      const check = await checkKey(app, token, ip);
      if (!check.ok && check.reason === 'unauthenticated') {
        const consumed = await failures.consume(ip).catch((r: unknown) => r);
        const res2 = consumed instanceof RateLimiterRes ? consumed : null;
        // One audit entry when an address starts failing and one when it is blocked, not one per guess.
        if (res2 && (res2.consumedPoints === 1 || res2.consumedPoints === API_FAILURES_PER_IP.points)) {
          await app.db.tx(SYSTEM_SCOPE, (tx) =>
            audit.record(tx, audit.fromRequest({ requestId: String(res.locals.requestId), ip }), {
              action: 'integration.auth_failed',
              outcome: 'failure',
              partyId: null,
              entityType: check.keyId ? 'integration_key' : undefined,
              entityId: check.keyId ?? undefined,
              details: {
                failuresInWindow: res2.consumedPoints,
                blocked: res2.consumedPoints >= API_FAILURES_PER_IP.points,
              },
            }),
          );
        }
        res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="gatehouse"').json(UNAUTHENTICATED);
        return;
      }
      if (!check.ok) return send(res, 403, 'network_denied', 'This key may not be used from this network address.');
      const { principal } = check;
      const spent = await budget('req', principal.requestsPerMinute)
        .consume(principal.keyId)
        .catch((r: unknown) => r);
      if (spent instanceof RateLimiterRes) {
        res.setHeader('RateLimit-Limit', String(principal.requestsPerMinute));
        res.setHeader('RateLimit-Remaining', String(Math.max(0, spent.remainingPoints)));
        res.setHeader('RateLimit-Reset', String(retryAfter(spent)));
        if (spent.consumedPoints > principal.requestsPerMinute) {
          res.setHeader('Retry-After', String(retryAfter(spent)));
          return send(res, 429, 'rate_limited', `This key may make ${principal.requestsPerMinute} requests a minute.`);
        }
      } else throw spent;
      (res.locals as Locals).principal = principal;
      (res.locals as Locals).ip = ip;
      next();
    }),
  );

  /** The outbound pull feed: decisions the ERP must apply, in a total order; the consumer keeps its cursor. */
  router.get(
    '/events',
    requireScope('events:read'),
    wrap(async (req, res) => {
      const q = eventsQuery.safeParse(req.query);
      const types = eventTypesParam.safeParse(req.query.types);
      if (!q.success) return send(res, 400, 'invalid_query', 'The query is not valid.', z.flattenError(q.error));
      if (!types.success)
        return send(res, 400, 'invalid_query', 'The query is not valid.', z.flattenError(types.error));
      res.json(await outbox.feed(app, { ...q.data, types: types.data }));
    }),
  );

  /** A party's current address and bank details, for the ERP to apply (each read is audited). */
  router.get(
    '/master-data/:kind/:ref',
    requireScope('master-data:read'),
    wrap(async (req, res) => {
      const p = masterDataParams.safeParse(req.params);
      if (!p.success)
        return send(res, 400, 'invalid_path', 'Use /master-data/customer/{ref} or /master-data/supplier/{ref}.');
      const { ip } = res.locals as Locals;
      const found = await masterDataForErp(app, (res.locals as Locals).principal, {
        ...p.data,
        requestId: String(res.locals.requestId),
        ip,
      });
      if (!found) return send(res, 404, 'not_found', `No ${p.data.kind} has the ERP reference "${p.data.ref}".`);
      res.json(found);
    }),
  );

  /**
   * A supplier invoice's status from the ERP: received, approved, scheduled, paid (with the payment date)
   * or rejected. Idempotent: the same status again answers changed: false. Audited on the supplier.
   */
  router.post(
    '/supplier-invoices/status',
    requireScope('supplier-invoices:write'),
    express.json({ limit: '16kb' }),
    wrap(async (req, res) => {
      const p = supplierInvoiceStatusBody.safeParse(req.body);
      if (!p.success) return send(res, 400, 'invalid_body', 'The body is not valid.', z.flattenError(p.error));
      const { principal, ip } = res.locals as Locals;
      try {
        const out = await setInvoiceStatusFromErp(
          app,
          {
            integrationName: principal.integrationName,
            keyId: principal.keyId,
            requestId: String(res.locals.requestId),
            ip,
          },
          p.data,
        );
        if (!out)
          return send(
            res,
            404,
            'not_found',
            `Supplier "${p.data.supplier}" has no invoice numbered "${p.data.number}".`,
          );
        res.json(out);
      } catch (err) {
        if (err instanceof DomainError)
          return send(
            res,
            err.code === 'CONFLICT' ? 409 : 400,
            err.code === 'CONFLICT' ? 'conflict' : 'invalid_body',
            err.message,
          );
        throw err;
      }
    }),
  );

  /**
   * ERP data in: one batch of up to 1,000 rows of one entity, atomic unless it says partial, idempotent by
   * the required Idempotency-Key. The body is read raw (at most 5 MB: a larger one is refused with 413
   * before it is parsed) so its SHA-256 identifies it for idempotency and the audit trail.
   */
  router.post(
    '/batches/:entity',
    (req, res, next) => {
      const entity = req.params.entity as BatchEntity;
      if (!BATCH_ENTITIES.includes(entity))
        return send(
          res,
          404,
          'not_found',
          `No batch endpoint "${req.params.entity}". Try: ${BATCH_ENTITIES.join(', ')}.`,
        );
      requireScope(BATCH_SCOPE[entity])(req, res, next);
    },
    (req, res, next) => {
      if (!req.is('application/json'))
        return send(res, 415, 'unsupported_media_type', 'Send the batch as application/json.');
      const key = req.get('Idempotency-Key');
      if (!key)
        return send(res, 400, 'idempotency_key_missing', 'Send an Idempotency-Key header (up to 255 characters).');
      if (!IDEMPOTENCY_KEY.test(key))
        return send(
          res,
          400,
          'idempotency_key_invalid',
          'The Idempotency-Key must be 1 to 255 visible ASCII characters.',
        );
      next();
    },
    express.raw({ type: () => true, limit: BATCH_MAX_BYTES }),
    wrap(async (req, res) => {
      const raw = req.body as Buffer;
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, 'invalid_json', 'The body is not valid JSON.');
      }
      const rows = (body as { rows?: unknown } | null)?.rows;
      if (Array.isArray(rows) && rows.length > BATCH_MAX_ROWS)
        return send(res, 413, 'too_many_rows', `At most ${BATCH_MAX_ROWS} rows per batch; split it.`);
      const { principal, ip } = res.locals as Locals;
      if (Array.isArray(rows) && rows.length > 0) {
        const spent = await budget('rows', principal.rowsPerMinute)
          .consume(principal.keyId, Math.min(rows.length, principal.rowsPerMinute))
          .catch((r: unknown) => r);
        if (!(spent instanceof RateLimiterRes)) throw spent;
        if (spent.consumedPoints > principal.rowsPerMinute) {
          res.setHeader('Retry-After', String(retryAfter(spent)));
          return send(res, 429, 'row_budget_spent', `This key may send ${principal.rowsPerMinute} rows a minute.`);
        }
      }
      const answer = await applyBatch(app, principal, req.params.entity as BatchEntity, {
        body,
        bodySha256: sha256Hex(raw),
        idempotencyKey: req.get('Idempotency-Key') as string,
        requestId: String(res.locals.requestId),
        ip,
      });
      if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(answer.status).json(answer.body);
    }),
  );

  /**
   * The ERP's own PDF of an order confirmation, invoice or credit note, delivery note or purchase order
   * (`PUT /documents/{entity}/{key}/pdf`, body application/pdf, at most 5 MB): stored in the file store by
   * its SHA-256 and served to the portal's users instead of the PDF Gatehouse renders. Same scope as the
   * entity's batch endpoint; the document must already be mirrored. Repeating it is harmless.
   */
  router.put(
    '/documents/:entity/:key/pdf',
    (req, res, next) => {
      const entity = req.params.entity as mirrorRepo.PdfEntity;
      if (!PDF_ENTITIES.includes(entity))
        return send(res, 404, 'not_found', `No document kind "${req.params.entity}". Try: ${PDF_ENTITIES.join(', ')}.`);
      requireScope(BATCH_SCOPE[entity])(req, res, next);
    },
    (req, res, next) => {
      if (!req.is('application/pdf'))
        return send(res, 415, 'unsupported_media_type', 'Send the file as application/pdf.');
      next();
    },
    express.raw({ type: () => true, limit: BATCH_MAX_BYTES }),
    wrap(async (req, res) => {
      const raw = req.body as Buffer;
      if (!Buffer.isBuffer(raw) || raw.subarray(0, 5).toString('latin1') !== '%PDF-')
        return send(res, 415, 'not_a_pdf', 'The body is not a PDF file (it must start with %PDF-).');
      const syncDb = app.syncDb;
      if (!syncDb)
        return send(
          res,
          503,
          'sync_not_configured',
          'ERP writes are not configured on this server (SYNC_DATABASE_URL).',
        );
      const entity = req.params.entity as mirrorRepo.PdfEntity;
      const key = String(req.params.key);
      const { principal, ip } = res.locals as Locals;
      const sha256 = sha256Hex(raw);
      const staged = await app.files.stage();
      staged.stream.end(raw);
      await staged.commit(sha256);
      const doc = await syncDb.tx(SYSTEM_SCOPE, async (tx) => {
        const found = await mirrorRepo.setErpPdf(tx, entity, key, sha256);
        if (!found) return undefined;
        await audit.record(tx, audit.fromRequest({ requestId: String(res.locals.requestId), ip }), {
          action: 'integration.document_pdf_received',
          outcome: 'success',
          partyId: found.party_id,
          entityType: entity,
          entityId: found.id,
          details: {
            key,
            sha256,
            sizeBytes: raw.length,
            integration: principal.integrationName,
            keyId: principal.keyId,
          },
        });
        return found;
      });
      if (!doc) return send(res, 404, 'not_found', `No ${entity} has the ERP key "${key}" (send the document first).`);
      res.json({ entity, key, sha256, sizeBytes: raw.length });
    }),
  );

  /**
   * CSV import (docs/csv-import.md): the body is the file itself (text/csv), streamed to a temporary file;
   * 202 with the job once its header is accepted, 400 when the header or the file's start is refused
   * (before any row is read), 409 while another import of this integration runs. Poll GET /imports/{id};
   * the error report is GET /imports/{id}/report.csv. Needs the entity's write scope (as its batches).
   */
  router.post(
    '/imports/:entity',
    (req, res, next) => {
      const entity = req.params.entity as BatchEntity;
      if (!BATCH_ENTITIES.includes(entity)) {
        req.resume();
        return send(res, 404, 'not_found', `No import "${req.params.entity}". Try: ${BATCH_ENTITIES.join(', ')}.`);
      }
      requireScope(BATCH_SCOPE[entity])(req, res, next);
    },
    wrap(async (req, res) => {
      const q = importQuery.safeParse(req.query);
      if (!q.success) {
        req.resume();
        return send(res, 400, 'invalid_query', 'The query is not valid.', z.flattenError(q.error));
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!['text/csv', 'application/octet-stream', 'text/plain'].includes(type)) {
        req.resume();
        return send(res, 415, 'unsupported_media_type', 'Send the file itself as the body, as text/csv.');
      }
      const { principal, ip } = res.locals as Locals;
      const answer = await imports.startImport(
        app,
        {
          source: `integration:${principal.integrationId}`,
          entity: req.params.entity as BatchEntity,
          mode: q.data.mode,
          dryRun: q.data.dryRun === 'true',
          encoding: q.data.encoding,
          fileName: q.data.fileName ?? null,
          actor: {
            userId: null,
            keyId: principal.keyId,
            sourceName: principal.integrationName,
            suspendInactive: principal.suspendInactive,
          },
          requestId: String(res.locals.requestId),
          ip,
        },
        req,
      );
      if (answer.status === 202) {
        res.status(202).setHeader('Location', `/api/v1/imports/${answer.job.id}`);
        res.json(answer.job);
        return;
      }
      if (!req.readableEnded) req.resume();
      res.status(answer.status).json({ error: { code: answer.code, message: answer.message }, job: answer.job });
    }),
  );

  /** An import job of this integration: phase, live counts, the first 100 errors. */
  router.get(
    '/imports/:id',
    wrap(async (req, res) => {
      const { principal } = res.locals as Locals;
      const job = await imports.getJob(app, String(req.params.id), `integration:${principal.integrationId}`);
      if (!job) return send(res, 404, 'not_found', 'No such import job.');
      res.json(job);
    }),
  );

  /** The job's error report as CSV: line, column, value, message. */
  router.get(
    '/imports/:id/report.csv',
    wrap(async (req, res) => {
      const { principal } = res.locals as Locals;
      const csv = await imports.reportCsv(app, String(req.params.id), `integration:${principal.integrationId}`);
      if (csv === null) return send(res, 404, 'not_found', 'No such import job.');
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="import-${req.params.id}-report.csv"`);
      res.send(csv);
    }),
  );

  /**
   * CSV export (docs/csv-import.md): the import's columns, streamed, formula cells neutralised, audited with
   * a manifest signed by the audit key. Needs the exports:read scope.
   */
  router.get(
    '/exports/:entity',
    requireScope('exports:read'),
    wrap(async (req, res) => {
      const entity = String(req.params.entity).replace(/\.csv$/, '') as CsvExportEntity;
      if (!CSV_EXPORT_ENTITIES.includes(entity))
        return send(res, 404, 'not_found', `No export "${req.params.entity}". Try: ${CSV_EXPORT_ENTITIES.join(', ')}.`);
      const { principal, ip } = res.locals as Locals;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="gatehouse-${entity}.csv"`);
      try {
        await streamExport(app, entity, res, {
          userId: null,
          keyId: principal.keyId,
          integration: principal.integrationName,
          requestId: String(res.locals.requestId),
          ip,
        });
        res.end();
      } catch (err) {
        app.log.error({ err, requestId: res.locals.requestId }, 'CSV export failed');
        res.destroy();
      }
    }),
  );

  router.use((_req, res) => send(res, 404, 'not_found', 'No such endpoint.'));
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: string } | null)?.type;
    if (type === 'entity.too.large')
      return send(res, 413, 'body_too_large', `A batch body is at most ${BATCH_MAX_BYTES / 1024 / 1024} MB.`);
    if (type === 'request.aborted' || type === 'request.size.invalid')
      return send(res, 400, 'invalid_body', 'The body did not arrive whole.');
    if (isDatabaseUnavailable(err)) {
      res.setHeader('Retry-After', '5');
      return send(res, 503, 'unavailable', 'The service is briefly unavailable. Retry shortly.');
    }
    app.log.error({ err, requestId: res.locals.requestId }, 'integration API failed');
    send(res, 500, 'internal', 'Something went wrong on our side.');
  });
  return router;
}

/** Query of POST /imports/{entity}. */
export const importQuery = z
  .object({
    mode: z.enum(['atomic', 'partial']).default('atomic'),
    dryRun: z.enum(['true', 'false']).default('false'),
    encoding: z.enum(IMPORT_ENCODINGS).default('utf-8'),
    fileName: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

function requireScope(scope: IntegrationScope) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (hasScope((res.locals as Locals).principal, scope)) return next();
    send(res, 403, 'scope_missing', `This key lacks the ${scope} scope.`);
  };
}

function send(res: Response, status: number, code: string, message: string, details?: unknown) {
  res.status(status).json({ error: details === undefined ? { code, message } : { code, message, details } });
}

function retryAfter(r: RateLimiterRes): number {
  return Math.max(1, Math.ceil(r.msBeforeNext / 1000));
}

function wrap(fn: (req: Request, res: Response, next: NextFunction) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res, next).catch(next);
  };
}
