import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import type { PolicyLevel } from '../schema/approvals.ts';
import {
  approvalPolicies,
  approvalRequests,
  approvalSteps,
  approverLimits,
  parties,
  roles,
  userRoles,
  users,
} from '../schema/index.ts';
import { afterCursor, type Keyset, orderOf, page } from './paging.ts';
import { partyPredicate, writeParty } from './scope.ts';

export type RequestRow = typeof approvalRequests.$inferSelect;
export type { PolicyLevel, Rule } from '../schema/approvals.ts';

const nameOf = (col: SQL | typeof approvalRequests.submittedBy) =>
  sql<string | null>`(select u.display_name from ${users} u where u.id = ${col})`;

// ---- policies (configuration: internal staff only reach these procedures)

export function policies(tx: Tx) {
  return tx.db
    .select({
      id: approvalPolicies.id,
      type: approvalPolicies.type,
      currency: approvalPolicies.currency,
      version: approvalPolicies.version,
      levels: approvalPolicies.levels,
      updatedAt: approvalPolicies.updatedAt,
      updatedBy: nameOf(approvalPolicies.updatedBy as never),
    })
    .from(approvalPolicies)
    .orderBy(asc(approvalPolicies.type), asc(approvalPolicies.currency));
}

export async function policyFor(tx: Tx, type: string, currency: string | null) {
  const [row] = await tx.db
    .select()
    .from(approvalPolicies)
    .where(sql`${approvalPolicies.type} = ${type} and coalesce(${approvalPolicies.currency}, '') = ${currency ?? ''}`);
  return row;
}

/** Updates a type's (and currency's) policy, bumping its version, or creates it at version 1. */
export async function savePolicy(
  tx: Tx,
  p: { type: string; currency: string | null; levels: PolicyLevel[]; by: string; at: Date },
) {
  const same = sql`${approvalPolicies.type} = ${p.type} and coalesce(${approvalPolicies.currency}, '') = ${p.currency ?? ''}`;
  const [updated] = await tx.db
    .update(approvalPolicies)
    .set({ levels: p.levels, updatedBy: p.by, updatedAt: p.at, version: sql`${approvalPolicies.version} + 1` })
    .where(same)
    .returning({ version: approvalPolicies.version });
  if (updated) return updated.version;
  // A concurrent first save of the same policy meets the unique index (a CONFLICT for the later one).
  const [row] = await tx.db
    .insert(approvalPolicies)
    .values({ type: p.type, currency: p.currency, levels: p.levels, updatedBy: p.by, updatedAt: p.at })
    .returning({ version: approvalPolicies.version });
  return (row as { version: number }).version;
}

// ---- approvers and their limits

/** Internal roles holding approvals:decide (what a policy level may name). */
export function deciderRoles(tx: Tx) {
  return tx.db
    .select({ key: roles.key, name: roles.name })
    .from(roles)
    .where(and(eq(roles.partyKind, 'internal'), sql`'approvals:decide' = any(${roles.permissions})`))
    .orderBy(asc(roles.name));
}

/** Active internal users who may decide approvals, with their roles and per-currency limits. */
export async function approvers(tx: Tx) {
  const rows = await tx.db.execute<{
    user_id: string;
    display_name: string;
    email: string;
    roles: string[];
    limits: { currency: string; maxMinor: string }[];
  }>(sql`
    select u.id as user_id, u.display_name, u.email,
           array_agg(distinct r.key order by r.key) as roles,
           coalesce((select json_agg(json_build_object('currency', l.currency, 'maxMinor', l.max_minor::text) order by l.currency)
                     from ${approverLimits} l where l.user_id = u.id), '[]') as limits
    from ${users} u
    join ${userRoles} ur on ur.user_id = u.id and ur.party_id = u.party_id
    join ${roles} r on r.id = ur.role_id
    join ${parties} p on p.id = u.party_id and p.kind = 'internal'
    where u.status = 'active' and 'approvals:decide' = any(r.permissions)
    group by u.id, u.display_name, u.email
    order by u.display_name, u.id`);
  return rows.map((r) => ({
    userId: r.user_id,
    displayName: r.display_name,
    email: r.email,
    roles: r.roles,
    limits: r.limits.map((l) => ({ currency: l.currency, maxMinor: BigInt(l.maxMinor) })),
  }));
}

/** Every approval limit of a user, per currency. */
export function limitsOf(tx: Tx, userId: string) {
  return tx.db
    .select({ currency: approverLimits.currency, maxMinor: approverLimits.maxMinor })
    .from(approverLimits)
    .where(eq(approverLimits.userId, userId));
}

