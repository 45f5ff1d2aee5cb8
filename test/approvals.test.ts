import { approvalsRepo } from '@gatehouse/db';
import { remindAndEscalate } from '@gatehouse/server/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, SYSTEM, useTestServer } from './support/harness.ts';

/** Approval workflows: policies, limits, segregation of duties, race-safe decisions, the flow and its trail. */
const t = useTestServer();
type Signed = Awaited<ReturnType<typeof signIn>>;

async function signIn(kind: 'internal' | 'supplier' | 'customer', roles: Parameters<typeof createPartyWithUser>[2]) {
  const u = await createPartyWithUser(t.srv.db, kind, roles);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
let admin: Signed;
let operator: Signed;
let customerId: string;
const EUR = (units: number) => String(units * 100);

async function limit(who: Signed, units: number | null, currency = 'EUR') {
  await admin.c.approvalPolicies.setLimit.mutate({
    userId: who.userId,
    currency,
    maxMinor: units === null ? null : EUR(units),
  });
}
async function approver(units: number | null = 1_000_000) {
  const a = await signIn('internal', ['approver']);
  if (units !== null) await limit(a, units);
  return a;
}
const creditLimit = (units: number, by = operator) =>
  by.c.approvals.submit.mutate({
    type: 'credit-limit-change',
    partyId: customerId,
    currency: 'EUR',
    amountMinor: EUR(units),
    reason: 'Order volume doubled this year.',
  });
const version = async (who: Signed, id: string) => (await who.c.approvals.get.query({ id })).version;

beforeAll(async () => {
  admin = await signIn('internal', ['system-admin']);
  operator = await signIn('internal', ['operator']);
  customerId = (await createPartyWithUser(t.srv.db, 'customer', ['customer-admin'])).partyId;
});

describe('a supplier bank-detail change', () => {
  it('goes through two different approvers, then becomes current in the same transaction', async () => {
    const sup = await signIn('supplier', ['supplier-admin']);
    const [a1, a2] = [await approver(), await approver()];
    const { id: crId } = await sup.c.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'DE89370400440532013000' },
    });
    const cr = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === crId);
    const id = cr?.approvalId as string;
    expect(id).toBeTruthy();
    // The address handler's path is closed for bank details.
    expect(
      (await errorOf(operator.c.changeRequests.decide.mutate({ id: crId, version: 1, decision: 'accept' }))).message,
    ).toMatch(/approvals/);
    const seen = await a1.c.approvals.get.query({ id });
    expect(seen).toMatchObject({ status: 'pending', currentLevel: 1, levels: 2, canDecide: { allowed: true } });
    expect(seen.rule.levels.map((l) => l.roles)).toEqual([['approver'], ['approver']]);
    expect((await a1.c.approvals.list.query({})).items.map((r) => r.id)).toContain(id);

    await a1.c.approvals.decide.mutate({ id, version: seen.version, decision: 'approve' });
    expect((await sup.c.masterData.get.query()).bankDetails).toBeNull(); // level 2 still to come
    // a1 already decided: not again at level 2, and it leaves a1's inbox.
    const v2 = await version(a2, id);
    expect((await errorOf(a1.c.approvals.decide.mutate({ id, version: v2, decision: 'approve' }))).message).toMatch(
      /already decided/,
    );
    expect((await a1.c.approvals.get.query({ id })).canDecide).toMatchObject({
      allowed: false,
      why: 'You already decided this request.',
    });
    // It stays in a1's inbox, saying why a1 cannot decide it now.
    expect((await a1.c.approvals.list.query({})).items.find((r) => r.id === id)?.canDecide).toMatchObject({
      allowed: false,
      why: 'You already decided this request.',
    });
    // A stale version is refused.
    expect((await errorOf(a2.c.approvals.decide.mutate({ id, version: seen.version, decision: 'approve' }))).code).toBe(
      'CONFLICT',
    );
    const done = await a2.c.approvals.decide.mutate({ id, version: v2, decision: 'approve' });
    expect(done).toMatchObject({ status: 'approved' });
    expect((await sup.c.masterData.get.query()).bankDetails).toEqual({
      accountHolder: 'Castor Metals GmbH',
      scheme: 'iban',
      country: 'DE',
      iban: 'DE89370400440532013000',
    });
    expect((await sup.c.changeRequests.list.query({})).items.find((r) => r.id === crId)?.status).toBe('accepted');
    const detail = await a2.c.approvals.get.query({ id });
    expect(detail.steps.map((s) => [s.decision, s.level, s.role])).toEqual([
      ['submitted', 1, null],
      ['approve', 1, 'approver'],
      ['approve', 2, 'approver'],
    ]);
    const audit =
      await t.owner`select action, actor_user_id, details from audit_events where entity_id = ${id} order by id`;
    expect(audit.map((r) => r.action)).toEqual([
      'approval.submitted',
      'approval.approved',
      'approval.approved',
      'approval.applied',
    ]);
    expect(audit.map((r) => r.actor_user_id)).toEqual([sup.userId, a1.userId, a2.userId, a2.userId]);
    expect(JSON.stringify(audit)).not.toContain('370400440532013000');
  });

  it('takes a US routing and account number, or a UK sort code, through the same approvals with the same masking', async () => {
    const sup = await signIn('supplier', ['supplier-admin']);
    const [a1, a2] = [await approver(), await approver()];
    const us = {
      accountHolder: 'Castor Metals Inc',
      country: 'US',
      routingNumber: '021000021',
      accountNumber: '9876543210',
    };
    // A mistyped routing number is refused before anything is held.
    const wrong = await errorOf(
      sup.c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails: { ...us, routingNumber: '021000012' } }),
    );
    expect(wrong.message).toMatch(/routing number is not valid/);
    expect((await sup.c.changeRequests.list.query({})).items).toEqual([]);
    const { id: crId } = await sup.c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails: us });
    const id = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === crId)?.approvalId as string;
    const held = await a1.c.approvals.get.query({ id });
    expect(held.payload.bankDetails).toEqual({ ...us, scheme: 'us-aba' });
    await a1.c.approvals.decide.mutate({ id, version: held.version, decision: 'approve' });
    await a2.c.approvals.decide.mutate({ id, version: await version(a2, id), decision: 'approve' });
    expect((await sup.c.masterData.get.query()).bankDetails).toEqual({ ...us, scheme: 'us-aba' });
    const audit =
      await t.owner`select action, details from audit_events where entity_id in (${id}, ${crId}) order by id`;
    expect(audit.map((r) => r.action)).toContain('approval.applied');
    // The account number appears only masked; the routing number (a public bank identifier) in full.
    expect(JSON.stringify(audit)).not.toContain('9876543210');
    expect(JSON.stringify(audit)).toContain('••••••3210');
    expect(JSON.stringify(audit)).toContain('021000021');

    // Then a UK sort code and account number replaces it: the comparison's "previous" is the US account.
    const gb = { accountHolder: 'Castor Metals Ltd', country: 'GB', sortCode: '40-47-84', accountNumber: '70872490' };
    const second = await sup.c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails: gb });
    const id2 = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === second.id)?.approvalId as string;
    const held2 = await a1.c.approvals.get.query({ id: id2 });
    expect(held2.payload.bankDetails).toMatchObject({ scheme: 'gb-sort-code', sortCode: '404784' });
    expect(held2.previous?.bankDetails).toMatchObject({ scheme: 'us-aba', routingNumber: '021000021' });
  });

  it('is rejected with a reason (nothing changes), or sent back and corrected by the supplier', async () => {
    const sup = await signIn('supplier', ['supplier-admin']);
    const [a1, a2] = [await approver(), await approver()];
    const make = async (iban: string) => {
      const { id } = await sup.c.changeRequests.create.mutate({
        kind: 'bank-details',
        bankDetails: { accountHolder: 'X', iban },
      });
      return {
        crId: id,
        id: (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === id)?.approvalId as string,
      };
    };
    const first = await make('GB82WEST12345698765432');
    expect(
      await codeOf(a1.c.approvals.decide.mutate({ id: first.id, version: 1, decision: 'reject', reason: '' })),
    ).toBe('BAD_REQUEST');
    await a1.c.approvals.decide.mutate({
      id: first.id,
      version: 1,
      decision: 'reject',
      reason: 'Call-back to the supplier failed.',
    });
    expect((await sup.c.changeRequests.list.query({})).items.find((r) => r.id === first.crId)?.status).toBe('rejected');
    expect((await sup.c.masterData.get.query()).bankDetails).toBeNull();

    const second = await make('GB82WEST12345698765432');
    await a1.c.approvals.decide.mutate({
      id: second.id,
      version: 1,
      decision: 'request-changes',
      reason: 'The account holder must be the legal name.',
    });
    expect((await a2.c.approvals.get.query({ id: second.id })).status).toBe('changes-requested');
    // The supplier sees that it was sent back, and why, on its own list (it cannot read approvals).
    expect((await sup.c.changeRequests.list.query({})).items.find((r) => r.id === second.crId)).toMatchObject({
      status: 'pending',
      approvalStatus: 'changes-requested',
      approvalNote: 'The account holder must be the legal name.',
    });
    expect(await codeOf(a2.c.approvals.decide.mutate({ id: second.id, version: 2, decision: 'approve' }))).toBe(
      'CONFLICT',
    );
    await sup.c.changeRequests.resubmit.mutate({
      id: second.crId,
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'GB82 WEST 1234 5698 7654 32' },
    });
    const again = await a1.c.approvals.get.query({ id: second.id });
    expect(again).toMatchObject({ status: 'pending', round: 2, currentLevel: 1, canDecide: { allowed: true } });
    // A new round: a1 may decide again.
    await a1.c.approvals.decide.mutate({ id: second.id, version: again.version, decision: 'approve' });
    await a2.c.approvals.decide.mutate({ id: second.id, version: again.version + 1, decision: 'approve' });
    expect((await sup.c.masterData.get.query()).bankDetails?.accountHolder).toBe('Castor Metals GmbH');

    // Withdrawn by the supplier: the approval is withdrawn with it.
    const third = await make('DE89370400440532013000');
    await sup.c.changeRequests.withdraw.mutate({ id: third.crId });
    expect((await a1.c.approvals.get.query({ id: third.id })).status).toBe('withdrawn');
    expect(await codeOf(a1.c.approvals.decide.mutate({ id: third.id, version: 2, decision: 'approve' }))).toBe(
      'CONFLICT',
    );
  });
});

