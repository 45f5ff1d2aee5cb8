import {
  auditRepo,
  invitationsRepo,
  mailRepo,
  mfaRepo,
  partiesRepo,
  sessionsRepo,
  type Tx,
  usersRepo,
} from '@gatehouse/db';
import type { Actor } from '../auth/sessions.ts';
import { DEFAULT_THROTTLE } from '../auth/throttle.ts';
import { mintSplitToken } from '../auth/tokens.ts';
import type { Context } from '../context.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { raiseAlert } from './alerts.ts';
import { administerProblem, grantProblem, isAdminRole } from './grant-rules.ts';
import { requestFields, SYSTEM_SCOPE, scopeFor } from './scope.ts';

/**
 * User administration verbs that authentication needs: inviting, unlocking a throttled account and
 * resetting a second factor. Each checks the grant rules (grant-rules.ts) inside the transaction that
 * acts, writes its audit entry there, and tells the affected user by mail.
 */

export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

export type Administrable = NonNullable<Awaited<ReturnType<typeof usersRepo.getForAdmin>>>;

/** The target user as the actor may see it (NOT_FOUND across parties), after the administer rule. */
export async function administrable(tx: Tx, actor: Actor, userId: string) {
  const target = await usersRepo.getForAdmin(tx, userId);
  if (!target) throw notFound('That user');
  const problem = administerProblem(
    { userId: actor.userId, partyKind: actor.partyKind, permissions: actor.permissions },
    { userId: target.id, partyKind: target.partyKind, permissions: target.permissions },
  );
  if (problem) throw new DomainError('FORBIDDEN', problem);
  return target;
}

export const acting = (ctx: Context, actor: Actor, target: { id: string; partyId: string }) => ({
  partyId: target.partyId,
  actorUserId: actor.userId,
  entityType: 'user',
  entityId: target.id,
  crossParty: target.partyId !== actor.partyId,
  ...requestFields(ctx),
});

/**
 * Invites a user into the actor's party (internal staff: into `partyId`), with roles the actor may grant.
 * The user exists as `invited` with no password; a 7-day single-use link goes to the outbox. Inviting an
 * address already invited into the same party sends a fresh link (the old one stops working).
 */
export async function invite(
  ctx: Context,
  actor: Actor,
  input: { email: string; displayName: string; roles: string[]; partyId?: string | undefined },
) {
  const scope = scopeFor(actor);
  const partyId = scope.kind === 'all' ? (input.partyId ?? actor.partyId) : actor.partyId;
  if (scope.kind === 'party' && input.partyId && input.partyId !== actor.partyId) throw notFound('That party');
  const roleKeys = [...new Set(input.roles)];
  const { id, token, secretHash } = mintSplitToken();
  const expiresAt = new Date(ctx.clock.now() + INVITATION_TTL_MS);
  // The address is global (one account per address): looked up across parties on purpose, before the
  // transaction; an address taken meanwhile hits the unique index and answers CONFLICT.
  const existing = await ctx.db.readOne(SYSTEM_SCOPE, (t) => usersRepo.findByEmail(t, input.email));
  const userId = await ctx.db.tx(scope, async (tx) => {
    const party = await partiesRepo.get(tx, partyId);
    if (!party) throw notFound('That party');
    if (party.status !== 'active') throw new DomainError('CONFLICT', 'That account is suspended.');
    const found = await usersRepo.rolesByKeys(tx, roleKeys);
    for (const key of roleKeys) {
      const role = found.find((r) => r.key === key);
      if (!role) throw invalidField(['roles'], `There is no role ${key}.`);
      const problem = grantProblem(
        { userId: actor.userId, partyKind: actor.partyKind, permissions: actor.permissions },
        role,
        party.kind,
      );
      if (problem) throw new DomainError('FORBIDDEN', problem);
    }
    let user: { id: string; partyId: string };
    if (existing) {
      if (existing.status !== 'invited' || existing.partyId !== partyId) {
        throw new DomainError('CONFLICT', 'A user with that email address already exists.');
      }
      user = { id: existing.id, partyId };
      await invitationsRepo.revokePendingForUser(tx, user.id);
      await usersRepo.setRoles(tx, user.id, partyId, roleKeys);
    } else {
      user = await usersRepo.create(tx, {
        partyId,
        email: input.email,
        displayName: input.displayName,
        passwordHash: null,
        status: 'invited',
      });
      await usersRepo.grantRoles(tx, user.id, partyId, roleKeys);
    }
    await invitationsRepo.insert(tx, { id, partyId, userId: user.id, secretHash, invitedBy: actor.userId, expiresAt });
    const adminGrant = found.some(isAdminRole)
      ? await newSystemAdminAlert(tx, ctx, actor, input.email, found.filter(isAdminRole))
      : null;
    await mailRepo.enqueue(tx, {
      to: input.email,
      kind: 'invitation',
      subject: `You are invited to ${party.name} on Gatehouse`,
      bodyText: [
        `Hello ${input.displayName},`,
        '',
        `${actor.displayName} has invited you to use Gatehouse for ${party.name}.`,
        'Open this link within 7 days to choose your password and sign in:',
        '',
        `${ctx.config.publicOrigin}/accept-invitation#token=${token}`,
        '',
        'If you did not expect this, ignore this message.',
      ].join('\n'),
    });
    await auditRepo.record(tx, {
      action: 'invitation.created',
      outcome: 'success',
      details: {
        roles: roleKeys,
        resent: Boolean(existing),
        ...(adminGrant ? { systemAdminGranted: adminGrant } : {}),
      },
      ...acting(ctx, actor, user),
    });
    return user.id;
  });
  ctx.mail.kick();
  return { userId, expiresAt };
}

