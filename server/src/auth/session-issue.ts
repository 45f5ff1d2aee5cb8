import { REAUTH_WINDOW_MINUTES } from '@gatehouse/contract';
import { policiesRepo, sessionsRepo, type Tx } from '@gatehouse/db';
import { stringifySetCookie } from 'cookie';
import * as audit from '../audit/audit.ts';
import type { Context, ServiceContext } from '../context.ts';
import { ownScope } from '../parties/scope.ts';
import { effectivePolicy } from './policy.ts';
import { createSession } from './sessions.ts';

/**
 * Issuing session cookies: at sign-in, and when the session id rotates (re-authentication, enrolling a
 * second factor, a password change). One place decides the cookie's name, flags and lifetime.
 */
export function sessionCookieName(ctx: Pick<Context, 'config'>): string {
  return ctx.config.publicOrigin.startsWith('https:') ? '__Host-gh_session' : 'gh_session';
}

/** HttpOnly, SameSite=Lax, Path=/; Secure and the __Host- prefix whenever the portal is served over HTTPS. */
export function setSessionCookie(ctx: Context, token: string, maxAgeMs: number) {
  ctx.req.setCookie(
    stringifySetCookie({
      name: sessionCookieName(ctx),
      value: token,
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      maxAge: Math.floor(maxAgeMs / 1000),
      secure: ctx.config.publicOrigin.startsWith('https:'),
    }),
  );
}

export const clearSessionCookie = (ctx: Context) => setSessionCookie(ctx, '', 0);

/**
 * A new session for `user` inside the caller's transaction, timed by the user's effective policy (read
 * in the same transaction). Returns the token and its lifetime; the caller sets the cookie after commit.
 */
export async function issueSession(ctx: Context, tx: Tx, user: { id: string; partyId: string }) {
  const inputs = await policiesRepo.forUser(tx, user.id);
  if (!inputs) throw new Error('issuing a session for a user the transaction cannot see');
  const policy = effectivePolicy(ctx.sessionPolicy, inputs);
  const session = await createSession(tx, ctx.clock, policy, user, { ip: ctx.req.ip, userAgent: ctx.req.userAgent });
  return { token: session.token, maxAgeMs: policy.absoluteMs };
}

/**
 * Rotates the caller's session id at a privilege change: a new session (password proven now), the old
 * one ended, in the caller's transaction when given. The cookie is replaced once the change commits.
 */
export async function rotateSession(ctx: ServiceContext, tx: Tx) {
  const { actor } = ctx;
  const issued = await issueSession(ctx, tx, { id: actor.userId, partyId: actor.partyId });
  await sessionsRepo.remove(tx, actor.sessionId);
  return () => setSessionCookie(ctx, issued.token, issued.maxAgeMs);
}

/** The password was proven again: a fresh session id, valid for sensitive actions for the next window. */
export async function reauthenticated(ctx: ServiceContext) {
  const { actor } = ctx;
  const setCookie = await ctx.db.tx(ownScope(actor), async (tx) => {
    const set = await rotateSession(ctx, tx);
    await audit.record(tx, ctx, {
      action: 'auth.reauthenticated',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'session',
    });
    return set;
  });
  setCookie();
  return { recentAuthUntil: new Date(ctx.clock.now() + REAUTH_WINDOW_MINUTES * 60_000).toISOString() };
}
