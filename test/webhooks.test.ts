import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhooksRepo } from '@gatehouse/db';
import {
  deliverWebhooks,
  drainWebhooks,
  MAX_ATTEMPTS,
  RETRY_SCHEDULE_MS,
  refusal,
  retryDelay,
  SYSTEM_SCOPE,
  startWebhookWorker,
} from '@gatehouse/server/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';

/**
 * Outbound webhooks (Standard Webhooks 1.0) against a local receiver on 127.0.0.1 with scripted answers.
 * The worker is off in this server (WEBHOOK_WORKER_MS=0): each test drives one tick at a time and moves
 * the test clock instead of waiting. Host names resolve through a fake DNS, so the SSRF guard is tested
 * with loopback, metadata and private answers while no packet leaves loopback.
 */
const t = useTestServer({ WEBHOOK_WORKER_MS: '0' });

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
/** Paths of requests the sender gave up on: the connection closed while this receiver never answered. */
const hungUp: string[] = [];
/** Answers to send, in order; when empty, 200. */
let script: { status: number; headers?: Record<string, string> }[] = [];
let receiver: http.Server;
let port = 0;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = script.shift() ?? { status: 200 };
      if (next.status === 0) {
        // Hang: never answer; only the sender's timeout ends it, by closing the connection.
        res.on('close', () => hungUp.push(req.url ?? ''));
        return;
      }
      res.writeHead(next.status, next.headers ?? {});
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
afterEach(async () => {
  // Each test's endpoints stop here, so a later test's ticks deliver only its own.
  await t.owner`update webhook_endpoints set status = 'disabled'`;
  script = [];
});

/** Fake DNS: every name resolves to the address a test chose; a test can see what was asked. */
let dnsAnswer = '127.0.0.1';
const asked: string[] = [];
const resolve = async (host: string) => {
  asked.push(host);
  return [{ address: dnsAnswer, family: dnsAnswer.includes(':') ? 6 : 4 }];
};
const tick = () => deliverWebhooks(t.srv.services, { resolve, random: () => 0.5 });

