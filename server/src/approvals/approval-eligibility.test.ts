import { describe, expect, it } from 'vitest';
import { type Case, eligibility, type Person, staffingProblems } from './approval-eligibility.ts';

const person = (userId: string, roles: string[], eur?: bigint): Person => ({
  userId,
  roles,
  limits: eur === undefined ? [] : [{ currency: 'EUR', maxMinor: eur }],
});
const none: Case = { amountMinor: null, currency: null, makers: new Set(), decided: new Set(), escalated: false };
const level = (roles: string[], n: number, required = 1, escalateTo: string[] = []) => ({
  roles,
  escalateTo,
  approvalsRequired: required,
  level: n,
  remaining: required,
});

describe('approval eligibility', () => {
  it('refuses in the order decide() does: maker, role (or not escalated yet), decided, limit', () => {
    const a = person('a', ['approver'], 100n);
    const l = level(['approver'], 1, 1, ['director']);
    expect(eligibility(a, l, { ...none, makers: new Set(['a']) })).toMatchObject({
      ok: false,
      why: { reason: 'maker' },
    });
    expect(eligibility(person('d', ['director']), l, none)).toMatchObject({ why: { reason: 'escalation' } });
    expect(eligibility(person('d', ['director']), l, { ...none, escalated: true })).toMatchObject({ ok: true });
    expect(eligibility(person('x', ['auditor']), l, none)).toMatchObject({ why: { reason: 'role' } });
    expect(eligibility(a, l, { ...none, decided: new Set(['a']) })).toMatchObject({ why: { reason: 'decided' } });
    const eur = (m: bigint): Case => ({ ...none, amountMinor: m, currency: 'EUR' });
    expect(eligibility(a, l, eur(100n))).toEqual({
      ok: true,
      role: 'approver',
      limit: { currency: 'EUR', maxMinor: 100n },
    });
    expect(eligibility(a, l, eur(101n))).toMatchObject({ why: { reason: 'above-limit', maxMinor: 100n } });
    expect(eligibility(person('b', ['approver']), l, eur(1n))).toMatchObject({ why: { reason: 'no-limit' } });
  });

  it('counts different people across levels (a perfect matching, not a greedy pick)', () => {
    // Level 1: a or b; level 2: a only. Greedy a->1 would fail; b->1, a->2 works.
    const people = [person('a', ['approver', 'director']), person('b', ['approver'])];
    expect(staffingProblems([level(['approver'], 1), level(['director'], 2)], none, people)).toEqual([]);
    expect(staffingProblems([level(['director'], 1), level(['director'], 2)], none, people)).toEqual([
      'Levels 1–2 need 2 different people (nobody decides twice in a request), but only 1 eligible person is there.',
    ]);
    expect(staffingProblems([level(['approver'], 1, 3)], none, people)).toEqual([
      'Level 1 needs 3 different people (nobody decides twice in a request), but only 2 eligible people are there.',
    ]);
    expect(staffingProblems([level(['director'], 1)], { ...none, makers: new Set(['a']) }, people)).toEqual([
      'Level 1: the only director who could decide it made the request.',
    ]);
    expect(staffingProblems([level(['treasurer'], 1, 1, ['director'])], none, people)).toEqual([
      'Level 1: nobody active holds treasurer. It waits until it escalates to director.',
    ]);
    // Once escalated, the escalation role decides it.
    expect(staffingProblems([level(['treasurer'], 1, 1, ['director'])], { ...none, escalated: true }, people)).toEqual(
      [],
    );
  });
});
