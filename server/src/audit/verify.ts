import { auditRepo, type Database } from '@gatehouse/db';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * Walks every audit chain and reports the first entry that does not hold (docs/adr/0002):
 *  - changed: its content no longer matches its hash;
 *  - removed: entries are missing before it (a gap in the sequence), or at the chain's end (the head
 *    says more entries were written than exist);
 *  - inserted or reordered: its predecessor is not the entry its prev_hash names.
 * The heads are read first: entries written during the walk are beyond them and ignored.
 */
export type ChainProblem = {
  kind: 'changed' | 'removed' | 'inserted-or-reordered';
  chainKey: string;
  seq: string;
  entryId: string | null;
  message: string;
};
export type VerifyResult = { ok: boolean; entries: number; chains: number; problem: ChainProblem | null };

const PAGE = 5_000;

export async function verifyAuditChains(db: Database, opts: { chainKey?: string } = {}): Promise<VerifyResult> {
  const all = await db.read(SYSTEM_SCOPE, (tx) => auditRepo.chainHeads(tx));
  const heads = opts.chainKey ? new Map([...all].filter(([k]) => k === opts.chainKey)) : all;
  let entries = 0;
  let chain: { key: string; seq: bigint; hash: Buffer | null } | null = null;
  const seen = new Set<string>();
  const fail = (problem: ChainProblem): VerifyResult => ({ ok: false, entries, chains: seen.size, problem });
  const tailProblem = (c: NonNullable<typeof chain>): ChainProblem | null => {
    const head = heads.get(c.key);
    if (head && c.seq < head.seq) {
      return {
        kind: 'removed',
        chainKey: c.key,
        seq: (c.seq + 1n).toString(),
        entryId: null,
        message: `chain ${c.key}: entries ${c.seq + 1n} to ${head.seq} are missing at its end`,
      };
    }
    return null;
  };
  let after: { chainKey: string; seq: bigint } | null = null;
  for (;;) {
    const rows = await db.read(SYSTEM_SCOPE, (tx) => auditRepo.chainPage(tx, after, PAGE, opts.chainKey));
    for (const r of rows) {
      const head = heads.get(r.chainKey);
      if (head && r.seq > head.seq) continue; // written after the walk began
      if (!chain || chain.key !== r.chainKey) {
        if (chain) {
          const p = tailProblem(chain);
          if (p) return fail(p);
        }
        chain = { key: r.chainKey, seq: 0n, hash: null };
        seen.add(r.chainKey);
      }
      entries += 1;
      const at = { chainKey: r.chainKey, seq: r.seq.toString(), entryId: r.id };
      if (!r.contentOk)
        return fail({ kind: 'changed', ...at, message: `entry ${r.id} was changed after it was written` });
      if (r.seq !== chain.seq + 1n) {
        return fail({
          kind: 'removed',
          ...at,
          message: `chain ${r.chainKey}: entries ${chain.seq + 1n} to ${r.seq - 1n} before entry ${r.id} are missing`,
        });
      }
      const linked = chain.hash === null ? r.prevHash === null : r.prevHash?.equals(chain.hash) === true;
      if (!linked) {
        return fail({
          kind: 'inserted-or-reordered',
          ...at,
          message: `entry ${r.id} does not follow the entry before it: an entry was inserted or the order changed`,
        });
      }
      chain = { key: r.chainKey, seq: r.seq, hash: r.hash };
    }
    if (rows.length < PAGE) break;
    const last = rows.at(-1);
    if (last) after = { chainKey: last.chainKey, seq: last.seq };
  }
  if (chain) {
    const p = tailProblem(chain);
    if (p) return fail(p);
  }
  for (const [key, head] of heads) {
    if (!seen.has(key) && head.seq > 0n) {
      return fail({
        kind: 'removed',
        chainKey: key,
        seq: '1',
        entryId: null,
        message: `chain ${key}: all ${head.seq} entries are missing`,
      });
    }
  }
  return { ok: true, entries, chains: seen.size, problem: null };
}