async function admin() {
  const u = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
type Admin = Awaited<ReturnType<typeof admin>>;

async function endpoint(a: Admin, over: Partial<Parameters<Admin['c']['webhooks']['create']['mutate']>[0]> = {}) {
  return a.c.webhooks.create.mutate({
    url: `http://127.0.0.1:${port}/hooks/${randomBytes(3).toString('hex')}`,
    allowedCidrs: ['127.0.0.1/32'],
    ...over,
  });
}

let party = '';
async function event(type = 'purchase_order.acknowledged') {
  if (!party) party = (await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin'])).partyId;
  const [row] = await t.owner`insert into integration_events (type, party_id, subject, payload, occurred_at)
    values (${type}, ${party}, ${t.owner.json({ number: `PO-${randomBytes(2).toString('hex')}` })},
            ${t.owner.json({ promisedDate: '2027-01-15' })}, now()) returning id::text as cursor, event_id::text as id`;
  return { cursor: String(row?.cursor), eventId: String(row?.id) };
}

async function delivery(endpointId: string, eventId: string) {
  const rows = await t.owner`select state, attempts, last_status, last_error, last_attempt_at, next_attempt_at
                             from webhook_deliveries where endpoint_id = ${endpointId} and event_id = ${eventId}
                             order by id`;
  return rows;
}
const forPath = (url: string) => received.filter((r) => url.endsWith(r.path));

describe('signing (Standard Webhooks)', () => {
  it('signs exactly the bytes sent; the standardwebhooks package verifies them; the secret is shown once', async () => {
    const a = await admin();
    const ep = await endpoint(a, { description: 'ERP bus' });
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await a.c.webhooks.list.query();
    expect(JSON.stringify(listed)).not.toContain(ep.secret.slice(6));
    const [stored] = await t.owner`select secret_sealed from webhook_endpoints where id = ${ep.endpointId}`;
    expect(String(stored?.secret_sealed)).toMatch(/^v1\./);
    expect(String(stored?.secret_sealed)).not.toContain(ep.secret.slice(6, 20));
    const ev = await event();
    expect(await tick()).toMatchObject({ delivered: 1 });
    const [got] = received.filter((r) => r.headers['webhook-id'] === ev.eventId);
    if (!got) throw new Error('nothing received');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Gatehouse-Webhooks/1');
    const verified = new Webhook(ep.secret).verify(got.body, {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    }) as { type: string; data: { eventId: string; cursor: string; payload: unknown } };
    expect(verified).toMatchObject({
      type: 'purchase_order.acknowledged',
      data: { eventId: ev.eventId, cursor: ev.cursor, payload: { promisedDate: '2027-01-15' } },
    });
    // A changed byte fails, as does another endpoint's secret.
    expect(() =>
      new Webhook(ep.secret).verify(`${got.body} `, {
        'webhook-id': ev.eventId,
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      }),
    ).toThrow();
    expect((await delivery(ep.endpointId, ev.eventId))[0]).toMatchObject({ state: 'delivered', attempts: 1 });
    const audit = await t.owner`select action, details::text as d from audit_events where entity_id = ${ep.endpointId}`;
    expect(audit.map((r) => r.action)).toEqual(['webhook_endpoint.created']);
    expect(audit[0]?.d).not.toContain(ep.secret.slice(6));
  });

  it('a rotation sends two signatures during the overlap (either secret verifies), then only the new one', async () => {
    const a = await admin();
    const ep = await endpoint(a);
    const rotated = await a.c.webhooks.rotateSecret.mutate({ endpointId: ep.endpointId, overlapHours: 1 });
    expect(rotated.secret).not.toBe(ep.secret);
    const ev = await event();
    await tick();
    const [got] = received.filter((r) => r.headers['webhook-id'] === ev.eventId);
    if (!got) throw new Error('nothing received');
    const headers = {
      'webhook-id': ev.eventId,
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(ep.secret).verify(got.body, headers)).toBeTruthy();
    expect(new Webhook(rotated.secret).verify(got.body, headers)).toBeTruthy();
    const audit = await t.owner`select action from audit_events where entity_id = ${ep.endpointId} order by id`;
    expect(audit.map((r) => r.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.secret_rotated']);

    // After the overlap the old secret no longer signs (the clock moves 2 h; the check is on the header only).
    t.srv.clock.advance(2 * 3_600_000);
    const later = await event();
    await tick();
    const [second] = received.filter((r) => r.headers['webhook-id'] === later.eventId);
    expect(String(second?.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });
});

describe('the running worker', () => {
  it('delivers a committed event within 5 s at the default 2 s tick, each event once', async () => {
    const a = await admin();
    await endpoint(a);
    const worker = startWebhookWorker(t.srv.services, 2_000, undefined, { resolve });
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const started = Date.now();
        const ev = await event();
        await expect
          .poll(() => received.filter((r) => r.headers['webhook-id'] === ev.eventId).length, {
            timeout: 5_000,
            interval: 50,
          })
          .toBe(1);
        latencies.push(Date.now() - started);
      }
      expect(Math.max(...latencies)).toBeLessThan(5_000);
    } finally {
      await worker.stop();
    }
  });

  it('two instances ticking at once send each event once (SKIP LOCKED claims with a lease)', async () => {
    const a = await admin();
    await endpoint(a);
    const events = [await event(), await event(), await event(), await event(), await event()];
    const runs = await Promise.all([tick(), tick(), tick()]);
    expect(runs.reduce((n, r) => n + r.delivered, 0)).toBe(events.length);
    for (const ev of events)
      expect(
        received.filter((r) => r.headers['webhook-id'] === ev.eventId),
        ev.eventId,
      ).toHaveLength(1);
  });

  it('a fan-out that started before another instance committed the same events adds no second delivery', async () => {
    // The race behind a double delivery seen under heavy load: instance B's fan-out statement takes its
    // snapshot while instance A still holds the endpoint with its new deliveries uncommitted; A commits
    // before B reaches the endpoint row, so SKIP LOCKED finds it free and B locks its newest version. B's
    // "not delivered yet" check must not read the snapshot from before A's commit. Forced here: A's
    // transaction waits on a gate, and B's statement is held right after its snapshot by a lock queued on
    // the signing key its row-level security check reads (released once A has committed).
    const a = await admin();
    const ep = await endpoint(a);
    const events = [await event(), await event(), await event()];
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let aReady = () => {};
    const aHolds = new Promise<void>((resolve) => {
      aReady = resolve;
    });
    const now = new Date(t.srv.clock.now());
    const instanceA = t.srv.db.tx(SYSTEM_SCOPE, async (tx) => {
      await webhooksRepo.fanOut(tx, now);
      const claimed = await webhooksRepo.claimDue(tx, now, 20, 120_000);
      aReady();
      await gate;
      return claimed.length;
    });
    await aHolds;
    const locker = postgres(t.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      // Queued behind A (whose key read holds a share lock until its commit); every later reader of the
      // key queues behind this one.
      const keyLock = locker.begin((s) => s`lock table gh_private.context_key in access exclusive mode`);
      const waiting = (pattern: string) => async () =>
        (
          await t.owner`select count(*)::int as n from pg_stat_activity
                         where datname = current_database() and wait_event_type = 'Lock' and query like ${pattern}`
        )[0]?.n;
      await expect.poll(waiting('lock table gh_private.context_key%'), { timeout: 5_000 }).toBe(1);
      const instanceB = tick();
      await expect.poll(waiting('%webhook_endpoints%'), { timeout: 5_000 }).toBe(1);
      openGate();
      expect(await instanceA).toBe(events.length);
      await keyLock;
      // A's claims are leased: B has nothing to send, and each event has one delivery to the endpoint.
      expect(await instanceB).toMatchObject({ delivered: 0 });
    } finally {
      openGate();
      await locker.end();
    }
    const rows = await t.owner`select event_id::text as id, count(*)::int as n from webhook_deliveries
                               where endpoint_id = ${ep.endpointId} group by event_id`;
    expect(rows.map((r) => [r.id, r.n]).sort()).toEqual(events.map((e) => [e.eventId, 1]).sort());
    expect(received.filter((r) => events.some((e) => e.eventId === r.headers['webhook-id']))).toHaveLength(0);
  });
});

describe('retries', () => {
  it('the schedule grows from 5 s to 24 h with jitter inside each step; 10 attempts in all', () => {
    expect(RETRY_SCHEDULE_MS.map((ms) => ms / 1000)).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(MAX_ATTEMPTS).toBe(10);
    expect(retryDelay(1, () => 0)).toBe(1000);
    expect(retryDelay(1, () => 1)).toBe(5000);
    expect(retryDelay(2, () => 0)).toBe(5000);
    expect(retryDelay(2, () => 1)).toBe(300_000);
    expect(retryDelay(9, () => 0.5)).toBe(79_200_000); // 20 h + half of the step to 24 h
  });

  it('500, 500, 200: retried on the schedule, then delivered', async () => {
    const a = await admin();
    const ep = await endpoint(a);
    const ev = await event();
    script = [{ status: 500 }, { status: 500 }];
    expect(await tick()).toMatchObject({ failed: 1 });
    let [d] = await delivery(ep.endpointId, ev.eventId);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, last_status: 500, last_error: 'HTTP 500' });
    expect(d?.next_attempt_at.getTime() - d?.last_attempt_at.getTime()).toBe(2500); // half of 0..5 s
    expect(await tick()).toMatchObject({ failed: 0, delivered: 0 }); // not due yet
    t.srv.clock.advance(2600);
    await tick();
    [d] = await delivery(ep.endpointId, ev.eventId);
    expect(d).toMatchObject({ state: 'pending', attempts: 2, last_status: 500 });
    expect(d?.next_attempt_at.getTime() - d?.last_attempt_at.getTime()).toBe(152_500); // 5 s + half of the rest to 5 min
    t.srv.clock.advance(152_600);
    expect(await tick()).toMatchObject({ delivered: 1 });
    [d] = await delivery(ep.endpointId, ev.eventId);
    expect(d).toMatchObject({ state: 'delivered', attempts: 3, last_status: 200, last_error: null });
    const sent = received.filter((r) => r.headers['webhook-id'] === ev.eventId);
    expect(sent).toHaveLength(3);
    const page = await a.c.webhooks.deliveries.query({ endpointId: ep.endpointId });
    expect(page.items[0]).toMatchObject({ eventId: ev.eventId, state: 'delivered', attempts: 3 });
  });

  it('a receiver that never answers is cut off at the timeout and retried', async () => {
    const a = await admin();
    const ep = await endpoint(a);
    const ev = await event();
    script = [{ status: 0 }];
    // No stopwatch (a loaded machine stretches any wall time): the sender returning at all, and the
    // receiver seeing the connection closed without ever answering, is the cut-off.
    await deliverWebhooks(t.srv.services, { resolve, random: () => 0.5, timeoutMs: 300 });
    const url = (await a.c.webhooks.list.query()).endpoints.find((e) => e.id === ep.endpointId)?.url ?? '';
    await expect.poll(() => hungUp).toContain(new URL(url).pathname);
    expect((await delivery(ep.endpointId, ev.eventId))[0]).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_status: null,
      last_error: 'no answer within 0.3 s',
    });
  });

  it('429 with Retry-After waits exactly that long; 503 too', async () => {
    const a = await admin();
    const ep = await endpoint(a);
    const ev = await event();
    script = [
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 503, headers: { 'retry-after': '120' } },
    ];
    await tick();
    let [d] = await delivery(ep.endpointId, ev.eventId);
    expect(d).toMatchObject({ attempts: 1, last_status: 429 });
    expect(d?.next_attempt_at.getTime() - d?.last_attempt_at.getTime()).toBe(7000);
    t.srv.clock.advance(7100);
    await tick();
    [d] = await delivery(ep.endpointId, ev.eventId);
    expect(d).toMatchObject({ attempts: 2, last_status: 503 });
    expect(d?.next_attempt_at.getTime() - d?.last_attempt_at.getTime()).toBe(120_000);
  });

  it('410 disables the endpoint (audited, alert) and nothing more is sent to it', async () => {
    const a = await admin();
    const ep = { ...(await endpoint(a)), url: '' };
    ep.url = (await a.c.webhooks.list.query()).endpoints.find((e) => e.id === ep.endpointId)?.url ?? '';
    const ev = await event();
    script = [{ status: 410 }];
    expect(await tick()).toMatchObject({ disabled: 1 });
    expect((await delivery(ep.endpointId, ev.eventId))[0]).toMatchObject({ state: 'dead', last_status: 410 });
    const listed = (await a.c.webhooks.list.query()).endpoints.find((e) => e.id === ep.endpointId);
    expect(listed).toMatchObject({ status: 'disabled', disabledReason: 'The receiver answered 410 Gone.' });
    const audit = await t.owner`select action, actor_user_id from audit_events where entity_id = ${ep.endpointId}
                                order by id`;
    expect(audit.map((r) => r.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.disabled']);
    expect(audit[1]?.actor_user_id).toBeNull();
    const [alert] =
      await t.owner`select title from alerts where rule = 'webhook-endpoint-gone' order by at desc limit 1`;
    expect(alert?.title).toContain('410 Gone');
    const before = forPath(ep.url).length;
    await event();
    t.srv.clock.advance(60_000);
    await tick();
    expect(forPath(ep.url)).toHaveLength(before);
    // An admin enables it again (audited); enabling twice is a conflict.
    await a.c.webhooks.enable.mutate({ endpointId: ep.endpointId });
    expect((await errorOf(a.c.webhooks.enable.mutate({ endpointId: ep.endpointId }))).code).toBe('CONFLICT');
  });

  it('after the last attempt a delivery is dead: an alert, a mail to the system admins, an audit entry', async () => {
    const a = await admin();
    const ep = await endpoint(a);
    const ev = await event();
    script = Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 500 }));
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
      await tick();
      t.srv.clock.advance(25 * 3_600_000);
    }
    const [d] = await delivery(ep.endpointId, ev.eventId);
    expect(d).toMatchObject({ state: 'dead', attempts: MAX_ATTEMPTS, last_status: 500 });
    expect(received.filter((r) => r.headers['webhook-id'] === ev.eventId)).toHaveLength(MAX_ATTEMPTS);
    await tick();
    expect(received.filter((r) => r.headers['webhook-id'] === ev.eventId)).toHaveLength(MAX_ATTEMPTS);
    const [audit] = await t.owner`select details from audit_events where action = 'webhook_delivery.dead'
                                  and details->>'eventId' = ${ev.eventId}`;
    expect(audit?.details).toMatchObject({ endpoint: ep.endpointId, attempts: MAX_ATTEMPTS, lastError: 'HTTP 500' });
    const [alert] = await t.owner`select title from alerts where rule = 'webhook-delivery-dead'
                                  and details->>'eventId' = ${ev.eventId}`;
    expect(alert?.title).toContain('given up');
    const mails = await t.owner`select to_address from mail_outbox where kind = 'security-alert'
                                and subject like '%given up%' and to_address = ${a.email}`;
    expect(mails.length).toBeGreaterThan(0);
    // A second delivery dying within the hour is audited but raises no second alert (no mail storm).
    const other = await event();
    script = [{ status: 500 }, { status: 500 }];
    await tick(); // fanned out, first attempt failed
    await t.owner`update webhook_deliveries set attempts = ${MAX_ATTEMPTS - 1}, next_attempt_at = now() - interval '1 day'
                  where event_id = ${other.eventId}`;
    t.srv.clock.advance(-25 * 3_600_000 + 60_000); // a minute after the first death
    await tick();
    expect((await delivery(ep.endpointId, other.eventId))[0]?.state).toBe('dead');
    const alerts = await t.owner`select 1 from alerts where rule = 'webhook-delivery-dead'
                                 and details->>'endpoint' = ${ep.endpointId}`;
    expect(alerts).toHaveLength(1);
    const dying = await t.owner`select 1 from audit_events where action = 'webhook_delivery.dead'
                                and details->>'endpoint' = ${ep.endpointId}`;
    expect(dying).toHaveLength(2);
    // The failure is visible to an admin (signed in afresh: the clock moved days), with its error.
    const b = await admin();
    const dead = await b.c.webhooks.deliveries.query({ endpointId: ep.endpointId, state: 'dead' });
    expect(dead.items.find((i) => i.eventId === ev.eventId)).toMatchObject({ lastError: 'HTTP 500', lastStatus: 500 });
  });
});