/** Lifts every sign-in block on a user's account (account, account + IP, second-factor codes). */
export async function unlock(ctx: Context, actor: Actor, userId: string) {
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const target = await administrable(tx, actor, userId);
    // The counters live outside the transaction (they must hold across instances); the audit entry is
    // written only once they are cleared, so no unlock is recorded that did not happen.
    const cleared = await ctx.throttle.unlock(target.email, target.id);
    await auditRepo.record(tx, {
      action: 'auth.unlocked',
      outcome: 'success',
      details: { countersCleared: cleared },
      ...acting(ctx, actor, target),
    });
  });
  return { ok: true as const };
}

/**
 * Turns a user's second factor off (lost phone): TOTP and recovery codes removed, every session ended,
 * audited, and the user told by mail. If policy requires 2FA, the next sign-in goes to enrolment.
 */
export async function resetTwoFactor(ctx: Context, actor: Actor, userId: string) {
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const target = await administrable(tx, actor, userId);
    const had = await mfaRepo.removeAll(tx, target.id);
    if (!had) throw new DomainError('CONFLICT', 'This user has no second factor to reset.');
    const ended = await sessionsRepo.removeAllForUser(tx, target.id);
    await auditRepo.record(tx, {
      action: 'mfa.reset_by_admin',
      outcome: 'success',
      details: { sessionsEnded: ended },
      ...acting(ctx, actor, target),
    });
    await mailRepo.enqueue(tx, {
      to: target.email,
      kind: 'mfa-reset',
      subject: 'Two-factor authentication on your Gatehouse account was reset',
      bodyText: [
        `Hello ${target.displayName},`,
        '',
        `${actor.displayName} has turned off two-factor authentication on your account and signed you out`,
        'everywhere. Sign in again and set it up anew (your organisation may require it).',
        '',
        'If you did not ask for this, contact your administrator at once.',
      ].join('\n'),
    });
  });
  ctx.mail.kick();
  return { ok: true as const };
}

// ---- delegated administration: list, detail, roles, status, sessions

const principal = (actor: Actor) => ({
  userId: actor.userId,
  partyKind: actor.partyKind,
  permissions: actor.permissions,
});

