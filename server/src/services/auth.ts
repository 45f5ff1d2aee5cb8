import { LOGIN_FAILED_MESSAGE, type Me, passwordProblem } from '@gatehouse/contract';
import { auditRepo, mfaRepo, sessionsRepo, usersRepo } from '@gatehouse/db';
import { stringifySetCookie } from 'cookie';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../auth/password.ts';
import { unseal } from '../auth/seal.ts';
import { type Actor, createSession, validateSession } from '../auth/sessions.ts';
import { parseSplitToken, secretMatches } from '../auth/tokens.ts';
import { matchingStep } from '../auth/totp.ts';
import type { Context } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { totpSealKey } from '../keys.ts';
import { confirmPassword, tooManyAttempts } from './reauth.ts';
import { ownScope, requestFields, SYSTEM_SCOPE } from './scope.ts';
import { hashRecoveryCode, issueChallenge } from './two-factor.ts';

export function sessionCookieName(ctx: Pick<Context, 'config'>): string {
  return ctx.config.publicOrigin.startsWith('https:') ? '__Host-gh_session' : 'gh_session';
}

/** HttpOnly, SameSite=Lax, Path=/; Secure and the __Host- prefix whenever the portal is served over HTTPS. */
function sessionCookie(ctx: Context, token: string, maxAgeSeconds: number): string {
  return stringifySetCookie({
    name: sessionCookieName(ctx),
    value: token,
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: maxAgeSeconds,
    secure: ctx.config.publicOrigin.startsWith('https:'),
  });
}

export function toMe(actor: Actor): Me {
  return {
    user: { id: actor.userId, email: actor.email, displayName: actor.displayName },
    party: { id: actor.partyId, name: actor.partyName, kind: actor.partyKind },
    roles: actor.roles,
    permissions: [...actor.permissions].sort(),
  };
}

/**
 * First factor. Unknown address, wrong password, inactive user or party: one answer, one message,
 * and the same argon2 work (a dummy hash for unknown addresses), so none can be told apart.
 * (Throttling, second factor and lockout arrive with the authentication issue.)
 */
export type LoginResult = { status: 'signed-in'; me: Me } | { status: 'second-factor'; challenge: string };

export async function login(ctx: Context, input: { email: string; password: string }): Promise<LoginResult> {
  const { ip } = ctx.req;
  // Counted before anything is checked, on every axis, atomically (see auth/throttle.ts).
  const verdict = await ctx.throttle.attempt(input.email, ip);
  if (!verdict.ok && verdict.reason === 'ip') {
    await recordFailure(ctx, null, { reason: 'throttled-ip' });
    throw tooManyAttempts(ctx, 'Too many sign-in attempts from your network.', verdict.retryAfterSeconds);
  }
  const user = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => usersRepo.findForLogin(tx, input.email));
  // Always the same argon2 work, locked or not, known or not: timing tells nothing.
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  const allowed = verdict.ok && ok && user?.status === 'active' && user.partyStatus === 'active';
  if (!user || !allowed) {
    const lock = verdict.ok ? await ctx.throttle.failed(input.email, ip) : null;
    // The reason stays in the audit trail for investigators; the caller never sees it.
    const reason = !verdict.ok
      ? `locked-${verdict.reason}`
      : !user
        ? 'unknown-email'
        : !ok
          ? 'wrong-password'
          : 'inactive';
    await recordFailure(ctx, user ?? null, { reason }, lock);
    throw new DomainError('UNAUTHORIZED', LOGIN_FAILED_MESSAGE);
  }
  await ctx.throttle.succeeded(input.email, ip);
  if (user.passwordHash && needsRehash(user.passwordHash)) {
    // Parameters changed since this hash was made: store one made with today's, while we have the password.
    const rehash = await hashPassword(input.password);
    await ctx.db.tx({ kind: 'party', partyId: user.partyId }, (tx) => usersRepo.setPasswordHash(tx, user.id, rehash));
  }
  if (user.totpOn) {
    // The password's work is done; it is not kept. The second step proves the second factor.
    return { status: 'second-factor', challenge: await issueChallenge(ctx, user) };
  }
  return { status: 'signed-in', me: await startSession(ctx, user) };
}

