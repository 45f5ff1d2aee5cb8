import { randomBytes } from 'node:crypto';
import { demoRepo, signContext } from '@gatehouse/db';
import { contextKey } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyWithUser, createTestDatabase, SYSTEM } from './support/harness.ts';

/**
 * Tenant isolation, the database's wall, proven as the app role against the live catalogue:
 * every table with a party column is found by querying pg_catalog (not a hand-kept list), and for each:
 * (a) RLS is enabled and forced, (b) another party's rows are invisible and refused for writes,
 * (c) a forged or tampered context opens nothing. Positive controls make sure a missing policy,
 * which would hide everything, fails the test too.
 */
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: postgres.Sql;
let app: postgres.Sql;
let a: { partyId: string };
let b: { partyId: string };
let tables: { table: string; column: string }[];

beforeAll(async () => {
  t = await createTestDatabase();
  owner = postgres(t.ownerUrl, { max: 1, onnotice: () => {} });
  app = t.db.appSql;
  a = await createPartyWithUser(t.db, 'customer', ['customer-admin']);
  b = await createPartyWithUser(t.db, 'customer', ['customer-admin']);
  // Every party-scoped table gets rows for both parties.
  await t.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, a.partyId, 5, 'EUR');
    await demoRepo.generateOrders(tx, b.partyId, 5, 'EUR');
    // Purchase orders are a supplier's; the table's wall is the same whatever the party's kind.
    await demoRepo.generatePurchaseOrders(tx, a.partyId, 3, 'EUR', 'manufacturing');
    await demoRepo.generatePurchaseOrders(tx, b.partyId, 3, 'EUR', 'manufacturing');
  });
  await asApp(signContext(contextKeyOf(), SYSTEM), async (sql) => {
    await sql`insert into sessions (id, party_id, user_id, secret_hash, idle_expires_at, absolute_expires_at)
              select 's-' || u.id, u.party_id, u.id, 'x', now() + interval '1 hour', now() + interval '1 hour' from users u`;
    await sql`insert into audit_events (party_id, action, outcome) select id, 'user.created', 'success' from parties`;
    await sql`insert into mfa_totp (user_id, party_id, secret_sealed) select id, party_id, 'v1.x.y.z' from users`;
    await sql`insert into mfa_recovery_codes (party_id, user_id, code_hash) select party_id, id, 'h' from users`;
    await sql`insert into user_preferences (user_id, party_id, locale, time_zone) select id, party_id, 'de', 'UTC' from users`;
    await sql`insert into login_challenges (id, party_id, user_id, secret_hash, expires_at)
              select 'c-' || id, party_id, id, 'x', now() + interval '5 minutes' from users`;
    await sql`insert into password_resets (id, party_id, user_id, secret_hash, expires_at)
              select 'r-' || id, party_id, id, 'x', now() + interval '30 minutes' from users`;
    await sql`insert into invitations (id, party_id, user_id, secret_hash, expires_at)
              select 'i-' || id, party_id, id, 'x', now() + interval '7 days' from users`;
    const [review] = await sql`insert into access_reviews (name, started_at, deadline, status)
                               values ('isolation', now(), now() + interval '7 days', 'open') returning id`;
    await sql`insert into access_review_items (review_id, party_id, user_id, role_key)
              select ${review?.id}, party_id, id, 'customer-user' from users`;
    await sql`insert into document_versions (party_id, type_id, version_no, file_name, content_type, size_bytes, sha256, status, uploaded_by)
              select u.party_id, (select id from document_types limit 1), 1, 'f.pdf', 'application/pdf', 1, repeat('0', 64), 'submitted', u.id
              from users u`;
    await sql`insert into party_master_data (party_id, address) select id, '{}'::jsonb from parties`;
    await sql`insert into change_requests (party_id, kind, status, proposed, requested_by)
              select party_id, 'address', 'pending', '{}'::jsonb, id from users`;
    await sql`insert into approval_requests (party_id, type, title, status, rule, payload, submitted_by, submitted_at, last_edited_by, level_since)
              select party_id, 'credit-note', 't', 'pending', '{}'::jsonb, '{}'::jsonb, id, now(), id, now() from users`;
    await sql`insert into approval_steps (party_id, request_id, round, level, decision, decided_by, at)
              select party_id, id, 1, 1, 'submitted', submitted_by, now() from approval_requests`;
    await sql`insert into integration_events (type, party_id, subject, payload, occurred_at)
              select 'party.address_changed', id, '{}'::jsonb, '{}'::jsonb, now() from parties`;
    await sql`insert into erp_pending_echoes (party_id, field, value, event_id)
              select id, 'address', '{}'::jsonb, gen_random_uuid() from parties`;
    await sql`insert into invoice_queries (party_id, invoice_id, reason, status, raised_by, raised_at, last_message_at, last_author_side)
              select u.party_id, (select i.id from invoices i where i.party_id = u.party_id limit 1), 'price', 'open', u.id,
                     now(), now(), 'customer'
              from users u where exists (select 1 from invoices i where i.party_id = u.party_id)`;
    await sql`insert into invoice_query_messages (party_id, query_id, author_id, author_side, body, at)
              select party_id, id, raised_by, 'customer', 'x', now() from invoice_queries`;
    await sql`insert into invoice_query_attachments (party_id, query_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
              select party_id, id, 'f.pdf', 'application/pdf', 1, repeat('0', 64), raised_by, now() from invoice_queries`;
    await sql`insert into remittances (party_id, reference, payment_date, currency, total_minor, submitted_by, submitted_at)
              select party_id, 'R', '2026-01-01', 'EUR', 1, raised_by, now() from invoice_queries`;
    await sql`insert into remittance_lines (party_id, remittance_id, invoice_id, amount_minor, open_minor_at_advice)
              select r.party_id, r.id, (select i.id from invoices i where i.party_id = r.party_id limit 1), 1, 1
              from remittances r`;
    // Supplier collaboration (issue 19): a confirmation round, a ship notice and an invoice per PO party.
    await sql`insert into po_confirmations (party_id, purchase_order_id, round, status, has_differences, submitted_by, submitted_at)
              select po.party_id, po.id, 1, 'submitted', true, (select u.id from users u where u.party_id = po.party_id limit 1), now()
              from purchase_orders po`;
    await sql`insert into po_confirmation_lines (party_id, confirmation_id, line_no, decision, schedules, committed_quantity, ordered_quantity)
              select c.party_id, c.id, 1, 'reject', '[]'::jsonb, 0, 1 from po_confirmations c`;
    await sql`insert into ship_notices (party_id, status, carrier, tracking_ref, ship_date, packages, created_by, created_at)
              select u.party_id, 'shipped', 'DHL', 'T', current_date, 1, u.id, now() from users u`;
    await sql`insert into ship_notice_lines (party_id, ship_notice_id, purchase_order_id, line_no, quantity)
              select n.party_id, n.id, (select po.id from purchase_orders po where po.party_id = n.party_id limit 1), 1, 1
              from ship_notices n`;
    await sql`insert into supplier_invoices (party_id, purchase_order_id, number, invoice_date, currency, total_minor, status, mismatch, submitted_by, submitted_at)
              select n.party_id, (select po.id from purchase_orders po where po.party_id = n.party_id limit 1), 'I-' || n.id, current_date, 'EUR', 1, 'submitted', false, n.created_by, now()
              from ship_notices n`;
    await sql`insert into supplier_invoice_lines (party_id, invoice_id, purchase_order_id, line_no, quantity, unit_price, amount_minor, po_unit_price, shipped, price_mismatch, quantity_mismatch)
              select i.party_id, i.id, i.purchase_order_id, 1, 1, 1, 1, 1, 1, false, false from supplier_invoices i`;
    // PO message threads (issue 19 item 4): a thread per PO with a message, a file and a reader's marker.
    await sql`insert into po_threads (party_id, purchase_order_id, status, opened_at, last_message_at, last_author_side)
              select party_id, id, 'open', now(), now(), 'supplier' from purchase_orders`;
    await sql`insert into po_thread_messages (party_id, thread_id, author_id, author_side, kind, body, at)
              select t.party_id, t.id, (select u.id from users u where u.party_id = t.party_id limit 1), 'supplier',
                     'message', 'x', now() from po_threads t`;
    await sql`insert into po_thread_attachments (party_id, thread_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploader_side, uploaded_at)
              select party_id, thread_id, 'f.pdf', 'application/pdf', 1, repeat('0', 64), author_id, 'supplier', now()
              from po_thread_messages`;
    await sql`insert into po_thread_reads (party_id, thread_id, user_id, read_at)
              select party_id, thread_id, author_id, now() from po_thread_messages`;
    await sql`insert into change_request_attachments (party_id, change_request_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
              select party_id, id, 'letter.pdf', 'application/pdf', 1, repeat('0', 64), requested_by, now() from change_requests`;
    // Notifications (issue 19 item 6): one per user, and a mail preference per user.
    await sql`insert into notifications (party_id, user_id, type, title, body, created_at, mail)
              select party_id, id, 'po.thread_message', 'x', 'x', now(), 'immediate' from users`;
    await sql`insert into notification_preferences (party_id, user_id, type, mode, updated_at)
              select party_id, id, 'po.thread_message', 'digest', now() from users`;
  });
  tables = (await owner`
    select c.relname as table, a.attname as column
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attname = 'party_id'
    order by 1`) as unknown as { table: string; column: string }[];
  tables.push({ table: 'parties', column: 'id' });
});

