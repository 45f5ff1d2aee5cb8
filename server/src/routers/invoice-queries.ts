import {
  closeInvoiceQueryInput,
  downloadLinkOutput,
  idInput,
  invoiceQueriesForInvoiceOutput,
  invoiceQueriesListInput,
  invoiceQueriesListOutput,
  invoiceQueryAttachmentInput,
  invoiceQueryDetail,
  invoiceQueryIdInput,
  raiseInvoiceQueryInput,
  replyInvoiceQueryInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as invoiceQueries from '../orders/invoice-queries.ts';
import { ok, permission, router } from '../trpc.ts';

/** Invoice queries (disputes). Files go through POST /files/invoice-query-attachments and /files/download. */
export const invoiceQueriesRouter = router({
  /** A customer raises a query on its invoice or one of its lines. */
  raise: permission('invoice-queries:create')
    .meta({ audit: 'invoice_query.raised' })
    .input(raiseInvoiceQueryInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => invoiceQueries.raise(ctx, input)),
  /** The customer adds to its open query's thread. */
  comment: permission('invoice-queries:create')
    .meta({ audit: 'invoice_query.replied' })
    .input(replyInvoiceQueryInput)
    .output(ok)
    .mutation(({ ctx, input }) => invoiceQueries.reply(ctx, input, 'customer')),
  /** The caller's queries (a customer's own party's), newest first. */
  list: permission('invoices:read')
    .input(invoiceQueriesListInput)
    .output(invoiceQueriesListOutput)
    .query(({ ctx, input }) => invoiceQueries.list(ctx, input)),
  /** The queries on one invoice with their threads (the invoice page). */
  forInvoice: permission('invoices:read')
    .input(idInput)
    .output(invoiceQueriesForInvoiceOutput)
    .query(({ ctx, input }) => invoiceQueries.forInvoice(ctx, input.id)),
  get: permission('invoices:read')
    .input(invoiceQueryIdInput)
    .output(invoiceQueryDetail)
    .query(({ ctx, input }) => invoiceQueries.get(ctx, input.id)),
  /** A short-lived link (GET /files/download/…) to one file of a query, after the same check as get. */
  attachmentLink: permission('invoices:read')
    .input(invoiceQueryAttachmentInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => invoiceQueries.attachmentLink(ctx, input.attachmentId)),
  /** Staff: queries across parties, oldest first (open unless a status is given). */
  queue: permission('invoice-queries:handle')
    .input(invoiceQueriesListInput)
    .output(invoiceQueriesListOutput)
    .query(({ ctx, input }) => invoiceQueries.queue(ctx, input)),
  /** Staff answer in the thread; the customer is mailed. */
  reply: permission('invoice-queries:handle')
    .meta({ audit: 'invoice_query.replied' })
    .input(replyInvoiceQueryInput)
    .output(ok)
    .mutation(({ ctx, input }) => invoiceQueries.reply(ctx, input, 'staff')),
  /** Staff resolve or reject with a reason (writes invoice_query.rejected on a rejection); the ERP is told. */
  close: permission('invoice-queries:handle')
    .meta({ audit: 'invoice_query.resolved' })
    .input(closeInvoiceQueryInput)
    .output(ok.extend({ status: z.enum(['resolved', 'rejected']) }))
    .mutation(({ ctx, input }) => invoiceQueries.close(ctx, input)),
});