/**
 * The second step: a single-use challenge plus a TOTP code (each time step accepted once) or a recovery
 * code (each accepted once). Code attempts have their own counter, apart from the password counters.
 */
export async function verifySecondFactor(
  ctx: Context,
  input: { challenge: string; code: string } | { challenge: string; recoveryCode: string },
): Promise<LoginResult> {
  const expired = new DomainError('UNAUTHORIZED', 'This sign-in has expired. Please sign in again.');
  const parsed = parseSplitToken(input.challenge);
  if (!parsed) throw expired;
  const { id, secret } = parsed;
  const challenge = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => mfaRepo.getChallenge(tx, id));
  if (
    !challenge ||
    challenge.usedAt ||
    challenge.expiresAt.getTime() <= ctx.clock.now() ||
    !secretMatches(secret, challenge.secretHash)
  ) {
    throw expired;
  }
  const user = { id: challenge.userId, partyId: challenge.partyId };
  const verdict = await ctx.throttle.codeAttempt(user.id);
  if (!verdict.ok) throw tooManyAttempts(ctx, 'Too many codes tried.', verdict.retryAfterSeconds);
  const scope = { kind: 'party', partyId: user.partyId } as const;
  const method = 'code' in input ? 'totp' : 'recovery-code';
  const accepted = await ctx.db.tx(scope, async (tx) => {
    let ok = false;
    if ('code' in input) {
      const totp = await mfaRepo.getTotp(tx, user.id);
      const step = totp?.confirmedAt
        ? matchingStep(unseal(totpSealKey(ctx.config.secret), totp.secretSealed), input.code, ctx.clock.now())
        : null;
      ok = step !== null && (await mfaRepo.spendStep(tx, user.id, step));
    } else {
      ok = await mfaRepo.spendRecoveryCode(tx, user.id, hashRecoveryCode(input.recoveryCode));
    }
    if (ok && !(await mfaRepo.spendChallenge(tx, id))) throw expired; // a concurrent request won
    // Same transaction as the spent step or recovery code: no code is ever used without its trail.
    await auditRepo.record(tx, {
      action: ok ? 'auth.second_factor_succeeded' : 'auth.second_factor_failed',
      outcome: ok ? 'success' : 'failure',
      partyId: user.partyId,
      actorUserId: user.id,
      details: { method },
      ...requestFields(ctx),
    });
    return ok;
  });
  if (!accepted) throw new DomainError('UNAUTHORIZED', 'That code is not correct.');
  await ctx.throttle.codeSucceeded(user.id);
  return { status: 'signed-in', me: await startSession(ctx, user) };
}

/** A new session (never a reused one: the id rotates at every sign-in), its audit entry, the cookie. */
async function startSession(ctx: Context, user: { id: string; partyId: string }): Promise<Me> {
  const session = await ctx.db.tx({ kind: 'party', partyId: user.partyId }, async (tx) => {
    await usersRepo.markSignedIn(tx, user.id);
    const s = await createSession(tx, ctx.clock, ctx.sessionPolicy, user, {
      ip: ctx.req.ip,
      userAgent: ctx.req.userAgent,
    });
    await auditRepo.record(tx, {
      action: 'auth.login_succeeded',
      outcome: 'success',
      partyId: user.partyId,
      actorUserId: user.id,
      entityType: 'session',
      ...requestFields(ctx),
    });
    return s;
  });
  ctx.req.setCookie(sessionCookie(ctx, session.token, Math.floor(ctx.sessionPolicy.absoluteMs / 1000)));
  const actor = await validateSession(ctx.db, ctx.clock, ctx.sessionPolicy, session.token);
  if (!actor) throw new Error('a session just created did not validate');
  return toMe(actor);
}

