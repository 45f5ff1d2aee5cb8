import { auditRepo, type Database } from '@gatehouse/db';
import type { Clock } from '../auth/sessions.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from './audit.ts';
import { type AuditSigner, signatureValid } from './signing.ts';

/**
 * A signed checkpoint: every chain's head (sequence and hash) now, signed with the key outside the
 * database. Because each entry's hash covers its predecessor's, a checkpoint fixes all history before it:
 * rewriting any earlier entry, even consistently re-hashed by a superuser, changes the hash at the
 * checkpointed position, which no one without the key can re-sign.
 */
export async function createCheckpoint(db: Database, signer: AuditSigner, clock: Clock) {
  const heads = await db.read(SYSTEM_SCOPE, (tx) => auditRepo.chainHeads(tx));
  const at = new Date(clock.now());
  const list = [...heads]
    .map(([chain, h]) => [chain, h.seq.toString(), h.hash.toString('hex')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = JSON.stringify({ v: 1, at: at.toISOString(), heads: list });
  const signature = signer.sign(payload);
  const id = await db.tx(SYSTEM_SCOPE, async (tx) => {
    const id = await auditRepo.insertCheckpoint(tx, {
      at,
      payload,
      signature,
      publicKey: signer.publicKeyPem,
      heads: list,
    });
    await recordAudit(tx, SYSTEM_ORIGIN, {
      action: 'audit.checkpointed',
      outcome: 'success',
      partyId: null,
      entityType: 'audit_checkpoint',
      entityId: id,
      details: { chains: list.length },
    });
    return id;
  });
  return { id, chains: list.length };
}

export type CheckpointProblem = { checkpointId: string; message: string };

/**
 * Checks the newest `limit` checkpoints against `publicKeyPem` (the auditor's copy of the public key):
 * each signature must verify, and each checkpointed head must still be the hash at that position.
 */
export async function verifyCheckpoints(db: Database, publicKeyPem: string, limit = 1_000) {
  const rows = await db.read(SYSTEM_SCOPE, (tx) => auditRepo.checkpoints(tx, limit));
  for (const c of rows) {
    if (!signatureValid(publicKeyPem, c.payload, c.signature)) {
      return {
        ok: false,
        checked: rows.length,
        problem: { checkpointId: c.id, message: `checkpoint ${c.id} is not signed by the audit key` },
      };
    }
    const { heads } = JSON.parse(c.payload) as { heads: [string, string, string][] };
    // One statement per checkpoint (thousands of chains each): the first head whose entry differs.
    const bad = await db.readOne(SYSTEM_SCOPE, (tx) => auditRepo.firstHeadMismatch(tx, heads));
    if (bad) {
      const [chain, seq] = bad.head;
      const now = bad.hash;
      return {
        ok: false,
        checked: rows.length,
        problem: {
          checkpointId: c.id,
          message: `chain ${chain} was rewritten before checkpoint ${c.id} (signed ${c.at.toISOString()}): entry ${seq} ${now === null ? 'is missing' : 'has another hash'}`,
        },
      };
    }
  }
  return { ok: true, checked: rows.length, problem: null as CheckpointProblem | null };
}
