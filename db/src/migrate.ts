import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_ROLES, type RoleDefinition } from '@gatehouse/contract';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { keyPads } from './context.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');
const MIGRATION_LOCK = 0x6761_7465; // "gate": one migrator at a time when several instances start together

export class MigrationError extends Error {}

/**
 * Brings the database to the current schema as its owner, then installs what the app role needs:
 * the tenant-context key, the app role's password (when we manage it) and the built-in roles.
 * Safe to run from several instances at once (advisory lock) and on every start.
 */
export async function migrate(opts: {
  ownerUrl: string;
  contextKey: Buffer;
  /** Set the gatehouse_app role's password (omit when the operator manages that role). */
  appPassword?: string;
  /** Let the gatehouse_sync role (the ERP mirror writer) log in with this password (omit: stays NOLOGIN). */
  syncPassword?: string;
  /** Another migrations folder: only the upgrade test uses it, to build an older installation. */
  migrationsFolder?: string;
}): Promise<{ applied: number }> {
  const sql = postgres(opts.ownerUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [{ v }] = (await sql`select current_setting('server_version_num')::int as v`) as unknown as [{ v: number }];
    if (v < 150000) throw new MigrationError(`PostgreSQL 15 or newer is required (found ${v}).`);
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    const before = await countApplied(sql);
    try {
      await drizzleMigrate(drizzle(sql), { migrationsFolder: opts.migrationsFolder ?? MIGRATIONS_DIR });
    } catch (e) {
      // drizzle wraps the PostgreSQL error; the useful message is in `cause`.
      const cause = (e as { cause?: Error }).cause ?? e;
      throw new MigrationError(`Migration failed: ${(cause as Error).message}`);
    }
    const { ipad, opad } = keyPads(opts.contextKey);
    await sql`insert into gh_private.context_key (id, ipad, opad) values (1, ${ipad}, ${opad})
              on conflict (id) do update set ipad = excluded.ipad, opad = excluded.opad`;
    if (opts.appPassword !== undefined) {
      if (!/^[A-Za-z0-9_-]{20,}$/.test(opts.appPassword)) throw new MigrationError('unexpected app password format');
      await sql.unsafe(`alter role gatehouse_app with login password '${opts.appPassword}'`);
    }
    if (opts.syncPassword !== undefined) {
      if (!/^[A-Za-z0-9_-]{20,}$/.test(opts.syncPassword)) throw new MigrationError('unexpected sync password format');
      await sql.unsafe(`alter role gatehouse_sync with login password '${opts.syncPassword}'`);
    }
    for (const role of BUILT_IN_ROLES) {
      // Built-in permissions follow the code; `delegable` and the policy columns are defaults for a new role
      // only: a system admin's later choice (policies.setRole, roles.update) is never overwritten.
      const r: RoleDefinition = role;
      await sql`insert into roles (key, name, party_kind, delegable, built_in, permissions,
                                   require_totp, session_idle_minutes, session_absolute_hours)
                values (${r.key}, ${r.name}, ${r.partyKind}, ${r.delegable}, true, ${[...r.permissions]}::text[],
                        ${r.requireTotp}, ${r.sessionIdleMinutes ?? null}, ${r.sessionAbsoluteHours ?? null})
                on conflict (key) do update set name = excluded.name, party_kind = excluded.party_kind,
                  built_in = true, permissions = excluded.permissions`;
    }
    const after = await countApplied(sql);
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    return { applied: after - before };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function countApplied(sql: postgres.Sql): Promise<number> {
  const rows = await sql`select count(*)::int as n from information_schema.tables
                         where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`;
  if ((rows[0] as { n: number }).n === 0) return 0;
  const [r] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return (r as { n: number }).n;
}

/** The app role's connection URL: same server and database as the owner's, as gatehouse_app. */
export function appUrlFrom(ownerUrl: string, password: string, role = 'gatehouse_app'): string {
  const u = new URL(ownerUrl);
  u.username = role;
  u.password = password;
  return u.toString();
}
