import { createHash } from 'node:crypto';
import { AUDIT_EXPORT_MAX_ROWS } from '@gatehouse/contract';
import { auditRepo, partiesRepo, usersRepo } from '@gatehouse/db';
import type { Actor } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { toCsv } from '../integration/csv/csv.ts';
import { scopeFor } from '../parties/scope.ts';
import { LARGE_EXPORT_ROWS, raiseAlert } from './alerts.ts';
import * as audit from './audit.ts';
import { verifyCheckpoints } from './checkpoints.ts';
import { verifyAuditChains } from './verify.ts';

/**
 * Reviewing the audit trail. Customer and supplier admins see their own party's trail only (scope and
 * RLS); internal auditors and system admins see every party's, and may narrow to one.
 */
export function search(
  ctx: ServiceContext,
  input: Omit<auditRepo.AuditSearch, 'partyId'> & { partyId?: string | undefined },
) {
  const scope = ctx.scope;
  const { partyId, ...rest } = input;
  return ctx.db.read(scope, (tx) =>
    auditRepo.search(tx, { ...rest, ...(scope.kind === 'all' && partyId ? { partyId } : {}) }),
  );
}

export async function get(ctx: ServiceContext, id: string) {
  const row = await ctx.db.readOne(ctx.scope, (tx) => auditRepo.getEntry(tx, id));
  if (!row) throw notFound('That audit entry');
  const { chainKey, chainSeq, hash, prevHash, intact, ...entry } = row;
  return { ...entry, chain: { key: chainKey, seq: chainSeq, hash, prevHash, intact } };
}

/**
 * Checks the hash chains the caller may see: staff every chain, a party admin its own party's. (The same
 * walk as `pnpm gatehouse audit verify`; it reveals positions and hashes, never another party's content.)
 */
export async function verify(ctx: ServiceContext) {
  const { actor } = ctx;
  const scope = ctx.scope;
  const chains = await verifyAuditChains(ctx.db, scope.kind === 'all' ? {} : { chainKey: actor.partyId });
  if (scope.kind !== 'all') return { ...chains, checkpoints: { checked: 0, problem: null } };
  const cps = await verifyCheckpoints(ctx.db, ctx.auditSigner.publicKeyPem);
  return {
    ...chains,
    ok: chains.ok && cps.ok,
    checkpoints: { checked: cps.checked, problem: cps.problem?.message ?? null },
  };
}

type ExportFilters = Omit<auditRepo.AuditSearch, 'partyId' | 'cursor' | 'limit'> & { partyId?: string | undefined };

/** The filters as the caller may apply them: a party only for staff (everyone else already sees one). */
function exportQuery(actor: Actor, input: ExportFilters) {
  const scope = scopeFor(actor);
  const { partyId, ...filters } = input;
  return { scope, query: { ...filters, ...(scope.kind === 'all' && partyId ? { partyId } : {}) } };
}

/** How many entries an export of these filters would hold (counted up to the limit plus one). */
export async function countForExport(ctx: ServiceContext, input: ExportFilters) {
  const { actor } = ctx;
  const { scope, query } = exportQuery(actor, input);
  const count = await ctx.db.read(scope, (tx) => auditRepo.countUpTo(tx, query, AUDIT_EXPORT_MAX_ROWS + 1));
  return { count, overLimit: count > AUDIT_EXPORT_MAX_ROWS, limit: AUDIT_EXPORT_MAX_ROWS };
}

/**
 * The actor picker: users in the caller's scope whose address or name contains the text (a party admin
 * finds its own party's users only; staff every party's).
 */
export async function findActors(ctx: ServiceContext, input: { search: string; limit: number }) {
  const { items } = await ctx.db.read(ctx.scope, (tx) =>
    usersRepo.listForAdmin(tx, { search: input.search, limit: input.limit }),
  );
  return items.map((u) => ({ id: u.id, email: u.email, displayName: u.displayName, partyName: u.partyName }));
}

/** The organisation picker: organisations in the caller's scope whose name or ERP reference contains the text. */
export async function findParties(ctx: ServiceContext, input: { search: string; limit: number }) {
  const { items } = await ctx.db.read(ctx.scope, (tx) =>
    partiesRepo.list(tx, { search: input.search, limit: input.limit }),
  );
  return items.map((p) => ({ id: p.id, name: p.name, kind: p.kind }));
}

/**
 * A filtered range as CSV (formula-looking cells neutralised), with a manifest signed by the audit key:
 * the filters, the row count, the first and last time, the SHA-256 of the CSV and the chain heads at the
 * time of export. The export is itself audited, in the transaction that read the rows.
 */
export async function exportCsv(ctx: ServiceContext, input: ExportFilters) {
  const { actor } = ctx;
  const { scope, query } = exportQuery(actor, input);
  return ctx.db.tx(scope, async (tx) => {
    const rows: auditRepo.AuditRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await auditRepo.search(tx, { ...query, limit: 1_000, ...(cursor ? { cursor } : {}) });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      if (rows.length > AUDIT_EXPORT_MAX_ROWS)
        throw new DomainError(
          'BAD_REQUEST',
          `That range has more than ${AUDIT_EXPORT_MAX_ROWS} entries; narrow the filters.`,
        );
    } while (cursor);
    const csv = toCsv(
      [
        'id',
        'at',
        'party',
        'actor',
        'action',
        'entity_type',
        'entity_id',
        'outcome',
        'cross_party',
        'ip',
        'request_id',
        'details',
      ],
      rows.map((r) => [
        r.id,
        r.at,
        r.partyName ?? r.partyId ?? '',
        r.actorEmail ?? r.actorUserId ?? '',
        r.action,
        r.entityType,
        r.entityId,
        r.outcome,
        r.crossParty,
        r.ip,
        r.requestId,
        r.details ? JSON.stringify(r.details) : '',
      ]),
    );
    const heads = await auditRepo.chainHeads(tx);
    const chains = new Set(rows.map((r) => r.partyId ?? 'system'));
    const payload = JSON.stringify({
      v: 1,
      exportedAt: new Date(ctx.clock.now()).toISOString(),
      exportedBy: actor.email,
      filters: query,
      count: rows.length,
      first: rows.at(-1)?.at.toISOString() ?? null,
      last: rows.at(0)?.at.toISOString() ?? null,
      csvSha256: createHash('sha256').update(csv).digest('hex'),
      chainHeads: [...heads]
        .filter(([k]) => chains.has(k))
        .map(([k, h]) => [k, h.seq.toString(), h.hash.toString('hex')]),
    });
    if (rows.length > LARGE_EXPORT_ROWS) {
      await raiseAlert(tx, new Date(ctx.clock.now()), {
        rule: 'large-export',
        severity: 'info',
        mail: { key: 'alert.audit_export', values: { by: actor.email, rows: String(rows.length) } },
        text: { key: 'large-export.audit', values: { by: actor.email, rows: rows.length } },
        details: { by: actor.email, rows: rows.length, filters: query },
      });
    }
    await audit.record(tx, ctx, {
      action: 'audit.exported',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'audit_export',
      crossParty: scope.kind === 'all',
      details: { filters: query, count: rows.length },
    });
    return {
      filename: `gatehouse-audit-${new Date(ctx.clock.now()).toISOString().slice(0, 10)}.csv`,
      csv,
      manifest: { payload, signature: ctx.auditSigner.sign(payload), publicKey: ctx.auditSigner.publicKeyPem },
    };
  });
}
