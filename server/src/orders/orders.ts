import type { invoicesListInput, invoicesTotalsInput, ordersListInput, shipmentsListInput } from '@gatehouse/contract';
import { invoicesRepo, ordersRepo, shipmentsRepo } from '@gatehouse/db';
import type { z } from 'zod';
import type { Actor } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { today } from '../dates.ts';
import { notFound } from '../errors.ts';
import { scopeFor } from '../parties/scope.ts';

// Read verbs: the scope comes from the actor; the data layer scopes its statements and RLS checks again.

/** `from` <= `to` is checked by the input schema; a cursor from another sort is a BadCursor (400). */
export function listOrders(ctx: Context, actor: Actor, input: z.output<typeof ordersListInput>) {
  return ctx.db.readOne(scopeFor(actor), (tx) => ordersRepo.list(tx, input));
}

export async function getOrder(ctx: Context, actor: Actor, id: string) {
  // Shipments and invoices are their own permissions: a role that may read orders but not them sees none.
  const withShipments = actor.permissions.has('shipments:read');
  const withInvoices = actor.permissions.has('invoices:read');
  const order = await ctx.db.readOne(scopeFor(actor), (tx) => ordersRepo.get(tx, id, { withShipments, withInvoices }));
  if (!order) throw notFound('That order');
  return order;
}

export function listShipments(ctx: Context, actor: Actor, input: z.output<typeof shipmentsListInput>) {
  return ctx.db.readOne(scopeFor(actor), (tx) => shipmentsRepo.list(tx, input));
}

export async function getShipment(ctx: Context, actor: Actor, id: string) {
  const shipment = await ctx.db.read(scopeFor(actor), (tx) => shipmentsRepo.get(tx, id));
  if (!shipment) throw notFound('That shipment');
  return shipment;
}

/** Today on the server's clock (UTC calendar day): what "overdue" is measured against. */

export function listInvoices(ctx: Context, actor: Actor, input: z.output<typeof invoicesListInput>) {
  const asOf = today(ctx);
  return ctx.db.readOne(scopeFor(actor), (tx) => invoicesRepo.list(tx, { ...input, asOf }));
}

/** Per currency, the count, total and open amount of every invoice the list's filters match. */
export async function invoiceTotals(ctx: Context, actor: Actor, input: z.output<typeof invoicesTotalsInput>) {
  const asOf = today(ctx);
  const currencies = await ctx.db.readOne(scopeFor(actor), (tx) => invoicesRepo.totals(tx, { ...input, asOf }));
  return { currencies };
}

/** A printable invoice: itself, whether it is overdue today, whom it bills, its order's lines. */
export async function getInvoice(ctx: Context, actor: Actor, id: string) {
  const asOf = today(ctx);
  const invoice = await ctx.db.read(scopeFor(actor), (tx) => invoicesRepo.get(tx, id, asOf));
  if (!invoice) throw notFound('That invoice');
  return invoice;
}
