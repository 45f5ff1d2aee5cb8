import type { PartyKind } from './parties.ts';

/**
 * The permission catalogue: every permission a role can hold, as `resource:action`.
 * Roles are data (db `roles`), but the permissions they may reference are this typed list,
 * so a typo in a procedure's permission is a compile error, not a silent denial.
 */
export const PERMISSIONS = [
  'orders:read',
  'invoices:read',
  'shipments:read',
  'statements:read',
  'purchase-orders:read',
  'purchase-orders:acknowledge',
  /** Internal: accept or reject the changes a supplier's PO confirmation proposes. */
  'purchase-orders:review',
  /** Suppliers: create and cancel ship notices (ASN). Reading them needs purchase-orders:read. */
  'ship-notices:manage',
  'supplier-invoices:read',
  'supplier-invoices:submit',
  'documents:read',
  'documents:upload',
  'documents:review',
  'change-requests:create',
  'change-requests:handle',
  /** Customers: raise a query (dispute) on an invoice or a line, and add to its thread. */
  'invoice-queries:create',
  /** Staff: answer, resolve and reject customers' invoice queries. */
  'invoice-queries:handle',
  /** Customers: say which invoices and credit notes a payment settles (no money moves in Gatehouse). */
  'remittances:create',
  'users:read',
  'users:manage',
  'roles:read',
  'roles:manage',
  'approvals:read',
  'approvals:decide',
  'approval-policies:manage',
  'audit:read',
  'audit:export',
  'parties:read',
  'parties:manage',
  'policies:manage',
  'integrations:manage',
  'exports:create',
  /** Internal staff: CSV imports and exports of ERP data (the mirror writer's CSV channel). */
  'imports:run',
  /** Start, close and export access review campaigns (attesting uses users:manage). */
  'access-reviews:manage',
  /** The live security posture page (counts across every party: internal staff only). */
  'security-posture:read',
  /** Internal staff only: lifts the party scope to every party (shown as such in the audit log). */
  'parties:cross',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/**
 * Which permissions a role of each party kind may carry. Cross-party and internal work never reach a
 * customer or supplier role, whoever defines it: custom roles are checked against this list.
 */
export const PERMISSIONS_FOR_KIND: Record<PartyKind, readonly Permission[]> = {
  customer: [
    'orders:read',
    'invoices:read',
    'shipments:read',
    'statements:read',
    'invoice-queries:create',
    'remittances:create',
    'documents:read',
    'users:read',
    'users:manage',
    'audit:read',
    'exports:create',
  ],
  supplier: [
    'purchase-orders:read',
    'purchase-orders:acknowledge',
    'ship-notices:manage',
    'supplier-invoices:read',
    'supplier-invoices:submit',
    'documents:read',
    'documents:upload',
    'change-requests:create',
    'users:read',
    'users:manage',
    'audit:read',
    'exports:create',
  ],
  internal: PERMISSIONS,
};
