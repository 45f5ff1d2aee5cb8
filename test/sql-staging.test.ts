import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { appUrlFrom, createDatabase, type Database } from '@gatehouse/db';
import {
  contextKey,
  createLoader,
  dropLoader,
  mergeStaged,
  rotateLoader,
  syncRolePassword,
} from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, startTestServer } from './support/harness.ts';

/**
 * SQL staging (issue 15, "loader abuse is refused"; design note §13 row 18), proven on raw connections as
 * the loader roles `pnpm gatehouse sql-loader create` makes: a loader inserts into its staging tables and
 * reads its own results, nothing else; a batch merges through the mirror writer only with its manifest
 * and a matching count.
 */
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: postgres.Sql;
let syncDb: Database;
// Roles are cluster-wide and the test databases share a cluster: unique names per run.
const run = randomBytes(3).toString('hex');
const A = `a${run}`;
const B = `b${run}`;
const conns: postgres.Sql[] = [];
let asA: postgres.Sql;
let asB: postgres.Sql;
const ref = `C-${run}`;
const now = () => new Date();

function connectAs(role: string, password: string) {
  const url = new URL(t.ownerUrl);
  url.username = role;
  url.password = password;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  conns.push(sql);
  return sql;
}

const order = (key: string, over: Record<string, unknown> = {}) => ({
  key,
  customer: ref,
  number: `SO-${key}`,
  status: 'open',
  orderDate: '2026-11-30',
  currency: 'EUR',
  total: '100.00',
  lines: [{ lineNo: 1, sku: 'BOLT', description: 'Bolt M8', quantity: '20', unitPrice: '5', amount: '100.00' }],
  rev: 1,
  ...over,
});

/** Stages `rows` as the loader (seq 1..n) and, unless `manifestCount` is null, the manifest last. */
async function stage(
  sql: postgres.Sql,
  table: string,
  entity: string,
  batchId: string,
  rows: unknown[],
  manifestCount: number | null = rows.length,
  mode = 'atomic',
) {
  await sql.begin(async (tx) => {
    for (const [i, row] of rows.entries())
      await tx`insert into erp_staging.${tx(table)} (batch_id, seq, row) values (${batchId}, ${i + 1}, ${tx.json(row as never)})`;
  });
  if (manifestCount !== null)
    await sql`insert into erp_staging.manifests (batch_id, entity, row_count, mode)
              values (${batchId}, ${entity}, ${manifestCount}, ${mode})`;
}
const ordersOf = async () =>
  (
    await owner`select o.erp_key from orders o join parties p on p.id = o.party_id
               where p.erp_ref = ${ref} order by o.erp_key`
  ).map((r) => r.erp_key as string);
const stagedRows = async (loaderRole: string, batchId: string) =>
  (
    await owner`select count(*)::int as n from erp_staging.orders where loader = ${loaderRole} and batch_id = ${batchId}`
  )[0]?.n as number;

beforeAll(async () => {
  t = await createTestDatabase();
  owner = postgres(t.ownerUrl, { max: 1, onnotice: () => {} });
  // The password every test server gives the cluster-wide role (a random one would lock them out).
  const syncPassword = syncRolePassword(t.secret);
  await owner.unsafe(`alter role gatehouse_sync with login password '${syncPassword}'`);
  syncDb = createDatabase({
    appUrl: appUrlFrom(t.ownerUrl, syncPassword, 'gatehouse_sync'),
    contextKey: contextKey(t.secret),
    maxConnections: 2,
  });
  const a = await createLoader({ db: t.db, ownerUrl: t.ownerUrl }, A, { connectionLimit: 3 });
  const b = await createLoader({ db: t.db, ownerUrl: t.ownerUrl }, B);
  asA = connectAs(a.role, a.password);
  asB = connectAs(b.role, b.password);
  // The customer the orders belong to arrives through staging too.
  await stage(asA, 'parties', 'parties', 'parties-1', [
    { kind: 'customer', ref, name: 'Acme Ltd', key: `erp:C:${ref}` },
  ]);
  expect(await mergeStaged(syncDb, now)).toEqual({ merged: 1, rejected: 0, failed: 0 });
});

afterAll(async () => {
  for (const c of conns) await c.end();
  await dropLoader({ db: t.db, ownerUrl: t.ownerUrl }, A).catch(() => undefined);
  await dropLoader({ db: t.db, ownerUrl: t.ownerUrl }, B).catch(() => undefined);
  await syncDb?.close();
  await owner?.end();
  await t?.db.close();
});

