import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, jarOf, signedInMe, useTestServer } from './support/harness.ts';

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

  it('refuses roles the inviter may not grant, other parties, own existing addresses and plain users', async () => {
    const admin = await customerAdmin();
    const other = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const fresh = () => ({ email: `x-${Math.random().toString(36).slice(2)}@invitee.example`, displayName: 'X Y' });
    expect(await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['supplier-user'] }))).toBe('FORBIDDEN');
    expect(await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['system-admin'] }))).toBe('FORBIDDEN');
    expect(await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['no-such-role'] }))).toBe('BAD_REQUEST');
    expect(
      await codeOf(admin.c.users.invite.mutate({ ...fresh(), roles: ['customer-user'], partyId: other.partyId })),
    ).toBe('NOT_FOUND');
    // An address in the inviter's own party is a plain CONFLICT (another party's: see below).
    expect(
      await codeOf(admin.c.users.invite.mutate({ email: admin.email, displayName: 'Dup', roles: ['customer-user'] })),
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

  it("another party's address and a staff address answer exactly as a fresh one; the owner is told by mail", async () => {
    const admin = await customerAdmin();
    const otherCustomer = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const staff = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const freshEmail = `fresh-${Date.now()}@invitee.example`;
    const answers: Record<string, { status: number; body: unknown; keys: string[] }> = {};
    // Raw HTTP, so the whole answer (status, shape, message) is compared, not just what the client keeps.
    const cookie = [...jarOf(admin.c)].map(([k, v]) => `${k}=${v}`).join('; ');
    for (const [name, email] of [
      ['fresh', freshEmail],
      ['other customer', otherCustomer.email],
      ['staff', staff.email],
    ] as const) {
      const res = await fetch(`${t.srv.origin}/trpc/users.invite`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.srv.origin, cookie },
        body: JSON.stringify({ email, displayName: 'Someone New', roles: ['customer-user'] }),
      });
      const body = (await res.json()) as { result?: { data?: Record<string, unknown> } };
      const data = body.result?.data ?? {};
      answers[name] = { status: res.status, body, keys: Object.keys(data).sort() };
      expect(res.status, name).toBe(200);
      expect(Date.parse(String(data.expiresAt)) - t.srv.clock.now(), name).toBeGreaterThan(7 * 86_400_000 - 60_000);
    }
    expect(answers['other customer']?.keys).toEqual(answers.fresh?.keys);
    expect(answers.staff?.keys).toEqual(answers.fresh?.keys);
    // Nothing usable was made for the taken addresses: their accounts are untouched, no invitation exists.
    for (const u of [otherCustomer, staff]) {
      const [row] = await t.owner`select party_id, status from users where email = ${u.email}`;
      expect(row).toMatchObject({ party_id: u.partyId, status: 'active' });
      const [inv] = await t.owner`select count(*)::int n from invitations where user_id = ${u.userId}`;
      expect(inv?.n).toBe(0);
      const mails = await t.owner`select kind, subject from mail_outbox where to_address = ${u.email}`;
      expect(mails.map((m) => m.kind)).toEqual(['invitation-address-taken']);
      const [attempt] = await t.owner`select party_id, actor_user_id from audit_events
                                      where action = 'invitation.address_taken' and entity_id = ${u.userId}`;
      expect(attempt).toMatchObject({ party_id: u.partyId, actor_user_id: admin.userId });
    }
    // The inviting party's own trail shows three alike invitations and nothing about the other parties.
    const trail = await admin.c.audit.search.query({ action: 'invitation.created' });
    expect(trail.items).toHaveLength(3);
    expect(JSON.stringify(trail)).not.toContain(otherCustomer.partyId);
    expect(JSON.stringify(trail)).not.toContain(staff.partyId);
    const taken = await admin.c.audit.search.query({ action: 'invitation.address_taken' });
    expect(taken.items).toHaveLength(0);
  });

  it('resend and copy-link replace the old link; revoke ends it; re-inviting reopens', async () => {
    const admin = await customerAdmin();
    const email = `pending-${Date.now()}@invitee.example`;
    const { userId } = await admin.c.users.invite.mutate({
      email,
      displayName: 'Pat Pending',
      roles: ['customer-user'],
    });
    const first = await invitationToken(email);
    const anon = client(t.srv.origin);

    // Resend by mail: a new link, and the first one is dead.
    await admin.c.invitations.resend.mutate({ userId });
    const second = await invitationToken(email);
    expect(second).not.toBe(first);
    expect(await codeOf(anon.auth.invitationInfo.query({ token: first }))).toBe('BAD_REQUEST');
    expect(await codeOf(anon.auth.invitationInfo.query({ token: second }))).toBe('OK');

    // Copy link: handed to the admin once, nothing mailed, the mailed link is dead.
    const mailsBefore = await t.owner`select count(*)::int n from mail_outbox where to_address = ${email}`;
    const copied = await admin.c.invitations.resend.mutate({ userId, delivery: 'link' });
    const third = /accept-invitation#token=(\S+)$/.exec(copied.link ?? '')?.[1] ?? '';
    expect(copied.link?.startsWith(`${t.srv.origin}/accept-invitation#token=`)).toBe(true);
    const mailsAfter = await t.owner`select count(*)::int n from mail_outbox where to_address = ${email}`;
    expect(mailsAfter[0]?.n).toBe(mailsBefore[0]?.n);
    expect(await codeOf(anon.auth.invitationInfo.query({ token: second }))).toBe('BAD_REQUEST');
    expect(await codeOf(anon.auth.invitationInfo.query({ token: third }))).toBe('OK');
    const [live] =
      await t.owner`select count(*)::int n from invitations where user_id = ${userId} and accepted_at is null`;
    expect(live?.n).toBe(1);

    // Inviting the same address again: still one live invitation.
    await admin.c.users.invite.mutate({ email, displayName: 'Pat Pending', roles: ['customer-user'] });
    const [afterReinvite] =
      await t.owner`select count(*)::int n from invitations where user_id = ${userId} and accepted_at is null`;
    expect(afterReinvite?.n).toBe(1);
    expect(await codeOf(anon.auth.invitationInfo.query({ token: third }))).toBe('BAD_REQUEST');

    // Revoke: no live link, the user is deactivated; resend is then a CONFLICT.
    const fourth = await invitationToken(email);
    await admin.c.invitations.revoke.mutate({ userId });
    expect(await codeOf(anon.auth.invitationInfo.query({ token: fourth }))).toBe('BAD_REQUEST');
    const [row] = await t.owner`select status from users where id = ${userId}`;
    expect(row?.status).toBe('deactivated');
    expect(await codeOf(admin.c.invitations.resend.mutate({ userId }))).toBe('CONFLICT');
    expect(await codeOf(admin.c.invitations.revoke.mutate({ userId }))).toBe('CONFLICT');

    // Inviting a revoked address again reopens it, with a working link.
    const again = await admin.c.users.invite.mutate({ email, displayName: 'Pat Pending', roles: ['customer-user'] });
    expect(again.userId).toBe(userId);
    expect(await codeOf(anon.auth.invitationInfo.query({ token: await invitationToken(email) }))).toBe('OK');

    const actions = await t.owner`select action, details from audit_events where entity_id = ${userId} order by id`;
    expect(actions.map((a) => a.action)).toEqual([
      'invitation.created',
      'invitation.resent',
      'invitation.resent',
      'invitation.created',
      'invitation.revoked',
      'invitation.created',
    ]);
    expect(actions[2]?.details).toMatchObject({ delivery: 'link', invitationsReplaced: 1 });
  });

  it("another party's pending invitation answers NOT_FOUND; a plain user may not resend", async () => {
    const admin = await customerAdmin();
    const otherAdmin = await customerAdmin();
    const { userId } = await otherAdmin.c.users.invite.mutate({
      email: `theirs-${Date.now()}@invitee.example`,
      displayName: 'Their Invitee',
      roles: ['customer-user'],
    });
    expect(await errorOf(admin.c.invitations.resend.mutate({ userId, delivery: 'link' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await codeOf(admin.c.invitations.revoke.mutate({ userId }))).toBe('NOT_FOUND');
    const plain = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: otherAdmin.partyId });
    const pc = client(t.srv.origin);
    await pc.auth.login.mutate(plain);
    expect(await codeOf(pc.invitations.resend.mutate({ userId }))).toBe('FORBIDDEN');
    const [row] = await t.owner`select status from users where id = ${userId}`;
    expect(row?.status).toBe('invited');
  });
});
