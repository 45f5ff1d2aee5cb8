import {
  acknowledgePurchaseOrderInput,
  changeRequest,
  changeRequestAttachmentInput,
  changeRequestIdInput,
  changeRequestsListInput,
  changeRequestsListOutput,
  createChangeRequestInput,
  decideChangeRequestInput,
  decideDocumentInput,
  documentsHistoryInput,
  documentsHistoryOutput,
  documentsQueueInput,
  documentsQueueOutput,
  documentsRequirementsInput,
  documentsRequirementsOutput,
  documentVersionDetail,
  documentVersionInput,
  downloadedFile,
  downloadLinkOutput,
  flagPurchaseOrderInput,
  idInput,
  masterDataOutput,
  purchaseOrderDetail,
  purchaseOrdersListInput,
  purchaseOrdersListOutput,
  resubmitChangeRequestInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as documents from '../documents/documents.ts';
import * as printing from '../documents/printing.ts';
import * as changeRequests from '../suppliers/change-requests.ts';
import * as purchaseOrders from '../suppliers/purchase-orders.ts';
import { permission, router, sensitive } from '../trpc.ts';
import { purchaseOrderCollabProcedures } from './supplier-collab.ts';

const ok = z.object({ ok: z.literal(true) });

export const purchaseOrdersRouter = router({
  list: permission('purchase-orders:read')
    .input(purchaseOrdersListInput)
    .output(purchaseOrdersListOutput)
    .query(({ ctx, input }) => purchaseOrders.list(ctx, ctx.actor, input)),
  get: permission('purchase-orders:read')
    .input(idInput)
    .output(purchaseOrderDetail)
    .query(({ ctx, input }) => purchaseOrders.get(ctx, ctx.actor, input.id)),
  /** The purchase order as a PDF (the ERP's own when it sent one); audited as a download. */
  pdf: permission('purchase-orders:read')
    .meta({ audit: 'business_document.downloaded' })
    .input(idInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.documentPdf(ctx, ctx.actor, 'purchase-order', input.id)),
  /** Confirms delivery by a promised date (today or later). */
  acknowledge: permission('purchase-orders:acknowledge')
    .meta({ audit: 'purchase_order.acknowledged' })
    .input(acknowledgePurchaseOrderInput)
    .output(ok)
    .mutation(({ ctx, input }) => purchaseOrders.acknowledge(ctx, ctx.actor, input)),
  flagProblem: permission('purchase-orders:acknowledge')
    .meta({ audit: 'purchase_order.problem_flagged' })
    .input(flagPurchaseOrderInput)
    .output(ok)
    .mutation(({ ctx, input }) => purchaseOrders.flagProblem(ctx, ctx.actor, input)),
  ...purchaseOrderCollabProcedures,
});

/** Compliance documents. Uploads and downloads go through /files (streams); these are the rest. */
export const documentsRouter = router({
  /** The document types a supplier must keep, each with its status, version in force and newest version. */
  requirements: permission('documents:read')
    .input(documentsRequirementsInput)
    .output(documentsRequirementsOutput)
    .query(({ ctx, input }) => documents.requirements(ctx, ctx.actor, input)),
  history: permission('documents:read')
    .input(documentsHistoryInput)
    .output(documentsHistoryOutput)
    .query(({ ctx, input }) => documents.history(ctx, ctx.actor, input)),
  get: permission('documents:read')
    .input(documentVersionInput)
    .output(documentVersionDetail)
    .query(({ ctx, input }) => documents.getVersion(ctx, ctx.actor, input.versionId)),
  /** A short-lived link (GET /files/download/…) for this user, after the same check as documents.get. */
  downloadLink: permission('documents:read')
    .input(documentVersionInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => documents.downloadLink(ctx, ctx.actor, input.versionId)),
  /** Operators: versions awaiting review across suppliers, oldest first. */
  queue: permission('documents:review')
    .input(documentsQueueInput)
    .output(documentsQueueOutput)
    .query(({ ctx, input }) => documents.queue(ctx, ctx.actor, input)),
  startReview: permission('documents:review')
    .meta({ audit: 'document.review_started' })
    .input(documentVersionInput)
    .output(ok)
    .mutation(({ ctx, input }) => documents.startReview(ctx, ctx.actor, input.versionId)),
  /** Approve, or reject with a reason; never by the uploader. (Writes document.rejected on a rejection.) */
  decide: permission('documents:review')
    .meta({ audit: 'document.approved' })
    .input(decideDocumentInput)
    .output(ok.extend({ status: z.enum(['approved', 'rejected']) }))
    .mutation(({ ctx, input }) => documents.decide(ctx, ctx.actor, input)),
});

export const masterDataRouter = router({
  /** The caller's own party's current (accepted) address and bank details. */
  get: permission('change-requests:create')
    .output(masterDataOutput)
    .query(({ ctx }) => changeRequests.masterData(ctx, ctx.actor)),
});

export const changeRequestsRouter = router({
  /** Master data (bank details above all) is a fraud target: the password must be recent. */
  create: sensitive('change-requests:create')
    .meta({ audit: 'change_request.created' })
    .input(createChangeRequestInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => changeRequests.create(ctx, ctx.actor, input)),
  /** The caller's own party's requests, newest first. */
  list: permission('change-requests:create')
    .input(changeRequestsListInput)
    .output(changeRequestsListOutput)
    .query(({ ctx, input }) => changeRequests.listOwn(ctx, ctx.actor, input)),
  /** Corrects a bank-detail change an approver sent back; its approval starts a new round. */
  resubmit: sensitive('change-requests:create')
    .meta({ audit: 'approval.resubmitted' })
    .input(resubmitChangeRequestInput)
    .output(ok)
    .mutation(({ ctx, input }) => changeRequests.resubmit(ctx, ctx.actor, input)),
  /** A short-lived link (GET /files/download/…) to a file of the caller's own request. */
  attachmentLink: permission('change-requests:create')
    .input(changeRequestAttachmentInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => changeRequests.attachmentLink(ctx, ctx.actor, input.attachmentId)),
  withdraw: permission('change-requests:create')
    .meta({ audit: 'change_request.withdrawn' })
    .input(changeRequestIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => changeRequests.withdraw(ctx, ctx.actor, input.id)),
  /** Handlers: requests across parties, oldest first (pending unless a status is given). */
  queue: permission('change-requests:handle')
    .input(changeRequestsListInput)
    .output(changeRequestsListOutput)
    .query(({ ctx, input }) => changeRequests.queue(ctx, ctx.actor, input)),
  get: permission('change-requests:handle')
    .input(changeRequestIdInput)
    .output(changeRequest)
    .query(({ ctx, input }) => changeRequests.get(ctx, ctx.actor, input.id)),
  /** Address changes: accept (applies the change) or reject with a reason. Bank details go through approvals. */
  decide: sensitive('change-requests:handle')
    .meta({ audit: 'change_request.accepted' })
    .input(decideChangeRequestInput)
    .output(ok.extend({ status: z.enum(['accepted', 'rejected']) }))
    .mutation(({ ctx, input }) => changeRequests.decide(ctx, ctx.actor, input)),
});
