import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * The audit entry is written in the transaction of the change it records: if it cannot be written, the
 * change rolls back; if the change fails, no entry claims it happened.
 */
const t = useTestServer();

describe('audit in the same transaction', () => {
  it('a change whose audit entry cannot be written does not happen', async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const c = client(t.srv.origin);
    await c.auth.login.mutate(admin);
    // Sabotage: the audit table refuses exactly this action (as an owner-level fault would).
    await t.owner.unsafe(`
      create function pg_temp_fail_deactivation() returns trigger language plpgsql as $$
      begin
        if new.action = 'user.deactivated' then raise exception 'audit storage failed'; end if;
        return new;
      end $$;
      create trigger audit_fails before insert on audit_events for each row execute function pg_temp_fail_deactivation();`);
    try {
      expect(await codeOf(c.users.deactivate.mutate({ userId: user.userId }))).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.owner.unsafe('drop trigger audit_fails on audit_events; drop function pg_temp_fail_deactivation();');
    }
    const [row] = await t.owner`select status from users where id = ${user.userId}`;
    expect(row?.status).toBe('active');
    // And it works again once the audit can be written: the change and its one entry together.
    await c.users.deactivate.mutate({ userId: user.userId });
    const entries = await t.owner`select action from audit_events where entity_id = ${user.userId}`;
    expect(entries.map((e) => e.action)).toEqual(['user.deactivated']);
  });

  it('a change that fails leaves no entry saying it happened', async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const c = client(t.srv.origin);
    await c.auth.login.mutate(admin);
    // The last admin cannot be removed: the service refuses inside the transaction, after its checks.
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const o = client(t.srv.origin);
    await o.auth.login.mutate(op);
    expect(await codeOf(o.users.setRoles.mutate({ userId: admin.userId, roles: ['customer-user'] }))).toBe('CONFLICT');
    const entries = await t.owner`select action from audit_events where entity_id = ${admin.userId}`;
    expect(entries).toHaveLength(0);
  });
});
