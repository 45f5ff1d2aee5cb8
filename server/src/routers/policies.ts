import { policiesGetInput, policiesGetOutput, setPartyPolicyInput, setRolePolicyInput } from '@gatehouse/contract';
import * as policies from '../auth/policies.ts';
import { ok, permission, router, sensitive } from '../trpc.ts';

/** Session, second-factor and IP allowlist policies, per role and per party. Changing them is sensitive. */
export const policiesRouter = router({
  get: permission('policies:manage')
    .input(policiesGetInput)
    .output(policiesGetOutput)
    .query(({ ctx, input }) => policies.get(ctx, input)),
  setRole: sensitive('policies:manage')
    .meta({ audit: 'policy.role_changed' })
    .input(setRolePolicyInput)
    .output(ok)
    .mutation(({ ctx, input }) => policies.setRole(ctx, input)),
  setParty: sensitive('policies:manage')
    .meta({ audit: 'policy.party_changed' })
    .input(setPartyPolicyInput)
    .output(ok)
    .mutation(({ ctx, input }) => policies.setParty(ctx, input)),
});
