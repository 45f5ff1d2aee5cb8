import { auditRepo, policiesRepo, type Tx } from '@gatehouse/db';
import { listAdmits } from '../auth/policy.ts';
import type { Actor } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { raiseAlert } from './alerts.ts';
import { requestFields, scopeFor } from './scope.ts';

/**
 * Security policies: per role (system admins) and per party, where a party may only tighten. The
 * effective policy of a user is combined in auth/policy.ts; this is where they are read and changed.
 */

const globalMinutes = (ctx: Context) => ({
  sessionIdleMinutes: Math.round(ctx.sessionPolicy.idleMs / 60_000),
  sessionAbsoluteHours: Math.round(ctx.sessionPolicy.absoluteMs / 3_600_000),
});

export async function get(ctx: Context, actor: Actor, input: { partyId?: string | undefined }) {
  return ctx.db.read(scopeFor(actor), async (tx) => {
    const roles = await policiesRepo.listRoles(tx);
    let party = null;
    if (input.partyId) {
      const p = await policiesRepo.getParty(tx, input.partyId);
      if (!p) throw notFound('That party');
      party = {
        partyId: p.partyId,
        partyName: p.partyName,
        requireTotp: p.requireTotp ? (true as const) : null,
        sessionIdleMinutes: p.sessionIdleMinutes,
        sessionAbsoluteHours: p.sessionAbsoluteHours,
        ipAllowlist: p.ipAllowlist,
      };
    }
    return { global: globalMinutes(ctx), roles, party, yourIp: ctx.req.ip };
  });
}

interface PolicyChange {
  sessionIdleMinutes: number | null;
  sessionAbsoluteHours: number | null;
  ipAllowlist: string[] | null;
  confirmOwnLockout: boolean;
}

/**
 * Saving an allowlist that applies to the admin and does not admit the admin's current address would end
 * the admin's own access on the next request: refused unless confirmed.
 */
function checkOwnLockout(ctx: Context, appliesToCaller: boolean, change: PolicyChange) {
  if (!appliesToCaller || !change.ipAllowlist || change.confirmOwnLockout) return;
  if (listAdmits(change.ipAllowlist, ctx.req.ip)) return;
  throw new DomainError(
    'CONFLICT',
    `This list does not include your current address (${ctx.req.ip}): saving it would lock you out. ` +
      'Add your network, or confirm to save anyway.',
    'own-ip-excluded',
  );
}

function checkList(list: string[] | null) {
  if (list && list.length === 0)
    throw new DomainError('BAD_REQUEST', 'ipAllowlist: an empty list admits nobody; use none (null) for any address.');
}

const dedupe = (list: string[] | null) => (list ? [...new Set(list)] : null);

type PolicyValues = {
  requireTotp: boolean | null;
  sessionIdleMinutes: number | null;
  sessionAbsoluteHours: number | null;
  ipAllowlist: string[] | null;
};

/** What about a policy change loosens it (empty when nothing does). `null` timeouts mean "the global one". */
export function weakenings(before: PolicyValues, after: PolicyValues): string[] {
  const out: string[] = [];
  if (before.requireTotp && !after.requireTotp) out.push('second factor no longer required');
  const longer = (b: number | null, a: number | null) => b !== null && (a === null || a > b);
  if (longer(before.sessionIdleMinutes, after.sessionIdleMinutes)) out.push('longer idle timeout');
  if (longer(before.sessionAbsoluteHours, after.sessionAbsoluteHours)) out.push('longer session lifetime');
  if (before.ipAllowlist && !after.ipAllowlist) out.push('IP allowlist removed');
  else if (before.ipAllowlist && after.ipAllowlist?.some((c) => !before.ipAllowlist?.includes(c)))
    out.push('networks added to the IP allowlist');
  return out;
}

async function alertIfWeakened(
  tx: Tx,
  ctx: Context,
  actor: Actor,
  what: string,
  before: PolicyValues,
  after: PolicyValues,
) {
  const changes = weakenings(before, after);
  if (changes.length === 0) return;
  await raiseAlert(tx, new Date(ctx.clock.now()), {
    rule: 'policy-weakened',
    severity: 'warning',
    title: `Security policy of ${what} weakened by ${actor.email}: ${changes.join(', ')}`,
    details: { policy: what, by: actor.email, changes, before, after },
  });
}

export async function setRole(
  ctx: Context,
  actor: Actor,
  input: PolicyChange & { roleKey: string; requireTotp: boolean },
) {
  checkList(input.ipAllowlist);
  checkOwnLockout(ctx, actor.roles.includes(input.roleKey), input);
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const before = await policiesRepo.getRole(tx, input.roleKey);
    if (!before) throw notFound('That role');
    const after = {
      requireTotp: input.requireTotp,
      sessionIdleMinutes: input.sessionIdleMinutes,
      sessionAbsoluteHours: input.sessionAbsoluteHours,
      ipAllowlist: dedupe(input.ipAllowlist),
    };
    await policiesRepo.setRole(tx, input.roleKey, after);
    const { key: _k, name: _n, partyKind: _p, ...was } = before;
    await alertIfWeakened(tx, ctx, actor, `role ${input.roleKey}`, was, after);
    await auditRepo.record(tx, {
      action: 'policy.role_changed',
      outcome: 'success',
      partyId: actor.partyId,
      actorUserId: actor.userId,
      entityType: 'role',
      entityId: input.roleKey,
      details: { before: was, after },
      ...requestFields(ctx),
    });
  });
  return { ok: true as const };
}

/** A party's policy may only tighten the global one: longer timeouts than the global are refused. */
export async function setParty(
  ctx: Context,
  actor: Actor,
  input: PolicyChange & { partyId: string; requireTotp: true | null },
) {
  checkList(input.ipAllowlist);
  const global = globalMinutes(ctx);
  if (input.sessionIdleMinutes !== null && input.sessionIdleMinutes > global.sessionIdleMinutes)
    throw new DomainError(
      'BAD_REQUEST',
      `sessionIdleMinutes: a party can only tighten the global ${global.sessionIdleMinutes} minutes.`,
    );
  if (input.sessionAbsoluteHours !== null && input.sessionAbsoluteHours > global.sessionAbsoluteHours)
    throw new DomainError(
      'BAD_REQUEST',
      `sessionAbsoluteHours: a party can only tighten the global ${global.sessionAbsoluteHours} hours.`,
    );
  checkOwnLockout(ctx, input.partyId === actor.partyId, input);
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const before = await policiesRepo.getParty(tx, input.partyId, true);
    if (!before) throw notFound('That party');
    const after = {
      requireTotp: input.requireTotp,
      sessionIdleMinutes: input.sessionIdleMinutes,
      sessionAbsoluteHours: input.sessionAbsoluteHours,
      ipAllowlist: dedupe(input.ipAllowlist),
    };
    await policiesRepo.setParty(tx, input.partyId, after);
    const { partyId: _i, partyName: _n, partyKind: _k, ...was } = before;
    await alertIfWeakened(tx, ctx, actor, `account ${before.partyName}`, was, after);
    await auditRepo.record(tx, {
      action: 'policy.party_changed',
      outcome: 'success',
      partyId: input.partyId,
      actorUserId: actor.userId,
      entityType: 'party',
      entityId: input.partyId,
      crossParty: input.partyId !== actor.partyId,
      details: { before: was, after },
      ...requestFields(ctx),
    });
  });
  return { ok: true as const };
}
