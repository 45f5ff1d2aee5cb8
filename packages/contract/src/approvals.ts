import { z } from 'zod';
import { serverText } from './audit-schemas.ts';
import { isoTime } from './auth-schemas.ts';
import { minorUnits, pageInput, uuid } from './paging.ts';
import { bankDetails } from './supplier.ts';

// Approval workflows: policies per request type, approver limits, requests and their decisions.

/**
 * What can be sent for approval. Amount-based types carry an amount and a currency, and their levels
 * carry amount ranges; the others go through every level of their policy.
 */
export const APPROVAL_TYPES = [
  'bank-details-change',
  'credit-limit-change',
  'credit-note',
  'document-approval',
] as const;
export type ApprovalType = (typeof APPROVAL_TYPES)[number];
export const AMOUNT_BASED: Record<ApprovalType, boolean> = {
  'bank-details-change': false,
  'credit-limit-change': true,
  'credit-note': true,
  'document-approval': false,
};
export const APPROVAL_STATUSES = ['pending', 'changes-requested', 'approved', 'rejected', 'withdrawn'] as const;
export const APPROVAL_DECISIONS = ['approve', 'reject', 'request-changes'] as const;

const amount = z
  .string()
  .regex(/^\d{1,18}$/, 'Give an amount in minor units (whole cents), e.g. "1000000" for 10,000.00.')
  .transform((s) => BigInt(s));
const currency = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'Use a three-letter currency code (EUR, USD…).');
const roleKey = z.string().trim().min(1).max(64);

export const approvalLevelInput = z.object({
  /** Amount range [minMinor, maxMinor) in minor units; amount-based types only (null max: no upper end). */
  minMinor: amount.nullable(),
  maxMinor: amount.nullable(),
  /** Roles whose holders may decide this level (internal roles with approvals:decide). */
  roles: z.array(roleKey).min(1, 'Name at least one role that decides this level.').max(10),
  approvalsRequired: z.number().int().min(1).max(5),
  /** Who may also decide once the level has waited past the escalation delay (none: nobody more). */
  escalateTo: z.array(roleKey).max(10).default([]),
});
export const setApprovalPolicyInput = z.object({
  type: z.enum(APPROVAL_TYPES),
  /** Amount-based types: one policy per currency. Others: null. */
  currency: currency.nullable(),
  levels: z.array(approvalLevelInput).min(1, 'A policy needs at least one level.').max(10),
});
const levelOut = z.object({
  level: z.number().int(),
  minMinor: minorUnits.nullable(),
  maxMinor: minorUnits.nullable(),
  roles: z.array(z.string()),
  approvalsRequired: z.number().int(),
  escalateTo: z.array(z.string()),
});
export const approvalPolicy = z.object({
  id: uuid,
  type: z.enum(APPROVAL_TYPES),
  currency: z.string().nullable(),
  version: z.number().int(),
  levels: z.array(levelOut),
  updatedAt: isoTime,
  updatedBy: z.string().nullable(),
});
export const approvalPoliciesOutput = z.object({
  policies: z.array(approvalPolicy),
  /** Internal roles that hold approvals:decide (what a level may name). */
  deciderRoles: z.array(z.object({ key: z.string(), name: z.string() })),
});

export const approverLimit = z.object({
  userId: uuid,
  displayName: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  limits: z.array(z.object({ currency: z.string(), maxMinor: minorUnits })),
});
export const approverLimitsOutput = z.object({ items: z.array(approverLimit) });
export const setApproverLimitInput = z.object({
  userId: uuid,
  currency,
  /** null removes the limit for that currency (the approver then decides no amount in it). */
  maxMinor: amount.nullable(),
});

/** Requests staff submit by hand (the rest come from the portal, e.g. a supplier's bank-detail change). */
export const submitApprovalInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('credit-limit-change'),
    partyId: uuid,
    currency,
    amountMinor: amount,
    reason: z.string().trim().min(3, 'Say why.').max(2000),
  }),
  z.object({
    type: z.literal('credit-note'),
    partyId: uuid,
    currency,
    amountMinor: amount,
    reason: z.string().trim().min(3, 'Say why.').max(2000),
    invoiceNumber: z.string().trim().max(60).optional(),
  }),
]);

