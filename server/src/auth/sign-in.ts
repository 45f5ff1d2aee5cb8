import { type Me, type Preferences, REAUTH_WINDOW_MINUTES } from '@gatehouse/contract';
import {
  mailRepo,
  mfaRepo,
  notificationsRepo,
  type PolicyInputs,
  policiesRepo,
  sessionsRepo,
  type Tx,
  usersRepo,
} from '@gatehouse/db';
import { raiseAlert } from '../audit/alerts.ts';
import * as audit from '../audit/audit.ts';
import type { Context, ServiceContext } from '../context.ts';
import { DomainError, ipNotAllowed, notFound } from '../errors.ts';
import { totpSealKey } from '../keys.ts';
import { type Reader, readerOf, text } from '../mail/i18n.ts';
import { ownScope, SYSTEM_SCOPE } from '../parties/scope.ts';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { newPasswordProblem, passwordRefused } from './password-policy.ts';
import { effectivePolicy, ipAllowed } from './policy.ts';
import { confirmPassword, tooManyAttempts } from './reauth.ts';
import { unseal } from './seal.ts';
import { clearSessionCookie, issueSession, setSessionCookie } from './session-issue.ts';
import { type Actor, validateSession } from './sessions.ts';
import { parseSplitToken, secretMatches } from './tokens.ts';
import { matchingStep } from './totp.ts';
import { hashRecoveryCode, issueChallenge } from './two-factor.ts';

export function toMe(actor: Actor, now: number): Me {
  const recentAuthUntil = actor.recentAuthAt + REAUTH_WINDOW_MINUTES * 60_000;
  return {
    user: { id: actor.userId, email: actor.email, displayName: actor.displayName },
    preferences: actor.preferences,
    party: { id: actor.partyId, name: actor.partyName, kind: actor.partyKind },
    roles: actor.roles,
    permissions: [...actor.permissions].sort(),
    security: {
      totp: actor.totpOn,
      mustEnrolTotp: actor.mustEnrolTotp,
      recentAuthUntil: recentAuthUntil > now ? new Date(recentAuthUntil).toISOString() : null,
    },
  };
}

/**
 * First factor. Unknown address, wrong password, inactive user or party, locked account: one answer,
 * one message, and the same argon2 work (a dummy hash for unknown addresses), so none can be told apart.
 * Only after a correct password may the answer differ: the IP allowlist refusal, or a second-factor step.
 */
export type LoginResult = { status: 'signed-in'; me: Me } | { status: 'second-factor'; challenge: string };

export async function login(ctx: Context, input: { email: string; password: string }): Promise<LoginResult> {
  const { ip } = ctx.req;
  // Counted before anything is checked, on every axis, atomically (see auth/throttle.ts).
  const verdict = await ctx.throttle.attempt(input.email, ip);
  if (!verdict.ok) ctx.metrics.throttleDenied(verdict.reason);
  if (!verdict.ok && verdict.reason === 'ip') {
    ctx.metrics.signInFailed();
    await recordFailure(ctx, null, { reason: 'throttled-ip' });
    throw tooManyAttempts(ctx, 'auth.tooManySignIns', verdict.retryAfterSeconds);
  }
  const user = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => usersRepo.findForLogin(tx, input.email));
  // Always the same argon2 work, locked or not, known or not: timing tells nothing.
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  const allowed = verdict.ok && ok && user?.status === 'active' && user.partyStatus === 'active';
  if (!user || !allowed) {
    ctx.metrics.signInFailed();
    const lock = verdict.ok ? await ctx.throttle.failed(input.email, ip) : null;
    // The reason stays in the audit trail for investigators; the caller never sees it.
    const reason = !verdict.ok
      ? `locked-${verdict.reason}`
      : !user
        ? 'unknown-email'
        : !ok
          ? 'wrong-password'
          : 'inactive';
    const accountLock = !verdict.ok && verdict.reason === 'account' && verdict.justLocked;
    await recordFailure(
      ctx,
      user ?? null,
      { reason },
      lock ? { scope: 'account-ip', seconds: lock.lockedForSeconds } : accountLock ? { scope: 'account' } : null,
    );
    throw new DomainError('UNAUTHORIZED', { key: 'auth.loginFailed' });
  }
  await ctx.throttle.succeeded(input.email, ip);
  // The password was right, so saying why is safe; the attempt is audited like any other denial.
  await requireAllowedAddress(ctx, user, user, 'auth.login');
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
  const expired = new DomainError('UNAUTHORIZED', { key: 'auth.signInExpired' });
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
  // No session from an address the allowlists refuse, however good the code: checked before the code is
  // tried (and spent), with the answer and audit entry of every other allowlist denial. The challenge may
  // have been earned from another network, or a list may have changed since.
  const policy = await ctx.db.readOne({ kind: 'party', partyId: user.partyId }, (tx) =>
    policiesRepo.forUser(tx, user.id),
  );
  if (!policy) throw expired;
  await requireAllowedAddress(ctx, user, policy, 'auth.verifySecondFactor');
  const verdict = await ctx.throttle.codeAttempt(user.id);
  if (!verdict.ok) throw tooManyAttempts(ctx, 'auth.tooManyCodes', verdict.retryAfterSeconds);
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
    await audit.record(tx, audit.byUser(ctx.req, user.id), {
      action: ok ? 'auth.second_factor_succeeded' : 'auth.second_factor_failed',
      outcome: ok ? 'success' : 'failure',
      partyId: user.partyId,
      details: { method },
    });
    return ok;
  });
  if (!accepted) throw new DomainError('UNAUTHORIZED', { key: 'auth.codeWrong' });
  await ctx.throttle.codeSucceeded(user.id);
  return { status: 'signed-in', me: await startSession(ctx, user) };
}

