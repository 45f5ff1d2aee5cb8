import { demoRepo, signContext } from '@gatehouse/db';
import { contextKey, syncRolePassword } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyWithUser, createTestDatabase, SYSTEM } from './support/harness.ts';

/**
 * gatehouse_sync, the ERP mirror writer's database role, proven on a raw connection as that role: it
 * reaches the mirrored tables only under a signed all-parties context, never the internal organisation,
 * and cannot read anything about people, access, approvals or the audit trail.
 */
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: postgres.Sql;
let sync: postgres.Sql;
let customer: { partyId: string };

beforeAll(async () => {
  t = await createTestDatabase();
  owner = postgres(t.ownerUrl, { max: 1, onnotice: () => {} });
  // Migrations give the role the password derived from the secret (when Gatehouse manages the roles). Roles
  // are cluster-wide: another password here would lock out the test servers running beside this file.
  const password = syncRolePassword(t.secret);
  const url = new URL(t.ownerUrl);
  url.username = 'gatehouse_sync';
  url.password = password;
  sync = postgres(url.toString(), { max: 1, onnotice: () => {} });
  customer = await createPartyWithUser(t.db, 'customer', ['customer-admin']);
  await createPartyWithUser(t.db, 'internal', ['system-admin']);
  await t.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, customer.partyId, 3, 'EUR'));
});

afterAll(async () => {
  await sync?.end();
  await owner?.end();
  await t?.db.close();
});

/** One transaction as gatehouse_sync with `ctx` (a signed context token) or none. */
function asSync<T>(ctx: string | null, fn: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return sync.begin(async (sql) => {
    if (ctx) await sql`select set_config('app.ctx', ${ctx}, true)`;
    return fn(sql);
  }) as Promise<T>;
}
const all = () => signContext(contextKey(t.secret), SYSTEM);
const countOf = async (sql: postgres.TransactionSql, table: string) =>
  ((await sql.unsafe(`select count(*)::int as n from ${table}`)) as unknown as [{ n: number }])[0].n;

