import {
  cancelShipNoticeInput,
  createShipNoticeInput,
  idInput,
  shipNoticeDetail,
  shipNoticesListInput,
  shipNoticesListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as collab from '../suppliers/supplier-collab.ts';
import { ok, permission, router } from '../trpc.ts';

export const shipNoticesRouter = router({
  list: permission('purchase-orders:read')
    .input(shipNoticesListInput)
    .output(shipNoticesListOutput)
    .query(({ ctx, input }) => collab.listShipNotices(ctx, input)),
  get: permission('purchase-orders:read')
    .input(idInput)
    .output(shipNoticeDetail)
    .query(({ ctx, input }) => collab.getShipNotice(ctx, input.id)),
  create: permission('ship-notices:manage')
    .meta({ audit: 'ship_notice.created' })
    .input(createShipNoticeInput)
    .output(z.object({ id: z.uuid(), number: z.string() }))
    .mutation(({ ctx, input }) => collab.createShipNotice(ctx, input)),
  cancel: permission('ship-notices:manage')
    .meta({ audit: 'ship_notice.cancelled' })
    .input(cancelShipNoticeInput)
    .output(ok)
    .mutation(({ ctx, input }) => collab.cancelShipNotice(ctx, input)),
});
