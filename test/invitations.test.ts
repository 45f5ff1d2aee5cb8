import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, signedInMe, useTestServer } from './support/harness.ts';

/** Invitations through the mail outbox: random, hashed, single-use, short-lived; roles the inviter may grant. */
const t = useTestServer();

/** The token of the newest invitation mailed to `to`, read from the outbox as a self-hoster would. */
async function invitationToken(to: string): Promise<string> {
  const [mail] = await t.owner`select body_text from mail_outbox where to_address = ${to} and kind = 'invitation'
                               order by created_at desc limit 1`;
  const token = /accept-invitation#token=(\S+)/.exec(String(mail?.body_text))?.[1];
  if (!token) throw new Error(`no invitation mailed to ${to}`);
  return token;
}

async function customerAdmin() {
  const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(admin);
  return { ...admin, c };
}

describe('invitations', () => {
  it('a customer admin invites; the invitee accepts, signs in and sees only its party', async () => {
    const admin = await customerAdmin();
    const email = `new-${Date.now()}@invitee.example`;
    const { userId } = await admin.c.users.invite.mutate({
      email,
      displayName: 'Nadia Invitee',
      roles: ['customer-user'],
    });
    const token = await invitationToken(email);
    const [stored] = await t.owner`select secret_hash from invitations where user_id = ${userId}`;
    expect(stored?.secret_hash).not.toContain(token.split('.')[1]);

    const invitee = client(t.srv.origin);
    const info = await invitee.auth.invitationInfo.query({ token });
    expect(info).toMatchObject({ email, displayName: 'Nadia Invitee' });
    // Password rules: which rule failed is said.
    const weak = await errorOf(invitee.auth.acceptInvitation.mutate({ token, password: 'nadia-is-my-password' }));
    expect(weak.code).toBe('BAD_REQUEST');
    expect(weak.message).toMatch(/name/);
    const common = await errorOf(invitee.auth.acceptInvitation.mutate({ token, password: 'password123456' }));
    expect(common.message).toMatch(/too common/);

    const me = signedInMe(await invitee.auth.acceptInvitation.mutate({ token, password: 'quiet harbour lantern 58' }));
    expect(me.party.id).toBe(admin.partyId);
    expect(me.roles).toEqual(['customer-user']);
    expect(await codeOf(invitee.orders.list.query({}))).toBe('OK');
    // Single use; the password works for a normal sign-in.
    expect(await codeOf(invitee.auth.acceptInvitation.mutate({ token, password: 'quiet harbour lantern 58' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await codeOf(invitee.auth.invitationInfo.query({ token }))).toBe('BAD_REQUEST');
    signedInMe(await client(t.srv.origin).auth.login.mutate({ email, password: 'quiet harbour lantern 58' }));
    const actions = await t.owner`select action from audit_events where entity_id = ${userId} order by id`;
    expect(actions.map((a) => a.action)).toEqual(['invitation.created', 'invitation.accepted']);
  });

  it('expires, and a re-sent invitation replaces the old link', async () => {
    const admin = await customerAdmin();
    const email = `late-${Date.now()}@invitee.example`;
    await admin.c.users.invite.mutate({ email, displayName: 'Late Larry', roles: ['customer-user'] });
    const first = await invitationToken(email);
    t.srv.clock.advance(8 * 24 * 3_600_000);
    expect(await codeOf(client(t.srv.origin).auth.invitationInfo.query({ token: first }))).toBe('BAD_REQUEST');
    const again = client(t.srv.origin);
    await again.auth.login.mutate(admin); // the admin's own session has expired meanwhile
    await again.users.invite.mutate({ email, displayName: 'Late Larry', roles: ['customer-user'] });
    const second = await invitationToken(email);
    expect(second).not.toBe(first);
    expect(await codeOf(client(t.srv.origin).auth.invitationInfo.query({ token: second }))).toBe('OK');
  });

  it('two acceptances of one link at once: exactly one wins', async () => {
    const admin = await customerAdmin();
    const email = `race-${Date.now()}@invitee.example`;
    await admin.c.users.invite.mutate({ email, displayName: 'Rita Race', roles: ['customer-user'] });
    const token = await invitationToken(email);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        codeOf(client(t.srv.origin).auth.acceptInvitation.mutate({ token, password: 'velvet compass morning 7' })),
      ),
    );
    expect(results.filter((r) => r === 'OK')).toHaveLength(1);
    expect(results.filter((r) => r === 'BAD_REQUEST')).toHaveLength(2);
  });

  it('refuses roles the inviter may not grant, other parties, existing addresses and plain users', async () => {
    const admin = await customerAdmin();
    const other = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const fresh = () => ({ email: `x-${Math.random().toString(36).slice(2)}@invitee.example`, displayName: 'X Y' });
    expect(await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['supplier-user'] }))).toBe('FORBIDDEN');
    expect(await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['system-admin'] }))).toBe('FORBIDDEN');
    expect(await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['no-such-role'] }))).toBe('BAD_REQUEST');
    expect(
      await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['customer-user'], partyId: other.partyId })),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(admin.c.users.invite.mutate({ email: other.email, displayName: 'Dup', roles: ['customer-user'] })),
    ).toBe('CONFLICT');
    const plain = client(t.srv.origin);
    await plain.auth.login.mutate(other);
    expect(await codeOf(plain.users.invite.mutate({ ...fresh(), roles: ['customer-user'] }))).toBe('FORBIDDEN');
    // Nothing half-applied: no user rows for any refused address.
    const [n] = await t.owner`select count(*)::int n from users where email like 'x-%@invitee.example'`;
    expect(n?.n).toBe(0);
  });

  it('internal staff invite into a customer party they name', async () => {
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const target = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const c = client(t.srv.origin);
    await c.auth.login.mutate(op);
    const email = `staff-invite-${Date.now()}@invitee.example`;
    const { userId } = await c.users.invite.mutate({
      email,
      displayName: 'Cara Customer',
      roles: ['customer-admin'],
      partyId: target.partyId,
    });
    const [row] = await t.owner`select party_id, status from users where id = ${userId}`;
    expect(row).toMatchObject({ party_id: target.partyId, status: 'invited' });
    const [audit] =
      await t.owner`select cross_party from audit_events where action = 'invitation.created' and entity_id = ${userId}`;
    expect(audit?.cross_party).toBe(true);
    // An invited user cannot sign in before accepting.
    expect(await codeOf(client(t.srv.origin).auth.login.mutate({ email, password: 'anything at all 123' }))).toBe(
      'UNAUTHORIZED',
    );
  });
});
