import { formatMinor } from '@gatehouse/contract';

/**
 * Who may decide a level of an approval request: one rule, used for the decision itself (approvals.ts
 * whyNot), the inbox ("Waiting for me": what I can decide now, and why not for the rest), and the
 * staffing warnings on submitting a request, on its page and on saving a policy ("nobody can ever decide
 * this level"). Pure functions over plain data, so they are tested without a database.
 *
 * A person may decide a level when: they did not make the request (submitter, resubmitter, last editor);
 * they hold one of the level's roles (or one of its escalation roles once the level has escalated); they
 * have not decided in this round already (nobody decides twice in a request); and, for a request with an
 * amount, they have an approval limit in its currency of at least the whole amount.
 */

/**
 * Segregation of duties, the one definition: a request's makers are its submitter, its last editor and
 * everyone who ever resubmitted it (so handing a request back and forth cannot clear one's name from it),
 * and no maker may take a deciding step on it. The database enforces the same rule a second time, under
 * the service, in the trigger gh_private.approval_step_sod (migration 0019); test/approval-sod.test.ts runs
 * this rule and that trigger over one table of cases and demands the same answer from both.
 */
export const DECIDING_STEPS: readonly string[] = ['approve', 'reject', 'request-changes'];

export function makersOf(
  request: { submittedBy: string | null; lastEditedBy: string | null },
  steps: readonly { decision: string; decidedById: string | null }[],
): Set<string> {
  const makers = new Set<string>([request.submittedBy, request.lastEditedBy].filter((x): x is string => Boolean(x)));
  for (const s of steps) if (s.decision === 'resubmitted' && s.decidedById) makers.add(s.decidedById);
  return makers;
}

/** Whether a step `decision` by `decidedBy` breaks segregation of duties (an anonymous decision does too). */
export function breaksSegregation(decision: string, decidedBy: string | null, makers: ReadonlySet<string>): boolean {
  return DECIDING_STEPS.includes(decision) && (decidedBy === null || makers.has(decidedBy));
}

export interface Level {
  roles: readonly string[];
  approvalsRequired: number;
  escalateTo: readonly string[];
}

/** An active internal user holding a role that decides approvals, with its limits per currency. */
export interface Person {
  userId: string;
  roles: readonly string[];
  limits: readonly { currency: string; maxMinor: bigint }[];
}

/** The request as far as eligibility cares. */
export interface Case {
  amountMinor: bigint | null;
  currency: string | null;
  /** The submitter, every resubmitter and the last editor. */
  makers: ReadonlySet<string>;
  /** Who decided in the current round (at any level). */
  decided: ReadonlySet<string>;
  /** The current level has waited past the escalation delay (its escalation roles may decide). */
  escalated: boolean;
}

export type Ineligible =
  | { reason: 'maker' }
  | { reason: 'role'; roles: readonly string[]; escalateTo: readonly string[]; escalated: boolean }
  | { reason: 'escalation'; escalateTo: readonly string[] }
  | { reason: 'decided' }
  | { reason: 'no-limit'; currency: string }
  | { reason: 'above-limit'; currency: string; maxMinor: bigint };

export type Eligibility =
  | { ok: true; role: string; limit: { currency: string; maxMinor: bigint } | null }
  | { ok: false; why: Ineligible };

/** Whether `person` may decide `level` of the request described by `c` now, and if not, why. */
export function eligibility(person: Person, level: Level, c: Case): Eligibility {
  if (c.makers.has(person.userId)) return { ok: false, why: { reason: 'maker' } };
  const role =
    level.roles.find((k) => person.roles.includes(k)) ??
    (c.escalated ? level.escalateTo.find((k) => person.roles.includes(k)) : undefined);
  if (!role) {
    if (!c.escalated && level.escalateTo.some((k) => person.roles.includes(k)))
      return { ok: false, why: { reason: 'escalation', escalateTo: level.escalateTo } };
    return {
      ok: false,
      why: { reason: 'role', roles: level.roles, escalateTo: level.escalateTo, escalated: c.escalated },
    };
  }
  if (c.decided.has(person.userId)) return { ok: false, why: { reason: 'decided' } };
  if (c.amountMinor === null || !c.currency) return { ok: true, role, limit: null };
  const limit = person.limits.find((l) => l.currency === c.currency);
  if (!limit) return { ok: false, why: { reason: 'no-limit', currency: c.currency } };
  if (c.amountMinor > limit.maxMinor)
    return { ok: false, why: { reason: 'above-limit', currency: c.currency, maxMinor: limit.maxMinor } };
  return { ok: true, role, limit: { currency: c.currency, maxMinor: limit.maxMinor } };
}

