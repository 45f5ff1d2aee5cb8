import type { Permission } from '@gatehouse/contract';
import { type AuditEntry, auditRepo, type Tx } from '@gatehouse/db';
import type { Actor } from '../auth/sessions.ts';
import type { Context, ServiceContext } from '../context.ts';

/** An entry as a verb states it: what happened to what. The context fills in who and which request. */
export type VerbEntry = Omit<AuditEntry, 'actorUserId' | 'requestId' | 'ip' | 'userAgent'>;

/**
 * Who an entry is by and which request it came in on. A ServiceContext is one (its actor and request); a
 * job's SystemContext is one with neither; `byUser` makes one for a user who has no session yet.
 */
export interface AuditOrigin {
  actor: Pick<Actor, 'userId'> | null;
  req: { requestId?: string | undefined; ip: string; userAgent?: string | undefined } | null;
}

/**
 * Appends the entry inside the caller's transaction (if the insert fails, the change rolls back): the
 * actor's user id and the request's id, IP and user agent come from `ctx`, so no caller builds them by hand.
 */
export function record(tx: Tx, ctx: AuditOrigin, entry: VerbEntry) {
  const { req } = ctx;
  return auditRepo.record(tx, {
    ...entry,
    actorUserId: ctx.actor?.userId ?? null,
    ...(req ? { requestId: req.requestId, ip: req.ip, userAgent: req.userAgent } : {}),
  });
}

/** The origin of an entry about `userId` in a request before (or without) a session: sign-in, setup, resets. */
export function byUser(req: AuditOrigin['req'], userId: string | null): AuditOrigin {
  return { req, actor: userId === null ? null : { userId } };
}

/**
 * The origin of an entry in a request that has no session: the ERP API (an integration key), a background
 * import or export recorded with the request it started in. `userId`: the user behind it, if any.
 */
export function fromRequest(
  r: { requestId?: string | undefined; ip: string; userAgent?: string | undefined },
  userId: string | null = null,
): AuditOrigin {
  return {
    req: { requestId: r.requestId, ip: r.ip, userAgent: r.userAgent },
    actor: userId === null ? null : { userId },
  };
}

/** The origin of a job's, the mirror's or the ERP API's entries: no user, no browser request. */
export const SYSTEM: AuditOrigin = { actor: null, req: null };

/** A denied call is itself an event: who, which procedure, which permission was missing. */
export async function recordDenial(ctx: ServiceContext, missing: Permission, path: string) {
  const { actor } = ctx;
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, (tx) =>
    record(tx, ctx, {
      action: 'access.denied',
      outcome: 'denied',
      partyId: actor.partyId,
      entityType: 'procedure',
      entityId: path,
      details: { missingPermission: missing },
    }),
  );
}

/** A request from an address an IP allowlist of the user's party or roles does not admit. */
export async function recordIpDenial(ctx: Context, actor: Pick<Actor, 'userId' | 'partyId'>, path: string) {
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, (tx) =>
    record(tx, byUser(ctx.req, actor.userId), {
      action: 'auth.ip_denied',
      outcome: 'denied',
      partyId: actor.partyId,
      entityType: 'procedure',
      entityId: path,
    }),
  );
}
