import {
  cancelShipNoticeInput,
  confirmationsOutput,
  confirmationsQueueInput,
  confirmationsQueueOutput,
  confirmPurchaseOrderInput,
  createShipNoticeInput,
  decideConfirmationInput,
  idInput,
  poProgressOutput,
  shipNoticeDetail,
  shipNoticesListInput,
  shipNoticesListOutput,
  submitSupplierInvoiceInput,
  supplierInvoiceDetail,
  supplierInvoicesListInput,
  supplierInvoicesListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as collab from '../suppliers/supplier-collab.ts';
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
