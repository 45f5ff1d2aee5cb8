import type { Permission } from '@gatehouse/contract';
import { auditRepo } from '@gatehouse/db';
import type { Actor } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { requestFields } from '../parties/scope.ts';

/** A denied call is itself an event: who, which procedure, which permission was missing. */
export async function recordDenial(ctx: Context, actor: Actor, missing: Permission, path: string) {
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, (tx) =>
    auditRepo.record(tx, {
      action: 'access.denied',
      outcome: 'denied',
      partyId: actor.partyId,
      actorUserId: actor.userId,
      entityType: 'procedure',
      entityId: path,
      details: { missingPermission: missing },
      ...requestFields(ctx),
    }),
  );
}

/** A request from an address an IP allowlist of the user's party or roles does not admit. */
export async function recordIpDenial(ctx: Context, actor: Pick<Actor, 'userId' | 'partyId'>, path: string) {
  await ctx.db.tx({ kind: 'party', partyId: actor.partyId }, (tx) =>
    auditRepo.record(tx, {
      action: 'auth.ip_denied',
      outcome: 'denied',
      partyId: actor.partyId,
      actorUserId: actor.userId,
      entityType: 'procedure',
      entityId: path,
      ...requestFields(ctx),
    }),
  );
}
