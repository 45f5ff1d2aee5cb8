import { randomBytes } from 'node:crypto';
import { type Database, stagingRepo, type Tx } from '@gatehouse/db';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../audit/audit.ts';
import { DomainError } from '../errors.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { HeapBound } from './heap-bound.ts';
import { KeyIndex } from './key-index.ts';
import { type Checked, check, type RowError, writeRows } from './mirror.ts';

/**
 * SQL staging (issue 15, design note §7.5): the channel for ERPs that can only push rows into a database.
 * Each loader is a LOGIN role (`gh_loader_<name>`) in the NOLOGIN group gatehouse_loaders, which may only
 * INSERT rows and manifests into `erp_staging` and read its own `batch_results` (forced RLS by loader). The
 * merge job, as gatehouse_sync, feeds every batch whose manifest count matches its staged rows through the
 * mirror writer (`check` + `writeRows`, the REST channel's two halves) and records the outcome.
 */

export const LOADER_NAME = /^[a-z][a-z0-9_]{0,39}$/;
export const loaderRole = (name: string) => `gh_loader_${name}`;
export const LOADER_DEFAULTS = { connectionLimit: 4, statementTimeout: '120s' } as const;
/**
 * Rows per writeRows call: as for a CSV import (IMPORT_CHUNK), 5,000 (fewer statements per record than
 * 1,000). The writer's temporary tables are made once per transaction and emptied per call, so the count
 * of calls in the batch's one transaction is not bounded by PostgreSQL's lock table any more.
 */
export const MERGE_CHUNK = 5_000;
/** Staged rows without a merged manifest go after a day; results (and manifests) after 30 days. */
export const STAGED_ROWS_RETENTION_MS = 24 * 3_600_000;
export const RESULTS_RETENTION_MS = 30 * 24 * 3_600_000;

// ---- loaders (the CLI: run as the database owner, which made gatehouse_loaders and may make roles)

interface Owner {
  /** The app pool: the audit entry is written there (system scope), around the owner's DDL. */
  db: Database;
  ownerUrl: string;
}

function validName(name: string) {
  if (!LOADER_NAME.test(name))
    throw new DomainError(
      'BAD_REQUEST',
      'A loader name is 1 to 40 characters: lowercase letters, digits and _, starting with a letter.',
    );
  return loaderRole(name);
}
const newPassword = () => randomBytes(24).toString('base64url');

/**
 * Runs `ddl` as the owner in its own transaction inside an app-pool transaction that has already written
 * the audit entry: a DDL failure rolls the audit entry back; the audit entry commits right after the DDL.
 */
async function audited(
  o: Owner,
  entry: {
    action: 'integration.sql_loader_created' | 'integration.sql_loader_rotated' | 'integration.sql_loader_dropped';
    name: string;
    details: Record<string, unknown>;
  },
  ddl: (sql: postgres.TransactionSql) => Promise<void>,
) {
  await o.db.tx(SYSTEM_SCOPE, async (tx) => {
    await recordAudit(tx, SYSTEM_ORIGIN, {
      action: entry.action,
      outcome: 'success',
      partyId: null,
      entityType: 'sql_loader',
      entityId: entry.name,
      details: { ...entry.details, via: 'cli' },
    });
    const owner = postgres(o.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner.begin(ddl);
    } finally {
      await owner.end({ timeout: 5 });
    }
  });
}

export async function createLoader(
  o: Owner,
  name: string,
  opts: { connectionLimit?: number; statementTimeout?: string } = {},
): Promise<{ role: string; password: string }> {
  const role = validName(name);
  const limit = opts.connectionLimit ?? LOADER_DEFAULTS.connectionLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new DomainError('BAD_REQUEST', '--connections must be a whole number from 1 to 100.');
  const timeout = opts.statementTimeout ?? LOADER_DEFAULTS.statementTimeout;
  if (!/^[1-9][0-9]{0,5}(ms|s|min)$/.test(timeout))
    throw new DomainError('BAD_REQUEST', '--statement-timeout is a duration such as 120s, 5min or 500ms.');
  const password = newPassword();
  await audited(
    o,
    {
      action: 'integration.sql_loader_created',
      name,
      details: { role, connectionLimit: limit, statementTimeout: timeout },
    },
    async (sql) => {
      const [known] = await sql`select 1 from erp_staging.loaders where name = ${name}`;
      const [exists] = await sql`select 1 from pg_roles where rolname = ${role}`;
      if (known || exists) throw new DomainError('CONFLICT', `A loader "${name}" (role ${role}) already exists.`);
      // Identifiers and the password are our own (validated name, base64url), never free text.
      await sql.unsafe(
        `create role ${role} login password '${password}' connection limit ${limit} nosuperuser nobypassrls nocreatedb nocreaterole noreplication`,
      );
      const [{ v }] = (await sql`select current_setting('server_version_num')::int as v`) as unknown as [{ v: number }];
      // PostgreSQL 16+: the loader inherits the group's grants but cannot SET ROLE to it.
      await sql.unsafe(`grant gatehouse_loaders to ${role}${v >= 160000 ? ' with inherit true, set false' : ''}`);
      await sql.unsafe(`alter role ${role} set statement_timeout = '${timeout}'`);
      await sql.unsafe(`alter role ${role} set idle_in_transaction_session_timeout = '60s'`);
      await sql.unsafe(`alter role ${role} set search_path = erp_staging`);
      await sql`insert into erp_staging.loaders (name, role) values (${name}, ${role})`;
    },
  );
  return { role, password };
}

