import { alertsRepo, type Database, integrationsRepo, mailRepo } from '@gatehouse/db';
import type { Clock } from '../auth/sessions.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { EXPIRY_WARNING_DAYS, UNUSED_WARNING_DAYS } from './integrations.ts';

const DAY = 86_400_000;

/**
 * The daily look at integration keys: every system admin is mailed about keys that expire within
 * 14 days (once per key) and keys unused for 30 days (once per unused period), so an ERP does not stop
 * on a forgotten expiry and a forgotten key does not stay open. Safe with several instances: the rows
 * are claimed with SKIP LOCKED and marked in the same transaction as the mail is queued.
 */
export async function warnAboutKeys(db: Database, clock: Clock, publicOrigin: string) {
  const now = new Date(clock.now());
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    const keys = await integrationsRepo.keysNeedingWarning(
      tx,
      now,
      new Date(now.getTime() + EXPIRY_WARNING_DAYS * DAY),
      new Date(now.getTime() - UNUSED_WARNING_DAYS * DAY),
    );
    if (keys.length === 0) return { expiring: 0, unused: 0 };
    const expiring = keys.filter((k) => k.expiring);
    const unused = keys.filter((k) => k.unused);
    const lines = [
      ...expiring.map(
        (k) => `- ${k.keyId} (${k.integrationName}) expires on ${k.expiresAt.toISOString().slice(0, 10)}: rotate it.`,
      ),
      ...unused.map(
        (k) =>
          `- ${k.keyId} (${k.integrationName}) has not been used ${k.lastUsedAt ? `since ${k.lastUsedAt.toISOString().slice(0, 10)}` : 'at all'}: revoke it if nothing needs it.`,
      ),
    ];
    for (const to of await alertsRepo.systemAdminEmails(tx)) {
      await mailRepo.enqueue(tx, {
        to,
        kind: 'integration-keys',
        subject: `Gatehouse: ${keys.length} integration key${keys.length === 1 ? '' : 's'} need${keys.length === 1 ? 's' : ''} attention`,
        bodyText: [
          'These integration keys need attention:',
          '',
          ...lines,
          '',
          `Manage them under Integrations: ${publicOrigin}/integrations`,
        ].join('\n'),
      });
    }
    await integrationsRepo.markWarned(
      tx,
      expiring.map((k) => k.keyId),
      unused.map((k) => k.keyId),
      now,
    );
    return { expiring: expiring.length, unused: unused.length };
  });
}
