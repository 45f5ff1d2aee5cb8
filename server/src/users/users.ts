import { randomUUID } from 'node:crypto';
import {
  invitationsRepo,
  mailRepo,
  mfaRepo,
  notificationsRepo,
  partiesRepo,
  sessionsRepo,
  type Tx,
  usersRepo,
} from '@gatehouse/db';
import { raiseAlert } from '../audit/alerts.ts';
import * as audit from '../audit/audit.ts';
import type { Actor } from '../auth/sessions.ts';
import { DEFAULT_THROTTLE } from '../auth/throttle.ts';
import { mintSplitToken } from '../auth/tokens.ts';
import type { Context, ServiceContext, TxContext } from '../context.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { mailFor, readerOf, text } from '../mail/i18n.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { administerProblem, grantProblem, isAdminRole } from './grant-rules.ts';

/**
 * User administration verbs that authentication needs: inviting, unlocking a throttled account and
 * resetting a second factor. Each checks the grant rules (grant-rules.ts) inside the transaction that
 * acts, writes its audit entry there, and tells the affected user by mail.
 */

const INVITATION_DAYS = 7;
export const INVITATION_TTL_MS = INVITATION_DAYS * 24 * 3_600_000;

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

export const acting = (ctx: ServiceContext, target: { id: string; partyId: string }) => ({
  partyId: target.partyId,
  entityType: 'user',
  entityId: target.id,
  crossParty: target.partyId !== ctx.actor.partyId,
});

/**
 * The invitation mail: the link is the only credential, so it goes only to the invitee's address. The
 * invitee has chosen no language yet, so it is written in the inviting user's (docs/i18n.md, "Mail").
 */
function invitationMail(actor: Actor, to: { email: string; displayName: string }, partyName: string, link: string) {
  const values = { name: to.displayName, inviter: actor.displayName, party: partyName, link, days: INVITATION_DAYS };
  return mailFor(
    { email: to.email, ...actor.preferences },
    'invitation',
    { key: 'invitation.subject', values },
    { key: 'invitation.body', values },
  );
}

/** A new single-use link for `userId`, replacing every pending one (the old links stop working at once). */
async function issueInvitation(ctx: TxContext, user: { id: string; partyId: string }) {
  const { tx, actor } = ctx;
  const { id, token, secretHash } = mintSplitToken();
  const expiresAt = new Date(ctx.clock.now() + INVITATION_TTL_MS);
  const revoked = await invitationsRepo.revokePendingForUser(tx, user.id);
  await invitationsRepo.insert(tx, {
    id,
    partyId: user.partyId,
    userId: user.id,
    secretHash,
    invitedBy: actor.userId,
    expiresAt,
  });
  return { expiresAt, revoked, link: `${ctx.config.publicOrigin}/accept-invitation#token=${token}` };
}

/**
 * Invites a user into the actor's party (internal staff: into `partyId`), with roles the actor may grant.
 * The user exists as `invited` with no password; a 7-day single-use link goes to the outbox. Inviting an
 * address already invited into the same party (or whose invitation was revoked) sends a fresh link and the
 * old one stops working: there is never a second live invitation.
 *
 * Addresses are global (one account per address), but a customer or supplier admin must not learn which
 * addresses exist outside its own party. So an address that belongs to another party (a customer's user,
 * internal staff) gets the very answer a fresh address gets, after the same checks, and nothing usable is
 * made: no user, no invitation. The address's owner is told by mail that someone tried to invite them; the
 * inviting party's trail shows the invitation as sent, and the owner's party's trail records the attempt
 * (`invitation.address_taken`), so staff can see both. Within the caller's own party, and for staff who
 * see every party anyway, an existing address is a plain CONFLICT.
 */
