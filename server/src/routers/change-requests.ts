import {
  changeRequest,
  changeRequestAttachmentInput,
  changeRequestIdInput,
  changeRequestsListInput,
  changeRequestsListOutput,
  createChangeRequestInput,
  decideChangeRequestInput,
  downloadLinkOutput,
  resubmitChangeRequestInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as changeRequests from '../suppliers/change-requests.ts';
import { ok, permission, router, sensitive } from '../trpc.ts';

export const changeRequestsRouter = router({
  /** Master data (bank details above all) is a fraud target: the password must be recent. */
  create: sensitive('change-requests:create')
    .meta({ audit: 'change_request.created' })
    .input(createChangeRequestInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => changeRequests.create(ctx, input)),
  /** The caller's own party's requests, newest first. */
  list: permission('change-requests:create')
    .input(changeRequestsListInput)
    .output(changeRequestsListOutput)
    .query(({ ctx, input }) => changeRequests.listOwn(ctx, input)),
  /** Corrects a bank-detail change an approver sent back; its approval starts a new round. */
  resubmit: sensitive('change-requests:create')
    .meta({ audit: 'approval.resubmitted' })
    .input(resubmitChangeRequestInput)
    .output(ok)
    .mutation(({ ctx, input }) => changeRequests.resubmit(ctx, input)),
  /** A short-lived link (GET /files/download/…) to a file of the caller's own request. */
  attachmentLink: permission('change-requests:create')
    .input(changeRequestAttachmentInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => changeRequests.attachmentLink(ctx, input.attachmentId)),
  withdraw: permission('change-requests:create')
    .meta({ audit: 'change_request.withdrawn' })
    .input(changeRequestIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => changeRequests.withdraw(ctx, input.id)),
  /** Handlers: requests across parties, oldest first (pending unless a status is given). */
  queue: permission('change-requests:handle')
    .input(changeRequestsListInput)
    .output(changeRequestsListOutput)
    .query(({ ctx, input }) => changeRequests.queue(ctx, input)),
  get: permission('change-requests:handle')
    .input(changeRequestIdInput)
    .output(changeRequest)
    .query(({ ctx, input }) => changeRequests.get(ctx, input.id)),
  /** Address changes: accept (applies the change) or reject with a reason. Bank details go through approvals. */
  decide: sensitive('change-requests:handle')
    .meta({ audit: 'change_request.accepted' })
    .input(decideChangeRequestInput)
    .output(ok.extend({ status: z.enum(['accepted', 'rejected']) }))
    .mutation(({ ctx, input }) => changeRequests.decide(ctx, input)),
});
