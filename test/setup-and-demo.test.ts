import { seedDemo, setupLinkIfNeeded } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, signedInMe, startTestServer, useTestServer } from './support/harness.ts';

const t = useTestServer();

const admin = {
  email: 'first.admin@test.example',
  displayName: 'First Admin',
  organisationName: 'Northwind Manufacturing',
  password: 'correct horse battery staple',
};

describe('first-run setup', () => {
  it('prints a one-time link on an empty database; no default credentials exist', async () => {
    expect(t.srv.setupLink).toMatch(/^http:\/\/localhost:\d+\/setup#token=[a-z2-7]{39}$/);
    const [row] = await t.owner`select count(*)::int n from users`;
    expect(row?.n).toBe(0);
    const [tok] = await t.owner`select token_hash from setup_tokens where used_at is null`;
    expect(t.srv.setupLink).not.toContain(tok?.token_hash);
  });

  it('refuses a wrong token and a short password with clear errors', async () => {
    const c = client(t.srv.origin);
    expect(await codeOf(c.setup.complete.mutate({ ...admin, token: 'x'.repeat(39) }))).toBe('FORBIDDEN');
    const token = (t.srv.setupLink as string).split('token=')[1] as string;
    expect(await codeOf(c.setup.complete.mutate({ ...admin, token, password: 'short' }))).toBe('BAD_REQUEST');
  });

  it('creates the first admin once, even with concurrent submissions of the same link', async () => {
    // A new link (a restart prints a new one and voids the old).
    const link = (await setupLinkIfNeeded(t.srv.db, t.srv.origin)) as string;
    const token = link.split('token=')[1] as string;
    const c = client(t.srv.origin);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => codeOf(c.setup.complete.mutate({ ...admin, token }))),
    );
    expect(results.filter((r) => r === 'OK')).toHaveLength(1);
    expect(results.filter((r) => r !== 'OK').every((r) => r === 'FORBIDDEN')).toBe(true);
    const me = signedInMe(await c.auth.login.mutate({ email: admin.email, password: admin.password }));
    expect(me.roles).toEqual(['system-admin']);
    expect(me.party.kind).toBe('internal');
    const [audit] = await t.owner`select action, details from audit_events where action = 'setup.completed'`;
    expect(JSON.stringify(audit)).not.toContain(admin.password);
  });

  it('prints no link once an admin exists, and an old link cannot be reused', async () => {
    expect(await setupLinkIfNeeded(t.srv.db, t.srv.origin)).toBeNull();
    const token = (t.srv.setupLink as string).split('token=')[1] as string;
    expect(
      await codeOf(client(t.srv.origin).setup.complete.mutate({ ...admin, email: 'second@test.example', token })),
    ).toBe('FORBIDDEN');
  });
});

describe('seed-demo', () => {
  it('loads parties of every kind, users of every role and thousands of orders, all marked demo', async () => {
    const signIns = await seedDemo(t.srv.db);
    expect(new Set(signIns.map((s) => s.role))).toEqual(
      new Set([
        'customer-user',
        'customer-admin',
        'supplier-user',
        'supplier-admin',
        'operator',
        'approver',
        'auditor',
        'system-admin',
      ]),
    );
    const [counts] = await t.owner`select (select count(*)::int from orders) o, (select count(*)::int from invoices) i,
                                        (select count(*)::int from parties where is_demo) d`;
    expect(counts?.o).toBe(3000);
    expect(counts?.i).toBeGreaterThan(1000);
    expect(counts?.d).toBe(5);
    const customer = signIns.find((s) => s.role === 'customer-user') as { email: string; password: string };
    const c = client(t.srv.origin);
    await c.auth.login.mutate(customer);
    expect((await c.orders.list.query({ limit: 5 })).items).toHaveLength(5);
  });

  it('refuses to load twice', async () => {
    await expect(seedDemo(t.srv.db)).rejects.toThrow(/already loaded/);
  });

  it('refuses a database that holds real customer or supplier accounts', async () => {
    const other = await startTestServer();
    try {
      await createPartyWithUser(other.db, 'customer', ['customer-user']);
      await expect(seedDemo(other.db)).rejects.toThrow(/real customer or supplier accounts/);
      const o = postgres(other.ownerUrl, { max: 1, onnotice: () => {} });
      const [row] = await o`select count(*)::int n from parties where is_demo`;
      await o.end();
      expect(row?.n).toBe(0);
    } finally {
      await other.close();
    }
  });
});
