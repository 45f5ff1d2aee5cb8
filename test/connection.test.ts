import { appUrlFrom, createDatabase } from '@gatehouse/db';
import { appRolePassword, contextKey } from '@gatehouse/server/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, SYSTEM } from './support/harness.ts';

/**
 * The pool never gets a connection back while it is still inside a transaction. Reads send their COMMIT
 * without awaiting it; a regression released the connection before postgres.js had even sent that
 * COMMIT (it sat in the reserved connection's private queue, which release() drops), so the next pool
 * user ran inside someone else's read-only transaction.
 */
let t: Awaited<ReturnType<typeof createTestDatabase>>;
let db: ReturnType<typeof createDatabase>;

beforeAll(async () => {
  t = await createTestDatabase();
  db = createDatabase({
    appUrl: appUrlFrom(t.ownerUrl, appRolePassword(t.secret)),
    contextKey: contextKey(t.secret),
    maxConnections: 1,
  });
});
afterAll(async () => {
  await db?.close();
  await t?.db.close();
});

describe('connection pool', () => {
  it('hands out no connection still inside a read transaction, whatever the statement', async () => {
    for (let i = 0; i < 40; i++) {
      // A parameterised statement new to the connection needs a describe round first: postgres.js then
      // holds back what follows (the COMMIT) in the reserved connection's private queue.
      const run = i % 2 ? db.readOne : db.read;
      const [row] = await run(SYSTEM, (tx) =>
        tx.db.execute<{ n: number }>(sql`select ${sql.raw(String(i))}::int as n, ${`q${i}`}::text as q`),
      );
      expect(row?.n).toBe(i);
      const [state] = await db.appSql`select current_setting('transaction_read_only') as ro,
                                       current_setting('app.ctx', true) as ctx`;
      expect(state).toEqual({ ro: 'off', ctx: '' });
    }
  });

  it('under concurrent load too: every plain pool query runs outside any transaction', async () => {
    const states: { ro: string }[] = [];
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        if (i % 4 === 3) {
          const [s] = await db.appSql`select current_setting('transaction_read_only') as ro`;
          states.push(s as { ro: string });
          return;
        }
        const run = i % 2 ? db.readOne : db.read;
        await run(SYSTEM, (tx) => tx.db.execute(sql`select ${sql.raw(String(1000 + i))}::int as n, ${'p'}::text as q`));
      }),
    );
    expect(states).toHaveLength(100);
    expect(states.filter((s) => s.ro !== 'off')).toEqual([]);
  });
});
