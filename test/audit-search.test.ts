import { createHash, verify } from 'node:crypto';
import { auditRepo } from '@gatehouse/db';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/** Reviewing the trail: filters, keyset paging, each party its own trail, staff across parties. */
const t = useTestServer();

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return c;
}

describe('audit.search and audit.get', () => {
  it("a customer admin reviews its own party's trail only, filtered and paged", async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const stranger = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await signedIn(stranger);
    for (let i = 0; i < 3; i++) await signedIn(user);
    await codeOf(client(t.srv.origin).auth.login.mutate({ ...user, password: 'wrong password here' }));
    await codeOf(client(t.srv.origin).auth.login.mutate({ email: 'nobody@nowhere.example', password: 'x' }));
    const a = await signedIn(admin);

    const all = await a.audit.search.query({});
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    expect(all.items.every((e) => e.partyId === admin.partyId)).toBe(true); // no stranger, no system entries
    const logins = await a.audit.search.query({ action: 'auth.login_succeeded', actorUserId: user.userId });
    expect(logins.items).toHaveLength(3);
    expect(logins.items[0]).toMatchObject({
      actorEmail: user.email,
      outcome: 'success',
      partyName: expect.any(String),
    });
    const failures = await a.audit.search.query({ outcome: 'failure' });
    expect(failures.items.map((e) => e.action)).toEqual(['auth.login_failed']);
    expect(failures.items[0]?.details).toEqual({ reason: 'wrong-password' });

    // Keyset paging: pages do not overlap and end.
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await a.audit.search.query({ limit: 2, ...(cursor ? { cursor } : {}) });
      for (const e of page.items) {
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.size).toBe(all.items.length);
    expect(await codeOf(a.audit.search.query({ cursor: 'forged' }))).toBe('BAD_REQUEST');
    // Ids and cursors that would overflow PostgreSQL's bigint are bad input (400), not a server error.
    const huge = Buffer.from(`1700000000000000|99999999999999999999`).toString('base64url');
    expect(await codeOf(a.audit.search.query({ cursor: huge }))).toBe('BAD_REQUEST');
    expect(await codeOf(a.audit.get.query({ id: '9999999999999999999' }))).toBe('BAD_REQUEST');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await a.audit.search.query({ from: future })).items).toEqual([]);

    const one = await a.audit.get.query({ id: logins.items[0]?.id ?? '' });
    expect(one.chain).toMatchObject({ key: admin.partyId, intact: true });
    const theirs = await t.owner`select id::text from audit_events where party_id = ${stranger.partyId} limit 1`;
    expect(await codeOf(a.audit.get.query({ id: String(theirs[0]?.id) }))).toBe('NOT_FOUND');
    expect(await codeOf((await signedIn(user)).audit.search.query({}))).toBe('FORBIDDEN');
    // Its own chain verifies (and only its own is walked).
    expect(await a.audit.verify.query()).toMatchObject({ ok: true, chains: 1, problem: null });
  });

  it('an auditor sees every party and the events outside any party, and may narrow to one', async () => {
    const auditor = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    await codeOf(client(t.srv.origin).auth.login.mutate({ email: 'ghost@nowhere.example', password: 'x' }));
    const unknown = await auditor.audit.search.query({ action: 'auth.login_failed' });
    expect(unknown.items.some((e) => e.partyId === null && e.details?.reason === 'unknown-email')).toBe(true);
    const party = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user']);
    await signedIn(party);
    const narrowed = await auditor.audit.search.query({ partyId: party.partyId });
    expect(narrowed.items.length).toBeGreaterThan(0);
    expect(narrowed.items.every((e) => e.partyId === party.partyId)).toBe(true);
  });

  it('exports a filtered range as formula-safe CSV with a signed manifest, and audits the export', async () => {
    const party = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await t.srv.db.tx({ kind: 'party', partyId: party.partyId }, (tx) =>
      auditRepo.record(tx, {
        action: 'session.revoked',
        outcome: 'success',
        partyId: party.partyId,
        actorUserId: party.userId,
        entityType: 'session',
        entityId: '=HYPERLINK("http://evil.example")',
      }),
    );
    const auditorUser = await createPartyWithUser(t.srv.db, 'internal', ['auditor']);
    const auditor = await signedIn(auditorUser);
    const out = await auditor.audit.export.mutate({ partyId: party.partyId, action: 'session.revoked' });
    const lines = out.csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,party,actor,action,entity_type,entity_id,outcome,cross_party,ip,request_id,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    const manifest = JSON.parse(out.manifest.payload) as { count: number; csvSha256: string; chainHeads: string[][] };
    expect(manifest.count).toBe(1);
    expect(manifest.csvSha256).toBe(createHash('sha256').update(out.csv).digest('hex'));
    expect(manifest.chainHeads.map((h) => h[0])).toEqual([party.partyId]);
    expect(
      verify(
        null,
        Buffer.from(out.manifest.payload),
        out.manifest.publicKey,
        Buffer.from(out.manifest.signature, 'base64'),
      ),
    ).toBe(true);
    const [audited] =
      await t.owner`select count(*)::int n from audit_events where action = 'audit.exported' and actor_user_id = ${auditorUser.userId}`;
    expect(audited?.n).toBe(1);
    // Exports need audit:export: a customer admin (audit:read only) is refused.
    const admin = await signedIn(await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']));
    expect(await codeOf(admin.audit.export.mutate({}))).toBe('FORBIDDEN');
  });

  it('the actor and organisation pickers find by email, name or organisation name, within the caller’s scope', async () => {
    const mine = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const colleague = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: mine.partyId });
    const stranger = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    await t.owner`update users set display_name = 'Zelda Quartermain' where id = ${colleague.userId}`;
    await t.owner`update users set display_name = 'Zelda Outsider' where id = ${stranger.userId}`;
    await t.owner`update parties set name = 'Quokka Supplies' where id = ${stranger.partyId}`;

    // A party admin: its own party's users only, by name or by part of the address.
    const admin = await signedIn(mine);
    const byName = await admin.audit.actors.query({ search: 'zelda' });
    expect(byName.map((u) => u.id)).toEqual([colleague.userId]);
    expect(byName[0]).toMatchObject({ email: colleague.email, displayName: 'Zelda Quartermain' });
    expect(await admin.audit.actors.query({ search: stranger.email })).toEqual([]);
    expect((await admin.audit.actors.query({ search: colleague.email.slice(0, 12) })).map((u) => u.id)).toContain(
      colleague.userId,
    );
    // Its organisation picker finds only its own organisation.
    expect(await admin.audit.parties.query({ search: 'Quokka' })).toEqual([]);

    // Staff: every party's users and organisations.
    const auditor = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    const both = await auditor.audit.actors.query({ search: 'zelda' });
    expect(both.map((u) => u.id).sort()).toEqual([colleague.userId, stranger.userId].sort());
    expect(both.find((u) => u.id === stranger.userId)?.partyName).toBe('Quokka Supplies');
    expect(await auditor.audit.parties.query({ search: 'quokka' })).toEqual([
      { id: stranger.partyId, name: 'Quokka Supplies', kind: 'supplier' },
    ]);
    // LIKE wildcards are text, not patterns.
    expect(await auditor.audit.actors.query({ search: '%' })).toEqual([]);
    // Without audit:read: refused.
    const user = await signedIn(colleague);
    expect(await codeOf(user.audit.actors.query({ search: 'zelda' }))).toBe('FORBIDDEN');
  });

  it('counts what an export would hold before exporting', async () => {
    const party = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await signedIn(party);
    await signedIn(party);
    const auditor = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    const counted = await auditor.audit.count.query({ partyId: party.partyId, action: 'auth.login_succeeded' });
    expect(counted).toEqual({ count: 2, overLimit: false, limit: 100_000 });
    const out = await auditor.audit.export.mutate({ partyId: party.partyId, action: 'auth.login_succeeded' });
    expect((JSON.parse(out.manifest.payload) as { count: number }).count).toBe(counted.count);
  });
});
