import { suspendDormant } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/** Accounts unused for DORMANT_DAYS are suspended by a job; time is moved on the test clock. */
const t = useTestServer();

describe('dormant accounts', () => {
  it('suspends accounts unused for 90 days, ends their sessions, audits each, and spares recent ones', async () => {
    const idle = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const active = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin'], { partyId: idle.partyId });
    const idleSession = client(t.srv.origin);
    await idleSession.auth.login.mutate(idle);
    await t.owner`update users set last_sign_in_at = now() - interval '91 days' where id = ${idle.userId}`;
    await t.owner`update users set last_sign_in_at = now() - interval '10 days' where id in (${active.userId}, ${admin.userId})`;

    expect(await suspendDormant(t.srv.db, t.srv.clock, 90)).toBe(1);
    const rows = await t.owner`select id, status from users where id in (${idle.userId}, ${active.userId})`;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [idle.userId]: 'suspended',
      [active.userId]: 'active',
    });
    expect(await codeOf(idleSession.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(client(t.srv.origin).auth.login.mutate(idle))).toBe('UNAUTHORIZED');
    const [audit] = await t.owner`select actor_user_id, party_id from audit_events
                                  where action = 'user.suspended_dormant' and entity_id = ${idle.userId}`;
    expect(audit).toMatchObject({ actor_user_id: null, party_id: idle.partyId });
    // Running again changes nothing; two instances at once suspend each account once.
    const again = await Promise.all([
      suspendDormant(t.srv.db, t.srv.clock, 90),
      suspendDormant(t.srv.db, t.srv.clock, 90),
    ]);
    expect(again).toEqual([0, 0]);

    // An admin sees it and reactivates it; the user signs in again.
    const a = client(t.srv.origin);
    await a.auth.login.mutate(admin);
    expect((await a.users.list.query({ status: 'suspended' })).items.map((u) => u.id)).toEqual([idle.userId]);
    await a.users.reactivate.mutate({ userId: idle.userId });
    expect(await codeOf(client(t.srv.origin).auth.login.mutate(idle))).toBe('OK');
  });

  it('moves with the clock and can be turned off', async () => {
    const u = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user']);
    expect(await suspendDormant(t.srv.db, t.srv.clock, 0)).toBe(0);
    t.srv.clock.advance(91 * 86_400_000);
    try {
      expect(await suspendDormant(t.srv.db, t.srv.clock, 0)).toBe(0);
      expect(await suspendDormant(t.srv.db, t.srv.clock, 90)).toBeGreaterThanOrEqual(1);
      const [row] = await t.owner`select status from users where id = ${u.userId}`;
      expect(row?.status).toBe('suspended');
    } finally {
      t.srv.clock.advance(-91 * 86_400_000);
    }
  });
});
