import {
  grantableRolesInput,
  grantableRolesOutput,
  inviteUserInput,
  inviteUserOutput,
  setRolesInput,
  userDetailOutput,
  userIdInput,
  usersListInput,
  usersListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import { ok, permission, router, sensitive } from '../trpc.ts';
import * as users from '../users/users.ts';

/**
 * User administration that authentication needs. Unlocking and resetting a second factor are sensitive:
 * they need the password proven within the last 10 minutes (auth.reauthenticate).
 */
export const usersRouter = router({
  list: permission('users:read')
    .input(usersListInput)
    .output(usersListOutput)
    .query(({ ctx, input }) => users.list(ctx, input)),
  get: permission('users:read')
    .input(userIdInput)
    .output(userDetailOutput)
    .query(({ ctx, input }) => users.get(ctx, input.userId)),
  grantableRoles: permission('users:manage')
    .input(grantableRolesInput)
    .output(grantableRolesOutput)
    .query(({ ctx, input }) => users.grantableRoles(ctx, input.partyId)),
  /** A privilege change: needs a recent password; ends the user's sessions. */
  setRoles: sensitive('users:manage')
    .meta({ audit: 'user.roles_changed' })
    .input(setRolesInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.setRoles(ctx, input)),
  deactivate: permission('users:manage')
    .meta({ audit: 'user.deactivated' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.deactivate(ctx, input.userId)),
  reactivate: permission('users:manage')
    .meta({ audit: 'user.reactivated' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.reactivate(ctx, input.userId)),
  signOutEverywhere: permission('users:manage')
    .meta({ audit: 'user.signed_out_everywhere' })
    .input(userIdInput)
    .output(z.object({ ended: z.number().int() }))
    .mutation(({ ctx, input }) => users.signOutEverywhere(ctx, input.userId)),
  invite: permission('users:manage')
    .meta({ audit: 'invitation.created' })
    .input(inviteUserInput)
    .output(inviteUserOutput)
    .mutation(({ ctx, input }) => users.invite(ctx, input)),
  unlock: sensitive('users:manage')
    .meta({ audit: 'auth.unlocked' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.unlock(ctx, input.userId)),
  resetTwoFactor: sensitive('users:manage')
    .meta({ audit: 'mfa.reset_by_admin' })
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.resetTwoFactor(ctx, input.userId)),
});
