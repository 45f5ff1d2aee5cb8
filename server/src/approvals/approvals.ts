import {
  AMOUNT_BASED,
  type ApprovalType,
  type approvalsListInput,
  formatMinor,
  type setApprovalPolicyInput,
} from '@gatehouse/contract';
import {
  type approvalsRepo as ApprovalsRepo,
  alertsRepo,
  approvalsRepo,
  changeRequestsRepo,
  type Database,
  mailRepo,
  partiesRepo,
  type Tx,
  usersRepo,
} from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { Actor, Clock } from '../auth/sessions.ts';
import type { ServiceContext, TxContext } from '../context.ts';
import { DomainError, isUniqueViolation, notFound } from '../errors.ts';
import { mintLink } from '../files/links.ts';
import * as outbox from '../integration/outbox.ts';
import { maskedBankDetails } from '../parties/bank.ts';
import { requestFields, SYSTEM_SCOPE } from '../parties/scope.ts';
import { type NotifyEnv, notify } from '../users/notifications.ts';
import {
  type Case,
  DECIDING_STEPS,
  eligibility,
  makersOf,
  type Person,
  staffingProblems,
  whyNotForYou,
} from './approval-eligibility.ts';

/**
 * Approval workflows. A request snapshots its policy's levels when it is submitted and walks them in
 * order (amount-based types: from level 1 up to the level whose range holds the amount). Every decision
 * is made on the version the approver saw, under a row lock: two approvers at once give one outcome and
 * one CONFLICT. The rules below cannot be configured away: the maker (submitter or last editor) never
 * decides; nobody decides twice in a round (also a unique index); only the level's roles decide (or its
 * escalation roles once it has waited too long); an amount above the approver's own limit is refused.
 * Final approval applies the held change in the same transaction as the last decision.
 */

type PolicyLevel = ApprovalsRepo.PolicyLevel;
type Rule = ApprovalsRepo.Rule;
type RequestRow = ApprovalsRepo.RequestRow;

const TYPE_NAME: Record<ApprovalType, string> = {
  'bank-details-change': 'Bank-detail change',
  'credit-limit-change': 'Credit-limit change',
  'credit-note': 'Credit note',
  'document-approval': 'Document approval',
};

const money = (minor: bigint | string, currency: string) => formatMinor(minor, currency);

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

