import type { PartyKind, Permission } from '@gatehouse/contract';

/**
 * Who may administer whom, and who may hand on which role: one place, used by invitations, role changes,
 * access reviews, unlocks and second-factor resets. Pure functions, so the rules can be tested
 * exhaustively without a database; the services call them inside the transaction that acts.
 *
 * The rules:
 *  - nobody administers themselves, so nobody grants a role to (or takes one from) themselves;
 *  - a customer/supplier admin acts only inside its own party (the data layer and RLS make other
 *    parties' users invisible: NOT_FOUND), only on users whose permissions it holds all of, and grants
 *    only roles of its party kind marked delegable whose every permission it holds;
 *  - internal staff with `parties:cross` act across parties on customer and supplier users and grant any
 *    customer/supplier role;
 *  - internal roles follow segregation of duties, not "hold what you grant": an internal administrator
 *    (an internal user holding both `users:manage` and `roles:manage`, as the built-in system admin
 *    does) grants and removes every internal role, and administers every other internal user, without
 *    holding the role's permissions (a system admin makes approvers and auditors without being one);
 *    nobody else grants an internal role, and other staff act on internal users only when holding every
 *    permission the target holds (an operator cannot touch a system admin or an approver).
 * Granting an administrator role (one carrying the internal administrator permissions, such as
 * system-admin) raises the new-system-admin alert and is marked on its audit entry (users/users.ts).
 */
export interface Principal {
  userId: string;
  partyKind: PartyKind;
  permissions: ReadonlySet<Permission> | readonly string[];
}

/** What makes an internal user an administrator of internal users (and of internal role grants). */
export const INTERNAL_ADMIN_PERMISSIONS = ['users:manage', 'roles:manage'] as const satisfies readonly Permission[];

const has = (p: Principal['permissions'], perm: string) =>
  p instanceof Set ? p.has(perm as Permission) : (p as readonly string[]).includes(perm);
const holdsAll = (actor: Principal['permissions'], wanted: readonly string[]) => wanted.every((w) => has(actor, w));
const isStaff = (actor: Principal) => actor.partyKind === 'internal' && has(actor.permissions, 'parties:cross');

/** An internal administrator: an internal user holding every INTERNAL_ADMIN_PERMISSIONS. */
export const isInternalAdmin = (actor: Principal) =>
  actor.partyKind === 'internal' && holdsAll(actor.permissions, INTERNAL_ADMIN_PERMISSIONS);

/** A role whose holders become internal administrators (system-admin, or a custom role like it). */
export const isAdminRole = (role: { partyKind: PartyKind; permissions: readonly string[] }) =>
  role.partyKind === 'internal' && holdsAll(role.permissions, INTERNAL_ADMIN_PERMISSIONS);

/** Why `actor` may not administer `target`, or null when it may. (Party visibility is the data layer's.) */
export function administerProblem(actor: Principal, target: Principal): string | null {
  if (actor.userId === target.userId) return 'You cannot do this to your own account.';
  if (target.partyKind !== 'internal' && isStaff(actor)) return null;
  if (target.partyKind === 'internal' && isInternalAdmin(actor)) return null;
  if (!holdsAll(actor.permissions, [...target.permissions]))
    return 'This user holds permissions you do not have, so you cannot administer them.';
  return null;
}

export interface GrantableRole {
  key: string;
  partyKind: PartyKind;
  delegable: boolean;
  permissions: readonly string[];
}

/**
 * Why `actor` may not grant (or remove) `role` for a user of a party of `targetKind`, or null when it
 * may. Whether the target is the actor itself is administerProblem's (every caller checks it first).
 */
export function grantProblem(actor: Principal, role: GrantableRole, targetKind: PartyKind): string | null {
  if (role.partyKind !== targetKind) return `The role ${role.key} is for ${role.partyKind} accounts only.`;
  if (role.partyKind === 'internal')
    return isInternalAdmin(actor)
      ? null
      : `Only a system admin (users:manage and roles:manage) assigns internal roles such as ${role.key}.`;
  if (isStaff(actor)) return null;
  if (actor.partyKind !== 'internal' && !role.delegable) return `The role ${role.key} cannot be delegated.`;
  if (!holdsAll(actor.permissions, role.permissions))
    return `You cannot grant ${role.key}: it has permissions you do not hold.`;
  return null;
}
