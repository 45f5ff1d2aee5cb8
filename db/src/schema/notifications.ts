import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { users } from './users.ts';

// Notifications (issue 19 item 6, docs/notifications.md): one in-app row per recipient and event, and each
// user's choice per event type (immediate mail, daily digest, off). Party tables led by party_id (the
// recipient's party): RLS and the data layer both scope by it.

/** One notification for one recipient. `mail`: what became of its mail (sent now, waiting for the digest, none). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    type: text('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A path inside the SPA (`/purchase-orders/…`), never an outside address. */
    link: text('link'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    mail: text('mail', { enum: ['immediate', 'digest', 'off'] }).notNull(),
    /** When the daily digest carried it (mail = digest). */
    digestedAt: timestamp('digested_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('notifications_user_idx').on(t.partyId, t.userId, t.createdAt, t.id),
    index('notifications_digest_idx').on(t.createdAt).where(sql`mail = 'digest' and digested_at is null`),
  ],
);

/** A user's choice for one event type; no row means the type's default (immediate mail). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    type: text('type').notNull(),
    mode: text('mode', { enum: ['immediate', 'digest', 'off'] }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.partyId, t.userId, t.type] })],
);