function levelOut(l: PolicyLevel, i: number) {
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
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', 'Only internal staff configure approvals.');
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
      details: { before: before?.levels ?? null, after: levels, version, ...(warnings.length ? { warnings } : {}) },
    });
    return { ok: true as const, version, warnings };
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
): string[] {
  const base = { currency, makers: new Set<string>(), decided: new Set<string>(), escalated: false };
  const all = levels.map((l, i) => ({ ...l, level: i + 1, remaining: l.approvalsRequired }));
  if (!AMOUNT_BASED[type] || !currency) return staffingProblems(all, { ...base, amountMinor: null }, people);
  const out: string[] = [];
  for (const [i, l] of levels.entries()) {
    const from = BigInt(l.minMinor ?? '0');
    const range =
      l.maxMinor === null
        ? `${money(from, currency)} and above`
        : `${money(from, currency)} to under ${money(BigInt(l.maxMinor), currency)}`;
    for (const p of staffingProblems(all.slice(0, i + 1), { ...base, amountMinor: from }, people))
      if (!out.some((o) => o.endsWith(p))) out.push(`Requests of ${range}: ${p}`);
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
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', 'Only internal staff set approval limits.');
  if (input.userId === actor.userId) throw new DomainError('FORBIDDEN', 'You cannot set your own approval limit.');
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

export interface Submission {
  type: ApprovalType;
  partyId: string;
  title: string;
  amountMinor: bigint | null;
  currency: string | null;
  payload: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  subject?: { type: string; id: string };
  submittedBy: string;
  /** Request fields for the audit entry (absent for jobs). */
  request?: ReturnType<typeof requestFields>;
}

/**
 * Submits inside the caller's transaction (which must see the policy and may write the party's rows):
 * snapshots the rule, writes the request, its first step and the audit entry, and tells level 1.
 */
export async function submitInTx(tx: Tx, now: Date, s: Submission, env: NotifyEnv) {
  const policy = await approvalsRepo.policyFor(tx, s.type, AMOUNT_BASED[s.type] ? s.currency : null);
  if (!policy)
    throw new DomainError(
      'CONFLICT',
      `No approval policy is configured for ${TYPE_NAME[s.type].toLowerCase()}s${s.currency ? ` in ${s.currency}` : ''}; a system admin must set one first.`,
    );
  const levels = policy.levels;
  const rule: Rule = { policyVersion: policy.version, levels, needed: levelsNeeded(levels, s.amountMinor) };
  const id = await approvalsRepo.insert(tx, {
    partyId: s.partyId,
    type: s.type,
    title: s.title,
    amountMinor: s.amountMinor,
    currency: s.currency,
    rule,
    payload: s.payload,
    previous: s.previous,
    subjectType: s.subject?.type ?? null,
    subjectId: s.subject?.id ?? null,
    submittedBy: s.submittedBy,
    submittedAt: now,
    lastEditedBy: s.submittedBy,
    levelSince: now,
  });
  await approvalsRepo.insertStep(tx, {
    partyId: s.partyId,
    requestId: id,
    round: 1,
    level: 1,
    decision: 'submitted',
    decidedBy: s.submittedBy,
    at: now,
  });
  await audit.record(tx, audit.byUser(null, s.submittedBy), {
    action: 'approval.submitted',
    outcome: 'success',
    partyId: s.partyId,
    entityType: 'approval_request',
    entityId: id,
    details: {
      type: s.type,
      title: s.title,
      amountMinor: s.amountMinor?.toString() ?? null,
      currency: s.currency,
      policyVersion: policy.version,
      levels: rule.needed,
    },
    ...(s.request ?? {}),
  });
  // Approvers are internal users: a party-scoped transaction cannot see them (RLS), so its caller
  // notifies after commit (notifySubmitted) under the system scope.
  if (tx.scope.kind === 'all')
    await notifyLevel(tx, { id, title: s.title, rule, currentLevel: 1 }, env, 'waits for your decision');
  return id;
}

/**
 * Tells level 1 of a request submitted from a party-scoped transaction (after it committed). Its
 * submitter is a customer or supplier, who is not told about the portal's staffing; when nobody could
 * decide a level, the system admins (who fix roles and limits) are told instead.
 */
export async function notifySubmitted(db: Database, id: string, env: NotifyEnv) {
  await db.tx(SYSTEM_SCOPE, async (tx) => {
    const r = await approvalsRepo.get(tx, id);
    if (!r) return;
    await notifyLevel(
      tx,
      { id, title: r.title, rule: r.rule, currentLevel: r.currentLevel },
      env,
      'waits for your decision',
    );
    const warnings = await staffing(tx, r, await approvalsRepo.steps(tx, r.partyId, r.id));
    if (warnings.length === 0) return;
    for (const to of await alertsRepo.systemAdminEmails(tx))
      await mailRepo.enqueue(tx, {
        to,
        kind: 'approval-unstaffed',
        subject: `Approval: nobody can complete ${r.title}`,
        bodyText: [
          `${r.title} (from ${r.partyName}) waits for approval, but with today's approvers and limits it can never complete:`,
          '',
          ...warnings.map((w) => `- ${w}`),
          '',
          'Give the deciding roles to more people (Users) or set approver limits (Approval policies).',
          `Open it in Gatehouse: ${env.config.publicOrigin}/approvals/${r.id}`,
        ].join('\n'),
      });
  });
}

/** Tells the deciding roles of the request's current level (or `roles`) that it waits: through notify. */
async function notifyLevel(
  tx: Tx,
  r: { id: string; title: string; rule: Rule; currentLevel: number },
  env: NotifyEnv,
  what: string,
  roles?: string[],
) {
  const level = r.rule.levels[r.currentLevel - 1];
  await notify(env, tx, {
    type: 'approval.waiting',
    partyId: 'staff',
    to: { roles: roles ?? level?.roles ?? [] },
    title: `Approval: ${r.title} ${what}`,
    body: `${r.title} ${what} (level ${r.currentLevel} of ${r.rule.needed}).`,
    link: `/approvals/${r.id}`,
    mailKind: 'approval-waiting',
  });
}

/** Staff submit credit-limit changes and credit notes for a customer. */
export async function submit(
  ctx: ServiceContext,
  input: {
    type: 'credit-limit-change' | 'credit-note';
    partyId: string;
    currency: string;
    amountMinor: bigint;
    reason: string;
    invoiceNumber?: string | undefined;
  },
) {
  const { actor } = ctx;
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', 'Only internal staff submit these requests.');
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(scope, async (tx) => {
    const party = await partiesRepo.get(tx, input.partyId);
    if (party?.kind !== 'customer') throw notFound('That customer');
    const amount = money(input.amountMinor, input.currency);
    const title =
      input.type === 'credit-limit-change'
        ? `Credit limit of ${party.name} to ${amount}`
        : `Credit note of ${amount} for ${party.name}${input.invoiceNumber ? ` (invoice ${input.invoiceNumber})` : ''}`;
    const previous =
      input.type === 'credit-limit-change' && party.creditLimitMinor !== null
        ? { creditLimitMinor: party.creditLimitMinor.toString(), currency: party.creditCurrency }
        : null;
    const id = await submitInTx(
      tx,
      now,
      {
        type: input.type,
        partyId: party.id,
        title,
        amountMinor: input.amountMinor,
        currency: input.currency,
        payload: {
          amountMinor: input.amountMinor.toString(),
          currency: input.currency,
          reason: input.reason,
          ...(input.invoiceNumber ? { invoiceNumber: input.invoiceNumber } : {}),
        },
        previous,
        submittedBy: actor.userId,
        request: requestFields(ctx),
      },
      ctx,
    );
    // Submitted all the same (staff may fix the staffing next), but the submitter is told at once.
    const r = await approvalsRepo.get(tx, id);
    return { id, warnings: r ? await staffing(tx, r, await approvalsRepo.steps(tx, r.partyId, id)) : [] };
  });
  ctx.mail.kick();
  return out;
}

// ---- reading

type FullRequest = NonNullable<Awaited<ReturnType<typeof approvalsRepo.get>>>;
type Headless<T> = Omit<T, 'payload' | 'previous'>;

function present(r: Headless<FullRequest>) {
  const rule = r.rule;
  return {
    id: r.id,
    type: r.type as ApprovalType,
    partyId: r.partyId,
    partyName: r.partyName,
    title: r.title,
    amountMinor: r.amountMinor,
    currency: r.currency,
    status: r.status,
    currentLevel: r.currentLevel,
    levels: rule.needed,
    submittedBy: r.submittedBy ?? 'Former user',
    submittedAt: r.submittedAt,
    waitingSince: r.levelSince,
    version: r.version,
  };
}

/**
 * The inbox. View 'mine': every pending request whose current level one of my roles decides (or decides
 * once escalated), each saying whether I may decide it now or why not (the same check decide() makes).
 */
export async function list(ctx: ServiceContext, input: z.output<typeof approvalsListInput>) {
  const { actor } = ctx;
  const escalateHours = ctx.config.approvals.escalateHours;
  if (input.view !== 'mine') {
    // One statement, one round trip: the list page's hot path.
    const page = await ctx.db.readOne(ctx.scope, (tx) => approvalsRepo.list(tx, input));
    return {
      ...page,
      items: page.items.map((r) => ({ ...present(r), canDecide: null })),
    };
  }
  return ctx.db.read(ctx.scope, async (tx) => {
    const page = await approvalsRepo.list(tx, {
      ...input,
      waitingFor: { userId: actor.userId, roleKeys: actor.roles },
    });
    const steps = await approvalsRepo.stepsOf(
      tx,
      page.items.map((r) => r.id),
    );
    const limits = await approvalsRepo.limitsOf(tx, actor.userId);
    return {
      ...page,
      items: page.items.map((r) => {
        const can = decideCheck(
          r,
          steps.filter((s) => s.requestId === r.id),
          actor,
          limits,
          escalateHours,
        );
        return {
          ...present(r),
          canDecide: { allowed: can.why === null, why: can.why },
        };
      }),
    };
  });
}

/** A request as the checks read it: never its held change (the inbox list does not load it). */
type AnyRequest = Headless<RequestRow> | Headless<FullRequest>;
type StepRow = { round: number; level: number; decision: string; decidedById: string | null };

/**
 * The request as eligibility sees it (approval-eligibility.ts). Makers: makersOf, the segregation-of-duties
 * rule. Decided: whoever decided in this round, at any level.
 */
function caseOf(r: AnyRequest, steps: readonly StepRow[]): Case {
  const submittedBy = 'submittedById' in r ? r.submittedById : r.submittedBy;
  const makers = makersOf({ submittedBy, lastEditedBy: r.lastEditedBy }, steps);
  const decided = new Set<string>();
  for (const s of steps)
    if (s.round === r.round && s.decidedById && DECIDING_STEPS.includes(s.decision)) decided.add(s.decidedById);
  return {
    amountMinor: r.amountMinor,
    currency: r.currency,
    makers,
    decided,
    escalated: r.escalatedAt !== null && r.escalatedAt >= r.levelSince,
  };
}

/**
 * Whether `actor` may decide `r` now, and if not, why: the checks decide() makes, and the inbox and the
 * request page show. `limits`: the actor's approval limits (those in the request's currency suffice).
 */
function decideCheck(
  r: AnyRequest,
  steps: readonly StepRow[],
  actor: Actor,
  limits: Person['limits'],
  escalateHours: number,
):
  | { why: null; role: string; limit: { currency: string; maxMinor: bigint } | null; code?: undefined }
  | { why: string; code?: 'FORBIDDEN' | 'CONFLICT' } {
  if (r.status !== 'pending') return { why: `This request is ${r.status}.` };
  const c = caseOf(r, steps);
  const level = r.rule.levels[r.currentLevel - 1] as PolicyLevel;
  const me: Person = { userId: actor.userId, roles: actor.roles, limits };
  if (c.makers.has(actor.userId) || actor.permissions.has('approvals:decide')) {
    const e = eligibility(me, level, c);
    if (e.ok) return { why: null, role: e.role, limit: e.limit };
    const out = whyNotForYou(e.why, { level: r.currentLevel, amountMinor: r.amountMinor, escalateHours });
    return { why: out.message, code: out.code };
  }
  return { why: 'You do not have permission to decide approvals.', code: 'FORBIDDEN' };
}

async function whyNot(tx: Tx, r: AnyRequest, actor: Actor, escalateHours: number) {
  const steps = await approvalsRepo.steps(tx, r.partyId, r.id);
  const limit = r.currency ? await approvalsRepo.limitOf(tx, actor.userId, r.currency) : undefined;
  const limits = limit !== undefined && r.currency ? [{ currency: r.currency, maxMinor: limit }] : [];
  return decideCheck(r, steps, actor, limits, escalateHours);
}

/**
 * Why the levels still ahead of a pending request can never all be decided by the approvers there are
 * (nobody holds the role, no limit in the currency or none high enough, too few different people once
 * the maker and earlier deciders are left out); empty when they can. Needs an all-parties transaction
 * (approvers are internal users).
 */
async function staffing(tx: Tx, r: AnyRequest, steps: readonly StepRow[]): Promise<string[]> {
  if (r.status !== 'pending' || tx.scope.kind !== 'all') return [];
  const rule = r.rule;
  const given = steps.filter(
    (s) => s.round === r.round && s.level === r.currentLevel && s.decision === 'approve',
  ).length;
  const levels = rule.levels.slice(r.currentLevel - 1, rule.needed).map((l, i) => ({
    ...l,
    level: r.currentLevel + i,
    remaining: i === 0 ? l.approvalsRequired - given : l.approvalsRequired,
  }));
  return staffingProblems(levels, caseOf(r, steps), await approvalsRepo.approvers(tx));
}

export async function get(ctx: ServiceContext, id: string) {
  const { actor } = ctx;
  const out = await ctx.db.read(ctx.scope, async (tx) => {
    const r = await approvalsRepo.get(tx, id);
    if (!r) return undefined;
    const steps = await approvalsRepo.steps(tx, r.partyId, r.id);
    const can = await whyNot(tx, r, actor, ctx.config.approvals.escalateHours);
    const of = await approvalsRepo.subjectOf(tx, r.id);
    const subject = of?.type === 'change_request' && of.id ? await changeRequestsRepo.get(tx, of.id) : undefined;
    return { r, steps, can, warnings: await staffing(tx, r, steps), attachments: subject?.attachments ?? [] };
  });
  if (!out) throw notFound('That approval request');
  const { r, steps, can, warnings, attachments } = out;
  const rule = r.rule;
  return {
    ...present(r),
    rule: { policyVersion: rule.policyVersion, levels: rule.levels.slice(0, rule.needed).map(levelOut) },
    payload: r.payload,
    previous: r.previous,
    round: r.round,
    steps: steps.map((s) => ({
      level: s.level,
      round: s.round,
      decision: s.decision as never,
      by: s.by,
      at: s.at,
      reason: s.reason,
      limit: s.limitCurrency && s.limitMinor !== null ? { currency: s.limitCurrency, maxMinor: s.limitMinor } : null,
      role: s.role,
    })),
    canDecide: { allowed: can.why === null, why: can.why },
    staffing: warnings,
    attachments,
  };
}

// ---- deciding

/** Bank details compared as stored: keys sorted, absent and null the same. */
function canonicalBank(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== null && o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalBank(o[k])}`)
    .join(',')}}`;
}

/**
 * A bank-detail change is approved against the details it was requested over. If the ERP (the system of
 * record) changed them meanwhile, the request is stale: approving it would silently overwrite the ERP's
 * new details, so approval is refused until the supplier submits the change again over the current ones.
 * Rejecting or sending it back stays possible.
 */
async function assertBankBaselineCurrent(tx: Tx, r: RequestRow) {
  if (r.type !== 'bank-details-change' || r.subjectType !== 'change_request' || !r.subjectId) return;
  const cr = await changeRequestsRepo.getForUpdate(tx, r.subjectId);
  if (!cr) return;
  const current = await changeRequestsRepo.masterData(tx, r.partyId);
  if (canonicalBank(current?.bankDetails ?? null) !== canonicalBank(cr.previous ?? null))
    throw new DomainError(
      'CONFLICT',
      'The ERP changed this supplier’s bank details after the request was made, so this request is stale: approving it would overwrite them unseen. Reject it or send it back so the supplier submits the change again.',
    );
}

/** What final approval or rejection does to the thing the request holds. */
async function settle(tx: Tx, r: RequestRow, outcome: 'approved' | 'rejected' | 'withdrawn', by: string, now: Date) {
  const { payload } = r;
  if (r.type === 'bank-details-change' && r.subjectType === 'change_request' && r.subjectId) {
    await changeRequestsRepo.close(tx, r.subjectId, {
      status: outcome === 'approved' ? 'accepted' : outcome,
      decidedBy: by,
      at: now,
      reason: null,
    });
    if (outcome === 'approved') {
      // submit() always holds the details; without them the echo row below could not be written either.
      const { bankDetails } = payload;
      if (!bankDetails) throw new Error(`approval ${r.id} holds no bank details`);
      const before = await changeRequestsRepo.masterData(tx, r.partyId);
      await changeRequestsRepo.applyMasterData(tx, r.partyId, { bankDetails }, now, r.subjectId);
      // Thin event: the ERP learns that the bank details changed, never the details themselves.
      await outbox.record(tx, now, {
        type: 'party.bank_details_changed',
        partyId: r.partyId,
        subject: { approvalRequestId: r.id, changeRequestId: r.subjectId },
        echo: { field: 'bank_details', value: bankDetails, previous: before?.bankDetails ?? null },
      });
    }
  }
  if (r.type === 'credit-limit-change' && outcome === 'approved') {
    const limit = { currency: String(payload.currency), amountMinor: String(payload.amountMinor) };
    const before = await approvalsRepo.setCreditLimit(tx, r.partyId, limit.currency, BigInt(limit.amountMinor));
    await outbox.record(tx, now, {
      type: 'party.credit_limit_changed',
      partyId: r.partyId,
      subject: { approvalRequestId: r.id },
      payload: limit,
      echo: { field: 'credit_limit', value: limit, previous: before },
    });
  }
  // Credit notes change nothing here: the ERP learns of an approved one from the feed and issues it.
  if (r.type === 'credit-note' && outcome === 'approved')
    await outbox.record(tx, now, {
      type: 'credit_note.approved',
      partyId: r.partyId,
      subject: { approvalRequestId: r.id },
      payload: { ...payload, amountMinor: String(payload.amountMinor) },
    });
}

export async function decide(
  ctx: ServiceContext,
  input: {
    id: string;
    version: number;
    decision: 'approve' | 'reject' | 'request-changes';
    reason?: string | undefined;
  },
) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    const r = await approvalsRepo.getForUpdate(tx, input.id);
    if (!r) throw notFound('That approval request');
    if (r.status !== 'pending') throw new DomainError('CONFLICT', `This request was already ${r.status}.`);
    if (r.version !== input.version)
      throw new DomainError('CONFLICT', 'Someone decided or changed this request since you opened it; reload it.');
    const can = await whyNot(tx, r, actor, ctx.config.approvals.escalateHours);
    if (can.why !== null) throw new DomainError(can.code ?? 'FORBIDDEN', can.why);
    if (input.decision === 'approve') await assertBankBaselineCurrent(tx, r);
    const rule = r.rule;
    const level = rule.levels[r.currentLevel - 1] as PolicyLevel;
    const reason = input.reason?.trim() || null;
    await approvalsRepo
      .insertStep(tx, {
        partyId: r.partyId,
        requestId: r.id,
        round: r.round,
        level: r.currentLevel,
        decision: input.decision,
        decidedBy: actor.userId,
        at: now,
        reason,
        limitCurrency: can.limit?.currency ?? null,
        limitMinor: can.limit?.maxMinor ?? null,
        role: can.role ?? null,
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw new DomainError('CONFLICT', 'You already decided this request.');
        throw e;
      });
    let status: RequestRow['status'] = 'pending';
    let next = r.currentLevel;
    if (input.decision === 'approve') {
      const approvals = (await approvalsRepo.steps(tx, r.partyId, r.id)).filter(
        (s) => s.round === r.round && s.level === r.currentLevel && s.decision === 'approve',
      ).length;
      if (approvals >= level.approvalsRequired) {
        if (r.currentLevel >= rule.needed) status = 'approved';
        else next = r.currentLevel + 1;
      }
    } else status = input.decision === 'reject' ? 'rejected' : 'changes-requested';
    await approvalsRepo.update(tx, r.id, {
      status,
      currentLevel: next,
      ...(next !== r.currentLevel ? { levelSince: now, remindedAt: null, escalatedAt: null } : {}),
      ...(status === 'approved' || status === 'rejected' ? { decidedAt: now } : {}),
    });
    const base = {
      outcome: 'success' as const,
      partyId: r.partyId,
      entityType: 'approval_request',
      entityId: r.id,
      crossParty: r.partyId !== actor.partyId,
    };
    const details = {
      level: r.currentLevel,
      round: r.round,
      role: can.role,
      limit: can.limit ? { currency: can.limit.currency, maxMinor: can.limit.maxMinor.toString() } : null,
      amountMinor: r.amountMinor?.toString() ?? null,
      reason,
      before: { status: r.status, level: r.currentLevel },
      after: { status, level: next },
    };
    const action =
      input.decision === 'approve'
        ? ('approval.approved' as const)
        : input.decision === 'reject'
          ? ('approval.rejected' as const)
          : ('approval.changes_requested' as const);
    await audit.record(tx, ctx, { ...base, action, details });
    if (status === 'approved' || status === 'rejected') {
      await settle(tx, r, status, actor.userId, now);
      if (status === 'approved')
        await audit.record(tx, ctx, {
          ...base,
          action: 'approval.applied',
          details: { type: r.type, payload: auditPayload(r) },
        });
    }
    if (next !== r.currentLevel) await notifyLevel(tx, { ...r, currentLevel: next }, ctx, 'waits for your decision');
    if (status !== 'pending') {
      const to = await usersRepo.activeEmail(tx, r.lastEditedBy);
      if (to)
        await mailRepo.enqueue(tx, {
          to,
          kind: 'approval-decided',
          subject: `${r.title}: ${status.replace('-', ' ')}`,
          bodyText: [`${r.title} was ${status.replace('-', ' ')}.`, ...(reason ? ['', `Reason: ${reason}`] : [])].join(
            '\n',
          ),
        });
    }
    return { ok: true as const, status, currentLevel: next };
  });
  ctx.mail.kick();
  return out;
}

