import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres, { type ReservedSql, type Sql } from 'postgres';
import { signContext, type TenantScope } from './context.ts';
import * as schema from './schema/index.ts';

/**
 * The one way to reach data: `database.tx(scope, fn)`. It reserves a connection, pipelines
 * BEGIN + the signed tenant context in front of fn's first query (one network round trip instead of
 * three), and routes every Drizzle query made inside fn to that connection through AsyncLocalStorage.
 * A query made outside a tenant transaction throws: there is no unscoped path to party data.
 */
const current = new AsyncLocalStorage<{ conn: ReservedSql; scope: TenantScope }>();

export class NoTenantTransaction extends Error {
  constructor() {
    super('data access outside a tenant transaction');
  }
}

const routedClient = {
  // Drizzle replaces the date/time parsers of the client it is given; the real pools get the same
  // treatment in createDatabase (see TRANSPARENT_TYPES), so this object only needs the shape.
  options: { parsers: {}, serializers: {} },
  unsafe(query: string, params?: unknown[], opts?: { prepare?: boolean }) {
    const store = current.getStore();
    if (!store) throw new NoTenantTransaction();
    // Always use server-side prepared statements: re-planning every call doubled PostgreSQL's CPU.
    return store.conn.unsafe(query, params as never[], { ...opts, prepare: true });
  },
};

/** The data layer's Drizzle handle. Only db/src/data/* should import it. */
export const db = drizzle(routedClient as unknown as Sql, { schema });
export type Db = typeof db;

/** The scope of the transaction we are in (the data layer uses it to add its own party filter). */
export function currentScope(): TenantScope {
  const store = current.getStore();
  if (!store) throw new NoTenantTransaction();
  return store.scope;
}

// Same list drizzle-orm's postgres-js driver makes transparent: Drizzle maps these types itself.
const TRANSPARENT_TYPES = ['1184', '1082', '1083', '1114', '1182', '1185', '1115', '1231'];

export interface DatabaseOptions {
  /** Connection URL for the app role (gatehouse_app). */
  appUrl: string;
  /** Key that signs tenant contexts; the same one migrate() installs in gh_private. */
  contextKey: Buffer;
  maxConnections?: number;
  onError?: (err: unknown) => void;
}

export interface Database {
  tx<T>(scope: TenantScope, fn: () => Promise<T>): Promise<T>;
  /**
   * A read-only transaction (BEGIN READ ONLY): PostgreSQL refuses any write inside it. Its COMMIT is sent
   * but not awaited (the connection keeps order, so the next user queues behind it), which saves a round
   * trip on every read; a read's COMMIT has nothing to lose if it fails.
   */
  read<T>(scope: TenantScope, fn: () => Promise<T>): Promise<T>;
  /** true when PostgreSQL answers; never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** Raw pool as the app role, for tests and benchmarks that must prove what the app role can do. */
  readonly appSql: Sql;
}

export function createDatabase(opts: DatabaseOptions): Database {
  const sql = postgres(opts.appUrl, {
    max: opts.maxConnections ?? 20,
    idle_timeout: 60,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'gatehouse' },
  });
  for (const t of TRANSPARENT_TYPES) {
    (sql.options.parsers as Record<string, (v: string) => unknown>)[t] = (v: string) => v;
    (sql.options.serializers as Record<string, (v: unknown) => unknown>)[t] = (v: unknown) => v;
  }
  // Drizzle stringifies json/jsonb itself; postgres.js must not encode the string a second time.
  for (const t of ['114', '3802'])
    (sql.options.serializers as Record<string, (v: unknown) => unknown>)[t] = (v: unknown) => v;

  async function run<T>(scope: TenantScope, fn: () => Promise<T>, readOnly: boolean): Promise<T> {
    if (current.getStore()) throw new Error('nested tenant transaction');
    const conn = await sql.reserve();
    let finished = false;
    try {
      // Sent now, answered before fn's first query: postgres.js pipelines on the reserved connection.
      const preamble = Promise.all([
        (readOnly ? conn`begin read only` : conn`begin`).execute(),
        conn`select set_config('app.ctx', ${signContext(opts.contextKey, scope)}, true)`.execute(),
      ]);
      preamble.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      const result = await current.run({ conn, scope }, fn);
      await preamble;
      if (readOnly) conn`commit`.execute().catch(() => {});
      else await conn`commit`;
      finished = true;
      return result;
    } finally {
      if (!finished) await conn`rollback`.catch(() => {});
      conn.release();
    }
  }

  return {
    tx: (scope, fn) => run(scope, fn, false),
    read: (scope, fn) => run(scope, fn, true),
    appSql: sql,
    async ping() {
      try {
        await sql`select 1`;
        return true;
      } catch (e) {
        opts.onError?.(e);
        return false;
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
