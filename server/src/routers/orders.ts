import {
  idInput,
  invoiceDetail,
  invoicesListInput,
  invoicesListOutput,
  invoicesTotalsInput,
  invoicesTotalsOutput,
  orderDetail,
  ordersListInput,
  ordersListOutput,
  shipmentDetail,
  shipmentsListInput,
  shipmentsListOutput,
  statementOutput,
} from '@gatehouse/contract';
import * as orders from '../services/orders.ts';
import { permission, router } from '../trpc.ts';

export const ordersRouter = router({
  list: permission('orders:read')
    .input(ordersListInput)
    .output(ordersListOutput)
    .query(({ ctx, input }) => orders.listOrders(ctx, ctx.actor, input)),
  get: permission('orders:read')
    .input(idInput)
    .output(orderDetail)
    .query(({ ctx, input }) => orders.getOrder(ctx, ctx.actor, input.id)),
});

export const invoicesRouter = router({
  list: permission('invoices:read')
    .input(invoicesListInput)
    .output(invoicesListOutput)
    .query(({ ctx, input }) => orders.listInvoices(ctx, ctx.actor, input)),
  /** Per currency, the count, total and open amount of every invoice the list's filters match. */
  totals: permission('invoices:read')
    .input(invoicesTotalsInput)
    .output(invoicesTotalsOutput)
    .query(({ ctx, input }) => orders.invoiceTotals(ctx, ctx.actor, input)),
  get: permission('invoices:read')
    .input(idInput)
    .output(invoiceDetail)
    .query(({ ctx, input }) => orders.getInvoice(ctx, ctx.actor, input.id)),
});

export const shipmentsRouter = router({
  list: permission('shipments:read')
    .input(shipmentsListInput)
    .output(shipmentsListOutput)
    .query(({ ctx, input }) => orders.listShipments(ctx, ctx.actor, input)),
  get: permission('shipments:read')
    .input(idInput)
    .output(shipmentDetail)
    .query(({ ctx, input }) => orders.getShipment(ctx, ctx.actor, input.id)),
});

export const statementsRouter = router({
  /** The caller's own account statement: open items and ageing per currency, as of today. */
  get: permission('statements:read')
    .output(statementOutput)
    .query(({ ctx }) => orders.statement(ctx, ctx.actor)),
});
