import { isPermission } from '@gatehouse/contract';
import type { ProcedureMeta } from '@gatehouse/server/testing';
import { appRouter } from '@gatehouse/server/testing';
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { describe, expect, it } from 'vitest';

/** Every procedure declares its permission, or says it is public or for any signed-in user on purpose. */
function walk(router: AnyRouter): [string, AnyProcedure][] {
  return Object.entries(router._def.procedures as Record<string, AnyProcedure>);
}

describe('procedure catalogue', () => {
  const procedures = walk(appRouter);

  it('has the core public contract names', () => {
    const names = procedures.map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining([
        'auth.login',
        'auth.logout',
        'auth.me',
        'orders.list',
        'orders.get',
        'invoices.list',
        'invoices.get',
        'auth.changePassword',
        'auth.sessions.list',
        'auth.sessions.revoke',
      ]),
    );
  });

  it.each(procedures.map(([name, p]) => [name, p] as const))(
    '%s declares a permission, or is explicitly public/signed-in',
    (_name, p) => {
      const meta = (p._def.meta ?? {}) as ProcedureMeta;
      const declared = [meta.permission !== undefined, meta.public === true, meta.signedIn === true].filter(Boolean);
      expect(declared).toHaveLength(1);
      if (meta.permission) expect(isPermission(meta.permission)).toBe(true);
    },
  );

  it.each(procedures.map(([name, p]) => [name, p] as const))('%s declares input and output schemas', (_name, p) => {
    const def = p._def as unknown as { inputs: unknown[]; output?: unknown; type: string };
    expect(def.output).toBeDefined();
    if (
      ![
        'auth.me',
        'auth.session',
        'auth.logout',
        'auth.sessions.list',
        'auth.twoFactor.status',
        'roles.list',
        'accessReviews.list',
        'audit.verify',
        'audit.posture',
        'statements.get',
        'masterData.get',
        'approvalPolicies.list',
        'approvalPolicies.approvers',
        'integrations.keys',
        'webhooks.list',
        'imports.list',
        'seller.get',
        'remittances.openItems',
        'kinetic.status',
        'kinetic.test',
        'home.summary',
        'notifications.unreadCount',
        'notifications.markAllRead',
        'notifications.preferences',
      ].includes(_name)
    )
      expect(def.inputs.length).toBeGreaterThan(0);
  });
});
