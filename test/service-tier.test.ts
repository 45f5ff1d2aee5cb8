import { demoRepo, ordersRepo } from '@gatehouse/db';
import { verifyAuditChains } from '@gatehouse/server/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SYSTEM, useTestServer } from './support/harness.ts';
import { inRollback } from './support/service-tier.ts';

/**
 * The service tier itself (test/support/service-tier.ts): what it keeps of the real database (RLS under the
 * signed tenant context, read-only reads, the audit chain) and that it leaves nothing behind.
 */
const t = useTestServer();

const errorCode = async (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e as { code?: string }).code ?? 'UNKNOWN',
  );

describe('service tier: createCaller inside one rolled-back transaction', () => {
  it('leaves no row behind: the party, its user, its session and its audit entries are rolled back', async () => {
    const made = await inRollback(t.srv.services, async (s) => {
      const admin = await s.as('internal', ['system-admin']);
      const party = await admin.caller.parties.create({ kind: 'customer', name: 'Rolled Back Ltd' });
      const [inside] = await s.db.read(SYSTEM, (tx) =>
        tx.db.execute<{ n: number }>(sql`select count(*)::int as n from parties where id = ${party.id}`),
      );
      expect(inside?.n).toBe(1);
      return { partyId: party.id, userId: admin.userId };
    });
    const [after] = await t.owner`select
      (select count(*)::int from parties where id = ${made.partyId}) as parties,
      (select count(*)::int from users where id = ${made.userId}) as users,
      (select count(*)::int from sessions where user_id = ${made.userId}) as sessions,
      (select count(*)::int from audit_events where actor_user_id = ${made.userId}) as audit`;
    expect(after).toEqual({ parties: 0, users: 0, sessions: 0, audit: 0 });
  });

  it("keeps row-level security: a customer's caller gets NOT_FOUND for another party's order, and a forged context sees nothing", async () => {
    await inRollback(t.srv.services, async (s) => {
      const mine = await s.as('customer', ['customer-user']);
      const other = await s.as('customer', ['customer-user']);
      await s.db.tx(SYSTEM, async (tx) => {
        await demoRepo.generateOrders(tx, mine.partyId, 2, 'EUR');
        await demoRepo.generateOrders(tx, other.partyId, 2, 'EUR');
      });
      const theirs = await s.db.read({ kind: 'party', partyId: other.partyId }, (tx) =>
        ordersRepo.list(tx, { limit: 1 }),
      );
      const theirId = theirs.items[0]?.id as string;
      expect(theirId).toBeTruthy();
      expect(await errorCode(mine.caller.orders.get({ id: theirId }))).toBe('NOT_FOUND');
      expect(await errorCode(other.caller.orders.get({ id: theirId }))).toBe('OK');
      expect((await mine.caller.orders.list({})).items.map((o) => o.id)).not.toContain(theirId);
      // The database itself, not only the data layer: the signed context sees the orders, a forged one none.
      const count = (forge: boolean) =>
        s.db.read(SYSTEM, async (tx) => {
          if (forge) await tx.db.execute(sql`select set_config('app.ctx', 'all.x.y.9999999999999', true)`);
          const [row] = await tx.db.execute<{ n: number }>(sql`select count(*)::int as n from orders`);
          return row?.n;
        });
      expect(await count(false)).toBeGreaterThanOrEqual(4);
      expect(await count(true)).toBe(0);
      // And the context each transaction sets is its own scope's: a party-scoped transaction's unfiltered
      // SQL sees that party's orders only (RLS, not the data layer's filter).
      const seen = await s.db.read({ kind: 'party', partyId: mine.partyId }, async (tx) => {
        const [row] = await tx.db.execute<{ n: number; parties: number }>(
          sql`select count(*)::int as n, count(distinct party_id)::int as parties from orders`,
        );
        return row;
      });
      expect(seen?.n).toBeGreaterThan(0);
      expect(seen?.parties).toBe(1);
    });
  });

  it('keeps reads read-only and every mutation audited in an intact chain', async () => {
    await inRollback(t.srv.services, async (s) => {
      const write = s.db.read(SYSTEM, (tx) => tx.db.execute(sql`update parties set name = name`));
      // 25006: read_only_sql_transaction, as in a production read.
      await expect(write).rejects.toMatchObject({ cause: { code: '25006' } });
      const admin = await s.as('internal', ['system-admin']);
      const party = await admin.caller.parties.create({ kind: 'supplier', name: 'Audited GmbH' });
      const rows = await s.db.read(SYSTEM, (tx) =>
        tx.db.execute<{ action: string; chain_seq: string }>(
          sql`select action, chain_seq::text from audit_events where entity_id = ${party.id}`,
        ),
      );
      expect([...rows].map((r) => r.action)).toEqual(['party.created']);
      expect(Number(rows[0]?.chain_seq)).toBeGreaterThan(0);
      expect((await verifyAuditChains(s.db)).ok).toBe(true);
    });
  });

  it('refuses a caller without a session', async () => {
    await inRollback(t.srv.services, async (s) => {
      expect(await errorCode(s.anonymous().home.summary())).toBe('UNAUTHORIZED');
    });
  });
});