describe('segregation of duties', () => {
  it('the maker and the last editor never decide, also when they hold the approver role', async () => {
    const both = await signIn('internal', ['operator', 'approver']);
    await limit(both, 1_000_000);
    const other = await approver();
    const { id } = await creditLimit(5_000, both);
    const mine = await both.c.approvals.get.query({ id });
    expect(mine.canDecide).toMatchObject({
      allowed: false,
      why: 'You made this request; someone else must decide it.',
    });
    expect(await codeOf(both.c.approvals.decide.mutate({ id, version: mine.version, decision: 'approve' }))).toBe(
      'FORBIDDEN',
    );
    expect((await both.c.approvals.list.query({})).items.find((r) => r.id === id)?.canDecide).toMatchObject({
      allowed: false,
      why: 'You made this request; someone else must decide it.',
    });
    // Sent back: only its submitter corrects or withdraws it (another operator gets FORBIDDEN), and the
    // resubmitted amount is in its title.
    const made = await creditLimit(6_000);
    await other.c.approvals.decide.mutate({
      id: made.id,
      version: 1,
      decision: 'request-changes',
      reason: 'Use 5,500.',
    });
    expect(await codeOf(both.c.approvals.resubmit.mutate({ id: made.id, version: 2, amountMinor: EUR(5_500) }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(both.c.approvals.withdraw.mutate({ id: made.id }))).toBe('FORBIDDEN');
    await operator.c.approvals.resubmit.mutate({ id: made.id, version: 2, amountMinor: EUR(5_500) });
    expect((await other.c.approvals.get.query({ id: made.id })).title).toMatch(/5,500\.00 EUR/);
    // A last editor other than the submitter (as when another supplier admin corrects a bank change)
    // may not decide either: made so here by hand, since no role both edits and decides one.
    await t.owner`update approval_requests set last_edited_by = ${both.userId} where id = ${made.id}`;
    expect((await both.c.approvals.get.query({ id: made.id })).canDecide.why).toMatch(/You made this request/);
    expect((await both.c.approvals.list.query({})).items.find((r) => r.id === made.id)?.canDecide?.allowed).toBe(false);
    // The database refuses it too, whatever the service did.
    await expect(
      t.srv.db.tx(SYSTEM, (tx) =>
        approvalsRepo.insertStep(tx, {
          partyId: customerId,
          requestId: made.id,
          round: 9,
          level: 1,
          decision: 'approve',
          decidedBy: both.userId,
          at: new Date(),
        }),
      ),
    ).rejects.toThrow();
    const [{ n }] =
      (await t.owner`select count(*)::int n from approval_steps where request_id = ${made.id} and round = 9`) as unknown as [
        { n: number },
      ];
    expect(n).toBe(0);
  });

  it('a decision above the approver’s own limit is refused; nobody sets their own limit', async () => {
    const a = await approver(10_000);
    const b = await approver(null);
    const { id } = await creditLimit(12_000);
    const v = await version(a, id);
    expect((await errorOf(a.c.approvals.decide.mutate({ id, version: v, decision: 'approve' }))).message).toBe(
      'This request (12,000.00 EUR) is above your approval limit (10,000.00 EUR).',
    );
    expect((await errorOf(b.c.approvals.decide.mutate({ id, version: v, decision: 'approve' }))).message).toMatch(
      /no approval limit in EUR/,
    );
    expect(
      await codeOf(admin.c.approvalPolicies.setLimit.mutate({ userId: admin.userId, currency: 'EUR', maxMinor: '1' })),
    ).toBe('FORBIDDEN');
    await limit(a, 20_000);
    await a.c.approvals.decide.mutate({ id, version: v, decision: 'approve' });
    const step = (await a.c.approvals.get.query({ id })).steps.find((s) => s.decision === 'approve');
    expect(step?.limit).toEqual({ currency: 'EUR', maxMinor: EUR(20_000) });
    expect(
      await t.owner`select details->'limit' l from audit_events where entity_id = ${id} and action = 'approval.approved'`,
    ).toEqual([{ l: { currency: 'EUR', maxMinor: EUR(20_000) } }]);
  });
});

describe('race safety', () => {
  it('two approvers deciding the same step at once: exactly one outcome, one CONFLICT (many times)', async () => {
    const [a, b] = [await approver(), await approver()];
    for (let i = 0; i < 15; i++) {
      const { id } = await creditLimit(1_000 + i); // one level
      const v = await version(a, id);
      const results = await Promise.all([
        codeOf(a.c.approvals.decide.mutate({ id, version: v, decision: 'approve' })),
        codeOf(
          i % 2
            ? b.c.approvals.decide.mutate({ id, version: v, decision: 'approve' })
            : b.c.approvals.decide.mutate({ id, version: v, decision: 'reject', reason: 'Not this quarter.' }),
        ),
      ]);
      expect(results.sort()).toEqual(['CONFLICT', 'OK']);
      const steps =
        await t.owner`select decision from approval_steps where request_id = ${id} and decision in ('approve', 'reject')`;
      expect(steps).toHaveLength(1);
      const [req] = await t.owner`select status, version from approval_requests where id = ${id}`;
      expect(req?.status).toBe(steps[0]?.decision === 'approve' ? 'approved' : 'rejected');
    }
    const [party] = await t.owner`select credit_limit_minor from parties where id = ${customerId}`;
    expect(party?.credit_limit_minor).not.toBeNull();
  });
});

describe('policies', () => {
  it('are validated: deciding roles only, amount ranges without gaps or overlaps', async () => {
    const level = (min: string | null, max: string | null, roles = ['approver']) => ({
      minMinor: min,
      maxMinor: max,
      roles,
      approvalsRequired: 1,
      escalateTo: [],
    });
    const set = (levels: ReturnType<typeof level>[], type: 'credit-note' | 'bank-details-change' = 'credit-note') =>
      errorOf(admin.c.approvalPolicies.set.mutate({ type, currency: type === 'credit-note' ? 'USD' : null, levels }));
    expect((await set([level('100', null)])).message).toMatch(/Level 1 must start at 0/);
    expect((await set([level('0', '1000'), level('2000', null)])).message).toMatch(/gap between level 1 and level 2/);
    expect((await set([level('0', '1000'), level('500', null)])).message).toMatch(/Level 2 overlaps level 1/);
    expect((await set([level('0', '1000')])).message).toMatch(/last level must have no upper amount/);
    expect((await set([level('0', null), level('10', null)])).message).toMatch(/can never apply/);
    expect((await set([level('0', null, ['operator'])])).message).toMatch(/operator cannot decide approvals/);
    expect((await set([level('0', null)], 'bank-details-change')).message).toMatch(/no amounts/);
    expect(
      (
        await errorOf(
          admin.c.approvalPolicies.set.mutate({ type: 'credit-note', currency: null, levels: [level('0', null)] }),
        )
      ).message,
    ).toMatch(/per currency/);
    expect(await set([level('0', '100000'), level('100000', null)])).toEqual({ code: 'OK' });
    const usd = (await admin.c.approvalPolicies.list.query()).policies.find(
      (p) => p.type === 'credit-note' && p.currency === 'USD',
    );
    expect(usd?.levels.map((l) => [l.minMinor, l.maxMinor])).toEqual([
      ['0', '100000'],
      ['100000', null],
    ]);
    // Only system admins configure; approvers cannot change their own rules.
    const a = await approver();
    expect(
      await codeOf(
        a.c.approvalPolicies.set.mutate({ type: 'credit-note', currency: 'USD', levels: [level('0', null)] }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('are snapshotted on submission: a later edit does not change requests in flight', async () => {
    const a = await approver();
    const { id } = await creditLimit(500); // one level under the shipped EUR policy
    const lvl = (min: string, max: string | null) => ({
      minMinor: min,
      maxMinor: max,
      roles: ['approver'],
      approvalsRequired: 2,
      escalateTo: [],
    });
    await admin.c.approvalPolicies.set.mutate({
      type: 'credit-limit-change',
      currency: 'EUR',
      levels: [lvl('0', null)],
    });
    const r = await a.c.approvals.get.query({ id });
    expect(r.rule.levels.map((l) => l.approvalsRequired)).toEqual([1]);
    const out = await a.c.approvals.decide.mutate({ id, version: r.version, decision: 'approve' });
    expect(out.status).toBe('approved'); // one approval, as its snapshot says
    const { id: later } = await creditLimit(500);
    expect((await a.c.approvals.get.query({ id: later })).rule.levels.map((l) => l.approvalsRequired)).toEqual([2]);
    // Put the shipped policy back for the other tests.
    await admin.c.approvalPolicies.set.mutate({
      type: 'credit-limit-change',
      currency: 'EUR',
      levels: [
        { minMinor: '0', maxMinor: '1000000', roles: ['approver'], approvalsRequired: 1, escalateTo: [] },
        { minMinor: '1000000', maxMinor: null, roles: ['approver'], approvalsRequired: 1, escalateTo: [] },
      ],
    });
  });
});

describe('reminders and escalation', () => {
  it('reminds the level after the delay and escalates to the next role after the second, each once', async () => {
    await t.owner`insert into roles (key, name, party_kind, delegable, built_in, permissions)
                  values ('finance-director', 'Finance director', 'internal', false, false, '{parties:cross,approvals:read,approvals:decide}')
                  on conflict do nothing`;
    const director = await signIn('internal', ['finance-director' as 'approver']);
    await limit(director, 1_000_000);
    await approver(); // someone to remind
    await admin.c.approvalPolicies.set.mutate({
      type: 'credit-note',
      currency: 'EUR',
      levels: [
        { minMinor: '0', maxMinor: null, roles: ['approver'], approvalsRequired: 1, escalateTo: ['finance-director'] },
      ],
    });
    const { id } = await operator.c.approvals.submit.mutate({
      type: 'credit-note',
      partyId: customerId,
      currency: 'EUR',
      amountMinor: EUR(800),
      reason: 'Damaged goods on delivery DN-0001.',
    });
    expect((await director.c.approvals.get.query({ id })).canDecide.why).toBe(
      'Waiting for escalation: you decide level 1 only once it has waited 72 hours.',
    );
    expect((await director.c.approvals.list.query({})).items.find((r) => r.id === id)?.canDecide?.why).toMatch(
      /Waiting for escalation/,
    );
    const run = () =>
      remindAndEscalate(
        t.srv.services.db,
        t.srv.clock,
        { remind: 24, escalate: 72 },
        { config: t.srv.services.config, clock: t.srv.clock },
      );
    expect(await run()).toEqual({ reminded: 0, escalated: 0 });
    t.srv.clock.advance(25 * 3_600_000);
    expect((await run()).reminded).toBeGreaterThanOrEqual(1);
    const afterRemind =
      await t.owner`select action from audit_events where entity_id = ${id} and action like 'approval.%' order by id`;
    expect(afterRemind.map((r) => r.action)).toEqual(['approval.submitted', 'approval.reminded']);
    await run();
    t.srv.clock.advance(48 * 3_600_000);
    await run();
    const trail =
      await t.owner`select action from audit_events where entity_id = ${id} and action like 'approval.%' order by id`;
    expect(trail.map((r) => r.action)).toEqual(['approval.submitted', 'approval.reminded', 'approval.escalated']);
    await director.c.auth.login.mutate(director); // days passed: a new session
    const r = await director.c.approvals.get.query({ id });
    expect(r.canDecide).toEqual({ allowed: true, why: null, text: null });
    await director.c.approvals.decide.mutate({ id, version: r.version, decision: 'approve' });
    const mails = await t.owner`select subject from mail_outbox where subject like ${'%Credit note of 800.00 EUR%'}`;
    expect(mails.some((m) => /still waits/.test(m.subject) || /escalated/.test(m.subject))).toBe(true);
  });
});

describe('requests nobody can decide', () => {
  const level = (roles: string[], min: string | null = '0', max: string | null = null) => ({
    minMinor: min,
    maxMinor: max,
    roles,
    approvalsRequired: 1,
    escalateTo: [],
  });
  const creditNote = (currency: string, units: number, by = operator) =>
    by.c.approvals.submit.mutate({
      type: 'credit-note',
      partyId: customerId,
      currency,
      amountMinor: EUR(units),
      reason: 'Damaged goods on delivery.',
    });

  it('no limit in the currency, or none high enough: saving and submitting warn; the inbox says why', async () => {
    await admin.c.auth.login.mutate(admin);
    await operator.c.auth.login.mutate(operator);
    const a = await approver(); // a EUR limit only
    const saved = await admin.c.approvalPolicies.set.mutate({
      type: 'credit-note',
      currency: 'CHF',
      levels: [level(['approver'])],
    });
    expect(saved.warnings).toEqual([
      'Requests of 0.00 CHF and above: Level 1: no approver has an approval limit in CHF.',
    ]);
    // Each sentence carries its key and values too (docs/i18n.md): the SPA words them in the reader's language.
    expect(saved.warningTexts).toEqual([
      { key: 'noLimit', values: { level: 1, roles: 'approver', currency: 'CHF', fromMinor: '0' } },
    ]);
    const { id, warnings, warningTexts } = await creditNote('CHF', 500);
    expect(warnings).toEqual(['Level 1: no approver has an approval limit in CHF.']);
    expect(warningTexts).toEqual([{ key: 'noLimit', values: { level: 1, roles: 'approver', currency: 'CHF' } }]);
    // Submitted all the same; the approver sees it waiting at its role, and why it cannot decide it.
    const mine = (await a.c.approvals.list.query({})).items.find((r) => r.id === id);
    expect(mine?.canDecide).toMatchObject({
      allowed: false,
      why: 'You have no approval limit in CHF; a system admin sets limits.',
    });
    await limit(a, 100, 'CHF');
    expect((await a.c.approvals.get.query({ id })).staffing).toEqual([
      'Level 1: no approver may approve 500.00 CHF (the highest CHF limit is 100.00 CHF).',
    ]);
    expect((await a.c.approvals.list.query({})).items.find((r) => r.id === id)?.canDecide).toEqual({
      allowed: false,
      why: 'This request (500.00 CHF) is above your approval limit (100.00 CHF).',
      text: { key: 'aboveLimit', values: { currency: 'CHF', amountMinor: '50000', limitMinor: '10000' } },
    });
    expect((await a.c.approvals.get.query({ id })).staffingText).toEqual([
      {
        key: 'aboveLimit',
        values: { level: 1, roles: 'approver', currency: 'CHF', amountMinor: '50000', limitMinor: '10000' },
      },
    ]);
    await limit(a, 1_000, 'CHF');
    const now = await a.c.approvals.get.query({ id });
    expect(now.staffing).toEqual([]);
    expect(now.canDecide).toEqual({ allowed: true, why: null, text: null });
    expect((await a.c.approvals.list.query({})).items.find((r) => r.id === id)?.canDecide).toMatchObject({
      allowed: true,
      why: null,
    });
    // With the limits in place, saving warns no more.
    expect(
      (
        await admin.c.approvalPolicies.set.mutate({
          type: 'credit-note',
          currency: 'CHF',
          levels: [level(['approver'])],
        })
      ).warnings,
    ).toEqual([]);
  });

  it('two levels needing one role held by one person: nobody decides twice, so it is said at once', async () => {
    await t.owner`insert into roles (key, name, party_kind, delegable, built_in, permissions)
                  values ('treasurer', 'Treasurer', 'internal', false, false, '{parties:cross,approvals:read,approvals:decide}')
                  on conflict do nothing`;
    const twoLevels = () =>
      admin.c.approvalPolicies.set.mutate({
        type: 'credit-note',
        currency: 'JPY',
        levels: [level(['treasurer'], '0', '100000'), level(['treasurer'], '100000')],
      });
    expect((await twoLevels()).warnings).toEqual([
      'Requests of 0 JPY to under 100,000 JPY: Level 1: nobody active holds treasurer.',
      'Requests of 100,000 JPY and above: Level 2: nobody active holds treasurer.',
    ]);
    const first = await signIn('internal', ['treasurer' as 'approver']);
    await limit(first, 1_000_000, 'JPY');
    expect((await twoLevels()).warnings).toEqual([
      'Requests of 100,000 JPY and above: Levels 1–2 need 2 different people (nobody decides twice in a request), but only 1 eligible person is there.',
    ]);
    // A supplier's bank-detail change under such a policy: the supplier is not told about staffing, the
    // system admins are, by mail.
    const bankLevels = (roles: string[]) => [level(roles, null), level(roles, null)];
    await admin.c.approvalPolicies.set.mutate({
      type: 'bank-details-change',
      currency: null,
      levels: bankLevels(['treasurer']),
    });
    const sup = await signIn('supplier', ['supplier-admin']);
    await sup.c.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'DE89370400440532013000' },
    });
    const unstaffed = await t.owner`select to_address, body_text from mail_outbox
                                    where kind = 'approval-unstaffed' and to_address = ${admin.email}`;
    expect(unstaffed).toHaveLength(1);
    expect(unstaffed[0]?.body_text).toContain(
      '- Levels 1–2 need 2 different people (nobody decides twice in a request, and whoever made it decides none), but only 1 eligible person is there.',
    );
    await admin.c.approvalPolicies.set.mutate({
      type: 'bank-details-change',
      currency: null,
      levels: bankLevels(['approver']),
    });
    const small = await creditNote('JPY', 500); // one level: fine
    expect(small.warnings).toEqual([]);
    const big = await creditNote('JPY', 5_000);
    expect(big.warnings).toEqual([
      'Levels 1–2 need 2 different people (nobody decides twice in a request, and whoever made it decides none), but only 1 eligible person is there.',
    ]);
    // After the first decision the request page still says why it cannot complete.
    await first.c.approvals.decide.mutate({ id: big.id, version: 1, decision: 'approve' });
    expect((await first.c.approvals.get.query({ id: big.id })).staffing).toEqual([
      'Level 2: every treasurer who could decide it has decided this request already.',
    ]);
    const second = await signIn('internal', ['treasurer' as 'approver']);
    await limit(second, 1_000_000, 'JPY');
    expect((await second.c.approvals.get.query({ id: big.id })).staffing).toEqual([]);
    expect((await twoLevels()).warnings).toEqual([]);
    expect((await second.c.approvals.decide.mutate({ id: big.id, version: 2, decision: 'approve' })).status).toBe(
      'approved',
    );
  });
});

describe('the inbox', () => {
  it('pages by keyset, oldest waiting first for "mine", and refuses a page link from the other view', async () => {
    // Earlier tests moved the clock by days: the shared sessions have timed out.
    await admin.c.auth.login.mutate(admin);
    await operator.c.auth.login.mutate(operator);
    const a = await approver();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.srv.clock.advance(1000);
      ids.push((await creditLimit(100 + i)).id);
    }
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const p = await a.c.approvals.list.query({ view: 'mine', limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...p.items.map((r) => r.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    const mine = await a.c.approvals.list.query({ view: 'mine', limit: 1 });
    expect(await codeOf(a.c.approvals.list.query({ view: 'all', cursor: mine.nextCursor ?? '' }))).toBe('BAD_REQUEST');
    expect(await codeOf(a.c.approvals.list.query({ view: 'all', cursor: 'bm90LWEtY3Vyc29y' }))).toBe('BAD_REQUEST');
    const all = await a.c.approvals.list.query({ view: 'all', type: 'credit-limit-change', limit: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.items[0]?.id).toBe(ids[2]); // newest first
  });
});
