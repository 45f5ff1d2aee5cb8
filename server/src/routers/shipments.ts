import { downloadedFile, idInput, shipmentDetail, shipmentsListInput, shipmentsListOutput } from '@gatehouse/contract';
import * as printing from '../documents/printing.ts';
import * as orders from '../orders/orders.ts';
import { permission, router } from '../trpc.ts';

export const shipmentsRouter = router({
  list: permission('shipments:read')
    .input(shipmentsListInput)
    .output(shipmentsListOutput)
    .query(({ ctx, input }) => orders.listShipments(ctx, input)),
  get: permission('shipments:read')
    .input(idInput)
    .output(shipmentDetail)
    .query(({ ctx, input }) => orders.getShipment(ctx, input.id)),
  /** The delivery note as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('shipments:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, 'shipment', input.id)),
});