export async function limitOf(tx: Tx, userId: string, currency: string) {
  const [row] = await tx.db
    .select({ maxMinor: approverLimits.maxMinor })
    .from(approverLimits)
    .where(and(eq(approverLimits.userId, userId), eq(approverLimits.currency, currency)));
  return row?.maxMinor;
}

export async function setLimit(
  tx: Tx,
  userId: string,
  currency: string,
  maxMinor: bigint | null,
  by: string,
  at: Date,
) {
  if (maxMinor === null) {
    await tx.db
      .delete(approverLimits)
      .where(and(eq(approverLimits.userId, userId), eq(approverLimits.currency, currency)));
    return;
  }
  await tx.db
    .insert(approverLimits)
    .values({ userId, currency, maxMinor, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({
      target: [approverLimits.userId, approverLimits.currency],
      set: { maxMinor, updatedBy: by, updatedAt: at },
    });
}

/** Addresses of active internal users holding any of `roleKeys`. */
export async function emailsWithRoles(tx: Tx, roleKeys: string[]): Promise<string[]> {
  if (roleKeys.length === 0) return [];
  const rows = await tx.db
    .selectDistinct({ email: users.email })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.partyId, users.partyId)))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(users.status, 'active'), eq(roles.partyKind, 'internal'), inArray(roles.key, roleKeys)));
  return rows.map((r) => r.email);
}

// ---- requests

const summary = {
  id: approvalRequests.id,
  type: approvalRequests.type,
  partyId: approvalRequests.partyId,
  partyName: parties.name,
  title: approvalRequests.title,
  amountMinor: approvalRequests.amountMinor,
  currency: approvalRequests.currency,
  status: approvalRequests.status,
  currentLevel: approvalRequests.currentLevel,
  rule: approvalRequests.rule,
  submittedById: approvalRequests.submittedBy,
  submittedBy: nameOf(approvalRequests.submittedBy),
  submittedAt: approvalRequests.submittedAt,
  lastEditedBy: approvalRequests.lastEditedBy,
  levelSince: approvalRequests.levelSince,
  escalatedAt: approvalRequests.escalatedAt,
  round: approvalRequests.round,
  version: approvalRequests.version,
};

export async function insert(
  tx: Tx,
  r: Omit<typeof approvalRequests.$inferInsert, 'id' | 'status' | 'currentLevel' | 'round' | 'version'>,
) {
  const [row] = await tx.db
    .insert(approvalRequests)
    .values({ ...r, partyId: writeParty(tx, r.partyId), status: 'pending' })
    .returning({ id: approvalRequests.id });
  return (row as { id: string }).id;
}

export async function get(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({ ...summary, payload: approvalRequests.payload, previous: approvalRequests.previous })
    .from(approvalRequests)
    .innerJoin(parties, eq(parties.id, approvalRequests.partyId))
    .where(and(eq(approvalRequests.id, id), partyPredicate(tx, approvalRequests.partyId)));
  return row;
}

/** What a request decides (a change request, say), within the caller's scope. */
export async function subjectOf(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({ type: approvalRequests.subjectType, id: approvalRequests.subjectId })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, id), partyPredicate(tx, approvalRequests.partyId)));
  return row;
}

export async function getForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, id), partyPredicate(tx, approvalRequests.partyId)))
    .for('update');
  return row;
}

export async function forSubject(tx: Tx, subjectType: string, subjectId: string) {
  const [row] = await tx.db
    .select({ id: approvalRequests.id })
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.subjectType, subjectType),
        eq(approvalRequests.subjectId, subjectId),
        partyPredicate(tx, approvalRequests.partyId),
      ),
    )
    .orderBy(desc(approvalRequests.submittedAt))
    .limit(1);
  return row?.id;
}

/** Changes a request and bumps its version (every change does: a decision on the old one is stale). */
export async function update(tx: Tx, id: string, change: Partial<typeof approvalRequests.$inferInsert>) {
  await tx.db
    .update(approvalRequests)
    .set({ ...change, version: sql`${approvalRequests.version} + 1` })
    .where(and(eq(approvalRequests.id, id), partyPredicate(tx, approvalRequests.partyId)));
}

export async function insertStep(tx: Tx, s: Omit<typeof approvalSteps.$inferInsert, 'id'>) {
  await tx.db.insert(approvalSteps).values({ ...s, partyId: writeParty(tx, s.partyId) });
}

