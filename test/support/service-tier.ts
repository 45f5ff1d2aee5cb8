import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { BuiltInRoleKey } from '@gatehouse/contract';
import { type Database, partiesRepo, signContext, type TenantScope, type Tx, usersRepo } from '@gatehouse/db';
import {
  type AppServices,
  appRouter,
  contextKey,
  createCallerFactory,
  createContextInner,
  hashPassword,
  issueSession,
} from '@gatehouse/server/testing';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { ReservedSql, Sql } from 'postgres';
import { inject } from 'vitest';
import { SYSTEM } from './harness.ts';

/**
 * The service tier (docs/testing.md): the real router, called in-process with `createCaller`, over the
 * real database, with every statement of the test inside ONE transaction that is rolled back at the end.
 *
 * Each `db.tx` / `db.read` / `db.readOne` a service opens becomes a SAVEPOINT on that one connection,
 * opened exactly as the data layer opens a transaction: the same app role (gatehouse_app, no BYPASSRLS,
 * forced RLS), and `set_config('app.ctx', <signed context>, true)` with the same key and signature, so
 * the database checks the tenant context as it does in production. A read is read-only (SET LOCAL
 * transaction_read_only, undone by ROLLBACK TO SAVEPOINT); a failed one rolls back to its savepoint. The
 * audit trigger chains entries as always (the chain's head row is locked until the outer rollback), and
 * nothing is committed, so the test leaves no rows behind and needs no cleanup or fresh parties.
 *
 * What it does not model (use the HTTP tier, useTestServer + client(), for these): concurrency between
 * requests (every transaction is serialised on one connection), commit-time effects (nothing commits:
 * background jobs and the owner connection never see the test's rows), `now()` in SQL (the outer
 * transaction's start, fixed for the whole test), the HTTP layer (cookies, origin checks, upload routes),
 * and a transaction opened inside another one (a savepoint here, a separate connection in production).
 */
export interface ServiceTier {
  /** The rolled-back database: what the services see; `read(SYSTEM, ...)` for assertions on stored rows. */
  db: Database;
  /** A new party (or `partyId`) with one user holding `roles`, and a caller signed in as that user. */
  as(
    kind: 'internal' | 'customer' | 'supplier',
    roles: BuiltInRoleKey[],
    opts?: { partyId?: string },
  ): Promise<{ caller: Caller; partyId: string; userId: string; email: string }>;
  /** A caller with no session (public procedures, and the refusals of the others). */
  anonymous(): Caller;
}

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

/** The users' password: hashed once per run (argon2id at production cost), not once per user. */
export const SERVICE_TIER_PASSWORD = 'service tier passphrase 7';
let passwordHash: Promise<string> | undefined;

let seq = 0;

/**
 * Runs `fn` inside one transaction on `services`' database, rolled back afterwards whatever happens.
 * `services` is a test server's (`t.srv.services`); its own pool, jobs and HTTP stay as they are.
 */
