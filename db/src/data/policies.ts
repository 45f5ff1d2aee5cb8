import { and, eq, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../connection.ts';
import { mfaTotp, parties, roles, userRoles, users } from '../schema/index.ts';
import { partyPredicate } from './scope.ts';

/**
 * The raw inputs of a user's security policy: the strictest of the user's roles, aggregated in one
 * subquery, and the party's own settings. server/src/auth/policy.ts turns these into the effective
 * policy; this is the one place that reads them, for sign-in and for every request alike.
 */
export interface PolicyInputs {
  role: {
    requireTotp: boolean;
    idleMinutes: number | null;
    absoluteHours: number | null;
    allowlists: string[][];
    /** The user's role keys, sorted, and each role's permissions (one list per role; may repeat). */
    keys: string[];
    permissions: string[][];
  };
  partyRequireTotp: boolean | null;
  partyIdleMinutes: number | null;
  partyAbsoluteHours: number | null;
  partyAllowlist: string[] | null;
  totpOn: boolean;
}

/**
 * Select columns giving PolicyInputs for the user in `userId` (a users.id column) of its party. Everything
 * about the user's roles comes from ONE subquery over user_roles, because each row-level-security table a
 * statement names costs a verification of the signed tenant context (the session lookup runs per request).
 */
export function policyColumns(userId: PgColumn, partyId: PgColumn) {
  return {
    role: sql<PolicyInputs['role']>`(select jsonb_build_object(
        'requireTotp', coalesce(bool_or(r.require_totp), false),
        'idleMinutes', min(r.session_idle_minutes),
        'absoluteHours', min(r.session_absolute_hours),
        'allowlists', coalesce(jsonb_agg(r.ip_allowlist) filter (where r.ip_allowlist is not null), '[]'::jsonb),
        'keys', coalesce(jsonb_agg(r.key order by r.key), '[]'::jsonb),
        'permissions', coalesce(jsonb_agg(r.permissions), '[]'::jsonb))
      from ${userRoles} ur join ${roles} r on r.id = ur.role_id
      where ur.user_id = ${userId} and ur.party_id = ${partyId})`,
    partyRequireTotp: parties.requireTotp,
    partyIdleMinutes: parties.sessionIdleMinutes,
    partyAbsoluteHours: parties.sessionAbsoluteHours,
    partyAllowlist: parties.ipAllowlist,
    totpOn: sql<boolean>`exists (select 1 from ${mfaTotp} m where m.user_id = ${userId} and m.confirmed_at is not null)`,
  };
}

/** PolicyInputs of one user of the current scope (undefined when not visible). */
export async function forUser(tx: Tx, userId: string): Promise<PolicyInputs | undefined> {
  const [row] = await tx.db
    .select(policyColumns(users.id, users.partyId))
    .from(users)
    .innerJoin(parties, eq(parties.id, users.partyId))
    .where(and(eq(users.id, userId), partyPredicate(tx, users.partyId)));
  return row;
}

export type RolePolicyRow = {
  key: string;
  name: string;
  partyKind: 'internal' | 'customer' | 'supplier';
  requireTotp: boolean;
  sessionIdleMinutes: number | null;
  sessionAbsoluteHours: number | null;
  ipAllowlist: string[] | null;
};

const roleColumns = {
  key: roles.key,
  name: roles.name,
  partyKind: roles.partyKind,
  requireTotp: roles.requireTotp,
  sessionIdleMinutes: roles.sessionIdleMinutes,
  sessionAbsoluteHours: roles.sessionAbsoluteHours,
  ipAllowlist: roles.ipAllowlist,
};

export async function listRoles(tx: Tx): Promise<RolePolicyRow[]> {
  return tx.db.select(roleColumns).from(roles).orderBy(roles.partyKind, roles.key);
}

export async function getRole(tx: Tx, key: string): Promise<RolePolicyRow | undefined> {
  const [row] = await tx.db.select(roleColumns).from(roles).where(eq(roles.key, key)).for('update');
  return row;
}

export async function setRole(tx: Tx, key: string, policy: Omit<RolePolicyRow, 'key' | 'name' | 'partyKind'>) {
  await tx.db.update(roles).set(policy).where(eq(roles.key, key));
}

export type PartyPolicyRow = {
  partyId: string;
  partyName: string;
  partyKind: 'internal' | 'customer' | 'supplier';
  requireTotp: boolean | null;
  sessionIdleMinutes: number | null;
  sessionAbsoluteHours: number | null;
  ipAllowlist: string[] | null;
};

export async function getParty(tx: Tx, partyId: string, forUpdate = false): Promise<PartyPolicyRow | undefined> {
  const q = tx.db
    .select({
      partyId: parties.id,
      partyName: parties.name,
      partyKind: parties.kind,
      requireTotp: parties.requireTotp,
      sessionIdleMinutes: parties.sessionIdleMinutes,
      sessionAbsoluteHours: parties.sessionAbsoluteHours,
      ipAllowlist: parties.ipAllowlist,
    })
    .from(parties)
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function setParty(
  tx: Tx,
  partyId: string,
  policy: Omit<PartyPolicyRow, 'partyId' | 'partyName' | 'partyKind'>,
) {
  await tx.db
    .update(parties)
    .set(policy)
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)));
}
