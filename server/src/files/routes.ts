import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import {
  changeRequestUploadFields,
  documentUploadFields,
  invoiceQueryUploadFields,
  type Permission,
  poThreadUploadFields,
  supplierInvoiceUploadFields,
  UPLOAD_TYPES,
} from '@gatehouse/contract';
import busboy from 'busboy';
import { create as contentDisposition } from 'content-disposition';
import type { NextFunction, Request, Response } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import type { z } from 'zod';
import { authenticate, requireEnrolled, requirePermission } from '../auth/guard.ts';
import type { Actor } from '../auth/sessions.ts';
import { type Context, type ServiceContext, serviceContext } from '../context.ts';
import * as documents from '../documents/documents.ts';
import { type ErrorText, errorText, requestLocale, wordError, wordIssues } from '../errors/i18n.ts';
import { DomainError, RETRY_AFTER_SECONDS, textOf, toTRPCError } from '../errors.ts';
import * as invoiceQueries from '../orders/invoice-queries.ts';
import * as changeRequests from '../suppliers/change-requests.ts';
import * as poThreads from '../suppliers/po-threads.ts';
import * as supplierCollab from '../suppliers/supplier-collab.ts';
import { type LinkKind, verifyLink } from './links.ts';
import type { StagedBlob } from './store.ts';

/**
 * The file routes, outside tRPC because files are streams, not JSON:
 *   POST /files/documents?typeId=…&expiresOn=…          multipart/form-data with one part named "file"
 *   POST /files/invoice-query-attachments?queryId=…     the same, onto an open invoice query
 *   POST /files/change-request-attachments?changeRequestId=…  a bank letter onto a pending bank change
 *   POST /files/supplier-invoices?invoiceId=…           the same, a supplier invoice's PDF copy
 *   POST /files/po-thread-attachments?purchaseOrderId=…  a file on a PO's open message thread (either side)
 *   GET  /files/download/:token                         a link minted by documents.downloadLink,
 *                                                       invoiceQueries.attachmentLink or
 *                                                       changeRequests/approvals.attachmentLink or
 *                                                       poThreads.attachmentLink
 * Both pass the same checks as tRPC procedures (guard.ts) and answer errors as { error: { message, code } }.
 */

/** How many bytes decide the type: file-type reads at most this much of the start of a file. */
const SNIFF_BYTES = 4100;
const NAME_MAX = 200;

class UploadRefused extends Error {
  constructor(
    public readonly status: number,
    /** Worded for the uploader like a DomainError (errors/i18n.ts); `message` is the English form (audited). */
    public readonly text: ErrorText,
    /** Audited by the route's `refused` (content-based refusals; a plain malformed request is not). */
    public readonly audit = false,
  ) {
    super(errorText('en', text));
  }
}

/**
 * A file name as given by the browser, checked rather than silently rewritten: no path (a `../../` or
 * `C:\` name is refused), no control or bidirectional-override characters, NFC-normalised, at most
 * NAME_MAX characters. Returns the name or throws UploadRefused.
 */
export function checkFileName(raw: string | undefined): string {
  const name = (raw ?? '').normalize('NFC').trim();
  if (name === '') throw new UploadRefused(400, { key: 'upload.nameEmpty' });
  if (/[/\\]/.test(name) || name === '.' || name === '..' || name.startsWith('..'))
    throw new UploadRefused(400, { key: 'upload.namePath' }, true);
  // C0/C1 controls, DEL, and the Unicode bidi overrides that make "exe.pdf" display as "fdp.exe".
  if ([...name].some(isControl)) throw new UploadRefused(400, { key: 'upload.nameControl' }, true);
  if (name.length > NAME_MAX) throw new UploadRefused(400, { key: 'upload.nameLong', values: { max: NAME_MAX } });
  return name;
}