export async function rotateLoader(o: Owner, name: string): Promise<{ role: string; password: string }> {
  const role = validName(name);
  const password = newPassword();
  await audited(o, { action: 'integration.sql_loader_rotated', name, details: { role } }, async (sql) => {
    const [known] = await sql`select 1 from erp_staging.loaders where name = ${name}`;
    if (!known) throw new DomainError('NOT_FOUND', `No loader "${name}" in this database.`);
    await sql.unsafe(`alter role ${role} password '${password}'`);
    await sql`update erp_staging.loaders set rotated_at = now() where name = ${name}`;
  });
  return { role, password };
}

/** Drops the role and its registration; its staged rows are never merged and go with the purge. */
export async function dropLoader(o: Owner, name: string): Promise<{ role: string }> {
  const role = validName(name);
  await audited(o, { action: 'integration.sql_loader_dropped', name, details: { role } }, async (sql) => {
    const [known] = await sql`delete from erp_staging.loaders where name = ${name} returning 1`;
    if (!known) throw new DomainError('NOT_FOUND', `No loader "${name}" in this database.`);
    // Best effort: an owner without the right to signal the loader's sessions still drops the role (its
    // open sessions end with their connections; it cannot log in again).
    await sql
      .savepoint((sp) => sp`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role}`)
      .catch(() => undefined);
    await sql.unsafe(`drop role if exists ${role}`);
  });
  return { role };
}

// ---- the merge job (as gatehouse_sync)

export interface MergeSummary {
  merged: number;
  rejected: number;
  failed: number;
}

/**
 * Merges every ready batch, one transaction each, until none is left (or `maxBatches`): the rows are read
 * in `seq` order MERGE_CHUNK at a time (taken out of the inbox as they are read), checked (a duplicate across
 * pages is caught) and written, and,
 * for an atomic batch with any rejected row, rolled back to before the first chunk. One audit entry per
 * batch, written last. `kickMail` runs after a commit that queued mail.
 */
export async function mergeStaged(
  syncDb: Database,
  now: () => Date,
  opts: { maxBatches?: number; kickMail?: () => void } = {},
): Promise<MergeSummary> {
  const summary: MergeSummary = { merged: 0, rejected: 0, failed: 0 };
  for (let i = 0; i < (opts.maxBatches ?? 100); i++) {
    let mails = 0;
    const outcome = await syncDb.tx(SYSTEM_SCOPE, async (tx) => {
      const m = await stagingRepo.claimReadyManifest(tx);
      if (!m) return null;
      const r = await mergeOne(tx, m, now());
      mails = r.mails;
      return r.outcome;
    });
    if (outcome === null) break;
    summary[outcome] += 1;
    if (mails > 0) opts.kickMail?.();
  }
  return summary;
}

type Outcome = 'merged' | 'rejected' | 'failed';