export async function invite(
  ctx: ServiceContext,
  input: { email: string; displayName: string; roles: string[]; partyId?: string | undefined },
) {
  const { actor } = ctx;
  const scope = ctx.scope;
  const partyId = scope.kind === 'all' ? (input.partyId ?? actor.partyId) : actor.partyId;
  if (scope.kind === 'party' && input.partyId && input.partyId !== actor.partyId) throw notFound('That party');
  const roleKeys = [...new Set(input.roles)];
  // The address is global (one account per address): looked up across parties on purpose, before the
  // transaction; an address taken meanwhile hits the unique index and answers CONFLICT.
  const existing = await ctx.db.readOne(SYSTEM_SCOPE, (t) => usersRepo.findByEmail(t, input.email));
  const elsewhere = Boolean(existing && scope.kind === 'party' && existing.partyId !== partyId);
  const result = await ctx.db.tx(scope, async (tx) => {
    const party = await partiesRepo.get(tx, partyId);
    if (!party) throw notFound('That party');
    if (party.status !== 'active') throw new DomainError('CONFLICT', { key: 'user.suspended' });
    const found = await usersRepo.rolesByKeys(tx, roleKeys);
    for (const key of roleKeys) {
      const role = found.find((r) => r.key === key);
      if (!role) throw invalidField(['roles'], { key: 'user.noRole', values: { role: key } });
      const problem = grantProblem(
        { userId: actor.userId, partyKind: actor.partyKind, permissions: actor.permissions },
        role,
        party.kind,
      );
      if (problem) throw new DomainError('FORBIDDEN', problem);
    }
    if (elsewhere) return { userId: randomUUID(), expiresAt: new Date(ctx.clock.now() + INVITATION_TTL_MS), party };
    let user: { id: string; partyId: string };
    if (existing) {
      const reopen = existing.status === 'invited' || (existing.status === 'deactivated' && existing.neverActivated);
      if (!reopen || existing.partyId !== partyId) {
        throw new DomainError('CONFLICT', { key: 'user.exists' });
      }
      user = { id: existing.id, partyId };
      if (existing.status !== 'invited') await usersRepo.setStatus(tx, user.id, 'invited');
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
    const issued = await issueInvitation({ ...ctx, tx }, user);
    const adminGrant = found.some(isAdminRole)
      ? await newSystemAdminAlert({ ...ctx, tx }, input.email, found.filter(isAdminRole))
      : null;
    await mailRepo.enqueue(tx, invitationMail(actor, input, party.name, issued.link));
    await audit.record(tx, ctx, {
      action: 'invitation.created',
      outcome: 'success',
      details: {
        roles: roleKeys,
        resent: Boolean(existing),
        ...(adminGrant ? { systemAdminGranted: adminGrant } : {}),
      },
      ...acting(ctx, user),
    });
    return { userId: user.id, expiresAt: issued.expiresAt, party };
  });
  if (elsewhere && existing) {
    // Under the system scope: the attempt is recorded in the owner's party too, which the caller's own
    // scope cannot write to. The caller's trail gets the entry a fresh invitation would have written.
    await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
      await audit.record(tx, ctx, {
        action: 'invitation.created',
        outcome: 'success',
        details: { roles: roleKeys, resent: false },
        ...acting(ctx, { id: result.userId, partyId }),
      });
      await audit.record(tx, ctx, {
        action: 'invitation.address_taken',
        outcome: 'failure',
        partyId: existing.partyId,
        entityType: 'user',
        entityId: existing.id,
        crossParty: true,
        details: { invitingPartyId: partyId, roles: roleKeys },
      });
      // The address is an existing user's: written in their language.
      const values = { name: existing.displayName, inviter: actor.displayName, party: result.party.name };
      await mailRepo.enqueue(
        tx,
        mailFor(
          { email: input.email, ...(await notificationsRepo.readerPreferences(tx, existing.id)) },
          'invitation-address-taken',
          { key: 'invitation.address_taken.subject', values },
          { key: 'invitation.address_taken.body', values },
        ),
      );
    });
  }
  ctx.mail.kick();
  return { userId: result.userId, expiresAt: result.expiresAt };
}

/** A pending invitation's target: the user as the actor may administer it, still waiting to accept. */
async function pendingInvitee(tx: Tx, actor: Actor, userId: string) {
  const target = await administrable(tx, actor, userId);
  if (target.status !== 'invited') {
    throw new DomainError('CONFLICT', { key: 'user.noInvitation' });
  }
  return target;
}

/**
 * A fresh 7-day link for a pending (or expired) invitation; the old link stops working in the same
 * transaction. Only a link's hash is stored, so "copy link" cannot show the old one: it mints a new one
 * and hands it to the admin once (`delivery: 'link'`) instead of mailing it.
 */
