import type { TenantScope } from '@gatehouse/db';
import type { Actor } from '../auth/sessions.ts';
import type { Context } from '../context.ts';

/**
 * The one rule for which rows a caller's transaction may see: its own party, unless it is internal
 * staff holding `parties:cross`, whose context then says so (and only then spans parties).
 * The tenant never comes from request input.
 */
export function scopeFor(actor: Actor): TenantScope {
  if (actor.partyKind === 'internal' && actor.permissions.has('parties:cross')) return { kind: 'all', reason: 'staff' };
  return { kind: 'party', partyId: actor.partyId };
}

/** The caller's own party, whatever else it may see: for what belongs to the user (sessions, password, 2FA). */
export function ownScope(actor: Actor): TenantScope {
  return { kind: 'party', partyId: actor.partyId };
}

export const SYSTEM_SCOPE: TenantScope = { kind: 'all', reason: 'system' };

/** Request fields every audit entry carries. */
export function requestFields(ctx: Pick<Context, 'req'>) {
  return { requestId: ctx.req.requestId, ip: ctx.req.ip, userAgent: ctx.req.userAgent };
}
