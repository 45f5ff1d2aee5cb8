import type { AuditAction } from '@gatehouse/contract';
import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { auditEvents } from '../schema/index.ts';

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