export async function resendInvitation(ctx: ServiceContext, input: { userId: string; delivery: 'mail' | 'link' }) {
  const { actor } = ctx;
  const issued = await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await pendingInvitee(tx, actor, input.userId);
    const party = await partiesRepo.get(tx, target.partyId);
    if (party?.status !== 'active') throw new DomainError('CONFLICT', { key: 'user.suspended' });
    const fresh = await issueInvitation({ ...ctx, tx }, target);
    if (input.delivery === 'mail') await mailRepo.enqueue(tx, invitationMail(actor, target, party.name, fresh.link));
    await audit.record(tx, ctx, {
      action: 'invitation.resent',
      outcome: 'success',
      details: { delivery: input.delivery, invitationsReplaced: fresh.revoked },
      ...acting(ctx, target),
    });
    return fresh;
  });
  if (input.delivery === 'mail') ctx.mail.kick();
  return { expiresAt: issued.expiresAt, link: input.delivery === 'link' ? issued.link : null };
}

/**
 * Revokes a pending invitation: every link of it stops working and the never-activated user is
 * deactivated (it stays listed, as any deactivated user). Inviting the address again reopens it.
 */
export async function revokeInvitation(ctx: ServiceContext, userId: string) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await pendingInvitee(tx, actor, userId);
    const revoked = await invitationsRepo.revokePendingForUser(tx, target.id);
    await usersRepo.setStatus(tx, target.id, 'deactivated');
    await audit.record(tx, ctx, {
      action: 'invitation.revoked',
      outcome: 'success',
      details: { invitationsRevoked: revoked },
      ...acting(ctx, target),
    });
  });
  return { ok: true as const };
}

/** Lifts every sign-in block on a user's account (account, account + IP, second-factor codes). */
export async function unlock(ctx: ServiceContext, userId: string) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await administrable(tx, actor, userId);
    // The counters live outside the transaction (they must hold across instances); the audit entry is
    // written only once they are cleared, so no unlock is recorded that did not happen.
    const cleared = await ctx.throttle.unlock(target.email, target.id);
    await audit.record(tx, ctx, {
      action: 'auth.unlocked',
      outcome: 'success',
      details: { countersCleared: cleared },
      ...acting(ctx, target),
    });
  });
  return { ok: true as const };
}

/**
 * Turns a user's second factor off (lost phone): TOTP and recovery codes removed, every session ended,
 * audited, and the user told by mail. If policy requires 2FA, the next sign-in goes to enrolment.
 */