/** A link to a file attached to the request's subject (a bank letter), for whoever may read the request. */
export async function attachmentLink(ctx: ServiceContext, id: string, attachmentId: string) {
  const ok = await ctx.db.read(ctx.scope, async (tx) => {
    const of = await approvalsRepo.subjectOf(tx, id);
    const file = await changeRequestsRepo.attachment(tx, attachmentId);
    return !!of && !!file && of.type === 'change_request' && of.id === file.changeRequestId;
  });
  if (!ok) throw notFound('That file');
  return mintLink(ctx, 'change-request-attachment', attachmentId);
}

/** Bank details are masked in the audit trail, like change requests' entries. */
function auditPayload(r: RequestRow) {
  const p = r.payload;
  if (r.type !== 'bank-details-change') return p;
  return maskedBankDetails(p.bankDetails) ?? {};
}

/**
 * The maker (or another editor allowed for the type) corrects a request sent back for changes: it starts
 * a new round at level 1 and the editor becomes its maker for segregation of duties.
 */
export async function resubmitInTx(
  ctx: TxContext,
  input: {
    id: string;
    version: number;
    payload: Record<string, unknown>;
    amountMinor?: bigint | null;
    reason?: string | null;
    title?: string;
    /** What changed, for the audit entry (bank details masked by the caller). */
    changes?: { before: unknown; after: unknown };
  },
) {
  const { tx, actor } = ctx;
  const now = new Date(ctx.clock.now());
  const r = await approvalsRepo.getForUpdate(tx, input.id);
  if (!r) throw notFound('That approval request');
  if (r.status !== 'changes-requested')
    throw new DomainError(
      'CONFLICT',
      `Only a request sent back for changes can be resubmitted; this one is ${r.status}.`,
    );
  if (r.version !== input.version)
    throw new DomainError('CONFLICT', 'This request changed since you opened it; reload it.');
  const rule = r.rule;
  const amountMinor = input.amountMinor === undefined ? r.amountMinor : input.amountMinor;
  const newRule: Rule = { ...rule, needed: levelsNeeded(rule.levels, amountMinor) };
  await approvalsRepo.update(tx, r.id, {
    status: 'pending',
    payload: input.payload,
    amountMinor,
    rule: newRule,
    round: r.round + 1,
    currentLevel: 1,
    levelSince: now,
    remindedAt: null,
    escalatedAt: null,
    lastEditedBy: actor.userId,
    ...(input.title ? { title: input.title } : {}),
  });
  await approvalsRepo.insertStep(tx, {
    partyId: r.partyId,
    requestId: r.id,
    round: r.round + 1,
    level: 1,
    decision: 'resubmitted',
    decidedBy: actor.userId,
    at: now,
    reason: input.reason ?? null,
  });
  await audit.record(tx, ctx, {
    action: 'approval.resubmitted',
    outcome: 'success',
    partyId: r.partyId,
    entityType: 'approval_request',
    entityId: r.id,
    crossParty: r.partyId !== actor.partyId,
    details: {
      round: r.round + 1,
      amountMinor: amountMinor?.toString() ?? null,
      reason: input.reason ?? null,
      ...(input.changes ?? { before: { amountMinor: r.amountMinor?.toString() ?? null } }),
    },
  });
  if (tx.scope.kind === 'all') await notifyLevel(tx, { ...r, rule: newRule, currentLevel: 1 }, ctx, 'was resubmitted');
  return r;
}

