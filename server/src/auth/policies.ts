import { type AuditEntry, policiesRepo, type Tx } from '@gatehouse/db';
import { raiseAlert } from '../audit/alerts.ts';
import * as audit from '../audit/audit.ts';
import type { Context, ServiceContext, TxContext } from '../context.ts';
import { DomainError, invalidField, type NotFoundWhat, notFound } from '../errors.ts';
import { listAdmits } from './policy.ts';

/**
 * Security policies: per role (system admins) and per party, where a party may only tighten. The
 * effective policy of a user is combined in auth/policy.ts; this is where they are read and changed.
 */

const globalMinutes = (ctx: Context) => ({
  sessionIdleMinutes: Math.round(ctx.sessionPolicy.idleMs / 60_000),
  sessionAbsoluteHours: Math.round(ctx.sessionPolicy.absoluteMs / 3_600_000),
});

export async function get(ctx: ServiceContext, input: { partyId?: string | undefined }) {
  return ctx.db.read(ctx.scope, async (tx) => {
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
  throw new DomainError('CONFLICT', { key: 'policy.ownIpExcluded', values: { ip: ctx.req.ip } }, 'own-ip-excluded');
}

function checkList(list: string[] | null) {
  if (list && list.length === 0) throw invalidField(['ipAllowlist'], { key: 'policy.emptyList' });
}

const dedupe = (list: string[] | null) => (list ? [...new Set(list)] : null);

type PolicyValues = {
  requireTotp: boolean | null;
  sessionIdleMinutes: number | null;
  sessionAbsoluteHours: number | null;
  ipAllowlist: string[] | null;
};

/** Each way a policy change can loosen it, by code (the SPA words it as admin.alert.change.<code>). */
const WEAKENING = {
  'totp-dropped': 'second factor no longer required',
  'idle-longer': 'longer idle timeout',
  'lifetime-longer': 'longer session lifetime',
  'allowlist-removed': 'IP allowlist removed',
  'networks-added': 'networks added to the IP allowlist',
} as const;
type Weakening = keyof typeof WEAKENING;

/** What about a policy change loosens it, as codes (empty when nothing does). `null` timeouts mean "the global one". */
function weakeningCodes(before: PolicyValues, after: PolicyValues): Weakening[] {
  const out: Weakening[] = [];
  if (before.requireTotp && !after.requireTotp) out.push('totp-dropped');
  const longer = (b: number | null, a: number | null) => b !== null && (a === null || a > b);
  if (longer(before.sessionIdleMinutes, after.sessionIdleMinutes)) out.push('idle-longer');
  if (longer(before.sessionAbsoluteHours, after.sessionAbsoluteHours)) out.push('lifetime-longer');
  if (before.ipAllowlist && !after.ipAllowlist) out.push('allowlist-removed');
  else if (before.ipAllowlist && after.ipAllowlist?.some((c) => !before.ipAllowlist?.includes(c)))
    out.push('networks-added');
  return out;
}

/** What about a policy change loosens it, in English (empty when nothing does). */
export function weakenings(before: PolicyValues, after: PolicyValues): string[] {
  return weakeningCodes(before, after).map((code) => WEAKENING[code]);
}

type PolicyTarget = { label: string; kind: 'role' | 'account'; name: string; values: PolicyValues };

async function alertIfWeakened(ctx: TxContext, target: PolicyTarget, after: PolicyValues) {
  const { tx, actor } = ctx;
  const codes = weakeningCodes(target.values, after);
  if (codes.length === 0) return;
  const changes = codes.map((code) => WEAKENING[code]);
  const what = target.label;
  await raiseAlert(tx, new Date(ctx.clock.now()), {
    rule: 'policy-weakened',
    severity: 'warning',
    mail: { key: 'alert.policy_weakened', values: { policy: what, by: actor.email, changes: changes.join(', ') } },
    text: { key: `policy-weakened.${target.kind}`, values: { name: target.name, by: actor.email, changes: codes } },
    details: { policy: what, by: actor.email, changes, before: target.values, after },
  });
}

/**
 * The one path by which a policy changes, for roles and parties alike: the list checked, the lock-out
 * guard, then in one transaction the row locked and read, the new values written, an alert if anything
 * loosened, and the audit entry with before and after.
 */
async function savePolicy<T extends PolicyValues>(
  ctx: ServiceContext,
  input: PolicyChange & { requireTotp: T['requireTotp'] },
  target: {
    appliesToCaller: boolean;
    load: (tx: Tx) => Promise<PolicyTarget | undefined>;
    save: (tx: Tx, values: PolicyValues & { requireTotp: T['requireTotp'] }) => Promise<void>;
    audit: Pick<AuditEntry, 'action' | 'partyId' | 'entityType' | 'entityId' | 'crossParty'>;
    missing: NotFoundWhat;
  },
) {
  checkList(input.ipAllowlist);
  checkOwnLockout(ctx, target.appliesToCaller, input);
  await ctx.db.tx(ctx.scope, async (tx) => {
    const before = await target.load(tx);
    if (!before) throw notFound(target.missing);
    const after = {
      requireTotp: input.requireTotp,
      sessionIdleMinutes: input.sessionIdleMinutes,
      sessionAbsoluteHours: input.sessionAbsoluteHours,
      ipAllowlist: dedupe(input.ipAllowlist),
    };
    await target.save(tx, after);
    await alertIfWeakened({ ...ctx, tx }, before, after);
    await audit.record(tx, ctx, {
      ...target.audit,
      outcome: 'success',
      details: { before: before.values, after },
    });
  });
  return { ok: true as const };
}

const valuesOf = (row: PolicyValues): PolicyValues => ({
  requireTotp: row.requireTotp,
  sessionIdleMinutes: row.sessionIdleMinutes,
  sessionAbsoluteHours: row.sessionAbsoluteHours,
  ipAllowlist: row.ipAllowlist,
});

export function setRole(ctx: ServiceContext, input: PolicyChange & { roleKey: string; requireTotp: boolean }) {
  const { actor } = ctx;
  return savePolicy(ctx, input, {
    appliesToCaller: actor.roles.includes(input.roleKey),
    load: async (tx) => {
      const row = await policiesRepo.getRole(tx, input.roleKey);
      return row && { label: `role ${input.roleKey}`, kind: 'role', name: input.roleKey, values: valuesOf(row) };
    },
    save: (tx, values) =>
      policiesRepo.setRole(tx, input.roleKey, { ...values, requireTotp: values.requireTotp === true }),
    audit: { action: 'policy.role_changed', partyId: actor.partyId, entityType: 'role', entityId: input.roleKey },
    missing: 'That role',
  });
}

/** A party's policy may only tighten the global one: longer timeouts than the global are refused. */
export function setParty(ctx: ServiceContext, input: PolicyChange & { partyId: string; requireTotp: true | null }) {
  const { actor } = ctx;
  const global = globalMinutes(ctx);
  if (input.sessionIdleMinutes !== null && input.sessionIdleMinutes > global.sessionIdleMinutes)
    throw invalidField(['sessionIdleMinutes'], {
      key: 'policy.tightenIdle',
      values: { minutes: String(global.sessionIdleMinutes) },
    });
  if (input.sessionAbsoluteHours !== null && input.sessionAbsoluteHours > global.sessionAbsoluteHours)
    throw invalidField(['sessionAbsoluteHours'], {
      key: 'policy.tightenAbsolute',
      values: { hours: String(global.sessionAbsoluteHours) },
    });
  return savePolicy(ctx, input, {
    appliesToCaller: input.partyId === actor.partyId,
    load: async (tx) => {
      const row = await policiesRepo.getParty(tx, input.partyId, true);
      return row && { label: `account ${row.partyName}`, kind: 'account', name: row.partyName, values: valuesOf(row) };
    },
    save: (tx, values) =>
      policiesRepo.setParty(tx, input.partyId, { ...values, requireTotp: values.requireTotp ? true : null }),
    audit: {
      action: 'policy.party_changed',
      partyId: input.partyId,
      entityType: 'party',
      entityId: input.partyId,
      crossParty: input.partyId !== actor.partyId,
    },
    missing: 'That party',
  });
}
