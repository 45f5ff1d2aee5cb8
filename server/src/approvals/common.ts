import type { approvalsRepo as ApprovalsRepo, Tx } from '@gatehouse/db';
import { maskedBankDetails } from '../parties/bank.ts';
import { type NotifyEnv, notify } from '../users/notifications.ts';

type Rule = ApprovalsRepo.Rule;
type RequestRow = ApprovalsRepo.RequestRow;

/** Tells the deciding roles of the request's current level (or `roles`) that it waits: through notify. */
export async function notifyLevel(
  tx: Tx,
  r: { id: string; title: string; rule: Rule; currentLevel: number },
  env: NotifyEnv,
  what: string,
  roles?: string[],
) {
  const level = r.rule.levels[r.currentLevel - 1];
  await notify(env, tx, {
    type: 'approval.waiting',
    partyId: 'staff',
    to: { roles: roles ?? level?.roles ?? [] },
    title: `Approval: ${r.title} ${what}`,
    body: `${r.title} ${what} (level ${r.currentLevel} of ${r.rule.needed}).`,
    link: `/approvals/${r.id}`,
    mailKind: 'approval-waiting',
  });
}

/** Bank details are masked in the audit trail, like change requests' entries. */
export function auditPayload(r: RequestRow) {
  const p = r.payload;
  if (r.type !== 'bank-details-change') return p;
  return maskedBankDetails(p.bankDetails) ?? {};
}
