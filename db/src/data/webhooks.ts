import { and, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { integrationEvents, parties, users, webhookDeliveries, webhookEndpoints } from '../schema/index.ts';

// ---- webhook endpoints and deliveries: system data (the system scope, or staff under the all-parties scope)

/** How far behind its cursor the fan-out looks again, for outbox rows whose transaction committed late. */
const LOOKBACK_IDS = 200n;

export async function insertEndpoint(
  tx: Tx,
  e: {
    url: string;
    description: string;
    eventTypes: string[];
    allowedCidrs: string[];
    secretSealed: string;
    createdBy: string;
    createdAt: Date;
  },
) {
  // The endpoint receives what is recorded from now on: its cursor starts at the newest outbox id.
  const [row] = await tx.db
    .insert(webhookEndpoints)
    .values({
      ...e,
      fanoutCursor: sql`(select coalesce(max(id), 0) from integration_events)`,
      startCursor: sql`(select coalesce(max(id), 0) from integration_events)`,
    })
    .returning({ id: webhookEndpoints.id });
  return (row as { id: string }).id;
}

export async function getEndpointForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
  return row ?? null;
}

export async function getEndpoints(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx.db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, ids));
}

export async function updateEndpoint(
  tx: Tx,
  id: string,
  set: Partial<
    Pick<
      typeof webhookEndpoints.$inferInsert,
      'status' | 'disabledReason' | 'secretSealed' | 'previousSecretSealed' | 'previousUntil' | 'secretRotatedAt'
    >
  >,
) {
  await tx.db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id));
}

/** Every endpoint with its delivery counts, newest first (never the secrets). */
export async function listEndpoints(tx: Tx) {
  return tx.db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      description: webhookEndpoints.description,
      eventTypes: webhookEndpoints.eventTypes,
      status: webhookEndpoints.status,
      disabledReason: webhookEndpoints.disabledReason,
      allowedCidrs: webhookEndpoints.allowedCidrs,
      secretRotatedAt: webhookEndpoints.secretRotatedAt,
      previousUntil: webhookEndpoints.previousUntil,
      createdAt: webhookEndpoints.createdAt,
      createdByEmail: users.email,
      pending: sql<number>`(select count(*)::int from webhook_deliveries d
                             where d.endpoint_id = ${webhookEndpoints.id} and d.state = 'pending')`,
      dead: sql<number>`(select count(*)::int from webhook_deliveries d
                          where d.endpoint_id = ${webhookEndpoints.id} and d.state = 'dead')`,
      lastDeliveredAt: sql<Date | null>`(select max(d.delivered_at) from webhook_deliveries d
                                          where d.endpoint_id = ${webhookEndpoints.id})`.mapWith((v: string | null) =>
        v ? new Date(v) : null,
      ),
    })
    .from(webhookEndpoints)
    .innerJoin(users, eq(users.id, webhookEndpoints.createdBy))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

