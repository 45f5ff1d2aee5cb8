import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, jarOf, useTestServer } from './support/harness.ts';

const t = useTestServer();

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate({ email: u.email, password: u.password });
  return c;
}

describe('auth.sessions', () => {
  it('lists the user’s live sessions with the current one marked, and nothing secret', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const a = await signedIn(u);
    await signedIn(u);
    const list = await a.auth.sessions.list.query();
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.find((s) => s.current)?.id).toBe(jarOf(a).get('gh_session')?.split('.')[0]);
    expect(JSON.stringify(list)).not.toMatch(/secret|hash/i);
    expect(typeof list[0]?.lastSeenAt).toBe('string');
  });

  it('revoking one session ends it on its next request, and is audited', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const a = await signedIn(u);
    const b = await signedIn(u);
    const other = (await a.auth.sessions.list.query()).find((s) => !s.current);
    expect(await a.auth.sessions.revoke.mutate({ id: other?.id as string })).toEqual({ ended: 1 });
    expect(await codeOf(b.auth.me.query())).toBe('UNAUTHORIZED');
    expect((await a.auth.me.query()).user.email).toBe(u.email);
    const [row] =
      await t.owner`select details from audit_events where action = 'session.revoked' and actor_user_id = ${u.userId}`;
    expect(row?.details).toEqual({ scope: 'one', ended: 1 });
  });

  it("another user's session id is NOT_FOUND and stays alive", async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const v = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const a = await signedIn(u);
    const victim = await signedIn(v);
    const victimId = jarOf(victim).get('gh_session')?.split('.')[0] as string;
    expect(await codeOf(a.auth.sessions.revoke.mutate({ id: victimId }))).toBe('NOT_FOUND');
    expect(await codeOf(victim.auth.me.query())).toBe('OK');
  });

  it('"all others" ends every other session and keeps this one', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const a = await signedIn(u);
    const others = [await signedIn(u), await signedIn(u)];
    expect(await a.auth.sessions.revoke.mutate({ allOthers: true })).toEqual({ ended: 2 });
    for (const o of others) expect(await codeOf(o.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(a.auth.me.query())).toBe('OK');
  });
});

describe('auth.changePassword', () => {
  it('refuses a wrong current password and a weak new one, saying which rule failed', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const a = await signedIn(u);
    const wrong = await a.auth.changePassword
      .mutate({ currentPassword: 'not-it-at-all', newPassword: 'a fine new passphrase' })
      .catch((e) => e);
    expect(wrong.message).toBe('Your current password is not correct.');
    const weak = await a.auth.changePassword
      .mutate({ currentPassword: u.password, newPassword: 'short' })
      .catch((e) => e);
    expect(weak.message).toBe('Use at least 12 characters.');
    const personal = await a.auth.changePassword
      .mutate({ currentPassword: u.password, newPassword: `${u.email} is mine` })
      .catch((e) => e);
    expect(personal.message).toMatch(/email address, name or company/);
    expect(await codeOf(a.auth.me.query())).toBe('OK'); // nothing changed
  });

  it('ends every session of the user, rotates this one, and only the new password works', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const a = await signedIn(u);
    const b = await signedIn(u);
    const before = jarOf(a).get('gh_session');
    await a.auth.changePassword.mutate({ currentPassword: u.password, newPassword: 'a brand new passphrase' });
    expect(jarOf(a).get('gh_session')).not.toBe(before); // rotated
    expect(await codeOf(a.auth.me.query())).toBe('OK');
    expect(await codeOf(b.auth.me.query())).toBe('UNAUTHORIZED');
    const stale = client(t.srv.origin);
    jarOf(stale).set('gh_session', before as string);
    expect(await codeOf(stale.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(client(t.srv.origin).auth.login.mutate({ email: u.email, password: u.password }))).toBe(
      'UNAUTHORIZED',
    );
    expect(
      await codeOf(client(t.srv.origin).auth.login.mutate({ email: u.email, password: 'a brand new passphrase' })),
    ).toBe('OK');
    const [row] =
      await t.owner`select details from audit_events where action = 'auth.password_changed' and actor_user_id = ${u.userId}`;
    expect(row?.details).toEqual({ sessionsEnded: 2 });
  });
});
