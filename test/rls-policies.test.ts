import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/harness.ts';

/**
 * The tenant wall has one definition, gh_private.tenant_rls (migration 0040). Every party table (a table in
 * `public` with a party_id column, and parties itself on its id) must carry exactly what that function
 * writes: RLS enabled and forced, and a tenant_isolation policy for the app role with the same USING and
 * WITH CHECK. The expected text is not written here: it is read back from a scratch table the function
 * walled, so the helper and every migration's policy are compared with each other.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: postgres.Sql;

type Wall = {
  rls: boolean;
  forced: boolean;
  permissive: string;
  roles: string[];
  cmd: string;
  qual: string | null;
  check: string | null;
};

async function wallOf(
  sql: postgres.Sql | postgres.TransactionSql,
  table: string,
  column: string,
): Promise<Wall | null> {
  const [c] = await sql`select relrowsecurity as rls, relforcerowsecurity as forced from pg_class
                        where oid = ${`public.${table}`}::regclass`;
  const [p] = await sql`select permissive, roles::text[] as roles, cmd, qual, with_check from pg_policies
                        where schemaname = 'public' and tablename = ${table} and policyname = 'tenant_isolation'`;
  if (!c || !p) return null;
  // The column is the only part that differs between tables: name it the same way for the comparison.
  const generic = (e: string | null) => e?.replace(new RegExp(`\\b${column}\\b`, 'g'), '<party>') ?? null;
  return {
    rls: c.rls,
    forced: c.forced,
    permissive: p.permissive,
    roles: p.roles,
    cmd: p.cmd,
    qual: generic(p.qual),
    check: generic(p.with_check),
  };
}

let helper: Wall | null;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
  await owner`create table rls_helper_probe (id uuid primary key, party_id uuid not null)`;
  await owner`select gh_private.tenant_rls('rls_helper_probe')`;
  helper = await wallOf(owner, 'rls_helper_probe', 'party_id');
  await owner`drop table rls_helper_probe`;
});
afterAll(async () => {
  await owner?.end();
  await db?.db.close();
});

describe('one helper writes the tenant wall', () => {
  it('gh_private.tenant_rls enables and forces RLS with the one-check policy for the app role', () => {
    expect(helper).toMatchObject({ rls: true, forced: true, permissive: 'PERMISSIVE', roles: ['gatehouse_app'] });
    expect(helper?.qual).toContain('gh_ctx()');
    expect(helper?.qual).toContain('<party>');
    expect(helper?.check).toBe(helper?.qual);
  });

  it('every party table carries exactly what the helper writes', async () => {
    const { tables, differ } = await partyTablesAgainstHelper(owner);
    expect(tables).toBeGreaterThan(20);
    expect(differ).toEqual({});
  });

  it('a party table without the wall, or with a looser policy, is caught', async () => {
    class Rollback extends Error {}
    await owner
      .begin(async (tx) => {
        await tx`create table rls_unwalled (party_id uuid)`;
        await tx`create table rls_loose (party_id uuid)`;
        await tx`alter table rls_loose enable row level security`;
        await tx`create policy tenant_isolation on rls_loose for all to gatehouse_app using (true)`;
        const { differ } = await partyTablesAgainstHelper(tx);
        expect(Object.keys(differ).sort()).toEqual(['rls_loose', 'rls_unwalled']);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
  });
});

/** Every party table whose wall is not the helper's, with what it has instead (null: no policy). */
async function partyTablesAgainstHelper(sql: postgres.Sql | postgres.TransactionSql) {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'party_id' and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`;
  const differ: Record<string, Wall | null> = {};
  for (const { name } of [...tables, { name: 'parties' }]) {
    const wall = await wallOf(sql, name, name === 'parties' ? 'id' : 'party_id');
    if (JSON.stringify(wall) !== JSON.stringify(helper)) differ[name] = wall;
  }
  return { tables: tables.length, differ };
}