/** "Locked" as the users list and the home count it: the throttle's own limits, now. */
export const lockedRule = (ctx: Context): usersRepo.LockedRule => ({
  now: new Date(ctx.clock.now()),
  perAccount: DEFAULT_THROTTLE.failuresPerAccountPerDay,
  perAccountIp: DEFAULT_THROTTLE.consecutivePerAccountIp,
});

export function list(
  ctx: Context,
  actor: Actor,
  input: Omit<usersRepo.ListUsers, 'partyId' | 'locked'> & {
    partyId?: string | undefined;
    locked?: boolean | undefined;
  },
) {
  const scope = scopeFor(actor);
  // Only staff may narrow to a party; for everyone else the scope already is their party.
  const { partyId, locked, ...rest } = input;
  return ctx.db.readOne(scope, (tx) =>
    usersRepo.listForAdmin(tx, {
      ...rest,
      ...(locked ? { locked: lockedRule(ctx) } : {}),
      ...(scope.kind === 'all' && partyId ? { partyId } : {}),
    }),
  );
}

export async function get(ctx: Context, actor: Actor, userId: string) {
  const detail = await ctx.db.read(scopeFor(actor), async (tx) => {
    const user = await usersRepo.summaryById(tx, userId);
    if (!user) return undefined;
    const sessions = await sessionsRepo.listForUser(tx, userId, new Date(ctx.clock.now()));
    const invitationExpiresAt = await invitationsRepo.pendingExpiry(tx, userId);
    return { ...user, sessions, invitationExpiresAt };
  });
  if (!detail) throw notFound('That user');
  return detail;
}

/** Roles the actor may grant to users of `partyId` (its own party when absent). */
export async function grantableRoles(ctx: Context, actor: Actor, partyId?: string) {
  const scope = scopeFor(actor);
  if (scope.kind === 'party' && partyId && partyId !== actor.partyId) throw notFound('That party');
  return ctx.db.read(scope, async (tx) => {
    const party = await partiesRepo.get(tx, partyId ?? actor.partyId);
    if (!party) throw notFound('That party');
    const all = await usersRepo.allRoles(tx);
    return all
      .filter((r) => grantProblem(principal(actor), r, party.kind) === null)
      .map(({ key, name, partyKind, permissions }) => ({ key, name, partyKind, permissions }));
  });
}

/** "Nobody can remove the last admin of a party": the last active holder of users:manage stays one. */
async function keepLastAdmin(tx: Tx, target: { id: string; partyId: string; permissions: string[] }, losing: boolean) {
  if (!losing || !target.permissions.includes('users:manage')) return;
  if ((await usersRepo.countOthersWith(tx, target.partyId, 'users:manage', target.id)) === 0) {
    throw new DomainError('CONFLICT', 'This is the last administrator of the account; make someone else one first.');
  }
}

/**
 * Replaces a user's roles. Every role added and every role removed must be one the actor may grant (a
 * customer admin cannot strip a role it could not have given); the last admin stays; the user's sessions
 * end (a privilege change), and the audit entry has before and after.
 */
export async function setRoles(ctx: Context, actor: Actor, input: { userId: string; roles: string[] }) {
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const target = await administrable(tx, actor, input.userId);
    await applyRoles(ctx, tx, actor, target, () => input.roles, {});
  });
  return { ok: true as const };
}

/**
 * The one path by which a user's roles change (users.setRoles, an access review's revoke): the grant
 * rule for every role added or removed, the last admin kept, the user's sessions ended, the audit entry.
 * `target` comes from administrable() in the same transaction.
 */
