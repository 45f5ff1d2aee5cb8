import {
  acknowledgePurchaseOrderInput,
  confirmationsOutput,
  confirmationsQueueInput,
  confirmationsQueueOutput,
  confirmPurchaseOrderInput,
  decideConfirmationInput,
  downloadedFile,
  flagPurchaseOrderInput,
  idInput,
  poProgressOutput,
  purchaseOrderDetail,
  purchaseOrdersListInput,
  purchaseOrdersListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as printing from '../documents/printing.ts';
import * as purchaseOrders from '../suppliers/purchase-orders.ts';
import * as collab from '../suppliers/supplier-collab.ts';
import { ok, permission, router } from '../trpc.ts';

/** Per-line confirmations and progress: part of purchaseOrders.* (spread into the router below). */
const confirmationProcedures = {
  /** Every line answered: confirm, change (quantity, date, split) or reject, with reasons where needed. */
  confirm: permission('purchase-orders:acknowledge')
    .meta({ audit: 'purchase_order.confirmation_submitted' })
    .input(confirmPurchaseOrderInput)
    .output(z.object({ id: z.uuid(), round: z.number().int(), status: z.enum(['submitted', 'accepted']) }))
    .mutation(({ ctx, input }) => collab.confirm(ctx, input)),
  /** Every confirmation round of a PO, newest first (history). */
  confirmations: permission('purchase-orders:read')
    .input(idInput)
    .output(confirmationsOutput)
    .query(({ ctx, input }) => collab.confirmations(ctx, input.id)),
  /** Per line: ordered, committed, shipped, invoiced and open quantities. */
  progress: permission('purchase-orders:read')
    .input(idInput)
    .output(poProgressOutput)
    .query(({ ctx, input }) => collab.progress(ctx, input.id)),
  /** Operators: rounds with differences awaiting a decision, oldest first. */
  confirmationQueue: permission('purchase-orders:review')
    .input(confirmationsQueueInput)
    .output(confirmationsQueueOutput)
    .query(({ ctx, input }) => collab.confirmationQueue(ctx, input.limit)),
  /** Operators accept or reject (with a reason) a waiting round. (Writes confirmation_rejected on a rejection.) */
  decideConfirmation: permission('purchase-orders:review')
    .meta({ audit: 'purchase_order.confirmation_accepted' })
    .input(decideConfirmationInput)
    .output(ok.extend({ status: z.enum(['accepted', 'rejected']) }))
    .mutation(({ ctx, input }) => collab.decideConfirmation(ctx, input)),
};

export const purchaseOrdersRouter = router({
  list: permission('purchase-orders:read')
    .input(purchaseOrdersListInput)
    .output(purchaseOrdersListOutput)
    .query(({ ctx, input }) => purchaseOrders.list(ctx, input)),
  get: permission('purchase-orders:read')
    .input(idInput)
    .output(purchaseOrderDetail)
    .query(({ ctx, input }) => purchaseOrders.get(ctx, input.id)),
  /** The purchase order as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('purchase-orders:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, 'purchase-order', input.id)),
  /** Confirms delivery by a promised date (today or later). */
  acknowledge: permission('purchase-orders:acknowledge')
    .meta({ audit: 'purchase_order.acknowledged' })
    .input(acknowledgePurchaseOrderInput)
    .output(ok)
    .mutation(({ ctx, input }) => purchaseOrders.acknowledge(ctx, input)),
  flagProblem: permission('purchase-orders:acknowledge')
    .meta({ audit: 'purchase_order.problem_flagged' })
    .input(flagPurchaseOrderInput)
    .output(ok)
    .mutation(({ ctx, input }) => purchaseOrders.flagProblem(ctx, input)),
  ...confirmationProcedures,
});
