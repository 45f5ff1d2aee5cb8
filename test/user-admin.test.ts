import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';

/** Delegated administration of users: list, detail, roles, deactivation, sessions; the grant rule holds. */
const t = useTestServer();

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return c;
}

/** A customer party with an admin (signed in) and two users. */
async function customerParty() {
  const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  const alice = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
  const bob = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
  return { admin, alice, bob, c: await signedIn(admin) };
}

describe('users.list and users.get', () => {
  it("a customer admin sees its own party's users only, filtered and paged", async () => {
    const p = await customerParty();
    const stranger = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const all = await p.c.users.list.query({});
    expect(all.items.map((u) => u.email).sort()).toEqual([p.admin.email, p.alice.email, p.bob.email].sort());
    expect(all.items.every((u) => u.partyId === p.admin.partyId)).toBe(true);
    const admins = await p.c.users.list.query({ role: 'customer-admin' });
    expect(admins.items.map((u) => u.id)).toEqual([p.admin.userId]);
    const found = await p.c.users.list.query({ search: p.alice.email.slice(0, 20).toUpperCase() });
    expect(found.items.map((u) => u.id)).toContain(p.alice.userId);
    // Staff-only narrowing is ignored for a customer admin: still its own party only.
    expect((await p.c.users.list.query({ partyId: stranger.partyId })).items.map((u) => u.partyId)).not.toContain(
      stranger.partyId,
    );
    const first = await p.c.users.list.query({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await p.c.users.list.query({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(await codeOf(p.c.users.list.query({ cursor: 'forged' }))).toBe('BAD_REQUEST');
    expect(await codeOf(p.c.users.get.query({ userId: stranger.userId }))).toBe('NOT_FOUND');
    const detail = await p.c.users.get.query({ userId: p.alice.userId });
    expect(detail).toMatchObject({ email: p.alice.email, roles: ['customer-user'], totp: false, sessions: [] });
    const plain = await signedIn(p.alice);
    expect(await codeOf(plain.users.list.query({}))).toBe('FORBIDDEN');
  });

  it('an operator lists across parties and may narrow to one', async () => {
    const p = await customerParty();
    const op = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['operator']));
    const narrowed = await op.users.list.query({ partyId: p.admin.partyId });
    expect(narrowed.items).toHaveLength(3);
    expect(await codeOf(op.users.get.query({ userId: p.alice.userId }))).toBe('OK');
  });
});

describe('users.setRoles', () => {
  it('grants and removes delegable roles, ends the user’s sessions, audits before and after', async () => {
    const p = await customerParty();
    const aliceSession = await signedIn(p.alice);
    expect((await p.c.users.grantableRoles.query({})).map((r) => r.key).sort()).toEqual([
      'customer-admin',
      'customer-user',
    ]);
    await p.c.users.setRoles.mutate({ userId: p.alice.userId, roles: ['customer-user', 'customer-admin'] });
    expect(await codeOf(aliceSession.auth.me.query())).toBe('UNAUTHORIZED'); // privilege change
    const [audit] = await t.owner`select details from audit_events
                                  where action = 'user.roles_changed' and entity_id = ${p.alice.userId}`;
    expect(audit?.details).toMatchObject({ before: ['customer-user'], after: ['customer-admin', 'customer-user'] });
  });

  it('refuses every escalation path', async () => {
    const p = await customerParty();
    const stranger = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const cases = {
      supplierRole: p.c.users.setRoles.mutate({ userId: p.alice.userId, roles: ['supplier-admin'] }),
      internalRole: p.c.users.setRoles.mutate({ userId: p.alice.userId, roles: ['system-admin'] }),
      self: p.c.users.setRoles.mutate({ userId: p.admin.userId, roles: ['customer-admin', 'customer-user'] }),
      otherParty: p.c.users.setRoles.mutate({ userId: stranger.userId, roles: ['customer-admin'] }),
      unknownRole: p.c.users.setRoles.mutate({ userId: p.alice.userId, roles: ['root'] }),
    };
    const codes = Object.fromEntries(
      await Promise.all(Object.entries(cases).map(async ([k, v]) => [k, await codeOf(v)] as const)),
    );
    expect(codes).toEqual({
      supplierRole: 'FORBIDDEN',
      internalRole: 'FORBIDDEN',
      self: 'FORBIDDEN',
      otherParty: 'NOT_FOUND',
      unknownRole: 'BAD_REQUEST',
    });
    // A user cannot administer an admin (who holds more than it does).
    const [role] = await t.owner`select roles from (select 1) x, lateral (select array_agg(r.key) roles
                                 from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = ${p.alice.userId}) y`;
    expect(role?.roles).toEqual(['customer-user']); // nothing half-applied
  });

  it('the last admin of a party cannot be removed, even by staff', async () => {
    const p = await customerParty();
    const op = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['operator']));
    const removed = await errorOf(op.users.setRoles.mutate({ userId: p.admin.userId, roles: ['customer-user'] }));
    expect(removed.code).toBe('CONFLICT');
    expect(removed.message).toMatch(/last administrator/);
    expect(await codeOf(op.users.deactivate.mutate({ userId: p.admin.userId }))).toBe('CONFLICT');
    // With a second admin, one may go.
    await op.users.setRoles.mutate({ userId: p.alice.userId, roles: ['customer-admin'] });
    await op.users.setRoles.mutate({ userId: p.admin.userId, roles: ['customer-user'] });
  });

  it('two admins removing each other at the same moment leave one admin', async () => {
    const p = await customerParty();
    await t.owner`insert into user_roles (party_id, user_id, role_id)
                  select ${p.admin.partyId}, ${p.alice.userId}, id from roles where key = 'customer-admin'`;
    const a = await signedIn(p.admin);
    const b = await signedIn(p.alice);
    const results = await Promise.all([
      codeOf(a.users.deactivate.mutate({ userId: p.alice.userId })),
      codeOf(b.users.deactivate.mutate({ userId: p.admin.userId })),
    ]);
    const [left] = await t.owner`select count(*)::int n from users u where party_id = ${p.admin.partyId}
                                 and status = 'active' and exists (select 1 from user_roles ur join roles r on r.id = ur.role_id
                                 where ur.user_id = u.id and 'users:manage' = any(r.permissions))`;
    expect(left?.n).toBe(1);
    expect(results.filter((r) => r === 'OK')).toHaveLength(1);
  });
});

