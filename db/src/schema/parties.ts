import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
  },
  (t) => [index('parties_kind_idx').on(t.kind)],
);
