import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pruneIdempotencyKeys } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * The mirror writer through `POST /api/v1/batches/{entity}`: ERP references resolved to parties, exact
 * money, upserts by ERP key and revision with lines replaced, atomic and partial batches, Stripe-style
 * idempotency (replay, concurrent duplicate, body mismatch, a crash mid-transaction), the size limits, and
 * the ownership rules (an approved portal change is not reverted by a sync that predates it; a bank change
 * the ERP makes itself wins, is audited and mailed to the supplier's admins).
 */
const t = useTestServer({ TRUST_PROXY: '127.0.0.1/32' });
let ipSeq = 0;
const uid = () => randomBytes(4).toString('hex');

async function signIn(kind: 'internal' | 'supplier' | 'customer', roles: Parameters<typeof createPartyWithUser>[2]) {
  const u = await createPartyWithUser(t.srv.db, kind, roles);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
type Signed = Awaited<ReturnType<typeof signIn>>;

const ALL_WRITES = [
  'parties:write',
  'master-data:write',
  'credit-limits:write',
  'orders:write',
  'invoices:write',
  'shipments:write',
  'purchase-orders:write',
] as const;

type KeyInput = Parameters<Signed['c']['integrations']['createKey']['mutate']>[0];
async function keyFor(scopes: KeyInput['scopes'] = [...ALL_WRITES], over: Partial<KeyInput> = {}) {
  const admin = await signIn('internal', ['system-admin']);
  const k = await admin.c.integrations.createKey.mutate({
    integrationName: `ERP ${uid()}`,
    scopes,
    ipAllowlist: ['0.0.0.0/0', '::/0'],
    expiresInDays: 30,
    ...over,
  });
  return k.token;
}

async function post(
  entity: string,
  body: unknown,
  opts: { token: string; key?: string | null; raw?: string; contentType?: string },
) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${opts.token}`,
    'content-type': opts.contentType ?? 'application/json',
    'x-forwarded-for': `203.0.113.${(++ipSeq % 250) + 1}`,
  };
  if (opts.key !== null) headers['idempotency-key'] = opts.key ?? `k-${uid()}`;
  const res = await fetch(`${t.srv.origin}/api/v1/batches/${entity}`, {
    method: 'POST',
    headers,
    body: opts.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json as Reply };
}

interface RowReply {
  index: number;
  key: string;
  outcome: string;
  errors: { path: string; message: string }[];
}
/**
 * A batch answer or an error envelope, as the tests read it (a test asserts which one it got). The rows are
 * typed as a tuple so `results[0]` reads without a guard; a test that reads a row also checks it is there.
 */
interface Reply {
  batchId: string;
  applied: boolean;
  results: [RowReply, RowReply, RowReply, RowReply, ...RowReply[]];
  counts: Record<'created' | 'updated' | 'unchanged' | 'rejected', number>;
  error: { code: string; message: string };
}

/** A customer the ERP knows as `ref`, with a signed-in admin: made in the portal, adopted by the first sync. */
async function customer(token: string) {
  const u = await signIn('customer', ['customer-admin']);
  const ref = `C-${uid()}`;
  await t.owner`update parties set erp_ref = ${ref} where id = ${u.partyId}`;
  const adopt = await post(
    'parties',
    { rows: [{ kind: 'customer', ref, name: 'Acme Ltd', key: `erp:C:${ref}` }] },
    { token },
  );
  expect(adopt.body, JSON.stringify(adopt.body)).toHaveProperty('results');
  expect(adopt.body.results[0].outcome).toBe('updated');
  const [linked] = await t.owner`select erp_key from parties where id = ${u.partyId}`;
  expect(linked?.erp_key).toBe(`erp:C:${ref}`);
  return { ...u, ref };
}

const order = (ref: string, key: string, over: Record<string, unknown> = {}) => ({
  key,
  customer: ref,
  number: `SO-${key.slice(-6)}`,
  status: 'open',
  orderDate: '2026-11-30',
  currency: 'EUR',
  total: '123.45',
  net: '100.00',
  lines: [
    {
      lineNo: 1,
      sku: 'BOLT-M8',
      description: 'Bolt M8',
      quantity: '12',
      uom: 'EA',
      unitPrice: '5.12345',
      amount: '61.48',
    },
    { lineNo: 2, sku: 'NUT-M8', description: 'Nut M8', quantity: '12', uom: 'EA', unitPrice: '3.21', amount: '38.52' },
  ],
  rev: 10,
  ...over,
});

describe('parties', () => {
  it('creates customers and suppliers by ERP key; a reference another key holds is refused', async () => {
    const token = await keyFor(['parties:write']);
    const ref = `N-${uid()}`;
    const r = await post(
      'parties',
      {
        mode: 'partial',
        rows: [
          { kind: 'supplier', ref, name: 'Nordic Steel AB', supplierCategory: 'raw-materials' },
          { kind: 'supplier', ref, name: 'Imposter', key: 'other-key' },
          { kind: 'internal', ref: 'X', name: 'Us' },
        ],
      },
      { token },
    );
    expect(r.body.results.map((x) => x.outcome)).toEqual(['created', 'rejected', 'rejected']);
    const [p] =
      await t.owner`select kind, name, status, erp_key, supplier_category from parties where erp_ref = ${ref}`;
    expect(p).toEqual({
      kind: 'supplier',
      name: 'Nordic Steel AB',
      status: 'active',
      erp_key: `supplier:${ref}`,
      supplier_category: 'raw-materials',
    });
    const again = await post(
      'parties',
      { rows: [{ kind: 'supplier', ref, name: 'Imposter', key: 'other-key' }] },
      { token },
    );
    expect(again.status).toBe(422);
    expect(again.body.results[0].errors[0]?.message).toContain(`has the ERP reference "${ref}"`);
  });
});

describe("the integration overview's curl example (docs/integration.md)", () => {
  it('works as written: its bodies, sent to its endpoints, create the customer and the order', async () => {
    const doc = await readFile(new URL('../docs/integration.md', import.meta.url), 'utf8');
    const calls = [
      ...doc.matchAll(
        /curl -s -X POST http:\/\/localhost:3000\/api\/v1\/batches\/([a-z-]+)[^']*'Content-Type: application\/json'[^-]*-H "Idempotency-Key: ([^"]+)" \\\n\s*-d '([^']+)'/g,
      ),
    ];
    expect(calls.map((c) => c[1])).toEqual(['parties', 'orders']);
    const token = await keyFor(['parties:write', 'orders:write']);
    // The example's refs are fixed; this database may have run it already, so a fresh ref keeps it independent.
    const ref = `C100-${uid()}`;
    for (const [, entity, , body] of calls) {
      const r = await post(entity as string, null, {
        token,
        raw: (body as string)
          .replaceAll('"C100"', `"${ref}"`)
          .replaceAll('"SO-5001"', `"SO-${ref}"`)
          .replaceAll('"5001"', `"5001-${ref}"`),
      });
      expect([r.status, r.body.counts?.created], entity).toEqual([200, 1]);
    }
  });
});

describe('orders through the mirror writer', () => {
  it('creates orders for the customer the ERP reference names, with exact money, units and lines', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const key = `SO:${uid()}`;
    const r = await post('orders', { rows: [order(c.ref, key)] }, { token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: true, counts: { created: 1, updated: 0, unchanged: 0, rejected: 0 } });
    const [row] =
      await t.owner`select o.total_minor::text as total, o.net_minor::text as net, o.party_id, o.erp_rev::text as rev
                                from orders o where erp_key = ${key}`;
    expect(row).toMatchObject({ total: '12345', net: '10000', party_id: c.partyId, rev: '10' });
    const lines =
      await t.owner`select line_no, uom, unit_price::text as up, unit_price_minor::text as upm, amount_minor::text as amt
                                from order_lines l join orders o on o.id = l.order_id where o.erp_key = ${key} order by line_no`;
    // The exact unit price is kept; the rounded one is half-to-even in cents.
    expect(lines[0]).toMatchObject({ uom: 'EA', up: '5.123450', upm: '512', amt: '6148' });
    // The customer sees it in the portal; another customer does not.
    const list = await c.c.orders.list.query({});
    expect(list.items.map((o) => o.number)).toContain(`SO-${key.slice(-6)}`);
    const other = await signIn('customer', ['customer-admin']);
    expect((await other.c.orders.list.query({})).items.map((o) => o.number)).not.toContain(`SO-${key.slice(-6)}`);
  });

  it('text reaches the tables as sent through the COPY stage: tabs, line breaks, backslashes, a literal \\N, null', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const key = `SO:${uid()}`;
    const odd = 'Bolt\tM8\\N\nline two\r\nthree\\';
    const base = order(c.ref, key);
    const r = await post(
      'orders',
      {
        rows: [
          {
            ...base,
            customerReference: 'PO\\4711\t\\N',
            lines: [
              { ...base.lines[0], description: odd, uom: null },
              { ...base.lines[1], uom: '\\N' },
            ],
          },
        ],
      },
      { token },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [o] = await t.owner`select customer_reference from orders where erp_key = ${key}`;
    expect(o?.customer_reference).toBe('PO\\4711\t\\N');
    const lines = await t.owner`select description, uom from order_lines l join orders o on o.id = l.order_id
      where o.erp_key = ${key} order by line_no`;
    expect(lines.map((l) => [l.description, l.uom])).toEqual([
      [odd, null],
      ['Nut M8', '\\N'],
    ]);
  });

  it('applies a newer revision (lines replaced), skips an older or equal one, and a late page changes nothing', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const key = `SO:${uid()}`;
    await post('orders', { rows: [order(c.ref, key)] }, { token });
    const newer = order(c.ref, key, {
      rev: 11,
      status: 'confirmed',
      lines: [{ lineNo: 1, sku: 'BOLT-M8', description: 'Bolt M8', quantity: '24', unitPrice: '5', amount: '120' }],
      total: '120.00',
      net: '120.00',
    });
    const up = await post('orders', { rows: [newer] }, { token });
    expect(up.body.results[0].outcome).toBe('updated');
    const stale = await post('orders', { rows: [order(c.ref, key, { rev: 10, status: 'cancelled' })] }, { token });
    expect(stale.body.results[0].outcome).toBe('unchanged');
    const same = await post('orders', { rows: [newer] }, { token });
    expect(same.body.results[0].outcome).toBe('unchanged');
    const [o] = await t.owner`select status, total_minor::text as total,
                                     (select count(*)::int from order_lines l where l.order_id = orders.id) as lines
                                from orders where erp_key = ${key}`;
    expect(o).toEqual({ status: 'confirmed', total: '12000', lines: 1 });
  });

  it('an atomic batch with one bad row answers 422, applies nothing and names the row; partial applies the rest', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const good = order(c.ref, `SO:${uid()}`);
    const bad = { ...order(c.ref, `SO:${uid()}`), total: '12.345' }; // three decimals for EUR
    const unknown = order('NO-SUCH-CUSTOMER', `SO:${uid()}`);
    const forged = { ...order(c.ref, `SO:${uid()}`), partyId: c.partyId }; // the portal's id is never accepted
    const before = await t.owner`select count(*)::int as n from orders where party_id = ${c.partyId}`;
    const r = await post('orders', { rows: [good, bad, unknown, forged] }, { token });
    expect(r.status).toBe(422);
    expect(r.body.applied).toBe(false);
    expect(r.body.results.map((x) => x.outcome)).toEqual(['unchanged', 'rejected', 'rejected', 'rejected']);
    expect(r.body.results[1].errors[0]).toMatchObject({
      path: 'total',
      message: expect.stringContaining('2 decimal places'),
    });
    expect(r.body.results[2].errors[0]?.message).toContain('No customer has the ERP reference "NO-SUCH-CUSTOMER"');
    expect(JSON.stringify(r.body.results[3].errors)).toMatch(/partyId/);
    const after = await t.owner`select count(*)::int as n from orders where party_id = ${c.partyId}`;
    expect(after[0]?.n).toBe(before[0]?.n);
    const [audit] = await t.owner`select action, outcome, details->'counts' as counts from audit_events
                                  where action = 'integration.batch_rejected' order by id desc limit 1`;
    expect(audit).toMatchObject({ outcome: 'failure', counts: { rejected: 3 } });

    const partial = await post('orders', { mode: 'partial', rows: [good, bad] }, { token });
    expect(partial.status).toBe(200);
    expect(partial.body.results.map((x) => x.outcome)).toEqual(['created', 'rejected']);
    const [n] = await t.owner`select count(*)::int as n from orders where erp_key = ${good.key}`;
    expect(n?.n).toBe(1);
  });

  it('refuses a number another record of the customer holds, and the same key twice in one batch', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const first = order(c.ref, `SO:${uid()}`);
    await post('orders', { rows: [first] }, { token });
    const clash = { ...order(c.ref, `SO:${uid()}`), number: first.number };
    const twice = order(c.ref, `SO:${uid()}`);
    const r = await post('orders', { mode: 'partial', rows: [clash, twice, twice] }, { token });
    expect(r.body.results[0].errors[0]?.message).toContain(`number ${first.number} is already used`);
    expect(r.body.results[1].outcome).toBe('created');
    expect(r.body.results[2].errors[0]?.message).toContain('already in row 1');
  });
});

describe('money', () => {
  it('JPY has no decimals, KWD three; amounts past 2^53 stay exact as strings; credit notes are negative', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const jpy = order(c.ref, `SO:${uid()}`, {
      currency: 'JPY',
      total: '9007199254740993',
      net: null,
      lines: [{ lineNo: 1, sku: 'X', description: 'X', quantity: '1', unitPrice: '12.5', amount: '9007199254740993' }],
    });
    const kwd = order(c.ref, `SO:${uid()}`, {
      currency: 'KWD',
      total: '1.234',
      net: null,
      lines: [{ lineNo: 1, sku: 'X', description: 'X', quantity: '1', unitPrice: '1.2345', amount: '1.234' }],
    });
    const jpyBad = order(c.ref, `SO:${uid()}`, { currency: 'JPY', total: '1.5', net: null, lines: [] });
    const r = await post('orders', { mode: 'partial', rows: [jpy, kwd, jpyBad] }, { token });
    expect(r.body.results.map((x) => x.outcome)).toEqual(['created', 'created', 'rejected']);
    expect(r.body.results[2].errors[0]?.message).toContain('JPY has no decimal places');
    const rows = await t.owner`select currency, total_minor::text as total,
                                      (select unit_price_minor::text from order_lines l where l.order_id = o.id) as upm
                                 from orders o where erp_key in ${t.owner([jpy.key, kwd.key])} order by currency`;
    // JPY 12.5 rounds half to even: 12; KWD 1.2345 rounds to 1.234 (1234 fils).
    expect(rows).toEqual([
      { currency: 'JPY', total: '9007199254740993', upm: '12' },
      { currency: 'KWD', total: '1234', upm: '1234' },
    ]);

    const inv = (kind: string, total: string) => ({
      key: `INV:${uid()}`,
      customer: c.ref,
      kind,
      number: `CN-${uid()}`,
      legalNumber: 'LEGAL-1',
      status: 'open',
      issueDate: '2026-12-01',
      dueDate: '2026-12-31',
      currency: 'EUR',
      total,
      open: total,
      lines: [{ lineNo: 1, description: 'Returned bolts', quantity: '-2', unitPrice: '5', amount: total, tax: '0' }],
    });
    const notes = await post(
      'invoices',
      { mode: 'partial', rows: [inv('credit-note', '-10.00'), inv('credit-note', '10.00')] },
      { token },
    );
    expect(notes.body.results.map((x) => x.outcome)).toEqual(['created', 'rejected']);
    const [cn] = await t.owner`select kind, legal_number, total_minor::text as total,
                                      (select count(*)::int from invoice_lines l where l.invoice_id = i.id) as lines
                                 from invoices i where erp_key = ${notes.body.results[0].key}`;
    expect(cn).toEqual({ kind: 'credit-note', legal_number: 'LEGAL-1', total: '-1000', lines: 1 });
  });
});

describe('idempotency', () => {
  it('a replay returns the stored answer marked Idempotent-Replayed; another body with the key is 422', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const body = { rows: [order(c.ref, `SO:${uid()}`)] };
    const key = `idem-${uid()}`;
    const first = await post('orders', body, { token, key });
    const again = await post('orders', body, { token, key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const other = await post('orders', { rows: [order(c.ref, `SO:${uid()}`)] }, { token, key });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_mismatch');
    // One batch entry in the trail, not two.
    const entries = await t.owner`select count(*)::int as n from audit_events
                                  where action = 'integration.batch_applied' and details->>'batchId' = ${first.body.batchId}`;
    expect(entries[0]?.n).toBe(1);
  });

  it('a concurrent duplicate gets 409 while the first holds the key; parallel sends apply once', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const [{ id: integrationId }] = (await t.owner`select integration_id as id from integration_keys
                                                 where id = ${token.slice(4, 16)}`) as unknown as [{ id: string }];
    const key = `busy-${uid()}`;
    const body = { rows: [order(c.ref, `SO:${uid()}`)] };
    // Someone else holds this key's lock (as an in-flight first request does).
    const holder = postgres(t.srv.ownerUrl, { max: 1, onnotice: () => {} });
    await holder`select pg_advisory_lock(hashtextextended(${`${integrationId} orders ${key}`}, 7))`;
    const busy = await post('orders', body, { token, key });
    await holder.end();
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('idempotency_in_progress');

    const key2 = `race-${uid()}`;
    const many = await Promise.all(Array.from({ length: 4 }, () => post('orders', body, { token, key: key2 })));
    for (const r of many) expect([200, 409]).toContain(r.status);
    expect(many.filter((r) => r.status === 200 && !r.headers.get('idempotent-replayed'))).toHaveLength(1);
    const [n] = await t.owner`select count(*)::int as n from orders where erp_key = ${body.rows[0]?.key as string}`;
    expect(n?.n).toBe(1);
  });

  it('a crash after the rows are written leaves neither the rows nor the key record; the retry applies', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const key = `crash-${uid()}`;
    const body = { rows: [order(c.ref, `SO:${uid()}`)] };
    // Hold the idempotency table so the batch blocks after writing its rows, then kill its backend.
    const locker = postgres(t.srv.ownerUrl, { max: 1, onnotice: () => {} });
    await locker`begin`;
    await locker`lock table idempotency_keys in exclusive mode`;
    const pending = post('orders', body, { token, key });
    let pid: number | undefined;
    for (let i = 0; i < 100 && !pid; i++) {
      const [w] = await t.owner`select pid from pg_stat_activity
                               where usename = 'gatehouse_sync' and wait_event_type = 'Lock' and datname = current_database()`;
      pid = w?.pid as number | undefined;
      if (!pid) await new Promise((r) => setTimeout(r, 50));
    }
    expect(pid).toBeTruthy();
    await t.owner`select pg_terminate_backend(${pid as number})`;
    await locker`rollback`;
    await locker.end();
    const crashed = await pending;
    expect(crashed.status).toBeGreaterThanOrEqual(500);
    const [gone] =
      await t.owner`select (select count(*)::int from orders where erp_key = ${body.rows[0]?.key as string}) as orders,
                                        (select count(*)::int from idempotency_keys where key = ${key}) as keys`;
    expect(gone).toEqual({ orders: 0, keys: 0 });
    const retry = await post('orders', body, { token, key });
    expect(retry.status).toBe(200);
    expect(retry.body.counts.created).toBe(1);
  });
});

describe('idempotency retention', () => {
  it('records past 72 hours are pruned by the daily job, and the key may then be used again', async () => {
    const token = await keyFor();
    const c = await customer(token);
    const key = `old-${uid()}`;
    const first = await post('orders', { rows: [order(c.ref, `SO:${uid()}`)] }, { token, key });
    expect(first.status).toBe(200);
    t.srv.clock.advance(73 * 3_600_000);
    expect(await pruneIdempotencyKeys(t.srv.services.db, t.srv.clock)).toBeGreaterThanOrEqual(1);
    const [left] = await t.owner`select count(*)::int as n from idempotency_keys where key = ${key}`;
    expect(left?.n).toBe(0);
    const reused = await post('orders', { rows: [order(c.ref, `SO:${uid()}`)] }, { token, key });
    expect([reused.status, reused.headers.get('idempotent-replayed')]).toEqual([200, null]);
  });
});

describe('the batch endpoint refuses', () => {
  it('a missing scope, a missing Idempotency-Key, a wrong content type, bad JSON, over 1,000 rows and over 5 MB', async () => {
    const token = await keyFor(['orders:write']);
    expect((await post('invoices', { rows: [{}] }, { token })).status).toBe(403);
    expect((await post('nothing', { rows: [{}] }, { token })).status).toBe(404);
    const noKey = await post('orders', { rows: [{}] }, { token, key: null });
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'idempotency_key_missing']);
    expect((await post('orders', { rows: [{}] }, { token, contentType: 'text/csv' })).status).toBe(415);
    expect((await post('orders', null, { token, raw: '{"rows": [' })).body.error.code).toBe('invalid_json');
    const many = await post('orders', { rows: Array.from({ length: 1001 }, () => ({})) }, { token });
    expect([many.status, many.body.error.code]).toEqual([413, 'too_many_rows']);
    const huge = await post('orders', null, { token, raw: `{"rows":["${'x'.repeat(6 * 1024 * 1024)}"]}` });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'body_too_large']);
    const empty = await post('orders', { rows: [] }, { token });
    expect([empty.status, empty.body.error.code]).toEqual([400, 'invalid_body']);
  });
});

describe('budgets and reads', () => {
  it('a key spends its row budget across batches: past it, 429 with Retry-After', async () => {
    const token = await keyFor(['orders:write'], { rowsPerMinute: 1000 });
    const rows = Array.from({ length: 600 }, () => ({ key: 'x' }));
    const first = await post('orders', { rows }, { token });
    expect(first.status).toBe(422); // spent, even though every row was refused
    const second = await post('orders', { rows }, { token });
    expect([second.status, second.body.error.code]).toEqual([429, 'row_budget_spent']);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('GET /master-data/{kind}/{ref} gives the ERP the unmasked values, audited on the party; scope and 404', async () => {
    const token = await keyFor(['master-data:write', 'master-data:read']);
    const sup = await signIn('supplier', ['supplier-admin']);
    const ref = `V-${uid()}`;
    await t.owner`update parties set erp_ref = ${ref} where id = ${sup.partyId}`;
    const bank = { accountHolder: 'Castor Metals GmbH', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' };
    await post('master-data', { rows: [{ party: { kind: 'supplier', ref }, bankDetails: bank }] }, { token });
    const get = (path: string, tok = token) =>
      fetch(`${t.srv.origin}/api/v1${path}`, {
        headers: { authorization: `Bearer ${tok}`, 'x-forwarded-for': '203.0.113.250' },
      });
    const res = await get(`/master-data/supplier/${ref}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      party: { kind: 'supplier', ref },
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
      address: null,
    });
    const [audit] = await t.owner`select count(*)::int as n from audit_events
                                  where action = 'integration.master_data_read' and party_id = ${sup.partyId}`;
    expect(audit?.n).toBe(1);
    expect((await get(`/master-data/customer/${ref}`)).status).toBe(404); // a supplier's ref is no customer's
    const writeOnly = await keyFor(['master-data:write']);
    expect((await get(`/master-data/supplier/${ref}`, writeOnly)).status).toBe(403);
  });
});

