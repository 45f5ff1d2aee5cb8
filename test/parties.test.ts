import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/** Internal staff manage customer and supplier accounts; every write is cross-party in the trail. */
const t = useTestServer();

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return c;
}

describe('parties (accounts)', () => {
  it('an operator creates, finds, renames, suspends and reactivates an account', async () => {
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const o = await signedIn(op);
    const { id } = await o.parties.create.mutate({ kind: 'supplier', name: 'Zeta Castings Ltd', erpRef: 'SUP-9001' });
    const found = await o.parties.list.query({ search: 'SUP-9001' });
    expect(found.items).toMatchObject([
      { id, kind: 'supplier', name: 'Zeta Castings Ltd', status: 'active', users: 0 },
    ]);
    await o.parties.update.mutate({ partyId: id, name: 'Zeta Castings GmbH' });

    const member = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user'], { partyId: id });
    const m = await signedIn(member);
    expect((await o.parties.list.query({ search: 'SUP-9001' })).items[0]?.users).toBe(1);
    await o.parties.update.mutate({ partyId: id, status: 'suspended' });
    expect(await codeOf(m.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(client(t.srv.origin).auth.login.mutate(member))).toBe('UNAUTHORIZED');
    await o.parties.update.mutate({ partyId: id, status: 'active' });
    expect(await codeOf(client(t.srv.origin).auth.login.mutate(member))).toBe('OK');

    const audit = await t.owner`select action, cross_party, details from audit_events
                                where entity_type = 'party' and entity_id = ${id} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['party.created', 'party.updated', 'party.updated', 'party.updated']);
    expect(audit.every((a) => a.cross_party)).toBe(true);
    expect(audit[1]?.details).toMatchObject({
      before: { name: 'Zeta Castings Ltd' },
      after: { name: 'Zeta Castings GmbH' },
    });
  });

  it('pages by name, refuses to suspend the internal organisation, and is for staff only', async () => {
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const o = await signedIn(op);
    for (const n of ['Alpha', 'Beta', 'Gamma'])
      await o.parties.create.mutate({ kind: 'customer', name: `Paging ${n}` });
    const first = await o.parties.list.query({ search: 'Paging', limit: 2 });
    const second = await o.parties.list.query({ search: 'Paging', limit: 2, cursor: first.nextCursor ?? '' });
    expect([...first.items, ...second.items].map((p) => p.name)).toEqual([
      'Paging Alpha',
      'Paging Beta',
      'Paging Gamma',
    ]);
    expect(second.nextCursor).toBeNull();
    const forged = Buffer.from('Paging|------------------------------------').toString('base64url');
    expect(await codeOf(o.parties.list.query({ cursor: forged }))).toBe('BAD_REQUEST');
    expect(await codeOf(o.parties.update.mutate({ partyId: op.partyId, status: 'suspended' }))).toBe('CONFLICT');
    const auditor = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    expect(await codeOf(auditor.parties.list.query({}))).toBe('OK');
    expect(await codeOf(auditor.parties.create.mutate({ kind: 'customer', name: 'Nope' }))).toBe('FORBIDDEN');
    const customer = await signedIn(await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']));
    expect(await codeOf(customer.parties.list.query({}))).toBe('FORBIDDEN');
  });
});

describe('parties.creditExposure', () => {
  it("gives staff a customer's limit, open invoice balance and open orders not yet invoiced", async () => {
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const o = await signedIn(op);
    const cust = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const owner = postgres(t.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner`update parties set credit_limit_minor = 5000000, credit_currency = 'EUR' where id = ${cust.partyId}`;
      const orders = await owner`
        insert into orders (party_id, number, status, order_date, currency, total_minor) values
          (${cust.partyId}, 'SO-1', 'open', '2026-01-10', 'EUR', 120000),
          (${cust.partyId}, 'SO-2', 'confirmed', '2026-01-11', 'EUR', 30000),
          (${cust.partyId}, 'SO-3', 'confirmed', '2026-01-12', 'EUR', 99999),
          (${cust.partyId}, 'SO-4', 'delivered', '2026-01-02', 'EUR', 70000),
          (${cust.partyId}, 'SO-5', 'open', '2026-01-13', 'USD', 4500)
        returning id, number`;
      const idOf = (n: string) => orders.find((r) => r.number === n)?.id;
      // SO-3 is already invoiced (counted there, not twice); SO-4 delivered and invoiced, partly paid.
      await owner`
        insert into invoices (party_id, order_id, number, status, issue_date, due_date, currency, total_minor, open_minor) values
          (${cust.partyId}, ${idOf('SO-3')}, 'INV-3', 'open', '2026-01-12', '2026-02-12', 'EUR', 99999, 99999),
          (${cust.partyId}, ${idOf('SO-4')}, 'INV-4', 'open', '2026-01-03', '2026-02-03', 'EUR', 70000, 20000),
          (${cust.partyId}, null, 'INV-9', 'paid', '2025-12-01', '2026-01-01', 'EUR', 5000, 0)`;
    } finally {
      await owner.end();
    }
    expect(await o.parties.creditExposure.query({ partyId: cust.partyId })).toEqual({
      partyId: cust.partyId,
      name: expect.any(String),
      creditLimit: { amountMinor: '5000000', currency: 'EUR' },
      openInvoices: [{ currency: 'EUR', amountMinor: '119999', count: 2 }],
      openOrders: [
        { currency: 'EUR', amountMinor: '150000', count: 2 },
        { currency: 'USD', amountMinor: '4500', count: 1 },
      ],
    });
    // A customer with nothing yet: no limit, nothing open.
    const fresh = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    expect(await o.parties.creditExposure.query({ partyId: fresh.partyId })).toMatchObject({
      creditLimit: null,
      openInvoices: [],
      openOrders: [],
    });
    // Not a customer: not found. A customer's own user: no permission.
    const supplier = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user']);
    expect(await codeOf(o.parties.creditExposure.query({ partyId: supplier.partyId }))).toBe('NOT_FOUND');
    const c = await signedIn(cust);
    expect(await codeOf(c.parties.creditExposure.query({ partyId: cust.partyId }))).toBe('FORBIDDEN');
  });
});
