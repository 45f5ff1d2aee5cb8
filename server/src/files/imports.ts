import { BATCH_ENTITIES, type BatchEntity } from '@gatehouse/contract';
import type { Request, Response } from 'express';
import { importQuery } from '../api/v1.ts';
import type { Context } from '../context.ts';
import * as imports from '../services/imports.ts';
import { drain, guard, sendError, sendMapped } from './routes.ts';

/**
 * CSV import for staff in the SPA (`imports:run`): POST /files/imports/{entity}?mode=&dryRun=&encoding=
 * &fileName= with the file itself as the body. The same pipeline as the API's (services/imports.ts); all
 * staff share one source, `portal`, so one staff import runs at a time.
 */
export function importCsv(makeContext: (req: Request, res: Response) => Context) {
  return async (req: Request, res: Response) => {
    const ctx = makeContext(req, res);
    const limit = ctx.config.imports.maxBytes;
    try {
      const actor = await guard(ctx, 'files.importCsv', 'imports:run');
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
