import { downloadedFile, idInput, orderDetail, ordersListInput, ordersListOutput } from '@gatehouse/contract';
import * as printing from '../documents/printing.ts';
import * as orders from '../orders/orders.ts';
import { permission, router } from '../trpc.ts';

export const ordersRouter = router({
  list: permission('orders:read')
    .input(ordersListInput)
    .output(ordersListOutput)
    .query(({ ctx, input }) => orders.listOrders(ctx, input)),
  get: permission('orders:read')
    .input(idInput)
    .output(orderDetail)
    .query(({ ctx, input }) => orders.getOrder(ctx, input.id)),
  /** The order confirmation as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('orders:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, 'order', input.id)),
});
