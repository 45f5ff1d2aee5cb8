import { generateKeyPairSync } from 'node:crypto';
import { auditRepo } from '@gatehouse/db';
import { createCheckpoint, verifyAuditChains, verifyCheckpoints } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * Signed checkpoints: what even a superuser who re-hashes a whole chain consistently cannot hide. The
 * key is a file outside the database (here in the test server's data directory).
 */
const t = useTestServer();

async function entries(partyId: string, n: number) {
  await t.srv.db.tx({ kind: 'party', partyId }, async (tx) => {
    for (let i = 0; i < n; i++) {
      await auditRepo.record(tx, {
        action: 'session.revoked',
        outcome: 'success',
        partyId,
        actorUserId: null,
        details: { i },
      });
    }
  });
}

describe('signed audit checkpoints', () => {
  it('hold while history is untouched, and catch a consistent rewrite a chain check alone misses', async () => {
    const { partyId } = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await entries(partyId, 6);
    const signer = t.srv.services.auditSigner;
    const cp = await createCheckpoint(t.srv.db, signer, t.srv.clock);
    expect(cp.chains).toBeGreaterThanOrEqual(1); // at least this party's chain
    await entries(partyId, 2); // history after a checkpoint is fine
    expect(await verifyCheckpoints(t.srv.db, signer.publicKeyPem)).toMatchObject({ ok: true, problem: null });
    const [row] = await t.owner`select count(*)::int n from audit_events where action = 'audit.checkpointed'`;
    expect(row?.n).toBe(1);

    // A superuser edits entry 3 and re-hashes everything after it, heads included: the chain is consistent.
    await t.owner.begin(async (tx) => {
      await tx`select set_config('gatehouse.audit_maintenance', 'on', true)`;
      await tx.unsafe(`
        DO $$
        DECLARE r audit_events; prev bytea;
        BEGIN
          UPDATE audit_events SET details = '{"i": "rewritten"}' WHERE chain_key = '${partyId}' AND chain_seq = 3;
          SELECT hash INTO prev FROM audit_events WHERE chain_key = '${partyId}' AND chain_seq = 2;
          FOR r IN SELECT * FROM audit_events WHERE chain_key = '${partyId}' AND chain_seq >= 3 ORDER BY chain_seq LOOP
            r.prev_hash := prev;
            r.hash := public.gh_audit_digest(r, prev);
            UPDATE audit_events SET prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
            prev := r.hash;
          END LOOP;
          UPDATE audit_chain_heads SET hash = prev WHERE chain_key = '${partyId}';
        END $$;`);
    });
    expect(await verifyAuditChains(t.srv.db, { chainKey: partyId })).toMatchObject({ ok: true });
    const caught = await verifyCheckpoints(t.srv.db, signer.publicKeyPem);
    expect(caught.ok).toBe(false);
    expect(caught.problem?.message).toMatch(new RegExp(`chain ${partyId} was rewritten before checkpoint ${cp.id}`));
  });

  it('refuses checkpoints not signed by the key the auditor holds, and forged checkpoint rows', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const result = await verifyCheckpoints(t.srv.db, other);
    expect(result.problem?.message).toMatch(/is not signed by the audit key/);
    await t.owner`insert into audit_checkpoints (at, payload, signature, public_key, heads)
                  values (now(), '{"v":1,"heads":[]}', 'AAAA', 'forged', '[]')`;
    const forged = await verifyCheckpoints(t.srv.db, t.srv.services.auditSigner.publicKeyPem);
    expect(forged.problem?.message).toMatch(/is not signed by the audit key/);
  });

  it('staff see checkpoint results in audit.verify; checkpoints cannot be edited', async () => {
    const auditor = client(t.srv.origin);
    await auditor.auth.login.mutate(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    const v = await auditor.audit.verify.query();
    expect(v.checkpoints.checked).toBeGreaterThanOrEqual(1);
    expect(v.ok).toBe(false); // the forged and rewritten ones above
    await expect(t.owner`update audit_checkpoints set signature = 'x'`).rejects.toThrow(/append-only/);
    await expect(t.owner`delete from audit_checkpoints`).rejects.toThrow(/append-only/);
  });
});