export const approvalStep = z.object({
  level: z.number().int(),
  round: z.number().int(),
  decision: z.enum([...APPROVAL_DECISIONS, 'submitted', 'resubmitted', 'withdrawn', 'escalated', 'reminded']),
  by: z.string().nullable(),
  at: isoTime,
  reason: z.string().nullable(),
  /** The approver's limit that was checked (amount-based requests). */
  limit: z.object({ currency: z.string(), maxMinor: minorUnits }).nullable(),
  role: z.string().nullable(),
});
export const approvalSummary = z.object({
  id: uuid,
  type: z.enum(APPROVAL_TYPES),
  partyId: uuid,
  partyName: z.string(),
  title: z.string(),
  amountMinor: minorUnits.nullable(),
  currency: z.string().nullable(),
  status: z.enum(APPROVAL_STATUSES),
  currentLevel: z.number().int(),
  levels: z.number().int(),
  submittedBy: z.string(),
  submittedAt: isoTime,
  /** When the current level started waiting (for "age" in the inbox). */
  waitingSince: isoTime,
  version: z.number().int(),
});
export const approvalsListInput = pageInput.extend({
  /** 'mine': what waits for my decision now; 'all': every request in my scope. */
  view: z.enum(['mine', 'all']).default('mine'),
  status: z.enum(APPROVAL_STATUSES).optional(),
  type: z.enum(APPROVAL_TYPES).optional(),
});
/** `why` in English; `text` its key and values (admin.approvals.why.<key>, docs/i18n.md), null when allowed. */
const canDecide = z.object({ allowed: z.boolean(), why: z.string().nullable(), text: serverText.nullable() });
export const approvalsListOutput = z.object({
  items: z.array(
    approvalSummary.extend({
      /** View 'mine': whether I may decide it now, or why not (null in view 'all'). */
      canDecide: canDecide.nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const approvalDetail = approvalSummary.extend({
  /** The rule snapshotted at submission: the levels this request goes through. */
  rule: z.object({ policyVersion: z.number().int(), levels: z.array(levelOut) }),
  /** The held change (what applies on final approval). */
  payload: z.record(z.string(), z.unknown()),
  /** The values it replaces, when there are any. */
  previous: z.record(z.string(), z.unknown()).nullable(),
  round: z.number().int(),
  steps: z.array(approvalStep),
  /** Whether the caller may decide now, or why not (maker, already decided, limit, role, escalation). */
  canDecide,
  /** Pending: why the levels still ahead can never all be decided by today's approvers (empty when they can). */
  staffing: z.array(z.string()),
  /** The same problems as keys and values (admin.approvals.staffing.<key>), one per `staffing` entry. */
  staffingText: z.array(serverText),
  /** Evidence the maker attached to the subject (a bank letter for a bank-detail change), oldest first. */
  attachments: z.array(
    z.object({ id: uuid, fileName: z.string(), sizeBytes: z.number().int(), uploadedAt: z.string() }),
  ),
});
export const approvalAttachmentInput = z.object({ id: uuid, attachmentId: uuid });
export const approvalIdInput = z.object({ id: uuid });
export const decideApprovalInput = z.discriminatedUnion('decision', [
  z.object({
    id: uuid,
    version: z.number().int().min(1),
    decision: z.literal('approve'),
    reason: z.string().trim().max(2000).optional(),
  }),
  z.object({
    id: uuid,
    version: z.number().int().min(1),
    decision: z.literal('reject'),
    reason: z.string().trim().min(3, 'Give a reason for the rejection.').max(2000),
  }),
  z.object({
    id: uuid,
    version: z.number().int().min(1),
    decision: z.literal('request-changes'),
    reason: z.string().trim().min(3, 'Say what should change.').max(2000),
  }),
]);
export const resubmitApprovalInput = z.object({
  id: uuid,
  version: z.number().int().min(1),
  /** Bank-detail changes: the corrected details. */
  bankDetails: bankDetails.optional(),
  /** Amount-based requests: the corrected amount. */
  amountMinor: amount.optional(),
  reason: z.string().trim().max(2000).optional(),
});
