import { beforeAll, describe, expect, it } from 'vitest';
import { createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * The API side of an SPA on its own origin (docs/edge.md): CORS for the configured origin only, with
 * credentials and the exact origin echoed (never `*`), preflights for tRPC's JSON POSTs, and every call
 * from any other origin refused by the server itself, queries included. The zero-config SPA reads a
 * config.json Gatehouse serves, never cached.
 */
const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const t = useTestServer({ CORS_ORIGINS: APP });
let customer: Awaited<ReturnType<typeof createPartyWithUser>>;

beforeAll(async () => {
  customer = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
});

const preflight = (path: string, origin: string) =>
  fetch(`${t.srv.origin}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });

const login = (origin: string) =>
  fetch(`${t.srv.origin}/trpc/auth.login`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: customer.email, password: customer.password }),
  });

describe('CORS for an SPA on its own origin', () => {
  it('a preflight of a JSON POST from the configured origin is allowed, with credentials and that origin only', async () => {
    for (const path of ['/trpc/auth.login', '/files/documents']) {
      const res = await preflight(path, APP);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST');
      expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
      expect(res.headers.get('vary')).toMatch(/origin/i);
    }
  });

  it('a preflight from another origin is refused and carries no CORS header', async () => {
    const res = await preflight('/trpc/auth.login', EVIL);
    expect(res.status).toBe(403);
    for (const [name] of res.headers) expect(name).not.toMatch(/^access-control-/);
  });

  it('the configured origin signs in and reads with its cookie; the answers name it exactly, never *', async () => {
    const signedIn = await login(APP);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('access-control-allow-origin')).toBe(APP);
    expect(signedIn.headers.get('access-control-allow-credentials')).toBe('true');
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('gh_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie?.split(';')[0] ?? '';
    const list = await fetch(`${t.srv.origin}/trpc/orders.list?input=%7B%7D`, {
      headers: { origin: APP, cookie: session },
    });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBe(APP);
    expect(list.headers.get('cache-control')).toBe('no-store');
  });

  it('another origin is refused on every call, queries too, even with a valid session cookie', async () => {
    const signedIn = await login(APP);
    const session = signedIn.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    expect(session).toMatch(/^gh_session=./);
    const list = await fetch(`${t.srv.origin}/trpc/orders.list?input=%7B%7D`, {
      headers: { origin: EVIL, cookie: session },
    });
    expect(list.status).toBe(403);
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
    expect(await list.json()).toEqual({ error: { message: 'Cross-origin request refused.', code: 'FORBIDDEN' } });
    const evilLogin = await login(EVIL);
    expect(evilLogin.status).toBe(403);
    expect(evilLogin.headers.getSetCookie()).toEqual([]);
    // A cross-site request without Origin (a navigation, a no-cors GET) is refused as well.
    const navigated = await fetch(`${t.srv.origin}/trpc/auth.me`, {
      headers: { 'sec-fetch-site': 'cross-site', cookie: session },
    });
    expect(navigated.status).toBe(403);
    // The same call from no browser at all (no Origin, no cookie of a victim) still works as before.
    const plain = await fetch(`${t.srv.origin}/trpc/auth.session`, { headers: { cookie: session } });
    expect(plain.status).toBe(200);
  });

  it('serves the default config.json (same origin) for the zero-config SPA, revalidated every time', async () => {
    const res = await fetch(`${t.srv.origin}/config.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ apiOrigin: '' });
  });
});
