import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Sign-in throttling counters (rate-limiter-flexible's Drizzle store), shared by every server instance
 * and surviving restarts. Keys are hashes of an address and/or an IP, never a party's data, so this
 * table has no party column and no RLS; the app role may read and write it.
 */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
});