async function mergeOne(tx: Tx, m: stagingRepo.Manifest, now: Date): Promise<{ outcome: Outcome; mails: number }> {
  const staged = await stagingRepo.stagedCount(tx, m);
  const zero = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  // seq is unique per batch and at least 1, so count = max = row_count means exactly 1..row_count.
  if (staged.n !== m.rowCount || staged.maxSeq !== m.rowCount) {
    const message =
      staged.n !== m.rowCount
        ? `The manifest says ${m.rowCount} row(s) but ${staged.n} are staged for batch ${m.batchId}; nothing was merged.`
        : `The rows of batch ${m.batchId} are not numbered 1 to ${m.rowCount} (the highest seq is ${staged.maxSeq}); nothing was merged.`;
    await stagingRepo.finish(tx, m, {
      outcome: 'failed',
      message,
      stagedCount: staged.n,
      counts: zero,
      errors: [],
      now,
    });
    await auditBatch(tx, m, 'failed', zero, staged.n);
    return { outcome: 'failed', mails: 0 };
  }
  // Page by page: only the keys seen (for duplicates across pages, in a compact KeyIndex), the counts and the
  // rejected rows stay in memory, so a batch of millions of rows does not.
  const keys = new KeyIndex();
  const counts = { ...zero };
  const errors: { seq: number; key: string | null; errors: RowError[] }[] = [];
  let mails = 0;
  await tx.db.execute(sql`savepoint staging_merge`);
  /** The page after `after`, taken out of the inbox and checked (the writer's tables untouched), or null at the end. */
  const page = async (after: number) => {
    if (after >= m.rowCount) return null;
    // seq is exactly 1..row_count (checked above), so a page is a range of seq.
    const rows = await stagingRepo.takeStagedRows(tx, m, after, Math.min(after + MERGE_CHUNK, m.rowCount));
    if (rows.length === 0) return null;
    const checked: Checked<unknown>[] = check(
      m.entity,
      rows.map((r) => r.row),
      now,
      { offset: after, seen: new Map() },
    );
    // `check` finds duplicates inside the page; the index those across pages (the same message: row = idx).
    for (const c of checked)
      if (c.value !== null && c.key !== null) {
        const first = keys.add(c.key, c.idx);
        if (first === undefined) continue;
        c.errors.push({ path: 'key', message: `The same record is already in row ${first}.` });
        c.value = null;
      }
    return { checked, last: Math.min(after + MERGE_CHUNK, m.rowCount) };
  };
  const write = async (checked: Checked<unknown>[]) => {
    const written = await writeRows(tx, m.entity, checked, {
      mode: m.mode,
      now,
      source: { name: `sql:${m.name}`, suspendInactive: true },
    });
    for (const r of written.results) {
      counts[r.outcome] += 1;
      if (r.outcome === 'rejected')
        errors.push({
          seq: r.index + 1,
          key: r.key,
          // The writer counts rows from 0; a loader numbers them from 1.
          errors: (r.errors ?? []).map((e) => ({
            ...e,
            message: e.message.replace(/already in row (\d+)\./, (_, n) => `already at seq ${Number(n) + 1}.`),
          })),
        });
    }
    mails += written.mails;
  };
  // Each page is read and checked while the writer applies the one before it (the CSV import's pipeline);
  // both finish before either's error is thrown, so nothing runs on this transaction as it rolls back.
  const heap = new HeapBound();
  for (let cur = await page(0); cur; ) {
    heap.afterPage();
    const [w, n] = await Promise.allSettled([write(cur.checked), page(cur.last)]);
    if (w.status === 'rejected') throw w.reason;
    if (n.status === 'rejected') throw n.reason;
    cur = n.value;
  }
  const refused = m.mode === 'atomic' && counts.rejected > 0;
  if (refused) {
    // Nothing of an atomic batch stays when any row is rejected, whichever page it was on.
    await tx.db.execute(sql`rollback to savepoint staging_merge`);
    mails = 0;
    counts.unchanged += counts.created + counts.updated;
    counts.created = 0;
    counts.updated = 0;
  }
  const outcome: Outcome = refused ? 'rejected' : 'merged';
  const message = refused
    ? `${counts.rejected} row(s) rejected: nothing of this atomic batch was applied.`
    : counts.rejected > 0
      ? `${counts.rejected} row(s) rejected and skipped (partial mode).`
      : null;
  // A merged batch's rows went page by page; a refused one's came back with the rollback.
  await stagingRepo.finish(tx, m, {
    outcome,
    message,
    stagedCount: staged.n,
    counts,
    errors,
    now,
    takenUpTo: refused ? 0 : m.rowCount,
  });
  await auditBatch(tx, m, outcome, counts, staged.n);
  return { outcome, mails };
}

function auditBatch(tx: Tx, m: stagingRepo.Manifest, outcome: Outcome, counts: Record<string, number>, staged: number) {
  return recordAudit(tx, SYSTEM_ORIGIN, {
    action: outcome === 'merged' ? 'integration.staging_batch_applied' : 'integration.staging_batch_rejected',
    outcome: outcome === 'merged' ? 'success' : 'failure',
    partyId: null,
    entityType: 'sql_loader',
    entityId: m.name,
    details: {
      source: `sql:${m.name}`,
      batchId: m.batchId,
      entity: m.entity,
      mode: m.mode,
      outcome,
      rowCount: m.rowCount,
      staged,
      counts,
    },
  });
}

/** Clears staged rows left without a merge and old results (the merge job runs it after merging). */
export function purgeStaging(syncDb: Database, now: Date) {
  return syncDb.tx(SYSTEM_SCOPE, (tx) =>
    stagingRepo.purge(
      tx,
      new Date(now.getTime() - STAGED_ROWS_RETENTION_MS),
      new Date(now.getTime() - RESULTS_RETENTION_MS),
    ),
  );
}
