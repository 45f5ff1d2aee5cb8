import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, jarOf, signedInMe, useTestServer } from './support/harness.ts';

/**
 * Policies per role and per party (second factor, session timeouts, IP allowlists), re-authentication
 * for sensitive actions, and the admin verbs around sign-in (unlock, second-factor reset). The shipped role
 * policies are on here. The proxy at 127.0.0.1 is trusted, so X-Forwarded-For plays the client address.
 */
const t = useTestServer({ TRUST_PROXY: '127.0.0.1/32' }, { shippedRolePolicies: true });

const from = (ip: string) => client(t.srv.origin, { headers: { 'x-forwarded-for': ip } });
const step = () => Math.floor(t.srv.clock.now() / 30_000);
const codeFor = (secret: string) => generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step()), 6);

/** Signs in and completes TOTP enrolment; returns the client (its session rotated) and the secret. */
async function enrol(c: ReturnType<typeof from>, password: string) {
  const { secret } = await c.auth.twoFactor.beginTotp.mutate({ password });
  await c.auth.twoFactor.confirmTotp.mutate({ code: codeFor(secret) });
  t.srv.clock.advance(30_000);
  return secret;
}

/** A system admin signed in with TOTP (its role requires it), from `ip`. */
async function systemAdmin(ip = '198.51.100.1') {
  const a = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
  const c = from(ip);
  signedInMe(await c.auth.login.mutate(a));
  const secret = await enrol(c, a.password);
  return { ...a, c, secret };
}

const noPolicy = { sessionIdleMinutes: null, sessionAbsoluteHours: null, ipAllowlist: null };

describe('second factor required by policy', () => {
  it('ships requiring it of staff and customer/supplier admins, not of their users', async () => {
    const rows = await t.owner`select key, require_totp from roles order by key`;
    const required = rows.filter((r) => r.require_totp).map((r) => r.key);
    expect(required).toEqual(['approver', 'auditor', 'customer-admin', 'operator', 'supplier-admin', 'system-admin']);
  });

  it('sends an admin without 2FA to enrolment: only auth works until it is set up, then the id rotates', async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const c = from('198.51.100.2');
    const me = signedInMe(await c.auth.login.mutate(admin));
    expect(me.security).toMatchObject({ totp: false, mustEnrolTotp: true });
    expect(await errorOf(c.orders.list.query({}))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'totp-enrolment-required',
    });
    expect((await c.auth.me.query()).security.mustEnrolTotp).toBe(true);
    const before = jarOf(c).get('gh_session');
    await enrol(c, admin.password);
    expect(jarOf(c).get('gh_session')).not.toBe(before); // rotated at the privilege change
    const stale = from('198.51.100.2');
    jarOf(stale).set('gh_session', before ?? '');
    expect(await codeOf(stale.auth.me.query())).toBe('UNAUTHORIZED');
    expect((await c.auth.me.query()).security).toMatchObject({ totp: true, mustEnrolTotp: false });
    expect((await c.orders.list.query({})).items).toEqual([]);
  });

  it('a customer user is not asked, unless its party tightens the policy', async () => {
    const sys = await systemAdmin();
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const c = from('198.51.100.3');
    expect(signedInMe(await c.auth.login.mutate(u)).security.mustEnrolTotp).toBe(false);
    expect(await codeOf(c.orders.list.query({}))).toBe('OK');
    await sys.c.policies.setParty.mutate({ partyId: u.partyId, requireTotp: true, ...noPolicy });
    // Applies at once, to the session already open.
    expect(await errorOf(c.orders.list.query({}))).toMatchObject({ reason: 'totp-enrolment-required' });
  });
});