export async function applyRoles(
  ctx: Context,
  tx: Tx,
  actor: Actor,
  target: Administrable,
  next: (current: string[]) => string[],
  details: Record<string, unknown>,
) {
  await usersRepo.lockPartyAdmins(tx, target.partyId);
  const current = (await usersRepo.summaryById(tx, target.id))?.roles ?? [];
  const wanted = [...new Set(next(current))].sort();
  const changed = [...wanted.filter((k) => !current.includes(k)), ...current.filter((k) => !wanted.includes(k))];
  if (changed.length === 0) return;
  const found = await usersRepo.rolesByKeys(tx, changed);
  for (const key of changed) {
    const role = found.find((r) => r.key === key);
    if (!role) throw invalidField(['roles'], `There is no role ${key}.`);
    const problem = grantProblem(principal(actor), role, target.partyKind);
    if (problem) throw new DomainError('FORBIDDEN', problem);
  }
  const after = await usersRepo.rolesByKeys(tx, wanted);
  await keepLastAdmin(tx, target, !after.some((r) => r.permissions.includes('users:manage')));
  await usersRepo.setRoles(tx, target.id, target.partyId, wanted);
  const adminRoles = found.filter((r) => isAdminRole(r) && wanted.includes(r.key));
  const adminGrant = adminRoles.length > 0 ? await newSystemAdminAlert(tx, ctx, actor, target.email, adminRoles) : null;
  const ended = await sessionsRepo.removeAllForUser(tx, target.id);
  await auditRepo.record(tx, {
    action: 'user.roles_changed',
    outcome: 'success',
    details: {
      before: current,
      after: wanted,
      sessionsEnded: ended,
      ...(adminGrant ? { systemAdminGranted: adminGrant } : {}),
      ...details,
    },
    ...acting(ctx, actor, target),
  });
}

/** Deactivation: at once, every session and pending invitation of the user ends. The last admin stays. */
export async function deactivate(ctx: Context, actor: Actor, userId: string) {
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const target = await administrable(tx, actor, userId);
    if (target.status === 'deactivated') return;
    await usersRepo.lockPartyAdmins(tx, target.partyId);
    await keepLastAdmin(tx, target, true);
    await usersRepo.setStatus(tx, target.id, 'deactivated');
    const ended = await sessionsRepo.removeAllForUser(tx, target.id);
    const invitations = await invitationsRepo.revokePendingForUser(tx, target.id);
    await auditRepo.record(tx, {
      action: 'user.deactivated',
      outcome: 'success',
      details: { before: target.status, sessionsEnded: ended, invitationsRevoked: invitations },
      ...acting(ctx, actor, target),
    });
  });
  return { ok: true as const };
}

export async function reactivate(ctx: Context, actor: Actor, userId: string) {
  await ctx.db.tx(scopeFor(actor), async (tx) => {
    const target = await administrable(tx, actor, userId);
    if (target.status === 'active') return;
    if (target.status === 'invited')
      throw new DomainError('CONFLICT', 'This user has not accepted the invitation yet; invite them again instead.');
    await usersRepo.setStatus(tx, target.id, 'active');
    await auditRepo.record(tx, {
      action: 'user.reactivated',
      outcome: 'success',
      details: { before: target.status },
      ...acting(ctx, actor, target),
    });
  });
  return { ok: true as const };
}

export async function signOutEverywhere(ctx: Context, actor: Actor, userId: string) {
  const ended = await ctx.db.tx(scopeFor(actor), async (tx) => {
    const target = await administrable(tx, actor, userId);
    const n = await sessionsRepo.removeAllForUser(tx, target.id);
    await auditRepo.record(tx, {
      action: 'user.signed_out_everywhere',
      outcome: 'success',
      details: { sessionsEnded: n },
      ...acting(ctx, actor, target),
    });
    return n;
  });
  return { ended };
}

/**
 * Rule: a new system admin (any role carrying the internal administrator permissions) is always worth a
 * second look. Returns what the grant's audit entry carries to mark it: the roles and the alert raised.
 */
async function newSystemAdminAlert(
  tx: Tx,
  ctx: Context,
  actor: Actor,
  email: string,
  roles: readonly { key: string }[],
) {
  const keys = roles.map((r) => r.key);
  const alertId = await raiseAlert(tx, new Date(ctx.clock.now()), {
    rule: 'new-system-admin',
    severity: 'warning',
    title: `${email} was made a system administrator by ${actor.email}`,
    details: { user: email, by: actor.email, roles: keys },
  });
  return { roles: keys, alertId };
}
