import { BATCH_ENTITIES, type BatchEntity, CSV_EXPORT_ENTITIES, type CsvExportEntity } from '@gatehouse/contract';
import type { Request, Response } from 'express';
import { importQuery } from '../api/v1.ts';
import type { Context } from '../context.ts';
import { streamExport } from '../integration/csv/csv-export.ts';
import * as imports from '../integration/csv/imports.ts';
import { drain, guard, sendError, sendMapped } from './routes.ts';

/**
 * CSV import for staff in the SPA (`imports:run`): POST /files/imports/{entity}?mode=&dryRun=&encoding=
 * &fileName= with the file itself as the body. The same pipeline as the API's (integration/csv/imports.ts); all
 * staff share one source, `portal`, so one staff import runs at a time.
 */
export function importCsv(makeContext: (req: Request, res: Response) => Context) {
  return async (req: Request, res: Response) => {
    const ctx = makeContext(req, res);
    const limit = ctx.config.imports.maxBytes;
    try {
      const { actor } = await guard(ctx, 'files.importCsv', 'imports:run');
      const entity = req.params.entity as BatchEntity;
      if (!BATCH_ENTITIES.includes(entity)) {
        drain(req, res, limit);
        return sendError(res, 404, `No import "${String(req.params.entity)}".`, 'NOT_FOUND');
      }
      const q = importQuery.safeParse(req.query);
      if (!q.success) {
        drain(req, res, limit);
        return sendError(res, 400, 'The import settings are not valid.', 'BAD_REQUEST');
      }
      const answer = await imports.startImport(
        ctx,
        {
          source: 'portal',
          entity,
          mode: q.data.mode,
          dryRun: q.data.dryRun === 'true',
          encoding: q.data.encoding,
          fileName: q.data.fileName ?? null,
          actor: { userId: actor.userId, keyId: null, sourceName: `portal:${actor.email}`, suspendInactive: true },
          requestId: ctx.req.requestId,
          ip: ctx.req.ip,
        },
        req,
      );
      if (answer.status === 202) {
        res.status(202).json(answer.job);
        return;
      }
      if (!req.readableEnded) drain(req, res, limit);
      res
        .status(answer.status)
        .json({ error: { message: answer.message, code: answer.code.toUpperCase() }, job: answer.job });
    } catch (err) {
      drain(req, res, limit);
      sendMapped(ctx, res, err);
    }
  };
}

/** CSV export for staff (`imports:run`): GET /files/exports/{entity}, streamed and audited (csv-export.ts). */
export function exportCsv(makeContext: (req: Request, res: Response) => Context) {
  return async (req: Request, res: Response) => {
    const ctx = makeContext(req, res);
    try {
      const { actor } = await guard(ctx, 'files.exportCsv', 'imports:run');
      const entity = String(req.params.entity) as CsvExportEntity;
      if (!CSV_EXPORT_ENTITIES.includes(entity)) return sendError(res, 404, `No export "${entity}".`, 'NOT_FOUND');
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="gatehouse-${entity}.csv"`);
      res.setHeader('Cache-Control', 'no-store');
      await streamExport(ctx, entity, res, {
        userId: actor.userId,
        keyId: null,
        integration: null,
        requestId: ctx.req.requestId,
        ip: ctx.req.ip,
      });
      res.end();
    } catch (err) {
      if (res.headersSent) {
        ctx.log.error({ err }, 'CSV export failed');
        res.destroy();
      } else sendMapped(ctx, res, err);
    }
  };
}
