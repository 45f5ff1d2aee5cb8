import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BuiltInRoleKey } from '@gatehouse/contract';
import {
  appUrlFrom,
  createDatabase,
  type Database,
  freeLoopbackPort,
  migrate,
  partiesRepo,
  SESSION_CHANGES_CHANNEL,
  usersRepo,
} from '@gatehouse/db';
import type { AppRouter } from '@gatehouse/server';
import type { Clock, SessionCache, ThrottlePolicy } from '@gatehouse/server/testing';
import {
  appRolePassword,
  type Config,
  contextKey,
  createLogger,
  hashPassword,
  loadConfig,
  startServer,
  syncRolePassword,
} from '@gatehouse/server/testing';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';

export const SYSTEM = { kind: 'all', reason: 'system' } as const;

/** A clock tests can move: session timeouts are tested by moving it, never by waiting. */
export class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

/**
 * A fresh database in the run's cluster, cloned from the run's migrated template (or `existing`, for a second
 * server on the same one, migrated again as a second instance would).
 * The shipped role policies require a second factor of admins and staff; tests about other things turn
 * that requirement off here (data, not a code path) unless they ask for `shippedRolePolicies`, as the
 * policy tests do.
 */
export async function createTestDatabase(existing?: string, opts: { shippedRolePolicies?: boolean } = {}) {
  const clusterUrl = inject('clusterUrl');
  const secret = Buffer.from(inject('testSecret'));
  let name = existing ? (new URL(existing).pathname.slice(1) as string) : `gh_${randomBytes(6).toString('hex')}`;
  if (!existing) {
    // A copy of the run's migrated template (test/support/global-setup.ts): what migrate() makes of an
    // empty database, without running every migration again for every file.
    const admin = postgres(`${clusterUrl}postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject('templateDatabase')}`);
    await admin.end();
  }
  name = name.replace(/[^a-z0-9_]/g, '');
  const ownerUrl = `${clusterUrl}${name}`;
  if (existing) {
    await migrate({
      ownerUrl,
      contextKey: contextKey(secret),
      appPassword: appRolePassword(secret),
      syncPassword: syncRolePassword(secret),
    });
  }
  if (!existing && !opts.shippedRolePolicies) {
    const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    await owner`update roles set require_totp = false`;
    await owner.end();
  }
  const db = createDatabase({ appUrl: appUrlFrom(ownerUrl, appRolePassword(secret)), contextKey: contextKey(secret) });
  return { name, ownerUrl, secret, db };
}

export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({
    NODE_ENV: 'test',
    GATEHOUSE_SECRET: inject('testSecret'),
    LOG_LEVEL: 'silent',
    TRUST_PROXY: 'none',
    ...overrides,
  });
}

/** The real server (Express + tRPC + migrations) on a free port, over a fresh database. */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: {
    throttle?: ThrottlePolicy;
    ownerUrl?: string;
    shippedRolePolicies?: boolean;
    /** Where the server's log lines go (a test that reads them); silent otherwise. */
    logTo?: { write(line: string): void };
  } = {},
) {
  const clock = new TestClock();
  const { ownerUrl, db: fixturesDb, name } = await createTestDatabase(opts.ownerUrl, opts);
  const port = await freeLoopbackPort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-srv-'));
  const config = testConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    DATABASE_URL: ownerUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: `http://localhost:${port}`,
    ...env,
  });
  const log = opts.logTo ? createLogger('info', opts.logTo) : createLogger('silent');
  const server = await startServer(config, log, { clock, throttle: opts.throttle });
  // The fixtures' writes reach the server's session cache before they return, as the server's own writes do
  // (docs/security.md, "Session cache"): a test that suspends a user through them and asks the server next
  // tests what the server does with a change, not how fast another connection's notification travels.
  const cache = server.services.sessionCache;
  if (cache) fixturesDb.hear(SESSION_CHANGES_CHANNEL, (p) => cache.heard(p));
  return {
    ...server,
    origin: `http://localhost:${port}`,
    clock,
    db: fixturesDb,
    ownerUrl,
    databaseName: name,
    config,
    async close() {
      await server.stop();
      await fixturesDb.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
/** A party with one user holding `roles`; returns its ids and the plain password. */
export async function createPartyWithUser(
  db: Database,
  kind: 'internal' | 'customer' | 'supplier',
  roles: BuiltInRoleKey[],
  opts: { partyId?: string; status?: 'active' | 'suspended' | 'deactivated' | 'invited' } = {},
) {
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const hash = await hashPassword(password);
  seq += 1;
  const email = `${roles[0] ?? 'user'}-${seq}-${randomBytes(3).toString('hex')}@test.example`;
  return db.tx(SYSTEM, async (tx) => {
    const partyId = opts.partyId ?? (await partiesRepo.create(tx, { kind, name: `${kind} ${seq}` })).id;
    const user = await usersRepo.create(tx, {
      partyId,
      email,
      displayName: `User ${seq}`,
      passwordHash: hash,
      status: opts.status ?? 'active',
    });
    if (roles.length > 0) await usersRepo.grantRoles(tx, user.id, partyId, roles);
    return { partyId, userId: user.id, email, password };
  });
}

/** A tRPC client with its own cookie jar, speaking to the test server like the SPA does. */
export function client(origin: string, opts: { batch?: boolean; headers?: Record<string, string> } = {}) {
  const jar = new Map<string, string>();
  const fetchWithJar: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('origin', origin);
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(input, { ...init, headers });
    lastIds.set(jar, res.headers.get('x-request-id'));
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = (pair ?? '').split('=');
      if (!k) continue;
      if (!v || /max-age=0/i.test(c)) jar.delete(k);
      else jar.set(k, v);
    }
    return res;
  };
  const link = (opts.batch ? httpBatchLink : httpLink)({
    url: `${origin}/trpc`,
    fetch: fetchWithJar,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [link] });
  jars.set(trpc, jar);
  return trpc;
}

