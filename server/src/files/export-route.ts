import { EXPORT_LISTS, type ExportList } from '@gatehouse/contract';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { authenticate, requireEnrolled, requirePermission } from '../auth/guard.ts';
import { type Context, type ServiceContext, serviceContext } from '../context.ts';
import { EXPORT_CATALOGUE } from '../documents/export-lists.ts';
import {
  EXPORT_CONTENT_TYPES,
  ExportAborted,
  type ExportProgress,
  finishExport,
  startExport,
  writeExport,
} from '../documents/exports.ts';
import { sendMapped } from './routes.ts';

/**
 * POST /files/exports/:list  { "format": "csv" | "xlsx", "filters": { …the list's filters… } }
 *
 * A list streamed as a file, outside tRPC because the answer is a stream. The same checks as a tRPC call
 * (guard.ts: live session, IP allowlist, second factor, the list's permission); a JSON body and an allowed
 * origin (http.ts), so no plain HTML form or other site can start one with the user's cookie. Errors
 * before the first byte answer { error: { message, code } }; a failure after it cuts the connection, so a
 * truncated file never looks complete.
 */
export function exportList(makeContext: (req: Request, res: Response) => Context) {
  return async (req: Request, res: Response) => {
    const ctx = makeContext(req, res);
    const list = EXPORT_LISTS.find((l) => l === req.params.list) as ExportList | undefined;
    let started: Awaited<ReturnType<typeof startExport>>;
    let svc: ServiceContext;
    try {
      const path = `files.export.${list ?? 'unknown'}`;
      svc = serviceContext(ctx, await authenticate(ctx, path));
      requireEnrolled(svc.actor);
      if (!list) {
        res.status(404).json({ error: { message: 'There is no such list to export.', code: 'NOT_FOUND' } });
        return;
      }
      await requirePermission(svc, EXPORT_CATALOGUE[list].permission, path);
      started = await startExport(svc, list, req.body);
    } catch (err) {
      sendMapped(ctx, res, err);
      return;
    }

    res.status(200);
    res.setHeader('Content-Type', EXPORT_CONTENT_TYPES[started.format]);
    res.setHeader('Content-Disposition', contentDisposition(started.filename, { type: 'attachment' }));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.flushHeaders();
    const progress: ExportProgress = { rows: 0 };
    let complete = false;
    let error: string | undefined;
    try {
      await writeExport(res, started.format, started.spec, progress);
      complete = true;
    } catch (err) {
      if (err instanceof ExportAborted) error = 'client went away';
      else {
        error = 'failed on the server';
        ctx.log.error({ err, requestId: ctx.req.requestId, list }, 'export failed mid-stream');
      }
      // Cut the connection: the client sees a failed download, not a short file that looks whole.
      res.destroy();
    }
    await finishExport(svc, started, { rows: progress.rows, complete, ...(error ? { error } : {}) }).catch(
      (err: unknown) => ctx.log.error({ err, requestId: ctx.req.requestId }, 'export not audited at its end'),
    );
  };
}
