import type { invoicesListInput, invoicesTotalsInput, ordersListInput, shipmentsListInput } from '@gatehouse/contract';
import { invoicesRepo, ordersRepo, shipmentsRepo } from '@gatehouse/db';
import type { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { today } from '../dates.ts';
import { notFound } from '../errors.ts';

// Read verbs: the scope comes from the actor; the data layer scopes its statements and RLS checks again.

/** `from` <= `to` is checked by the input schema; a cursor from another sort is a BadCursor (400). */
export function listOrders(ctx: ServiceContext, input: z.output<typeof ordersListInput>) {
  return ctx.db.readOne(ctx.scope, (tx) => ordersRepo.list(tx, input));
}

export async function getOrder(ctx: ServiceContext, id: string) {
  const { actor } = ctx;
  // Shipments and invoices are their own permissions: a role that may read orders but not them sees none.
  const withShipments = actor.permissions.has('shipments:read');
  const withInvoices = actor.permissions.has('invoices:read');
  const order = await ctx.db.readOne(ctx.scope, (tx) => ordersRepo.get(tx, id, { withShipments, withInvoices }));
  if (!order) throw notFound('That order');
  return order;
}

export function listShipments(ctx: ServiceContext, input: z.output<typeof shipmentsListInput>) {
  return ctx.db.readOne(ctx.scope, (tx) => shipmentsRepo.list(tx, input));
}

export async function getShipment(ctx: ServiceContext, id: string) {
  const shipment = await ctx.db.read(ctx.scope, (tx) => shipmentsRepo.get(tx, id));
  if (!shipment) throw notFound('That shipment');
  return shipment;
}

/** Today on the server's clock (UTC calendar day): what "overdue" is measured against. */

export function listInvoices(ctx: ServiceContext, input: z.output<typeof invoicesListInput>) {
  const asOf = today(ctx);
  return ctx.db.readOne(ctx.scope, (tx) => invoicesRepo.list(tx, { ...input, asOf }));
}

/** Per currency, the count, total and open amount of every invoice the list's filters match. */
export async function invoiceTotals(ctx: ServiceContext, input: z.output<typeof invoicesTotalsInput>) {
  const asOf = today(ctx);
  const currencies = await ctx.db.readOne(ctx.scope, (tx) => invoicesRepo.totals(tx, { ...input, asOf }));
  return { currencies };
}

/** A printable invoice: itself, whether it is overdue today, whom it bills, its order's lines. */
export async function getInvoice(ctx: ServiceContext, id: string) {
  const asOf = today(ctx);
  const invoice = await ctx.db.read(ctx.scope, (tx) => invoicesRepo.get(tx, id, asOf));
  if (!invoice) throw notFound('That invoice');
  return invoice;
}
