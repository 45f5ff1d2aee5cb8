import {
  inviteUserInput,
  inviteUserOutput,
  policiesGetInput,
  policiesGetOutput,
  setPartyPolicyInput,
  setRolePolicyInput,
  userIdInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as policies from '../services/policies.ts';
import * as users from '../services/users.ts';
import { permission, router, sensitive } from '../trpc.ts';

const ok = z.object({ ok: z.literal(true) });

/**
 * User administration that authentication needs. Unlocking and resetting a second factor are sensitive:
 * they need the password proven within the last 10 minutes (auth.reauthenticate).
 */
export const usersRouter = router({
  invite: permission('users:manage')
    .input(inviteUserInput)
    .output(inviteUserOutput)
    .mutation(({ ctx, input }) => users.invite(ctx, ctx.actor, input)),
  unlock: sensitive('users:manage')
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.unlock(ctx, ctx.actor, input.userId)),
  resetTwoFactor: sensitive('users:manage')
    .input(userIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => users.resetTwoFactor(ctx, ctx.actor, input.userId)),
});

/** Session, second-factor and IP allowlist policies, per role and per party. Changing them is sensitive. */
export const policiesRouter = router({
  get: permission('policies:manage')
    .input(policiesGetInput)
    .output(policiesGetOutput)
    .query(({ ctx, input }) => policies.get(ctx, ctx.actor, input)),
  setRole: sensitive('policies:manage')
    .input(setRolePolicyInput)
    .output(ok)
    .mutation(({ ctx, input }) => policies.setRole(ctx, ctx.actor, input)),
  setParty: sensitive('policies:manage')
    .input(setPartyPolicyInput)
    .output(ok)
    .mutation(({ ctx, input }) => policies.setParty(ctx, ctx.actor, input)),
});
