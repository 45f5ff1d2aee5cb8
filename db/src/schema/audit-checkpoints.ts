import { bigserial, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One chain's head as a checkpoint signs it: [chain, seq, hash in hex]. */
export type CheckpointHead = readonly [chain: string, seq: string, hashHex: string];

/**
 * Signed checkpoints of the audit chains: every chain's head (sequence and hash) at a moment, signed with
 * an Ed25519 key kept outside the database. Append-only like the audit log itself.
 */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  id: bigserial('id', { mode: 'bigint' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  /** The exact signed text: {"v":1,"at":...,"heads":[[chain, seq, hashHex], ...]} */
  payload: text('payload').notNull(),
  signature: text('signature').notNull(),
  publicKey: text('public_key').notNull(),
  heads: jsonb('heads').$type<CheckpointHead[]>().notNull(),
});
