import type { purchaseOrdersListInput } from '@gatehouse/contract';
import { purchaseOrdersRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { DomainError, notFound } from '../errors.ts';
import * as outbox from '../integration/outbox.ts';
import * as poThreads from './po-threads.ts';

/** How far ahead a promised delivery date may lie (a typo like 2062 is refused). */
export const PROMISE_HORIZON_DAYS = 2 * 366;

export function list(ctx: ServiceContext, input: z.output<typeof purchaseOrdersListInput>) {
  const { actor } = ctx;
  return ctx.db.readOne(ctx.scope, (tx) =>
    purchaseOrdersRepo.list(tx, input, { userId: actor.userId, side: poThreads.sideOf(actor) }),
  );
}

export async function get(ctx: ServiceContext, id: string) {
  const po = await ctx.db.read(ctx.scope, (tx) => purchaseOrdersRepo.get(tx, id));
  if (!po) throw notFound('That purchase order');
  return po;
}

/**
 * The supplier confirms it will deliver, by `promisedDate` (today or later). An open PO, one with a
 * problem flagged, or one already acknowledged (a new date) may be acknowledged; received or cancelled
 * ones may not. The row is locked, so two people acknowledging at once are applied one after the other.
 */
export async function acknowledge(ctx: ServiceContext, input: { id: string; promisedDate: string }) {
  const { actor } = ctx;
  const day = today(ctx);
  if (input.promisedDate < day) throw new DomainError('BAD_REQUEST', { key: 'po.promisedPast' });
  if (input.promisedDate > addDays(day, PROMISE_HORIZON_DAYS))
    throw new DomainError('BAD_REQUEST', { key: 'po.promisedTooFar' });
  return ctx.db.tx(ctx.scope, async (tx) => {
    const po = await purchaseOrdersRepo.getForUpdate(tx, input.id);
    if (!po) throw notFound('That purchase order');
    if (!purchaseOrdersRepo.isOpen(po.status))
      throw new DomainError('CONFLICT', { key: 'po.cannotAcknowledge', values: { status: po.status } });
    const now = new Date(ctx.clock.now());
    await purchaseOrdersRepo.acknowledge(tx, po.id, input.promisedDate, actor.userId, now);
    await outbox.record(tx, now, {
      type: 'purchase_order.acknowledged',
      partyId: po.partyId,
      subject: { purchaseOrderNumber: po.number },
      payload: { promisedDate: input.promisedDate },
    });
    await audit.record(tx, ctx, {
      action: 'purchase_order.acknowledged',
      outcome: 'success',
      partyId: po.partyId,
      entityType: 'purchase_order',
      entityId: po.id,
      crossParty: po.partyId !== actor.partyId,
      details: {
        number: po.number,
        before: { status: po.status, promisedDate: po.promisedDate },
        after: { status: 'acknowledged', promisedDate: input.promisedDate },
      },
    });
    return { ok: true as const };
  });
}

/**
 * The supplier cannot deliver as ordered: the PO is marked 'problem' with a note for the buyer, and the
 * note opens (or reopens) the PO's message thread, whose operators are mailed once this commits.
 */
export async function flagProblem(ctx: ServiceContext, input: { id: string; note: string }) {
  const { actor } = ctx;
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    const po = await purchaseOrdersRepo.getForUpdate(tx, input.id);
    if (!po) throw notFound('That purchase order');
    if (!purchaseOrdersRepo.isOpen(po.status))
      throw new DomainError('CONFLICT', { key: 'po.cannotFlag', values: { status: po.status } });
    const now = new Date(ctx.clock.now());
    await purchaseOrdersRepo.flagProblem(tx, po.id, input.note, actor.userId, now);
    const thread = await poThreads.writeInTx(ctx, tx, actor, po, { kind: 'problem', body: input.note, at: now });
    await outbox.record(tx, now, {
      type: 'purchase_order.problem_flagged',
      partyId: po.partyId,
      subject: { purchaseOrderNumber: po.number },
      payload: { note: input.note },
    });
    await audit.record(tx, ctx, {
      action: 'purchase_order.problem_flagged',
      outcome: 'success',
      partyId: po.partyId,
      entityType: 'purchase_order',
      entityId: po.id,
      crossParty: po.partyId !== actor.partyId,
      details: {
        number: po.number,
        before: { status: po.status },
        after: { status: 'problem' },
        note: input.note,
        threadId: thread.threadId,
      },
    });
    return thread.staffMail;
  });
  await poThreads.tellStaff(ctx, out);
  return { ok: true as const };
}