/** An endpoint's deliveries, newest first, with their event's feed id and type. */
export async function listDeliveries(
  tx: Tx,
  q: { endpointId: string; state?: 'pending' | 'delivered' | 'dead' | undefined; before?: bigint; limit: number },
) {
  return tx.db
    .select({
      id: sql<string>`${webhookDeliveries.id}::text`,
      eventId: webhookDeliveries.eventId,
      cursor: sql<string>`${integrationEvents.id}::text`,
      type: integrationEvents.type,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatus: webhookDeliveries.lastStatus,
      lastError: webhookDeliveries.lastError,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      replay: sql<boolean>`${webhookDeliveries.replayedBy} is not null`,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(integrationEvents, eq(integrationEvents.eventId, webhookDeliveries.eventId))
    .where(
      and(
        eq(webhookDeliveries.endpointId, q.endpointId),
        q.state ? eq(webhookDeliveries.state, q.state) : undefined,
        q.before !== undefined ? lt(webhookDeliveries.id, q.before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit);
}

/**
 * Turns new outbox rows into pending deliveries, for every active endpoint this instance can lock (SKIP
 * LOCKED: another instance fanning out the same endpoint is skipped, not waited for). Looks a little
 * behind the cursor again, so an event whose transaction took an id early but committed late is not lost;
 * an event already delivered to the endpoint is not added twice.
 *
 * Two statements on purpose: the endpoints are locked first, and what they already have is read by the
 * next statement. In one statement the "already there" check read the snapshot taken at its start: when
 * another instance committed its fan-out of the same events between that snapshot and this statement
 * reaching the endpoint row, SKIP LOCKED found the row free, READ COMMITTED locked its newest version, and
 * the check, blind to the other instance's rows, added every event a second time (each one sent twice).
 * A statement that starts after the lock is held sees everything an earlier holder committed.
 */
export async function fanOut(tx: Tx, now: Date, limit = 500): Promise<number> {
  const locked = await tx.db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.status, 'active'))
    .for('update', { skipLocked: true });
  if (locked.length === 0) return 0;
  const rows = await tx.db.execute<{ n: number }>(sql`
    with ep as (
      select id, fanout_cursor, start_cursor, event_types from webhook_endpoints
       where ${inArray(
         webhookEndpoints.id,
         locked.map((e) => e.id),
       )}
    ), ev as (
      select ep.id as endpoint_id, ep.event_types, e.id as eid, e.event_id, e.type
        from ep cross join lateral (
          select i.id, i.event_id, i.type from integration_events i
           where i.id > greatest(ep.start_cursor, ep.fanout_cursor - ${LOOKBACK_IDS})
           order by i.id limit ${limit}
        ) e
    ), ins as (
      insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
      select ev.endpoint_id, ev.event_id, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz from ev
       where (cardinality(ev.event_types) = 0 or ev.type = any(ev.event_types))
         and not exists (select 1 from webhook_deliveries d
                          where d.endpoint_id = ev.endpoint_id and d.event_id = ev.event_id)
      returning 1
    ), moved as (
      update webhook_endpoints w set fanout_cursor = m.top
        from (select endpoint_id, max(eid) as top from ev group by endpoint_id) m
       where w.id = m.endpoint_id and m.top > w.fanout_cursor
      returning 1
    )
    select (select count(*)::int from ins) as n, (select count(*) from moved) as moved`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Claims due deliveries of active endpoints: FOR UPDATE SKIP LOCKED, then their next attempt is pushed out
 * by `leaseMs` in the same statement, so the claim survives this transaction's commit (the HTTP call runs
 * outside it) and a crashed sender's row becomes due again after the lease.
 */
export async function claimDue(tx: Tx, now: Date, limit: number, leaseMs: number) {
  const rows = await tx.db.execute<{ id: string }>(sql`
    update webhook_deliveries d set next_attempt_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
      from (select d2.id from webhook_deliveries d2
              join webhook_endpoints w on w.id = d2.endpoint_id and w.status = 'active'
             where d2.state = 'pending' and d2.next_attempt_at <= ${now.toISOString()}::timestamptz
             order by d2.next_attempt_at limit ${limit}
             for update of d2 skip locked) due
     where d.id = due.id
    returning d.id::text as id`);
  if (rows.length === 0) return [];
  return tx.db
    .select({
      id: sql<string>`${webhookDeliveries.id}::text`,
      endpointId: webhookDeliveries.endpointId,
      attempts: webhookDeliveries.attempts,
      eventId: integrationEvents.eventId,
      cursor: sql<string>`${integrationEvents.id}::text`,
      type: integrationEvents.type,
      occurredAt: integrationEvents.occurredAt,
      partyKind: parties.kind,
      partyErpRef: parties.erpRef,
      partyName: parties.name,
      subject: sql<Record<string, unknown>>`${integrationEvents.subject}`,
      payload: sql<Record<string, unknown>>`${integrationEvents.payload}`,
    })
    .from(webhookDeliveries)
    .innerJoin(integrationEvents, eq(integrationEvents.eventId, webhookDeliveries.eventId))
    .innerJoin(parties, eq(parties.id, integrationEvents.partyId))
    .where(
      inArray(
        webhookDeliveries.id,
        rows.map((r) => BigInt(r.id)),
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt);
}

export async function recordAttempt(
  tx: Tx,
  id: string,
  r: {
    state: 'pending' | 'delivered' | 'dead';
    attempts: number;
    at: Date;
    nextAttemptAt: Date;
    status: number | null;
    error: string | null;
  },
) {
  await tx.db
    .update(webhookDeliveries)
    .set({
      state: r.state,
      attempts: r.attempts,
      lastAttemptAt: r.at,
      nextAttemptAt: r.nextAttemptAt,
      lastStatus: r.status,
      lastError: r.error?.slice(0, 500) ?? null,
      deliveredAt: r.state === 'delivered' ? r.at : null,
    })
    .where(eq(webhookDeliveries.id, BigInt(id)));
}

/** Outbox events by event id or by feed id range (inclusive), capped; for a replay. */
export async function eventsForReplay(
  tx: Tx,
  q: { eventId: string } | { from: bigint; to: bigint; types: string[]; limit: number },
) {
  const cols = { eventId: integrationEvents.eventId, cursor: sql<string>`${integrationEvents.id}::text` };
  if ('eventId' in q) return tx.db.select(cols).from(integrationEvents).where(eq(integrationEvents.eventId, q.eventId));
  return tx.db
    .select(cols)
    .from(integrationEvents)
    .where(
      and(
        gte(integrationEvents.id, q.from),
        lte(integrationEvents.id, q.to),
        q.types.length > 0 ? inArray(integrationEvents.type, q.types) : undefined,
      ),
    )
    .orderBy(integrationEvents.id)
    .limit(q.limit);
}

export async function insertReplays(tx: Tx, endpointId: string, eventIds: string[], by: string, now: Date) {
  if (eventIds.length === 0) return;
  await tx.db
    .insert(webhookDeliveries)
    .values(eventIds.map((eventId) => ({ endpointId, eventId, replayedBy: by, nextAttemptAt: now, createdAt: now })));
}

/**
 * Whether a dead-delivery alert about this endpoint was raised since `since`: an endpoint down for days
 * lets many deliveries die together, and its admins want one alert (and one mail) an hour about it, not
 * one per event. The deliveries themselves are each audited and listed.
 */
export async function deadAlertSince(tx: Tx, endpointId: string, since: Date): Promise<boolean> {
  const rows = await tx.db.execute<{ one: number }>(sql`
    select 1 as one from alerts
     where rule = 'webhook-delivery-dead' and at >= ${since.toISOString()}::timestamptz
       and details->>'endpoint' = ${endpointId}
     limit 1`);
  return rows.length > 0;
}