describe('replay', () => {
  it('re-sends the same webhook-id, by event and by id range (audited)', async () => {
    const a = await admin();
    const ep = await endpoint(a);
    const first = await event();
    const second = await event();
    await tick();
    expect(received.filter((r) => r.headers['webhook-id'] === first.eventId)).toHaveLength(1);
    expect(
      await a.c.webhooks.replay.mutate({ by: 'event', endpointId: ep.endpointId, eventId: first.eventId }),
    ).toEqual({ queued: 1 });
    await tick();
    expect(received.filter((r) => r.headers['webhook-id'] === first.eventId)).toHaveLength(2);
    const range = await a.c.webhooks.replay.mutate({
      by: 'range',
      endpointId: ep.endpointId,
      fromCursor: first.cursor,
      toCursor: second.cursor,
    });
    expect(range.queued).toBe(2);
    await tick();
    expect(received.filter((r) => r.headers['webhook-id'] === first.eventId)).toHaveLength(3);
    expect(received.filter((r) => r.headers['webhook-id'] === second.eventId)).toHaveLength(2);
    const audit = await t.owner`select action, details from audit_events where entity_id = ${ep.endpointId}
                                and action = 'webhook.replayed' order by id`;
    expect(audit.map((r) => r.details.queued)).toEqual([1, 2]);
    expect(
      (
        await errorOf(
          a.c.webhooks.replay.mutate({ by: 'event', endpointId: ep.endpointId, eventId: crypto.randomUUID() }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });
});

describe('SSRF guard', () => {
  it('a name resolving to loopback, metadata or a private address is refused at connect without an allowlist', async () => {
    const a = await admin();
    const ep = await endpoint(a, { url: 'https://erp-hooks.example.test/in', allowedCidrs: [] });
    const ev = await event();
    for (const address of [
      '127.0.0.1',
      '169.254.169.254',
      '10.0.0.5',
      '::1',
      'fd00::1',
      '100.64.1.1',
      '::ffff:169.254.169.254',
      '::a9fe:a9fe',
      'fe80::1',
    ]) {
      dnsAnswer = address;
      const before = received.length;
      asked.length = 0;
      await t.owner`update webhook_deliveries set next_attempt_at = now() - interval '1 day', attempts = 0
                    where endpoint_id = ${ep.endpointId}`;
      t.srv.clock.advance(1000);
      await tick();
      expect(asked).toContain('erp-hooks.example.test');
      expect(received.length).toBe(before); // nothing reached the receiver on 127.0.0.1
      const [d] = await delivery(ep.endpointId, ev.eventId);
      expect(d?.state).toBe('pending');
      expect(d?.last_error).toContain('refused to connect to erp-hooks.example.test');
      expect(d?.last_error).toMatch(/private, loopback, link-local or reserved/);
    }
    dnsAnswer = '127.0.0.1';
  });

  it('an allowlisted network admits a resolved private address (http only there); redirects are not followed', async () => {
    const a = await admin();
    const ep = await endpoint(a, {
      url: `http://erp-hooks.example.test:${port}/allowed`,
      allowedCidrs: ['127.0.0.0/8'],
    });
    const ev = await event();
    dnsAnswer = '127.0.0.1';
    script = [{ status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } }];
    await tick();
    const sent = received.filter((r) => r.headers['webhook-id'] === ev.eventId);
    expect(sent.map((r) => r.path)).toEqual(['/allowed']);
    expect((await delivery(ep.endpointId, ev.eventId))[0]).toMatchObject({ state: 'pending', last_status: 302 });
    // Allowlisting one network does not open another: 10.0.0.5 stays refused for this endpoint.
    dnsAnswer = '10.0.0.5';
    t.srv.clock.advance(10_000);
    await tick();
    expect((await delivery(ep.endpointId, ev.eventId))[0]?.last_error).toContain('10.0.0.5');
    dnsAnswer = '127.0.0.1';
  });

  it('public addresses pass over https; http needs the allowlist; one allowlisted network opens only itself', () => {
    const https = { allowedCidrs: [], plainHttp: false };
    for (const ok of ['93.184.216.34', '2606:2800:220:1::1', '2001:4860:4860::8888'])
      expect(refusal(ok, https)).toBeNull();
    for (const bad of [
      '172.16.0.1',
      '192.168.1.1',
      '0.0.0.0',
      '224.0.0.1',
      '2001:db8::1',
      '2002:a00:5::1',
      '64:ff9b::a00:5',
    ])
      expect(refusal(bad, https), bad).toMatch(/private, loopback/);
    expect(refusal('93.184.216.34', { allowedCidrs: [], plainHttp: true })).toMatch(/use https/);
    expect(refusal('10.1.2.3', { allowedCidrs: ['10.1.0.0/16'], plainHttp: true })).toBeNull();
    expect(refusal('10.2.0.1', { allowedCidrs: ['10.1.0.0/16'], plainHttp: false })).toMatch(/private/);
    expect(refusal('10.2.0.1', { allowedCidrs: ['::/0'], plainHttp: false }), 'an IPv6 entry admits no IPv4').toMatch(
      /private/,
    );
  });

  it('create refuses plain http without an allowlist and literal internal addresses outside it', async () => {
    const a = await admin();
    const plain = await errorOf(a.c.webhooks.create.mutate({ url: 'http://erp.example.com/hook' }));
    expect(plain).toMatchObject({ code: 'BAD_REQUEST' });
    expect(plain.message).toContain('https');
    const metadata = await errorOf(a.c.webhooks.create.mutate({ url: 'https://169.254.169.254/latest/meta-data' }));
    expect(metadata.code).toBe('BAD_REQUEST');
    expect(metadata.message).toContain('169.254.169.254');
    // A literal address is checked when sending too (node dials it without a lookup).
    const literal = await endpoint(a, { url: `https://10.0.0.5/hook`, allowedCidrs: ['10.0.0.0/8'] });
    await t.owner`update webhook_endpoints set allowed_cidrs = '{}' where id = ${literal.endpointId}`;
    const ev = await event();
    asked.length = 0;
    await tick();
    expect(asked).toHaveLength(0);
    expect((await delivery(literal.endpointId, ev.eventId))[0]?.last_error).toContain('refused to connect to 10.0.0.5');
  });

  it('endpoints and deliveries are system data: a party scope sees none of them (forced RLS)', async () => {
    const a = await admin();
    await endpoint(a);
    await event();
    await tick();
    const [seen] = await t.srv.db.read({ kind: 'party', partyId: party }, (tx) =>
      tx.db.execute<{ e: number; d: number }>(
        sql`select (select count(*) from webhook_endpoints)::int as e, (select count(*) from webhook_deliveries)::int as d`,
      ),
    );
    expect(seen).toEqual({ e: 0, d: 0 });
    const [all] = await t.owner`select count(*)::int as n from webhook_deliveries`;
    expect(all?.n).toBeGreaterThan(0);
    const forced = await t.owner`select relname, relforcerowsecurity as f from pg_class
                                 where relname in ('webhook_endpoints', 'webhook_deliveries')`;
    expect(forced.map((r) => r.f)).toEqual([true, true]);
  });

  it('only integrations:manage holders see or change webhooks', async () => {
    for (const role of ['operator', 'auditor'] as const) {
      const u = await createPartyWithUser(t.srv.db, 'internal', [role]);
      const c = client(t.srv.origin);
      await c.auth.login.mutate(u);
      expect((await errorOf(c.webhooks.list.query())).code).toBe('FORBIDDEN');
      expect((await errorOf(c.webhooks.create.mutate({ url: 'https://erp.example.com/h' }))).code).toBe('FORBIDDEN');
    }
  });
});

describe('a burst of events', () => {
  it('goes out in one drain of the worker (batches of 20 back to back), not one batch per tick', async () => {
    const a = await admin();
    const url = `http://127.0.0.1:${port}/hooks/burst-${randomBytes(3).toString('hex')}`;
    await endpoint(a, { url });
    const events = [];
    for (let i = 0; i < 45; i++) events.push(await event());
    const before = forPath(url).length;
    const drained = await drainWebhooks(t.srv.services, { resolve, random: () => 0.5 });
    expect(drained).toMatchObject({ claimed: 45, delivered: 45, failed: 0, runs: 3 });
    const got = forPath(url).slice(before);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set(events.map((e) => e.eventId)));
    // Nothing is left for the next tick.
    expect(await tick()).toMatchObject({ claimed: 0, delivered: 0 });
  });
});
