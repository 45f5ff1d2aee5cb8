import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The internal organisation, customer accounts and suppliers. A party is a tenant. */
export const parties = pgTable(
  'parties',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind', { enum: ['internal', 'customer', 'supplier'] }).notNull(),
    name: text('name').notNull(),
    erpRef: text('erp_ref'),
    status: text('status', { enum: ['active', 'suspended'] })
      .notNull()
      .default('active'),
    /** Demo data is marked, so `seed-demo` can refuse a database with real data in it. */
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // The party's own security policy: it can only tighten the global and role policies
    // (require_totp true or null; shorter timeouts; an allowlist that must also admit the address).
    requireTotp: boolean('require_totp'),
    sessionIdleMinutes: integer('session_idle_minutes'),
    sessionAbsoluteHours: integer('session_absolute_hours'),
    ipAllowlist: text('ip_allowlist').array(),
    /** Suppliers: the category that decides which compliance documents they must keep (document_types). */
    supplierCategory: text('supplier_category'),
    /** Customers: the credit limit in force (changed only through an approved credit-limit-change). */
    creditLimitMinor: bigint('credit_limit_minor', { mode: 'bigint' }),
    creditCurrency: text('credit_currency'),
    /** Customers and suppliers: the tax / VAT id printed on their documents (from the ERP). */
    taxId: text('tax_id'),
    /** The ERP marked the party inactive and its source suspends such parties (lifted when the ERP reactivates it). */
    suspendedByErp: boolean('suspended_by_erp').notNull().default(false),
    erpKey: text('erp_key'),
    erpRev: bigint('erp_rev', { mode: 'bigint' }),
    syncedAt: timestamp('synced_at', { withTimezone: true }),
  },
  (t) => [
    index('parties_kind_idx').on(t.kind),
    // parties.list (accounts by name, keyset on (name, id)) walks this instead of sorting every party.
    index('parties_name_idx').on(t.name, t.id),
    uniqueIndex('parties_erp_key').on(t.erpKey),
    uniqueIndex('parties_kind_erp_ref_key').on(t.kind, t.erpRef).where(sql`erp_ref is not null`),
  ],
);
