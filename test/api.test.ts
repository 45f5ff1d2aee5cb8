import { createHash } from 'node:crypto';
import { LOGIN_FAILED_MESSAGE } from '@gatehouse/contract';
import { auditRepo, demoRepo, ordersRepo } from '@gatehouse/db';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  codeOf,
  createPartyWithUser,
  jarOf,
  ownerConnection,
  SYSTEM,
  signedInMe,
  startTestServer,
} from './support/harness.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let acme: Awaited<ReturnType<typeof createPartyWithUser>>;
let borealis: Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Awaited<ReturnType<typeof createPartyWithUser>>;
let operator: Awaited<ReturnType<typeof createPartyWithUser>>;
let owner: postgres.Sql;

beforeAll(async () => {
  srv = await startTestServer({ CORS_ORIGINS: 'https://cdn.example.com' });
  owner = await ownerConnection(srv);
  acme = await createPartyWithUser(srv.db, 'customer', ['customer-user']);
  borealis = await createPartyWithUser(srv.db, 'customer', ['customer-user']);
  supplier = await createPartyWithUser(srv.db, 'supplier', ['supplier-user']);
  operator = await createPartyWithUser(srv.db, 'internal', ['operator']);
  await srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, acme.partyId, 120, 'EUR');
    await demoRepo.generateOrders(tx, borealis.partyId, 30, 'USD');
  });
});
afterAll(async () => {
  await owner?.end();
  await srv?.close();
});

async function signedIn(u: { email: string; password: string }) {
  const c = client(srv.origin);
  await c.auth.login.mutate({ email: u.email, password: u.password });
  return c;
}

const auditCount = async (action: string) =>
  Number((await owner`select count(*)::int n from audit_events where action = ${action}`)[0]?.n);

describe('sign-in', () => {
  it('signs in, sets an HttpOnly SameSite cookie, and auth.me answers who and which party', async () => {
    const c = client(srv.origin);
    const me1 = signedInMe(await c.auth.login.mutate({ email: acme.email, password: acme.password }));
    expect(me1.party.id).toBe(acme.partyId);
    expect(me1.permissions).toContain('orders:read');
    const me = await c.auth.me.query();
    expect(me.user.email).toBe(acme.email);
    const raw = await fetch(`${srv.origin}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: srv.origin },
      body: JSON.stringify({ email: acme.email, password: acme.password }),
    });
    const cookie = raw.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gh_session=[a-z2-7]{24}\.[a-z2-7]{32};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('answers unknown user, wrong password and deactivated user identically', async () => {
    const deactivated = await createPartyWithUser(srv.db, 'customer', ['customer-user'], { status: 'deactivated' });
    const answers = [];
    for (const body of [
      { email: 'nobody@test.example', password: 'whatever-password' },
      { email: acme.email, password: 'wrong-password-here' },
      { email: deactivated.email, password: deactivated.password },
    ]) {
      const res = await fetch(`${srv.origin}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: srv.origin },
        body: JSON.stringify(body),
      });
      answers.push({ status: res.status, body: await res.text(), cookie: res.headers.get('set-cookie') });
    }
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]?.body).toContain(LOGIN_FAILED_MESSAGE);
    expect(answers[0]?.cookie).toBeNull();
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('audits successful and failed sign-ins', async () => {
    const before = await auditCount('auth.login_failed');
    await codeOf(client(srv.origin).auth.login.mutate({ email: acme.email, password: 'nope-nope-nope' }));
    expect(await auditCount('auth.login_failed')).toBe(before + 1);
    const [row] =
      await owner`select details, party_id from audit_events where action = 'auth.login_failed' order by id desc limit 1`;
    expect(row?.details).toEqual({ reason: 'wrong-password' });
    expect(JSON.stringify(row)).not.toContain('nope-nope-nope');
  });

  it('rejects malformed input with BAD_REQUEST', async () => {
    const c = client(srv.origin);
    expect(await codeOf(c.auth.login.mutate({ email: '', password: 'x' }))).toBe('BAD_REQUEST');
    expect(await codeOf(c.auth.login.mutate({ email: 'a@b.c', password: 'x'.repeat(129) }))).toBe('BAD_REQUEST');
    expect(await codeOf(c.auth.login.mutate({ email: 42 } as never))).toBe('BAD_REQUEST');
  });

  it('explains a validation failure by field, in words', async () => {
    const c = await signedIn(acme);
    const res = await fetch(
      `${srv.origin}/trpc/orders.get?input=${encodeURIComponent(JSON.stringify({ id: 'nope' }))}`,
      { headers: { cookie: `gh_session=${jarOf(c).get('gh_session')}` } },
    );
    const body = (await res.json()) as { error: { message: string; data: { issues: { path: string }[] } } };
    expect(res.status).toBe(400);
    expect(body.error.message).toMatch(/^ID: /);
    expect(body.error.message).not.toContain('[');
    expect(body.error.data.issues[0]?.path).toBe('id');
  });
});

