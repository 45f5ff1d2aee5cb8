import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/** The security posture page computes its checks live from the data. */
const t = useTestServer();

describe('security posture', () => {
  it('counts what it says, from live data, for staff only', async () => {
    const sysUser = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
    const sys = client(t.srv.origin);
    await sys.auth.login.mutate(sysUser);
    const before = await sys.audit.posture.query();
    const item = (p: typeof before, key: string) => {
      const found = p.items.find((i) => i.key === key);
      if (!found) throw new Error(key);
      return found;
    };
    expect(item(before, 'system-admins')).toMatchObject({
      status: 'warn',
      summary: '1 active system administrator(s).',
    });
    expect(item(before, 'allowlists').status).toBe('warn');

    // A second admin, a spraying network, and an allowlist on system admins change the answers.
    await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
    const victim = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const sprayer = client(t.srv.origin);
    for (let i = 0; i < 12; i++)
      await codeOf(sprayer.auth.login.mutate({ email: victim.email, password: `guess-${i}-xx` }));
    await t.owner`update roles set ip_allowlist = '{127.0.0.0/8}' where party_kind = 'internal'`;
    const after = await sys.audit.posture.query();
    expect(item(after, 'system-admins').status).toBe('good');
    const failures = item(after, 'failed-sign-ins');
    expect(failures.status).toBe('warn');
    expect(failures.rows[0]).toMatchObject({ label: '127.0.0.1', value: expect.stringMatching(/^12 failure/) });
    expect(item(after, 'allowlists').status).toBe('good');
    expect(item(after, 'locked').summary).toMatch(/1 account \+ network pair/);
    for (const i of after.items) expect(i.good.length).toBeGreaterThan(10); // each says what good looks like

    const admin = client(t.srv.origin);
    await admin.auth.login.mutate(await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']));
    expect(await codeOf(admin.audit.posture.query())).toBe('FORBIDDEN');
    await t.owner`update roles set ip_allowlist = null where party_kind = 'internal'`;
  });
});
