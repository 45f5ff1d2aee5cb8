import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appUrlFrom, createDatabase, type Database, freeLoopbackPort, MIGRATIONS_DIR } from '@gatehouse/db';
import {
  appRolePassword,
  contextKey,
  createLogger,
  loadAuditSigner,
  periodClaim,
  startPeriodic,
} from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cookieOf, pdfBytes } from './support/files.ts';
import { client, codeOf, createPartyWithUser, jarOf } from './support/harness.ts';
import { startS3 } from './support/s3.ts';

/**
 * Two real server processes (the built bundle, as production runs it) behind one public origin, sharing
 * one PostgreSQL database and one S3-compatible bucket (s3rver), each with its own data directory: what
 * must hold for N instances behind a load balancer (docs/deployment.md).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
/** The origin users reach through the proxy; both instances are configured with it. */
const PUBLIC = 'http://portal.test';
const METRICS_TOKEN = 'm'.repeat(40);
const children: ChildProcess[] = [];
let tmp: string;
let s3: Awaited<ReturnType<typeof startS3>>;
let ownerUrl: string;
let owner: postgres.Sql;
let db: Database;
const instances: { name: string; url: string; child: ChildProcess; output: () => string }[] = [];
const [A, B] = [0, 1];
const url = (i: number) => instances[i]?.url as string;

function spawnServer(name: string, port: number, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--enable-source-maps', 'server/dist/main.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return { name, url: `http://127.0.0.1:${port}`, child, output: () => out };
}

async function ready(p: (typeof instances)[number], timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited ${p.child.exitCode}: ${p.output()}`);
    try {
      if ((await fetch(`${p.url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${p.name} not ready: ${p.output()}`);
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'pipe' });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gh-multi-'));
  s3 = await startS3();
  // An empty database: both instances start on it at once, so both try to migrate it.
  const clusterUrl = inject('clusterUrl');
  const name = `gh_multi_${process.pid}`;
  const admin = postgres(`${clusterUrl}postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  ownerUrl = `${clusterUrl}${name}`;
  // One audit signing key for the installation, as deployment.md says (every instance signs checkpoints).
  const keyFile = path.join(tmp, 'audit-signing-key.pem');
  loadAuditSigner(keyFile);
  const shared = {
    DATABASE_URL: ownerUrl,
    GATEHOUSE_SECRET: inject('testSecret'),
    PUBLIC_ORIGIN: PUBLIC,
    TRUST_PROXY: '127.0.0.1/32',
    AUDIT_SIGNING_KEY_FILE: keyFile,
    METRICS_TOKEN,
    ...s3.env,
  };
  const ports = [await freeLoopbackPort(), await freeLoopbackPort()];
  for (const [i, n] of ['a', 'b'].entries())
    instances.push(
      spawnServer(n, ports[i] as number, { ...shared, GATEHOUSE_DATA_DIR: path.join(tmp, `instance-${n}`) }),
    );
  await Promise.all(instances.map((p) => ready(p)));
  owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  // The shipped role policies ask admins for a second factor; these tests are about other things.
  await owner`update roles set require_totp = false`;
  const secret = Buffer.from(inject('testSecret'));
  db = createDatabase({ appUrl: appUrlFrom(ownerUrl, appRolePassword(secret)), contextKey: contextKey(secret) });
});

