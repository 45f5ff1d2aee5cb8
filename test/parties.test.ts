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
