import { and, count, eq, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { roles, userRoles } from '../schema/index.ts';
import { partyPredicate } from './scope.ts';

/** Roles are global data (no party): every role with how many users hold it (in the caller's scope). */
export async function list(tx: Tx) {
  return tx.db
    .select({
      key: roles.key,
      name: roles.name,
      partyKind: roles.partyKind,
      delegable: roles.delegable,
      builtIn: roles.builtIn,
      permissions: roles.permissions,
      // Counted under row-level security: a party-scoped caller counts its own party's holders only.
      holders: sql<number>`(select count(*)::int from ${userRoles} ur where ur.role_id = ${roles.id})`,
    })
    .from(roles)
    .orderBy(roles.partyKind, roles.builtIn, roles.key);
}

export async function getForUpdate(tx: Tx, key: string) {
  const [row] = await tx.db.select().from(roles).where(eq(roles.key, key)).for('update');
  return row;
}

export async function insert(
  tx: Tx,
  role: {
    key: string;
    name: string;
    partyKind: 'internal' | 'customer' | 'supplier';
    delegable: boolean;
    permissions: string[];
  },
) {
  await tx.db.insert(roles).values({ ...role, builtIn: false });
}

export async function update(
  tx: Tx,
  key: string,
  change: { name?: string; delegable?: boolean; permissions?: string[] },
) {
  await tx.db.update(roles).set(change).where(eq(roles.key, key));
}

export async function remove(tx: Tx, key: string) {
  await tx.db.delete(roles).where(and(eq(roles.key, key), eq(roles.builtIn, false)));
}

/** Holders of a role across every party (system scope needed to see them all). */
export async function holderCount(tx: Tx, roleId: string): Promise<number> {
  const [row] = await tx.db
    .select({ n: count() })
    .from(userRoles)
    .where(and(eq(userRoles.roleId, roleId), partyPredicate(tx, userRoles.partyId)));
  return row?.n ?? 0;
}

/** Users holding a role (system scope), to end their sessions when the role's permissions change. */
export async function holders(tx: Tx, roleId: string): Promise<{ userId: string; partyId: string }[]> {
  return tx.db
    .select({ userId: userRoles.userId, partyId: userRoles.partyId })
    .from(userRoles)
    .where(and(eq(userRoles.roleId, roleId), partyPredicate(tx, userRoles.partyId)));
}
