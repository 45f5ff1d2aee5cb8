import { breaksSegregation, makersOf } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyWithUser, createTestDatabase } from './support/harness.ts';

/**
 * Segregation of duties is one rule (makersOf + breaksSegregation in approval-eligibility.ts) enforced
 * twice: by the service, and under it by the trigger gh_private.approval_step_sod (migration 0019), which
 * once drifted from the code (0019's note). Both run here over the same table of cases, every combination
 * of submitter, last editor, resubmitters, step and deciding person, and must give the same answer.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: postgres.Sql;
let partyId: string;
/** Four people: a, b, c, d. */
const people: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
  const first = await createPartyWithUser(db.db, 'internal', ['approver']);
  partyId = first.partyId;
  people.a = first.userId;
  for (const k of ['b', 'c', 'd'])
    people[k] = (await createPartyWithUser(db.db, 'internal', ['approver'], { partyId })).userId;
});
afterAll(async () => {
  await owner?.end();
  await db?.db.close();
});

type Case = { lastEditor: string; resubmitters: string[]; step: string; by: string | null };
const CASES: Case[] = [];
for (const lastEditor of ['a', 'b'])
  for (const resubmitters of [[], ['b'], ['c'], ['b', 'c']])
    for (const step of ['approve', 'reject', 'request-changes', 'resubmitted', 'escalated', 'reminded'])
      for (const by of ['a', 'b', 'c', 'd', null]) CASES.push({ lastEditor, resubmitters, step, by });

/** The trigger's answer: does inserting the step fail with its check_violation? (Rolled back either way.) */
async function triggerRefuses(c: Case): Promise<boolean> {
  const id = (k: string | null) => (k === null ? null : (people[k] as string));
  let refused = false;
  await owner
    .begin(async (tx) => {
      const [r] = await tx`insert into approval_requests (party_id, type, title, status, rule, payload, submitted_by,
                             submitted_at, last_edited_by, level_since)
                           values (${partyId}, 'credit-note', 'SoD case', 'pending', '{}'::jsonb, '{}'::jsonb,
                                   ${id('a')}, now(), ${id(c.lastEditor)}, now()) returning id`;
      for (const [i, k] of c.resubmitters.entries())
        await tx`insert into approval_steps (party_id, request_id, round, level, decision, decided_by, at)
                 values (${partyId}, ${r?.id}, ${i + 1}, 0, 'resubmitted', ${id(k)}, now())`;
      try {
        await tx.savepoint(
          (sp) => sp`insert into approval_steps (party_id, request_id, round, level, decision, decided_by, at)
                   values (${partyId}, ${r?.id}, 9, 1, ${c.step}, ${id(c.by)}, now())`,
        );
      } catch (e) {
        if ((e as { code?: string }).code !== '23514') throw e;
        refused = true;
      }
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return refused;
}
class Rollback extends Error {}

describe('segregation of duties: the service rule and the database trigger agree', () => {
  it(`on all ${CASES.length} cases`, async () => {
    const disagreements: string[] = [];
    let refusals = 0;
    for (const c of CASES) {
      const id = (k: string | null) => (k === null ? null : (people[k] as string));
      const makers = makersOf(
        { submittedBy: id('a'), lastEditedBy: id(c.lastEditor) },
        c.resubmitters.map((k) => ({ decision: 'resubmitted', decidedById: id(k) })),
      );
      const code = breaksSegregation(c.step, id(c.by), makers);
      const sql = await triggerRefuses(c);
      if (code) refusals += 1;
      if (code !== sql) disagreements.push(`${JSON.stringify(c)}: service ${code}, trigger ${sql}`);
    }
    expect(disagreements).toEqual([]);
    // The table exercises both answers, so agreement is not agreement on "always allowed".
    expect(refusals).toBeGreaterThan(0);
    expect(refusals).toBeLessThan(CASES.length);
  });

  it('the submitter, the last editor and a resubmitter are makers; a bystander is not', () => {
    const makers = makersOf({ submittedBy: 'a', lastEditedBy: 'b' }, [
      { decision: 'resubmitted', decidedById: 'c' },
      { decision: 'approve', decidedById: 'd' },
    ]);
    expect([...makers].sort()).toEqual(['a', 'b', 'c']);
    expect(breaksSegregation('approve', 'c', makers)).toBe(true);
    expect(breaksSegregation('approve', 'd', makers)).toBe(false);
    expect(breaksSegregation('approve', null, makers)).toBe(true);
    expect(breaksSegregation('escalated', 'a', makers)).toBe(false);
  });
});
