import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { parties } from './parties.ts';
import { users } from './users.ts';

/**
 * A user's language and time zone (docs/i18n.md). No row yet: the user has not signed in since this
 * existed, and the SPA proposes the browser's (navigator.language, the resolved time zone) at first sign-in.
 * `locale` is one the SPA ships a catalogue for (contract LOCALES); `time_zone` an IANA name the runtime knows.
 * Party-scoped like the user it belongs to (RLS).
 */
export const userPreferences = pgTable('user_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  partyId: uuid('party_id')
    .notNull()
    .references(() => parties.id),
  locale: text('locale').notNull(),
  timeZone: text('time_zone').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