describe('session policies', () => {
  it('a role policy shortens the idle timeout of sessions already open', async () => {
    const sys = await systemAdmin();
    const supplier = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user']);
    const c = from('198.51.100.4');
    await c.auth.login.mutate(supplier);
    await sys.c.policies.setRole.mutate({
      roleKey: 'supplier-user',
      requireTotp: false,
      ...noPolicy,
      sessionIdleMinutes: 5,
    });
    t.srv.clock.advance(4 * 60_000);
    expect(await codeOf(c.auth.me.query())).toBe('OK');
    t.srv.clock.advance(5 * 60_000 + 1_000);
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
    await sys.c.auth.reauthenticate.mutate({ password: sys.password });
    await sys.c.policies.setRole.mutate({ roleKey: 'supplier-user', requireTotp: false, ...noPolicy });
  });

  it('a party policy shortens the absolute lifetime, and can only tighten the global one', async () => {
    const sys = await systemAdmin();
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const loosen = await errorOf(
      sys.c.policies.setParty.mutate({ partyId: u.partyId, requireTotp: null, ...noPolicy, sessionIdleMinutes: 60 }),
    );
    expect(loosen).toMatchObject({ code: 'BAD_REQUEST' });
    expect(loosen.message).toMatch(/only tighten/);
    await sys.c.policies.setParty.mutate({
      partyId: u.partyId,
      requireTotp: null,
      ...noPolicy,
      sessionAbsoluteHours: 1,
    });
    const c = from('198.51.100.5');
    await c.auth.login.mutate(u);
    for (let i = 0; i < 6; i++) {
      t.srv.clock.advance(10 * 60_000); // active every 10 minutes: never idle
      expect(await codeOf(c.auth.me.query())).toBe(i < 5 ? 'OK' : 'UNAUTHORIZED');
    }
  });
});

