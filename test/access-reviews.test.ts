import { closeOverdue } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/** Access review campaigns: snapshot, attest within scope, revoke at once, suspend what nobody attested. */
const t = useTestServer();

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return c;
}
const inDays = (d: number) => new Date(t.srv.clock.now() + d * 86_400_000).toISOString();

async function fixture() {
  const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  const keep = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
  const drop = await createPartyWithUser(t.srv.db, 'customer', ['customer-user', 'customer-admin'], {
    partyId: admin.partyId,
  });
  const silent = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
  const other = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  const sys = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['system-admin']));
  const { id, items } = await sys.accessReviews.start.mutate({
    name: 'Q4 access review',
    deadline: inDays(14),
    partyIds: [admin.partyId, other.partyId],
  });
  return { admin, keep, drop, silent, other, sys, id, items, a: await signedIn(admin) };
}

describe('access review campaigns', () => {
  it('a customer admin attests its own party only; revoke applies at once; the rest is suspended at the deadline', async () => {
    const f = await fixture();
    expect(f.items).toBe(6); // admin, keep, drop x2, silent, other admin
    const mine = await f.a.accessReviews.items.query({ reviewId: f.id });
    expect(mine.items.every((i) => i.partyId === f.admin.partyId)).toBe(true);
    expect(mine.items).toHaveLength(5);
    const [campaign] = await f.a.accessReviews.list.query();
    expect(campaign).toMatchObject({ id: f.id, total: 5, decided: 0, status: 'open' });

    const item = (userId: string, role: string) => {
      const found = mine.items.find((i) => i.userId === userId && i.roleKey === role);
      if (!found) throw new Error(`no item ${role}`);
      return found.id;
    };
    await f.a.accessReviews.decide.mutate({ itemId: item(f.keep.userId, 'customer-user'), decision: 'keep' });
    const dropSession = await signedIn(f.drop);
    await f.a.accessReviews.decide.mutate({ itemId: item(f.drop.userId, 'customer-admin'), decision: 'revoke' });
    expect(await codeOf(dropSession.auth.me.query())).toBe('UNAUTHORIZED'); // roles changed: sessions end
    const [roles] = await t.owner`select array_agg(r.key) keys from user_roles ur join roles r on r.id = ur.role_id
                                  where ur.user_id = ${f.drop.userId}`;
    expect(roles?.keys).toEqual(['customer-user']);
    // Decided once; one's own access is not one's to attest; another party's item is NOT_FOUND.
    expect(
      await codeOf(
        f.a.accessReviews.decide.mutate({ itemId: item(f.keep.userId, 'customer-user'), decision: 'revoke' }),
      ),
    ).toBe('CONFLICT');
    expect(
      await codeOf(
        f.a.accessReviews.decide.mutate({ itemId: item(f.admin.userId, 'customer-admin'), decision: 'keep' }),
      ),
    ).toBe('FORBIDDEN');
    const theirs = await (await signedIn(f.other)).accessReviews.items.query({ reviewId: f.id });
    expect(await codeOf(f.a.accessReviews.decide.mutate({ itemId: theirs.items[0]?.id ?? '', decision: 'keep' }))).toBe(
      'NOT_FOUND',
    );

    // The deadline passes: the job closes the campaign; unattested users are suspended, attested ones not.
    t.srv.clock.advance(15 * 86_400_000);
    try {
      expect(await closeOverdue(t.srv.db, t.srv.clock)).toBe(1);
      expect(await closeOverdue(t.srv.db, t.srv.clock)).toBe(0);
    } finally {
      t.srv.clock.advance(-15 * 86_400_000);
    }
    const status = await t.owner`select id, status from users where id in
      (${f.keep.userId}, ${f.drop.userId}, ${f.silent.userId}, ${f.admin.userId}, ${f.other.userId})`;
    expect(Object.fromEntries(status.map((r) => [r.id, r.status]))).toEqual({
      [f.keep.userId]: 'active',
      [f.drop.userId]: 'suspended', // its customer-user item was never attested
      [f.silent.userId]: 'suspended',
      [f.admin.userId]: 'suspended',
      [f.other.userId]: 'suspended',
    });
    expect(await codeOf(f.sys.accessReviews.close.mutate({ reviewId: f.id }))).toBe('CONFLICT');

    // The evidence: every item, who decided, formula-safe; the export is itself audited.
    const { csv, filename } = await f.sys.accessReviews.export.mutate({ reviewId: f.id });
    expect(filename).toBe('access-review-q4-access-review.csv');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('party,email,name,role,decision,decided_by,decided_at');
    expect(lines).toHaveLength(7);
    expect(csv).toContain(`${f.keep.email},`);
    expect(lines.filter((l) => l.includes(',keep,'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',revoke,'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',expired,'))).toHaveLength(4);
    const [audit] =
      await t.owner`select count(*)::int n from audit_events where action = 'access_review.exported' and entity_id = ${f.id}`;
    expect(audit?.n).toBe(1);
  });

  it('a system admin may close early; a past deadline is refused; customer admins cannot start or export', async () => {
    const f = await fixture();
    expect(await codeOf(f.sys.accessReviews.start.mutate({ name: 'late', deadline: inDays(-1) }))).toBe('BAD_REQUEST');
    expect(await codeOf(f.a.accessReviews.start.mutate({ name: 'mine', deadline: inDays(3) }))).toBe('FORBIDDEN');
    expect(await codeOf(f.a.accessReviews.export.mutate({ reviewId: f.id }))).toBe('FORBIDDEN');
    const result = await f.sys.accessReviews.close.mutate({ reviewId: f.id });
    expect(result).toEqual({ expired: 6, usersSuspended: 5 });
    expect(
      await codeOf(
        f.a.accessReviews.decide.mutate({ itemId: '00000000-0000-4000-8000-000000000000', decision: 'keep' }),
      ),
    ).toBe(
      'UNAUTHORIZED', // the customer admin itself was suspended by the close
    );
  });
});
