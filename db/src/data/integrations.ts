import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import {
  type EchoValue,
  erpPendingEchoes,
  integrationEvents,
  integrationKeys,
  integrations,
  parties,
  users,
} from '../schema/index.ts';
import { writeParty } from './scope.ts';

export type { EchoValue } from '../schema/index.ts';

// ---- integrations and keys: system data (the system scope, or staff under the all-parties scope)

/** The integration of that name, made on first use: keys are what staff manage; the principal follows. */
export async function findOrCreateIntegration(tx: Tx, name: string, createdBy: string) {
  const [existing] = await tx.db
    .select({ id: integrations.id, status: integrations.status })
    .from(integrations)
    .where(eq(integrations.name, name));
  if (existing) return { id: existing.id, created: false };
  const [row] = await tx.db.insert(integrations).values({ name, createdBy }).returning({ id: integrations.id });
  return { id: (row as { id: string }).id, created: true };
}

export async function insertKey(
  tx: Tx,
  k: {
    id: string;
    integrationId: string;
    secretHmac: Buffer;
    scopes: string[];
    ipAllowlist: string[];
    requestsPerMinute: number;
    rowsPerMinute: number;
    expiresAt: Date;
    createdBy: string;
    createdAt: Date;
    replaces?: string;
  },
) {
  await tx.db.insert(integrationKeys).values({ ...k, replaces: k.replaces ?? null });
}

/** A key with its integration, for the auth check (no row: unknown id). */
export async function keyForAuth(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({
      id: integrationKeys.id,
      integrationId: integrationKeys.integrationId,
      integrationName: integrations.name,
      integrationStatus: integrations.status,
      suspendInactive: integrations.suspendInactive,
      secretHmac: integrationKeys.secretHmac,
      scopes: integrationKeys.scopes,
      ipAllowlist: integrationKeys.ipAllowlist,
      requestsPerMinute: integrationKeys.requestsPerMinute,
      rowsPerMinute: integrationKeys.rowsPerMinute,
      expiresAt: integrationKeys.expiresAt,
      revokedAt: integrationKeys.revokedAt,
      lastUsedAt: integrationKeys.lastUsedAt,
      lastUsedIp: integrationKeys.lastUsedIp,
      seenIps: integrationKeys.seenIps,
    })
    .from(integrationKeys)
    .innerJoin(integrations, eq(integrations.id, integrationKeys.integrationId))
    .where(eq(integrationKeys.id, id));
  return row ?? null;
}

export async function getKeyForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db.select().from(integrationKeys).where(eq(integrationKeys.id, id)).for('update');
  return row ?? null;
}

/** How many addresses a key remembers having been used from (the most recent ones). */
const SEEN_IPS_KEPT = 50;

/**
 * Records a use: at most once a minute per key or on a new address (the caller decides), so busy keys do not
 * write on every call. The address joins the key's remembered ones (most recent first, bounded).
 */
export async function touchKey(tx: Tx, id: string, at: Date, ip: string) {
  await tx.db
    .update(integrationKeys)
    .set({
      lastUsedAt: at,
      lastUsedIp: ip,
      seenIps: sql`(array_prepend(${ip}::text, array_remove(${integrationKeys.seenIps}, ${ip}::text)))[1:${SEEN_IPS_KEPT}]`,
    })
    .where(eq(integrationKeys.id, id));
}

export async function revokeKey(tx: Tx, id: string, by: string, at: Date) {
  const rows = await tx.db
    .update(integrationKeys)
    .set({ revokedAt: at, revokedBy: by })
    .where(and(eq(integrationKeys.id, id), isNull(integrationKeys.revokedAt)))
    .returning({ id: integrationKeys.id });
  return rows.length === 1;
}

/** Shortens a key's life (the overlap after a rotation); never lengthens it. */
export async function expireKeyBy(tx: Tx, id: string, at: Date) {
  await tx.db
    .update(integrationKeys)
    .set({ expiresAt: at })
    .where(and(eq(integrationKeys.id, id), gt(integrationKeys.expiresAt, at)));
}

export async function listKeys(tx: Tx) {
  return tx.db
    .select({
      keyId: integrationKeys.id,
      integrationId: integrationKeys.integrationId,
      integrationName: integrations.name,
      scopes: integrationKeys.scopes,
      ipAllowlist: integrationKeys.ipAllowlist,
      requestsPerMinute: integrationKeys.requestsPerMinute,
      rowsPerMinute: integrationKeys.rowsPerMinute,
      createdAt: integrationKeys.createdAt,
      createdByEmail: users.email,
      expiresAt: integrationKeys.expiresAt,
      lastUsedAt: integrationKeys.lastUsedAt,
      lastUsedIp: integrationKeys.lastUsedIp,
      revokedAt: integrationKeys.revokedAt,
      replaces: integrationKeys.replaces,
    })
    .from(integrationKeys)
    .innerJoin(integrations, eq(integrations.id, integrationKeys.integrationId))
    .innerJoin(users, eq(users.id, integrationKeys.createdBy))
    .orderBy(asc(integrations.name), desc(integrationKeys.createdAt))
    .limit(500);
}

