import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILT_IN_ROLES } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import { beforeAll, describe, expect, it } from 'vitest';
import adminEn from '../web/src/i18n/admin.en.ts';
import { client, createPartyWithUser, errorOf, SYSTEM, signedInMe, useTestServer } from './support/harness.ts';
import { inRollback } from './support/service-tier.ts';

/**
 * home.summary: each section only for a caller holding its permission, counted in the caller's scope by
 * the same rule as the list it links to. Mail is configured here (SMTP_URL), so the checklist says so;
 * the browser test (no SMTP_URL) sees the opposite.
 */
const t = useTestServer({ SMTP_URL: 'smtp://127.0.0.1:9' });
// The sections per role need no committed data: they run in the service tier (test/support/service-tier.ts),
// one rolled-back transaction each, with no sign-in; the counts below read committed data over HTTP.

type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let otherCustomer: Seeded;

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  signedInMe(await c.auth.login.mutate(u));
  return c;
}

const SECTIONS = ['customer', 'supplier', 'queue', 'approvals', 'audit', 'alerts', 'people', 'checklist', 'posture'];

/** The sections each built-in role's home shows: its work, nothing else. */
const EXPECTED: Record<string, string[]> = {
  'customer-user': ['customer'],
  'customer-admin': ['customer', 'people'],
  'supplier-user': ['supplier'],
  'supplier-admin': ['supplier', 'people'],
  operator: ['queue', 'people'],
  approver: ['approvals'],
  auditor: ['audit', 'alerts', 'posture'],
  'system-admin': ['audit', 'alerts', 'people', 'checklist', 'posture'],
};

beforeAll(async () => {
  customer = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  otherCustomer = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  await t.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 60, 'EUR');
    await demoRepo.generateOrders(tx, otherCustomer.partyId, 80, 'USD');
  });
});

