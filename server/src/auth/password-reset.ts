import { mailRepo, notificationsRepo, sessionsRepo, usersRepo } from '@gatehouse/db';
import { byUser, record as recordAudit } from '../audit/audit.ts';
import type { Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import { readerOf, text } from '../mail/i18n.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { hashPassword } from './password.ts';
import { newPasswordProblem, passwordRefused } from './password-policy.ts';
import { tooManyAttempts } from './reauth.ts';
import { mintSplitToken, parseSplitToken, secretMatches } from './tokens.ts';

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
      // In the user's own language (docs/i18n.md, "Mail"); English when they have chosen none.
      const reader = readerOf(await notificationsRepo.readerPreferences(tx, user.id));
      await mailRepo.enqueue(tx, {
        to: input.email,
        kind: 'password-reset',
        subject: text(reader, { key: 'reset.subject' }),
        bodyText: text(reader, {
          key: 'reset.body',
          values: { name: user.displayName, link, minutes: RESET_TTL_MS / 60_000 },
        }),
      });
      await recordAudit(tx, byUser(ctx.req, user.id), {
        action: 'auth.password_reset_requested',
        outcome: 'success',
        partyId: user.partyId,
        entityType: 'user',
        entityId: user.id,
      });
    });
    ctx.mail.kick();
  }
  return { ok: true as const };
}

const invalidLink = () => new DomainError('BAD_REQUEST', { key: 'auth.resetLinkInvalid' });

/**
 * The reset and its user when the link can still set a password: known, unused, unexpired, the secret
 * matching, the user active. Null otherwise, without saying which. The one place a link is judged.
 */
async function liveReset(ctx: Context, token: string) {
  const parsed = parseSplitToken(token);
  if (!parsed) return null;
  const reset = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => mailRepo.getReset(tx, parsed.id));
  if (
    !reset ||
    reset.usedAt ||
    reset.expiresAt.getTime() <= ctx.clock.now() ||
    !secretMatches(parsed.secret, reset.secretHash)
  ) {
    return null;
  }
  const user = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => usersRepo.findById(tx, reset.userId));
  if (user?.status !== 'active') return null;
  return { id: parsed.id, reset, user };
}

/**
 * Is this reset link still good? Asked when the page opens, so a used or expired link says so before
 * anyone types a new password. Answers only valid or not (nothing about whose link it is); throttled per IP.
 */
export async function passwordResetInfo(ctx: Context, input: { token: string }) {
  const verdict = await ctx.throttle.tokenCheck(ctx.req.ip);
  if (!verdict.ok) throw tooManyAttempts(ctx, 'auth.tooManyResetLinks', verdict.retryAfterSeconds);
  return { valid: (await liveReset(ctx, input.token)) !== null };
}

/** Sets a new password from a reset link: rules checked, link spent, every session of the user ended. */
export async function resetPassword(ctx: Context, input: { token: string; newPassword: string }) {
  const invalid = invalidLink();
  const live = await liveReset(ctx, input.token);
  if (!live) throw invalid;
  const { id, reset, user } = live;
  const scope = { kind: 'party', partyId: reset.partyId } as const;
  const problem = await newPasswordProblem(
    input.newPassword,
    { email: user.email, name: user.displayName },
    ctx.config.passwordMinLength,
  );
  if (problem) throw passwordRefused(problem);
  const hash = await hashPassword(input.newPassword);
  await ctx.db.tx(scope, async (tx) => {
    if (!(await mailRepo.spendReset(tx, id, new Date(ctx.clock.now())))) throw invalid;
    await usersRepo.setPasswordHash(tx, reset.userId, hash);
    const ended = await sessionsRepo.removeAllForUser(tx, reset.userId);
    await recordAudit(tx, byUser(ctx.req, reset.userId), {
      action: 'auth.password_reset',
      outcome: 'success',
      partyId: reset.partyId,
      entityType: 'user',
      entityId: reset.userId,
      details: { sessionsEnded: ended },
    });
  });
  return { ok: true as const };
}
