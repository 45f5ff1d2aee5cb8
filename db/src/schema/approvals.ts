import type { BankDetails } from '@gatehouse/contract';
import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { users } from './users.ts';

// Approval workflows. Policies and approver limits are configuration (internal, not party data);
// requests and their steps belong to the party they concern and sit under RLS like other party data.

/** One level of an approval policy (amounts in minor units, as strings). */
export interface PolicyLevel {
  minMinor: string | null;
  maxMinor: string | null;
  roles: string[];
  approvalsRequired: number;
  escalateTo: string[];
}

/**
 * The change a request holds, as its form sent it: for a bank-detail change the details (normalised, as a
 * change request stores them); for a credit limit or credit note the currency, amount and what else the
 * form carries.
 */
export interface ApprovalPayload {
  bankDetails?: BankDetails;
  [field: string]: unknown;
}

/** The rule a request was submitted under: a snapshot, untouched by later policy edits. */
export interface Rule {
  policyVersion: number;
  /** Every level of the policy at submission. */
  levels: PolicyLevel[];
  /** How many of them this request goes through (from level 1). */
  needed: number;
}

export const approvalPolicies = pgTable(
  'approval_policies',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    type: text('type').notNull(),
    /** Amount-based types: one policy per currency; others: null. */
    currency: text('currency'),
    /** Bumped on every change; a request records the version it was submitted under. */
    version: integer('version').notNull().default(1),
    /** [{ minMinor, maxMinor, roles, approvalsRequired, escalateTo }] in level order (amounts as strings). */
    levels: jsonb('levels').$type<PolicyLevel[]>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id),
  },
  (t) => [uniqueIndex('approval_policies_type_currency_key').on(t.type, sql`coalesce(${t.currency}, '')`)],
);

/** An approver's personal limit per currency: a decision on a larger amount is refused. */
export const approverLimits = pgTable(
  'approver_limits',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    currency: text('currency').notNull(),
    maxMinor: bigint('max_minor', { mode: 'bigint' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.currency] })],
);

export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The party the request concerns (the supplier whose bank details change, the customer's credit). */
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    type: text('type').notNull(),
    title: text('title').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }),
    currency: text('currency'),
    status: text('status', {
      enum: ['pending', 'changes-requested', 'approved', 'rejected', 'withdrawn'],
    }).notNull(),
    /** The rule at submission: { policyVersion, levels: [...] } (later policy edits do not touch it). */
    rule: jsonb('rule').$type<Rule>().notNull(),
    /** The held change, applied on final approval in the same transaction. */
    payload: jsonb('payload').$type<ApprovalPayload>().notNull(),
    /** What the held change replaces, shown beside it (null: nothing to compare). */
    previous: jsonb('previous').$type<Record<string, unknown>>(),
    /** What the request is about, e.g. ('change_request', id). */
    subjectType: text('subject_type'),
    subjectId: uuid('subject_id'),
    currentLevel: integer('current_level').notNull().default(1),
    /** A request sent back for changes and resubmitted starts a new round at level 1. */
    round: integer('round').notNull().default(1),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    /** The maker of the version being decided: the submitter, or whoever resubmitted it. Never its checker. */
    lastEditedBy: uuid('last_edited_by')
      .notNull()
      .references(() => users.id),
    /** When the current level started waiting; reminders and escalation count from here. */
    levelSince: timestamp('level_since', { withTimezone: true }).notNull(),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Optimistic concurrency: a decision names the version it saw; every change bumps it. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('approval_requests_open_idx').on(t.levelSince, t.id).where(sql`status = 'pending'`),
    index('approval_requests_party_idx').on(t.partyId, t.submittedAt.desc(), t.id.desc()),
    index('approval_requests_subject_idx').on(t.subjectType, t.subjectId),
  ],
);

export const approvalSteps = pgTable(
  'approval_steps',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    requestId: uuid('request_id')
      .notNull()
      .references(() => approvalRequests.id),
    round: integer('round').notNull(),
    level: integer('level').notNull(),
    /** approve / reject / request-changes by an approver; submitted / resubmitted / withdrawn / escalated / reminded. */
    decision: text('decision').notNull(),
    decidedBy: uuid('decided_by').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    /** The approver's limit checked for this decision (amount-based requests). */
    limitCurrency: text('limit_currency'),
    limitMinor: bigint('limit_minor', { mode: 'bigint' }),
    role: text('role'),
  },
  (t) => [
    index('approval_steps_request_idx').on(t.partyId, t.requestId, t.at),
    // No approver decides twice in one round of a request, whatever races: the database refuses it.
    uniqueIndex('approval_steps_one_decision_key')
      .on(t.requestId, t.round, t.decidedBy)
      .where(sql`decision in ('approve', 'reject', 'request-changes')`),
  ],
);
