import type { approvalsRepo as ApprovalsRepo, Tx } from '@gatehouse/db';
import { maskedBankDetails } from '../parties/bank.ts';
import { type NotifyEnv, notify } from '../users/notifications.ts';

type Rule = ApprovalsRepo.Rule;
type RequestRow = ApprovalsRepo.RequestRow;

/**
 * Why approvers are told: a level newly waits (or again, resubmitted), it still waits (a reminder), or it was
 * escalated to them.
 */
export type WaitingStage = { stage: 'waiting' | 'resubmitted' } | { stage: 'reminder' | 'escalated'; hours: number };

/** Tells the deciding roles of the request's current level (or `roles`) that it waits: through notify. */
export async function notifyLevel(
  tx: Tx,
  r: { id: string; title: string; rule: Rule; currentLevel: number },
  env: NotifyEnv,
  what: WaitingStage,
  roles?: string[],
) {
  const level = r.rule.levels[r.currentLevel - 1];
  const values = {
    title: r.title,
    level: r.currentLevel,
    levels: r.rule.needed,
    hours: 'hours' in what ? what.hours : null,
  };
  await notify(env, tx, {
    type: 'approval.waiting',
    partyId: 'staff',
    to: { roles: roles ?? level?.roles ?? [] },
    text: {
      title: { key: `approval.${what.stage}.title`, values },
      body: { key: `approval.${what.stage}.body`, values },
    },
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
