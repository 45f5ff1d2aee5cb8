import { auditRepo, mailRepo, sessionsRepo, usersRepo } from '@gatehouse/db';
import { hashPassword } from '../auth/password.ts';
import { newPasswordProblem } from '../auth/password-policy.ts';
import { mintSplitToken, parseSplitToken, secretMatches } from '../auth/tokens.ts';
import type { Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import { requestFields, SYSTEM_SCOPE } from './scope.ts';

export const RESET_TTL_MS = 30 * 60_000;

/**
 * "Forgot password": the answer is the same whether or not the address exists (and whether or not the
 * request was throttled), so it cannot be used to find accounts. For an active user, a single-use,
 * 30-minute link goes to the mail outbox in the same transaction as its token and audit entry.
 */
export async function requestPasswordReset(ctx: Context, input: { email: string }) {
  const allowed = await ctx.throttle.resetAllowed(input.email, ctx.req.ip);
  const user = allowed ? await ctx.db.readOne(SYSTEM_SCOPE, (tx) => usersRepo.findByEmail(tx, input.email)) : undefined;
  if (user && user.status === 'active' && user.partyStatus === 'active') {
    const { id, token, secretHash } = mintSplitToken();
    const link = `${ctx.config.publicOrigin}/reset-password#token=${token}`;
    await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
      await mailRepo.insertReset(tx, {
        id,
        partyId: user.partyId,
        userId: user.id,
        secretHash,
        expiresAt: new Date(ctx.clock.now() + RESET_TTL_MS),
      });
      await mailRepo.enqueue(tx, {
        to: input.email,
        kind: 'password-reset',
        subject: 'Reset your Gatehouse password',
        bodyText: [
          `Hello ${user.displayName},`,
          '',
          'Someone (we hope you) asked to reset the password of your Gatehouse account.',
          `Open this link within 30 minutes to choose a new password:`,
          '',
          link,
          '',
          'If you did not ask for this, ignore this message: your password stays as it is.',
        ].join('\n'),
      });
      await auditRepo.record(tx, {
        action: 'auth.password_reset_requested',
        outcome: 'success',
        partyId: user.partyId,
        actorUserId: user.id,
        entityType: 'user',
        entityId: user.id,
        ...requestFields(ctx),
      });
    });
    ctx.mail.kick();
  }
  return { ok: true as const };
}

/** Sets a new password from a reset link: rules checked, link spent, every session of the user ended. */
export async function resetPassword(ctx: Context, input: { token: string; newPassword: string }) {
  const invalid = new DomainError('BAD_REQUEST', 'This reset link is not valid any more. Ask for a new one.');
  const parsed = parseSplitToken(input.token);
  if (!parsed) throw invalid;
  const { id, secret } = parsed;
  const reset = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => mailRepo.getReset(tx, id));
  if (
    !reset ||
    reset.usedAt ||
    reset.expiresAt.getTime() <= ctx.clock.now() ||
    !secretMatches(secret, reset.secretHash)
  ) {
    throw invalid;
  }
  const scope = { kind: 'party', partyId: reset.partyId } as const;
  const user = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => usersRepo.findById(tx, reset.userId));
  if (user?.status !== 'active') throw invalid;
  const problem = await newPasswordProblem(
    input.newPassword,
    { email: user.email, name: user.displayName },
    ctx.config.passwordMinLength,
  );
  if (problem) throw new DomainError('BAD_REQUEST', problem);
  const hash = await hashPassword(input.newPassword);
  await ctx.db.tx(scope, async (tx) => {
    if (!(await mailRepo.spendReset(tx, id, new Date(ctx.clock.now())))) throw invalid;
    await usersRepo.setPasswordHash(tx, reset.userId, hash);
    const ended = await sessionsRepo.removeAllForUser(tx, reset.userId);
    await auditRepo.record(tx, {
      action: 'auth.password_reset',
      outcome: 'success',
      partyId: reset.partyId,
      actorUserId: reset.userId,
      entityType: 'user',
      entityId: reset.userId,
      details: { sessionsEnded: ended },
      ...requestFields(ctx),
    });
  });
  return { ok: true as const };
}
