import { randomBytes } from 'node:crypto';
import {
  check,
  deliverKineticWritebacks,
  runOne,
  SYSTEM_SCOPE,
  type SyncDeps,
  UD_KEY1,
  type WritebackDeps,
  writeRows,
} from '@gatehouse/server/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKinetic, startFakeKinetic } from './support/fake-kinetic.ts';
import { client, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';

/**
 * Kinetic write-back (issue 16 item 4; design note §13 rows 5, 24–26) against the in-process fake: the
 * Gatehouse function library with the event id as idempotency key, the UD-queue alternative, a
 * business-rule 500 (dead at once, one call), a crash after Kinetic applied (the effect happens once),
 * an echo after acknowledgement (no revert, then confirmed), the confirmation timeout alert, bank details
 * and credit memos never written, and the ERP changing bank details under a pending request. The worker
 * and the sync are called directly; the server's jobs are off.
 */
const t = useTestServer({ KINETIC_SYNC_MS: '0', WEBHOOK_WORKER_MS: '0' });
type Signed = Awaited<ReturnType<typeof signIn>>;
let admin: Signed;
let fake: FakeKinetic | null = null;
let seq = 0;
const sleeps: number[] = [];
/** The worker's and the sync's clock: moved forward for retries and timeouts without expiring anyone's session. */
const clock = {
  offset: 0,
  now: () => Date.now() + clock.offset,
  advance: (ms: number) => {
    clock.offset += ms;
  },
};

async function signIn(
  kind: 'internal' | 'supplier',
  roles: Parameters<typeof createPartyWithUser>[2],
  partyId?: string,
) {
  const u = await createPartyWithUser(t.srv.db, kind, roles, partyId ? { partyId } : {});
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

beforeAll(async () => {
  admin = await signIn('internal', ['system-admin']);
});
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const clientOpts = {
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
  timeoutMs: 500,
};
const syncDeps = (): SyncDeps => {
  const syncDb = t.srv.services.syncDb;
  if (!syncDb) throw new Error('the test server has no sync pool');
  return { db: t.srv.db, syncDb, clock, config: { secret: t.srv.config.secret }, client: clientOpts };
};
const wbDeps = (): WritebackDeps => ({
  db: t.srv.services.db,
  clock,
  config: { secret: t.srv.config.secret },
  client: clientOpts,
  random: () => 0.5,
});
const tick = () => deliverKineticWritebacks(wbDeps());
const syncPOs = () => runOne(syncDeps(), 'purchase-orders');

/**
 * A fresh fake with its own company, the connection saved through the screen's procedures, write-back in
 * `mode`, suppliers and POs mirrored, and a supplier admin signed in for the vendor of PO `poNum`.
 */
async function setUp(mode: 'efx' | 'ud', poNum = 1) {
  seq += 1;
  clock.offset = 0;
  const f = await startFakeKinetic({ company: `WB${seq}${randomBytes(2).toString('hex')}`, vendors: 3, orders: 12 });
  fake = f;
  await admin.c.kinetic.save.mutate({
    baseUrl: f.baseUrl,
    instance: f.instance,
    company: f.company,
    authMode: 'basic',
    username: f.user,
    apiKey: f.apiKey,
    password: f.password,
    allowedCidrs: ['127.0.0.1/32'],
    pageSize: 50,
  });
  // Each test starts from an empty queue: switched off, then on at the newest event.
  await admin.c.kinetic.setWriteback.mutate({ mode: 'off', confirmTimeoutHours: 24 });
  await admin.c.kinetic.setWriteback.mutate({ mode, confirmTimeoutHours: 24 });
  await t.owner`update kinetic_writebacks set state = 'skipped' where state in ('pending', 'sent')`;
  await t.owner`delete from kinetic_streams`;
  expect((await runOne(syncDeps(), 'suppliers')).outcome).toBe('ok');
  expect((await syncPOs()).outcome).toBe('ok');
  const po = f.find('POes', { PONum: poNum });
  const [party] = await t.owner`select id from parties where erp_key = ${`kinetic:${f.company}:V:${po?.VendorNum}`}`;
  const [row] = await t.owner`select id from purchase_orders where erp_key = ${`kinetic:${f.company}:PO:${poNum}`}`;
  if (!party || !row) throw new Error('fixture: PO not mirrored');
  const sup = await signIn('supplier', ['supplier-admin'], String(party.id));
  return { f, sup, poId: String(row.id), partyId: String(party.id) };
}

const promised = (days = 30) => new Date(t.srv.clock.now() + days * 86_400_000).toISOString().slice(0, 10);
const lastEvent = async (type: string) => {
  const [e] = await t.owner`select event_id::text as event from integration_events where type = ${type}
                            order by integration_events.id desc limit 1`;
  return String(e?.event);
};
const writeback = async (eventId: string) => {
  const [w] = await t.owner`select * from kinetic_writebacks where event_id = ${eventId}`;
  return w as Record<string, unknown> & { state: string; attempts: number };
};
const efxRequests = (f: FakeKinetic) => f.requests.filter((r) => r.path.includes('/api/v2/efx/'));

describe('write-back through the Gatehouse function library', () => {
  it('acknowledges a PO with the event id; an echo before Kinetic applies does not revert it; the echo confirms it', async () => {
    const { f, sup, poId } = await setUp('efx');
    const date = promised();
    await sup.c.purchaseOrders.acknowledge.mutate({ id: poId, promisedDate: date });
    const eventId = await lastEvent('purchase_order.acknowledged');

    // A sync before Kinetic has applied it (the ERP still says open, no promise date): the portal keeps its state.
    f.update('POes', { PONum: 1 }, { DocTotalOrder: 26 });
    await syncPOs();
    expect(await sup.c.purchaseOrders.get.query({ id: poId })).toMatchObject({
      status: 'acknowledged',
      promisedDate: date,
    });

    expect(await tick()).toMatchObject({ sent: 1, dead: 0 });
    const calls = efxRequests(f);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `POST /${f.instance}/api/v2/efx/${f.company}/Gatehouse/AcknowledgePO`,
    ]);
    expect(calls[0]?.headers['idempotency-key']).toBe(eventId);
    expect(calls[0]?.headers['x-api-key']).toBe(f.apiKey);
    expect(f.efxCalls[0]?.body).toMatchObject({ eventId, poNum: 1, promisedDate: date });
    expect(f.find('POes', { PONum: 1 })).toMatchObject({ Confirmed: true, ConfirmVia: 'web' });
    expect(await writeback(eventId)).toMatchObject({ state: 'sent', route: 'efx', target: 'AcknowledgePO' });

    // The echo: the next sync reads the promised date back and confirms the write-back.
    await syncPOs();
    expect(await writeback(eventId)).toMatchObject({ state: 'confirmed' });
    expect(await sup.c.purchaseOrders.get.query({ id: poId })).toMatchObject({
      status: 'acknowledged',
      promisedDate: date,
    });
    // A later ERP edit of the same PO (its echo again) changes nothing the portal owns.
    f.update('POes', { PONum: 1 }, { DocTotalOrder: 27 });
    await syncPOs();
    expect(await sup.c.purchaseOrders.get.query({ id: poId })).toMatchObject({
      status: 'acknowledged',
      promisedDate: date,
    });
    expect(f.efxEffects).toHaveLength(1);

    // The connection screen shows it.
    const status = await admin.c.kinetic.status.query();
    expect(status.writeback.mode).toBe('efx');
    expect(status.writeback.recent.find((w) => w.eventId === eventId)).toMatchObject({
      state: 'confirmed',
      target: 'AcknowledgePO',
    });
  });

  it('a business-rule 500 is dead at once after exactly one call, audited, with an alert', async () => {
    const { f, sup, poId } = await setUp('efx');
    await sup.c.purchaseOrders.acknowledge.mutate({ id: poId, promisedDate: promised() });
    const eventId = await lastEvent('purchase_order.acknowledged');
    f.fail(1, { status: 500, errorType: 'Ice.Common.BusinessObjectException' }, /\/efx\//);
    expect(await tick()).toMatchObject({ dead: 1, sent: 0 });
    expect(efxRequests(f)).toHaveLength(1);
    const w = await writeback(eventId);
    expect(w).toMatchObject({ state: 'dead', attempts: 1, last_status: 500 });
    expect(String(w.last_error)).toMatch(/business rule.*BusinessObjectException/);
    // Never again, however long one waits.
    clock.advance(48 * 3_600_000);
    await tick();
    expect(efxRequests(f)).toHaveLength(1);
    const [audit] = await t.owner`select details from audit_events where action = 'kinetic.writeback_dead'
                                   and entity_id = ${eventId}`;
    expect(audit?.details).toMatchObject({ refusedByKinetic: true, target: 'AcknowledgePO' });
    const [alert] = await t.owner`select title from alerts where rule = 'kinetic-writeback-dead'
                                   and details->>'eventId' = ${eventId}`;
    expect(String(alert?.title)).toMatch(/refused the write-back of purchase_order\.acknowledged/);
  });

  it('a crash after Kinetic applied: the retry is answered from the stored result and the effect happens once', async () => {
    const { f, sup, poId } = await setUp('efx');
    await sup.c.purchaseOrders.acknowledge.mutate({ id: poId, promisedDate: promised() });
    const eventId = await lastEvent('purchase_order.acknowledged');
    f.fail(1, { kind: 'resetAfterApply' }, /\/efx\//);
    expect(await tick()).toMatchObject({ failed: 1, sent: 0 });
    expect(f.efxEffects).toHaveLength(1);
    const w = await writeback(eventId);
    expect(w, String(w.last_error)).toMatchObject({ state: 'pending', attempts: 1 });
    // Not due yet: nothing is sent before its retry time.
    await tick();
    expect(f.efxCalls).toHaveLength(1);
    clock.advance(10_000);
    expect(await tick()).toMatchObject({ sent: 1 });
    expect(f.efxCalls.map((c) => [c.body.eventId, c.replayed])).toEqual([
      [eventId, false],
      [eventId, true],
    ]);
    expect(f.efxEffects).toHaveLength(1);
    expect(await writeback(eventId)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('429 with Retry-After and 503 are retried on their schedule, not at once', async () => {
    const { f, sup, poId } = await setUp('efx');
    await sup.c.purchaseOrders.flagProblem.mutate({ id: poId, note: 'Raw material shortage' });
    const eventId = await lastEvent('purchase_order.problem_flagged');
    f.fail(1, { status: 429, retryAfter: 7 }, /\/efx\//);
    expect(await tick()).toMatchObject({ failed: 1 });
    const w = await writeback(eventId);
    expect(new Date(String(w.next_attempt_at)).getTime() - new Date(String(w.last_attempt_at)).getTime()).toBe(7_000);
    clock.advance(7_000);
    f.fail(1, { status: 503 }, /\/efx\//);
    expect(await tick()).toMatchObject({ failed: 1 });
    // After the second failure the schedule's next step (full jitter between 5 s and 5 min; 152.5 s here).
    clock.advance(150_000);
    expect(await tick()).toMatchObject({ sent: 0 });
    clock.advance(3_000);
    expect(await tick()).toMatchObject({ sent: 1 });
    expect(efxRequests(f)).toHaveLength(3);
    expect(f.efxEffects.map((e) => [e.fn, e.body.note])).toEqual([['FlagPOProblem', 'Raw material shortage']]);
    // No echo is expected of a problem flag: sent is final, and no timeout alert follows.
    expect(await writeback(eventId)).toMatchObject({ state: 'sent', echo_key: null });
  });

  it('raises one alert when Kinetic has not echoed a write-back within the timeout', async () => {
    const { sup, poId } = await setUp('efx');
    await sup.c.purchaseOrders.acknowledge.mutate({ id: poId, promisedDate: promised() });
    const eventId = await lastEvent('purchase_order.acknowledged');
    await tick();
    const sentRow = await writeback(eventId);
    expect(sentRow.state, String(sentRow.last_error)).toBe('sent');
    clock.advance(23 * 3_600_000);
    expect(await tick()).toMatchObject({ overdue: 0 });
    clock.advance(2 * 3_600_000);
    expect(await tick()).toMatchObject({ overdue: 1 });
    expect(await tick()).toMatchObject({ overdue: 0 });
    const alerts = await t.owner`select title, details from alerts where rule = 'kinetic-writeback-unconfirmed'
                                  and details::text like ${`%${eventId}%`}`;
    expect(alerts).toHaveLength(1);
    expect(String(alerts[0]?.title)).toMatch(/not confirmed 1 write-back\(s\) within 24 h/);
  });
});

describe('the UD-queue alternative and what is never written', () => {
  it('UD-queue mode writes one row per event, keyed by the event id; a crash after the insert is not a duplicate', async () => {
    const { f, sup, poId, partyId } = await setUp('ud');
    const date = promised();
    await sup.c.purchaseOrders.acknowledge.mutate({ id: poId, promisedDate: date });
    const eventId = await lastEvent('purchase_order.acknowledged');
    f.fail(1, { kind: 'resetAfterApply' }, /UD40s$/, 'POST');
    expect(await tick()).toMatchObject({ failed: 1 });
    expect(f.rows('UD40s')).toHaveLength(1);
    clock.advance(10_000);
    expect(await tick()).toMatchObject({ sent: 1 });
    // The second attempt found the row (check, then write) and did not insert it again.
    expect(f.rows('UD40s')).toHaveLength(1);
    expect(f.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/UD40s'))).toHaveLength(1);
    expect(efxRequests(f)).toHaveLength(0);
    const row = f.rows('UD40s')[0] as Record<string, unknown>;
    expect(row).toMatchObject({ Key1: UD_KEY1, Key2: eventId, Key3: 'purchase_order.acknowledged' });
    expect(JSON.parse(String(row.Character01))).toMatchObject({ eventId, poNum: 1, promisedDate: date });
    expect(await writeback(eventId)).toMatchObject({ state: 'sent', route: 'ud', target: 'UD40' });
    expect(String((await writeback(eventId)).reference)).toMatch(/already queued/);

    // In function mode, an event type without a function goes to the UD queue as well.
    await admin.c.kinetic.setWriteback.mutate({ mode: 'efx', confirmTimeoutHours: 24 });
    const [ev] = await t.owner`insert into integration_events (type, party_id, subject, payload, occurred_at)
      values ('invoice_query.resolved', ${partyId}, ${t.owner.json({ queryId: 'q-1' })},
              ${t.owner.json({ resolution: 'credited' })}, now()) returning event_id::text as id`;
    expect(await tick()).toMatchObject({ sent: 1 });
    expect(await writeback(String(ev?.id))).toMatchObject({ route: 'ud', target: 'UD40', state: 'sent' });
    expect(f.rows('UD40s').map((r) => r.Key3)).toEqual(['purchase_order.acknowledged', 'invoice_query.resolved']);
  });

  it('bank details and credit memos are never written: skipped with the reason, shown on the connection screen', async () => {
    const { f, partyId } = await setUp('efx');
    const ids: string[] = [];
    for (const type of ['party.bank_details_changed', 'credit_note.approved']) {
      const [ev] = await t.owner`insert into integration_events (type, party_id, subject, payload, occurred_at)
        values (${type}, ${partyId}, ${t.owner.json({ approvalRequestId: 'a-1' })}, ${t.owner.json({})}, now())
        returning event_id::text as id`;
      ids.push(String(ev?.id));
    }
    expect(await tick()).toMatchObject({ skipped: 2, sent: 0 });
    expect(efxRequests(f)).toHaveLength(0);
    expect(f.rows('UD40s')).toHaveLength(0);
    const status = await admin.c.kinetic.status.query();
    const [bank, memo] = ids.map((id) => status.writeback.recent.find((w) => w.eventId === id));
    expect(bank).toMatchObject({ state: 'skipped', route: 'skip' });
    expect(bank?.lastError).toMatch(/Bank details are never written/);
    expect(memo?.lastError).toMatch(/Credit memos are never written/);
    expect(status.writeback.counts.skipped).toBeGreaterThanOrEqual(2);
  });
});

describe('the ERP changes bank details while a bank-change request is pending', () => {
  it('the ERP value applies, the supplier is mailed, and the stale request can no longer be approved', async () => {
    const sup = await signIn('supplier', ['supplier-admin']);
    const ref = `V-BANK-${randomBytes(3).toString('hex')}`;
    await t.owner`update parties set erp_ref = ${ref} where id = ${sup.partyId}`;
    const syncDb = t.srv.services.syncDb;
    if (!syncDb) throw new Error('no sync pool');
    const erpWrites = async (iban: string, rev: string) => {
      const now = new Date(t.srv.clock.now());
      const rows = [
        { party: { kind: 'supplier', ref }, bankDetails: { accountHolder: 'Castor Metals GmbH', iban }, rev },
      ];
      return syncDb.tx(SYSTEM_SCOPE, (tx) =>
        writeRows(tx, 'master-data', check('master-data', rows, now), {
          mode: 'partial',
          now,
          source: { name: 'Epicor Kinetic', suspendInactive: true },
        }),
      );
    };
    await erpWrites('DE89370400440532013000', '1');
    const { id: crId } = await sup.c.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'GB82WEST12345698765432' },
    });
    const approvalId = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === crId)
      ?.approvalId as string;

    // Meanwhile the ERP changes them itself: it wins (the system of record), audited, the supplier is mailed.
    expect((await erpWrites('FR1420041010050500013M02606', '2')).counts.updated).toBe(1);
    const erpIban = {
      accountHolder: 'Castor Metals GmbH',
      scheme: 'iban',
      country: 'FR',
      iban: 'FR1420041010050500013M02606',
    };
    expect((await sup.c.masterData.get.query()).bankDetails).toEqual(erpIban);
    const [changed] = await t.owner`select details from audit_events where action = 'master_data.changed_by_erp'
                                     and party_id = ${sup.partyId} order by id desc limit 1`;
    expect(changed?.details).toMatchObject({ field: 'bank_details', overrodePortalChange: false });
    const mails = await t.owner`select m.subject from mail_outbox m where m.to_address = ${sup.email}`;
    expect(mails.map((m) => m.subject)).toContain('Your bank details were changed in our ERP');

    // The pending request was made against the old details: approving it would overwrite the ERP's unseen.
    const approver = await signIn('internal', ['approver']);
    await admin.c.approvalPolicies.setLimit.mutate({ userId: approver.userId, currency: 'EUR', maxMinor: null });
    const seen = await approver.c.approvals.get.query({ id: approvalId });
    const refused = await errorOf(
      approver.c.approvals.decide.mutate({ id: approvalId, version: seen.version, decision: 'approve' }),
    );
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/ERP changed this supplier’s bank details.*stale/);
    expect((await sup.c.masterData.get.query()).bankDetails).toEqual(erpIban);
    expect((await approver.c.approvals.get.query({ id: approvalId })).status).toBe('pending');
    // Sending it back stays possible, so the supplier re-submits over the current details.
    await approver.c.approvals.decide.mutate({
      id: approvalId,
      version: seen.version,
      decision: 'request-changes',
      reason: 'The ERP has new bank details; check and submit again.',
    });
    expect((await approver.c.approvals.get.query({ id: approvalId })).status).toBe('changes-requested');
  });
});
