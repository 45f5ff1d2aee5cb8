import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { users } from './users.ts';

/**
 * Access review campaigns. The campaign header is internal (no party: only staff start and close
 * campaigns, and party admins reach it only through their own items); each item (one user x one role,
 * snapshotted at start) belongs to the user's party, under row-level security like all party data.
 */
export const accessReviews = pgTable('access_reviews', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: text('name').notNull(),
  startedBy: uuid('started_by').references(() => users.id),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  deadline: timestamp('deadline', { withTimezone: true }).notNull(),
  status: text('status', { enum: ['open', 'closed'] }).notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
});

export const accessReviewItems = pgTable(
  'access_review_items',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => accessReviews.id),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    roleKey: text('role_key').notNull(),
    decision: text('decision', { enum: ['keep', 'revoke', 'expired'] }),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('access_review_items_party_idx').on(t.partyId, t.reviewId, t.id)],
);
