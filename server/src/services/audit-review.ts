import { auditRepo } from '@gatehouse/db';
import { verifyCheckpoints } from '../audit/checkpoints.ts';
import { verifyAuditChains } from '../audit/verify.ts';
import type { Actor } from '../auth/sessions.ts';
import type { Context } from '../context.ts';
import { notFound } from '../errors.ts';
import { scopeFor } from './scope.ts';

/**
 * Reviewing the audit trail. Customer and supplier admins see their own party's trail only (scope and
 * RLS); internal auditors and system admins see every party's, and may narrow to one.
 */
export function search(
  ctx: Context,
  actor: Actor,
  input: Omit<auditRepo.AuditSearch, 'partyId'> & { partyId?: string | undefined },
) {
  const scope = scopeFor(actor);
  const { partyId, ...rest } = input;
  return ctx.db.readOne(scope, (tx) =>
    auditRepo.search(tx, { ...rest, ...(scope.kind === 'all' && partyId ? { partyId } : {}) }),
  );
}

export async function get(ctx: Context, actor: Actor, id: string) {
  const row = await ctx.db.readOne(scopeFor(actor), (tx) => auditRepo.getEntry(tx, id));
  if (!row) throw notFound('That audit entry');
  const { chainKey, chainSeq, hash, prevHash, intact, ...entry } = row;
  return { ...entry, chain: { key: chainKey, seq: chainSeq, hash, prevHash, intact } };
}

/**
 * Checks the hash chains the caller may see: staff every chain, a party admin its own party's. (The same
 * walk as `pnpm gatehouse audit verify`; it reveals positions and hashes, never another party's content.)
 */
export async function verify(ctx: Context, actor: Actor) {
  const scope = scopeFor(actor);
  const chains = await verifyAuditChains(ctx.db, scope.kind === 'all' ? {} : { chainKey: actor.partyId });
  if (scope.kind !== 'all') return { ...chains, checkpoints: { checked: 0, problem: null } };
  const cps = await verifyCheckpoints(ctx.db, ctx.auditSigner.publicKeyPem);
  return {
    ...chains,
    ok: chains.ok && cps.ok,
    checkpoints: { checked: cps.checked, problem: cps.problem?.message ?? null },
  };
}