afterAll(async () => {
  await owner?.end();
  await t?.db.close();
});

/** Runs `fn` as the app role in a transaction whose context is `ctx` (a raw set_config value). */
async function asApp<T>(ctx: string | null, fn: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await app.begin(async (sql) => {
    if (ctx !== null) await sql`select set_config('app.ctx', ${ctx}, true)`;
    return fn(sql);
  })) as T;
}
const key = () => Buffer.from(randomBytes(32));
const partyCtx = (partyId: string) => signContext(contextKeyOf(), { kind: 'party', partyId });
// The test database was migrated with the harness's derived key; recover it the same way.
const contextKeyOf = () => contextKey(t.secret);

const count = async (sql: postgres.TransactionSql, table: string, where = 'true') =>
  Number((await sql.unsafe(`select count(*)::int as n from ${table} where ${where}`))[0]?.n);

describe('catalogue', () => {
  it('finds the party-scoped tables', () => {
    expect(tables.map((x) => x.table)).toEqual(
      expect.arrayContaining([
        'audit_events',
        'invoices',
        'order_lines',
        'orders',
        'parties',
        'sessions',
        'user_roles',
        'users',
      ]),
    );
  });

  it('no party-scoped table lacks ENABLE + FORCE row-level security or an app-role policy', async () => {
    const rows = await owner`
      select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
             (select count(*) from pg_policy p where p.polrelid = c.oid
                and 'gatehouse_app'::regrole = any(p.polroles))::int as policies
      from pg_class c where c.relname in ${owner(tables.map((x) => x.table))} and c.relnamespace = 'public'::regnamespace`;
    for (const r of rows)
      expect({ table: r.table, enabled: r.enabled, forced: r.forced, hasPolicy: r.policies > 0 }).toEqual({
        table: r.table,
        enabled: true,
        forced: true,
        hasPolicy: true,
      });
    expect(rows).toHaveLength(tables.length);
  });

  it('the app role is no superuser, has no BYPASSRLS and owns no table', async () => {
    const [role] =
      await owner`select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'gatehouse_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await owner`select relname from pg_class where relowner = 'gatehouse_app'::regrole`;
    expect(owned).toHaveLength(0);
    const [who] = await app`select current_user as u`;
    expect(who?.u).toBe('gatehouse_app');
  });

  it('the app role cannot read the context key', async () => {
    await expect(app`select * from gh_private.context_key`).rejects.toThrow(/permission denied/);
  });
});

const SCOPED = [
  'orders',
  'order_lines',
  'invoices',
  'users',
  'user_roles',
  'sessions',
  'audit_events',
  'parties',
  'mfa_totp',
  'mfa_recovery_codes',
  'login_challenges',
  'password_resets',
  'invitations',
  'access_review_items',
  'shipments',
  'shipment_lines',
  'purchase_orders',
  'purchase_order_lines',
  'document_versions',
  'party_master_data',
  'change_requests',
  'approval_requests',
  'approval_steps',
  'integration_events',
  'invoice_lines',
  'erp_pending_echoes',
  'invoice_queries',
  'invoice_query_messages',
  'invoice_query_attachments',
  'remittances',
  'remittance_lines',
  'payments',
  'payment_allocations',
  'change_request_attachments',
  'po_confirmations',
  'po_confirmation_lines',
  'ship_notices',
  'ship_notice_lines',
  'supplier_invoices',
  'supplier_invoice_lines',
  'po_threads',
  'po_thread_messages',
  'po_thread_attachments',
  'po_thread_reads',
  'user_preferences',
  'notifications',
  'notification_preferences',
];

/** Tables the app role may not delete from at all (evidence, history, ERP mirrors it only reads and updates). */
const NO_DELETE = [
  'audit_events',
  'access_review_items',
  'purchase_orders',
  'purchase_order_lines',
  'document_versions',
  'party_master_data',
  'change_requests',
  'approval_requests',
  'approval_steps',
  'integration_events',
  'erp_pending_echoes',
  'invoice_queries',
  'invoice_query_messages',
  'invoice_query_attachments',
  'remittances',
  'remittance_lines',
  'payments',
  'payment_allocations',
  'change_request_attachments',
  'po_confirmations',
  'po_confirmation_lines',
  'ship_notices',
  'ship_notice_lines',
  'supplier_invoices',
  'supplier_invoice_lines',
  'po_threads',
  'po_thread_messages',
  'po_thread_attachments',
  'po_thread_reads',
  'user_preferences',
  'notifications',
  'notification_preferences',
];

/** Trails the app role may only append to. */
const APPEND_ONLY = [
  'audit_events',
  'approval_steps',
  'integration_events',
  'invoice_query_messages',
  'invoice_query_attachments',
  'remittances',
  'remittance_lines',
  'payments',
  'payment_allocations',
  'change_request_attachments',
  'po_thread_messages',
  'po_thread_attachments',
];

describe('coverage', () => {
  it('the per-table checks below cover every party-scoped table in the live catalogue', () => {
    expect([...SCOPED].sort()).toEqual(tables.map((t) => t.table).sort());
  });
});

describe.each(SCOPED)('%s', (table) => {
  const col = () => (table === 'parties' ? 'id' : 'party_id');

  it('party A sees its own rows and none of party B', async () => {
    await asApp(partyCtx(a.partyId), async (sql) => {
      expect(await count(sql, table, `${col()} = '${a.partyId}'`)).toBeGreaterThan(0); // positive control
      expect(await count(sql, table, `${col()} = '${b.partyId}'`)).toBe(0);
      expect(await count(sql, table, `${col()} <> '${a.partyId}'`)).toBe(0);
    });
  });

  it("party A cannot update or delete party B's rows", async () => {
    await asApp(partyCtx(a.partyId), async (sql) => {
      const setCol = table === 'parties' ? 'name = name' : 'party_id = party_id';
      if (APPEND_ONLY.includes(table)) {
        const [g] = await sql.unsafe(`select has_table_privilege(current_user, '${table}', 'UPDATE') as ok`);
        expect(g?.ok).toBe(false);
      } else {
        expect((await sql.unsafe(`update ${table} set ${setCol} where ${col()} = '${b.partyId}'`)).count).toBe(0);
      }
      // Evidence and history tables grant no DELETE at all; the rest delete nothing of B's.
      if (NO_DELETE.includes(table)) {
        const [g] = await sql.unsafe(`select has_table_privilege(current_user, '${table}', 'DELETE') as ok`);
        expect(g?.ok).toBe(false);
      } else {
        expect((await sql.unsafe(`delete from ${table} where ${col()} = '${b.partyId}'`)).count).toBe(0);
      }
    });
    await asApp(partyCtx(b.partyId), async (sql) =>
      expect(await count(sql, table, `${col()} = '${b.partyId}'`)).toBeGreaterThan(0),
    );
  });

  it('a forged, tampered, expired or missing context sees zero rows', async () => {
    const good = partyCtx(a.partyId);
    const parts = good.split('.');
    const forged = [
      `v1.all.-.${Date.now() + 60_000}.nonce.${'0'.repeat(64)}`,
      [parts[0], 'all', '-', parts[3], parts[4], parts[5]].join('.'), // valid signature, scope swapped
      [parts[0], parts[1], b.partyId, parts[3], parts[4], parts[5]].join('.'), // valid signature, party swapped
      signContext(key(), { kind: 'all', reason: 'system' }), // signed with a key that is not the installed one
      signContext(contextKeyOf(), { kind: 'all', reason: 'system' }, Date.now() - 11 * 60_000), // expired
      b.partyId,
      '',
    ];
    for (const ctx of forged) {
      await asApp(ctx, async (sql) => expect(await count(sql, table)).toBe(0));
    }
    await asApp(null, async (sql) => expect(await count(sql, table)).toBe(0));
  });

  it('gh_ctx() names the signed party, the nil UUID for all parties, nothing for a bad context; verified_context() agrees', async () => {
    const good = partyCtx(a.partyId);
    const parts = good.split('.');
    const nil = '00000000-0000-0000-0000-000000000000';
    const cases: [string, string | null][] = [
      [good, a.partyId],
      [signContext(contextKeyOf(), { kind: 'all', reason: 'system' }), nil],
      [[parts[0], parts[1], b.partyId, parts[3], parts[4], parts[5]].join('.'), null],
      [[parts[0], 'all', '-', parts[3], parts[4], parts[5]].join('.'), null],
      [signContext(key(), { kind: 'party', partyId: a.partyId }), null],
      [signContext(contextKeyOf(), { kind: 'party', partyId: a.partyId }, Date.now() - 11 * 60_000), null],
      [`${good}.x`, null],
      ['', null],
    ];
    for (const [ctx, expected] of cases) {
      expect(await asApp(ctx, async (sql) => (await sql`select public.gh_ctx() as c`)[0]?.c), ctx).toBe(expected);
      const [v] = await owner.begin(async (sql) => {
        await sql`select set_config('app.ctx', ${ctx}, true)`;
        return sql`select all_parties, party_id from gh_private.verified_context()`;
      });
      expect(v, ctx).toEqual({
        all_parties: expected === nil,
        party_id: expected === nil ? null : expected,
      });
    }
  });

  it('SQL injected into a party-A transaction cannot switch to another party with set_config', async () => {
    await asApp(partyCtx(a.partyId), async (sql) => {
      await sql`select set_config('app.ctx', ${`v1.party.${b.partyId}.${Date.now() + 60_000}.x.${'a'.repeat(64)}`}, true)`;
      expect(await count(sql, table, `${col()} = '${b.partyId}'`)).toBe(0);
      await sql.unsafe(`select set_config('app.ctx', 'v1.all.-.99999999999999.x.deadbeef', false)`);
      expect(await count(sql, table)).toBe(0);
    });
  });
});

describe('writes', () => {
  it('party A cannot insert rows for party B (WITH CHECK)', async () => {
    await expect(
      asApp(
        partyCtx(a.partyId),
        (sql) =>
          sql`insert into orders (party_id, number, status, order_date, currency, total_minor)
            values (${b.partyId}, 'X-1', 'open', current_date, 'EUR', 1)`,
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asApp(
        partyCtx(a.partyId),
        (sql) =>
          sql`insert into audit_events (party_id, action, outcome) values (${b.partyId}, 'user.created', 'success')`,
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('party A cannot move its own row to party B', async () => {
    await expect(
      asApp(partyCtx(a.partyId), (sql) => sql`update orders set party_id = ${b.partyId} where party_id = ${a.partyId}`),
    ).rejects.toThrow(/row-level security/);
  });

  it('the app role cannot UPDATE, DELETE or TRUNCATE the audit log, even in the all-parties scope', async () => {
    const all = signContext(contextKeyOf(), SYSTEM);
    await expect(asApp(all, (sql) => sql`update audit_events set action = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(asApp(all, (sql) => sql`delete from audit_events`)).rejects.toThrow(/permission denied/);
    await expect(asApp(all, (sql) => sql`truncate audit_events`)).rejects.toThrow(/permission denied/);
  });

  it('the owner cannot edit the audit log outside the maintenance path', async () => {
    await expect(owner`truncate audit_events`).rejects.toThrow(/append-only/);
    // Row triggers fire only on rows the owner can see: with FORCE RLS a non-superuser owner sees none.
    const [{ su }] = (await owner`select rolsuper as su from pg_roles where rolname = current_user`) as unknown as [
      { su: boolean },
    ];
    if (su) {
      await expect(owner`update audit_events set action = 'x'`).rejects.toThrow(/append-only/);
      await expect(owner`delete from audit_events`).rejects.toThrow(/append-only/);
    }
    await asApp(signContext(contextKeyOf(), SYSTEM), async (sql) =>
      expect(await count(sql, 'audit_events')).toBeGreaterThan(0),
    );
  });
});

describe('staff scope', () => {
  it('an all-parties context sees both parties, and only a server-signed one', async () => {
    await asApp(signContext(contextKeyOf(), { kind: 'all', reason: 'staff' }), async (sql) => {
      expect(await count(sql, 'orders', `party_id in ('${a.partyId}', '${b.partyId}')`)).toBe(10);
    });
  });
});
