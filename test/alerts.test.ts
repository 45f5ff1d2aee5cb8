import { checkSignInSpike, weakenings } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/** Alert rules raise in the transaction of their cause, show to staff, and go to system admins by mail. */
const t = useTestServer(
  {},
  {
    throttle: {
      consecutivePerAccountIp: 100,
      backoffBaseSeconds: 1,
      backoffMaxSeconds: 1,
      failuresPerIpPerHour: 1000,
      failuresPerAccountPerDay: 3,
      codeAttemptsPer15Minutes: 10,
    },
  },
);

const none = { requireTotp: null, sessionIdleMinutes: null, sessionAbsoluteHours: null, ipAllowlist: null };

describe('security alerts', () => {
  it('weakening is recognised precisely', () => {
    expect(weakenings({ ...none, requireTotp: true }, none)).toEqual(['second factor no longer required']);
    expect(weakenings({ ...none, sessionIdleMinutes: 10 }, { ...none, sessionIdleMinutes: 20 })).toEqual([
      'longer idle timeout',
    ]);
    expect(weakenings({ ...none, sessionIdleMinutes: 10 }, none)).toEqual(['longer idle timeout']);
    expect(weakenings({ ...none, ipAllowlist: ['10.0.0.0/8'] }, none)).toEqual(['IP allowlist removed']);
    expect(
      weakenings({ ...none, ipAllowlist: ['10.0.0.0/8'] }, { ...none, ipAllowlist: ['10.0.0.0/8', '0.0.0.0/0'] }),
    ).toEqual(['networks added to the IP allowlist']);
    expect(
      weakenings(none, { ...none, requireTotp: true, sessionIdleMinutes: 5, ipAllowlist: ['10.0.0.0/8'] }),
    ).toEqual([]);
  });

  it('a new system admin, a weakened policy, a day lock and a spike each raise one alert, mailed to system admins', async () => {
    const sysUser = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
    const sys = client(t.srv.origin);
    await sys.auth.login.mutate(sysUser);
    const newcomer = await createPartyWithUser(t.srv.db, 'internal', [], { partyId: sysUser.partyId });
    await sys.users.setRoles.mutate({ userId: newcomer.userId, roles: ['system-admin'] });
    await sys.policies.setRole.mutate({
      roleKey: 'auditor',
      requireTotp: true,
      ...{ sessionIdleMinutes: null, sessionAbsoluteHours: null, ipAllowlist: null },
    });
    await sys.policies.setRole.mutate({
      roleKey: 'auditor',
      requireTotp: false,
      sessionIdleMinutes: null,
      sessionAbsoluteHours: null,
      ipAllowlist: null,
    });
    const victim = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    for (let i = 0; i < 5; i++)
      await codeOf(client(t.srv.origin).auth.login.mutate({ email: victim.email, password: `nope-${i}-nope` }));

    const { items } = await sys.alerts.list.query({});
    expect(items.map((a) => a.rule).sort()).toEqual(['account-locked', 'new-system-admin', 'policy-weakened']);
    expect(items.find((a) => a.rule === 'policy-weakened')?.title).toMatch(/second factor no longer required/);
    const mails = await t.owner`select to_address from mail_outbox where kind = 'security-alert'`;
    // Each alert to each active system admin (the newcomer became one with the first alert).
    expect(mails.length).toBeGreaterThanOrEqual(5);
    expect(mails.map((m) => m.to_address)).toContain(sysUser.email);

    // The spike job: over 50 failures in 15 minutes raises one alert per window, not one per run.
    for (let i = 0; i < 50; i++)
      await codeOf(client(t.srv.origin).auth.login.mutate({ email: `nobody${i}@x.example`, password: 'x' }));
    expect(await checkSignInSpike(t.srv.db, t.srv.clock)).toBe(true);
    expect(await checkSignInSpike(t.srv.db, t.srv.clock)).toBe(false);

    const open = await sys.alerts.list.query({});
    const first = open.items[0];
    await sys.alerts.acknowledge.mutate({ id: first?.id ?? '' });
    expect(await codeOf(sys.alerts.acknowledge.mutate({ id: first?.id ?? '' }))).toBe('NOT_FOUND');
    expect((await sys.alerts.list.query({})).items).toHaveLength(open.items.length - 1);
    const all = await sys.alerts.list.query({ openOnly: false });
    expect(all.items.find((a) => a.id === first?.id)).toMatchObject({ acknowledgedBy: sysUser.email });
  });

  it('alerts are for staff, and invisible to other contexts even through SQL', async () => {
    const admin = client(t.srv.origin);
    await admin.auth.login.mutate(await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']));
    expect(await codeOf(admin.alerts.list.query({}))).toBe('FORBIDDEN');
    const [rls] = await t.owner`select relrowsecurity, relforcerowsecurity from pg_class where relname = 'alerts'`;
    expect(rls).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });
});
