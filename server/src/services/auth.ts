import { LOGIN_FAILED_MESSAGE, type Me } from '@gatehouse/contract';
import { auditRepo, sessionsRepo, usersRepo } from '@gatehouse/db';
import { stringifySetCookie } from 'cookie';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../auth/password.ts';
import { type Actor, createSession, validateSession } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import { requestFields, SYSTEM_SCOPE } from './scope.ts';

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
export async function login(ctx: Context, input: { email: string; password: string }): Promise<Me> {
  const user = await ctx.db.readOne(SYSTEM_SCOPE, (tx) => usersRepo.findForLogin(tx, input.email));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  const allowed = ok && user?.status === 'active' && user.partyStatus === 'active';
  if (!user || !allowed) {
    await ctx.db.tx(SYSTEM_SCOPE, (tx) =>
      auditRepo.record(tx, {
        action: 'auth.login_failed',
        outcome: 'failure',
        partyId: user?.partyId ?? null,
        actorUserId: user?.id ?? null,
        // The reason stays in the audit trail for investigators; the caller never sees it.
        details: { reason: !user ? 'unknown-email' : !ok ? 'wrong-password' : 'inactive' },
        ...requestFields(ctx),
      }),
    );
    throw new DomainError('UNAUTHORIZED', LOGIN_FAILED_MESSAGE);
  }
  const rehash = user.passwordHash && needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
  const session = await ctx.db.tx({ kind: 'party', partyId: user.partyId }, async (tx) => {
    if (rehash) await usersRepo.setPasswordHash(tx, user.id, rehash);
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