/**
 * A sentence the server writes beside its codes (docs/i18n.md, "Texts the server writes"): `key` and
 * `values` word it in the reader's language (the SPA's `admin.approvals.why.*` / `.staffing.*`, the error
 * catalogue's `approvals.why.*`); `message` is the English text, unchanged. Values named `…Minor` are
 * amounts in minor units of the value `currency`.
 */
export interface Worded {
  message: string;
  text: { key: string; values: Record<string, string | number> };
}

/** Why not, said to the person concerned ("you"). */
export function whyNotForYou(
  why: Ineligible,
  at: { level: number; amountMinor: bigint | null; escalateHours: number },
): Worded & { code: 'FORBIDDEN' | 'CONFLICT' } {
  const { level } = at;
  switch (why.reason) {
    case 'maker':
      return {
        message: 'You made this request; someone else must decide it.',
        text: { key: 'maker', values: {} },
        code: 'FORBIDDEN',
      };
    case 'role': {
      const also = why.escalated && why.escalateTo.length > 0;
      return {
        message: `Level ${level} is decided by ${why.roles.join(', ')}${also ? ` or ${why.escalateTo.join(', ')}` : ''}.`,
        text: {
          key: 'role',
          values: {
            level,
            roles: why.roles.join(', '),
            also: also ? 'yes' : 'no',
            escalateTo: why.escalateTo.join(', '),
          },
        },
        code: 'FORBIDDEN',
      };
    }
    case 'escalation':
      return {
        message: `Waiting for escalation: you decide level ${level} only once it has waited ${at.escalateHours} hours.`,
        text: { key: 'escalation', values: { level, hours: at.escalateHours } },
        code: 'FORBIDDEN',
      };
    case 'decided':
      return { message: 'You already decided this request.', text: { key: 'decided', values: {} }, code: 'CONFLICT' };
    case 'no-limit':
      return {
        message: `You have no approval limit in ${why.currency}; a system admin sets limits.`,
        text: { key: 'noLimit', values: { currency: why.currency } },
        code: 'FORBIDDEN',
      };
    case 'above-limit':
      return {
        message: `This request (${formatMinor(at.amountMinor ?? 0n, why.currency)}) is above your approval limit (${formatMinor(why.maxMinor, why.currency)}).`,
        text: {
          key: 'aboveLimit',
          values: {
            currency: why.currency,
            amountMinor: (at.amountMinor ?? 0n).toString(),
            limitMinor: why.maxMinor.toString(),
          },
        },
        code: 'FORBIDDEN',
      };
  }
}

/**
 * Why the levels still ahead of a request can never all be decided by the people there are, in words
 * for whoever submits it, edits its policy or reads it; empty when they can. `levels[i]` needs
 * `remaining[i]` more approvals (its approvalsRequired, less approvals already given). Escalation roles
 * count only on the first level once it has escalated: a level nobody can decide before it escalates is
 * worth a warning.
 */
export function staffingProblems(
  levels: readonly (Level & { level: number; remaining: number })[],
  c: Case,
  people: readonly Person[],
): string[] {
  return staffingWorded(levels, c, people).map((p) => p.message);
}

