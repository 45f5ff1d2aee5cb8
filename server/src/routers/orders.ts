import {
  downloadedFile,
  idInput,
  invoiceDetail,
  invoicesListInput,
  invoicesListOutput,
  invoicesTotalsInput,
  invoicesTotalsOutput,
  orderDetail,
  ordersListInput,
  ordersListOutput,
  shipmentDetail,
  shipmentsListInput,
  shipmentsListOutput,
  statementDownloadInput,
  statementInput,
  statementReport,
} from '@gatehouse/contract';
import * as printing from '../documents/printing.ts';
import * as orders from '../orders/orders.ts';
import { permission, router } from '../trpc.ts';

export const ordersRouter = router({
  list: permission('orders:read')
    .input(ordersListInput)
    .output(ordersListOutput)
    .query(({ ctx, input }) => orders.listOrders(ctx, ctx.actor, input)),
  get: permission('orders:read')
    .input(idInput)
    .output(orderDetail)
    .query(({ ctx, input }) => orders.getOrder(ctx, ctx.actor, input.id)),
  /** The order confirmation as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('orders:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, ctx.actor, 'order', input.id)),
});

export const invoicesRouter = router({
  list: permission('invoices:read')
    .input(invoicesListInput)
    .output(invoicesListOutput)
    .query(({ ctx, input }) => orders.listInvoices(ctx, ctx.actor, input)),
  /** Per currency, the count, total and open amount of every invoice the list's filters match. */
  totals: permission('invoices:read')
    .input(invoicesTotalsInput)
    .output(invoicesTotalsOutput)
    .query(({ ctx, input }) => orders.invoiceTotals(ctx, ctx.actor, input)),
  get: permission('invoices:read')
    .input(idInput)
    .output(invoiceDetail)
    .query(({ ctx, input }) => orders.getInvoice(ctx, ctx.actor, input.id)),
  /** The invoice or credit note as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('invoices:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, ctx.actor, 'invoice', input.id)),
});

export const shipmentsRouter = router({
  list: permission('shipments:read')
    .input(shipmentsListInput)
    .output(shipmentsListOutput)
    .query(({ ctx, input }) => orders.listShipments(ctx, ctx.actor, input)),
  get: permission('shipments:read')
    .input(idInput)
    .output(shipmentDetail)
    .query(({ ctx, input }) => orders.getShipment(ctx, ctx.actor, input.id)),
  /** The delivery note as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('shipments:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, ctx.actor, 'shipment', input.id)),
});

export const statementsRouter = router({
  /**
   * The caller's own account statement for a period (default: the last 90 days): opening balance, every
   * invoice, credit note and payment with the running balance, closing balance per currency; open items,
   * ageing and available credit as of today.
   */
  get: permission('statements:read')
    .input(statementInput)
    .output(statementReport)
    .query(({ ctx, input }) => printing.statement(ctx, ctx.actor, input)),
  /** The statement for a period as a PDF or CSV file (formula-safe cells); audited as a download. */
  download: permission('statements:read')
    .meta({ audit: 'statement.downloaded' })
    .input(statementDownloadInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.statementDownload(ctx, ctx.actor, input)),
});
