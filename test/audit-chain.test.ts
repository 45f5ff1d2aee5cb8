import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { appUrlFrom, auditRepo } from '@gatehouse/db';
import { appRolePassword, verifyAuditChains } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * Tamper evidence: per-party hash chains written by a trigger. The database owner (the only one who can
 * touch audit_events at all, and only through the documented maintenance switch) edits, removes, inserts
 * and reorders entries; verify names the first entry that no longer holds.
 */
const t = useTestServer();
const ROOT = path.resolve(import.meta.dirname, '..');

async function writeEntries(partyId: string, n: number) {
  await t.srv.db.tx({ kind: 'party', partyId }, async (tx) => {
    for (let i = 0; i < n; i++) {
      await auditRepo.record(tx, {
        action: 'session.revoked',
        outcome: 'success',
        partyId,
        actorUserId: null,
        details: { i, note: 'ünïcødé, "quotes", =formula' },
      });
    }
  });
}

/** Runs `sql` as the owner inside the maintenance switch, as an attacker with the owner's password would. */
async function tamper(sql: string) {
  await t.owner.begin(async (tx) => {
    await tx`select set_config('gatehouse.audit_maintenance', 'on', true)`;
    await tx.unsafe(sql);
  });
}

let partyId: string;
beforeEach(async () => {
  partyId = (await createPartyWithUser(t.srv.db, 'customer', ['customer-user'])).partyId;
  await writeEntries(partyId, 5);
});

const entries = async () =>
  t.owner`select id::text, chain_seq::int seq from audit_events where party_id = ${partyId} order by chain_seq`;

describe('audit hash chains', () => {
  it('chains each party in order, in parallel with other parties, and verifies clean', async () => {
    const other = (await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user'])).partyId;
    await Promise.all([writeEntries(partyId, 20), writeEntries(other, 20), writeEntries(partyId, 20)]);
    const rows = await entries();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    const result = await verifyAuditChains(t.srv.db);
    expect(result).toMatchObject({ ok: true, problem: null });
    expect(result.entries).toBeGreaterThanOrEqual(65);
  });

  it('pnpm gatehouse audit verify says so, with exit code 1 on tampering', () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: t.srv.ownerUrl,
          GATEHOUSE_SECRET: inject('testSecret'),
          LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      });
    const clean = cli(['audit', 'verify']);
    expect(clean.stdout).toMatch(/Audit log intact: \d+ entries/);
    expect(clean.status).toBe(0);
    return tamper(
      `update audit_events set action = 'auth.login_succeeded' where party_id = '${partyId}' and chain_seq = 2`,
    ).then(() => {
      const broken = cli(['audit', 'verify']);
      expect(broken.stderr).toMatch(/Audit log NOT intact: entry \d+ was changed/);
      expect(broken.status).toBe(1);
    });
  });

  it('the app role can neither write the chain columns nor the heads', async () => {
    const app = postgres(appUrlFrom(t.srv.ownerUrl, appRolePassword(Buffer.from(inject('testSecret')))), {
      max: 1,
      onnotice: () => {},
    });
    try {
      await expect(app`update audit_chain_heads set seq = 0`).rejects.toThrow(/permission denied/);
      await expect(app`update audit_events set chain_seq = 1 where party_id = ${partyId}`).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await app.end();
    }
  });

  it('finds a changed entry', async () => {
    const [, second] = await entries();
    await tamper(`update audit_events set details = '{"i": 99}' where id = ${second?.id}`);
    expect((await verifyAuditChains(t.srv.db, { chainKey: partyId })).problem).toMatchObject({
      kind: 'changed',
      entryId: second?.id,
    });
  });

  it('finds a removed entry, in the middle and at the end', async () => {
    const rows = await entries();
    await tamper(`delete from audit_events where id = ${rows[4]?.id}`);
    expect((await verifyAuditChains(t.srv.db, { chainKey: partyId })).problem).toMatchObject({
      kind: 'removed',
      chainKey: partyId,
      seq: '5',
    });
    await tamper(`delete from audit_events where id = ${rows[1]?.id}`);
    expect((await verifyAuditChains(t.srv.db, { chainKey: partyId })).problem).toMatchObject({
      kind: 'removed',
      entryId: rows[2]?.id,
    });
  });

  it('finds an inserted and a reordered entry', async () => {
    const rows = await entries();
    // A forged entry copied from the last one, re-hashed by hand to look consistent, then slipped in.
    await tamper(`insert into audit_events (party_id, action, outcome, details)
                  values ('${partyId}', 'session.revoked', 'success', '{"forged": true}')`);
    await tamper(`update audit_events set chain_seq = chain_seq + 100 where party_id = '${partyId}' and chain_seq >= 3
                    and id <> (select max(id) from audit_events where party_id = '${partyId}')`);
    await tamper(
      `update audit_events set chain_seq = 3 where id = (select max(id) from audit_events where party_id = '${partyId}')`,
    );
    const problem = (await verifyAuditChains(t.srv.db, { chainKey: partyId })).problem;
    expect(problem?.chainKey).toBe(partyId);
    expect(['inserted-or-reordered', 'changed']).toContain(problem?.kind);
    expect(problem?.seq).toBe('3');
    expect(rows).toHaveLength(5);
  });
});
