import {
  alertIdInput,
  alertsListInput,
  alertsListOutput,
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
  closeReviewOutput,
  createPartyInput,
  createRoleInput,
  creditExposureInput,
  creditExposureOutput,
  decideReviewItemInput,
  exportReviewOutput,
  grantableRolesInput,
  grantableRolesOutput,
  inviteUserInput,
  inviteUserOutput,
  partiesListInput,
  partiesListOutput,
  policiesGetInput,
  policiesGetOutput,
  postureOutput,
  resendInvitationInput,
  resendInvitationOutput,
  reviewIdInput,
  reviewItemsInput,
  reviewItemsOutput,
  reviewsListOutput,
  roleKeyInput,
  rolesListOutput,
  setPartyPolicyInput,
  setRolePolicyInput,
  setRolesInput,
  startReviewInput,
  startReviewOutput,
  updatePartyInput,
  updateRoleInput,
  userDetailOutput,
  userIdInput,
  usersListInput,
  usersListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as alerts from '../audit/alerts.ts';
import * as auditReview from '../audit/audit-review.ts';
import * as posture from '../audit/posture.ts';
import * as policies from '../auth/policies.ts';
import * as parties from '../parties/parties.ts';
import { permission, router, sensitive } from '../trpc.ts';
import * as reviews from '../users/access-reviews.ts';
import * as roles from '../users/roles.ts';
import * as users from '../users/users.ts';

const ok = z.object({ ok: z.literal(true) });

/**
 * User administration that authentication needs. Unlocking and resetting a second factor are sensitive:
 * they need the password proven within the last 10 minutes (auth.reauthenticate).
 */
export const usersRouter = router({
  list: permission('users:read')
    .input(usersListInput)
    .output(usersListOutput)
    .query(({ ctx, input }) => users.list(ctx, ctx.actor, input)),
  get: permission('users:read')
    .input(userIdInput)
    .output(userDetailOutput)
    .query(({ ctx, input }) => users.get(ctx, ctx.actor, input.userId)),
  grantableRoles: permission('users:manage')
    .input(grantableRolesInput)
    .output(grantableRolesOutput)
    .query(({ ctx, input }) => users.grantableRoles(ctx, ctx.actor, input.partyId)),
  /** A privilege change: needs a recent password; ends the user's sessions. */
  setRoles: sensitive('users:manage')
    .meta({ audit: 'user.roles_changed' })
    .input(setRolesInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.setRoles(ctx, ctx.actor, input)),
  deactivate: permission('users:manage')
    .meta({ audit: 'user.deactivated' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.deactivate(ctx, ctx.actor, input.userId)),
  reactivate: permission('users:manage')
    .meta({ audit: 'user.reactivated' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.reactivate(ctx, ctx.actor, input.userId)),
  signOutEverywhere: permission('users:manage')
    .meta({ audit: 'user.signed_out_everywhere' })
    .input(userIdInput)
    .output(z.object({ ended: z.number().int() }))
    .mutation(({ ctx, input }) => users.signOutEverywhere(ctx, ctx.actor, input.userId)),
  invite: permission('users:manage')
    .meta({ audit: 'invitation.created' })
    .input(inviteUserInput)
    .output(inviteUserOutput)
    .mutation(({ ctx, input }) => users.invite(ctx, ctx.actor, input)),
  unlock: sensitive('users:manage')
    .meta({ audit: 'auth.unlocked' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.unlock(ctx, ctx.actor, input.userId)),
  resetTwoFactor: sensitive('users:manage')
    .meta({ audit: 'mfa.reset_by_admin' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.resetTwoFactor(ctx, ctx.actor, input.userId)),
});

/**
 * Pending invitations (users.list with `status: 'invited'` lists them; users.get has the expiry): a fresh
 * link by mail or to copy (the old one dies), or revoke. Own party only (staff: any party); another
 * party's user is NOT_FOUND.
 */
export const invitationsRouter = router({
  resend: permission('users:manage')
    .meta({ audit: 'invitation.resent' })
    .input(resendInvitationInput)
    .output(resendInvitationOutput)
    .mutation(({ ctx, input }) => users.resendInvitation(ctx, ctx.actor, input)),
  revoke: permission('users:manage')
    .meta({ audit: 'invitation.revoked' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.revokeInvitation(ctx, ctx.actor, input.userId)),
});

/** Session, second-factor and IP allowlist policies, per role and per party. Changing them is sensitive. */
export const policiesRouter = router({
  get: permission('policies:manage')
    .input(policiesGetInput)
    .output(policiesGetOutput)
    .query(({ ctx, input }) => policies.get(ctx, ctx.actor, input)),
  setRole: sensitive('policies:manage')
    .meta({ audit: 'policy.role_changed' })
    .input(setRolePolicyInput)
    .output(ok)
    .mutation(({ ctx, input }) => policies.setRole(ctx, ctx.actor, input)),
  setParty: sensitive('policies:manage')
    .meta({ audit: 'policy.party_changed' })
    .input(setPartyPolicyInput)
    .output(ok)
    .mutation(({ ctx, input }) => policies.setParty(ctx, ctx.actor, input)),
});

/** Roles are data: built-in and custom. Changing them is a sensitive action of system admins. */
export const rolesRouter = router({
  list: permission('roles:read')
    .output(rolesListOutput)
    .query(({ ctx }) => roles.list(ctx, ctx.actor)),
  create: sensitive('roles:manage')
    .meta({ audit: 'role.created' })
    .input(createRoleInput)
    .output(ok)
    .mutation(({ ctx, input }) => roles.create(ctx, ctx.actor, input)),
  update: sensitive('roles:manage')
    .meta({ audit: 'role.updated' })
    .input(updateRoleInput)
    .output(ok)
    .mutation(({ ctx, input }) => roles.update(ctx, ctx.actor, input)),
  delete: sensitive('roles:manage')
    .meta({ audit: 'role.deleted' })
    .input(roleKeyInput)
    .output(ok)
    .mutation(({ ctx, input }) => roles.remove(ctx, ctx.actor, input.key)),
});

/**
 * Access review campaigns: system admins start, close and export them; every admin attests the items in
 * its scope (users:manage), under the same rule as any user administration.
 */
export const accessReviewsRouter = router({
  start: sensitive('access-reviews:manage')
    .meta({ audit: 'access_review.started' })
    .input(startReviewInput)
    .output(startReviewOutput)
    .mutation(({ ctx, input }) => reviews.start(ctx, ctx.actor, input)),
  list: permission('users:manage')
    .output(reviewsListOutput)
    .query(({ ctx }) => reviews.list(ctx, ctx.actor)),
  items: permission('users:manage')
    .input(reviewItemsInput)
    .output(reviewItemsOutput)
    .query(({ ctx, input }) => reviews.items(ctx, ctx.actor, input)),
  decide: permission('users:manage')
    .meta({ audit: 'access_review.decided' })
    .input(decideReviewItemInput)
    .output(ok)
    .mutation(({ ctx, input }) => reviews.decide(ctx, ctx.actor, input)),
  close: sensitive('access-reviews:manage')
    .meta({ audit: 'access_review.closed' })
    .input(reviewIdInput)
    .output(closeReviewOutput)
    .mutation(({ ctx, input }) => reviews.close(ctx, ctx.actor, input.reviewId)),
  /** An export is sensitive: it needs the password proven in the last 10 minutes. */
  export: sensitive('access-reviews:manage')
    .meta({ audit: 'access_review.exported' })
    .input(reviewIdInput)
    .output(exportReviewOutput)
    .mutation(({ ctx, input }) => reviews.exportCsv(ctx, ctx.actor, input.reviewId)),
});

/** The audit trail: search with filters (keyset-paged) and one entry with its place in the hash chain. */
export const auditRouter = router({
  search: permission('audit:read')
    .input(auditSearchInput)
    .output(auditSearchOutput)
    .query(({ ctx, input }) => auditReview.search(ctx, ctx.actor, input)),
  get: permission('audit:read')
    .input(auditGetInput)
    .output(auditGetOutput)
    .query(({ ctx, input }) => auditReview.get(ctx, ctx.actor, input.id)),
  /** How many entries an export of these filters would hold: the export button asks first. */
  count: permission('audit:export')
    .input(auditExportInput)
    .output(auditCountOutput)
    .query(({ ctx, input }) => auditReview.countForExport(ctx, ctx.actor, input)),
  /** The actor filter's type-ahead: users in the caller's scope by email or name. */
  actors: permission('audit:read')
    .input(auditPickerInput)
    .output(auditActorsOutput)
    .query(({ ctx, input }) => auditReview.findActors(ctx, ctx.actor, input)),
  /** The organisation filter's type-ahead: organisations in the caller's scope by name. */
  parties: permission('audit:read')
    .input(auditPickerInput)
    .output(auditPartiesOutput)
    .query(({ ctx, input }) => auditReview.findParties(ctx, ctx.actor, input)),
  /** A filtered range as CSV with a signed manifest; sensitive (recent password), and itself audited. */
  export: sensitive('audit:export')
    .meta({ audit: 'audit.exported' })
    .input(auditExportInput)
    .output(auditExportOutput)
    .mutation(({ ctx, input }) => auditReview.exportCsv(ctx, ctx.actor, input)),
  /** The live security posture (staff: system admins and auditors). */
  posture: permission('security-posture:read')
    .output(postureOutput)
    .query(({ ctx }) => posture.posture(ctx, ctx.actor)),
  verify: permission('audit:read')
    .output(auditVerifyOutput)
    .query(({ ctx }) => auditReview.verify(ctx, ctx.actor)),
});

/** Customer and supplier accounts, for internal staff. */
export const partiesRouter = router({
  list: permission('parties:read')
    .input(partiesListInput)
    .output(partiesListOutput)
    .query(({ ctx, input }) => parties.list(ctx, ctx.actor, input)),
  create: permission('parties:manage')
    .meta({ audit: 'party.created' })
    .input(createPartyInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => parties.create(ctx, ctx.actor, input)),
  update: permission('parties:manage')
    .meta({ audit: 'party.updated' })
    .input(updatePartyInput)
    .output(ok)
    .mutation(({ ctx, input }) => parties.update(ctx, ctx.actor, input)),
  /** A customer's limit in force, open invoice balance and open orders: beside a credit-limit request. */
  creditExposure: permission('parties:manage')
    .input(creditExposureInput)
    .output(creditExposureOutput)
    .query(({ ctx, input }) => parties.creditExposure(ctx, ctx.actor, input)),
});

/** Security alerts for staff: what the rules raised, and acknowledging them. */
export const alertsRouter = router({
  list: permission('security-posture:read')
    .input(alertsListInput)
    .output(alertsListOutput)
    .query(({ ctx, input }) => alerts.list(ctx, ctx.actor, input)),
  acknowledge: permission('security-posture:read')
    .meta({ audit: 'alert.acknowledged' })
    .input(alertIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => alerts.acknowledge(ctx, ctx.actor, input.id)),
});