export async function resetTwoFactor(ctx: ServiceContext, userId: string) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await administrable(tx, actor, userId);
    const had = await mfaRepo.removeAll(tx, target.id);
    if (!had) throw new DomainError('CONFLICT', { key: 'user.noSecondFactor' });
    const ended = await sessionsRepo.removeAllForUser(tx, target.id);
    await audit.record(tx, ctx, {
      action: 'mfa.reset_by_admin',
      outcome: 'success',
      details: { sessionsEnded: ended },
      ...acting(ctx, target),
    });
    // Security mail, in the user's own language (docs/i18n.md, "Mail").
    const reader = readerOf(await notificationsRepo.readerPreferences(tx, target.id));
    const values = { name: target.displayName, admin: actor.displayName };
    await mailRepo.enqueue(tx, {
      to: target.email,
      kind: 'mfa-reset',
      subject: text(reader, { key: 'mfa_reset.subject' }),
      bodyText: text(reader, { key: 'mfa_reset.body', values }),
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
  ctx: ServiceContext,
  input: Omit<usersRepo.ListUsers, 'partyId' | 'locked'> & {
    partyId?: string | undefined;
    locked?: boolean | undefined;
  },
) {
  const scope = ctx.scope;
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

export async function get(ctx: ServiceContext, userId: string) {
  const detail = await ctx.db.read(ctx.scope, async (tx) => {
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
export async function grantableRoles(ctx: ServiceContext, partyId?: string) {
  const { actor } = ctx;
  const scope = ctx.scope;
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
    throw new DomainError('CONFLICT', { key: 'user.lastAdmin' });
  }
}

/**
 * Replaces a user's roles. Every role added and every role removed must be one the actor may grant (a
 * customer admin cannot strip a role it could not have given); the last admin stays; the user's sessions
 * end (a privilege change), and the audit entry has before and after.
 */
export async function setRoles(ctx: ServiceContext, input: { userId: string; roles: string[] }) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await administrable(tx, actor, input.userId);
    await applyRoles({ ...ctx, tx }, target, () => input.roles, {});
  });
  return { ok: true as const };
}

/**
 * The one path by which a user's roles change (users.setRoles, an access review's revoke): the grant
 * rule for every role added or removed, the last admin kept, the user's sessions ended, the audit entry.
 * `target` comes from administrable() in the same transaction.
 */
export async function applyRoles(
  ctx: TxContext,
  target: Administrable,
  next: (current: string[]) => string[],
  details: Record<string, unknown>,
) {
  const { tx, actor } = ctx;
  await usersRepo.lockPartyAdmins(tx, target.partyId);
  const current = (await usersRepo.summaryById(tx, target.id))?.roles ?? [];
  const wanted = [...new Set(next(current))].sort();
  const changed = [...wanted.filter((k) => !current.includes(k)), ...current.filter((k) => !wanted.includes(k))];
  if (changed.length === 0) return;
  const found = await usersRepo.rolesByKeys(tx, changed);
  for (const key of changed) {
    const role = found.find((r) => r.key === key);
    if (!role) throw invalidField(['roles'], { key: 'user.noRole', values: { role: key } });
    const problem = grantProblem(principal(actor), role, target.partyKind);
    if (problem) throw new DomainError('FORBIDDEN', problem);
  }
  const after = await usersRepo.rolesByKeys(tx, wanted);
  await keepLastAdmin(tx, target, !after.some((r) => r.permissions.includes('users:manage')));
  await usersRepo.setRoles(tx, target.id, target.partyId, wanted);
  const adminRoles = found.filter((r) => isAdminRole(r) && wanted.includes(r.key));
  const adminGrant = adminRoles.length > 0 ? await newSystemAdminAlert(ctx, target.email, adminRoles) : null;
  const ended = await sessionsRepo.removeAllForUser(tx, target.id);
  await audit.record(tx, ctx, {
    action: 'user.roles_changed',
    outcome: 'success',
    details: {
      before: current,
      after: wanted,
      sessionsEnded: ended,
      ...(adminGrant ? { systemAdminGranted: adminGrant } : {}),
      ...details,
    },
    ...acting(ctx, target),
  });
}

/** Deactivation: at once, every session and pending invitation of the user ends. The last admin stays. */
export async function deactivate(ctx: ServiceContext, userId: string) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await administrable(tx, actor, userId);
    if (target.status === 'deactivated') return;
    await usersRepo.lockPartyAdmins(tx, target.partyId);
    await keepLastAdmin(tx, target, true);
    await usersRepo.setStatus(tx, target.id, 'deactivated');
    const ended = await sessionsRepo.removeAllForUser(tx, target.id);
    const invitations = await invitationsRepo.revokePendingForUser(tx, target.id);
    await audit.record(tx, ctx, {
      action: 'user.deactivated',
      outcome: 'success',
      details: { before: target.status, sessionsEnded: ended, invitationsRevoked: invitations },
      ...acting(ctx, target),
    });
  });
  return { ok: true as const };
}

export async function reactivate(ctx: ServiceContext, userId: string) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await administrable(tx, actor, userId);
    if (target.status === 'active') return;
    if (target.status === 'invited') throw new DomainError('CONFLICT', { key: 'user.notAccepted' });
    await usersRepo.setStatus(tx, target.id, 'active');
    await audit.record(tx, ctx, {
      action: 'user.reactivated',
      outcome: 'success',
      details: { before: target.status },
      ...acting(ctx, target),
    });
  });
  return { ok: true as const };
}

export async function signOutEverywhere(ctx: ServiceContext, userId: string) {
  const { actor } = ctx;
  const ended = await ctx.db.tx(ctx.scope, async (tx) => {
    const target = await administrable(tx, actor, userId);
    const n = await sessionsRepo.removeAllForUser(tx, target.id);
    await audit.record(tx, ctx, {
      action: 'user.signed_out_everywhere',
      outcome: 'success',
      details: { sessionsEnded: n },
      ...acting(ctx, target),
    });
    return n;
  });
  return { ended };
}

/**
 * Rule: a new system admin (any role carrying the internal administrator permissions) is always worth a
 * second look. Returns what the grant's audit entry carries to mark it: the roles and the alert raised.
 */
async function newSystemAdminAlert(ctx: TxContext, email: string, roles: readonly { key: string }[]) {
  const { tx, actor } = ctx;
  const keys = roles.map((r) => r.key);
  const alertId = await raiseAlert(tx, new Date(ctx.clock.now()), {
    rule: 'new-system-admin',
    severity: 'warning',
    mail: { key: 'alert.new_system_admin', values: { user: email, by: actor.email } },
    text: { key: 'new-system-admin', values: { user: email, by: actor.email } },
    details: { user: email, by: actor.email, roles: keys },
  });
  return { roles: keys, alertId };
}