describe('ownership', () => {
  it('the portal owns acknowledgements: an open PO from the ERP keeps "acknowledged"; received in the ERP wins', async () => {
    const token = await keyFor();
    const sup = await signIn('supplier', ['supplier-admin']);
    const ref = `V-${uid()}`;
    await t.owner`update parties set erp_ref = ${ref} where id = ${sup.partyId}`;
    const po = (over: Record<string, unknown>) => ({
      key: `PO:${ref}`,
      supplier: ref,
      number: `PO-${uid().slice(0, 4)}`,
      status: 'open',
      orderDate: '2026-11-20',
      requestedDate: '2027-01-10',
      promisedDate: '2027-01-05',
      currency: 'EUR',
      total: '500.00',
      lines: [{ lineNo: 1, sku: 'S', description: 'Steel', quantity: '10', uom: 'KG', unitPrice: '50', amount: '500' }],
      rev: 1,
      ...over,
    });
    const first = po({});
    expect((await post('purchase-orders', { rows: [first] }, { token })).body.counts.created).toBe(1);
    const [{ id }] = (await t.owner`select id from purchase_orders where erp_key = ${first.key}`) as unknown as [
      { id: string },
    ];
    await sup.c.purchaseOrders.acknowledge.mutate({ id, promisedDate: '2027-01-08' });
    await post('purchase-orders', { rows: [{ ...first, rev: 2, promisedDate: '2027-01-02' }] }, { token });
    const [kept] = await t.owner`select status, promised_date::text as d from purchase_orders where id = ${id}`;
    expect(kept).toEqual({ status: 'acknowledged', d: '2027-01-08' });
    await post('purchase-orders', { rows: [{ ...first, rev: 3, status: 'received' }] }, { token });
    const [received] = await t.owner`select status from purchase_orders where id = ${id}`;
    expect(received?.status).toBe('received');
  });

  it('an approved bank change is not reverted by a sync that predates it; a third value from the ERP wins, is audited and mailed', async () => {
    const token = await keyFor();
    const admin = await signIn('internal', ['system-admin']);
    const approvers = [await signIn('internal', ['approver']), await signIn('internal', ['approver'])];
    for (const a of approvers)
      await admin.c.approvalPolicies.setLimit.mutate({ userId: a.userId, currency: 'EUR', maxMinor: null });
    const sup = await signIn('supplier', ['supplier-admin']);
    const ref = `V-${uid()}`;
    await t.owner`update parties set erp_ref = ${ref} where id = ${sup.partyId}`;
    const oldBank = { accountHolder: 'Castor Metals GmbH', iban: 'DE89370400440532013000' };
    const md = (bankDetails: unknown, rev: number) => ({
      rows: [{ party: { kind: 'supplier', ref }, bankDetails, rev }],
    });
    expect((await post('master-data', md(oldBank, 1), { token })).body.counts.updated).toBe(1);
    // The supplier asks for new details; two approvers approve; the portal now pays the new account.
    const { id: crId } = await sup.c.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'GB82 WEST 1234 5698 7654 32' },
    });
    const approvalId = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === crId)
      ?.approvalId as string;
    for (const a of approvers) {
      const { version } = await a.c.approvals.get.query({ id: approvalId });
      await a.c.approvals.decide.mutate({ id: approvalId, version, decision: 'approve' });
    }
    expect((await sup.c.masterData.get.query()).bankDetails?.iban).toBe('GB82WEST12345698765432');
    // The ERP has not applied it yet: its next sync still carries the old account. The portal keeps the new one.
    const stale = await post('master-data', md(oldBank, 2), { token });
    expect(stale.body.results[0].outcome).toBe('unchanged');
    expect((await sup.c.masterData.get.query()).bankDetails?.iban).toBe('GB82WEST12345698765432');
    // The echo confirms it.
    await post('master-data', md({ accountHolder: 'Castor Metals GmbH', iban: 'GB82WEST12345698765432' }, 3), {
      token,
    });
    const [echo] =
      await t.owner`select outcome from erp_pending_echoes where party_id = ${sup.partyId} and field = 'bank_details'`;
    expect(echo?.outcome).toBe('confirmed');
    // Someone changes it in the ERP itself: the ERP wins, the trail has before and after, the admins are told.
    const mailsBefore =
      await t.owner`select count(*)::int as n from mail_outbox where kind = 'bank-details-changed-by-erp'`;
    const erpOwn = { accountHolder: 'Somebody Else Ltd', iban: 'FR1420041010050500013M02606' };
    expect((await post('master-data', md(erpOwn, 4), { token })).body.results[0].outcome).toBe('updated');
    expect((await sup.c.masterData.get.query()).bankDetails?.accountHolder).toBe('Somebody Else Ltd');
    const [audit] = await t.owner`select details from audit_events where action = 'master_data.changed_by_erp'
                                  and party_id = ${sup.partyId} order by id desc limit 1`;
    expect(audit?.details).toMatchObject({
      field: 'bank_details',
      before: { accountHolder: 'Castor Metals GmbH', iban: expect.stringMatching(/^GB82•+5432$/) },
      after: { accountHolder: 'Somebody Else Ltd', iban: expect.stringMatching(/^FR14•+2606$/) },
    });
    const mails =
      await t.owner`select to_address, body_text from mail_outbox where kind = 'bank-details-changed-by-erp'`;
    expect(mails.length).toBe((mailsBefore[0]?.n as number) + 1);
    expect(mails.at(-1)?.to_address).toBe(sup.email);
    expect(mails.at(-1)?.body_text).not.toContain('FR1420041010050500013M02606'); // masked, never the full number
  });

  it('an ERP-inactive party is suspended by default (audited) and reactivated when the ERP says so', async () => {
    const token = await keyFor();
    const c = await customer(token);
    // Revisions above the adoption's (which took the default: the batch time in milliseconds).
    const row = (inactive: boolean, rev: string) => ({
      rows: [{ kind: 'customer', ref: c.ref, key: `erp:C:${c.ref}`, name: 'Acme Ltd', inactive, rev }],
    });
    await post('parties', row(true, '9000000000000000'), { token });
    const [s1] = await t.owner`select status, suspended_by_erp from parties where id = ${c.partyId}`;
    expect(s1).toEqual({ status: 'suspended', suspended_by_erp: true });
    await post('parties', row(false, '9000000000000001'), { token });
    const [s2] = await t.owner`select status, suspended_by_erp from parties where id = ${c.partyId}`;
    expect(s2).toEqual({ status: 'active', suspended_by_erp: false });
    const trail = await t.owner`select action from audit_events where party_id = ${c.partyId}
                                  and action like 'party.%_by_erp' order by id`;
    expect(trail.map((r) => r.action)).toEqual(['party.suspended_by_erp', 'party.reactivated_by_erp']);
  });
});
