import { BUILT_IN_ROLES, PARTY_KINDS, type PartyKind, PERMISSIONS_FOR_KIND } from '@gatehouse/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/sessions.ts';
import { scopeFor } from '../parties/scope.ts';
import { administerProblem, type GrantableRole, grantProblem, type Principal } from './grant-rules.ts';

/**
 * The grant rule as properties over random actors, roles and targets (1,000 cases each): whatever the
 * role sets, nobody ends up able to hand out more than they hold, except staff handing customer/supplier
 * roles and internal administrators (users:manage + roles:manage) handing internal roles, which only they
 * hand out (segregation of duties: whoever assigns a role need not hold it); nobody acts on themselves.
 */
const RUNS = { numRuns: 1_000 };
const kind = fc.constantFrom<PartyKind>(...PARTY_KINDS);
const permsOf = (k: PartyKind) => fc.subarray([...PERMISSIONS_FOR_KIND[k]]);
// Actors are built from random sets of built-in roles of their kind, plus random custom permissions.
const actor: fc.Arbitrary<Principal> = kind.chain((k) =>
  fc.record({
    userId: fc.uuid(),
    partyKind: fc.constant(k),
    permissions: fc
      .tuple(fc.subarray(BUILT_IN_ROLES.filter((r) => r.partyKind === k)), permsOf(k))
      .map(([roles, extra]) => new Set([...roles.flatMap((r) => r.permissions), ...extra])),
  }),
);
const role: fc.Arbitrary<GrantableRole> = kind.chain((k) =>
  fc.record({
    key: fc.string({ minLength: 1 }),
    partyKind: fc.constant(k),
    delegable: fc.boolean(),
    permissions: permsOf(k),
  }),
);
const holds = (p: Principal['permissions'], wanted: readonly string[]) =>
  wanted.every((w) => (p as ReadonlySet<string>).has(w));
const isStaff = (a: Principal) => a.partyKind === 'internal' && holds(a.permissions, ['parties:cross']);
const isAdmin = (a: Principal) => a.partyKind === 'internal' && holds(a.permissions, ['users:manage', 'roles:manage']);

describe('grant rule properties', () => {
  it('a granted role is always of the target party kind', () => {
    fc.assert(
      fc.property(actor, role, kind, (a, r, target) => {
        if (grantProblem(a, r, target) === null) expect(r.partyKind).toBe(target);
      }),
      RUNS,
    );
  });

  it('a customer/supplier admin grants only delegable roles whose every permission it holds', () => {
    fc.assert(
      fc.property(actor, role, kind, (a, r, target) => {
        fc.pre(a.partyKind !== 'internal');
        if (grantProblem(a, r, target) === null) {
          expect(r.delegable).toBe(true);
          expect(holds(a.permissions, r.permissions)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('only an internal administrator (users:manage + roles:manage) grants an internal role', () => {
    fc.assert(
      fc.property(actor, role, (a, r) => {
        fc.pre(r.partyKind === 'internal');
        expect(grantProblem(a, r, 'internal') === null).toBe(isAdmin(a));
      }),
      RUNS,
    );
  });

  it('outside staff handing customer/supplier roles and internal admins handing internal ones, a grant never exceeds the grantor', () => {
    fc.assert(
      fc.property(actor, role, kind, (a, r, target) => {
        fc.pre(!(isStaff(a) && r.partyKind !== 'internal') && !(isAdmin(a) && r.partyKind === 'internal'));
        if (grantProblem(a, r, target) === null) expect(holds(a.permissions, r.permissions)).toBe(true);
      }),
      RUNS,
    );
  });

  it('nobody administers themselves, whatever they hold', () => {
    fc.assert(
      fc.property(actor, (a) => {
        expect(administerProblem(a, { ...a })).not.toBeNull();
      }),
      RUNS,
    );
  });

  it('nobody but staff over customer/supplier users, or an internal admin over internal users, administers someone holding more', () => {
    fc.assert(
      fc.property(actor, actor, (a, target) => {
        fc.pre(a.userId !== target.userId);
        const exempt =
          (isStaff(a) && target.partyKind !== 'internal') || (isAdmin(a) && target.partyKind === 'internal');
        if (administerProblem(a, target) === null && !exempt) {
          expect(holds(a.permissions, [...target.permissions])).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('an internal admin administers every other internal user, whatever they hold', () => {
    fc.assert(
      fc.property(actor, actor, (a, target) => {
        fc.pre(a.userId !== target.userId && isAdmin(a) && target.partyKind === 'internal');
        expect(administerProblem(a, target)).toBeNull();
      }),
      RUNS,
    );
  });

  it('only internal staff holding parties:cross ever get a cross-party scope', () => {
    fc.assert(
      fc.property(actor, fc.boolean(), (a, forgeCross) => {
        const permissions = new Set(a.permissions as ReadonlySet<string>);
        if (forgeCross) permissions.add('parties:cross'); // even a forged permission on an outside party
        const scope = scopeFor({ ...a, partyId: a.userId, permissions } as unknown as Actor);
        expect(scope.kind === 'all').toBe(a.partyKind === 'internal' && permissions.has('parties:cross'));
      }),
      RUNS,
    );
  });
});

describe('the catalogue', () => {
  it('built-in roles carry only permissions their party kind may hold', () => {
    for (const r of BUILT_IN_ROLES) {
      for (const p of r.permissions) expect(PERMISSIONS_FOR_KIND[r.partyKind]).toContain(p);
    }
  });
});