/**
 * Refuses a sign-in step from an address that one of the user's allowlists (party, each role) does not
 * admit: FORBIDDEN `ip-not-allowed` and an `auth.ip_denied` entry naming the step, as on any request.
 * Every path that creates a session calls it first, so a refused address never gets one.
 */
export async function requireAllowedAddress(
  ctx: Context,
  user: { id: string; partyId: string },
  policy: PolicyInputs,
  path: string,
): Promise<void> {
  if (ipAllowed(effectivePolicy(ctx.sessionPolicy, policy).allowlists, ctx.req.ip)) return;
  await audit.recordIpDenial(ctx, { userId: user.id, partyId: user.partyId }, path);
  throw ipNotAllowed(ctx.req.ip);
}

/**
 * A new session (never a reused one: the id rotates at every sign-in), its audit entry, the cookie.
 * `inTx` lets a caller make its own change (accepting an invitation) in the same transaction.
 */
export async function startSession(
  ctx: Context,
  user: { id: string; partyId: string },
  inTx?: (tx: Tx) => Promise<void>,
): Promise<Me> {
  const session = await ctx.db.tx({ kind: 'party', partyId: user.partyId }, async (tx) => {
    await inTx?.(tx);
    await usersRepo.markSignedIn(tx, user.id);
    const s = await issueSession(ctx, tx, user);
    await audit.record(tx, audit.byUser(ctx.req, user.id), {
      action: 'auth.login_succeeded',
      outcome: 'success',
      partyId: user.partyId,
      entityType: 'session',
    });
    return s;
  });
  setSessionCookie(ctx, session.token, session.maxAgeMs);
  const actor = await validateSession(ctx.db, ctx.clock, ctx.sessionPolicy, session.token, ctx.sessionCache);
  if (!actor) throw new Error('a session just created did not validate');
  return toMe(actor, ctx.clock.now());
}

type Lockout = { scope: 'account-ip'; seconds: number } | { scope: 'account' };

/**
 * A failed sign-in, and the lockout it caused if any, in one transaction. A locked user is told by mail
 * (queued in the same transaction), never by the sign-in answer, which stays the same for everyone.
 */
async function recordFailure(
  ctx: Context,
  user: { id: string; partyId: string; email: string; displayName: string } | null,
  details: { reason: string },
  lock: Lockout | null = null,
) {
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    const who = audit.byUser(ctx.req, user?.id ?? null);
    const partyId = user?.partyId ?? null;
    await audit.record(tx, who, { action: 'auth.login_failed', outcome: 'failure', details, partyId });
    if (lock) {
      await audit.record(tx, who, { action: 'auth.locked_out', outcome: 'failure', details: lock, partyId });
      if (user)
        await mailRepo.enqueue(
          tx,
          lockoutMail(user, lock, ctx.req.ip, readerOf(await notificationsRepo.readerPreferences(tx, user.id))),
        );
      if (user && lock.scope === 'account') {
        await raiseAlert(tx, new Date(ctx.clock.now()), {
          rule: 'account-locked',
          severity: 'warning',
          mail: { key: 'alert.account_locked', values: { user: user.email } },
          text: { key: 'account-locked', values: { user: user.email } },
          details: { user: user.email, lastIp: ctx.req.ip },
        });
      }
    }
  });
  if (lock && user) ctx.mail.kick();
}

