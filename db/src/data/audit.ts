import type { AuditAction } from '@gatehouse/contract';
import { and, desc, eq, gte, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { auditCheckpoints, auditEvents, parties, users } from '../schema/index.ts';
import { BadCursor, isBigintId } from './paging.ts';
import { partyPredicate } from './scope.ts';

export interface AuditEntry {
  action: AuditAction;
  outcome: 'success' | 'failure' | 'denied';
  partyId: string | null;
  actorUserId: string | null;
  entityType?: string;
  entityId?: string;
  crossParty?: boolean;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}

/** Appends inside the caller's transaction: if this insert fails, the change it records rolls back. */
export async function record(tx: Tx, e: AuditEntry) {
  await tx.db.insert(auditEvents).values({
    action: e.action,
    outcome: e.outcome,
    partyId: e.partyId,
    actorUserId: e.actorUserId,
    entityType: e.entityType ?? null,
    entityId: e.entityId ?? null,
    crossParty: e.crossParty ?? false,
    requestId: e.requestId ?? null,
    ip: e.ip ?? null,
    userAgent: e.userAgent?.slice(0, 500) ?? null,
    details: e.details ?? null,
  });
}

export interface ChainRow {
  id: string;
  chainKey: string;
  seq: bigint;
  prevHash: Buffer | null;
  hash: Buffer;
  /** The stored hash equals the digest recomputed from the entry's content and its stored prev_hash. */
  contentOk: boolean;
}

/** The chain heads (seq and hash of each chain's last entry), read before the entries are walked. */
export async function chainHeads(tx: Tx): Promise<Map<string, { seq: bigint; hash: Buffer }>> {
  const rows = await tx.db.execute<{ chain_key: string; seq: string; hash: Buffer }>(
    sql`select chain_key, seq, hash from audit_chain_heads`,
  );
  return new Map([...rows].map((r) => [r.chain_key, { seq: BigInt(r.seq), hash: r.hash }]));
}

/** Entries in chain order after (chainKey, seq), with their digest recomputed in the database. */
export async function chainPage(
  tx: Tx,
  after: { chainKey: string; seq: bigint } | null,
  limit: number,
  onlyChain?: string,
): Promise<ChainRow[]> {
  const conditions = [
    after ? sql`(a.chain_key, a.chain_seq) > (${after.chainKey}, ${after.seq.toString()}::bigint)` : sql`true`,
    onlyChain ? sql`a.chain_key = ${onlyChain}` : sql`true`,
  ];
  const from = sql`where ${sql.join(conditions, sql` and `)}`;
  const rows = await tx.db.execute<{
    id: string;
    chain_key: string;
    chain_seq: string;
    prev_hash: Buffer | null;
    hash: Buffer;
    content_ok: boolean;
  }>(sql`select a.id::text, a.chain_key, a.chain_seq, a.prev_hash, a.hash,
                public.gh_audit_digest(a, a.prev_hash) = a.hash as content_ok
         from audit_events a ${from} order by a.chain_key, a.chain_seq limit ${limit}`);
  return [...rows].map((r) => ({
    id: r.id,
    chainKey: r.chain_key,
    seq: BigInt(r.chain_seq),
    prevHash: r.prev_hash,
    hash: r.hash,
    contentOk: r.content_ok,
  }));
}

export interface AuditSearch {
  from?: string;
  to?: string;
  actorUserId?: string;
  partyId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  outcome?: 'success' | 'failure' | 'denied';
  ip?: string;
  cursor?: string;
  limit: number;
}

const entryColumns = {
  id: sql<string>`${auditEvents.id}::text`,
  at: auditEvents.at,
  partyId: auditEvents.partyId,
  partyName: sql<string | null>`(select p.name from ${parties} p where p.id = ${auditEvents.partyId})`,
  actorUserId: auditEvents.actorUserId,
  actorEmail: sql<string | null>`(select u.email from ${users} u where u.id = ${auditEvents.actorUserId})`,
  action: auditEvents.action,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  outcome: auditEvents.outcome,
  crossParty: auditEvents.crossParty,
  requestId: auditEvents.requestId,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
  details: sql<Record<string, unknown> | null>`${auditEvents.details}`,
};

/**
 * Newest first, keyset-paged on (at, id): any filter combination, any depth, same cost per page. The
 * cursor is "<at in microseconds>|<id>". Party scope: own party's entries only (RLS underneath).
 */
/** The search's filters (scope first), shared by the page query and the count. */
function filterPredicates(tx: Tx, q: Omit<AuditSearch, 'cursor' | 'limit'>): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [partyPredicate(tx, auditEvents.partyId, q.partyId)];
  if (tx.scope.kind === 'party') where.push(isNotNull(auditEvents.partyId));
  if (q.from) where.push(gte(auditEvents.at, new Date(q.from)));
  if (q.to) where.push(lt(auditEvents.at, new Date(q.to)));
  if (q.actorUserId) where.push(eq(auditEvents.actorUserId, q.actorUserId));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.entityType) where.push(eq(auditEvents.entityType, q.entityType));
  if (q.entityId) where.push(eq(auditEvents.entityId, q.entityId));
  if (q.outcome) where.push(eq(auditEvents.outcome, q.outcome));
  if (q.ip) where.push(eq(auditEvents.ip, q.ip));
  return where;
}