describe('deactivation and sessions', () => {
  it('deactivation ends the open session and pending invitations at once; reactivation restores sign-in', async () => {
    const p = await customerParty();
    const alice = await signedIn(p.alice);
    expect(await codeOf(alice.orders.list.query({}))).toBe('OK');
    const email = `pending-${Date.now()}@invitee.example`;
    const { userId: pending } = await p.c.users.invite.mutate({
      email,
      displayName: 'Pending',
      roles: ['customer-user'],
    });
    await p.c.users.deactivate.mutate({ userId: p.alice.userId });
    expect(await codeOf(alice.orders.list.query({}))).toBe('UNAUTHORIZED');
    expect(await codeOf(client(t.srv.origin).auth.login.mutate(p.alice))).toBe('UNAUTHORIZED');
    await p.c.users.deactivate.mutate({ userId: pending });
    const [inv] = await t.owner`select count(*)::int n from invitations where user_id = ${pending}`;
    expect(inv?.n).toBe(0);
    expect(await codeOf(p.c.users.reactivate.mutate({ userId: p.alice.userId }))).toBe('OK');
    expect(await codeOf(client(t.srv.origin).auth.login.mutate(p.alice))).toBe('OK');
    const actions = await t.owner`select action from audit_events where entity_id = ${p.alice.userId} order by id`;
    expect(actions.map((a) => a.action)).toEqual(['user.deactivated', 'user.reactivated']);
  });

  it('an admin sees a user’s sessions and signs them out everywhere', async () => {
    const p = await customerParty();
    const s1 = await signedIn(p.bob);
    const s2 = await signedIn(p.bob);
    expect((await p.c.users.get.query({ userId: p.bob.userId })).sessions).toHaveLength(2);
    expect(await p.c.users.signOutEverywhere.mutate({ userId: p.bob.userId })).toEqual({ ended: 2 });
    expect(await codeOf(s1.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(s2.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(p.c.users.signOutEverywhere.mutate({ userId: p.admin.userId }))).toBe('FORBIDDEN');
  });
});
