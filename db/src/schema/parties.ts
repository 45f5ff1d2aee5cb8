import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
  },
  (t) => [index('parties_kind_idx').on(t.kind)],
);
