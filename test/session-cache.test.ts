import { randomUUID } from 'node:crypto';
import { appUrlFrom, createDatabase, SESSION_CHANGES_CHANNEL, sessionsRepo } from '@gatehouse/db';
import { appRolePassword, contextKey, type SessionCache, type SessionRow } from '@gatehouse/server/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  client,
  codeOf,
  createPartyWithUser,
  errorOf,
  jarOf,
  SYSTEM,
  startTestServer,
  useTestServer,
} from './support/harness.ts';

/**
 * The session cache (docs/security.md, "Session cache") with two server instances, A and B, over one
 * database: what one instance changes, the other must not serve from its cache once it has heard of it, and
 * the instance that made the change must not serve it even once. Tests here wait for B to have *heard* (a
 * marker notification sent after the change: notifications arrive in commit order) before B's next request:
 * the time a notification takes to travel is the documented window, not what these tests are about.
 */
const t = useTestServer(); // A, and an owner connection whose writes A hears at once
let b: Awaited<ReturnType<typeof startTestServer>>;
const A = () => t.srv;
const B = () => b;

beforeAll(async () => {
  b = await startTestServer({}, { ownerUrl: t.srv.ownerUrl });
  // Both listen before any test starts (a cache that does not listen is bypassed).
  const until = Date.now() + 10_000;
  while (![A(), B()].every((s) => cacheOf(s).listening) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  await b?.close();
});

const cacheOf = (s: { services: { sessionCache: SessionCache | null } }) => {
  const cache = s.services.sessionCache;
  if (!cache) throw new Error('the session cache is off');
  return cache;
};

/** Resolves once `s` has heard every notification committed before this call. */
async function heardBy(s: typeof b) {
  const cache = cacheOf(s);
  const marker = `marker-${randomUUID()}`;
  cache.store(marker, { id: marker } as SessionRow, cache.ticket());
  expect(cache.holds(marker)).toBe(true);
  await t.owner`select pg_notify(${SESSION_CHANGES_CHANNEL}, ${`s:${marker}`})`;
  await expect.poll(() => cache.holds(marker), { timeout: 5_000, interval: 5 }).toBe(false);
}

async function signedIn(s: typeof b, u: { email: string; password: string }) {
  const c = client(s.origin);
  await c.auth.login.mutate(u);
  return c;
}
/** The same browser (its cookie jar) sent to the other instance, as a load balancer would. */
function sameBrowser(from: object, s: typeof b) {
  const c = client(s.origin);
  for (const [k, v] of jarOf(from)) jarOf(c).set(k, v);
  return c;
}
const sessionIdOf = (c: object) => (jarOf(c).get('gh_session') ?? '').split('.')[0] as string;

/** A user signed in through A, whose session B has cached (B's second request is a cache hit). */
async function cachedOnB(u: { email: string; password: string }) {
  const onA = await signedIn(A(), u);
  const onB = sameBrowser(onA, B());
  expect(await codeOf(onB.auth.me.query())).toBe('OK');
  const hits = cacheOf(B()).stats.hits;
  expect(await codeOf(onB.auth.me.query())).toBe('OK');
  expect(cacheOf(B()).stats.hits).toBe(hits + 1);
  expect(cacheOf(B()).holds(sessionIdOf(onA))).toBe(true);
  return { onA, onB };
}

const sysAdmin = async () => signedIn(A(), await createPartyWithUser(t.srv.db, 'internal', ['system-admin']));

/** A new customer role (orders:read) made by a system admin, given through A to a new user of a new customer. */
async function holderOfNewRole(prefix: string, name: string) {
  const sys = await sysAdmin();
  const key = `${prefix}-${randomUUID().slice(0, 8)}`;
  await sys.roles.create.mutate({ key, name, partyKind: 'customer', delegable: true, permissions: ['orders:read'] });
  const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  const holder = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
  await (await signedIn(A(), admin)).users.setRoles.mutate({ userId: holder.userId, roles: [key] });
  return { sys, key, holder };
}

/** An app-role pool of its own that hears the session channel, and a user signed in on A. */
async function hearingUser() {
  const secret = Buffer.from(inject('testSecret'));
  const db = createDatabase({
    appUrl: appUrlFrom(t.srv.ownerUrl, appRolePassword(secret)),
    contextKey: contextKey(secret),
  });
  const heard: string[] = [];
  db.hear(SESSION_CHANGES_CHANNEL, (p) => heard.push(p));
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  return { db, heard, u, id: sessionIdOf(await signedIn(A(), u)) };
}

describe('two instances, one database: what A changes, B does not serve from its cache', () => {
  it('a session revoked through A is refused by B on its next request', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const { onA, onB } = await cachedOnB(u);
    const other = await signedIn(A(), u);
    const target = (await other.auth.sessions.list.query()).find((s) => !s.current);
    expect(target?.id).toBe(sessionIdOf(onA));
    await other.auth.sessions.revoke.mutate({ id: target?.id as string });
    await heardBy(B());
    expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(onA.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('a role’s permissions changed through A: its holders are refused by B (their sessions end)', async () => {
    const { sys, key, holder } = await holderOfNewRole('cache-viewer', 'Cache viewer');
    const { onB } = await cachedOnB(holder);
    expect((await onB.auth.me.query()).permissions).toEqual(['orders:read']);
    await sys.roles.update.mutate({ key, permissions: ['orders:read', 'invoices:read'] });
    await heardBy(B());
    expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('a role’s policy tightened through A applies on B at once (the session stays, its limit moves)', async () => {
    const { sys, key, holder } = await holderOfNewRole('cache-short', 'Short sessions');
    const { onB } = await cachedOnB(holder);
    await sys.policies.setRole.mutate({
      roleKey: key,
      requireTotp: false,
      sessionIdleMinutes: 5,
      sessionAbsoluteHours: null,
      ipAllowlist: null,
    });
    await heardBy(B());
    expect(await codeOf(onB.auth.me.query())).toBe('OK'); // within 5 minutes of the last request
    B().clock.advance(6 * 60_000); // idle past the new limit, well within the global 30 minutes
    try {
      expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
    } finally {
      B().clock.advance(-6 * 60_000);
    }
  });

  it('a user’s roles changed through A show on B’s next request', async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const { onB } = await cachedOnB(user);
    expect(await codeOf(onB.users.list.query({}))).toBe('FORBIDDEN');
    await (await signedIn(A(), admin)).users.setRoles.mutate({
      userId: user.userId,
      roles: ['customer-user', 'customer-admin'],
    });
    await heardBy(B());
    // A privilege change ends the user's sessions; the user signs in again and has the new role.
    const next = await errorOf(onB.users.list.query({}));
    expect(next.code).toBe('UNAUTHORIZED');
    expect(await codeOf((await signedIn(B(), user)).users.list.query({}))).toBe('OK');
  });

  it('a user suspended through A is refused by B', async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const { onB } = await cachedOnB(user);
    await (await signedIn(A(), admin)).users.deactivate.mutate({ userId: user.userId });
    await heardBy(B());
    expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('a user suspended in the database directly (no session ended with it) is refused by B', async () => {
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const { onB } = await cachedOnB(user);
    await t.owner`update users set status = 'suspended' where id = ${user.userId}`;
    await heardBy(B());
    expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await t.owner`select 1 from sessions where user_id = ${user.userId}`).toHaveLength(1); // the row stayed
  });

  it('a party suspended through A is refused by B', async () => {
    const sys = await sysAdmin();
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const { onB } = await cachedOnB(user);
    await sys.parties.update.mutate({ partyId: user.partyId, status: 'suspended' });
    await heardBy(B());
    expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('a party’s idle limit tightened through A applies on B', async () => {
    const sys = await sysAdmin();
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const { onB } = await cachedOnB(user);
    await sys.policies.setParty.mutate({
      partyId: user.partyId,
      requireTotp: null,
      sessionIdleMinutes: 5,
      sessionAbsoluteHours: null,
      ipAllowlist: null,
    });
    await heardBy(B());
    B().clock.advance(6 * 60_000);
    try {
      expect(await codeOf(onB.auth.me.query())).toBe('UNAUTHORIZED');
    } finally {
      B().clock.advance(-6 * 60_000);
    }
  });
});

describe('the instance that made the change', () => {
  it('refuses a signed-out session on the very next request (it heard its own change before answering)', async () => {
    for (let i = 0; i < 5; i++) {
      const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
      const c = await signedIn(B(), u);
      const stale = sameBrowser(c, B());
      expect(await codeOf(c.auth.me.query())).toBe('OK');
      expect(cacheOf(B()).holds(sessionIdOf(c))).toBe(true);
      await c.auth.logout.mutate();
      expect(await codeOf(stale.auth.me.query())).toBe('UNAUTHORIZED');
    }
  });

  it('a write transaction hears its own notifications before it returns (no listening connection needed)', async () => {
    const { db, heard, u, id } = await hearingUser();
    try {
      // (The connection hears everyone's notifications once it listens: only this user's count here.)
      const about = () => heard.filter((p) => p.includes(u.userId) || p.includes(id));
      // The first write on a connection is the one that also starts its LISTEN; the second reuses it.
      for (const status of ['suspended', 'active'] as const) {
        heard.length = 0;
        await db.tx(SYSTEM, (tx) =>
          tx.db.execute(sql.raw(`update users set status = '${status}' where id = '${u.userId}'`)),
        );
        expect(about()).toEqual([`u:${u.userId}`]);
      }
      heard.length = 0;
      await db.tx(SYSTEM, (tx) => sessionsRepo.remove(tx, id));
      expect(about()).toEqual([`s:${id}`]);
    } finally {
      await db.close();
    }
  });
});

describe('what a cached row may and may not decide', () => {
  it('a wrong secret with a cached session id is refused, and the session lives on', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const { onB } = await cachedOnB(u);
    const forged = client(B().origin);
    jarOf(forged).set('gh_session', `${sessionIdOf(onB)}.${'a'.repeat(32)}`);
    expect(await codeOf(forged.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(onB.auth.me.query())).toBe('OK');
  });

  it('a session expired by B’s cached row but kept alive through A is neither refused nor deleted by B', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const { onA, onB } = await cachedOnB(u);
    const id = sessionIdOf(onA);
    const both = (ms: number) => {
      A().clock.advance(ms);
      B().clock.advance(ms);
    };
    try {
      both(20 * 60_000);
      expect(await codeOf(onA.auth.me.query())).toBe('OK'); // A moves the idle expiry: 20 + 30 minutes
      expect(cacheOf(B()).holds(id)).toBe(true); // that write notifies nobody: B's row still says 0 + 30
      both(15 * 60_000);
      expect(await codeOf(onB.auth.me.query())).toBe('OK');
      expect(await t.owner`select 1 from sessions where id = ${id}`).toHaveLength(1);
    } finally {
      both(-35 * 60_000);
    }
  });
});

describe('while B does not listen', () => {
  it('B bypasses its cache until it listens again, and serves nothing it missed meanwhile', async () => {
    const cache = cacheOf(B());
    const kept = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const suspended = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const keptOnB = (await cachedOnB(kept)).onB;
    const suspendedOnB = (await cachedOnB(suspended)).onB;
    const listenerOfB = cache.listenerPid();
    expect(listenerOfB).toEqual(expect.any(Number));
    // New connections of the app role are refused for a while, so B cannot listen again until they are not
    // (its pool keeps the connections it has).
    const database = t.srv.databaseName;
    await t.owner.unsafe(`revoke connect on database ${database} from public`);
    try {
      const pids = await t.owner`select pid from pg_stat_activity
                                 where datname = current_database() and application_name = 'gatehouse-listen'`;
      expect(pids).toHaveLength(2); // A's and B's
      expect(pids.map((p) => p.pid)).toContain(listenerOfB);
      await t.owner`select pg_terminate_backend(${listenerOfB as number})`;
      await expect.poll(() => cache.listening).toBe(false);
      expect(await metric(B(), 'gatehouse_session_cache_listening')).toBe(0);
      // A change B cannot hear: the user is suspended behind its back.
      await t.owner`update users set status = 'suspended' where id = ${suspended.userId}`;
      const bypassed = cache.stats.bypassed;
      expect(await codeOf(suspendedOnB.auth.me.query())).toBe('UNAUTHORIZED');
      expect(await codeOf(keptOnB.auth.me.query())).toBe('OK');
      expect(await codeOf(keptOnB.auth.me.query())).toBe('OK');
      expect(cache.stats.bypassed).toBe(bypassed + 3);
      expect(cache.size).toBe(0);
      expect(await metric(B(), 'gatehouse_session_cache_lookups_total{result="bypass"}')).toBe(bypassed + 3);
    } finally {
      await t.owner.unsafe(`grant connect on database ${database} to public`);
    }
    await expect.poll(() => cache.listening, { timeout: 10_000 }).toBe(true);
    expect(cache.listenerPid()).not.toBe(listenerOfB);
    expect(cache.size).toBe(0); // it starts from empty: it may have missed notifications
    const hits = cache.stats.hits;
    expect(await codeOf(keptOnB.auth.me.query())).toBe('OK');
    expect(await codeOf(keptOnB.auth.me.query())).toBe('OK');
    expect(cache.stats.hits).toBe(hits + 1);
    expect(await metric(B(), 'gatehouse_session_cache_listening')).toBe(1);
  });
});

describe('the notifications', () => {
  it('name what changed, and stay silent about a session’s sliding expiry, new sessions and sign-in times', async () => {
    const { db, heard, u, id } = await hearingUser();
    try {
      // The connection hears everyone's notifications once it listens: only those about this user count.
      const run = async (statement: string) => {
        heard.length = 0;
        await db.tx(SYSTEM, (tx) => tx.db.execute(sql.raw(statement)));
        return heard.filter((p) => p === '*' || [id, u.userId, u.partyId, 'bulk-'].some((x) => p.includes(x)));
      };
      expect(
        await run(
          `update sessions set last_seen_at = now(), idle_expires_at = now() + interval '1 hour' where id = '${id}'`,
        ),
      ).toEqual([]);
      expect(await run(`update sessions set recent_auth_at = now() where id = '${id}'`)).toEqual([`s:${id}`]);
      expect(await run(`update users set last_sign_in_at = now() where id = '${u.userId}'`)).toEqual([]);
      expect(await run(`update users set display_name = 'Renamed' where id = '${u.userId}'`)).toEqual([
        `u:${u.userId}`,
      ]);
      expect(await run(`update parties set name = name where id = '${u.partyId}'`)).toEqual([]); // nothing changed
      expect(await run(`update parties set name = 'Renamed party' where id = '${u.partyId}'`)).toEqual([
        `p:${u.partyId}`,
      ]);
      await t.owner`delete from user_preferences where user_id = ${u.userId}`;
      expect(
        await run(
          `insert into user_preferences (user_id, party_id, locale, time_zone) values ('${u.userId}', '${u.partyId}', 'de', 'UTC')`,
        ),
      ).toEqual([`u:${u.userId}`]);
      expect(await run(`update roles set name = name || '' where key = 'customer-user'`)).toEqual(['*']);
      // Many at once: a few notifications of at most 100 ids each, not one per row.
      const many = Array.from({ length: 250 }, (_, i) => `bulk-${i}-${randomUUID()}`);
      await t.owner`insert into sessions (id, party_id, user_id, secret_hash, idle_expires_at, absolute_expires_at)
                    select x, ${u.partyId}, ${u.userId}, 'h', now(), now() from unnest(${many}::text[]) x`;
      const bulk = await run(`delete from sessions where id like 'bulk-%'`);
      expect(bulk).toHaveLength(3);
      expect(bulk.flatMap((p) => p.slice(2).split(',')).sort()).toEqual([...many].sort());
    } finally {
      await db.close();
    }
  });
});

async function metric(s: typeof b, series: string) {
  const text = await s.services.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}
