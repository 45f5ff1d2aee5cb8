import { partiesRepo, sessionsRepo } from '@gatehouse/db';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';

/**
 * Customer and supplier accounts, managed by internal staff (parties:read / parties:manage). Every write
 * is marked cross-party in the audit trail. Suspending an account ends its users' sessions at once (and
 * sign-in and every request already refuse users of a suspended party); the internal organisation itself
 * is never suspended here.
 */
export function list(
  ctx: ServiceContext,
  input: {
    kind?: 'internal' | 'customer' | 'supplier' | undefined;
    status?: 'active' | 'suspended' | undefined;
    search?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  return ctx.db.readOne(ctx.scope, (tx) => partiesRepo.list(tx, input));
}

export async function create(
  ctx: ServiceContext,
  input: { kind: 'customer' | 'supplier'; name: string; erpRef?: string | undefined },
) {
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'party.onlyStaffCreate' });
  return ctx.db.tx(scope, async (tx) => {
    const party = await partiesRepo.create(tx, {
      kind: input.kind,
      name: input.name,
      ...(input.erpRef ? { erpRef: input.erpRef } : {}),
    });
    await audit.record(tx, ctx, {
      action: 'party.created',
      outcome: 'success',
      partyId: party.id,
      entityType: 'party',
      entityId: party.id,
      crossParty: true,
      details: { after: { kind: input.kind, name: input.name, erpRef: input.erpRef ?? null } },
    });
    return { id: party.id };
  });
}

export async function update(
  ctx: ServiceContext,
  input: {
    partyId: string;
    name?: string | undefined;
    erpRef?: string | null | undefined;
    status?: 'active' | 'suspended' | undefined;
  },
) {
  const { actor } = ctx;
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'party.onlyStaffChange' });
  await ctx.db.tx(scope, async (tx) => {
    const before = await partiesRepo.getForUpdate(tx, input.partyId);
    if (!before) throw notFound('That account');
    if (input.status === 'suspended' && before.kind === 'internal')
      throw new DomainError('CONFLICT', { key: 'party.internalNotSuspended' });
    const change = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.erpRef !== undefined ? { erpRef: input.erpRef } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
    };
    if (Object.keys(change).length === 0) return;
    await partiesRepo.update(tx, input.partyId, change);
    const ended =
      input.status === 'suspended' && before.status !== 'suspended'
        ? await sessionsRepo.removeAllForParty(tx, input.partyId)
        : 0;
    await audit.record(tx, ctx, {
      action: 'party.updated',
      outcome: 'success',
      partyId: input.partyId,
      entityType: 'party',
      entityId: input.partyId,
      crossParty: input.partyId !== actor.partyId,
      details: {
        before: { name: before.name, erpRef: before.erpRef, status: before.status },
        after: change,
        sessionsEnded: ended,
      },
    });
  });
  return { ok: true as const };
}

/**
 * What a credit-limit request is measured against: the customer's limit in force, its open invoice
 * balance and its open orders not yet invoiced, per currency. Staff only, like submitting the request.
 */
export async function creditExposure(ctx: ServiceContext, input: { partyId: string }) {
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'party.onlyStaffExposure' });
  const found = await ctx.db.read(scope, (tx) => partiesRepo.creditExposure(tx, input.partyId));
  if (!found) throw notFound('That customer');
  const { party, openInvoices, openOrders } = found;
  return {
    partyId: party.id,
    name: party.name,
    creditLimit:
      party.creditLimitMinor !== null && party.creditCurrency
        ? { amountMinor: party.creditLimitMinor, currency: party.creditCurrency }
        : null,
    openInvoices,
    openOrders,
  };
}
