import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { demoRepo, type EmbeddedDatabase, freeLoopbackPort, startEmbedded } from '@gatehouse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../server/src/boot.ts';
import { createLogger } from '../server/src/logger.ts';
import { client, codeOf, createPartyWithUser, SYSTEM, testConfig } from './support/harness.ts';

/** PostgreSQL goes away under a running server: 503s, no crash, and recovery when it returns. */
let dir: string;
let pgPort: number;
let pg: EmbeddedDatabase;
let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gh-outage-'));
  await chmod(dir, 0o711);
  pgPort = await freeLoopbackPort();
  pg = await startEmbedded({ dataDir: path.join(dir, 'pg'), database: 'outage', port: pgPort });
  const port = await freeLoopbackPort();
  origin = `http://localhost:${port}`;
  server = await startServer(
    testConfig({ DATABASE_URL: pg.ownerUrl, PORT: String(port), PUBLIC_ORIGIN: origin, DB_POOL_MAX: '4' }),
    createLogger('silent'),
  );
});
afterAll(async () => {
  await server?.stop();
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('database outage', () => {
  it('answers 503 while PostgreSQL is down and recovers when it is back', async () => {
    const user = await createPartyWithUser(server.services.db, 'customer', ['customer-user']);
    await server.services.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, user.partyId, 3, 'EUR'));
    const c = client(origin);
    await c.auth.login.mutate({ email: user.email, password: user.password });
    expect((await c.orders.list.query({})).items).toHaveLength(3);

    await pg.stop();
    expect((await fetch(`${origin}/readyz`)).status).toBe(503);
    expect(await codeOf(c.orders.list.query({}))).toBe('SERVICE_UNAVAILABLE');
    const raw = await fetch(`${origin}/trpc/auth.me`, { headers: { cookie: 'gh_session=x' } });
    expect([401, 503]).toContain(raw.status);
    const res = await fetch(`${origin}/trpc/orders.list?input=${encodeURIComponent('{}')}`, {
      headers: { cookie: `gh_session=${'a'.repeat(24)}.${'b'.repeat(32)}` },
    });
    expect(res.status).toBe(503);
    expect(await res.text()).not.toMatch(/ECONNREFUSED|at \w+ \(/);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200); // the process is alive

    pg = await startEmbedded({ dataDir: path.join(dir, 'pg'), database: 'outage', port: pgPort });
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await fetch(`${origin}/readyz`)).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    expect((await c.orders.list.query({})).items).toHaveLength(3);
  });
});