describe('home.summary', () => {
  it.each(BUILT_IN_ROLES.map((r) => [r.key, r] as const))('as %s: exactly the sections of its job', (key, role) =>
    inRollback(t.srv.services, async (st) => {
      const home = await (await st.as(role.partyKind, [role.key])).caller.home.summary();
      const shown = SECTIONS.filter((s) => home[s as keyof typeof home] !== null);
      expect(shown).toEqual(EXPECTED[key]);
    }),
  );

  it('a user with several roles sees the sections of each', () =>
    inRollback(t.srv.services, async (st) => {
      const home = await (await st.as('internal', ['operator', 'approver', 'auditor'])).caller.home.summary();
      expect(SECTIONS.filter((s) => home[s as keyof typeof home] !== null)).toEqual([
        'queue',
        'approvals',
        'audit',
        'alerts',
        'people',
        'posture',
      ]);
    }));

  it('a customer counts only its own orders, overdue invoices and shipments, as its lists filter them', async () => {
    const home = await (await signedIn(customer)).home.summary.query();
    const c = home.customer;
    if (!c) throw new Error('no customer section');
    const [open] =
      await t.owner`select count(*)::int as n from orders where party_id = ${customer.partyId} and status = 'open'`;
    expect(c.openOrders).toBe(open?.n);
    const overdue = await t.owner`select currency, sum(open_minor)::text as amount, count(*)::int as n from invoices
      where party_id = ${customer.partyId} and status = 'open' and open_minor > 0 and due_date < ${c.asOf}::date
      group by currency`;
    expect(c.overdue).toEqual(overdue.map((r) => ({ currency: r.currency, amountMinor: r.amount, invoices: r.n })));
    expect(c.overdue?.length).toBeGreaterThan(0);
    expect(c.overdue?.map((o) => o.currency)).toEqual(['EUR']);
    const [transit] = await t.owner`select count(*)::int as n from shipments
      where party_id = ${customer.partyId} and status = 'in-transit'`;
    expect(c.shipments?.inTransit).toBe(transit?.n);
    expect(c.shipments?.latest.length).toBe(3);
    expect(JSON.stringify(home)).not.toContain(otherCustomer.partyId);
  });

  it("a customer admin sees its users, pending invitations and blocked sign-ins, never another party's", async () => {
    const api = await signedIn(customer);
    await api.users.invite.mutate({
      email: 'pending-home@invitee.example',
      displayName: 'Pending',
      roles: ['customer-user'],
    });
    const blocked = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: customer.partyId });
    const elsewhere = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], {
      partyId: otherCustomer.partyId,
    });
    // Five wrong passwords in a row from one address put that account + address in back-off.
    for (const u of [blocked, elsewhere]) {
      for (let i = 0; i < 5; i++) {
        const outcome = await errorOf(
          client(t.srv.origin).auth.login.mutate({ email: u.email, password: 'wrong-password' }),
        );
        expect(outcome.code).toBe('UNAUTHORIZED');
      }
    }
    const home = await api.home.summary.query();
    expect(home.people).toEqual({ active: 2, suspended: 0, invited: 1, locked: 1 });
    // The users list's "locked only" filter is the same rule.
    const locked = await api.users.list.query({ locked: true });
    expect(locked.items.map((u) => u.email)).toEqual([blocked.email]);
    // Unlocking clears it from both.
    await api.users.unlock.mutate({ userId: blocked.userId });
    expect((await api.home.summary.query()).people?.locked).toBe(0);
    expect((await api.users.list.query({ locked: true })).items).toEqual([]);
  });

  it('an approver sees what waits for them, with amount and age', async () => {
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const approver = await createPartyWithUser(t.srv.db, 'internal', ['approver'], { partyId: op.partyId });
    await t.owner`insert into approver_limits (user_id, currency, max_minor) values (${approver.userId}, 'EUR', 100000000)`;
    const opApi = await signedIn(op);
    await opApi.approvals.submit.mutate({
      type: 'credit-note',
      partyId: customer.partyId,
      currency: 'EUR',
      amountMinor: '125000',
      reason: 'Damaged delivery',
    });
    const home = await (await signedIn(approver)).home.summary.query();
    expect(home.approvals?.count).toBe(1);
    expect(home.approvals?.items[0]).toMatchObject({ amountMinor: '125000', currency: 'EUR' });
    expect(Date.parse(home.approvals?.items[0]?.waitingSince ?? '')).toBeLessThanOrEqual(Date.now());
  });

  it('the system admin checklist reports mail as configured when SMTP_URL is set', () =>
    inRollback(t.srv.services, async (st) => {
      const home = await (await st.as('internal', ['system-admin'])).caller.home.summary();
      expect(home.checklist?.find((i) => i.key === 'mail')).toMatchObject({ done: true });
      expect(home.checklist?.find((i) => i.key === 'two-factor')).toMatchObject({
        done: false,
        fixAt: '/security/two-factor',
      });
      // Each item's texts come as keys too (docs/i18n.md): the SPA's English says what the server writes.
      const english = (text: { key: string } | null) =>
        text ? adminEn[`admin.${text.key}` as keyof typeof adminEn] : null;
      for (const item of home.checklist ?? []) {
        expect(english(item.text.title), item.key).toBe(item.title);
        if (item.text.detail) expect(english(item.text.detail), item.key).toBeTruthy();
        expect(english(item.text.fixLabel), item.key).toBe(item.fixLabel);
      }
    }));

  it('the web app promises nothing it does not have: no "coming soon" or "on its way" placeholders', async () => {
    const dir = path.resolve(import.meta.dirname, '../web/src');
    const files = (await readdir(dir, { recursive: true })).filter((f) => /\.(tsx?|css)$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      expect(await readFile(path.join(dir, f), 'utf8'), f).not.toMatch(
        /coming soon|on its way|nothing here for your roles/i,
      );
    }
  });

  it('is refused without a session', async () => {
    expect((await errorOf(client(t.srv.origin).home.summary.query())).code).toBe('UNAUTHORIZED');
  });
});
