import {
  cancelShipNoticeInput,
  confirmationsOutput,
  confirmationsQueueInput,
  confirmationsQueueOutput,
  confirmPurchaseOrderInput,
  createShipNoticeInput,
  decideConfirmationInput,
  downloadLinkOutput,
  idInput,
  poProgressOutput,
  postPoMessageInput,
  poThreadAttachmentInput,
  poThreadInput,
  poThreadOutput,
  resolvePoThreadInput,
  shipNoticeDetail,
  shipNoticesListInput,
  shipNoticesListOutput,
  submitSupplierInvoiceInput,
  supplierInvoiceDetail,
  supplierInvoicesListInput,
  supplierInvoicesListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as poThreads from '../services/po-threads.ts';
import * as collab from '../services/supplier-collab.ts';
import { permission, router } from '../trpc.ts';

const ok = z.object({ ok: z.literal(true) });

/** Per-line confirmations and progress: part of purchaseOrders.* (spread into purchaseOrdersRouter). */
export const purchaseOrderCollabProcedures = {
  /** Every line answered: confirm, change (quantity, date, split) or reject, with reasons where needed. */
  confirm: permission('purchase-orders:acknowledge')
    .meta({ audit: 'purchase_order.confirmation_submitted' })
    .input(confirmPurchaseOrderInput)
    .output(z.object({ id: z.uuid(), round: z.number().int(), status: z.enum(['submitted', 'accepted']) }))
    .mutation(({ ctx, input }) => collab.confirm(ctx, ctx.actor, input)),
  /** Every confirmation round of a PO, newest first (history). */
  confirmations: permission('purchase-orders:read')
    .input(idInput)
    .output(confirmationsOutput)
    .query(({ ctx, input }) => collab.confirmations(ctx, ctx.actor, input.id)),
  /** Per line: ordered, committed, shipped, invoiced and open quantities. */
  progress: permission('purchase-orders:read')
    .input(idInput)
    .output(poProgressOutput)
    .query(({ ctx, input }) => collab.progress(ctx, ctx.actor, input.id)),
  /** Operators: rounds with differences awaiting a decision, oldest first. */
  confirmationQueue: permission('purchase-orders:review')
    .input(confirmationsQueueInput)
    .output(confirmationsQueueOutput)
    .query(({ ctx, input }) => collab.confirmationQueue(ctx, ctx.actor, input.limit)),
  /** Operators accept or reject (with a reason) a waiting round. (Writes confirmation_rejected on a rejection.) */
  decideConfirmation: permission('purchase-orders:review')
    .meta({ audit: 'purchase_order.confirmation_accepted' })
    .input(decideConfirmationInput)
    .output(ok.extend({ status: z.enum(['accepted', 'rejected']) }))
    .mutation(({ ctx, input }) => collab.decideConfirmation(ctx, ctx.actor, input)),
};

export const shipNoticesRouter = router({
  list: permission('purchase-orders:read')
    .input(shipNoticesListInput)
    .output(shipNoticesListOutput)
    .query(({ ctx, input }) => collab.listShipNotices(ctx, ctx.actor, input)),
  get: permission('purchase-orders:read')
    .input(idInput)
    .output(shipNoticeDetail)
    .query(({ ctx, input }) => collab.getShipNotice(ctx, ctx.actor, input.id)),
  create: permission('ship-notices:manage')
    .meta({ audit: 'ship_notice.created' })
    .input(createShipNoticeInput)
    .output(z.object({ id: z.uuid(), number: z.string() }))
    .mutation(({ ctx, input }) => collab.createShipNotice(ctx, ctx.actor, input)),
  cancel: permission('ship-notices:manage')
    .meta({ audit: 'ship_notice.cancelled' })
    .input(cancelShipNoticeInput)
    .output(ok)
    .mutation(({ ctx, input }) => collab.cancelShipNotice(ctx, ctx.actor, input)),
});

export const supplierInvoicesRouter = router({
  list: permission('supplier-invoices:read')
    .input(supplierInvoicesListInput)
    .output(supplierInvoicesListOutput)
    .query(({ ctx, input }) => collab.listInvoices(ctx, ctx.actor, input)),
  get: permission('supplier-invoices:read')
    .input(idInput)
    .output(supplierInvoiceDetail)
    .query(({ ctx, input }) => collab.getInvoice(ctx, ctx.actor, input.id)),
  submit: permission('supplier-invoices:submit')
    .meta({ audit: 'supplier_invoice.submitted' })
    .input(submitSupplierInvoiceInput)
    .output(z.object({ id: z.uuid(), mismatch: z.boolean() }))
    .mutation(({ ctx, input }) => collab.submitInvoice(ctx, ctx.actor, input)),
});

/**
 * Message threads on purchase orders: the supplier writes (post), the buyer's operators answer (reply) and
 * resolve; files go through POST /files/po-thread-attachments and /files/download.
 */
export const poThreadsRouter = router({
  /** The PO's thread with its messages, files and the caller's unread count (null while nobody wrote). */
  get: permission('purchase-orders:read')
    .input(poThreadInput)
    .output(poThreadOutput)
    .query(({ ctx, input }) => poThreads.get(ctx, ctx.actor, input.purchaseOrderId)),
  /** The supplier writes on its PO's thread (opening or reopening it); the operators are mailed. */
  post: permission('purchase-orders:acknowledge')
    .meta({ audit: 'po_thread.message_posted' })
    .input(postPoMessageInput)
    .output(ok.extend({ threadId: z.uuid() }))
    .mutation(({ ctx, input }) => poThreads.post(ctx, ctx.actor, input, 'supplier')),
  /** An operator answers on a PO's thread; the supplier's users who handle POs are mailed. */
  reply: permission('purchase-orders:review')
    .meta({ audit: 'po_thread.message_posted' })
    .input(postPoMessageInput)
    .output(ok.extend({ threadId: z.uuid() }))
    .mutation(({ ctx, input }) => poThreads.post(ctx, ctx.actor, input, 'staff')),
  /** An operator resolves the thread (a PO marked "problem" goes back to acknowledged or open). */
  resolve: permission('purchase-orders:review')
    .meta({ audit: 'po_thread.resolved' })
    .input(resolvePoThreadInput)
    .output(ok.extend({ status: z.string() }))
    .mutation(({ ctx, input }) => poThreads.resolve(ctx, ctx.actor, input)),
  /** The caller has read the thread: its unread count drops to zero. */
  markRead: permission('purchase-orders:read')
    .meta({ audit: 'po_thread.read' })
    .input(poThreadInput)
    .output(ok)
    .mutation(({ ctx, input }) => poThreads.markRead(ctx, ctx.actor, input.purchaseOrderId)),
  /** A short-lived link (GET /files/download/…) to one file of a thread, after the same check as get. */
  attachmentLink: permission('purchase-orders:read')
    .input(poThreadAttachmentInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => poThreads.attachmentLink(ctx, ctx.actor, input.attachmentId)),
});
