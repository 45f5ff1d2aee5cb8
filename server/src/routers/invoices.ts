import {
  downloadedFile,
  idInput,
  invoiceDetail,
  invoicesListInput,
  invoicesListOutput,
  invoicesTotalsInput,
  invoicesTotalsOutput,
} from '@gatehouse/contract';
import * as printing from '../documents/printing.ts';
import * as orders from '../orders/orders.ts';
import { permission, router } from '../trpc.ts';

export const invoicesRouter = router({
  list: permission('invoices:read')
    .input(invoicesListInput)
    .output(invoicesListOutput)
    .query(({ ctx, input }) => orders.listInvoices(ctx, input)),
  /** Per currency, the count, total and open amount of every invoice the list's filters match. */
  totals: permission('invoices:read')
    .input(invoicesTotalsInput)
    .output(invoicesTotalsOutput)
    .query(({ ctx, input }) => orders.invoiceTotals(ctx, input)),
  get: permission('invoices:read')
    .input(idInput)
    .output(invoiceDetail)
    .query(({ ctx, input }) => orders.getInvoice(ctx, input.id)),
  /** The invoice or credit note as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('invoices:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, 'invoice', input.id)),
});