describe('sql-loader create', () => {
  it('makes a LOGIN role in the loaders group with a connection limit and a statement timeout, audited', async () => {
    const [role] = await owner`select rolcanlogin, rolsuper, rolbypassrls, rolconnlimit, rolconfig
                               from pg_roles where rolname = ${`gh_loader_${A}`}`;
    expect(role).toMatchObject({ rolcanlogin: true, rolsuper: false, rolbypassrls: false, rolconnlimit: 3 });
    expect(role?.rolconfig).toEqual(expect.arrayContaining(['statement_timeout=120s', 'search_path=erp_staging']));
    const [member] = await owner`select pg_has_role(${`gh_loader_${A}`}, 'gatehouse_loaders', 'usage') as m`;
    expect(member?.m).toBe(true);
    const [group] = await owner`select rolcanlogin from pg_roles where rolname = 'gatehouse_loaders'`;
    expect(group?.rolcanlogin).toBe(false);
    const entries = await owner`select details from audit_events
                                where action = 'integration.sql_loader_created' and entity_id = ${A}`;
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toMatchObject({ role: `gh_loader_${A}`, connectionLimit: 3 });
  });

  it('refuses a second loader of the same name and a name that is not an identifier', async () => {
    await expect(createLoader({ db: t.db, ownerUrl: t.ownerUrl }, A)).rejects.toThrow(/already exists/);
    await expect(createLoader({ db: t.db, ownerUrl: t.ownerUrl }, 'x; drop role y')).rejects.toThrow(/loader name/);
  });
});

describe('loader abuse is refused (raw connection as the loader role)', () => {
  it('cannot read public or the private schema', async () => {
    for (const table of ['parties', 'users', 'orders', 'sessions', 'audit_events', 'integration_keys'])
      await expect(asA.unsafe(`select * from public.${table} limit 1`), table).rejects.toThrow(/permission denied/);
    await expect(asA`select * from gh_private.context_key`).rejects.toThrow(/permission denied/);
  });

  it('cannot write audit', async () => {
    await expect(
      asA`insert into public.audit_events (party_id, action, outcome) values (null, 'integration.batch_applied', 'success')`,
    ).rejects.toThrow(/permission denied/);
  });

  it('cannot create objects, read staging, change a manifest’s state or name another loader', async () => {
    await expect(asA`create table public.x (a int)`).rejects.toThrow(/permission denied/);
    await expect(asA`create table erp_staging.x (a int)`).rejects.toThrow(/permission denied/);
    await expect(asA`select * from erp_staging.orders`).rejects.toThrow(/permission denied/);
    await expect(asA`select * from erp_staging.manifests`).rejects.toThrow(/permission denied/);
    await expect(asA`select * from erp_staging.loaders`).rejects.toThrow(/permission denied/);
    await expect(
      asA`insert into erp_staging.manifests (batch_id, entity, row_count, state) values ('s1', 'orders', 1, 'merged')`,
    ).rejects.toThrow(/permission denied/);
    await expect(
      asB`insert into erp_staging.orders (loader, batch_id, seq, row) values (${`gh_loader_${A}`}, 'forged', 1, '{}')`,
    ).rejects.toThrow(/permission denied/);
    await expect(asA`delete from erp_staging.orders`).rejects.toThrow(/permission denied/);
  });

  it('cannot read another loader’s rows or results', async () => {
    await stage(asA, 'orders', 'orders', 'secret-1', [order(`SO:${run}:secret`)], null);
    await expect(asB`select * from erp_staging.orders`).rejects.toThrow(/permission denied/);
    // Results: each loader reads its own only (forced RLS by loader).
    const mine = await asA`select batch_id from erp_staging.batch_results`;
    expect(mine.map((r) => r.batch_id)).toContain('parties-1');
    expect(await asB`select batch_id from erp_staging.batch_results`).toHaveLength(0);
    const [rls] = await owner`select relrowsecurity, relforcerowsecurity from pg_class
                              where oid = 'erp_staging.orders'::regclass`;
    expect(rls).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it('cannot become the group role, and a role that is no loader of this database is never merged', async () => {
    await expect(asA`set role gatehouse_loaders`).rejects.toThrow(/permission denied/);
    // Roles are cluster-wide: a loader made for another database on the same server is not registered here.
    const stranger = `gh_loader_z${run}`;
    await owner.unsafe(`create role ${stranger} nologin in role gatehouse_loaders`);
    try {
      await owner.begin(async (tx) => {
        await tx`set local role ${tx(stranger)}`;
        await tx`insert into erp_staging.orders (batch_id, seq, row) values ('z-1', 1, ${tx.json(order(`SO:${run}:z`) as never)})`;
        await tx`insert into erp_staging.manifests (batch_id, entity, row_count) values ('z-1', 'orders', 1)`;
      });
      expect(await mergeStaged(syncDb, now)).toEqual({ merged: 0, rejected: 0, failed: 0 });
      expect(await ordersOf()).not.toContain(`SO:${run}:z`);
    } finally {
      await owner`delete from erp_staging.orders where loader = ${stranger}`;
      await owner`delete from erp_staging.manifests where loader = ${stranger}`;
      await owner.unsafe(`drop role ${stranger}`);
    }
  });

  it('a batch without its manifest is never merged', async () => {
    await stage(asA, 'orders', 'orders', 'no-manifest', [order(`SO:${run}:nm`)], null);
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 0, rejected: 0, failed: 0 });
    expect(await ordersOf()).not.toContain(`SO:${run}:nm`);
    expect(await stagedRows(`gh_loader_${A}`, 'no-manifest')).toBe(1);
    expect(await asA`select 1 from erp_staging.batch_results where batch_id = 'no-manifest'`).toHaveLength(0);
  });

  it('a batch whose manifest count does not match is recorded as failed and never merged', async () => {
    await stage(asA, 'orders', 'orders', 'short-1', [order(`SO:${run}:s1`), order(`SO:${run}:s2`)], 3);
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 0, rejected: 0, failed: 1 });
    expect(await ordersOf()).toEqual([]);
    expect(await stagedRows(`gh_loader_${A}`, 'short-1')).toBe(0);
    const [result] = await asA`select outcome, message, row_count, staged_count from erp_staging.batch_results
                               where batch_id = 'short-1'`;
    expect(result).toMatchObject({ outcome: 'failed', row_count: 3, staged_count: 2 });
    expect(result?.message).toMatch(/3 row\(s\) but 2 are staged/);
    // A batch id is used once: the manifest cannot be sent again to re-run it.
    await expect(
      asA`insert into erp_staging.manifests (batch_id, entity, row_count) values ('short-1', 'orders', 2)`,
    ).rejects.toThrow(/duplicate key/);
    const [audit] = await owner`select outcome, details from audit_events
                                where action = 'integration.staging_batch_rejected' and details->>'batchId' = 'short-1'`;
    expect(audit).toMatchObject({ outcome: 'failure', details: { outcome: 'failed', staged: 2, rowCount: 3 } });
  });
});

