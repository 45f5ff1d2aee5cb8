import { BUILT_IN_ROLES } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import { administerProblem, grantProblem, type Principal } from './grant-rules.ts';

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
    expect(grantProblem(admin, role('system-admin'), 'internal')).toMatch(/cannot be delegated/);
    expect(grantProblem(admin, { ...role('customer-user'), delegable: false }, 'customer')).toMatch(
      /cannot be delegated/,
    );
  });

  it('internal staff grant any customer/supplier role, and internal roles only when holding them', () => {
    const operator = as('o', 'operator');
    expect(grantProblem(operator, role('customer-admin'), 'customer')).toBeNull();
    expect(grantProblem(operator, role('supplier-admin'), 'supplier')).toBeNull();
    expect(grantProblem(operator, role('system-admin'), 'internal')).toMatch(/permissions you do not hold/);
    expect(grantProblem(as('s', 'system-admin'), role('auditor'), 'internal')).toMatch(/do not hold/);
  });

  it('nobody administers themselves or someone holding more', () => {
    expect(administerProblem(as('a', 'customer-admin'), as('a', 'customer-admin'))).toMatch(/your own account/);
    expect(administerProblem(as('a', 'customer-admin'), as('u', 'customer-user'))).toBeNull();
    expect(administerProblem(as('u', 'customer-user'), as('a', 'customer-admin'))).toMatch(/do not have/);
    expect(administerProblem(as('o', 'operator'), as('c', 'customer-admin'))).toBeNull();
    expect(administerProblem(as('o', 'operator'), as('s', 'system-admin'))).toMatch(/do not have/);
  });
});
