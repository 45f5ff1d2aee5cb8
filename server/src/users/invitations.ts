import { invitationsRepo, policiesRepo, usersRepo } from '@gatehouse/db';
import { byUser, record as recordAudit } from '../audit/audit.ts';
import { hashPassword } from '../auth/password.ts';
import { newPasswordProblem, passwordRefused } from '../auth/password-policy.ts';
import { requireAllowedAddress, startSession } from '../auth/sign-in.ts';
import { parseSplitToken, secretMatches } from '../auth/tokens.ts';
import type { Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

const invalid = () => new DomainError('BAD_REQUEST', { key: 'auth.invitationInvalid' });

/** A live invitation for the token, or the one "not valid" answer (unknown, used, expired, wrong secret). */
async function liveInvitation(ctx: Context, token: string) {
  const parsed = parseSplitToken(token);
  if (!parsed) throw invalid();
  const inv = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => invitationsRepo.get(tx, parsed.id));
  if (
    !inv ||
    inv.acceptedAt ||
    inv.expiresAt.getTime() <= ctx.clock.now() ||
    !secretMatches(parsed.secret, inv.secretHash) ||
    inv.userStatus !== 'invited' ||
    inv.partyStatus !== 'active'
  ) {
    throw invalid();
  }
  return inv;
}

/** What the acceptance screen greets the invitee with. The token is the only credential. */
export async function invitationInfo(ctx: Context, input: { token: string }) {
  const inv = await liveInvitation(ctx, input.token);
  return { email: inv.email, displayName: inv.displayName, partyName: inv.partyName, expiresAt: inv.expiresAt };
}

/**
 * Accepts an invitation: the password rules (nothing built from the user's name, address or company),
 * then in one transaction the invitation spent (once, even under concurrent clicks), the user active with
 * its password, the audit entry and a first session. A second factor required by policy is set up next.
 */
export async function acceptInvitation(ctx: Context, input: { token: string; password: string }) {
  const inv = await liveInvitation(ctx, input.token);
  const problem = await newPasswordProblem(
    input.password,
    {
      email: inv.email,
      name: inv.displayName,
      company: inv.partyName,
    },
    ctx.config.passwordMinLength,
  );
  if (problem) throw passwordRefused(problem);
  // No session from a network the new user's allowlists refuse; the invitation stays unspent meanwhile.
  const policy = await ctx.db.readOne({ kind: 'party', partyId: inv.partyId }, (tx) =>
    policiesRepo.forUser(tx, inv.userId),
  );
  if (!policy) throw invalid();
  await requireAllowedAddress(ctx, { id: inv.userId, partyId: inv.partyId }, policy, 'auth.acceptInvitation');
  const hash = await hashPassword(input.password);
  const me = await startSession(ctx, { id: inv.userId, partyId: inv.partyId }, async (tx) => {
    if (!(await invitationsRepo.spend(tx, inv.id, new Date(ctx.clock.now())))) throw invalid();
    if (!(await usersRepo.activate(tx, inv.userId, hash))) throw invalid();
    await recordAudit(tx, byUser(ctx.req, inv.userId), {
      action: 'invitation.accepted',
      outcome: 'success',
      partyId: inv.partyId,
      entityType: 'user',
      entityId: inv.userId,
    });
  });
  return { status: 'signed-in' as const, me };
}
