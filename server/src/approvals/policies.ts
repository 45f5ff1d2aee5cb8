import { AMOUNT_BASED, type ApprovalType, formatMinor, type setApprovalPolicyInput } from '@gatehouse/contract';
import { type approvalsRepo as ApprovalsRepo, approvalsRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { type Person, staffingWorded, type Worded } from './approval-eligibility.ts';

type PolicyLevel = ApprovalsRepo.PolicyLevel;

export const TYPE_NAME: Record<ApprovalType, string> = {
  'bank-details-change': 'Bank-detail change',
  'credit-limit-change': 'Credit-limit change',
  'credit-note': 'Credit note',
  'document-approval': 'Document approval',
};

export const money = (minor: bigint | string, currency: string) => formatMinor(minor, currency);

// ---- policies

/** Checks a policy's levels: roles that may decide, and amount ranges without gaps or overlaps. */
export function policyProblem(
  type: ApprovalType,
  currency: string | null,
  levels: { minMinor: bigint | null; maxMinor: bigint | null; roles: string[]; escalateTo: string[] }[],
  deciders: Set<string>,
): string | null {
  const amountBased = AMOUNT_BASED[type];
  if (amountBased && !currency) return `${TYPE_NAME[type]} policies are per currency: choose one.`;
  if (!amountBased && currency) return `${TYPE_NAME[type]} requests carry no amount: a policy has no currency.`;
  for (const [i, l] of levels.entries()) {
    const n = i + 1;
    const bad = [...l.roles, ...l.escalateTo].filter((r) => !deciders.has(r));
    if (bad.length > 0) return `Level ${n}: ${bad.join(', ')} cannot decide approvals (no approvals:decide).`;
    if (new Set(l.roles).size !== l.roles.length) return `Level ${n} names a role twice.`;
    if (!amountBased) {
      if (l.minMinor !== null || l.maxMinor !== null) return `Level ${n}: ${TYPE_NAME[type]} levels have no amounts.`;
      continue;
    }
    const expectedMin = i === 0 ? 0n : levels[i - 1]?.maxMinor;
    if (l.minMinor === null) return `Level ${n} needs a lower amount.`;
    if (i === 0 && l.minMinor !== 0n) return 'Level 1 must start at 0, so every amount has a level.';
    if (expectedMin === null || expectedMin === undefined)
      return `Level ${i} has no upper amount, so level ${n} can never apply; remove it or give level ${i} an upper amount.`;
    if (l.minMinor > expectedMin) return `There is a gap between level ${i} and level ${n}.`;
    if (l.minMinor < expectedMin) return `Level ${n} overlaps level ${i}.`;
    if (l.maxMinor !== null && l.maxMinor <= l.minMinor) return `Level ${n}: the upper amount must be above the lower.`;
    if (i === levels.length - 1 && l.maxMinor !== null)
      return `The last level must have no upper amount, so every amount has a level.`;
  }
  return null;
}

export async function policies(ctx: ServiceContext) {
  return ctx.db.read(ctx.scope, async (tx) => {
    const rows = await approvalsRepo.policies(tx);
    return {
      policies: rows.map((p) => ({
        ...p,
        type: p.type as ApprovalType,
        levels: p.levels.map(levelOut),
      })),
      deciderRoles: await approvalsRepo.deciderRoles(tx),
    };
  });
}

export function levelOut(l: PolicyLevel, i: number) {
  return {
    level: i + 1,
    minMinor: l.minMinor === null ? null : BigInt(l.minMinor),
    maxMinor: l.maxMinor === null ? null : BigInt(l.maxMinor),
    roles: l.roles,
    approvalsRequired: l.approvalsRequired,
    escalateTo: l.escalateTo,
  };
}

export async function setPolicy(ctx: ServiceContext, input: z.output<typeof setApprovalPolicyInput>) {
  const { actor } = ctx;
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'approval.onlyStaffConfigure' });
  return ctx.db.tx(scope, async (tx) => {
    const deciders = new Set((await approvalsRepo.deciderRoles(tx)).map((r) => r.key));
    const problem = policyProblem(input.type, input.currency, input.levels, deciders);
    if (problem) throw new DomainError('BAD_REQUEST', problem);
    const before = await approvalsRepo.policyFor(tx, input.type, input.currency);
    const levels: PolicyLevel[] = input.levels.map((l) => ({
      minMinor: l.minMinor === null ? null : l.minMinor.toString(),
      maxMinor: l.maxMinor === null ? null : l.maxMinor.toString(),
      roles: l.roles,
      approvalsRequired: l.approvalsRequired,
      escalateTo: l.escalateTo,
    }));
    const version = await approvalsRepo.savePolicy(tx, {
      type: input.type,
      currency: input.currency,
      levels,
      by: actor.userId,
      at: new Date(ctx.clock.now()),
    });
    const warnings = policyWarnings(input.type, input.currency, levels, await approvalsRepo.approvers(tx));
    await audit.record(tx, ctx, {
      action: 'approval_policy.changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'approval_policy',
      entityId: `${input.type}${input.currency ? `:${input.currency}` : ''}`,
      details: {
        before: before?.levels ?? null,
        after: levels,
        version,
        ...(warnings.length ? { warnings: warnings.map((w) => w.message) } : {}),
      },
    });
    return {
      ok: true as const,
      version,
      warnings: warnings.map((w) => w.message),
      warningTexts: warnings.map((w) => w.text),
    };
  });
}

