import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freeLoopbackPort } from '@gatehouse/db';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPartyWithUser, startTestServer } from './support/harness.ts';

/** Sign-in throttling against the real server and database (see server/src/auth/throttle.ts). */
const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const s of servers) await s.close();
});

async function server(policy: Partial<ThrottlePolicy>, env: Record<string, string> = {}) {
  const s = await startTestServer(
    { TRUST_PROXY: '127.0.0.1/32', ...env },
    { throttle: { ...DEFAULT_THROTTLE, ...policy } },
  );
  servers.push(s);
  return s;
}

/** One raw sign-in, as a browser would send it, optionally "from" another IP through the trusted proxy. */
async function login(origin: string, body: { email: string; password: string }, forwardedFor?: string) {
  const res = await fetch(`${origin}/trpc/auth.login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin,
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
}

const reasons = async (ownerUrl: string) => {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const rows = await sql`select details->>'reason' as reason, count(*)::int as n from audit_events
                         where action = 'auth.login_failed' group by 1`;
  const locks = await sql`select count(*)::int as n from audit_events where action = 'auth.locked_out'`;
  await sql.end();
  return { ...Object.fromEntries(rows.map((r) => [r.reason, r.n])), lockouts: locks[0]?.n ?? 0 } as Record<
    string,
    number
  >;
};

describe('per account + IP', () => {
  it('blocks after consecutive failures with an answer identical to a wrong password, and backs off', async () => {
    const s = await server({ consecutivePerAccountIp: 3, backoffBaseSeconds: 60 });
    const u = await createPartyWithUser(s.db, 'customer', ['customer-user']);
    const wrong = await login(s.origin, { email: u.email, password: 'wrong-wrong-wrong' }, '198.51.100.1');
    for (let i = 0; i < 2; i++)
      await login(s.origin, { email: u.email, password: 'wrong-wrong-wrong' }, '198.51.100.1');
    const locked = await login(s.origin, { email: u.email, password: u.password }, '198.51.100.1');
    expect(locked.status).toBe(401);
    expect(locked.body).toBe(wrong.body); // indistinguishable from a wrong password
    // Another IP is not blocked by this pair's lock.
    expect((await login(s.origin, { email: u.email, password: u.password }, '198.51.100.2')).status).toBe(200);
    const r = await reasons(s.ownerUrl);
    expect(r.lockouts).toBe(1);
    expect(r['locked-account-ip']).toBe(1);

    // Let the first block run out (by moving its expiry, not by waiting), fail again: the next lock doubles.
    const sql = postgres(s.ownerUrl, { max: 1, onnotice: () => {} });
    await sql`update auth_throttle set expire = now() - interval '1 second' where key like 'login:acct-ip:%'`;
    for (let i = 0; i < 3; i++)
      await login(s.origin, { email: u.email, password: 'wrong-wrong-wrong' }, '198.51.100.1');
    const locks =
      await sql`select (details->>'seconds')::int as s from audit_events where action = 'auth.locked_out' order by id`;
    await sql.end();
    expect(locks.map((l) => l.s)).toEqual([60, 120]);
  });

  it('a success in between resets the consecutive count', async () => {
    const s = await server({ consecutivePerAccountIp: 3 });
    const u = await createPartyWithUser(s.db, 'customer', ['customer-user']);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++)
        expect((await login(s.origin, { email: u.email, password: 'nope-nope-nope' })).status).toBe(401);
      expect((await login(s.origin, { email: u.email, password: u.password })).status).toBe(200);
    }
  });
});

describe('per IP', () => {
  it('counts unknown addresses (password spraying) and answers 429 with Retry-After', async () => {
    const s = await server({ failuresPerIpPerHour: 10 });
    const u = await createPartyWithUser(s.db, 'customer', ['customer-user']);
    for (let i = 0; i < 10; i++) {
      expect(
        (await login(s.origin, { email: `nobody-${i}@test.example`, password: 'Summer2026!!' }, '203.0.113.7')).status,
      ).toBe(401);
    }
    const blocked = await login(s.origin, { email: u.email, password: u.password }, '203.0.113.7');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(blocked.body).toMatch(/Too many sign-in attempts from your network/);
    expect((await login(s.origin, { email: u.email, password: u.password }, '203.0.113.8')).status).toBe(200);
  });

  it('a spoofed X-Forwarded-For from an untrusted peer changes nothing (TRUST_PROXY=none)', async () => {
    const s = await server({ failuresPerIpPerHour: 5 }, { TRUST_PROXY: 'none' });
    for (let i = 0; i < 5; i++)
      await login(s.origin, { email: `x${i}@test.example`, password: 'whatever-whatever' }, `192.0.2.${i}`);
    expect(
      (await login(s.origin, { email: 'y@test.example', password: 'whatever-whatever' }, '192.0.2.99')).status,
    ).toBe(429);
  });
});

describe('per account, under attack', () => {
  it('100 concurrent wrong passwords from 50 IPs are all counted: exactly the limit get checked', async () => {
    const s = await server({ failuresPerAccountPerDay: 30, consecutivePerAccountIp: 1_000 });
    const u = await createPartyWithUser(s.db, 'customer', ['customer-user']);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        login(s.origin, { email: u.email, password: `guess-${i}-guess` }, `10.1.0.${i % 50}`),
      ),
    );
    expect(results.every((r) => r.status === 401)).toBe(true);
    const r = await reasons(s.ownerUrl);
    expect(r['wrong-password']).toBe(30); // no race let a 31st guess reach the password check
    expect(r['locked-account']).toBe(70);
    // Locked now, from anywhere, even with the right password.
    expect((await login(s.origin, { email: u.email, password: u.password }, '10.9.9.9')).status).toBe(401);
  });

  it('batching cannot multiply attempts: each call in a batch counts, and a batch over 10 is refused whole', async () => {
    const s = await server({ failuresPerIpPerHour: 6 });
    const u = await createPartyWithUser(s.db, 'customer', ['customer-user']);
    const paths = (n: number) => Array.from({ length: n }, () => 'auth.login').join(',');
    const input = (n: number) =>
      JSON.stringify(
        Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { email: u.email, password: `nope-${i}-nope` }])),
      );
    const batch = async (n: number) =>
      fetch(`${s.origin}/trpc/${paths(n)}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: s.origin },
        body: input(n),
      });
    const twenty = await batch(20);
    expect(twenty.status).toBe(400);
    const ten = (await (await batch(10)).json()) as { error?: { data: { code: string } } }[];
    const codes = ten.map((x) => x.error?.data.code);
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(6);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(4);
  });
});

