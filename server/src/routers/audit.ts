import {
  auditActorsOutput,
  auditCountOutput,
  auditExportInput,
  auditExportOutput,
  auditGetInput,
  auditGetOutput,
  auditPartiesOutput,
  auditPickerInput,
  auditSearchInput,
  auditSearchOutput,
  auditVerifyOutput,
  postureOutput,
} from '@gatehouse/contract';
import * as auditReview from '../audit/audit-review.ts';
import * as posture from '../audit/posture.ts';
import { permission, router, sensitive } from '../trpc.ts';

/** The audit trail: search with filters (keyset-paged) and one entry with its place in the hash chain. */
export const auditRouter = router({
  search: permission('audit:read')
    .input(auditSearchInput)
    .output(auditSearchOutput)
    .query(({ ctx, input }) => auditReview.search(ctx, input)),
  get: permission('audit:read')
    .input(auditGetInput)
    .output(auditGetOutput)
    .query(({ ctx, input }) => auditReview.get(ctx, input.id)),
  /** How many entries an export of these filters would hold: the export button asks first. */
  count: permission('audit:export')
    .input(auditExportInput)
    .output(auditCountOutput)
    .query(({ ctx, input }) => auditReview.countForExport(ctx, input)),
  /** The actor filter's type-ahead: users in the caller's scope by email or name. */
  actors: permission('audit:read')
    .input(auditPickerInput)
    .output(auditActorsOutput)
    .query(({ ctx, input }) => auditReview.findActors(ctx, input)),
  /** The organisation filter's type-ahead: organisations in the caller's scope by name. */
  parties: permission('audit:read')
    .input(auditPickerInput)
    .output(auditPartiesOutput)
    .query(({ ctx, input }) => auditReview.findParties(ctx, input)),
  /** A filtered range as CSV with a signed manifest; sensitive (recent password), and itself audited. */
  export: sensitive('audit:export')
    .meta({ audit: 'audit.exported' })
    .input(auditExportInput)
    .output(auditExportOutput)
    .mutation(({ ctx, input }) => auditReview.exportCsv(ctx, input)),
  /** The live security posture (staff: system admins and auditors). */
  posture: permission('security-posture:read')
    .output(postureOutput)
    .query(({ ctx }) => posture.posture(ctx)),
  verify: permission('audit:read')
    .output(auditVerifyOutput)
    .query(({ ctx }) => auditReview.verify(ctx)),
});