describe('merge', () => {
  it('merges a good batch through the mirror writer: the orders appear, its loader reads the result, one audit entry', async () => {
    await stage(asB, 'orders', 'orders', 'good-1', [order(`SO:${run}:g1`), order(`SO:${run}:g2`)]);
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 1, rejected: 0, failed: 0 });
    expect(await ordersOf()).toEqual([`SO:${run}:g1`, `SO:${run}:g2`]);
    expect(await stagedRows(`gh_loader_${B}`, 'good-1')).toBe(0);
    const [result] = await asB`select outcome, counts, errors from erp_staging.batch_results where batch_id = 'good-1'`;
    expect(result).toEqual({
      outcome: 'merged',
      counts: { created: 2, updated: 0, unchanged: 0, rejected: 0 },
      errors: [],
    });
    expect(await asA`select 1 from erp_staging.batch_results where batch_id = 'good-1'`).toHaveLength(0);
    const entries = await owner`select outcome, entity_id, details from audit_events
                                where action = 'integration.staging_batch_applied' and details->>'batchId' = 'good-1'`;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      outcome: 'success',
      entity_id: B,
      details: { source: `sql:${B}`, entity: 'orders', counts: { created: 2 } },
    });
    const [manifest] = await owner`select state from erp_staging.manifests where batch_id = 'good-1'`;
    expect(manifest?.state).toBe('merged');
  });

  it('an atomic batch with one bad row applies nothing and names the row by seq; partial mode skips it', async () => {
    const rows = [order(`SO:${run}:at1`), order(`SO:${run}:at2`, { total: 'abc' }), order(`SO:${run}:at3`)];
    await stage(asB, 'orders', 'orders', 'atomic-bad', rows);
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 0, rejected: 1, failed: 0 });
    expect(await ordersOf()).not.toContain(`SO:${run}:at1`);
    const [atomic] =
      await asB`select outcome, counts, errors from erp_staging.batch_results where batch_id = 'atomic-bad'`;
    expect(atomic?.outcome).toBe('rejected');
    expect(atomic?.counts).toEqual({ created: 0, updated: 0, unchanged: 2, rejected: 1 });
    expect(atomic?.errors).toEqual([
      { seq: 2, key: `SO:${run}:at2`, errors: [expect.objectContaining({ path: 'total' })] },
    ]);

    await stage(asB, 'orders', 'orders', 'partial-bad', rows, rows.length, 'partial');
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 1, rejected: 0, failed: 0 });
    expect(await ordersOf()).toEqual(expect.arrayContaining([`SO:${run}:at1`, `SO:${run}:at3`]));
    expect(await ordersOf()).not.toContain(`SO:${run}:at2`);
  });

  it('a batch over 5,000 rows is written in chunks and stays atomic across them', async () => {
    const many = Array.from({ length: 5_001 }, (_, i) => order(`SO:${run}:m${String(i).padStart(4, '0')}`));
    // The last row, in the second chunk, names a customer nobody has: the first chunk must not stay.
    many[5_000] = order(`SO:${run}:m5000`, { customer: 'NOBODY' });
    await owner.begin(async (tx) => {
      await tx`set local role ${tx(`gh_loader_${B}`)}`;
      await tx`insert into erp_staging.orders (batch_id, seq, row)
               select 'big-1', i, r from jsonb_array_elements(${tx.json(many as never)}) with ordinality as x(r, i)`;
    });
    await asB`insert into erp_staging.manifests (batch_id, entity, row_count) values ('big-1', 'orders', 5001)`;
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 0, rejected: 1, failed: 0 });
    expect(await ordersOf()).not.toContain(`SO:${run}:m0000`);
    const [r] = await asB`select errors from erp_staging.batch_results where batch_id = 'big-1'`;
    expect(r?.errors).toEqual([expect.objectContaining({ seq: 5001 })]);
    // Its pages were taken out of the inbox as they were read; the rollback put them back, and they go too.
    expect(await stagedRows(`gh_loader_${B}`, 'big-1')).toBe(0);
  });
});

