import { AMOUNT_BASED, type ApprovalType } from '@gatehouse/contract';
import {
  type approvalsRepo as ApprovalsRepo,
  alertsRepo,
  approvalsRepo,
  type Database,
  mailRepo,
  partiesRepo,
  type Tx,
} from '@gatehouse/db';
import * as audit from '../audit/audit.ts';
import type { ServiceContext, TxContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { type MailText, mailFor } from '../mail/i18n.ts';
import { requestFields, SYSTEM_SCOPE } from '../parties/scope.ts';
import type { NotifyEnv } from '../users/notifications.ts';
import { notifyLevel } from './common.ts';
import { staffing } from './decisions.ts';
import { levelsNeeded, money, TYPE_NAME } from './policies.ts';

/**
 * Approval workflows. A request snapshots its policy's levels when it is submitted and walks them in
 * order (amount-based types: from level 1 up to the level whose range holds the amount). Every decision
 * is made on the version the approver saw, under a row lock: two approvers at once give one outcome and
 * one CONFLICT. The rules below cannot be configured away: the maker (submitter or last editor) never
 * decides; nobody decides twice in a round (also a unique index); only the level's roles decide (or its
 * escalation roles once it has waited too long); an amount above the approver's own limit is refused.
 * Final approval applies the held change in the same transaction as the last decision.
 */

type Rule = ApprovalsRepo.Rule;

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
    await notifyLevel(tx, { id, title: s.title, rule, currentLevel: 1 }, env, { stage: 'waiting' });
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
    await notifyLevel(tx, { id, title: r.title, rule: r.rule, currentLevel: r.currentLevel }, env, {
      stage: 'waiting',
    });
    const warnings = await staffing(tx, r, await approvalsRepo.steps(tx, r.partyId, r.id));
    if (warnings.length === 0) return;
    const values = { title: r.title, party: r.partyName, url: `${env.config.publicOrigin}/approvals/${r.id}` };
    for (const to of await alertsRepo.systemAdminRecipients(tx))
      await mailRepo.enqueue(
        tx,
        mailFor(to, 'approval-unstaffed', { key: 'approval.unstaffed.subject', values }, [
          { key: 'approval.unstaffed.intro', values },
          '',
          ...warnings.map((w): MailText => ({ key: 'mail.item', values: { item: w.message } })),
          '',
          { key: 'approval.unstaffed.fix' },
          { key: 'notify.open', values },
        ]),
      );
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
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'approval.onlyStaffSubmit' });
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
    const warnings = r ? await staffing(tx, r, await approvalsRepo.steps(tx, r.partyId, id)) : [];
    return { id, warnings: warnings.map((w) => w.message), warningTexts: warnings.map((w) => w.text) };
  });
  ctx.mail.kick();
  return out;
}

// ---- reading

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
    throw new DomainError('CONFLICT', { key: 'approval.resubmitOnlyChanges', values: { status: r.status } });
  if (r.version !== input.version) throw new DomainError('CONFLICT', { key: 'approval.staleReload' });
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
  if (tx.scope.kind === 'all')
    await notifyLevel(tx, { ...r, rule: newRule, currentLevel: 1 }, ctx, { stage: 'resubmitted' });
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
      throw new DomainError('BAD_REQUEST', { key: 'approval.bankCorrectedBySupplier' });
    if (r.submittedBy !== actor.userId) throw new DomainError('FORBIDDEN', { key: 'approval.onlySubmitterCorrects' });
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
    throw new DomainError('CONFLICT', { key: 'approval.alreadyStatus', values: { status: r.status } });
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
      throw new DomainError('BAD_REQUEST', { key: 'approval.bankWithdrawnBySupplier' });
    if (r.submittedBy !== actor.userId) throw new DomainError('FORBIDDEN', { key: 'approval.onlySubmitterWithdraws' });
    await withdrawInTx({ ...ctx, tx }, id);
    return { ok: true as const };
  });
}

// ---- reminders and escalation (a job)

// The approvals namespace the routers and other domains use: submission (above), policies, decisions and
// reminders, each in its own file.
export * from './decisions.ts';
export * from './policies.ts';
export * from './reminders.ts';
