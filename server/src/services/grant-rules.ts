import type { PartyKind, Permission } from '@gatehouse/contract';

/**
 * Who may administer whom, and who may hand on which role: one place, used by invitations, unlocks and
 * second-factor resets (and by delegated administration as it grows). Pure functions, so the rules can be
 * tested exhaustively without a database; the services call them inside the transaction that acts.
 *
 * The rules:
 *  - nobody administers themselves;
 *  - a customer/supplier admin acts only inside its own party (the data layer and RLS make other
 *    parties' users invisible: NOT_FOUND), and only on users whose permissions it holds all of;
 *  - internal staff with `parties:cross` act across parties on customer and supplier users; on internal
 *    users only when holding every permission the target holds (an operator cannot touch a system admin);
 *  - a role is granted only to a user of the role's party kind; a customer/supplier admin grants only
 *    roles marked delegable whose every permission it holds; internal staff grant any customer/supplier
 *    role, and an internal role only when holding every permission of it.
 */
export interface Principal {
  userId: string;
  partyKind: PartyKind;
  permissions: ReadonlySet<Permission> | readonly string[];
}

const has = (p: Principal['permissions'], perm: string) =>
  p instanceof Set ? p.has(perm as Permission) : (p as readonly string[]).includes(perm);
const holdsAll = (actor: Principal['permissions'], wanted: readonly string[]) => wanted.every((w) => has(actor, w));
const isStaff = (actor: Principal) => actor.partyKind === 'internal' && has(actor.permissions, 'parties:cross');

/** Why `actor` may not administer `target`, or null when it may. (Party visibility is the data layer's.) */
export function administerProblem(actor: Principal, target: Principal): string | null {
  if (actor.userId === target.userId) return 'You cannot do this to your own account.';
  if (target.partyKind !== 'internal' && isStaff(actor)) return null;
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

/** Why `actor` may not grant `role` to a user of a party of `targetKind`, or null when it may. */
export function grantProblem(actor: Principal, role: GrantableRole, targetKind: PartyKind): string | null {
  if (role.partyKind !== targetKind) return `The role ${role.key} is for ${role.partyKind} accounts only.`;
  if (role.partyKind !== 'internal' && isStaff(actor)) return null;
  if (actor.partyKind !== 'internal' && !role.delegable) return `The role ${role.key} cannot be delegated.`;
  if (!holdsAll(actor.permissions, role.permissions))
    return `You cannot grant ${role.key}: it has permissions you do not hold.`;
  return null;
}