afterAll(async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  await db?.close();
  await owner?.end();
  await s3?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A tRPC client of one instance that, like a browser behind the proxy, sends the public origin. */
const via = (i: number, forwardedFor = '198.51.100.10') =>
  client(url(i), { headers: { origin: PUBLIC, 'x-forwarded-for': forwardedFor } });
/** The same browser (its cookie jar) sent to the other instance, as a load balancer would. */
function sameBrowser(from: object, i: number) {
  const c = via(i);
  for (const [k, v] of jarOf(from)) jarOf(c).set(k, v);
  return c;
}
async function login(i: number, body: { email: string; password: string }, forwardedFor: string) {
  const res = await fetch(`${url(i)}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC, 'x-forwarded-for': forwardedFor },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}
const metric = async (i: number, series: string) => {
  const text = await (
    await fetch(`${url(i)}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
};

describe('two server processes on one database and one bucket', () => {
  it('both started at once on an empty database: the migrations ran once, under the advisory lock', async () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    const [m] =
      await owner`select count(*)::int as n, count(distinct hash)::int as d from drizzle.__drizzle_migrations`;
    expect(m).toEqual({ n: files.length, d: files.length });
    for (const p of instances) expect(p.output()).not.toMatch(/cannot start|error/i);
  });

  it('a session made on one instance works on the other', async () => {
    const u = await createPartyWithUser(db, 'customer', ['customer-user']);
    const onA = via(A);
    await onA.auth.login.mutate(u);
    const onB = sameBrowser(onA, B);
    expect((await onB.auth.me.query()).user.email).toBe(u.email);
    expect((await onA.auth.me.query()).user.email).toBe(u.email);
  });

  it('sign-in throttles hold across both: failures on either count toward one lock', async () => {
    const u = await createPartyWithUser(db, 'customer', ['customer-user']);
    const ip = '203.0.113.44';
    const wrong = await login(A, { email: u.email, password: 'wrong password, wrong' }, ip);
    // The default policy locks an account + address pair after 5 consecutive failures: 5 in turn on A and B.
    for (const i of [B, A, B, A]) await login(i, { email: u.email, password: 'wrong password, wrong' }, ip);
    for (const i of [A, B]) {
      const locked = await login(i, { email: u.email, password: u.password }, ip);
      expect({ status: locked.status, body: locked.body }).toEqual({ status: 401, body: wrong.body });
    }
    const [lock] =
      await owner`select count(*)::int as n from audit_events where action = 'auth.locked_out' and actor_user_id = ${u.userId}`;
    expect(lock?.n).toBe(1);
    // Another address is not held by this pair's lock (positive control): the password is right.
    expect((await login(B, u, '203.0.113.45')).status).toBe(200);
  });

  it('each scheduled job kicked at start ran once, on one instance, not once per instance', async () => {
    for (const job of ['suspend-dormant', 'document-expiry', 'integration-key-warnings']) {
      const series = `gatehouse_job_runs_total{job="${job}"}`;
      await expect.poll(async () => (await metric(A, series)) + (await metric(B, series))).toBe(1);
      const rows = await owner`select last_started_by from job_runs where name = ${job}`;
      expect(rows).toHaveLength(1);
    }
  });

  it('a document uploaded through one instance downloads through the other, from the shared bucket', async () => {
    const me = await createPartyWithUser(db, 'supplier', ['supplier-admin']);
    await owner`update parties set supplier_category = 'manufacturing' where id = ${me.partyId}`;
    const [type] = await owner`select id from document_types where key = 'tax-form'`;
    const onA = via(A);
    await onA.auth.login.mutate(me);
    const bytes = pdfBytes(2 * 1024 * 1024, 'two-instances');
    // Sent as the SPA sends it behind the proxy: the public origin, the session cookie.
    const body = new FormData();
    body.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'w9.pdf');
    const up = await fetch(`${url(A)}/files/documents?typeId=${type?.id}`, {
      method: 'POST',
      body,
      headers: { origin: PUBLIC, cookie: cookieOf(onA), 'x-forwarded-for': '198.51.100.10' },
    });
    expect(up.status).toBe(201);
    const { id } = (await up.json()) as { id: string };
    // Neither instance wrote it to its own disk.
    for (const n of ['a', 'b']) expect(existsSync(path.join(tmp, `instance-${n}`, 'files'))).toBe(false);
    expect(await owner`select 1 from document_versions where id = ${id}`).toHaveLength(1);
    // The link is minted on A, the file fetched on B (the balancer may send the two requests anywhere).
    const link = await onA.documents.downloadLink.query({ versionId: id });
    const onB = sameBrowser(onA, B);
    const res = await fetch(`${url(B)}${link.url}`, { headers: { cookie: cookieOf(onB) } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('a session revoked through one instance is refused by both at once', async () => {
    const u = await createPartyWithUser(db, 'customer', ['customer-user']);
    const victim = via(A);
    await victim.auth.login.mutate(u);
    const victimOnB = sameBrowser(victim, B);
    expect((await victimOnB.auth.me.query()).user.email).toBe(u.email);
    // The user, signed in elsewhere through B, ends the other session.
    const other = via(B, '198.51.100.20');
    await other.auth.login.mutate(u);
    const target = (await other.auth.sessions.list.query()).find((s) => !s.current);
    expect(target).toBeDefined();
    await other.auth.sessions.revoke.mutate({ id: target?.id as string });
    // The very next request on either instance is refused: no instance keeps a session of its own.
    const [onA, onB] = await Promise.all([codeOf(victim.auth.me.query()), codeOf(victimOnB.auth.me.query())]);
    expect({ onA, onB }).toEqual({ onA: 'UNAUTHORIZED', onB: 'UNAUTHORIZED' });
    expect((await other.auth.me.query()).user.email).toBe(u.email);
  });
});

describe('a short-period job on two instances', () => {
  it('runs once per period across both, though both tick every period', async () => {
    const secret = Buffer.from(inject('testSecret'));
    // Two pools, two instance names: as two processes would claim.
    const pools = [0, 1].map(() =>
      createDatabase({ appUrl: appUrlFrom(ownerUrl, appRolePassword(secret)), contextKey: contextKey(secret) }),
    );
    const PERIOD = 250;
    /** Each run: the database's time of the claim it runs under, and whose claim that was. */
    const runs: { claimedAt: number; claimedBy: string; by: string }[] = [];
    let ticks = 0;
    const jobs = pools.map((pool, i) => {
      const by = `instance-${i}`;
      const claim = periodClaim(pool, by);
      return startPeriodic(
        'test-short-period',
        PERIOD,
        async () => {
          const [row] = await owner`select extract(epoch from last_started_at) * 1000 as ms, last_started_by
                                    from job_runs where name = 'test-short-period'`;
          runs.push({ claimedAt: Number(row?.ms), claimedBy: row?.last_started_by, by });
        },
        createLogger('silent'),
        undefined,
        (name, everyMs) => {
          ticks += 1;
          return claim(name, everyMs);
        },
      );
    });
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 3_000));
    for (const j of jobs) await j.stop();
    const elapsed = Date.now() - started;
    for (const p of pools) await p.close();
    expect(ticks).toBeGreaterThanOrEqual(12); // both instances ticked (about 2 x 12)
    expect(runs.length).toBeGreaterThanOrEqual(4);
    // At most one run per period (less the 10% slack); without the claim there would be about twice as many.
    expect(runs.length).toBeLessThanOrEqual(Math.floor(elapsed / (PERIOD * 0.9)) + 1);
    // Every run ran under its own instance's claim, and claims are a period apart by the database's clock
    // (without the claim, the two instances' timers fire a few milliseconds apart).
    for (const r of runs) expect(r.claimedBy).toBe(r.by);
    const gaps = runs.slice(1).map((r, i) => r.claimedAt - (runs[i]?.claimedAt as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PERIOD * 0.9 - 1);
  });
});