const jars = new WeakMap<object, Map<string, string>>();
const lastIds = new WeakMap<object, string | null>();
/** The X-Request-Id of the last response a client made by client() received (audit rows carry it). */
export function lastRequestIdOf(c: object): string | null {
  return lastIds.get(jarOf(c)) ?? null;
}
/** The cookie jar of a client made by client(): tests read and replace the session cookie through it. */
export function jarOf(c: object): Map<string, string> {
  const jar = jars.get(c);
  if (!jar) throw new Error('not a test client');
  return jar;
}

/** The `me` of a sign-in that completed in one step (fails the test if it asked for a second factor). */
export function signedInMe<M>(res: { status: 'signed-in'; me: M } | { status: 'second-factor'; challenge: string }): M {
  if (res.status !== 'signed-in') throw new Error(`expected a completed sign-in, got ${res.status}`);
  return res.me;
}

/** The tRPC error code of a rejected call, for `expect(await codeOf(...)).toBe('NOT_FOUND')`. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCClientError) return (e.data as { code?: string } | undefined)?.code ?? 'UNKNOWN';
    throw e;
  }
}

/**
 * One test file's server: started before its tests, stopped after, with an owner connection for
 * assertions about what is stored. Read `t.srv` / `t.owner` inside tests and hooks.
 */
export function useTestServer(env: Record<string, string> = {}, opts: Parameters<typeof startTestServer>[1] = {}) {
  const t = {} as { srv: Awaited<ReturnType<typeof startTestServer>>; owner: postgres.Sql };
  beforeAll(async () => {
    t.srv = await startTestServer(env, opts);
    t.owner = await ownerConnection(t.srv);
  });
  afterAll(async () => {
    await t.owner?.end();
    await t.srv?.close();
  });
  return t;
}

/**
 * One owner connection to a test server's database whose writes reach the server's session cache before
 * they return, like the fixtures' (see startTestServer): it listens on the cache's channel, and PostgreSQL
 * hands a session its own notifications before its COMMIT answers.
 */
export async function ownerConnection(srv: { ownerUrl: string; services: { sessionCache: SessionCache | null } }) {
  const cache = srv.services.sessionCache;
  const owner = postgres(srv.ownerUrl, {
    max: 1,
    onnotice: () => {},
    onnotify: (channel, payload) => {
      if (channel === SESSION_CHANGES_CHANNEL) cache?.heard(payload);
    },
  });
  if (cache) await owner.unsafe(`listen ${SESSION_CHANGES_CHANNEL}`);
  return owner;
}

/** Code, `data.reason` and message of a rejected call ('OK' when it succeeded). */
export async function errorOf(p: Promise<unknown>): Promise<{ code: string; reason?: string; message?: string }> {
  try {
    await p;
    return { code: 'OK' };
  } catch (e) {
    if (!(e instanceof TRPCClientError)) throw e;
    const data = e.data as { code?: string; reason?: string } | undefined;
    return { code: data?.code ?? 'UNKNOWN', reason: data?.reason, message: e.message };
  }
}
