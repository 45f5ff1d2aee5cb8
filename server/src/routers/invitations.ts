import { resendInvitationInput, resendInvitationOutput, userIdInput } from '@gatehouse/contract';
import { ok, permission, router } from '../trpc.ts';
import * as users from '../users/users.ts';

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
    .mutation(({ ctx, input }) => users.resendInvitation(ctx, input)),
  revoke: permission('users:manage')
    .meta({ audit: 'invitation.revoked' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.revokeInvitation(ctx, input.userId)),
});