/** C0/C1 controls and DEL, and the bidi overrides/isolates (U+202A-202E, U+2066-2069). */
function isControl(ch: string) {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

export function sendError(res: Response, status: number, message: string, code: string) {
  if (res.headersSent) return;
  res.status(status).json({ error: { message, code } });
}

const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** Domain and database errors as the tRPC routes map them, so both kinds of route answer alike. */
export function sendMapped(ctx: Context, res: Response, err: unknown) {
  const e = toTRPCError(err);
  if (e.code === 'INTERNAL_SERVER_ERROR') ctx.log.error({ err, requestId: ctx.req.requestId }, 'file route failed');
  const reason = err instanceof DomainError ? err.reason : undefined;
  if (res.headersSent) return;
  if (e.code === 'SERVICE_UNAVAILABLE') res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  const message = wordError(requestLocale(ctx.req), { message: e.message, text: textOf(e) });
  res.status(STATUS[e.code] ?? 500).json({ error: { message, code: e.code, ...(reason ? { reason } : {}) } });
}

/** The tRPC procedures' checks for a file route; answers the narrowed context its service verbs take. */
export async function guard(ctx: Context, path: string, perm: Permission): Promise<ServiceContext> {
  const svc = serviceContext(ctx, await authenticate(ctx, path));
  requireEnrolled(svc.actor);
  await requirePermission(svc, perm, path);
  return svc;
}

/**
 * One upload route: who may call it, the fields it takes from the query string, the service's check before
 * a byte is read, and what records the checked file. Every upload passes the same checks: size (declared
 * and streamed), one part named "file", the file name, the content sniffed against UPLOAD_TYPES.
 */
export interface UploadSpec<F> {
  /** As the guard audits a denial ('files.uploadDocument'). */
  path: string;
  permission: Permission;
  fields: z.ZodType<F>;
  check(ctx: ServiceContext, fields: F): Promise<unknown>;
  record(ctx: ServiceContext, file: F & Received): Promise<object>;
  /** Audits a content-based refusal (a disguised executable, a path in the name). */
  refused?(ctx: ServiceContext, reason: string, fields: F): Promise<void>;
}

export function uploadRoute<F>(makeContext: (req: Request, res: Response) => Context, spec: UploadSpec<F>) {
  return async (req: Request, res: Response, _next: NextFunction) => {
    const ctx = makeContext(req, res);
    const maxBytes = ctx.config.files.maxBytes;
    let svc: ServiceContext;
    let fields: F;
    try {
      svc = await guard(ctx, spec.path, spec.permission);
      const parsed = spec.fields.safeParse(req.query);
      if (!parsed.success) {
        const message = wordIssues(requestLocale(ctx.req), parsed.error.issues)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ');
        return sendError(res, 400, message, 'BAD_REQUEST');
      }
      fields = parsed.data;
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'multipart/form-data')
        return sendError(res, 415, word(ctx, { key: 'upload.multipart' }), 'UNSUPPORTED_MEDIA_TYPE');
      // A declared body far over the limit is refused before a byte is read (multipart adds a little).
      if (Number(req.headers['content-length'] ?? 0) > maxBytes + 64 * 1024) {
        drain(req, res, maxBytes);
        return sendError(res, 413, word(ctx, tooLarge(maxBytes)), 'PAYLOAD_TOO_LARGE');
      }
      await spec.check(svc, fields);
    } catch (err) {
      drain(req, res, maxBytes);
      return sendMapped(ctx, res, err);
    }

    let staged: StagedBlob | undefined;
    try {
      const received = await receive(ctx, req, maxBytes);
      const file = received.file;
      staged = received.blob;
      const { created } = await staged.commit(file.sha256);
      try {
        const out = await spec.record(svc, { ...fields, ...file });
        res.status(201).json(out);
      } catch (err) {
        // No row, no file: a blob this upload created goes again (one shared with an earlier upload stays).
        if (created) await ctx.files.remove(file.sha256).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      await staged?.discard().catch(() => undefined);
      if (err instanceof UploadRefused) {
        if (err.audit && spec.refused)
          await spec
            .refused(svc, err.message, fields)
            .catch((e: unknown) => ctx.log.warn({ err: e }, 'refused upload not audited'));
        drain(req, res, maxBytes);
        const message = word(ctx, err.text);
        return sendError(res, err.status, message, err.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST');
      }
      return sendMapped(ctx, res, err);
    }
  };
}

/** POST /files/documents?typeId=…&expiresOn=…: a supplier's compliance document. */
export const uploadDocument = (makeContext: (req: Request, res: Response) => Context) =>
  uploadRoute(makeContext, {
    path: 'files.uploadDocument',
    permission: 'documents:upload',
    fields: documentUploadFields,
    check: documents.checkUpload,
    record: (ctx, f) => documents.recordUpload(ctx, { ...f, expiresOn: f.expiresOn }),
    refused: (ctx, reason, f) => documents.recordRefusedUpload(ctx, reason, { typeId: f.typeId }),
  });

/** POST /files/invoice-query-attachments?queryId=…: a file on the caller's own open invoice query. */
export const uploadInvoiceQueryAttachment = (makeContext: (req: Request, res: Response) => Context) =>
  uploadRoute(makeContext, {
    path: 'files.uploadInvoiceQueryAttachment',
    permission: 'invoice-queries:create',
    fields: invoiceQueryUploadFields,
    check: invoiceQueries.checkUpload,
    record: invoiceQueries.recordUpload,
    refused: invoiceQueries.recordRefusedUpload,
  });

export const uploadChangeRequestAttachment = (makeContext: (req: Request, res: Response) => Context) =>
  uploadRoute(makeContext, {
    path: 'files.uploadChangeRequestAttachment',
    permission: 'change-requests:create',
    fields: changeRequestUploadFields,
    check: changeRequests.checkUpload,
    record: changeRequests.recordUpload,
    refused: changeRequests.recordRefusedUpload,
  });

/**
 * POST /files/po-thread-attachments?purchaseOrderId=…: a file on a PO's open thread, from the supplier
 * (purchase-orders:acknowledge) or an operator (purchase-orders:review); the service checks which.
 */
export const uploadPoThreadAttachment = (makeContext: (req: Request, res: Response) => Context) =>
  uploadRoute(makeContext, {
    path: 'files.uploadPoThreadAttachment',
    permission: 'purchase-orders:read',
    fields: poThreadUploadFields,
    check: poThreads.checkUpload,
    record: poThreads.recordUpload,
    refused: poThreads.recordRefusedUpload,
  });

/** POST /files/supplier-invoices?invoiceId=…: the PDF copy of a supplier invoice, through the same checks. */
export const uploadSupplierInvoice = (makeContext: (req: Request, res: Response) => Context) =>
  uploadRoute(makeContext, {
    path: 'files.uploadSupplierInvoice',
    permission: 'supplier-invoices:submit',
    fields: supplierInvoiceUploadFields,
    check: (ctx, fields) => supplierCollab.checkInvoiceUpload(ctx, fields),
    record: async (ctx, file) => {
      const out = await supplierCollab.recordInvoiceFile(ctx, file);
      return { ...out, sizeBytes: file.sizeBytes };
    },
  });

/**
 * Reads and discards what the client still sends after a refusal, so it gets our answer rather than a
 * reset connection; but only up to about one more upload's worth: past that the connection is closed, so
 * nobody can keep the server reading a body it has refused (an unauthenticated one included).
 */
export function drain(req: Request, res: Response, maxBytes: number) {
  let left = maxBytes + 64 * 1024;
  const close = () => {
    // Close our side once the answer is out, and let the connection linger a moment before it is reset:
    // a reset while the client is still sending makes its kernel drop our answer unread (nginx's
    // lingering close).
    req.socket.end();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  };
  const onData = (chunk: Buffer) => {
    left -= chunk.length;
    if (left >= 0) return;
    req.off('data', onData);
    req.pause();
    if (res.writableFinished) close();
    else res.once('finish', close);
  };
  req.on('data', onData);
  req.resume();
}
const LINGER_MS = 2_000;

const tooLarge = (max: number): ErrorText => ({
  key: 'upload.tooLarge',
  values: { mb: Math.round((max / 1024 / 1024) * 10) / 10 },
});
/** A refusal in the uploader's language (errors/i18n.ts). */
const word = (ctx: Context, text: ErrorText) => errorText(requestLocale(ctx.req), text);

export type Received = { fileName: string; contentType: string; sizeBytes: number; sha256: string };

/**
 * Streams the one "file" part into a staged blob while hashing it and keeping its first bytes, then
 * decides its type from those bytes. Resolves with the file and its staged blob (the caller commits or
 * discards it); on anything wrong it discards what it staged itself and rejects with UploadRefused. The
 * whole body is bounded too (a chunked request declares no length): past one file and a little framing
 * the request is refused and no longer read.
 */
function receive(ctx: Context, req: Request, maxBytes: number): Promise<{ file: Received; blob: StagedBlob }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let staging: Promise<StagedBlob> | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      // Whatever was staged goes, also when staging is still under way.
      staging?.then((b) => b.discard()).catch(() => undefined);
      reject(err);
    };
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 0, parts: 1, headerPairs: 20 },
        defParamCharset: 'utf8',
        // The name as sent, so a path in it is refused rather than silently cut to its last part.
        preservePath: true,
      });
    } catch {
      return reject(new UploadRefused(400, { key: 'upload.notMultipart' }));
    }
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes + 64 * 1024) fail(new UploadRefused(413, tooLarge(maxBytes)));
    });
    let sawFile = false;
    let result: Promise<{ file: Received; blob: StagedBlob }> | undefined;
    bb.on('file', (field, stream, info) => {
      // Listeners first, before any await: busboy may emit on this stream (a cut-off body's "Unexpected
      // end of form") before staging is ready, and an error with no listener would end the process.
      let streamError: unknown;
      let truncated = false;
      stream.on('error', (e) => {
        streamError = e;
        fail(new UploadRefused(400, { key: 'upload.interruptedOrInvalid' }));
      });
      stream.on('limit', () => {
        truncated = true;
      });
      stream.pause();
      if (field !== 'file' || sawFile) {
        stream.resume();
        return fail(new UploadRefused(400, { key: 'upload.onePart' }));
      }
      sawFile = true;
      let fileName: string;
      try {
        fileName = checkFileName(info.filename);
      } catch (e) {
        stream.resume();
        return fail(e);
      }
      staging = ctx.files.stage();
      result = (async () => {
        const blob = await (staging as Promise<StagedBlob>);
        const hash = createHash('sha256');
        const head: Buffer[] = [];
        let headBytes = 0;
        let size = 0;
        await new Promise<void>((done, broke) => {
          if (streamError) return broke(streamError);
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            hash.update(chunk);
            if (headBytes < SNIFF_BYTES) {
              head.push(chunk);
              headBytes += chunk.length;
            }
            if (!blob.stream.write(chunk)) {
              stream.pause();
              blob.stream.once('drain', () => stream.resume());
            }
          });
          stream.once('end', () => blob.stream.end(() => done()));
          stream.once('error', broke);
          blob.stream.once('error', broke);
          stream.resume();
        });
        if (truncated) throw new UploadRefused(413, tooLarge(maxBytes));
        if (size === 0) throw new UploadRefused(400, { key: 'upload.empty' });
        const sniffed = await fileTypeFromBuffer(Buffer.concat(head).subarray(0, SNIFF_BYTES));
        if (!sniffed || !(UPLOAD_TYPES as readonly string[]).includes(sniffed.mime)) {
          throw new UploadRefused(
            415,
            sniffed
              ? { key: 'upload.wrongType', values: { ext: sniffed.ext.toUpperCase(), mime: sniffed.mime } }
              : { key: 'upload.typeNotAccepted' },
            true,
          );
        }
        return { file: { fileName, contentType: sniffed.mime, sizeBytes: size, sha256: hash.digest('hex') }, blob };
      })();
      result.catch(fail);
    });
    // busboy emits partsLimit on reaching the limit (the one allowed part), not on exceeding it: parts after
    // it are skipped (and the body is bounded above). A second file is refused.
    bb.on('filesLimit', () => fail(new UploadRefused(400, { key: 'upload.oneFile' })));
    bb.on('error', () => fail(new UploadRefused(400, { key: 'upload.interruptedOrInvalid' })));
    bb.on('close', () => {
      if (!sawFile) return fail(new UploadRefused(400, { key: 'upload.noFile' }));
      result?.then((r) => {
        if (!settled) {
          settled = true;
          resolve(r);
        } else void r.blob.discard().catch(() => undefined);
      }, fail);
    });
    req.on('aborted', () => fail(new UploadRefused(400, { key: 'upload.interrupted' })));
    req.on('error', () => fail(new UploadRefused(400, { key: 'upload.interrupted' })));
    ctx.log.debug({ requestId: ctx.req.requestId }, 'upload started');
    req.pipe(bb);
  });
}

