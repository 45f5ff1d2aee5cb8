import {
  approvalAttachmentInput,
  approvalDetail,
  approvalIdInput,
  approvalsListInput,
  approvalsListOutput,
  decideApprovalInput,
  downloadLinkOutput,
  resubmitApprovalInput,
  serverText,
  submitApprovalInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as approvals from '../approvals/approvals.ts';
import { ok, permission, router } from '../trpc.ts';

export const approvalsRouter = router({
  /** The inbox ('mine': what waits for my decision now, oldest first) or every request ('all'). */
  list: permission('approvals:read')
    .input(approvalsListInput)
    .output(approvalsListOutput)
    .query(({ ctx, input }) => approvals.list(ctx, input)),
  /** One request with its rule snapshot, held change, full trail, and whether the caller may decide it. */
  get: permission('approvals:read')
    .input(approvalIdInput)
    .output(approvalDetail)
    .query(({ ctx, input }) => approvals.get(ctx, input.id)),
  /** A short-lived link to a file the maker attached (a bank letter), after the same check as get. */
  attachmentLink: permission('approvals:read')
    .input(approvalAttachmentInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => approvals.attachmentLink(ctx, input.id, input.attachmentId)),
  /** Approve, reject (reason) or request changes (reason) on the version seen. Writes the matching action. */
  decide: permission('approvals:decide')
    .meta({ audit: 'approval.approved' })
    .input(decideApprovalInput)
    .output(
      ok.extend({
        status: z.enum(['pending', 'changes-requested', 'approved', 'rejected', 'withdrawn']),
        currentLevel: z.number().int(),
      }),
    )
    .mutation(({ ctx, input }) => approvals.decide(ctx, input)),
  /** Staff: a credit-limit change or a credit note for a customer. */
  submit: permission('parties:manage')
    .meta({ audit: 'approval.submitted' })
    .input(submitApprovalInput)
    .output(
      z.object({
        id: z.uuid(),
        /** Levels nobody could decide today (the request is submitted all the same). */
        warnings: z.array(z.string()),
        /** The same as keys and values (admin.approvals.staffing.<key>). */
        warningTexts: z.array(serverText),
      }),
    )
    .mutation(({ ctx, input }) => approvals.submit(ctx, input)),
  resubmit: permission('parties:manage')
    .meta({ audit: 'approval.resubmitted' })
    .input(resubmitApprovalInput)
    .output(ok)
    .mutation(({ ctx, input }) => approvals.resubmit(ctx, input)),
  withdraw: permission('parties:manage')
    .meta({ audit: 'approval.withdrawn' })
    .input(approvalIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => approvals.withdraw(ctx, input.id)),
});
