import { createLogger, DEFAULT_THROTTLE, startPeriodic } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPartyWithUser, SYSTEM, startTestServer } from './support/harness.ts';

const TOKEN = 'metrics-token-0123456789abcdefghijklmnop';

let withToken: Awaited<ReturnType<typeof startTestServer>>;
let listenerOnly: Awaited<ReturnType<typeof startTestServer>>;
let owner: postgres.Sql;

beforeAll(async () => {
  withToken = await startTestServer(
    { METRICS_TOKEN: TOKEN },
    { throttle: { ...DEFAULT_THROTTLE, consecutivePerAccountIp: 2 } },
  );
  // The smallest pool, so the pool test can exhaust it.
  listenerOnly = await startTestServer({ METRICS_PORT: '0', DB_POOL_MAX: '2' });
  owner = postgres(withToken.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
  await withToken?.close();
  await listenerOnly?.close();
});

const scrape = async (srv = withToken) => {
  const res = await fetch(`${srv.origin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};

/** The value of one series (name plus an exact label set in exposition order), or undefined. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics on the public port', () => {
  it('is refused without the token or with a wrong one (401), served with it', async () => {
    const none = await fetch(`${withToken.origin}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('gatehouse_');
    const wrong = await fetch(`${withToken.origin}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
    });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`${withToken.origin}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    const text = await scrape();
    expect(text).toContain('# TYPE gatehouse_http_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total'); // Node's default process metrics
    expect(seriesValue(text, 'gatehouse_db_pool_max')).toBe(20);
    expect(seriesValue(text, 'gatehouse_db_pool_waiting')).toBe(0);
    expect(seriesValue(text, 'gatehouse_db_pool_in_use')).toBeGreaterThanOrEqual(0);
  });

  it('is 404 when no token is configured, and the separate listener serves it without one', async () => {
    const pub = await fetch(`${listenerOnly.origin}/metrics`);
    expect(pub.status).toBe(404);
    expect(await pub.text()).not.toContain('gatehouse_');
    const withHeader = await fetch(`${listenerOnly.origin}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withHeader.status).toBe(404);
    expect(withToken.metricsUrl).toBeNull(); // off unless METRICS_PORT is set
    const url = listenerOnly.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('gatehouse_db_pool_in_use');
    // The listener serves /metrics and nothing else.
    const other = await fetch((url as string).replace('/metrics', '/healthz'));
    expect(other.status).toBe(404);
  });
});

describe('what is measured', () => {
  it('times each call of a batch by procedure and status; names the router does not know are "unknown"', async () => {
    const c = client(withToken.origin, { batch: true });
    await Promise.allSettled([c.auth.me.query(), c.auth.sessions.list.query()]);
    const junk = `evil${Math.random().toString(36).slice(2)}`;
    const res = await fetch(`${withToken.origin}/trpc/${junk}.x,auth.me?batch=1&input={}`);
    await res.text();
    await (await fetch(`${withToken.origin}/api/v1/orders`)).text();
    const text = await scrape();
    const count = (procedure: string, status: string, route = 'trpc') =>
      seriesValue(
        text,
        `gatehouse_http_request_duration_seconds_count{route="${route}",procedure="${procedure}",status="${status}"}`,
      ) ?? 0;
    expect(count('auth.me', '401')).toBeGreaterThanOrEqual(2);
    expect(count('auth.sessions.list', '401')).toBeGreaterThanOrEqual(1);
    expect(count('unknown', '404')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(junk);
    expect(count('none', '401', 'api_v1')).toBeGreaterThanOrEqual(1);
  });

  it('counts failed sign-ins and throttle denials', async () => {
    const user = await createPartyWithUser(withToken.db, 'customer', ['customer-user']);
    const before = await scrape();
    const failures = (t: string) => seriesValue(t, 'gatehouse_sign_in_failures_total') ?? 0;
    const denials = (t: string) => seriesValue(t, 'gatehouse_sign_in_throttle_denials_total{reason="account-ip"}') ?? 0;
    const c = client(withToken.origin);
    // Two failures block this account + IP pair (the test policy); the third attempt is denied.
    for (let i = 0; i < 3; i++) {
      await expect(c.auth.login.mutate({ email: user.email, password: 'wrong password here' })).rejects.toThrow();
    }
    const after = await scrape();
    expect(failures(after) - failures(before)).toBe(3);
    expect(denials(after) - denials(before)).toBe(1);
  });

  it('counts periodic job runs and failures by job name', async () => {
    // suspend-dormant is kicked at start.
    await expect
      .poll(async () => seriesValue(await scrape(), 'gatehouse_job_runs_total{job="suspend-dormant"}') ?? 0)
      .toBeGreaterThanOrEqual(1);
    const job = startPeriodic(
      'test-failing',
      3_600_000,
      async () => {
        throw new Error('boom');
      },
      createLogger('silent'),
      withToken.services.metrics,
    );
    job.kick();
    await job.stop();
    const text = await scrape();
    expect(seriesValue(text, 'gatehouse_job_runs_total{job="test-failing"}')).toBe(1);
    expect(seriesValue(text, 'gatehouse_job_failures_total{job="test-failing"}')).toBe(1);
  });

  it('counts connections held by transactions and transactions waiting; a scrape still answers', async () => {
    const db = listenerOnly.services.db;
    const scrapeListener = async () => (await fetch(listenerOnly.metricsUrl as string)).text();
    await expect.poll(async () => seriesValue(await scrapeListener(), 'gatehouse_db_pool_in_use')).toBe(0);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holders = [1, 2].map(() => db.read(SYSTEM, () => held));
    const third = db.read(SYSTEM, async () => 'ran');
    await expect.poll(() => db.poolStats()).toEqual({ inUse: 2, waiting: 1, max: 2 });
    const text = await scrapeListener();
    expect(seriesValue(text, 'gatehouse_db_pool_in_use')).toBe(2);
    expect(seriesValue(text, 'gatehouse_db_pool_waiting')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'gatehouse_db_pool_max')).toBe(2);
    // The outbox query found no connection within its limit: no value rather than a stale one.
    expect(seriesValue(text, 'gatehouse_mail_outbox_oldest_unsent_age_seconds')).toBeUndefined();
    release();
    await Promise.all(holders);
    expect(await third).toBe('ran');
    await expect.poll(() => db.poolStats()).toEqual({ inUse: 0, waiting: 0, max: 2 });
  });

  it('reports the age of the oldest unsent mail, read on scrape', async () => {
    const gauge = 'gatehouse_mail_outbox_oldest_unsent_age_seconds';
    expect(await scrape()).toContain(`# TYPE ${gauge} gauge`);
    // A mail queued an hour ago and not due yet (the worker leaves it alone).
    await owner`insert into mail_outbox (to_address, subject, body_text, kind, created_at, next_attempt_at)
      values ('a@example.com', 's', 'b', 'test', now() - interval '1 hour', now() + interval '1 day')`;
    const age = seriesValue(await scrape(), gauge);
    expect(age).toBeGreaterThanOrEqual(3600);
    expect(age).toBeLessThan(3700);
  });
});
