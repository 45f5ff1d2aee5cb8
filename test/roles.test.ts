import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, createTestDatabase, errorOf, useTestServer } from './support/harness.ts';

/** Roles are data: custom roles from the catalogue, delegable marking, and the rules that keep them safe. */
const t = useTestServer();

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return c;
}
const sysAdmin = async () => signedIn(await createPartyWithUser(t.srv.db, 'internal', ['system-admin']));

describe('custom roles', () => {
  it('a system admin defines a delegable customer role that customer admins can then grant', async () => {
    const sys = await sysAdmin();
    await sys.roles.create.mutate({
      key: 'customer-viewer',
      name: 'Customer viewer',
      partyKind: 'customer',
      delegable: true,
      permissions: ['orders:read'],
    });
    const listed = (await sys.roles.list.query()).find((r) => r.key === 'customer-viewer');
    expect(listed).toMatchObject({ builtIn: false, delegable: true, permissions: ['orders:read'], holders: 0 });
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const a = await signedIn(admin);
    expect((await a.users.grantableRoles.query({})).map((r) => r.key)).toContain('customer-viewer');
    await a.users.setRoles.mutate({ userId: user.userId, roles: ['customer-viewer'] });
    const u = await signedIn(user);
    expect((await u.auth.me.query()).permissions).toEqual(['orders:read']);
    expect(await codeOf(u.invoices.list.query({}))).toBe('FORBIDDEN');

    // Changing the role's permissions is a privilege change for every holder: their sessions end.
    await sys.roles.update.mutate({ key: 'customer-viewer', permissions: ['orders:read', 'invoices:read'] });
    expect(await codeOf(u.auth.me.query())).toBe('UNAUTHORIZED');
    const again = await signedIn(user);
    expect(await codeOf(again.invoices.list.query({}))).toBe('OK');

    // Held: cannot be deleted; once nobody holds it, it can.
    expect(await codeOf(sys.roles.delete.mutate({ key: 'customer-viewer' }))).toBe('CONFLICT');
    await a.users.setRoles.mutate({ userId: user.userId, roles: ['customer-user'] });
    await sys.roles.delete.mutate({ key: 'customer-viewer' });
    expect((await sys.roles.list.query()).map((r) => r.key)).not.toContain('customer-viewer');
  });

  it('refuses roles that would escalate: cross-party in a customer role, internal permissions one lacks, delegable staff', async () => {
    const sys = await sysAdmin();
    const base = { name: 'X', delegable: false };
    const cross = await errorOf(
      sys.roles.create.mutate({
        ...base,
        key: 'sneaky',
        partyKind: 'customer',
        permissions: ['orders:read', 'parties:cross'],
      }),
    );
    expect(cross.code).toBe('BAD_REQUEST');
    expect(cross.message).toMatch(/parties:cross/);
    expect(
      await codeOf(
        sys.roles.create.mutate({ ...base, key: 'exporter', partyKind: 'internal', permissions: ['audit:export'] }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        sys.roles.create.mutate({
          ...base,
          key: 'helper',
          partyKind: 'internal',
          delegable: true,
          permissions: ['audit:read'],
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await codeOf(
        sys.roles.create.mutate({ ...base, key: 'customer-user', partyKind: 'customer', permissions: ['orders:read'] }),
      ),
    ).toBe('CONFLICT');
    expect(await codeOf(sys.roles.update.mutate({ key: 'customer-user', permissions: ['orders:read'] }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(sys.roles.delete.mutate({ key: 'customer-user' }))).toBe('CONFLICT');
    expect(
      await codeOf(
        sys.roles.create.mutate({ ...base, key: 'Bad Key', partyKind: 'customer', permissions: ['orders:read'] }),
      ),
    ).toBe('BAD_REQUEST');
    const [n] = await t.owner`select count(*)::int n from roles where key in ('sneaky', 'exporter', 'helper')`;
    expect(n?.n).toBe(0);
  });

  it('a built-in role marked not delegable stops being grantable, and stays so across restarts', async () => {
    const sys = await sysAdmin();
    await sys.roles.update.mutate({ key: 'supplier-admin', delegable: false });
    const admin = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    const user = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user'], { partyId: admin.partyId });
    const a = await signedIn(admin);
    expect((await a.users.grantableRoles.query({})).map((r) => r.key)).toEqual(['supplier-user']);
    expect(await codeOf(a.users.setRoles.mutate({ userId: user.userId, roles: ['supplier-admin'] }))).toBe('FORBIDDEN');
    // The migrator runs on every start: it must not undo an admin's choice.
    const rerun = await createTestDatabase(t.srv.ownerUrl);
    await rerun.db.close();
    const [row] = await t.owner`select delegable from roles where key = 'supplier-admin'`;
    expect(row?.delegable).toBe(false);
    await sys.roles.update.mutate({ key: 'supplier-admin', delegable: true });
  });
});