/** Staff correct a credit-limit change or credit note sent back to them. */
export async function resubmit(
  ctx: ServiceContext,
  input: { id: string; version: number; amountMinor?: bigint | undefined; reason?: string | undefined },
) {
  const { actor } = ctx;
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    const r = await approvalsRepo.getForUpdate(tx, input.id);
    if (!r) throw notFound('That approval request');
    if (r.type !== 'credit-limit-change' && r.type !== 'credit-note')
      throw new DomainError('BAD_REQUEST', 'Bank-detail changes are corrected by the supplier (Company details).');
    if (r.submittedBy !== actor.userId)
      throw new DomainError('FORBIDDEN', 'Only whoever submitted this request corrects it.');
    const payload = {
      ...r.payload,
      ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor.toString() } : {}),
    };
    // The title names the amount: keep it true.
    const title =
      input.amountMinor !== undefined && r.currency
        ? r.title.replace(money(r.amountMinor ?? 0n, r.currency), money(input.amountMinor, r.currency))
        : r.title;
    await resubmitInTx({ ...ctx, tx }, { ...input, payload, amountMinor: input.amountMinor ?? r.amountMinor, title });
    return { ok: true as const };
  });
  ctx.mail.kick();
  return out;
}

/** Withdraws a pending (or sent-back) request; the held change is dropped. */
export async function withdrawInTx(ctx: TxContext, id: string) {
  const { tx, actor } = ctx;
  const now = new Date(ctx.clock.now());
  const r = await approvalsRepo.getForUpdate(tx, id);
  if (!r) throw notFound('That approval request');
  if (r.status !== 'pending' && r.status !== 'changes-requested')
    throw new DomainError('CONFLICT', `This request was already ${r.status}.`);
  await approvalsRepo.update(tx, r.id, { status: 'withdrawn', decidedAt: now });
  await approvalsRepo.insertStep(tx, {
    partyId: r.partyId,
    requestId: r.id,
    round: r.round,
    level: r.currentLevel,
    decision: 'withdrawn',
    decidedBy: actor.userId,
    at: now,
  });
  await audit.record(tx, ctx, {
    action: 'approval.withdrawn',
    outcome: 'success',
    partyId: r.partyId,
    entityType: 'approval_request',
    entityId: r.id,
    crossParty: r.partyId !== actor.partyId,
  });
  return r;
}

