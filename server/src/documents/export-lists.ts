import {
  documentsQueueInput,
  documentsRequirementsInput,
  type ExportList,
  invoicesListInput,
  minorToDecimal,
  ordersListInput,
  type Permission,
  partiesListInput,
  purchaseOrdersListInput,
  shipmentsListInput,
  trackingUrl,
  usersListInput,
} from '@gatehouse/contract';
import type { z } from 'zod';
import type { Actor } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import * as orders from '../orders/orders.ts';
import * as parties from '../parties/parties.ts';
import { scopeFor } from '../parties/scope.ts';
import * as purchaseOrders from '../suppliers/purchase-orders.ts';
import * as users from '../users/users.ts';
import * as documents from './documents.ts';
import type { ExportColumn, ExportSpec } from './exports.ts';

/**
 * Every exportable list: the permission its screen needs, its filters (the list procedure's own input
 * schema, so an export holds exactly what the screen shows), and its rows through the same service verb
 * as the screen (scope from the actor, the data layer's party predicate and RLS underneath), a page at a
 * time. Staff exports of cross-party lists carry the party's name, as the staff screens do.
 */
export interface ExportListDef {
  permission: Permission;
  /** The file name's and the worksheet's name. */
  title: string;
  /** Parses the filters as the list procedure would (throws ZodError) and opens the export. */
  open(ctx: ServiceContext, filters: Record<string, unknown>): ExportSpec<never>;
}

/** Rows per page: large enough that a round trip is cheap per row, small enough to hold in memory. */
export const EXPORT_PAGE_ROWS = 2_000;

const money = (minor: bigint | string, currency: string) => minorToDecimal(BigInt(minor), currency);
const time = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : d);
const staff = (actor: Actor) => scopeFor(actor).kind === 'all';

/** One list: `parse` takes the filters (minus paging), `page` reads one page through the screen's verb. */
function list<S extends z.ZodType, T>(def: {
  permission: Permission;
  title: string;
  input: S;
  page: (ctx: ServiceContext, input: z.output<S>) => Promise<{ items: readonly T[]; nextCursor?: string | null }>;
  columns: (actor: Actor) => (ExportColumn<T> | false)[];
}): ExportListDef {
  return {
    permission: def.permission,
    title: def.title,
    open(ctx, filters) {
      const { cursor: _c, limit: _l, ...rest } = filters;
      // The procedure's own schema, with a page size it accepts; the export then pages by EXPORT_PAGE_ROWS.
      const parsed = def.input.parse({ ...rest, limit: 1 }) as object;
      return {
        sheet: def.title,
        columns: def.columns(ctx.actor).filter((c): c is ExportColumn<T> => c !== false),
        source: async (cursor) => {
          const input = { ...parsed, limit: EXPORT_PAGE_ROWS, cursor } as z.output<S>;
          const page = await def.page(ctx, input);
          return { items: page.items, nextCursor: page.nextCursor ?? null };
        },
      } as ExportSpec<T> as unknown as ExportSpec<never>;
    },
  };
}