export async function inRollback<T>(services: AppServices, fn: (s: ServiceTier) => Promise<T>): Promise<T> {
  const pool = services.db.appSql;
  const key = contextKey(Buffer.from(inject('testSecret')));
  const conn = await pool.reserve();
  await conn`begin`;
  const db = rollbackDatabase(conn, pool, key);
  // No session cache: what happens in here never commits, so it never notifies the cache of a change.
  const services2: AppServices = { ...services, db, sessionCache: null };
  const callerWith = (token: string | undefined): Caller => {
    let sessionToken = token;
    return createCaller(() =>
      createContextInner(services2, {
        requestId: randomUUID(),
        ip: '127.0.0.1',
        userAgent: 'service-tier',
        get sessionToken() {
          return sessionToken;
        },
        setCookie(value: string) {
          const v = /^[^=]*=([^;]*)/.exec(value)?.[1];
          sessionToken = v ? v : undefined;
        },
        setHeader() {},
      }),
    );
  };
  const tier: ServiceTier = {
    db,
    anonymous: () => callerWith(undefined),
    async as(kind, roles, opts = {}) {
      passwordHash ??= hashPassword(SERVICE_TIER_PASSWORD);
      const hash = await passwordHash;
      seq += 1;
      const email = `${roles[0] ?? 'user'}-st${seq}-${randomUUID().slice(0, 6)}@test.example`;
      const user = await db.tx(SYSTEM, async (tx) => {
        const partyId = opts.partyId ?? (await partiesRepo.create(tx, { kind, name: `${kind} st${seq}` })).id;
        const u = await usersRepo.create(tx, {
          partyId,
          email,
          displayName: `User st${seq}`,
          passwordHash: hash,
          status: 'active',
        });
        if (roles.length > 0) await usersRepo.grantRoles(tx, u.id, partyId, roles);
        return { id: u.id, partyId };
      });
      // A session as a sign-in issues it (the user's effective policy), without proving the password.
      const ctx = createContextInner(services2, {
        requestId: randomUUID(),
        ip: '127.0.0.1',
        userAgent: 'service-tier',
        sessionToken: undefined,
        setCookie() {},
        setHeader() {},
      });
      const { token } = await db.tx({ kind: 'party', partyId: user.partyId }, (tx) => issueSession(ctx, tx, user));
      return { caller: callerWith(token), partyId: user.partyId, userId: user.id, email };
    },
  };
  try {
    return await fn(tier);
  } finally {
    await conn`rollback`.catch(() => {});
    conn.release();
  }
}

/** A Database whose every transaction is a savepoint inside the connection's one open transaction. */
function rollbackDatabase(conn: ReservedSql, pool: Sql, key: Buffer): Database {
  const inside = new AsyncLocalStorage<TenantScope>();
  let queue: Promise<unknown> = Promise.resolve();
  let n = 0;
  const client = {
    options: pool.options,
    unsafe: (query: string, params?: unknown[], opts?: { prepare?: boolean }) =>
      conn.unsafe(query, params as never[], { ...opts, prepare: true }),
  };
  const setScope = (scope: TenantScope) => conn`select set_config('app.ctx', ${signContext(key, scope)}, true)`;

  async function savepoint<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>, readOnly: boolean): Promise<T> {
    const name = `gh_sp_${++n}`;
    await conn.unsafe(`savepoint ${name}`);
    try {
      if (readOnly) await conn.unsafe('set local transaction_read_only = on');
      await setScope(scope);
      const tx: Tx = {
        db: drizzle(client as unknown as Sql),
        scope,
        copyIn: () => Promise.reject(new Error('copyIn is not available in the service tier')),
      };
      const result = await inside.run(scope, () => fn(tx));
      // A read (or a failure) leaves nothing: its savepoint is rolled back, which also ends read-only.
      if (readOnly) await conn.unsafe(`rollback to savepoint ${name}`);
      await conn.unsafe(`release savepoint ${name}`);
      return result;
    } catch (e) {
      await conn.unsafe(`rollback to savepoint ${name}`).catch(() => {});
      await conn.unsafe(`release savepoint ${name}`).catch(() => {});
      throw e;
    }
  }

  async function run<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>, readOnly: boolean): Promise<T> {
    const outer = inside.getStore();
    if (outer) {
      // A transaction opened while another is open: nested savepoint, then the outer's context again.
      try {
        return await savepoint(scope, fn, readOnly);
      } finally {
        await setScope(outer);
      }
    }
    // Otherwise one at a time: a single connection cannot interleave two transactions.
    const turn = queue.then(() => savepoint(scope, fn, readOnly));
    queue = turn.catch(() => {});
    return turn;
  }

  return {
    tx: (scope, fn) => run(scope, fn, false),
    read: (scope, fn) => run(scope, fn, true),
    readOne: (scope, fn) => run(scope, fn, true),
    ping: async () => true,
    withDeadline: (work) => Promise.resolve(work),
    poolStats: () => ({ inUse: 1, waiting: 0, max: 1 }),
    close: async () => {},
    hear: () => {
      throw new Error('hear is not available in the service tier (nothing in it commits)');
    },
    listen: () => {
      throw new Error('listen is not available in the service tier (nothing in it commits)');
    },
    appSql: pool,
  };
}