/**
 * What saving a policy warns about: levels nobody (active) could decide with today's approvers and
 * limits, and levels that together need more different people than there are. Amount-based policies are
 * checked per range, at its lowest amount, through every level a request of that range passes.
 */
export function policyWarnings(
  type: ApprovalType,
  currency: string | null,
  levels: PolicyLevel[],
  people: Person[],
): Worded[] {
  const base = { currency, makers: new Set<string>(), decided: new Set<string>(), escalated: false };
  const all = levels.map((l, i) => ({ ...l, level: i + 1, remaining: l.approvalsRequired }));
  if (!AMOUNT_BASED[type] || !currency) return staffingWorded(all, { ...base, amountMinor: null }, people);
  const out: Worded[] = [];
  for (const [i, l] of levels.entries()) {
    const from = BigInt(l.minMinor ?? '0');
    const range =
      l.maxMinor === null
        ? `${money(from, currency)} and above`
        : `${money(from, currency)} to under ${money(BigInt(l.maxMinor), currency)}`;
    // The range rides along as values (fromMinor, toMinor): the SPA words it as admin.approvals.staffing.range*.
    const bounds = { currency, fromMinor: from.toString(), ...(l.maxMinor === null ? {} : { toMinor: l.maxMinor }) };
    for (const p of staffingWorded(all.slice(0, i + 1), { ...base, amountMinor: from }, people))
      if (!out.some((o) => o.message.endsWith(p.message)))
        out.push({
          message: `Requests of ${range}: ${p.message}`,
          text: { key: p.text.key, values: { ...p.text.values, ...bounds } },
        });
  }
  return out;
}

export async function approvers(ctx: ServiceContext) {
  return { items: await ctx.db.read(ctx.scope, (tx) => approvalsRepo.approvers(tx)) };
}

/** Sets (or with null removes) an approver's limit. Never one's own: nobody raises their own authority. */
export async function setLimit(
  ctx: ServiceContext,
  input: { userId: string; currency: string; maxMinor: bigint | null },
) {
  const { actor } = ctx;
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'approval.onlyStaffLimits' });
  if (input.userId === actor.userId) throw new DomainError('FORBIDDEN', { key: 'approval.ownLimit' });
  return ctx.db.tx(scope, async (tx) => {
    const approver = (await approvalsRepo.approvers(tx)).find((a) => a.userId === input.userId);
    if (!approver) throw notFound('That approver');
    const before = approver.limits.find((l) => l.currency === input.currency)?.maxMinor ?? null;
    await approvalsRepo.setLimit(
      tx,
      input.userId,
      input.currency,
      input.maxMinor,
      actor.userId,
      new Date(ctx.clock.now()),
    );
    await audit.record(tx, ctx, {
      action: 'approver_limit.changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'user',
      entityId: input.userId,
      details: {
        currency: input.currency,
        before: before?.toString() ?? null,
        after: input.maxMinor?.toString() ?? null,
      },
    });
    return { ok: true as const };
  });
}

// ---- submitting

/** The levels a request goes through: all of them, or (amount-based) up to the one holding its amount. */
export function levelsNeeded(levels: PolicyLevel[], amountMinor: bigint | null): number {
  if (amountMinor === null) return levels.length;
  const i = levels.findIndex((l) => l.maxMinor === null || amountMinor < BigInt(l.maxMinor));
  return i < 0 ? levels.length : i + 1;
}
