import { describe, expect, it } from 'vitest';
import { errorText } from '../errors/i18n.ts';
import {
  type Case,
  eligibility,
  type Ineligible,
  type Person,
  staffingProblems,
  whyNotForYou,
} from './approval-eligibility.ts';
import { whyNotError } from './decisions.ts';

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

describe("why not, as an error in the reader's language", () => {
  const cases: Ineligible[] = [
    { reason: 'maker' },
    { reason: 'role', roles: ['approver'], escalateTo: ['director'], escalated: true },
    { reason: 'role', roles: ['approver', 'treasurer'], escalateTo: [], escalated: false },
    { reason: 'escalation', escalateTo: ['director'] },
    { reason: 'decided' },
    { reason: 'no-limit', currency: 'CHF' },
    { reason: 'above-limit', currency: 'EUR', maxMinor: 100_000n },
  ];
  it('words every reason in English exactly as the server always wrote it, and in German', () => {
    for (const why of cases) {
      const out = whyNotForYou(why, { level: 2, amountMinor: 123_456n, escalateHours: 48 });
      const err = whyNotError({ why: out.message, text: out.text, code: out.code });
      expect(err.message, why.reason).toBe(out.message);
      expect(err.code).toBe(out.code);
      const german = errorText('de', err.text as NonNullable<typeof err.text>);
      expect(german, why.reason).not.toBe(out.message);
      expect(german).not.toMatch(/[{}]/);
    }
    const above = whyNotForYou(cases[6] as Ineligible, { level: 1, amountMinor: 123_456n, escalateHours: 48 });
    expect(above.message).toBe('This request (1,234.56 EUR) is above your approval limit (1,000.00 EUR).');
    const err = whyNotError({ why: above.message, text: above.text, code: above.code });
    expect(errorText('de', err.text as NonNullable<typeof err.text>)).toMatch(
      /^Dieser Antrag \(1\.234,56\s€\) liegt über Ihrem Freigabelimit \(1\.000,00\s€\)\.$/,
    );
  });
});