/** A failed sign-in, and the lockout it caused if any, in one transaction. */
async function recordFailure(
  ctx: Context,
  user: { id: string; partyId: string } | null,
  details: { reason: string },
  lock: { lockedForSeconds: number } | null = null,
) {
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    const who = { partyId: user?.partyId ?? null, actorUserId: user?.id ?? null, ...requestFields(ctx) };
    await auditRepo.record(tx, { action: 'auth.login_failed', outcome: 'failure', details, ...who });
    if (lock) {
      await auditRepo.record(tx, {
        action: 'auth.locked_out',
        outcome: 'failure',
        details: { scope: 'account-ip', seconds: lock.lockedForSeconds },
        ...who,
      });
    }
  });
}

export async function logout(ctx: Context, actor: Actor): Promise<void> {
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, async (tx) => {
    await sessionsRepo.remove(tx, actor.sessionId);
    await auditRepo.record(tx, {
      action: 'auth.logged_out',
      outcome: 'success',
      partyId: actor.partyId,
      actorUserId: actor.userId,
      entityType: 'session',
      ...requestFields(ctx),
    });
  });
  ctx.req.setCookie(sessionCookie(ctx, '', 0));
}

/** The signed-in user's live sessions (device, IP, last seen), the current one marked. */
export async function listSessions(ctx: Context, actor: Actor) {
  const rows = await ctx.db.readOne(ownScope(actor), (tx) =>
    sessionsRepo.listForUser(tx, actor.userId, new Date(ctx.clock.now())),
  );
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}

/** Ends one of the user's own sessions, or all the others. Another user's session id is NOT_FOUND. */
export async function revokeSessions(ctx: Context, actor: Actor, input: { id: string } | { allOthers: true }) {
  const ended = await ctx.db.tx(ownScope(actor), async (tx) => {
    const n =
      'id' in input
        ? Number(await sessionsRepo.removeForUser(tx, actor.userId, input.id))
        : await sessionsRepo.removeAllForUser(tx, actor.userId, actor.sessionId);
    if ('id' in input && n === 0) throw notFound('That session');
    await auditRepo.record(tx, {
      action: 'session.revoked',
      outcome: 'success',
      partyId: actor.partyId,
      actorUserId: actor.userId,
      entityType: 'session',
      details: { scope: 'id' in input ? (input.id === actor.sessionId ? 'current' : 'one') : 'all-others', ended: n },
      ...requestFields(ctx),
    });
    return n;
  });
  if ('id' in input && input.id === actor.sessionId) ctx.req.setCookie(sessionCookie(ctx, '', 0));
  return { ended };
}

/**
 * Re-checks the current password (throttled like a sign-in), applies the password rules, then in one
 * transaction: the new hash, every session of the user ended, a fresh session for this browser, the audit.
 */
export async function changePassword(
  ctx: Context,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
) {
  await confirmPassword(ctx, actor, input.currentPassword);
  const problem =
    passwordProblem(input.newPassword, { email: actor.email, name: actor.displayName, company: actor.partyName }) ??
    (input.newPassword === input.currentPassword ? 'Choose a password different from the current one.' : null);
  if (problem) throw new DomainError('BAD_REQUEST', problem);
  const hash = await hashPassword(input.newPassword);
  const session = await ctx.db.tx(ownScope(actor), async (tx) => {
    await usersRepo.setPasswordHash(tx, actor.userId, hash);
    const ended = await sessionsRepo.removeAllForUser(tx, actor.userId);
    const s = await createSession(
      tx,
      ctx.clock,
      ctx.sessionPolicy,
      { id: actor.userId, partyId: actor.partyId },
      {
        ip: ctx.req.ip,
        userAgent: ctx.req.userAgent,
      },
    );
    await auditRepo.record(tx, {
      action: 'auth.password_changed',
      outcome: 'success',
      partyId: actor.partyId,
      actorUserId: actor.userId,
      entityType: 'user',
      entityId: actor.userId,
      details: { sessionsEnded: ended },
      ...requestFields(ctx),
    });
    return s;
  });
  ctx.req.setCookie(sessionCookie(ctx, session.token, Math.floor(ctx.sessionPolicy.absoluteMs / 1000)));
  return { ok: true as const };
}
