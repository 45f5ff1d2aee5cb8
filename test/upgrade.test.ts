import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appUrlFrom, createDatabase, MIGRATIONS_DIR, migrate } from '@gatehouse/db';
import { appRolePassword, contextKey, verifyAuditChains } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';

/**
 * An installation from before the audit hash chain (migrations up to 0009) upgrades in place: its
 * existing audit entries join their chains in id order, and verify finds them intact.
 */
describe('upgrading an existing installation', () => {
  it('chains audit entries written before the hash chain existed', async () => {
    const clusterUrl = inject('clusterUrl');
    const secret = Buffer.from(inject('testSecret'));
    const name = `gh_upgrade_${Date.now().toString(36)}`;
    const admin = postgres(`${clusterUrl}postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const ownerUrl = `${clusterUrl}${name}`;
    const old = await mkdtemp(path.join(os.tmpdir(), 'gh-migrations-'));
    const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    try {
      // The migrations as they were before 0010.
      await cp(MIGRATIONS_DIR, old, { recursive: true });
      const journalFile = path.join(old, 'meta/_journal.json');
      const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: { idx: number }[] };
      journal.entries = journal.entries.filter((e) => e.idx <= 9);
      await writeFile(journalFile, JSON.stringify(journal));
      const keys = { ownerUrl, contextKey: contextKey(secret), appPassword: appRolePassword(secret) };
      await migrate({ ...keys, migrationsFolder: old });
      const party = '11111111-1111-4111-8111-111111111111';
      await owner`insert into parties (id, kind, name) values (${party}, 'customer', 'Old customer')`;
      for (let i = 0; i < 5; i++) {
        await owner`insert into audit_events (party_id, action, outcome, details)
                    values (${i % 2 ? party : null}, 'auth.login_failed', 'failure', ${owner.json({ i })})`;
      }

      await migrate(keys);
      const rows = await owner`select chain_key, chain_seq::int seq from audit_events order by id`;
      expect(rows.map((r) => `${r.chain_key}:${r.seq}`)).toEqual([
        'system:1',
        `${party}:1`,
        'system:2',
        `${party}:2`,
        'system:3',
      ]);
      const db = createDatabase({
        appUrl: appUrlFrom(ownerUrl, appRolePassword(secret)),
        contextKey: contextKey(secret),
      });
      try {
        expect(await verifyAuditChains(db)).toMatchObject({ ok: true, entries: 5, chains: 2 });
      } finally {
        await db.close();
      }
    } finally {
      await owner.end();
      await rm(old, { recursive: true, force: true });
    }
  });
});