export async function withdraw(ctx: ServiceContext, id: string) {
  const { actor } = ctx;
  return ctx.db.tx(ctx.scope, async (tx) => {
    const r = await approvalsRepo.getForUpdate(tx, id);
    if (!r) throw notFound('That approval request');
    if (r.type === 'bank-details-change')
      throw new DomainError('BAD_REQUEST', 'The supplier withdraws its bank-detail change (Company details).');
    if (r.submittedBy !== actor.userId)
      throw new DomainError('FORBIDDEN', 'Only whoever submitted this request withdraws it.');
    await withdrawInTx({ ...ctx, tx }, id);
    return { ok: true as const };
  });
}

// ---- reminders and escalation (a job)

/**
 * Reminds a level's approvers once it has waited `remindHours`, and after `escalateHours` opens it to
 * its escalation roles (and tells them), each once per level. Several instances: SKIP LOCKED.
 */
export async function remindAndEscalate(
  db: Database,
  clock: Clock,
  hours: { remind: number; escalate: number },
  env: NotifyEnv,
) {
  const now = new Date(clock.now());
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    let reminded = 0;
    let escalated = 0;
    for (const r of await approvalsRepo.dueForEscalation(tx, new Date(now.getTime() - hours.escalate * 3_600_000))) {
      const level = r.rule.levels[r.currentLevel - 1] as PolicyLevel;
      await approvalsRepo.update(tx, r.id, { escalatedAt: now, remindedAt: now });
      await approvalsRepo.insertStep(tx, {
        partyId: r.partyId,
        requestId: r.id,
        round: r.round,
        level: r.currentLevel,
        decision: 'escalated',
        at: now,
        role: level.escalateTo.join(','),
      });
      await audit.record(tx, audit.SYSTEM, {
        action: 'approval.escalated',
        outcome: 'success',
        partyId: r.partyId,
        entityType: 'approval_request',
        entityId: r.id,
        details: { level: r.currentLevel, to: level.escalateTo, waitingHours: hours.escalate },
      });
      await notifyLevel(tx, r, env, `was escalated to you after ${hours.escalate} hours`, level.escalateTo);
      escalated += 1;
    }
    for (const r of await approvalsRepo.dueForReminder(tx, new Date(now.getTime() - hours.remind * 3_600_000))) {
      await approvalsRepo.update(tx, r.id, { remindedAt: now });
      await approvalsRepo.insertStep(tx, {
        partyId: r.partyId,
        requestId: r.id,
        round: r.round,
        level: r.currentLevel,
        decision: 'reminded',
        at: now,
      });
      await audit.record(tx, audit.SYSTEM, {
        action: 'approval.reminded',
        outcome: 'success',
        partyId: r.partyId,
        entityType: 'approval_request',
        entityId: r.id,
        details: { level: r.currentLevel, waitingHours: hours.remind },
      });
      await notifyLevel(tx, r, env, `still waits for your decision (${hours.remind} hours)`);
      reminded += 1;
    }
    return { reminded, escalated };
  });
}
