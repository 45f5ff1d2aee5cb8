import type { Permission } from '@gatehouse/contract';
import { type AuditEntry, auditRepo, type Tx } from '@gatehouse/db';
import type { Actor } from '../auth/sessions.ts';
import type { Context, ServiceContext } from '../context.ts';
import { requestFields } from '../parties/scope.ts';

/** An entry as a verb states it: what happened to what. The actor and the request fill in the rest. */
export type VerbEntry = Omit<AuditEntry, 'actorUserId' | 'requestId' | 'ip' | 'userAgent'>;

/**
 * Appends the entry for a verb `actor` called in request `ctx`, inside the verb's transaction (if the
 * insert fails, the change rolls back): the actor's user id and the request's id, IP and user agent are
 * filled in here, the same columns every verb used to fill by hand.
 */
export function record(tx: Tx, ctx: Pick<Context, 'req'>, actor: Pick<Actor, 'userId'>, entry: VerbEntry) {
  return auditRepo.record(tx, { ...entry, actorUserId: actor.userId, ...requestFields(ctx) });
}

/** A denied call is itself an event: who, which procedure, which permission was missing. */
export async function recordDenial(ctx: ServiceContext, missing: Permission, path: string) {
  const { actor } = ctx;
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, (tx) =>
    record(tx, ctx, actor, {
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
    record(tx, ctx, actor, {
      action: 'auth.ip_denied',
      outcome: 'denied',
      partyId: actor.partyId,
      entityType: 'procedure',
      entityId: path,
    }),
  );
}