export const EXPORT_CATALOGUE: Record<ExportList, ExportListDef> = {
  orders: list({
    permission: 'orders:read',
    title: 'Orders',
    input: ordersListInput,
    page: orders.listOrders,
    columns: (actor) => [
      { header: 'Order', value: (o) => o.number },
      staff(actor) && { header: 'Customer', value: (o) => o.partyName },
      { header: 'Your reference', value: (o) => o.customerReference },
      { header: 'Order date', value: (o) => o.orderDate },
      { header: 'Status', value: (o) => o.status },
      { header: 'Currency', value: (o) => o.currency },
      { header: 'Total', value: (o) => money(o.totalMinor, o.currency), kind: 'number' },
    ],
  }),
  invoices: list({
    permission: 'invoices:read',
    title: 'Invoices',
    input: invoicesListInput,
    page: orders.listInvoices,
    columns: (actor) => [
      { header: 'Invoice', value: (i) => i.legalNumber ?? i.number },
      { header: 'Reference', value: (i) => i.number },
      staff(actor) && { header: 'Customer', value: (i) => i.partyName },
      { header: 'Kind', value: (i) => (i.kind === 'credit-note' ? 'Credit note' : 'Invoice') },
      { header: 'Issue date', value: (i) => i.issueDate },
      { header: 'Due date', value: (i) => i.dueDate },
      { header: 'Days overdue', value: (i) => i.daysOverdue, kind: 'number' },
      { header: 'Status', value: (i) => i.status },
      { header: 'Currency', value: (i) => i.currency },
      { header: 'Total', value: (i) => money(i.totalMinor, i.currency), kind: 'number' },
      { header: 'Open', value: (i) => money(i.openMinor, i.currency), kind: 'number' },
    ],
  }),
  shipments: list({
    permission: 'shipments:read',
    title: 'Shipments',
    input: shipmentsListInput,
    page: orders.listShipments,
    columns: (actor) => [
      { header: 'Delivery note', value: (s) => s.number },
      staff(actor) && { header: 'Customer', value: (s) => s.partyName },
      { header: 'Orders', value: (s) => s.orders.map((o) => o.number).join(' ') },
      { header: 'Carrier', value: (s) => s.carrier },
      { header: 'Tracking reference', value: (s) => s.trackingRef },
      { header: 'Tracking page', value: (s) => trackingUrl(s.carrier, s.trackingRef) },
      { header: 'Status', value: (s) => s.status },
      { header: 'Shipped on', value: (s) => s.shippedOn },
      { header: 'Delivered on', value: (s) => s.deliveredOn },
    ],
  }),
  'purchase-orders': list({
    permission: 'purchase-orders:read',
    title: 'Purchase orders',
    input: purchaseOrdersListInput,
    page: purchaseOrders.list,
    columns: (actor) => [
      { header: 'Purchase order', value: (p) => p.number },
      staff(actor) && { header: 'Supplier', value: (p) => p.partyName },
      { header: 'Status', value: (p) => p.status },
      { header: 'Order date', value: (p) => p.orderDate },
      { header: 'Requested', value: (p) => p.requestedDate },
      { header: 'Promised', value: (p) => p.promisedDate },
      { header: 'Currency', value: (p) => p.currency },
      { header: 'Total', value: (p) => money(p.totalMinor, p.currency), kind: 'number' },
    ],
  }),
  /** A supplier's compliance documents: one row per document type it must keep (one page: few types). */
  documents: list({
    permission: 'documents:read',
    title: 'Documents',
    input: documentsRequirementsInput,
    page: async (ctx, input) => ({ items: (await documents.requirements(ctx, input)).items }),
    columns: () => [
      { header: 'Document', value: (d) => d.type.name },
      { header: 'Status', value: (d) => d.status },
      { header: 'File in force', value: (d) => d.current?.fileName ?? null },
      { header: 'Version', value: (d) => d.current?.versionNo ?? null, kind: 'number' },
      { header: 'Expires on', value: (d) => d.current?.expiresOn ?? null },
      { header: 'Newest upload', value: (d) => d.latest?.fileName ?? null },
      { header: 'Newest upload status', value: (d) => d.latest?.status ?? null },
    ],
  }),
  /** Staff: the documents awaiting review. */
  'documents-queue': list({
    permission: 'documents:review',
    title: 'Documents to review',
    input: documentsQueueInput,
    page: documents.queue,
    columns: () => [
      { header: 'Supplier', value: (d) => d.partyName },
      { header: 'Document', value: (d) => d.typeName },
      { header: 'Version', value: (d) => d.versionNo, kind: 'number' },
      { header: 'File', value: (d) => d.fileName },
      { header: 'Status', value: (d) => d.status },
      { header: 'Expires on', value: (d) => d.expiresOn },
      { header: 'Uploaded by', value: (d) => d.uploadedBy },
      { header: 'Uploaded at', value: (d) => time(d.uploadedAt) },
    ],
  }),
  users: list({
    permission: 'users:read',
    title: 'Users',
    input: usersListInput,
    page: users.list,
    columns: (actor) => [
      { header: 'Email', value: (u) => u.email },
      { header: 'Name', value: (u) => u.displayName },
      staff(actor) && { header: 'Organisation', value: (u) => u.partyName },
      { header: 'Status', value: (u) => u.status },
      { header: 'Roles', value: (u) => u.roles.join(' ') },
      { header: 'Two-factor', value: (u) => (u.totp ? 'yes' : 'no') },
      { header: 'Last sign-in', value: (u) => time(u.lastSignInAt) },
      { header: 'Created', value: (u) => time(u.createdAt) },
    ],
  }),
  /** Staff: customer and supplier accounts. */
  parties: list({
    permission: 'parties:read',
    title: 'Organisations',
    input: partiesListInput,
    page: parties.list,
    columns: () => [
      { header: 'Name', value: (p) => p.name },
      { header: 'Kind', value: (p) => p.kind },
      { header: 'ERP reference', value: (p) => p.erpRef },
      { header: 'Status', value: (p) => p.status },
      { header: 'Users', value: (p) => p.users, kind: 'number' },
      { header: 'Demo', value: (p) => (p.isDemo ? 'yes' : 'no') },
      { header: 'Created', value: (p) => time(p.createdAt) },
    ],
  }),
};
