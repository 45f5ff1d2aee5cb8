import { createHmac, randomBytes } from 'node:crypto';
import { BATCH_ENTITIES, eventsPage } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import { API_FAILURES_PER_IP, keySecretHmacKey, warnAboutKeys } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, SYSTEM, useTestServer } from './support/harness.ts';

/**
 * Integration principals on /api/v1: keys (scopes, networks, expiry, rotation, revocation, budgets) and the
 * outbound pull feed of decisions the ERP must apply. TRUST_PROXY lets each test speak from its own address.
 */
const t = useTestServer({ TRUST_PROXY: '127.0.0.1/32' });
let ipSeq = 0;
const nextIp = () => `198.51.100.${++ipSeq}`;

async function admin() {
  const u = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
type Admin = Awaited<ReturnType<typeof admin>>;

async function newKey(a: Admin, over: Partial<Parameters<Admin['c']['integrations']['createKey']['mutate']>[0]> = {}) {
  return a.c.integrations.createKey.mutate({
    integrationName: `ERP ${randomBytes(3).toString('hex')}`,
    scopes: ['events:read'],
    ipAllowlist: ['0.0.0.0/0', '::/0'],
    expiresInDays: 90,
    ...over,
  });
}

async function api(path: string, opts: { token?: string; ip?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${t.srv.origin}/api/v1${path}`, {
    headers: {
      'x-forwarded-for': opts.ip ?? nextIp(),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('integration keys', () => {
  it('a system admin creates a key shown once; only an HMAC of its secret is stored; it is audited', async () => {
    const a = await admin();
    const key = await newKey(a, { integrationName: 'Kinetic production' });
    expect(key.token).toMatch(/^ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.token.slice(4, 16)).toBe(key.keyId);
    const listed = await a.c.integrations.keys.query();
    const row = listed.keys.find((k) => k.keyId === key.keyId);
    expect(row).toMatchObject({ integrationName: 'Kinetic production', status: 'active', scopes: ['events:read'] });
    expect(JSON.stringify(listed)).not.toContain(key.token.slice(17));
    const [stored] = await t.owner`select secret_hmac from integration_keys where id = ${key.keyId}`;
    const secret = key.token.slice(17);
    expect(Buffer.from(stored?.secret_hmac as Buffer).toString('hex')).toBe(
      createHmac('sha256', keySecretHmacKey(t.srv.config.secret)).update(secret).digest('hex'),
    );
    const audit = await t.owner`select action, details::text as d from audit_events
                                where entity_id = ${key.keyId} order by id`;
    expect(audit.map((r) => r.action)).toEqual(['integration_key.created']);
    expect(audit[0]?.d).not.toContain(secret);
    expect((await api('/events', { token: key.token })).status).toBe(200);
  });

  it('only integrations:manage holders (internal staff) manage keys; expiry and networks are mandatory', async () => {
    const a = await admin();
    for (const role of ['operator', 'auditor', 'approver'] as const) {
      const u = await createPartyWithUser(t.srv.db, 'internal', [role]);
      const c = client(t.srv.origin);
      await c.auth.login.mutate(u);
      expect(await codeOf(c.integrations.keys.query())).toBe('FORBIDDEN');
      expect(await codeOf(newKey({ ...a, c }))).toBe('FORBIDDEN');
    }
    const cust = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const cc = client(t.srv.origin);
    await cc.auth.login.mutate(cust);
    expect(await codeOf(newKey({ ...a, c: cc }))).toBe('FORBIDDEN');
    expect((await errorOf(newKey(a, { expiresInDays: 366 }))).message).toMatch(/365 days at most/);
    expect((await errorOf(newKey(a, { ipAllowlist: [] }))).message).toMatch(/at least one network/);
    expect((await errorOf(newKey(a, { scopes: [] }))).message).toMatch(/at least one scope/);
    expect((await errorOf(newKey(a, { ipAllowlist: ['10.0.0.300/8'] }))).code).toBe('BAD_REQUEST');
  });

  it('creating, rotating and revoking need a recent password', async () => {
    const a = await admin();
    const key = await newKey(a);
    t.srv.clock.advance(11 * 60_000);
    await a.c.auth.me.query();
    expect(await errorOf(newKey(a))).toMatchObject({ code: 'FORBIDDEN', reason: 'reauth-required' });
    expect(
      await errorOf(a.c.integrations.rotateKey.mutate({ keyId: key.keyId, expiresInDays: 30, overlapDays: 1 })),
    ).toMatchObject({ reason: 'reauth-required' });
    expect(await errorOf(a.c.integrations.revokeKey.mutate({ keyId: key.keyId }))).toMatchObject({
      reason: 'reauth-required',
    });
    await a.c.auth.reauthenticate.mutate({ password: a.password });
    await a.c.integrations.revokeKey.mutate({ keyId: key.keyId });
  });

  it('unknown, malformed, one-character-changed, revoked and expired keys get byte-identical 401s', async () => {
    const a = await admin();
    const live = await newKey(a, { expiresInDays: 1 });
    const revoked = await newKey(a);
    await a.c.integrations.revokeKey.mutate({ keyId: revoked.keyId });
    const last = live.token.at(-1) === 'A' ? 'B' : 'A';
    const attempts = [
      undefined,
      'not-a-key',
      `ghk_zzzzzzzzzzzz_${randomBytes(32).toString('base64url')}`,
      `${live.token.slice(0, -1)}${last}`,
      revoked.token,
    ];
    const answers = [];
    for (const token of attempts) answers.push(await api('/events', { token }));
    // Expired: the same key, a day later.
    t.srv.clock.advance(24 * 3600_000 + 1000);
    answers.push(await api('/events', { token: live.token }));
    for (const r of answers) {
      expect(r.status).toBe(401);
      expect(r.text).toBe(answers[0]?.text);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
    }
    await a.c.auth.login.mutate(a); // the session itself ended with the day
    expect(await a.c.integrations.keys.query()).toMatchObject({
      keys: expect.arrayContaining([
        expect.objectContaining({ keyId: live.keyId, status: 'expired' }),
        expect.objectContaining({ keyId: revoked.keyId, status: 'revoked' }),
      ]),
    });
  });

  it('a key in the URL is refused (400) and audited without the key; keys are not sessions and sessions not keys', async () => {
    const a = await admin();
    const key = await newKey(a);
    const ip = nextIp();
    const r = await api(`/events?api_key=${key.token}`, { ip, token: key.token });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/Authorization header/);
    const [row] = await t.owner`select details::text as d from audit_events
                                where action = 'integration.key_in_url_refused' and ip = ${ip}`;
    expect(row?.d).toContain('api_key');
    expect(row?.d).not.toContain(key.token.slice(17));
    // A signed-in browser session opens nothing on /api/v1 ...
    const cookie = (await fetch(`${t.srv.origin}/trpc/auth.me`)).headers.get('set-cookie');
    expect(cookie).toBeNull();
    const withSession = await fetch(`${t.srv.origin}/api/v1/events`, {
      headers: { cookie: `gh_session=${randomBytes(8).toString('hex')}`, 'x-forwarded-for': nextIp() },
    });
    expect(withSession.status).toBe(401);
    // ... and a key opens nothing on /trpc.
    const trpc = await fetch(`${t.srv.origin}/trpc/auth.me`, { headers: { authorization: `Bearer ${key.token}` } });
    expect(trpc.status).toBe(401);
  });

  it('a key works only from its networks (403 elsewhere), and only within its scopes', async () => {
    const a = await admin();
    const key = await newKey(a, { ipAllowlist: ['203.0.113.0/24'] });
    expect((await api('/events', { token: key.token, ip: '203.0.113.7' })).status).toBe(200);
    const outside = await api('/events', { token: key.token, ip: '198.18.0.1' });
    expect(outside.status).toBe(403);
    expect(outside.text).toMatch(/network address/);
    // An empty scope list grants nothing (such a key can only exist if written around the API: prove the check).
    await t.owner`update integration_keys set scopes = '{}' where id = ${key.keyId}`;
    const noScope = await api('/events', { token: key.token, ip: '203.0.113.7' });
    expect(noScope.status).toBe(403);
    expect(noScope.text).toMatch(/events:read/);
  });

  it('repeated failures from one address are throttled (429 with Retry-After), even for a valid key after', async () => {
    const a = await admin();
    const key = await newKey(a);
    const ip = nextIp();
    for (let i = 0; i < API_FAILURES_PER_IP.points; i += 1) {
      expect((await api('/events', { token: `ghk_aaaaaaaaaaaa_${'x'.repeat(43)}`, ip })).status).toBe(401);
    }
    const blocked = await api('/events', { token: key.token, ip });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected; the failures were audited twice (first and blocking), not thirty times.
    expect((await api('/events', { token: key.token })).status).toBe(200);
    const rows =
      await t.owner`select details from audit_events where action = 'integration.auth_failed' and ip = ${ip}`;
    expect(rows).toHaveLength(2);
  });

  it('each key has a request budget per minute: 429 with Retry-After and RateLimit headers past it', async () => {
    const a = await admin();
    const key = await newKey(a, { requestsPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) {
      const r = await api('/events', { token: key.token });
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-limit')).toBe('3');
    }
    const over = await api('/events', { token: key.token });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('rotation issues a new key; the old one works through the overlap only; overlap 0 revokes it at once', async () => {
    const a = await admin();
    const old = await newKey(a);
    const fresh = await a.c.integrations.rotateKey.mutate({ keyId: old.keyId, expiresInDays: 180, overlapDays: 2 });
    expect(fresh.keyId).not.toBe(old.keyId);
    expect((await api('/events', { token: old.token })).status).toBe(200);
    expect((await api('/events', { token: fresh.token })).status).toBe(200);
    t.srv.clock.advance(2 * 24 * 3600_000 + 1000);
    expect((await api('/events', { token: old.token })).status).toBe(401);
    expect((await api('/events', { token: fresh.token })).status).toBe(200);
    await a.c.auth.login.mutate(a);
    const third = await a.c.integrations.rotateKey.mutate({ keyId: fresh.keyId, expiresInDays: 30, overlapDays: 0 });
    expect((await api('/events', { token: fresh.token })).status).toBe(401);
    expect((await api('/events', { token: third.token })).status).toBe(200);
    const list = (await a.c.integrations.keys.query()).keys;
    expect(list.find((k) => k.keyId === third.keyId)?.replaces).toBe(fresh.keyId);
    expect(
      await codeOf(a.c.integrations.rotateKey.mutate({ keyId: fresh.keyId, expiresInDays: 30, overlapDays: 0 })),
    ).toBe('CONFLICT');
    expect(
      await codeOf(a.c.integrations.rotateKey.mutate({ keyId: 'nosuchkey000', expiresInDays: 30, overlapDays: 0 })),
    ).toBe('NOT_FOUND');
    const actions = await t.owner`select action from audit_events where entity_type = 'integration_key'
                                  and entity_id in (${fresh.keyId}, ${third.keyId}) order by id`;
    // (Each call came from a new test address, and the refused old key was an auth failure: both audited too.)
    expect(actions.map((r) => r.action).filter((x) => x === 'integration_key.rotated')).toEqual([
      'integration_key.rotated',
      'integration_key.rotated',
    ]);
  });

  it('a key used from a new address is audited and raises an alert for staff', async () => {
    const a = await admin();
    const key = await newKey(a);
    expect((await api('/events', { token: key.token, ip: '192.0.2.10' })).status).toBe(200);
    expect((await api('/events', { token: key.token, ip: '192.0.2.11' })).status).toBe(200);
    const [row] = await t.owner`select details from audit_events
                                where action = 'integration_key.used_from_new_ip' and entity_id = ${key.keyId}`;
    expect(row?.details).toMatchObject({ previousIp: '192.0.2.10' });
    const alerts = await a.c.alerts.list.query({});
    expect(alerts.items.some((al) => al.title.includes(key.keyId))).toBe(true);
    const [used] = await t.owner`select last_used_ip, seen_ips from integration_keys where id = ${key.keyId}`;
    expect(used).toEqual({ last_used_ip: '192.0.2.11', seen_ips: ['192.0.2.11', '192.0.2.10'] });
    // An ERP behind two egress addresses alternating between them is not news: no further entry or alert.
    for (const ip of ['192.0.2.10', '192.0.2.11', '192.0.2.10'])
      expect((await api('/events', { token: key.token, ip })).status).toBe(200);
    const entries = await t.owner`select 1 from audit_events
                                  where action = 'integration_key.used_from_new_ip' and entity_id = ${key.keyId}`;
    expect(entries).toHaveLength(1);
    expect((await a.c.alerts.list.query({})).items.filter((al) => al.title.includes(key.keyId))).toHaveLength(1);
  });
});

describe('the daily key job', () => {
  it('mails system admins once about keys near expiry and once per period about unused ones', async () => {
    const a = await admin();
    // Keys from earlier tests exist too: mark them all warned, so this test sees only its own two.
    await t.owner`update integration_keys set expiry_warned_at = now(), unused_warned_at = now() + interval '10 years'`;
    const soon = await newKey(a, { expiresInDays: 10 });
    const idle = await newKey(a, { expiresInDays: 200 });
    const mails = async () =>
      (await t.owner`select to_address, body_text from mail_outbox where kind = 'integration-keys'`).filter((m) =>
        String(m.body_text).includes(soon.keyId),
      );
    const run = () => warnAboutKeys(t.srv.db, t.srv.clock, t.srv.config.publicOrigin);
    expect(await run()).toEqual({ expiring: 1, unused: 0 });
    expect((await mails()).map((m) => m.to_address)).toContain(a.email);
    expect(await run()).toEqual({ expiring: 0, unused: 0 }); // once per key
    // 31 days on: the idle key has never been used; the other one (used) is not reported as unused.
    expect((await api('/events', { token: soon.token })).status).toBe(200);
    t.srv.clock.advance(31 * 86_400_000);
    const later = await run();
    expect(later).toEqual({ expiring: 0, unused: 1 });
    const [mail] = await t.owner`select body_text from mail_outbox where kind = 'integration-keys'
                                 and body_text like ${`%${idle.keyId}%`}`;
    expect(String(mail?.body_text)).toMatch(/has not been used at all/);
    expect(await run()).toEqual({ expiring: 0, unused: 0 });
  });
});

describe('the outbound event feed', () => {
  it('carries PO acknowledgements, problems and accepted address changes, in order, with the party ERP reference', async () => {
    const a = await admin();
    const key = await newKey(a);
    const start = JSON.parse((await api('/events?limit=500', { token: key.token })).text) as { nextCursor: string };
    const sup = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    await t.owner`update parties set erp_ref = 'V-1001', supplier_category = 'manufacturing' where id = ${sup.partyId}`;
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generatePurchaseOrders(tx, sup.partyId, 5, 'EUR', 'manufacturing'));
    const sc = client(t.srv.origin);
    await sc.auth.login.mutate(sup);
    const [p1, p2] = (await sc.purchaseOrders.list.query({ status: 'open', limit: 2 })).items;
    if (!p1 || !p2) throw new Error('no open POs');
    const promised = new Date(t.srv.clock.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await sc.purchaseOrders.acknowledge.mutate({ id: p1.id, promisedDate: promised });
    await sc.purchaseOrders.flagProblem.mutate({ id: p2.id, note: 'Short of steel' });
    // A refused acknowledgement writes no event (the event is in the decision's transaction).
    expect(await codeOf(sc.purchaseOrders.acknowledge.mutate({ id: p1.id, promisedDate: '2000-01-01' }))).toBe(
      'BAD_REQUEST',
    );
    const addr = await sc.changeRequests.create.mutate({
      kind: 'address',
      address: { street: 'Hafenstraße 1', postalCode: '20457', city: 'Hamburg', country: 'DE' },
    });
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const oc = client(t.srv.origin);
    await oc.auth.login.mutate(op);
    const seen = (await oc.changeRequests.queue.query({ partyId: sup.partyId })).items[0]?.version as number;
    await oc.changeRequests.decide.mutate({ id: addr.id, version: seen, decision: 'accept' });

    const page = JSON.parse((await api(`/events?after=${start.nextCursor}`, { token: key.token })).text) as {
      events: { cursor: string; eventId: string; type: string; party: unknown; subject: unknown; payload: unknown }[];
      nextCursor: string;
      hasMore: boolean;
    };
    const mine = page.events.filter((e) => (e.party as { erpRef: string }).erpRef === 'V-1001');
    expect(mine.map((e) => e.type)).toEqual([
      'purchase_order.acknowledged',
      'purchase_order.problem_flagged',
      'party.address_changed',
    ]);
    expect(mine[0]).toMatchObject({
      party: { kind: 'supplier', erpRef: 'V-1001' },
      subject: { purchaseOrderNumber: p1.number },
      payload: { promisedDate: promised },
    });
    expect(mine[2]?.payload).toMatchObject({ address: { city: 'Hamburg' } });
    expect(new Set(page.events.map((e) => e.eventId)).size).toBe(page.events.length);
    // Paging: one at a time from the same start walks the same events; the last cursor gives an empty page.
    let cursor = start.nextCursor;
    const walked: string[] = [];
    for (;;) {
      const p = JSON.parse((await api(`/events?after=${cursor}&limit=1`, { token: key.token })).text) as typeof page;
      if (p.events.length === 0) {
        expect(p.nextCursor).toBe(cursor);
        break;
      }
      walked.push(p.events[0]?.eventId as string);
      cursor = p.nextCursor;
    }
    expect(walked).toEqual(page.events.map((e) => e.eventId));
    // Filter by type; bad queries get a clear 400.
    const acks = JSON.parse(
      (await api(`/events?after=${start.nextCursor}&types=purchase_order.acknowledged`, { token: key.token })).text,
    ) as typeof page;
    expect(acks.events.every((e) => e.type === 'purchase_order.acknowledged')).toBe(true);
    for (const q of ['after=-1', 'after=abc', 'limit=0', 'limit=501', 'types=user.created']) {
      const r = await api(`/events?${q}`, { token: key.token });
      expect(r.status, q).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'invalid_query' } });
    }
  });

  it('a supplier cannot read another party’s events, nor any event, through its own database context', async () => {
    const sup = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    const other = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generatePurchaseOrders(tx, other.partyId, 2, 'EUR', 'manufacturing'));
    const oc = client(t.srv.origin);
    await oc.auth.login.mutate(other);
    const [po] = (await oc.purchaseOrders.list.query({ status: 'open', limit: 1 })).items;
    await oc.purchaseOrders.flagProblem.mutate({ id: po?.id as string, note: 'Cannot deliver the alloy this month.' });
    const seen = await t.srv.db.read({ kind: 'party', partyId: sup.partyId }, async (tx) =>
      tx.db.execute('select count(*)::int as n from integration_events' as never),
    );
    expect((seen as unknown as { n: number }[])[0]?.n).toBe(0);
  });

  it('/api/v1/openapi.json describes the API from the same schemas, with every reference resolved', async () => {
    const res = await fetch(`${t.srv.origin}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string }[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      'BatchResult',
      'CreditLimitRow',
      'Error',
      'EventsPage',
      'IntegrationEvent',
      'InvoiceRow',
      'MasterData',
      'MasterDataRow',
      'OrderRow',
      'PartyRow',
      'PaymentRow',
      'PurchaseOrderRow',
      'ShipmentRow',
      'SupplierInvoiceStatus',
      'SupplierInvoiceStatusResult',
    ]);
    // One batch endpoint per entity, each needing its Idempotency-Key.
    for (const entity of BATCH_ENTITIES) {
      const post = doc.paths[`/batches/${entity}`]?.post;
      expect(
        post?.parameters.map((p) => p.name),
        entity,
      ).toEqual(['idempotency-key']);
      expect(Object.keys(post?.responses ?? {}), entity).toEqual(
        expect.arrayContaining(['200', '409', '413', '422', '429']),
      );
    }
    expect(doc.paths['/master-data/{kind}/{ref}']?.get?.parameters.map((p) => p.name)).toEqual(['kind', 'ref']);
    expect(doc.components.securitySchemes.integrationKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const events = doc.paths['/events']?.get;
    expect(events?.parameters.map((p) => p.name).sort()).toEqual(['after', 'limit', 'types']);
    expect(Object.keys(events?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403', '429', '503']);
    // No dangling reference anywhere in the document.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref as string);
    // And a live answer matches the schema it documents.
    const a = await admin();
    const key = await newKey(a);
    const page = JSON.parse((await api('/events?limit=5', { token: key.token })).text);
    expect(eventsPage.safeParse(page).success).toBe(true);
  });

  it('an unknown path on /api/v1 is a 404 in the API envelope, not the web app', async () => {
    const a = await admin();
    const key = await newKey(a);
    const r = await api('/nothing-here', { token: key.token, headers: { accept: 'text/html' } });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text)).toEqual({ error: { code: 'not_found', message: 'No such endpoint.' } });
  });
});