/** Every integration (source) with its settings, by name: what the Integrations screen lists. */
export async function listIntegrations(tx: Tx) {
  return tx.db
    .select({
      id: integrations.id,
      name: integrations.name,
      status: integrations.status,
      suspendInactive: integrations.suspendInactive,
    })
    .from(integrations)
    .orderBy(asc(integrations.name))
    .limit(500);
}

export async function getIntegrationForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select({ id: integrations.id, name: integrations.name, suspendInactive: integrations.suspendInactive })
    .from(integrations)
    .where(eq(integrations.id, id))
    .for('update');
  return row ?? null;
}

export async function setSuspendInactive(tx: Tx, id: string, suspendInactive: boolean) {
  await tx.db.update(integrations).set({ suspendInactive }).where(eq(integrations.id, id));
}

/**
 * Live keys that expire before `warnBefore` and were not warned yet, or that have gone unused since
 * `unusedSince` (or were never used, made before it) and were not warned about that since: what the daily
 * job mails about. The rows are locked (SKIP LOCKED), so two instances never mail the same warning.
 */
export async function keysNeedingWarning(tx: Tx, now: Date, warnBefore: Date, unusedSince: Date) {
  const expiring = and(lt(integrationKeys.expiresAt, warnBefore), isNull(integrationKeys.expiryWarnedAt));
  const unused = and(
    lt(integrationKeys.createdAt, unusedSince),
    or(isNull(integrationKeys.lastUsedAt), lt(integrationKeys.lastUsedAt, unusedSince)),
    or(isNull(integrationKeys.unusedWarnedAt), lt(integrationKeys.unusedWarnedAt, unusedSince)),
  );
  return tx.db
    .select({
      keyId: integrationKeys.id,
      integrationName: integrations.name,
      expiresAt: integrationKeys.expiresAt,
      lastUsedAt: integrationKeys.lastUsedAt,
      expiring: sql<boolean>`coalesce(${expiring}, false)`,
      unused: sql<boolean>`coalesce(${unused}, false)`,
    })
    .from(integrationKeys)
    .innerJoin(integrations, eq(integrations.id, integrationKeys.integrationId))
    .where(and(isNull(integrationKeys.revokedAt), gt(integrationKeys.expiresAt, now), or(expiring, unused)))
    .for('update', { of: integrationKeys, skipLocked: true });
}

export async function markWarned(tx: Tx, expiring: string[], unused: string[], at: Date) {
  if (expiring.length > 0)
    await tx.db.update(integrationKeys).set({ expiryWarnedAt: at }).where(inArray(integrationKeys.id, expiring));
  if (unused.length > 0)
    await tx.db.update(integrationKeys).set({ unusedWarnedAt: at }).where(inArray(integrationKeys.id, unused));
}

// ---- the outbox: party data, written in the transaction of the decision it reports

export async function recordEvent(
  tx: Tx,
  e: { type: string; partyId: string; subject: Record<string, unknown>; payload: Record<string, unknown>; at: Date },
) {
  const [row] = await tx.db
    .insert(integrationEvents)
    .values({
      type: e.type,
      partyId: writeParty(tx, e.partyId),
      subject: e.subject,
      payload: e.payload,
      occurredAt: e.at,
    })
    .returning({ eventId: integrationEvents.eventId });
  return (row as { eventId: string }).eventId;
}

/**
 * A portal decision the ERP must echo (design note §6.5): until it does, a sync carrying the old value
 * leaves the portal's in place. A newer decision on the same field replaces an older one still pending.
 */
export async function expectEcho(
  tx: Tx,
  e: {
    partyId: string;
    field: 'address' | 'bank_details' | 'credit_limit';
    value: EchoValue;
    previous: EchoValue | null;
    eventId: string;
    at: Date;
  },
) {
  const party = writeParty(tx, e.partyId);
  await tx.db
    .update(erpPendingEchoes)
    .set({ settledAt: e.at, outcome: 'replaced' })
    .where(
      and(eq(erpPendingEchoes.partyId, party), eq(erpPendingEchoes.field, e.field), isNull(erpPendingEchoes.settledAt)),
    );
  await tx.db.insert(erpPendingEchoes).values({
    partyId: party,
    field: e.field,
    value: e.value,
    previous: e.previous ?? null,
    eventId: e.eventId,
    createdAt: e.at,
  });
}

/** The pull feed: events after `after` in their total order, with the party's ERP reference and kind. */
export async function eventsAfter(tx: Tx, q: { after: bigint; limit: number; types?: string[] }) {
  const rows = await tx.db
    .select({
      id: sql<string>`${integrationEvents.id}::text`,
      eventId: integrationEvents.eventId,
      type: integrationEvents.type,
      occurredAt: integrationEvents.occurredAt,
      partyKind: parties.kind,
      partyErpRef: parties.erpRef,
      partyName: parties.name,
      subject: sql<Record<string, unknown>>`${integrationEvents.subject}`,
      payload: sql<Record<string, unknown>>`${integrationEvents.payload}`,
    })
    .from(integrationEvents)
    .innerJoin(parties, eq(parties.id, integrationEvents.partyId))
    .where(
      and(
        gt(integrationEvents.id, q.after),
        q.types && q.types.length > 0 ? inArray(integrationEvents.type, q.types) : undefined,
      ),
    )
    .orderBy(asc(integrationEvents.id))
    .limit(q.limit);
  return rows;
}
