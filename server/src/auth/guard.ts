import type { Permission } from '@gatehouse/contract';
import { recordDenial, recordIpDenial } from '../audit/audit.ts';
import type { Context, ServiceContext } from '../context.ts';
import { rememberUserLocale } from '../errors/i18n.ts';
import { DomainError, ipNotAllowed } from '../errors.ts';
import { ipAllowed } from './policy.ts';
import { type Actor, validateSession } from './sessions.ts';

/**
 * The checks every authenticated call passes, in one place for tRPC procedures and the file routes alike:
 * a live session, an address the user's allowlists admit, the second factor its policy requires, and the
 * permission. `path` names the procedure or route in the audit entry of a denial.
 */
export async function authenticate(ctx: Context, path: string): Promise<Actor> {
  const actor = await currentActor(ctx, path);
  if (!actor) throw new DomainError('UNAUTHORIZED', { key: 'auth.signIn' });
  // Its errors are worded in the user's language from here on (errors/i18n.ts).
  rememberUserLocale(ctx.req, actor.preferences?.locale);
  return actor;
}

/**
 * The caller's live session, or null when there is none (signed out, expired, revoked): the same checks as
 * `authenticate`, for the one question a signed-out visitor may ask (auth.session). An address the
 * allowlists refuse is still refused and audited.
 */
export async function currentActor(ctx: Context, path: string): Promise<Actor | null> {
  const token = ctx.req.sessionToken;
  const actor = token ? await validateSession(ctx.db, ctx.clock, ctx.sessionPolicy, token, ctx.sessionCache) : null;
  if (!actor) return null;
  // The allowlist is checked on every request, not only at sign-in: a session carried to another network stops.
  if (!ipAllowed(actor.policy.allowlists, ctx.req.ip)) {
    await recordIpDenial(ctx, actor, path);
    throw ipNotAllowed(ctx.req.ip);
  }
  return actor;
}

export function requireEnrolled(actor: Actor) {
  if (actor.mustEnrolTotp) {
    throw new DomainError('FORBIDDEN', { key: 'auth.totpRequired' }, 'totp-enrolment-required');
  }
}

/** `perm` among the caller's role permissions; a denial is audited with the missing permission. */
export async function requirePermission(ctx: ServiceContext, perm: Permission, path: string) {
  const { actor } = ctx;
  if (!actor.permissions.has(perm)) {
    await recordDenial(ctx, perm, path);
    throw new DomainError('FORBIDDEN', { key: 'auth.forbidden' });
  }
}