describe('gatehouse_sync', () => {
  it('is no superuser, has no BYPASSRLS and owns no table', async () => {
    const [role] = await owner`select rolsuper, rolbypassrls from pg_roles where rolname = 'gatehouse_sync'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await owner`select count(*)::int as n from pg_tables where tableowner = 'gatehouse_sync'`;
    expect(owned[0]?.n).toBe(0);
  });

  it('sees and changes nothing without a signed context', async () => {
    await asSync(null, async (sql) => {
      for (const table of ['orders', 'order_lines', 'invoices', 'parties', 'purchase_orders', 'integration_events'])
        expect(await countOf(sql, table), table).toBe(0);
      expect((await sql`update orders set status = status`).count).toBe(0);
    });
    await expect(
      asSync(
        null,
        (sql) =>
          sql`insert into audit_events (party_id, action, outcome) values (${customer.partyId}, 'x.y', 'success')`,
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('a forged context opens nothing', async () => {
    const forged = all().replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await asSync(forged, async (sql) => {
      expect(await countOf(sql, 'orders')).toBe(0);
    });
    // Nor can it mint one: the key is out of its reach.
    await expect(asSync(null, (sql) => sql`select * from gh_private.context_key`)).rejects.toThrow(/permission denied/);
  });

  it('under the all-parties context: the mirrored tables of every customer and supplier, never the internal organisation', async () => {
    await asSync(all(), async (sql) => {
      expect(await countOf(sql, 'orders')).toBe(3);
      expect(await countOf(sql, 'order_lines')).toBeGreaterThan(0);
      const kinds = await sql`select distinct kind from parties`;
      expect(kinds.map((k) => k.kind)).toEqual(['customer']);
    });
    await expect(
      asSync(all(), (sql) => sql`insert into parties (kind, name) values ('internal', 'Shadow staff')`),
    ).rejects.toThrow(/row-level security/);
    // Lines may be replaced; headers are never deleted.
    await asSync(all(), async (sql) => {
      expect((await sql`delete from order_lines where party_id = ${customer.partyId}`).count).toBeGreaterThan(0);
    });
    await expect(asSync(all(), (sql) => sql`delete from orders`)).rejects.toThrow(/permission denied/);
  });

  it('appends audit entries and outbox events but cannot read, change or delete the trail', async () => {
    await asSync(
      all(),
      (sql) =>
        sql`insert into audit_events (party_id, action, outcome) values (${customer.partyId}, 'integration.batch_applied', 'success')`,
    );
    const [entry] = await owner`select hash from audit_events where action = 'integration.batch_applied'`;
    expect(entry?.hash).toBeTruthy(); // chained by the SECURITY DEFINER trigger
    await asSync(
      all(),
      (sql) =>
        sql`insert into integration_events (type, party_id, subject, payload, occurred_at)
          values ('party.address_changed', ${customer.partyId}, '{}', '{}', now())`,
    );
    for (const statement of [
      'select count(*) from audit_events',
      `update audit_events set action = 'x'`,
      'delete from audit_events',
      'delete from integration_events',
    ])
      await expect(
        asSync(all(), (sql) => sql.unsafe(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
  });

  it('mails a party’s admins only through the one SECURITY DEFINER function, which reads nothing back', async () => {
    const supplier = await createPartyWithUser(t.db, 'supplier', ['supplier-admin']);
    const queued = await asSync(
      all(),
      (sql) =>
        sql`select gh_mail_party_admins(${supplier.partyId}, ${sql.json({ en: { subject: 'Subject', body: 'Body' } })}, 'bank-details-changed-by-erp') as n`,
    );
    expect(queued[0]?.n).toBe(1);
    const [mail] = await owner`select to_address, subject from mail_outbox where kind = 'bank-details-changed-by-erp'`;
    expect(mail).toMatchObject({ to_address: supplier.email, subject: 'Subject' });
    // Not without the signed all-parties context, and not for the app role at all.
    await expect(
      asSync(null, (sql) => sql`select gh_mail_party_admins(${supplier.partyId}, '{}'::jsonb, 'k')`),
    ).rejects.toThrow(/all-parties context/);
    await expect(t.db.appSql`select gh_mail_party_admins(${supplier.partyId}, '{}'::jsonb, 'k')`).rejects.toThrow(
      /permission denied/,
    );
  });

  it('writes invoice lines, settles pending echoes and keeps idempotency records, but deletes neither', async () => {
    await asSync(all(), async (sql) => {
      expect(await countOf(sql, 'invoice_lines')).toBeGreaterThan(0);
      expect(await countOf(sql, 'erp_pending_echoes')).toBe(0);
      expect(await countOf(sql, 'idempotency_keys')).toBe(0);
    });
    for (const statement of [
      'delete from erp_pending_echoes',
      'delete from idempotency_keys',
      "insert into erp_pending_echoes (party_id, field, value, event_id) values (gen_random_uuid(), 'address', '{}', gen_random_uuid())",
    ])
      await expect(
        asSync(all(), (sql) => sql.unsafe(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
  });

  it('cannot read users, sessions, roles, second factors, invitations, approvals, change requests, keys or mail', async () => {
    const forbidden = [
      'users',
      'user_roles',
      'roles',
      'sessions',
      'mfa_totp',
      'mfa_recovery_codes',
      'login_challenges',
      'password_resets',
      'invitations',
      'approval_requests',
      'approval_steps',
      'approval_policies',
      'change_requests',
      'document_versions',
      'access_review_items',
      'integrations',
      'integration_keys',
      'mail_outbox',
      'alerts',
      'auth_throttle',
      'import_jobs',
    ];
    for (const table of forbidden)
      await expect(
        asSync(all(), (sql) => sql.unsafe(`select 1 from ${table} limit 1`)),
        table,
      ).rejects.toThrow(/permission denied/);
  });
});