export async function steps(tx: Tx, partyId: string, requestId: string) {
  return tx.db
    .select({
      level: approvalSteps.level,
      round: approvalSteps.round,
      decision: approvalSteps.decision,
      decidedById: approvalSteps.decidedBy,
      by: nameOf(approvalSteps.decidedBy as never),
      at: approvalSteps.at,
      reason: approvalSteps.reason,
      limitCurrency: approvalSteps.limitCurrency,
      limitMinor: approvalSteps.limitMinor,
      role: approvalSteps.role,
    })
    .from(approvalSteps)
    .where(
      and(
        eq(approvalSteps.partyId, partyId),
        eq(approvalSteps.requestId, requestId),
        partyPredicate(tx, approvalSteps.partyId),
      ),
    )
    .orderBy(asc(approvalSteps.at), asc(approvalSteps.id));
}

/** The steps of several requests (the inbox's page), for who made and who decided each. */
export function stepsOf(tx: Tx, requestIds: string[]) {
  if (requestIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select({
      requestId: approvalSteps.requestId,
      level: approvalSteps.level,
      round: approvalSteps.round,
      decision: approvalSteps.decision,
      decidedById: approvalSteps.decidedBy,
    })
    .from(approvalSteps)
    .where(and(inArray(approvalSteps.requestId, requestIds), partyPredicate(tx, approvalSteps.partyId)));
}

/**
 * Requests, keyset-paged. `waitingFor`: pending ones whose current level names one of the user's roles
 * among its deciding or escalation roles, oldest waiting first; whether the user may decide each now
 * (maker, already decided, limit, not escalated yet) is the service's to say, by row. Otherwise every
 * request in scope, newest first.
 */
export async function list(
  tx: Tx,
  q: {
    status?: RequestRow['status'];
    type?: string;
    waitingFor?: { userId: string; roleKeys: string[] };
    cursor?: string;
    limit: number;
  },
) {
  const where: (SQL | undefined)[] = [partyPredicate(tx, approvalRequests.partyId)];
  if (q.status) where.push(eq(approvalRequests.status, q.status));
  if (q.type) where.push(eq(approvalRequests.type, q.type));
  const w = q.waitingFor;
  if (w) {
    const level = sql`(${approvalRequests.rule} -> 'levels' -> (${approvalRequests.currentLevel} - 1))`;
    const rolesArr = sql`${`{${w.roleKeys.map((k) => `"${k.replace(/["\\]/g, '')}"`).join(',')}}`}::text[]`;
    where.push(
      eq(approvalRequests.status, 'pending'),
      sql`((${level} -> 'roles') ?| ${rolesArr} or (${level} -> 'escalateTo') ?| ${rolesArr})`,
    );
  }
  const keyset: Keyset = w
    ? { key: approvalRequests.levelSince, kind: 'time', id: approvalRequests.id, dir: 'asc', index: 'asc' }
    : { key: approvalRequests.submittedAt, kind: 'time', id: approvalRequests.id, dir: 'desc', index: 'desc' };
  where.push(afterCursor(q.cursor, keyset));
  const rows = await tx.db
    .select(summary)
    .from(approvalRequests)
    .innerJoin(parties, eq(parties.id, approvalRequests.partyId))
    .where(and(...where))
    .orderBy(...orderOf(keyset))
    .limit(q.limit + 1);
  return page(rows, q.limit, keyset, (r) => [w ? r.levelSince : r.submittedAt, r.id]);
}

/** Pending requests whose current level has waited since before `before` and was not yet reminded (system scope). */
export function dueForReminder(tx: Tx, before: Date) {
  return tx.db
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.status, 'pending'),
        sql`${approvalRequests.levelSince} < ${before.toISOString()}::timestamptz`,
        sql`(${approvalRequests.remindedAt} is null or ${approvalRequests.remindedAt} < ${approvalRequests.levelSince})`,
      ),
    )
    .for('update', { skipLocked: true });
}

export function dueForEscalation(tx: Tx, before: Date) {
  return tx.db
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.status, 'pending'),
        sql`${approvalRequests.levelSince} < ${before.toISOString()}::timestamptz`,
        sql`(${approvalRequests.escalatedAt} is null or ${approvalRequests.escalatedAt} < ${approvalRequests.levelSince})`,
        sql`jsonb_array_length(${approvalRequests.rule} -> 'levels' -> (${approvalRequests.currentLevel} - 1) -> 'escalateTo') > 0`,
      ),
    )
    .for('update', { skipLocked: true });
}

/** Sets the credit limit in force; returns the one it replaces (what the ERP still has until it echoes). */
export async function setCreditLimit(tx: Tx, partyId: string, currency: string, amountMinor: bigint) {
  const [before] = await tx.db
    .select({ currency: parties.creditCurrency, amountMinor: parties.creditLimitMinor })
    .from(parties)
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)))
    .for('update');
  await tx.db
    .update(parties)
    .set({ creditLimitMinor: amountMinor, creditCurrency: currency })
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)));
  return { currency: before?.currency ?? null, amountMinor: before?.amountMinor?.toString() ?? null };
}
