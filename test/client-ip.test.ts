import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * A server listening on `::` (dual stack) sees IPv4 clients as `::ffff:127.0.0.1`. The client IP is
 * normalised where it is determined, so the audit trail, the allowlists and the audit search all speak
 * of `127.0.0.1`; the search normalises what it is given too.
 */
const t = useTestServer({ HOST: '::' });

describe('client IP behind a dual-stack listener', () => {
  it('stores an IPv4 client as IPv4, and the audit search for either spelling finds it', async () => {
    const port = new URL(t.srv.origin).port;
    // Over IPv4 explicitly (localhost might resolve to ::1), with the page origin the server expects.
    const ipv4 = `http://127.0.0.1:${port}`;
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const c = client(ipv4, { headers: { origin: t.srv.origin } });
    await c.auth.login.mutate(user);

    const rows = await t.owner`
      select ip from audit_events where actor_user_id = ${user.userId} and action = 'auth.login_succeeded'`;
    expect(rows.map((r) => r.ip)).toEqual(['127.0.0.1']);
    const sessions = await c.auth.sessions.list.query();
    expect(sessions.map((s) => s.ip)).toEqual(['127.0.0.1']);

    for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '::FFFF:7f00:1']) {
      const found = await c.audit.search.query({ ip, action: 'auth.login_succeeded' });
      expect(found.items.map((e) => e.actorUserId)).toEqual([user.userId]);
      expect(found.items[0]?.ip).toBe('127.0.0.1');
    }
  });

  it('an allowlist of 127.0.0.1/32 admits that IPv4 client', async () => {
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    await t.owner`update parties set ip_allowlist = ${['127.0.0.1/32']} where id = ${user.partyId}`;
    const port = new URL(t.srv.origin).port;
    const c = client(`http://127.0.0.1:${port}`, { headers: { origin: t.srv.origin } });
    await c.auth.login.mutate(user);
    expect((await c.auth.me.query()).user.email).toBe(user.email);
  });
});