describe('re-authentication for sensitive actions', () => {
  it('is needed after 10 minutes; the password renews it and rotates the session id', async () => {
    const sys = await systemAdmin();
    const role = { roleKey: 'approver', requireTotp: true, ...noPolicy };
    expect(await codeOf(sys.c.policies.setRole.mutate(role))).toBe('OK'); // just signed in
    t.srv.clock.advance(11 * 60_000);
    expect(await errorOf(sys.c.policies.setRole.mutate(role))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'reauth-required',
    });
    expect((await sys.c.auth.me.query()).security.recentAuthUntil).toBeNull();
    expect(await codeOf(sys.c.auth.reauthenticate.mutate({ password: 'not the password' }))).toBe('BAD_REQUEST');
    const before = jarOf(sys.c).get('gh_session');
    const { recentAuthUntil } = await sys.c.auth.reauthenticate.mutate({ password: sys.password });
    expect(Date.parse(recentAuthUntil)).toBeGreaterThan(t.srv.clock.now());
    expect(jarOf(sys.c).get('gh_session')).not.toBe(before);
    expect(await codeOf(sys.c.policies.setRole.mutate(role))).toBe('OK');
    const audit = await t.owner`select action from audit_events where actor_user_id = ${sys.userId} order by id`;
    expect(audit.map((a) => a.action)).toContain('auth.reauthenticated');
  });

  it('policies are for system admins only; the role and party must exist', async () => {
    const sys = await systemAdmin();
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const c = from('198.51.100.6');
    await c.auth.login.mutate(u);
    expect(await codeOf(c.policies.get.query({}))).toBe('FORBIDDEN');
    expect(await codeOf(c.policies.setParty.mutate({ partyId: u.partyId, requireTotp: true, ...noPolicy }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(sys.c.policies.setRole.mutate({ roleKey: 'nope', requireTotp: true, ...noPolicy }))).toBe(
      'NOT_FOUND',
    );
    const bad = await errorOf(
      sys.c.policies.setParty.mutate({
        partyId: u.partyId,
        requireTotp: null,
        ...noPolicy,
        ipAllowlist: ['10.0.0.0/33'],
      }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toBe(
      'IP allowlist, line 1: 10.0.0.0/33 is not a valid IPv4/IPv6 address or CIDR network (e.g. 203.0.113.0/24 or 2001:db8::/32).',
    );
    const got = await sys.c.policies.get.query({ partyId: u.partyId });
    expect(got.yourIp).toBe('198.51.100.1');
    expect(got.roles.find((r) => r.key === 'system-admin')).toMatchObject({
      requireTotp: true,
      sessionIdleMinutes: 15,
    });
  });
});

describe('IP allowlists', () => {
  it('per party, on every request and at sign-in, IPv4 and IPv6, audited', async () => {
    const sys = await systemAdmin();
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const office = from('203.0.113.20');
    const home = from('192.0.2.7');
    const v6 = from('2001:db8:5::9');
    await office.auth.login.mutate(u);
    await home.auth.login.mutate(u);
    await v6.auth.login.mutate(u);
    await sys.c.policies.setParty.mutate({
      partyId: u.partyId,
      requireTotp: null,
      ...noPolicy,
      ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
    });
    expect(await codeOf(office.orders.list.query({}))).toBe('OK');
    expect(await codeOf(v6.orders.list.query({}))).toBe('OK');
    const denied = await errorOf(home.auth.me.query());
    expect(denied).toMatchObject({ code: 'FORBIDDEN', reason: 'ip-not-allowed' });
    expect(denied.message).toContain('192.0.2.7');
    // At sign-in: a correct password from outside is refused; a wrong one still gets the one answer.
    expect(await errorOf(from('192.0.2.7').auth.login.mutate(u))).toMatchObject({ reason: 'ip-not-allowed' });
    expect(await codeOf(from('192.0.2.7').auth.login.mutate({ ...u, password: 'wrong-password-1' }))).toBe(
      'UNAUTHORIZED',
    );
    const audit = await t.owner`select count(*)::int n from audit_events
                                where action = 'auth.ip_denied' and actor_user_id = ${u.userId} and ip = '192.0.2.7'`;
    expect(audit[0]?.n).toBe(2);
  });

  it('per role: the list must admit the address as well as the party list', async () => {
    const sys = await systemAdmin('203.0.113.1');
    const op = await createPartyWithUser(t.srv.db, 'internal', ['auditor']);
    const c = from('192.0.2.50');
    await c.auth.login.mutate(op);
    await enrol(c, op.password);
    await sys.c.policies.setRole.mutate({
      roleKey: 'auditor',
      requireTotp: true,
      ...noPolicy,
      ipAllowlist: ['203.0.113.0/24'],
    });
    expect(await errorOf(c.auth.me.query())).toMatchObject({ reason: 'ip-not-allowed' });
    await sys.c.policies.setRole.mutate({ roleKey: 'auditor', requireTotp: true, ...noPolicy });
    expect(await codeOf(c.auth.me.query())).toBe('OK');
  });

  it('a correct second factor from a refused address gets no session: refused, audited, the code unspent', async () => {
    const sys = await systemAdmin('198.51.100.2');
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const office = from('203.0.113.30');
    await office.auth.login.mutate(u);
    const secret = await enrol(office, u.password);
    await sys.c.policies.setParty.mutate({
      partyId: u.partyId,
      requireTotp: null,
      ...noPolicy,
      ipAllowlist: ['203.0.113.0/24'],
    });
    // The password step from the office earns a challenge; the code is sent from another network.
    const first = await from('203.0.113.30').auth.login.mutate(u);
    if (first.status !== 'second-factor') throw new Error('expected a second-factor step');
    const sessionsBefore = await t.owner`select count(*)::int n from sessions where user_id = ${u.userId}`;
    const home = from('192.0.2.44');
    const refused = await errorOf(
      home.auth.verifySecondFactor.mutate({ challenge: first.challenge, code: codeFor(secret) }),
    );
    // The same answer as every other allowlist denial, and no cookie, no session row.
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'ip-not-allowed' });
    expect(refused.message).toContain('192.0.2.44');
    expect(jarOf(home).size).toBe(0);
    const sessionsAfter = await t.owner`select count(*)::int n from sessions where user_id = ${u.userId}`;
    expect(sessionsAfter[0]?.n).toBe(sessionsBefore[0]?.n);
    const denials = await t.owner`select entity_id from audit_events
                                  where action = 'auth.ip_denied' and actor_user_id = ${u.userId} and ip = '192.0.2.44'`;
    expect(denials.map((d) => d.entity_id)).toEqual(['auth.verifySecondFactor']);
    // The code was not spent on the refusal: from the office it completes the sign-in.
    const office2 = from('203.0.113.31');
    const done = await office2.auth.verifySecondFactor.mutate({ challenge: first.challenge, code: codeFor(secret) });
    expect(done.status).toBe('signed-in');
    expect(await codeOf(office2.orders.list.query({}))).toBe('OK');
  });

  it('an admin cannot lock out its own address without confirming', async () => {
    const sys = await systemAdmin('198.51.100.77');
    const rule = { roleKey: 'system-admin', requireTotp: true, ...noPolicy, ipAllowlist: ['10.0.0.0/8'] };
    const refused = await errorOf(sys.c.policies.setRole.mutate(rule));
    expect(refused).toMatchObject({ code: 'CONFLICT', reason: 'own-ip-excluded' });
    expect(refused.message).toContain('198.51.100.77');
    const [row] = await t.owner`select ip_allowlist from roles where key = 'system-admin'`;
    expect(row?.ip_allowlist).toBeNull(); // nothing half-applied
    // An empty list admits nobody: refused outright.
    expect(await codeOf(sys.c.policies.setRole.mutate({ ...rule, ipAllowlist: [] }))).toBe('BAD_REQUEST');
    await sys.c.policies.setRole.mutate({ ...rule, confirmOwnLockout: true });
    expect(await errorOf(sys.c.auth.me.query())).toMatchObject({ reason: 'ip-not-allowed' });
    await t.owner`update roles set ip_allowlist = null where key = 'system-admin'`;
  });
});

describe('admin unlock and second-factor reset', () => {
  it('a locked user is told by mail, and its admin lifts the lock (audited)', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin'], { partyId: u.partyId });
    const attacker = from('192.0.2.99');
    for (let i = 0; i < 5; i++) await codeOf(attacker.auth.login.mutate({ ...u, password: `wrong-${i}-password` }));
    expect(await codeOf(attacker.auth.login.mutate(u))).toBe('UNAUTHORIZED'); // locked: same answer
    const mail =
      await t.owner`select subject, body_text from mail_outbox where to_address = ${u.email} and kind = 'lockout'`;
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body_text).toContain('192.0.2.99');

    const a = from('192.0.2.100');
    await a.auth.login.mutate(admin);
    await enrol(a, admin.password);
    // Someone else's user: NOT_FOUND; oneself: FORBIDDEN; a plain user: FORBIDDEN.
    const stranger = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    expect(await codeOf(a.users.unlock.mutate({ userId: stranger.userId }))).toBe('NOT_FOUND');
    expect(await codeOf(a.users.unlock.mutate({ userId: admin.userId }))).toBe('FORBIDDEN');
    const plain = from('192.0.2.101');
    await plain.auth.login.mutate(stranger);
    expect(await codeOf(plain.users.unlock.mutate({ userId: stranger.userId }))).toBe('FORBIDDEN');

    await a.users.unlock.mutate({ userId: u.userId });
    expect(await codeOf(attacker.auth.login.mutate(u))).toBe('OK');
    const [audit] = await t.owner`select actor_user_id, party_id from audit_events
                                  where action = 'auth.unlocked' and entity_id = ${u.userId}`;
    expect(audit).toMatchObject({ actor_user_id: admin.userId, party_id: u.partyId });
  });

  it('a second-factor reset ends every session, notifies the user and is audited; staff cannot reset a system admin', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const c = from('192.0.2.110');
    await c.auth.login.mutate(u);
    await enrol(c, u.password);
    const sys = await systemAdmin();
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const opc = from('192.0.2.111');
    await opc.auth.login.mutate(op);
    await enrol(opc, op.password);
    expect(await codeOf(opc.users.resetTwoFactor.mutate({ userId: sys.userId }))).toBe('FORBIDDEN');

    await opc.users.resetTwoFactor.mutate({ userId: u.userId });
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
    expect((await t.owner`select count(*)::int n from mfa_totp where user_id = ${u.userId}`)[0]?.n).toBe(0);
    const mail =
      await t.owner`select count(*)::int n from mail_outbox where to_address = ${u.email} and kind = 'mfa-reset'`;
    expect(mail[0]?.n).toBe(1);
    const [audit] =
      await t.owner`select cross_party from audit_events where action = 'mfa.reset_by_admin' and entity_id = ${u.userId}`;
    expect(audit?.cross_party).toBe(true);
    // Signs in with the password alone now; a second reset has nothing to reset.
    expect((await from('192.0.2.110').auth.login.mutate(u)).status).toBe('signed-in');
    expect(await codeOf(opc.users.resetTwoFactor.mutate({ userId: u.userId }))).toBe('CONFLICT');
  });
});