describe('merge, page by page', () => {
  it('a duplicate key across pages is found (partial mode skips only it), named by seq', async () => {
    const many = Array.from({ length: 5_001 }, (_, i) => order(`SO:${run}:p${String(i).padStart(4, '0')}`));
    many[5_000] = order(`SO:${run}:p0000`, { number: 'SO-dup' });
    await owner.begin(async (tx) => {
      await tx`set local role ${tx(`gh_loader_${B}`)}`;
      await tx`insert into erp_staging.orders (batch_id, seq, row)
               select 'big-2', i, r from jsonb_array_elements(${tx.json(many as never)}) with ordinality as x(r, i)`;
    });
    await asB`insert into erp_staging.manifests (batch_id, entity, row_count, mode) values ('big-2', 'orders', 5001, 'partial')`;
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 1, rejected: 0, failed: 0 });
    const [r] = await asB`select counts, errors from erp_staging.batch_results where batch_id = 'big-2'`;
    expect(r?.counts).toEqual({ created: 5_000, updated: 0, unchanged: 0, rejected: 1 });
    expect(r?.errors).toEqual([
      { seq: 5001, key: `SO:${run}:p0000`, errors: [{ path: 'key', message: 'The same record is already at seq 1.' }] },
    ]);
    expect(await stagedRows(`gh_loader_${B}`, 'big-2')).toBe(0);
  }, 60_000);

  it('a bulk load as the loader: COPY FROM is refused (row-level security), INSERT … SELECT of a JSON array works', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => order(`SO:${run}:bulk${i}`));
    await expect(
      (async () => {
        const w = await asB`copy erp_staging.orders (batch_id, seq, row) from stdin`.writable();
        await new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.end(`bulk-0\t1\t${JSON.stringify(rows[0])}\n`, () => resolve());
        });
      })(),
    ).rejects.toThrow(/COPY FROM not supported with row-level security/);
    // The way docs/sql-staging.md shows: one statement per page of rows, seq from the array's order.
    await asB`insert into erp_staging.orders (batch_id, seq, row)
              select 'bulk-1', x.n, x.r from jsonb_array_elements(${asB.json(rows as never)}) with ordinality as x(r, n)`;
    await asB`insert into erp_staging.manifests (batch_id, entity, row_count) values ('bulk-1', 'orders', 3)`;
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 1, rejected: 0, failed: 0 });
    expect(await ordersOf()).toEqual(expect.arrayContaining(rows.map((r) => r.key)));
  });

  it('rows not numbered 1 to row_count fail as a count mismatch does', async () => {
    await asB`insert into erp_staging.orders (batch_id, seq, row) values
                ('gap-1', 1, ${asB.json(order(`SO:${run}:gap1`) as never)}),
                ('gap-1', 3, ${asB.json(order(`SO:${run}:gap3`) as never)})`;
    await asB`insert into erp_staging.manifests (batch_id, entity, row_count) values ('gap-1', 'orders', 2)`;
    expect(await mergeStaged(syncDb, now)).toEqual({ merged: 0, rejected: 0, failed: 1 });
    const [r] = await asB`select outcome, message from erp_staging.batch_results where batch_id = 'gap-1'`;
    expect(r).toEqual({ outcome: 'failed', message: expect.stringMatching(/not numbered 1 to 2/) });
    expect(await ordersOf()).not.toContain(`SO:${run}:gap1`);
  });
});