describe('sessions', () => {
  it('without a session every data procedure is UNAUTHORIZED', async () => {
    const c = client(srv.origin);
    expect(await codeOf(c.orders.list.query({}))).toBe('UNAUTHORIZED');
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('a forged or altered token is UNAUTHORIZED', async () => {
    const c = await signedIn(acme);
    const token = jarOf(c).get('gh_session') as string;
    jarOf(c).set('gh_session', `${token.slice(0, 25)}${'a'.repeat(32)}`);
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
    jarOf(c).set('gh_session', 'garbage');
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('stores only the SHA-256 of the secret, never the token', async () => {
    const c = await signedIn(acme);
    const [id, secret] = (jarOf(c).get('gh_session') as string).split('.');
    const [row] = await owner`select * from sessions where id = ${id as string}`;
    // The stored hash is the SHA-256 of the secret (computed here independently of the server's code)...
    expect(row?.secret_hash).toBe(
      createHash('sha256')
        .update(secret as string)
        .digest('hex'),
    );
    // ...and no column of the row holds the secret or the whole token.
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret as string);
    expect(stored).not.toContain(jarOf(c).get('gh_session') as string);
  });

  it('expires after the idle timeout (moving the clock, not waiting)', async () => {
    const c = await signedIn(acme);
    srv.clock.advance(29 * 60_000);
    expect((await c.auth.me.query()).user.email).toBe(acme.email); // activity slides the idle expiry
    srv.clock.advance(29 * 60_000);
    expect((await c.auth.me.query()).user.email).toBe(acme.email);
    srv.clock.advance(31 * 60_000);
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('expires at the absolute timeout even when active', async () => {
    const c = await signedIn(acme);
    // 28 x 25 min = 11 h 40 min, each step inside the 30 min idle window; the 29th passes 12 h.
    for (let i = 0; i < 29; i++) {
      srv.clock.advance(25 * 60_000);
      if (i < 28) expect(await codeOf(c.auth.me.query())).toBe('OK');
    }
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('logout revokes the session on the server, not only the cookie', async () => {
    const c = await signedIn(acme);
    const token = jarOf(c).get('gh_session') as string;
    await c.auth.logout.mutate();
    expect(jarOf(c).has('gh_session')).toBe(false);
    jarOf(c).set('gh_session', token);
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('a deactivated user loses access on the next request', async () => {
    const u = await createPartyWithUser(srv.db, 'customer', ['customer-user']);
    const c = await signedIn(u);
    await owner`update users set status = 'deactivated' where id = ${u.userId}`;
    expect(await codeOf(c.orders.list.query({}))).toBe('UNAUTHORIZED');
  });
});

describe('tenant isolation through the API', () => {
  it("lists only the caller's party's orders, paged by cursor without gaps or repeats", async () => {
    const c = await signedIn(acme);
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await c.orders.list.query({ limit: 50, cursor });
      for (const o of page.items) {
        expect(o.partyId).toBe(acme.partyId);
        seen.add(o.id);
      }
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen.size).toBe(120);
    expect(pages).toBe(3);
  });

  it("another party's order or invoice id answers NOT_FOUND, exactly like a missing one", async () => {
    const theirs = await srv.db.tx({ kind: 'party', partyId: borealis.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 1 }),
    );
    const id = theirs.items[0]?.id as string;
    const c = await signedIn(acme);
    expect(await codeOf(c.orders.get.query({ id }))).toBe('NOT_FOUND');
    expect(await codeOf(c.orders.get.query({ id: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    const b = await signedIn(borealis);
    expect((await b.orders.get.query({ id })).lines.length).toBeGreaterThan(0);
  });

  it('a partyId in the input does not widen a customer user', async () => {
    const c = await signedIn(acme);
    const page = await c.orders.list.query({ partyId: borealis.partyId, limit: 200 });
    expect(page.items.every((o) => o.partyId === acme.partyId)).toBe(true);
  });

  it('an operator (parties:cross) sees several parties, and can narrow to one', async () => {
    const c = await signedIn(operator);
    const all = await c.orders.list.query({ limit: 200 });
    expect(new Set(all.items.map((o) => o.partyId))).toEqual(new Set([acme.partyId, borealis.partyId]));
    const one = await c.orders.list.query({ partyId: borealis.partyId, limit: 200 });
    expect(one.items).toHaveLength(30);
  });

  it('a tampered cursor is a clear BAD_REQUEST', async () => {
    const c = await signedIn(acme);
    expect(await codeOf(c.orders.list.query({ cursor: 'not-a-cursor' }))).toBe('BAD_REQUEST');
    expect(await codeOf(c.invoices.list.query({ cursor: Buffer.from('x|y').toString('base64url') }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('permissions', () => {
  it('a supplier user has no orders:read: FORBIDDEN, audited with the missing permission', async () => {
    const c = await signedIn(supplier);
    expect(await codeOf(c.orders.list.query({}))).toBe('FORBIDDEN');
    const [row] =
      await owner`select * from audit_events where action = 'access.denied' and actor_user_id = ${supplier.userId}`;
    expect(row?.details).toEqual({ missingPermission: 'orders:read' });
    expect(row?.entity_id).toBe('orders.list');
    expect(row?.outcome).toBe('denied');
  });
});

describe('transport', () => {
  const post = (path: string, init: RequestInit & { headers?: Record<string, string> }) =>
    fetch(`${srv.origin}${path}`, { method: 'POST', ...init });

  it('refuses a mutation sent as a form (no preflight), as text/plain, or from another origin', async () => {
    const body = JSON.stringify({ email: acme.email, password: acme.password });
    expect((await post('/trpc/auth.login', { body: new URLSearchParams({ a: 'b' }) })).status).toBe(415);
    expect((await post('/trpc/auth.login', { body, headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const form = new FormData();
    form.set('json', body);
    expect((await post('/trpc/auth.login', { body: form })).status).toBe(415);
    expect(
      (
        await post('/trpc/auth.login', {
          body,
          headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await post('/trpc/auth.login', {
          body,
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
        })
      ).status,
    ).toBe(403);
  });

  it('refuses a body over the limit and a batch over the limit', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(200_000) });
    const res = await post('/trpc/auth.login', {
      body: big,
      headers: { 'content-type': 'application/json', origin: srv.origin },
    });
    expect(res.status).toBe(413);
    const paths = Array.from({ length: 11 }, () => 'auth.me').join(',');
    const batch = await fetch(`${srv.origin}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`);
    expect(batch.status).toBe(400);
  });

  it('never sends stack traces', async () => {
    const res = await fetch(`${srv.origin}/trpc/orders.get?input=${encodeURIComponent(JSON.stringify({ id: 'x' }))}`);
    const text = await res.text();
    expect(text).not.toMatch(/stack|at \w+ \(|node_modules/);
  });

  it('sends security headers and a strict CSP', async () => {
    const res = await fetch(`${srv.origin}/healthz`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('CORS admits configured origins with credentials, and nobody else', async () => {
    const ok = await fetch(`${srv.origin}/trpc/auth.me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://cdn.example.com', 'access-control-request-method': 'POST' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://cdn.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const bad = await fetch(`${srv.origin}/trpc/auth.me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('ignores X-Forwarded-For from an untrusted peer (TRUST_PROXY=none)', async () => {
    const c = client(srv.origin, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    await c.auth.login.mutate({ email: acme.email, password: acme.password });
    const [row] =
      await owner`select ip from audit_events where action = 'auth.login_succeeded' order by id desc limit 1`;
    expect(row?.ip).not.toBe('203.0.113.9');
    expect(row?.ip).toMatch(/127\.0\.0\.1/);
  });

  it('/healthz and /readyz answer, and the server runs on a supported Node (24 LTS)', async () => {
    const health = await fetch(`${srv.origin}/healthz`);
    expect(health.status).toBe(200);
    const { node } = (await health.json()) as { node: string };
    expect(Number(node.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(await (await fetch(`${srv.origin}/readyz`)).json()).toEqual({ status: 'ready' });
  });
});

describe('read-only transactions', () => {
  it('PostgreSQL refuses a write inside db.read, and the connection is fine afterwards', async () => {
    const attempt = srv.db.read({ kind: 'party', partyId: acme.partyId }, (tx) =>
      auditRepo.record(tx, { action: 'user.created', outcome: 'success', partyId: acme.partyId, actorUserId: null }),
    );
    const err = await attempt.then(
      () => null,
      (e: { cause?: Error }) => e,
    );
    expect(err?.cause?.message).toMatch(/read-only transaction/);
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        srv.db.read({ kind: 'party', partyId: acme.partyId }, (tx) => ordersRepo.list(tx, { limit: 1 })),
      ),
    );
    expect(results.every((r) => r.items[0]?.partyId === acme.partyId)).toBe(true);
  });
});

describe('single-statement reads (db.readOne)', () => {
  it('return the right rows under heavy concurrency, and refuse a second statement or a write', async () => {
    const scopeA = { kind: 'party', partyId: acme.partyId } as const;
    const scopeB = { kind: 'party', partyId: borealis.partyId } as const;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        srv.db.readOne(i % 2 ? scopeA : scopeB, (tx) => ordersRepo.list(tx, { limit: 3 })).then((r) => ({ i, r })),
      ),
    );
    for (const { i, r } of results) {
      expect(r.items).toHaveLength(3);
      expect(r.items.every((o) => o.partyId === (i % 2 ? acme.partyId : borealis.partyId))).toBe(true);
    }
    const second = await srv.db
      .readOne(scopeA, async (tx) => {
        await ordersRepo.list(tx, { limit: 1 });
        return ordersRepo.list(tx, { limit: 1 });
      })
      .then(
        () => null,
        (e: Error & { cause?: Error }) => e,
      );
    expect(second?.cause?.message ?? second?.message).toMatch(/exactly one statement/);
    const write = await srv.db
      .readOne(scopeA, (tx) =>
        auditRepo.record(tx, { action: 'user.created', outcome: 'success', partyId: acme.partyId, actorUserId: null }),
      )
      .then(
        () => null,
        (e: { cause?: Error }) => e,
      );
    expect(write?.cause?.message).toMatch(/read-only transaction/);
    // The pool is healthy afterwards: every connection still answers in the right scope.
    const after = await Promise.all(
      Array.from({ length: 30 }, () => srv.db.readOne(scopeB, (tx) => ordersRepo.list(tx, { limit: 1 }))),
    );
    expect(after.every((r) => r.items[0]?.partyId === borealis.partyId)).toBe(true);
  });
});

describe('audit in the same transaction', () => {
  it('a change whose audit entry cannot be written rolls back', async () => {
    const attempt = srv.db.tx({ kind: 'party', partyId: acme.partyId }, async (tx) => {
      await auditRepo.record(tx, {
        action: 'user.created',
        outcome: 'success',
        partyId: acme.partyId,
        actorUserId: null,
      });
      // A second entry for another party violates RLS WITH CHECK: the whole transaction must go.
      await auditRepo.record(tx, {
        action: 'user.created',
        outcome: 'success',
        partyId: borealis.partyId,
        actorUserId: null,
      });
    });
    const err = await attempt.then(
      () => null,
      (e: { cause?: Error }) => e,
    );
    expect(err?.cause?.message).toMatch(/row-level security/);
    const [row] =
      await owner`select count(*)::int n from audit_events where action = 'user.created' and party_id = ${acme.partyId}`;
    expect(row?.n).toBe(0);
  });
});