/** staffingProblems with each problem's key and values beside its English words. */
export function staffingWorded(
  levels: readonly (Level & { level: number; remaining: number })[],
  c: Case,
  people: readonly Person[],
): Worded[] {
  const money = (m: bigint) => formatMinor(m, c.currency ?? '');
  const problems: Worded[] = [];
  const say = (message: string, key: string, values: Worded['text']['values']) =>
    problems.push({ message, text: { key, values } });
  const eligible: Set<string>[] = [];
  for (const [i, l] of levels.entries()) {
    // Only the first level (the current one) may have escalated already.
    const results = people.map((p) => ({ p, e: eligibility(p, l, { ...c, escalated: i === 0 && c.escalated }) }));
    const ok = new Set(results.filter((r) => r.e.ok).map((r) => r.p.userId));
    eligible.push(ok);
    if (ok.size > 0 || l.remaining <= 0) continue;
    const roles = l.roles.join(' or ');
    // Holders of the level's roles who did not make the request, and why each of them cannot decide.
    const others = results.filter(
      (r) => !r.e.ok && r.e.why.reason !== 'maker' && l.roles.some((k) => r.p.roles.includes(k)),
    );
    const why = new Set(others.map((r) => (r.e.ok ? '' : r.e.why.reason)));
    if (!people.some((p) => l.roles.some((k) => p.roles.includes(k)))) {
      const later = l.escalateTo.filter((k) => people.some((p) => p.roles.includes(k)));
      say(
        `Level ${l.level}: nobody active holds ${roles}.${later.length > 0 ? ` It waits until it escalates to ${later.join(' or ')}.` : ''}`,
        later.length > 0 ? 'nobodyUntilEscalation' : 'nobody',
        { level: l.level, roles, later: later.join(' or ') },
      );
    } else if (others.length === 0)
      say(`Level ${l.level}: the only ${roles} who could decide it made the request.`, 'onlyMaker', {
        level: l.level,
        roles,
      });
    else if (why.has('decided'))
      say(`Level ${l.level}: every ${roles} who could decide it has decided this request already.`, 'allDecided', {
        level: l.level,
        roles,
      });
    else if (why.has('above-limit')) {
      const max = others
        .flatMap((r) => r.p.limits.filter((x) => x.currency === c.currency).map((x) => x.maxMinor))
        // biome-ignore lint/complexity/useMathMinMax: bigint amounts, which Math.max does not take
        .reduce((a, b) => (b > a ? b : a), 0n);
      say(
        `Level ${l.level}: no ${roles} may approve ${money(c.amountMinor ?? 0n)} (the highest ${c.currency} limit is ${money(max)}).`,
        'aboveLimit',
        {
          level: l.level,
          roles,
          currency: c.currency ?? '',
          amountMinor: (c.amountMinor ?? 0n).toString(),
          limitMinor: max.toString(),
        },
      );
    } else
      say(`Level ${l.level}: no ${roles} has an approval limit in ${c.currency}.`, 'noLimit', {
        level: l.level,
        roles,
        currency: c.currency ?? '',
      });
  }
  if (problems.length > 0) return problems;
  // Every level has someone; but nobody decides twice, so the levels together need enough different people.
  const slots = levels.flatMap((l, i) => Array.from({ length: Math.max(0, l.remaining) }, () => i));
  const assigned = maxAssignment(slots, eligible);
  if (assigned < slots.length) {
    const span =
      levels.length === 1
        ? `Level ${levels[0]?.level}`
        : `Levels ${levels[0]?.level}–${levels[levels.length - 1]?.level}`;
    const distinct = new Set(eligible.flatMap((s) => [...s])).size;
    const there = Math.min(distinct, assigned);
    say(
      `${span} ${levels.length === 1 ? 'needs' : 'need'} ${slots.length} different ${slots.length === 1 ? 'person' : 'people'} (nobody decides twice in a request${c.makers.size > 0 ? ', and whoever made it decides none' : ''}), but only ${there} eligible ${there === 1 ? 'person is' : 'people are'} there.`,
      levels.length === 1 ? 'tooFewOne' : 'tooFew',
      {
        from: levels[0]?.level ?? 1,
        to: levels[levels.length - 1]?.level ?? 1,
        needed: slots.length,
        makers: c.makers.size > 0 ? 'yes' : 'no',
        there,
      },
    );
  }
  return problems;
}

/** The most slots (each needing one person of its level's eligible set) filled by different people. */
function maxAssignment(slots: number[], eligible: Set<string>[]): number {
  const holder = new Map<string, number>(); // person -> slot index
  const tryAssign = (slot: number, seen: Set<string>): boolean => {
    for (const person of eligible[slots[slot] as number] ?? []) {
      if (seen.has(person)) continue;
      seen.add(person);
      const current = holder.get(person);
      if (current === undefined || tryAssign(current, seen)) {
        holder.set(person, slot);
        return true;
      }
    }
    return false;
  };
  let n = 0;
  for (let i = 0; i < slots.length; i++) if (tryAssign(i, new Set())) n += 1;
  return n;
}
