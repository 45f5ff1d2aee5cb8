import type { invoicesListInput, ordersListInput } from '@gatehouse/contract';
import { invoicesRepo, ordersRepo } from '@gatehouse/db';
import type { z } from 'zod';
import type { Actor } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { notFound } from '../errors.ts';
import { scopeFor } from './scope.ts';

// Read verbs: the scope comes from the actor; the data layer scopes its statements and RLS checks again.

export function listOrders(ctx: Context, actor: Actor, input: z.output<typeof ordersListInput>) {
  return ctx.db.readOne(scopeFor(actor), (tx) => ordersRepo.list(tx, input));
}

export async function getOrder(ctx: Context, actor: Actor, id: string) {
  const order = await ctx.db.read(scopeFor(actor), (tx) => ordersRepo.get(tx, id));
  if (!order) throw notFound('That order');
  return order;
}

export function listInvoices(ctx: Context, actor: Actor, input: z.output<typeof invoicesListInput>) {
  return ctx.db.readOne(scopeFor(actor), (tx) => invoicesRepo.list(tx, input));
}

export async function getInvoice(ctx: Context, actor: Actor, id: string) {
  const invoice = await ctx.db.readOne(scopeFor(actor), (tx) => invoicesRepo.get(tx, id));
  if (!invoice) throw notFound('That invoice');
  return invoice;
}
