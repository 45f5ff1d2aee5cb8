import {
  approvalPoliciesOutput,
  approverLimitsOutput,
  serverText,
  setApprovalPolicyInput,
  setApproverLimitInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as approvals from '../approvals/policies.ts';
import { ok, permission, router, sensitive } from '../trpc.ts';

export const approvalPoliciesRouter = router({
  list: permission('approval-policies:manage')
    .output(approvalPoliciesOutput)
    .query(({ ctx }) => approvals.policies(ctx)),
  /** Replaces a type's (and currency's) levels; validated: deciding roles, no gaps or overlaps in amounts. */
  set: sensitive('approval-policies:manage')
    .meta({ audit: 'approval_policy.changed' })
    .input(setApprovalPolicyInput)
    .output(ok.extend({ version: z.number().int(), warnings: z.array(z.string()), warningTexts: z.array(serverText) }))
    .mutation(({ ctx, input }) => approvals.setPolicy(ctx, input)),
  approvers: permission('approval-policies:manage')
    .output(approverLimitsOutput)
    .query(({ ctx }) => approvals.approvers(ctx)),
  setLimit: sensitive('approval-policies:manage')
    .meta({ audit: 'approver_limit.changed' })
    .input(setApproverLimitInput)
    .output(ok)
    .mutation(({ ctx, input }) => approvals.setLimit(ctx, input)),
});
