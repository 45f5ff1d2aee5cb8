import { BUILT_IN_ROLES } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import { administerProblem, grantProblem, isAdminRole, isInternalAdmin, type Principal } from './grant-rules.ts';

const role = (key: string) => {
  const r = BUILT_IN_ROLES.find((x) => x.key === key);
  if (!r) throw new Error(key);
  return r;
};
const as = (userId: string, key: string): Principal => ({
  userId,
  partyKind: role(key).partyKind,
  permissions: new Set(role(key).permissions),
});

describe('grant rules', () => {
  it('a customer admin grants delegable customer roles it holds, nothing else', () => {
    const admin = as('a', 'customer-admin');
    expect(grantProblem(admin, role('customer-user'), 'customer')).toBeNull();
    expect(grantProblem(admin, role('customer-admin'), 'customer')).toBeNull();
    expect(grantProblem(admin, role('supplier-user'), 'customer')).toMatch(/supplier accounts only/);
    expect(grantProblem(admin, role('system-admin'), 'internal')).toMatch(/Only a system admin/);
    expect(grantProblem(admin, { ...role('customer-user'), delegable: false }, 'customer')).toMatch(
      /cannot be delegated/,
    );
  });

  it('internal staff grant any customer/supplier role; operators grant no internal role', () => {
    const operator = as('o', 'operator');
    expect(grantProblem(operator, role('customer-admin'), 'customer')).toBeNull();
    expect(grantProblem(operator, role('supplier-admin'), 'supplier')).toBeNull();
    expect(grantProblem(operator, role('system-admin'), 'internal')).toMatch(/Only a system admin/);
    // Even a role whose every permission the operator holds: internal roles are the system admin's to assign.
    expect(grantProblem(operator, role('operator'), 'internal')).toMatch(/Only a system admin/);
  });

  it('a system admin assigns every internal role without holding its permissions (segregation of duties)', () => {
    const admin = as('s', 'system-admin');
    for (const key of ['approver', 'auditor', 'operator', 'system-admin']) {
      expect(grantProblem(admin, role(key), 'internal')).toBeNull();
    }
    expect(admin.permissions).not.toContain('approvals:decide');
    // ...to internal users only, and to anyone internal but itself.
    expect(grantProblem(admin, role('approver'), 'customer')).toMatch(/internal accounts only/);
    expect(administerProblem(admin, as('a', 'approver'))).toBeNull();
    expect(administerProblem(admin, as('u', 'auditor'))).toBeNull();
    expect(administerProblem(admin, as('s2', 'system-admin'))).toBeNull();
    expect(administerProblem(admin, as('s', 'system-admin'))).toMatch(/your own account/);
    // What makes it one: users:manage and roles:manage on the internal party, nothing else.
    expect(isInternalAdmin({ userId: 'x', partyKind: 'internal', permissions: ['users:manage'] })).toBe(false);
    expect(isInternalAdmin({ userId: 'x', partyKind: 'customer', permissions: ['users:manage', 'roles:manage'] })).toBe(
      false,
    );
    expect(isAdminRole(role('system-admin'))).toBe(true);
    expect(isAdminRole(role('operator'))).toBe(false);
  });

  it('nobody administers themselves or someone holding more', () => {
    expect(administerProblem(as('a', 'customer-admin'), as('a', 'customer-admin'))).toMatch(/your own account/);
    expect(administerProblem(as('a', 'customer-admin'), as('u', 'customer-user'))).toBeNull();
    expect(administerProblem(as('u', 'customer-user'), as('a', 'customer-admin'))).toMatch(/do not have/);
    expect(administerProblem(as('o', 'operator'), as('c', 'customer-admin'))).toBeNull();
    expect(administerProblem(as('o', 'operator'), as('s', 'system-admin'))).toMatch(/do not have/);
    expect(administerProblem(as('o', 'operator'), as('a', 'approver'))).toMatch(/do not have/);
  });
});
