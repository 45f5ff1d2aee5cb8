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
import { type DocumentKey, type DocumentText, documentText } from './i18n.ts';

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

/**
 * Rows per page: large enough that a round trip is cheap per row, small enough to hold in memory. The
 * first page is smaller and each next one doubles up to this (1,000, 2,000, 4,000, 8,000, 10,000, ...):
 * the first bytes leave sooner, and a client that goes away early is noticed after a small page rather
 * than after 10,000 rows already in the socket's buffers.
 */
export const EXPORT_PAGE_ROWS = 10_000;
const FIRST_PAGE_ROWS = 1_000;

const money = (minor: bigint | string, currency: string) => minorToDecimal(BigInt(minor), currency);
const time = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : d);
const staff = (actor: Actor) => scopeFor(actor).kind === 'all';

/** One list: `parse` takes the filters (minus paging), `page` reads one page through the screen's verb. */
function list<S extends z.ZodType, T>(def: {
  permission: Permission;
  title: string;
  input: S;
  page: (ctx: ServiceContext, input: z.output<S>) => Promise<{ items: readonly T[]; nextCursor?: string | null }>;
  /** The worksheet's name in the reader's language (customer and supplier lists); else `title`. */
  sheet?: DocumentKey;
  /** `t`: the requesting user's language (docs/i18n.md): customer and supplier lists translate their headers. */
  columns: (actor: Actor, t: DocumentText['t']) => (ExportColumn<T> | false)[];
}): ExportListDef {
  return {
    permission: def.permission,
    title: def.title,
    open(ctx, filters) {
      const { cursor: _c, limit: _l, ...rest } = filters;
      // The procedure's own schema, with a page size it accepts; the export then pages as EXPORT_PAGE_ROWS says.
      const parsed = def.input.parse({ ...rest, limit: 1 }) as object;
      const { t } = documentText(ctx.actor.preferences);
      let pageRows = FIRST_PAGE_ROWS;
      return {
        sheet: def.sheet ? t(def.sheet) : def.title,
        columns: def.columns(ctx.actor, t).filter((c): c is ExportColumn<T> => c !== false),
        source: async (cursor) => {
          const input = { ...parsed, limit: pageRows, cursor } as z.output<S>;
          pageRows = Math.min(pageRows * 2, EXPORT_PAGE_ROWS);
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
    sheet: 'sheet.orders',
    input: ordersListInput,
    page: orders.listOrders,
    columns: (actor, t) => [
      { header: t('export.order'), value: (o) => o.number },
      staff(actor) && { header: t('export.customer'), value: (o) => o.partyName },
      { header: t('export.yourReference'), value: (o) => o.customerReference },
      { header: t('export.orderDate'), value: (o) => o.orderDate },
      { header: t('export.status'), value: (o) => o.status },
      { header: t('export.currency'), value: (o) => o.currency },
      { header: t('export.total'), value: (o) => money(o.totalMinor, o.currency), kind: 'number' },
    ],
  }),
  invoices: list({
    permission: 'invoices:read',
    title: 'Invoices',
    sheet: 'sheet.invoices',
    input: invoicesListInput,
    page: orders.listInvoices,
    columns: (actor, t) => [
      { header: t('export.invoice'), value: (i) => i.legalNumber ?? i.number },
      { header: t('export.reference'), value: (i) => i.number },
      staff(actor) && { header: t('export.customer'), value: (i) => i.partyName },
      { header: t('export.kind'), value: (i) => t(i.kind === 'credit-note' ? 'export.creditNote' : 'export.invoice') },
      { header: t('export.issueDate'), value: (i) => i.issueDate },
      { header: t('export.dueDate'), value: (i) => i.dueDate },
      { header: t('export.daysOverdue'), value: (i) => i.daysOverdue, kind: 'number' },
      { header: t('export.status'), value: (i) => i.status },
      { header: t('export.currency'), value: (i) => i.currency },
      { header: t('export.total'), value: (i) => money(i.totalMinor, i.currency), kind: 'number' },
      { header: t('export.open'), value: (i) => money(i.openMinor, i.currency), kind: 'number' },
    ],
  }),
  shipments: list({
    permission: 'shipments:read',
    title: 'Shipments',
    sheet: 'sheet.shipments',
    input: shipmentsListInput,
    page: orders.listShipments,
    columns: (actor, t) => [
      { header: t('export.deliveryNote'), value: (s) => s.number },
      staff(actor) && { header: t('export.customer'), value: (s) => s.partyName },
      { header: t('export.orders'), value: (s) => s.orders.map((o) => o.number).join(' ') },
      { header: t('export.carrier'), value: (s) => s.carrier },
      { header: t('export.trackingReference'), value: (s) => s.trackingRef },
      { header: t('export.trackingPage'), value: (s) => trackingUrl(s.carrier, s.trackingRef) },
      { header: t('export.status'), value: (s) => s.status },
      { header: t('export.shippedOn'), value: (s) => s.shippedOn },
      { header: t('export.deliveredOn'), value: (s) => s.deliveredOn },
    ],
  }),
  'purchase-orders': list({
    permission: 'purchase-orders:read',
    title: 'Purchase orders',
    sheet: 'sheet.purchaseOrders',
    input: purchaseOrdersListInput,
    page: purchaseOrders.list,
    columns: (actor, t) => [
      { header: t('export.purchaseOrder'), value: (p) => p.number },
      staff(actor) && { header: t('export.supplier'), value: (p) => p.partyName },
      { header: t('export.status'), value: (p) => p.status },
      { header: t('export.orderDate'), value: (p) => p.orderDate },
      { header: t('export.requested'), value: (p) => p.requestedDate },
      { header: t('export.promised'), value: (p) => p.promisedDate },
      { header: t('export.currency'), value: (p) => p.currency },
      { header: t('export.total'), value: (p) => money(p.totalMinor, p.currency), kind: 'number' },
    ],
  }),
  /** A supplier's compliance documents: one row per document type it must keep (one page: few types). */
  documents: list({
    permission: 'documents:read',
    title: 'Documents',
    sheet: 'sheet.documents',
    input: documentsRequirementsInput,
    page: async (ctx, input) => ({ items: (await documents.requirements(ctx, input)).items }),
    columns: (_actor, t) => [
      { header: t('export.document'), value: (d) => d.type.name },
      { header: t('export.status'), value: (d) => d.status },
      { header: t('export.fileInForce'), value: (d) => d.current?.fileName ?? null },
      { header: t('export.version'), value: (d) => d.current?.versionNo ?? null, kind: 'number' },
      { header: t('export.expiresOn'), value: (d) => d.current?.expiresOn ?? null },
      { header: t('export.newestUpload'), value: (d) => d.latest?.fileName ?? null },
      { header: t('export.newestUploadStatus'), value: (d) => d.latest?.status ?? null },
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
