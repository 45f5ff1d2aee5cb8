import type { PartyKind } from './parties.ts';
import type { Permission } from './permissions.ts';

export interface RoleDefinition {
  key: string;
  name: string;
  partyKind: PartyKind;
  /** May a customer/supplier admin of the same party kind hand this role on? */
  delegable: boolean;
  permissions: readonly Permission[];
  /**
   * Default security policy, applied when the role is first created (system admins change it later with
   * policies.setRole): a second factor for internal staff and for customer/supplier admins.
   */
  requireTotp: boolean;
  sessionIdleMinutes?: number;
  sessionAbsoluteHours?: number;
}

const customerRead: Permission[] = ['orders:read', 'invoices:read', 'shipments:read', 'statements:read'];
/** Accounts payable's work on invoices: queries and remittance advice (customer user and admin alike). */
const customerPayables: Permission[] = ['invoice-queries:create', 'remittances:create'];
const supplierWork: Permission[] = [
  'purchase-orders:read',
  'purchase-orders:acknowledge',
  'ship-notices:manage',
  'supplier-invoices:read',
  'supplier-invoices:submit',
  'documents:read',
  'documents:upload',
];

/** Built-in roles, each least-privilege. Seeded into `roles` by migration; custom roles come later as data. */
export const BUILT_IN_ROLES = [
  {
    key: 'customer-user',
    name: 'Customer user',
    partyKind: 'customer',
    delegable: true,
    requireTotp: false,
    permissions: [...customerRead, ...customerPayables],
  },
  {
    key: 'customer-admin',
    name: 'Customer admin',
    partyKind: 'customer',
    delegable: true,
    requireTotp: true,
    permissions: [...customerRead, ...customerPayables, 'users:read', 'users:manage', 'audit:read'],
  },
  {
    key: 'supplier-user',
    name: 'Supplier user',
    partyKind: 'supplier',
    delegable: true,
    requireTotp: false,
    permissions: supplierWork,
  },
  {
    key: 'supplier-admin',
    name: 'Supplier admin',
    partyKind: 'supplier',
    delegable: true,
    requireTotp: true,
    permissions: [...supplierWork, 'change-requests:create', 'users:read', 'users:manage', 'audit:read'],
  },
  {
    key: 'operator',
    name: 'Operator',
    partyKind: 'internal',
    delegable: false,
    requireTotp: true,
    permissions: [
      'parties:cross',
      'parties:read',
      'parties:manage',
      'users:read',
      'users:manage',
      'orders:read',
      'invoices:read',
      'shipments:read',
      'purchase-orders:read',
      'purchase-orders:review',
      'supplier-invoices:read',
      'documents:read',
      'documents:review',
      'change-requests:handle',
      'invoice-queries:handle',
      // Operators submit credit-limit changes and credit notes (parties:manage) and follow them here.
      'approvals:read',
    ],
  },
  {
    key: 'approver',
    name: 'Approver',
    partyKind: 'internal',
    delegable: false,
    requireTotp: true,
    permissions: ['parties:cross', 'approvals:read', 'approvals:decide'],
  },
  {
    key: 'auditor',
    name: 'Auditor',
    partyKind: 'internal',
    delegable: false,
    requireTotp: true,
    permissions: [
      'parties:cross',
      'audit:read',
      'audit:export',
      'parties:read',
      'users:read',
      'roles:read',
      'security-posture:read',
    ],
  },
  {
    key: 'system-admin',
    name: 'System admin',
    partyKind: 'internal',
    delegable: false,
    requireTotp: true,
    sessionIdleMinutes: 15,
    sessionAbsoluteHours: 8,
    permissions: [
      'parties:cross',
      'parties:read',
      'parties:manage',
      'users:read',
      'users:manage',
      'roles:read',
      'roles:manage',
      'policies:manage',
      'integrations:manage',
      'imports:run',
      'approval-policies:manage',
      'audit:read',
      'access-reviews:manage',
      'security-posture:read',
    ],
  },
] as const satisfies readonly RoleDefinition[];

export type BuiltInRoleKey = (typeof BUILT_IN_ROLES)[number]['key'];
