import { isPermission, type PartyKind, PERMISSIONS_FOR_KIND, type Permission } from '@gatehouse/contract';
import { rolesRepo, sessionsRepo, type Tx } from '@gatehouse/db';
import { record as recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * Roles are data. System admins create custom roles from the catalogue, scoped to a party kind, and mark
 * which customer/supplier roles their admins may delegate. The rules that keep this from becoming an
 * escalation path:
 *  - a role carries only permissions its party kind may hold (PERMISSIONS_FOR_KIND: no cross-party or
 *    internal work in a customer or supplier role);
 *  - an internal role carries only permissions its creator holds, and is never delegable;
 *  - built-in roles keep their permissions (the code defines them); only their name and delegable flag change;
 *  - changing a role's permissions ends the sessions of everyone holding it (a privilege change);
 *  - a role is deleted only when custom and held by nobody.
 */

export async function list(ctx: ServiceContext) {
  const rows = await ctx.db.read(ctx.scope, (tx) => rolesRepo.list(tx));
  // The catalogue is the allowlist: a stored name that is not a permission (there should be none) is dropped.
  return rows.map((r) => ({ ...r, permissions: r.permissions.filter((p): p is Permission => isPermission(p)) }));
}

function checkPermissions(actor: Actor, partyKind: PartyKind, permissions: string[]) {
  const allowed = PERMISSIONS_FOR_KIND[partyKind] as readonly string[];
  const foreign = permissions.filter((p) => !allowed.includes(p));
  if (foreign.length > 0)
    throw invalidField(['permissions'], `A ${partyKind} role cannot carry ${foreign.join(', ')}.`);
  if (partyKind === 'internal') {
    const missing = permissions.filter((p) => !(actor.permissions as ReadonlySet<string>).has(p));
    if (missing.length > 0)
      throw new DomainError(
        'FORBIDDEN',
        `You cannot define an internal role with ${missing.join(', ')}: you do not hold it.`,
      );
  }
}

function checkDelegable(partyKind: PartyKind, delegable: boolean) {
  if (partyKind === 'internal' && delegable) throw invalidField(['delegable'], { key: 'role.neverDelegated' });
}

const audit = (
  ctx: ServiceContext,
  action: 'role.created' | 'role.updated' | 'role.deleted',
  key: string,
  details: Record<string, unknown>,
) => ({
  action,
  outcome: 'success' as const,
  partyId: ctx.actor.partyId,
  entityType: 'role',
  entityId: key,
  details,
});

export async function create(
  ctx: ServiceContext,
  input: { key: string; name: string; partyKind: PartyKind; delegable: boolean; permissions: string[] },
) {
  const { actor } = ctx;
  const permissions = [...new Set(input.permissions)].sort();
  checkPermissions(actor, input.partyKind, permissions);
  checkDelegable(input.partyKind, input.delegable);
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    if (await rolesRepo.getForUpdate(tx, input.key))
      throw new DomainError('CONFLICT', { key: 'role.exists', values: { role: input.key } });
    await rolesRepo.insert(tx, { ...input, permissions });
    await recordAudit(tx, ctx, audit(ctx, 'role.created', input.key, { ...input, permissions }));
  });
  return { ok: true as const };
}

/** Ends every session of every holder of a role, in the transaction that changed it. */
async function endHolderSessions(tx: Tx, roleId: string) {
  let ended = 0;
  for (const h of await rolesRepo.holders(tx, roleId)) ended += await sessionsRepo.removeAllForUser(tx, h.userId);
  return ended;
}

export async function update(
  ctx: ServiceContext,
  input: {
    key: string;
    name?: string | undefined;
    delegable?: boolean | undefined;
    permissions?: string[] | undefined;
  },
) {
  const { actor } = ctx;
  // System scope: the role's holders in every party must lose their sessions with the change.
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    const before = await rolesRepo.getForUpdate(tx, input.key);
    if (!before) throw notFound('That role');
    const permissions = input.permissions ? [...new Set(input.permissions)].sort() : undefined;
    const permissionsChanged = permissions && permissions.join() !== [...before.permissions].sort().join();
    if (permissionsChanged) {
      if (before.builtIn) throw new DomainError('CONFLICT', { key: 'role.builtInFixed' });
      checkPermissions(actor, before.partyKind, permissions);
    }
    if (input.delegable !== undefined) checkDelegable(before.partyKind, input.delegable);
    const change = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.delegable !== undefined ? { delegable: input.delegable } : {}),
      ...(permissionsChanged ? { permissions } : {}),
    };
    if (Object.keys(change).length === 0) return;
    await rolesRepo.update(tx, input.key, change);
    const ended = permissionsChanged ? await endHolderSessions(tx, before.id) : 0;
    await recordAudit(
      tx,
      ctx,
      audit(ctx, 'role.updated', input.key, {
        before: { name: before.name, delegable: before.delegable, permissions: before.permissions },
        after: change,
        sessionsEnded: ended,
      }),
    );
  });
  return { ok: true as const };
}

export async function remove(ctx: ServiceContext, key: string) {
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    const role = await rolesRepo.getForUpdate(tx, key);
    if (!role) throw notFound('That role');
    if (role.builtIn) throw new DomainError('CONFLICT', { key: 'role.builtInDelete' });
    const n = await rolesRepo.holderCount(tx, role.id);
    if (n > 0) throw new DomainError('CONFLICT', { key: 'role.stillHeld', values: { count: n } });
    await rolesRepo.remove(tx, key);
    await recordAudit(tx, ctx, audit(ctx, 'role.deleted', key, { name: role.name }));
  });
  return { ok: true as const };
}