describe('across server processes', () => {
  it('a lock made through one process holds in another sharing the database', async () => {
    const a = await server({}); // default policy: 5 consecutive per account + IP
    const u = await createPartyWithUser(a.db, 'customer', ['customer-user']);
    const port = await freeLoopbackPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        ...process.env,
        DATABASE_URL: a.ownerUrl,
        GATEHOUSE_SECRET: inject('testSecret'),
        PORT: String(port),
        PUBLIC_ORIGIN: `http://localhost:${port}`,
        TRUST_PROXY: '127.0.0.1/32',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    children.push(child);
    const b = `http://localhost:${port}`;
    // tsx compiles the server at start: on a busy machine that alone took more than 10 s. The test goes on
    // only once the second process answers ready (and stops at once if it exited).
    let exited: number | null = null;
    child.once('exit', (code) => {
      exited = code ?? -1;
    });
    let ready = false;
    for (const until = Date.now() + 60_000; !ready && exited === null && Date.now() < until; ) {
      ready = await fetch(`${b}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect({ ready, exited }).toEqual({ ready: true, exited: null });
    const wrong = { email: u.email, password: 'wrong-wrong-wrong' };
    for (let i = 0; i < 5; i++) await login(i % 2 ? b : a.origin, wrong, '198.51.100.50');
    expect((await login(b, { email: u.email, password: u.password }, '198.51.100.50')).status).toBe(401);
    expect((await login(a.origin, { email: u.email, password: u.password }, '198.51.100.50')).status).toBe(401);
    child.kill('SIGTERM');
  }, 90_000);
});