/** The lockout mail, in the user's language (docs/i18n.md, "Mail"). */
function lockoutMail(user: { email: string; displayName: string }, lock: Lockout, ip: string, reader: Reader) {
  return {
    to: user.email,
    kind: 'lockout',
    subject: text(reader, { key: 'lockout.subject' }),
    bodyText: text(reader, {
      key: 'lockout.body',
      values: {
        name: user.displayName,
        scope: lock.scope,
        ip,
        minutes: lock.scope === 'account' ? 0 : Math.ceil(lock.seconds / 60),
      },
    }),
  };
}

export async function logout(ctx: ServiceContext): Promise<void> {
  const { actor } = ctx;
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, async (tx) => {
    await sessionsRepo.remove(tx, actor.sessionId);
    await audit.record(tx, ctx, {
      action: 'auth.logged_out',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'session',
    });
  });
  clearSessionCookie(ctx);
}

/** The signed-in user's live sessions (device, IP, last seen), the current one marked. */
export async function listSessions(ctx: ServiceContext) {
  const { actor } = ctx;
  const rows = await ctx.db.readOne(ownScope(actor), (tx) =>
    sessionsRepo.listForUser(tx, actor.userId, new Date(ctx.clock.now())),
  );
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}

/** Ends one of the user's own sessions, or all the others. Another user's session id is NOT_FOUND. */
export async function revokeSessions(ctx: ServiceContext, input: { id: string } | { allOthers: true }) {
  const { actor } = ctx;
  const ended = await ctx.db.tx(ownScope(actor), async (tx) => {
    const n =
      'id' in input
        ? Number(await sessionsRepo.removeForUser(tx, actor.userId, input.id))
        : await sessionsRepo.removeAllForUser(tx, actor.userId, actor.sessionId);
    if ('id' in input && n === 0) throw notFound('That session');
    await audit.record(tx, ctx, {
      action: 'session.revoked',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'session',
      details: { scope: 'id' in input ? (input.id === actor.sessionId ? 'current' : 'one') : 'all-others', ended: n },
    });
    return n;
  });
  if ('id' in input && input.id === actor.sessionId) clearSessionCookie(ctx);
  return { ended };
}

/**
 * The signed-in user's own language and time zone (docs/i18n.md): set by the SPA from the browser at first
 * sign-in, then from the Profile page. Only ever the caller's own row; audited with before and after.
 */
export async function setPreferences(ctx: ServiceContext, input: Preferences): Promise<Me> {
  const { actor } = ctx;
  await ctx.db.tx(ownScope(actor), async (tx) => {
    const before = (await usersRepo.getPreferences(tx, actor.userId)) ?? null;
    await usersRepo.putPreferences(tx, actor.userId, actor.partyId, input);
    await audit.record(tx, ctx, {
      action: 'user.preferences_changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'user',
      entityId: actor.userId,
      details: { before, after: input },
    });
  });
  return toMe({ ...actor, preferences: input }, ctx.clock.now());
}

/**
 * Re-checks the current password (throttled like a sign-in), applies the password rules, then in one
 * transaction: the new hash, every session of the user ended, a fresh session for this browser, the audit.
 */
export async function changePassword(ctx: ServiceContext, input: { currentPassword: string; newPassword: string }) {
  const { actor } = ctx;
  await confirmPassword(ctx, input.currentPassword);
  const problem =
    (await newPasswordProblem(
      input.newPassword,
      {
        email: actor.email,
        name: actor.displayName,
        company: actor.partyName,
      },
      ctx.config.passwordMinLength,
    )) ?? (input.newPassword === input.currentPassword ? 'Choose a password different from the current one.' : null);
  if (problem) throw passwordRefused(problem);
  const hash = await hashPassword(input.newPassword);
  const session = await ctx.db.tx(ownScope(actor), async (tx) => {
    await usersRepo.setPasswordHash(tx, actor.userId, hash);
    const ended = await sessionsRepo.removeAllForUser(tx, actor.userId);
    const s = await issueSession(ctx, tx, { id: actor.userId, partyId: actor.partyId });
    await audit.record(tx, ctx, {
      action: 'auth.password_changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'user',
      entityId: actor.userId,
      details: { sessionsEnded: ended },
    });
    return s;
  });
  setSessionCookie(ctx, session.token, session.maxAgeMs);
  return { ok: true as const };
}
