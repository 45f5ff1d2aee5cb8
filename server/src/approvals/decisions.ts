import type { ApprovalType, approvalsListInput } from '@gatehouse/contract';
import {
  type approvalsRepo as ApprovalsRepo,
  approvalsRepo,
  changeRequestsRepo,
  mailRepo,
  type Tx,
  usersRepo,
} from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { Actor } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import type { ErrorKey, ErrorValue } from '../errors/i18n.ts';
import { DomainError, isUniqueViolation, notFound } from '../errors.ts';
import { mintLink } from '../files/links.ts';
import * as outbox from '../integration/outbox.ts';
import { mailFor, reasonLines } from '../mail/i18n.ts';
import {
  type Case,
  DECIDING_STEPS,
  eligibility,
  makersOf,
  type Person,
  staffingWorded,
  type Worded,
  whyNotForYou,
} from './approval-eligibility.ts';
import { auditPayload, notifyLevel } from './common.ts';
import { levelOut } from './policies.ts';

type PolicyLevel = ApprovalsRepo.PolicyLevel;
type RequestRow = ApprovalsRepo.RequestRow;

export type FullRequest = NonNullable<Awaited<ReturnType<typeof approvalsRepo.get>>>;

export type Headless<T> = Omit<T, 'payload' | 'previous'>;

export function present(r: Headless<FullRequest>) {
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
          canDecide: { allowed: can.why === null, why: can.why, text: can.text ?? null },
        };
      }),
    };
  });
}

/** A request as the checks read it: never its held change (the inbox list does not load it). */
export type AnyRequest = Headless<RequestRow> | Headless<FullRequest>;

export type StepRow = { round: number; level: number; decision: string; decidedById: string | null };

/**
 * The request as eligibility sees it (approval-eligibility.ts). Makers: makersOf, the segregation-of-duties
 * rule. Decided: whoever decided in this round, at any level.
 */
export function caseOf(r: AnyRequest, steps: readonly StepRow[]): Case {
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
export function decideCheck(
  r: AnyRequest,
  steps: readonly StepRow[],
  actor: Actor,
  limits: Person['limits'],
  escalateHours: number,
):
  | {
      why: null;
      role: string;
      limit: { currency: string; maxMinor: bigint } | null;
      code?: undefined;
      text?: undefined;
    }
  | { why: string; text: Worded['text']; code?: 'FORBIDDEN' | 'CONFLICT' } {
  if (r.status !== 'pending')
    return { why: `This request is ${r.status}.`, text: { key: 'status', values: { status: r.status } } };
  const c = caseOf(r, steps);
  const level = r.rule.levels[r.currentLevel - 1] as PolicyLevel;
  const me: Person = { userId: actor.userId, roles: actor.roles, limits };
  if (c.makers.has(actor.userId) || actor.permissions.has('approvals:decide')) {
    const e = eligibility(me, level, c);
    if (e.ok) return { why: null, role: e.role, limit: e.limit };
    const out = whyNotForYou(e.why, { level: r.currentLevel, amountMinor: r.amountMinor, escalateHours });
    return { why: out.message, text: out.text, code: out.code };
  }
  return {
    why: 'You do not have permission to decide approvals.',
    text: { key: 'permission', values: {} },
    code: 'FORBIDDEN',
  };
}

/** Why one cannot decide, as an error in the reader's language (errors catalogue `approvals.why.*`). */
export function whyNotError(can: { why: string; text: Worded['text']; code?: 'FORBIDDEN' | 'CONFLICT' }) {
  const values: Record<string, ErrorValue> = {};
  const currency = String(can.text.values.currency ?? '');
  for (const [k, v] of Object.entries(can.text.values))
    values[k] = k.endsWith('Minor') ? { minor: BigInt(v), currency } : v;
  return new DomainError(can.code ?? 'FORBIDDEN', { key: `approvals.why.${can.text.key}` as ErrorKey, values });
}

export async function whyNot(tx: Tx, r: AnyRequest, actor: Actor, escalateHours: number) {
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
export async function staffing(tx: Tx, r: AnyRequest, steps: readonly StepRow[]): Promise<Worded[]> {
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
  return staffingWorded(levels, caseOf(r, steps), await approvalsRepo.approvers(tx));
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
    canDecide: { allowed: can.why === null, why: can.why, text: can.text ?? null },
    staffing: warnings.map((w) => w.message),
    staffingText: warnings.map((w) => w.text),
    attachments,
  };
}

// ---- deciding

/** Bank details compared as stored: keys sorted, absent and null the same. */
export function canonicalBank(v: unknown): string {
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
export async function assertBankBaselineCurrent(tx: Tx, r: RequestRow) {
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
export async function settle(
  tx: Tx,
  r: RequestRow,
  outcome: 'approved' | 'rejected' | 'withdrawn',
  by: string,
  now: Date,
) {
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
    if (r.status !== 'pending')
      throw new DomainError('CONFLICT', { key: 'approval.alreadyStatus', values: { status: r.status } });
    if (r.version !== input.version) throw new DomainError('CONFLICT', { key: 'approval.decidedSince' });
    const can = await whyNot(tx, r, actor, ctx.config.approvals.escalateHours);
    if (can.why !== null) throw whyNotError(can);
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
        if (isUniqueViolation(e)) throw new DomainError('CONFLICT', { key: 'approval.alreadyDecidedByYou' });
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
    if (next !== r.currentLevel) await notifyLevel(tx, { ...r, currentLevel: next }, ctx, { stage: 'waiting' });
    if (status !== 'pending') {
      // The maker, in their own language (docs/i18n.md, "Mail").
      const to = await usersRepo.activeRecipient(tx, r.lastEditedBy);
      const values = { title: r.title, status };
      if (to)
        await mailRepo.enqueue(
          tx,
          mailFor(to, 'approval-decided', { key: 'approval.decided.subject', values }, [
            { key: 'approval.decided.body', values },
            ...reasonLines(reason),
          ]),
        );
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
