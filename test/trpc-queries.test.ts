/**
 * The direct query path (server/src/trpc-queries.ts) answers GET calls as tRPC's own adapter does: the same
 * status, body and headers for successes, batches, and every kind of refusal. The same server's services
 * are also served by an HTTP app whose queries go through the adapter, and each request is sent to both.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '@gatehouse/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPartyWithUser, jarOf, useTestServer } from './support/harness.ts';

const t = useTestServer();
let adapter: http.Server;
let adapterOrigin: string;
let cookie: string;

beforeAll(async () => {
  adapter = http.createServer(createHttpApp(t.srv.services, { queries: 'adapter' }));
  await new Promise<void>((resolve) => adapter.listen(0, '127.0.0.1', resolve));
  adapterOrigin = `http://127.0.0.1:${(adapter.address() as AddressInfo).port}`;
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate({ email: u.email, password: u.password });
  cookie = [...jarOf(c)].map(([k, v]) => `${k}=${v}`).join('; ');
});
afterAll(async () => {
  await new Promise((resolve) => adapter?.close(resolve));
});

const q = (input: unknown) => encodeURIComponent(JSON.stringify(input));

async function both(path: string, signedIn = true) {
  const headers: Record<string, string> = signedIn ? { cookie } : {};
  const answer = async (origin: string) => {
    const res = await fetch(`${origin}/trpc/${path}`, { headers });
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      vary: res.headers.get('vary'),
      allow: res.headers.get('allow'),
      retryAfter: res.headers.get('retry-after'),
      cacheControl: res.headers.get('cache-control'),
      body: JSON.parse(await res.text()) as unknown,
    };
  };
  const [direct, viaAdapter] = await Promise.all([answer(t.srv.origin), answer(adapterOrigin)]);
  return { direct, viaAdapter };
}

describe('GET calls: the direct path answers as the tRPC adapter does', () => {
  const cases: [string, string, number][] = [
    ['a query without input', 'auth.me', 200],
    ['a query with input', `orders.list?input=${q({ limit: 5 })}`, 200],
    ['a batch of two', `auth.me,orders.list?batch=1&input=${q({ 1: { limit: 2 } })}`, 200],
    ['a batch without input (one procedure needs some)', 'auth.me,invoices.list?batch=1', 207],
    ['a batch with one unknown procedure', `auth.me,nope.nothing?batch=1&input=${q({})}`, 207],
    ['an unknown procedure', 'nope.nothing', 404],
    ['an empty path', '', 404],
    ['a mutation by GET', 'auth.logout', 405],
    ['a batch mixing a query and a mutation', 'auth.me,auth.logout?batch=1', 400],
    ['a batch over the limit', `${Array.from({ length: 11 }, () => 'auth.me').join(',')}?batch=1&input=${q({})}`, 400],
    ['malformed JSON input', 'orders.list?input=%7Bnot-json', 400],
    ['a batch input that is not an object', `orders.list?batch=1&input=${q([1])}`, 400],
    ['a path that is not URL-encoded right', 'auth.me%zz', 400],
    ['input that fails validation', `orders.get?input=${q({ id: 'x' })}`, 400],
    ['an order that is not there', `orders.get?input=${q({ id: randomUUID() })}`, 404],
    ['a permission the role lacks', `audit.search?input=${q({})}`, 403],
  ];
  for (const [name, path, status] of cases) {
    it(name, async () => {
      const { direct, viaAdapter } = await both(path);
      expect(direct).toEqual(viaAdapter);
      expect(direct.status).toBe(status);
    });
  }

  it('a call without a session', async () => {
    const { direct, viaAdapter } = await both(`orders.list?input=${q({})}`, false);
    expect(direct).toEqual(viaAdapter);
    expect(direct.status).toBe(401);
  });

  it('a mutation by GET says which method it takes', async () => {
    const { direct } = await both('auth.logout');
    expect(direct.allow).toBe('POST');
    expect(direct.vary).toBe('trpc-accept, accept');
  });

  it('the session survives: the refused GET of auth.logout did not run it', async () => {
    const { direct } = await both('auth.me');
    expect(direct.status).toBe(200);
    expect(JSON.stringify(direct.body)).toContain('"email"');
  });
});