describe('sql-loader rotate and drop', () => {
  it('rotate: the old password stops working, the new one works; drop removes the role; both audited', async () => {
    const name = `r${run}`;
    const first = await createLoader({ db: t.db, ownerUrl: t.ownerUrl }, name);
    const rotated = await rotateLoader({ db: t.db, ownerUrl: t.ownerUrl }, name);
    expect(rotated.password).not.toBe(first.password);
    const old = connectAs(first.role, first.password);
    await expect(old`select 1`).rejects.toThrow(/password authentication failed/);
    const fresh = connectAs(rotated.role, rotated.password);
    expect(await fresh`select current_user as u`).toEqual([{ u: first.role }]);
    await fresh.end();
    await dropLoader({ db: t.db, ownerUrl: t.ownerUrl }, name);
    expect(await owner`select 1 from pg_roles where rolname = ${first.role}`).toHaveLength(0);
    const actions = await owner`select action from audit_events where entity_type = 'sql_loader' and entity_id = ${name}
                                order by id`;
    expect(actions.map((a) => a.action)).toEqual([
      'integration.sql_loader_created',
      'integration.sql_loader_rotated',
      'integration.sql_loader_dropped',
    ]);
    await expect(rotateLoader({ db: t.db, ownerUrl: t.ownerUrl }, name)).rejects.toThrow(/No loader/);
  });
});

describe('wired in', () => {
  const ROOT = path.resolve(import.meta.dirname, '..');
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: t.ownerUrl, GATEHOUSE_SECRET: inject('testSecret'), LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });

  it('pnpm gatehouse sql-loader create prints the password once; sql-staging merge merges; drop removes', async () => {
    const name = `c${run}`;
    const made = cli(['sql-loader', 'create', name, '--connections', '2']);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const password = made.stdout.split('\n')[1] as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const [role] = await owner`select rolconnlimit from pg_roles where rolname = ${`gh_loader_${name}`}`;
    expect(role?.rolconnlimit).toBe(2);
    const loader = connectAs(`gh_loader_${name}`, password);
    await stage(loader, 'orders', 'orders', 'cli-1', [order(`SO:${run}:cli`)]);
    const merged = cli(['sql-staging', 'merge']);
    expect(merged.stdout).toMatch(/^Merged 1 batch\(es\); 0 rejected, 0 failed/);
    expect(await ordersOf()).toContain(`SO:${run}:cli`);
    await loader.end();
    expect(cli(['sql-loader', 'drop', name]).status).toBe(0);
    expect(await owner`select 1 from pg_roles where rolname = ${`gh_loader_${name}`}`).toHaveLength(0);
  }, 120_000);

  it('the server merges staged batches by itself (the 10 s job)', async () => {
    const srv = await startTestServer();
    try {
      const name = `s${run}`;
      const made = await createLoader({ db: srv.db, ownerUrl: srv.ownerUrl }, name);
      const url = new URL(srv.ownerUrl);
      url.username = made.role;
      url.password = made.password;
      const loader = postgres(url.toString(), { max: 1, onnotice: () => {} });
      conns.push(loader);
      await stage(loader, 'parties', 'parties', 'srv-1', [{ kind: 'customer', ref: 'C-SRV', name: 'Server Ltd' }]);
      let result: postgres.Row | undefined;
      for (let i = 0; i < 60 && !result; i++) {
        [result] = await loader`select outcome, counts from erp_staging.batch_results where batch_id = 'srv-1'`;
        if (!result) await new Promise((r) => setTimeout(r, 250));
      }
      expect(result).toMatchObject({ outcome: 'merged', counts: { created: 1 } });
      await loader.end();
      await dropLoader({ db: srv.db, ownerUrl: srv.ownerUrl }, name);
    } finally {
      await srv.close();
    }
  }, 60_000);
});