/**
 * How many entries the filters match, counting no further than `cap` (an export's limit plus one): no
 * exact count over all history, which would read every entry of a large trail.
 */
export async function countUpTo(tx: Tx, q: Omit<AuditSearch, 'cursor' | 'limit'>, cap: number): Promise<number> {
  const inner = tx.db
    .select({ one: sql<number>`1`.as('one') })
    .from(auditEvents)
    .where(and(...filterPredicates(tx, q)))
    .limit(cap)
    .as('matched');
  const [row] = await tx.db.select({ n: sql<number>`count(*)::int` }).from(inner);
  return row?.n ?? 0;
}

export async function search(tx: Tx, q: AuditSearch) {
  // The planner multiplies the row-level-security filter (party_id = <context>) with the search's own
  // party_id = X as if they were independent, estimates a few dozen matching rows, and so reads a whole
  // party's trail through a bitmap scan and sorts it (p99 335 ms for a 78k-entry party over 1M entries)
  // instead of walking the (party, at, id) index for 51 rows. Every filter shape has an index in the
  // keyset order (migration 0014), so this transaction turns bitmap scans and sorts off: the page is then
  // read from an index in order and stops after limit + 1 rows.
  await tx.db.execute(sql`set local enable_bitmapscan = off`);
  await tx.db.execute(sql`set local enable_sort = off`);
  const where = filterPredicates(tx, q);
  if (q.cursor) {
    const [micros, id, ...rest] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
    if (!micros || !id || rest.length > 0 || !/^\d{1,17}$/.test(micros) || !isBigintId(id)) throw new BadCursor();
    where.push(
      sql`(${auditEvents.at}, ${auditEvents.id}) < (to_timestamp(${micros}::numeric / 1000000), ${id}::bigint)`,
    );
  }
  const rows = await tx.db
    .select({ ...entryColumns, micros: sql<string>`(extract(epoch from ${auditEvents.at}) * 1000000)::bigint::text` })
    .from(auditEvents)
    .where(and(...where))
    // NULLS LAST as the indexes of migration 0014 are declared (Drizzle's .desc()); plain DESC means
    // NULLS FIRST, which none of them serves (see paging.ts orderOf).
    .orderBy(sql`${auditEvents.at} desc nulls last`, sql`${auditEvents.id} desc nulls last`)
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = (more ? rows.slice(0, q.limit) : rows).map(({ micros: _m, ...r }) => r);
  const last = more ? rows[q.limit - 1] : undefined;
  return { items, nextCursor: last ? Buffer.from(`${last.micros}|${last.id}`).toString('base64url') : null };
}

export type AuditRow = Awaited<ReturnType<typeof search>>['items'][number];

/** One entry with its chain position and whether its hash still matches its content. */
export async function getEntry(tx: Tx, id: string) {
  const where: (SQL | undefined)[] = [eq(auditEvents.id, BigInt(id)), partyPredicate(tx, auditEvents.partyId)];
  if (tx.scope.kind === 'party') where.push(isNotNull(auditEvents.partyId));
  const [row] = await tx.db
    .select({
      ...entryColumns,
      chainKey: auditEvents.chainKey,
      chainSeq: sql<string>`${auditEvents.chainSeq}::text`,
      hash: sql<string>`encode(${auditEvents.hash}, 'hex')`,
      prevHash: sql<string | null>`encode(${auditEvents.prevHash}, 'hex')`,
      intact: sql<boolean>`public.gh_audit_digest(${auditEvents}, ${auditEvents.prevHash}) = ${auditEvents.hash}`,
    })
    .from(auditEvents)
    .where(and(...where));
  return row;
}

export async function insertCheckpoint(tx: Tx, row: typeof auditCheckpoints.$inferInsert) {
  const [r] = await tx.db
    .insert(auditCheckpoints)
    .values(row)
    .returning({ id: sql<string>`${auditCheckpoints.id}::text` });
  return (r as { id: string }).id;
}

export async function checkpoints(tx: Tx, limit: number) {
  return tx.db
    .select({
      id: sql<string>`${auditCheckpoints.id}::text`,
      at: auditCheckpoints.at,
      payload: auditCheckpoints.payload,
      signature: auditCheckpoints.signature,
      publicKey: auditCheckpoints.publicKey,
    })
    .from(auditCheckpoints)
    .orderBy(desc(auditCheckpoints.id))
    .limit(limit);
}

/**
 * The first of `heads` ([chain, seq, hashHex], as a checkpoint signed them) whose entry is missing or has
 * another hash now, with the hash found (hex, or null when missing); undefined when all match.
 */
export async function firstHeadMismatch(tx: Tx, heads: [string, string, string][]) {
  if (heads.length === 0) return undefined;
  const [row] = await tx.db.execute<{ i: number; hash: string | null }>(sql`
    select h.i::int as i, encode(a.hash, 'hex') as hash
    from jsonb_array_elements(${JSON.stringify(heads)}::jsonb) with ordinality h(v, i)
    left join audit_events a on a.chain_key = h.v->>0 and a.chain_seq = (h.v->>1)::bigint
    where a.hash is distinct from decode(h.v->>2, 'hex')
    order by h.i limit 1`);
  if (!row) return undefined;
  return { head: heads[row.i - 1] as [string, string, string], hash: row.hash };
}
