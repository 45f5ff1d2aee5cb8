import { desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { kineticWritebackSettings, kineticWritebacks } from '../schema/index.ts';
import { CONNECTION_ID } from './kinetic.ts';

// ---- Kinetic write-back: system data (the system scope; staff under the all-parties scope)

export type Settings = typeof kineticWritebackSettings.$inferSelect;
export type Writeback = typeof kineticWritebacks.$inferSelect;
export type WritebackState = Writeback['state'];

export async function getSettings(tx: Tx): Promise<Settings | null> {
  const [row] = await tx.db
    .select()
    .from(kineticWritebackSettings)
    .where(eq(kineticWritebackSettings.connectionId, CONNECTION_ID));
  return row ?? null;
}

/**
 * Sets the mode and timeout. Switching write-back on (from off, or the first time) starts it at the newest
 * outbox event: what was decided while it was off is not written into Kinetic after the fact.
 */
export async function saveSettings(tx: Tx, s: { mode: Settings['mode']; confirmTimeoutMs: number }) {
  const [prior] = await tx.db
    .select()
    .from(kineticWritebackSettings)
    .where(eq(kineticWritebackSettings.connectionId, CONNECTION_ID))
    .for('update');
  const [top] = await tx.db.execute<{ id: string | null }>(sql`select max(id)::text as id from integration_events`);
  const head = BigInt(top?.id ?? '0');
  const restart = !prior || (prior.mode === 'off' && s.mode !== 'off');
  const cursors = restart ? { fanoutCursor: head, startCursor: head } : {};
  await tx.db
    .insert(kineticWritebackSettings)
    .values({ connectionId: CONNECTION_ID, ...s, fanoutCursor: head, startCursor: head })
    .onConflictDoUpdate({ target: kineticWritebackSettings.connectionId, set: { ...s, ...cursors } });
  return prior ?? null;
}

export type NewEvent = {
  id: string;
  eventId: string;
  type: string;
  occurredAt: Date;
  partyKind: string;
  partyErpKey: string | null;
  partyErpRef: string | null;
  subject: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The purchase order a `purchase_order.*` event names, by its ERP key. */
  poErpKey: string | null;
};

/**
 * Outbox ids are taken before commit, so an event can commit behind the cursor: the fan-out looks this far
 * back each time (as the webhook fan-out does); the unique event id makes a second look harmless.
 */
const LOOKBACK_IDS = 1000n;

/** Outbox events after the write-back cursor not yet planned, with the party's and the PO's ERP keys. */
export async function eventsAfter(
  tx: Tx,
  s: { fanoutCursor: bigint; startCursor: bigint },
  limit: number,
): Promise<NewEvent[]> {
  const from = s.fanoutCursor - LOOKBACK_IDS > s.startCursor ? s.fanoutCursor - LOOKBACK_IDS : s.startCursor;
  const rows = await tx.db.execute<Omit<NewEvent, 'occurredAt'> & { occurredAt: string | Date }>(sql`
    select e.id::text as id, e.event_id as "eventId", e.type, e.occurred_at as "occurredAt",
           p.kind as "partyKind", p.erp_key as "partyErpKey", p.erp_ref as "partyErpRef",
           e.subject, e.payload, po.erp_key as "poErpKey"
      from integration_events e
      join parties p on p.id = e.party_id
      left join purchase_orders po
        on e.type like 'purchase_order.%' and po.party_id = e.party_id
       and po.number = e.subject->>'purchaseOrderNumber'
     where e.id > ${from.toString()}
       and not exists (select 1 from kinetic_writebacks w where w.event_id = e.event_id)
     order by e.id
     limit ${limit}`);
  return rows.map((r) => ({ ...r, occurredAt: new Date(r.occurredAt) }));
}

export type NewWriteback = Omit<typeof kineticWritebacks.$inferInsert, 'id'>;

/** The planned write-backs of a batch of events, and the cursor moved past them (one transaction). */
export async function insertPlanned(tx: Tx, rows: NewWriteback[], cursor: bigint) {
  if (rows.length > 0) await tx.db.insert(kineticWritebacks).values(rows).onConflictDoNothing();
  // greatest(): two instances planning at once never move the cursor back.
  await tx.db
    .update(kineticWritebackSettings)
    .set({ fanoutCursor: sql`greatest(${kineticWritebackSettings.fanoutCursor}, ${cursor.toString()}::bigint)` })
    .where(eq(kineticWritebackSettings.connectionId, CONNECTION_ID));
}

/** Due write-backs, claimed with a lease (SKIP LOCKED: several instances never send one attempt twice). */
export async function claimDue(tx: Tx, now: Date, limit: number, leaseMs: number): Promise<Writeback[]> {
  const ids = await tx.db.execute<{ id: string }>(sql`
    update kinetic_writebacks w set next_attempt_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
      from (select id from kinetic_writebacks
             where state = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
             order by id limit ${limit}
             for update skip locked) due
     where w.id = due.id
    returning w.id::text as id`);
  if (ids.length === 0) return [];
  return tx.db
    .select()
    .from(kineticWritebacks)
    .where(sql`${kineticWritebacks.id} in (select unnest(${`{${ids.map((r) => r.id).join(',')}}`}::bigint[]))`)
    .orderBy(kineticWritebacks.id);
}

/** One attempt's outcome. A row confirmed meanwhile (its echo arrived first) keeps that state. */
export async function recordAttempt(
  tx: Tx,
  id: bigint,
  r: {
    state: 'pending' | 'sent' | 'dead';
    attempts: number;
    at: Date;
    nextAttemptAt: Date;
    status: number | null;
    error: string | null;
    reference?: string | null;
  },
) {
  const [row] = await tx.db
    .update(kineticWritebacks)
    .set({
      state: sql`case when ${kineticWritebacks.state} = 'confirmed' then 'confirmed' else ${r.state} end`,
      attempts: r.attempts,
      lastAttemptAt: r.at,
      nextAttemptAt: r.nextAttemptAt,
      lastStatus: r.status,
      lastError: r.error,
      ...(r.state === 'sent' ? { sentAt: r.at, reference: r.reference ?? null } : {}),
    })
    .where(eq(kineticWritebacks.id, id))
    .returning({ state: kineticWritebacks.state });
  return row?.state ?? null;
}

/**
 * The echo seen by an inbound sync (gatehouse_sync may only change state and confirmed_at): each pending or
 * sent write-back whose expected echo (an ERP key and a value) matches what the ERP now holds is confirmed.
 * A row still pending is confirmed too: Kinetic applied it before Gatehouse heard its answer, and it is
 * not sent again.
 */
export async function confirmEchoes(tx: Tx, seen: { key: string; value: string | null }[], at: Date) {
  const pairs = seen.filter((s) => s.value !== null);
  if (pairs.length === 0) return 0;
  const rows = await tx.db.execute<{ id: string }>(sql`
    update kinetic_writebacks w set state = 'confirmed', confirmed_at = ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as s(key text, value text)
     where w.state in ('pending', 'sent') and w.echo_key = s.key and w.echo_value = s.value
    returning w.id::text as id`);
  return rows.length;
}

/**
 * Write-backs of an address or credit limit follow their erp_pending_echoes row, whichever channel brought
 * the ERP's value: confirmed when the ERP echoed it, overridden when the ERP changed it itself.
 */
export async function settleFromPendingEchoes(tx: Tx, at: Date) {
  const rows = await tx.db.execute<{ id: string }>(sql`
    update kinetic_writebacks w
       set state = case when e.outcome = 'confirmed' then 'confirmed' else 'overridden' end,
           confirmed_at = case when e.outcome = 'confirmed' then coalesce(e.settled_at, ${at.toISOString()}::timestamptz) end
      from erp_pending_echoes e
     where w.echo_key = 'pending-echo' and w.state in ('pending', 'sent')
       and e.event_id = w.event_id and e.outcome in ('confirmed', 'overridden')
    returning w.id::text as id`);
  return rows.length;
}

/** Sent write-backs whose echo is overdue and not yet alerted: marked alerted (once) and returned. */
export async function overdue(tx: Tx, sentBefore: Date, at: Date, limit = 100) {
  return tx.db.execute<{ eventId: string; type: string; target: string | null; sentAt: string }>(sql`
    update kinetic_writebacks w set alerted_at = ${at.toISOString()}::timestamptz
      from (select id from kinetic_writebacks
             where state = 'sent' and echo_key is not null and alerted_at is null
               and sent_at < ${sentBefore.toISOString()}::timestamptz
             order by id limit ${limit} for update skip locked) o
     where w.id = o.id
    returning w.event_id as "eventId", w.type, w.target, w.sent_at::text as "sentAt"`);
}

export async function counts(tx: Tx): Promise<Partial<Record<WritebackState, number>>> {
  const rows = await tx.db
    .select({ state: kineticWritebacks.state, n: sql<number>`count(*)::int` })
    .from(kineticWritebacks)
    .groupBy(kineticWritebacks.state);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export async function recent(tx: Tx, limit: number) {
  return tx.db.select().from(kineticWritebacks).orderBy(desc(kineticWritebacks.id)).limit(limit);
}