/**
 * The permission a kind of file's own procedures need: a bank letter is read by the supplier that sent it
 * and by the approvers who check it (the link itself was minted after that read check).
 */
function downloadPermission(k: LinkKind, actor: Actor): Permission {
  if (k === 'document') return 'documents:read';
  if (k === 'invoice-query-attachment') return 'invoices:read';
  if (k === 'po-thread-attachment') return 'purchase-orders:read';
  return actor.permissions.has('approvals:read') ? 'approvals:read' : 'change-requests:create';
}

/**
 * GET /files/download/:token: whatever the link names (a document version, an invoice query's file), after
 * the permission that file's own procedures need.
 */
export function downloadDocument(makeContext: (req: Request, res: Response) => Context) {
  return async (req: Request, res: Response) => {
    const ctx = makeContext(req, res);
    try {
      const token = String(req.params.token ?? '');
      const svc = serviceContext(ctx, await authenticate(ctx, 'files.download'));
      requireEnrolled(svc.actor);
      const { k } = verifyLink(svc, token);
      await requirePermission(svc, downloadPermission(k, svc.actor), 'files.download');
      const file =
        k === 'document'
          ? await documents.openDownload(svc, token)
          : k === 'change-request-attachment'
            ? await changeRequests.openAttachment(svc, token)
            : k === 'po-thread-attachment'
              ? await poThreads.openAttachment(svc, token)
              : await invoiceQueries.openAttachment(svc, token);
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Length', String(file.size));
      res.setHeader('Content-Disposition', contentDisposition(file.fileName, { type: 'attachment' }));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      // pipeline, not pipe: when the client goes away mid-download the store's stream is destroyed too,
      // rather than left paused holding its file descriptor, its S3 connection or its next chunk query.
      pipeline(file.stream, res).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') ctx.log.error({ err }, 'download stream failed');
      });
    } catch (err) {
      sendMapped(ctx, res, err);
    }
  };
}
