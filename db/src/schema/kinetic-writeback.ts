import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { integrationEvents } from './integrations.ts';
import { kineticConnections } from './kinetic.ts';

/**
 * Kinetic write-back (issue 16 item 4, design note §8.4): the second delivery target of the outbox, next
 * to webhooks. System data like the connection: staff set the mode on the app pool, the write-back worker
 * reads and writes under the system scope, and the sync job (gatehouse_sync) marks rows confirmed when it
 * reads the ERP's echo. `fanout_cursor` is the last outbox id turned into write-backs: only events
 * recorded after write-back was switched on are written.
 */
export const kineticWritebackSettings = pgTable('kinetic_writeback_settings', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => kineticConnections.id),
  /** off: nothing is written; efx: the Gatehouse function library (UD queue where no function exists); ud: the UD queue only. */
  mode: text('mode', { enum: ['off', 'efx', 'ud'] })
    .notNull()
    .default('off'),
  /** A write-back Kinetic accepted but whose echo no sync has seen this long raises an alert. */
  confirmTimeoutMs: integer('confirm_timeout_ms').notNull().default(86_400_000),
  fanoutCursor: bigint('fanout_cursor', { mode: 'bigint' }).notNull(),
  /** The outbox id when write-back was switched on: the fan-out never looks behind it. */
  startCursor: bigint('start_cursor', { mode: 'bigint' }).notNull(),
});

/**
 * One outbox event on its way into Kinetic. `request` is exactly the JSON sent (never bank details: those
 * events are skipped). `echo_key`/`echo_value` say what an inbound sync must see to confirm it (a PO's
 * erp_key and the promised date); `echo_key = 'pending-echo'` defers to erp_pending_echoes (an address or
 * credit limit, confirmed by whichever channel brings the ERP's value back); null: no echo expected.
 * States: pending → sent (Kinetic accepted it) → confirmed (the echo was seen); dead (a business rule
 * refused it, or it failed every retry); skipped (never written, with the reason in `last_error`);
 * overridden (the ERP changed the value itself before applying ours).
 */
export const kineticWritebacks = pgTable(
  'kinetic_writebacks',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    eventId: uuid('event_id')
      .notNull()
      .unique()
      .references(() => integrationEvents.eventId),
    type: text('type').notNull(),
    route: text('route', { enum: ['efx', 'ud', 'skip'] }).notNull(),
    /** The function (`AcknowledgePO`) or the UD table (`UD40`). */
    target: text('target'),
    /** The body sent (the function's parameters or the UD row). */
    request: jsonb('request').$type<Record<string, unknown>>(),
    state: text('state', { enum: ['pending', 'sent', 'confirmed', 'dead', 'skipped', 'overridden'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    /** What Kinetic answered on success (the function's message or the UD row's keys). */
    reference: text('reference'),
    echoKey: text('echo_key'),
    echoValue: text('echo_value'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    /** When the confirmation-timeout alert was raised for it (once). */
    alertedAt: timestamp('alerted_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('kinetic_writebacks_due_idx').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    index('kinetic_writebacks_echo_idx').on(t.echoKey).where(sql`state in ('pending', 'sent')`),
    index('kinetic_writebacks_state_idx').on(t.state, t.id),
  ],
);
