import { type approvalsRepo as ApprovalsRepo, approvalsRepo, type Database } from '@gatehouse/db';
import * as audit from '../audit/audit.ts';
import type { Clock } from '../auth/sessions.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import type { NotifyEnv } from '../users/notifications.ts';
import { notifyLevel } from './common.ts';

type PolicyLevel = ApprovalsRepo.PolicyLevel;

/**
 * Reminds a level's approvers once it has waited `remindHours`, and after `escalateHours` opens it to
 * its escalation roles (and tells them), each once per level. Several instances: SKIP LOCKED.
 */
export async function remindAndEscalate(
  db: Database,
  clock: Clock,
  hours: { remind: number; escalate: number },
  env: NotifyEnv,
) {
  const now = new Date(clock.now());
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    let reminded = 0;
    let escalated = 0;
    for (const r of await approvalsRepo.dueForEscalation(tx, new Date(now.getTime() - hours.escalate * 3_600_000))) {
      const level = r.rule.levels[r.currentLevel - 1] as PolicyLevel;
      await approvalsRepo.update(tx, r.id, { escalatedAt: now, remindedAt: now });
      await approvalsRepo.insertStep(tx, {
        partyId: r.partyId,
        requestId: r.id,
        round: r.round,
        level: r.currentLevel,
        decision: 'escalated',
        at: now,
        role: level.escalateTo.join(','),
      });
      await audit.record(tx, audit.SYSTEM, {
        action: 'approval.escalated',
        outcome: 'success',
        partyId: r.partyId,
        entityType: 'approval_request',
        entityId: r.id,
        details: { level: r.currentLevel, to: level.escalateTo, waitingHours: hours.escalate },
      });
      await notifyLevel(tx, r, env, { stage: 'escalated', hours: hours.escalate }, level.escalateTo);
      escalated += 1;
    }
    for (const r of await approvalsRepo.dueForReminder(tx, new Date(now.getTime() - hours.remind * 3_600_000))) {
      await approvalsRepo.update(tx, r.id, { remindedAt: now });
      await approvalsRepo.insertStep(tx, {
        partyId: r.partyId,
        requestId: r.id,
        round: r.round,
        level: r.currentLevel,
        decision: 'reminded',
        at: now,
      });
      await audit.record(tx, audit.SYSTEM, {
        action: 'approval.reminded',
        outcome: 'success',
        partyId: r.partyId,
        entityType: 'approval_request',
        entityId: r.id,
        details: { level: r.currentLevel, waitingHours: hours.remind },
      });
      await notifyLevel(tx, r, env, { stage: 'reminder', hours: hours.remind });
      reminded += 1;
    }
    return { reminded, escalated };
  });
}
