import { alertsRepo, type Database, integrationsRepo, mailRepo } from '@gatehouse/db';
import type { Clock } from '../auth/sessions.ts';
import { type MailText, mailFor } from '../mail/i18n.ts';
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
    // Each admin reads the list in their own language, its dates in their format (docs/i18n.md, "Mail").
    const day = (d: Date) => ({ date: d.toISOString().slice(0, 10) });
    const lines: MailText[] = [
      ...expiring.map((k) => ({
        key: 'key_warning.expiring' as const,
        values: { key: k.keyId, integration: k.integrationName, date: day(k.expiresAt) },
      })),
      ...unused.map((k) => ({
        key: k.lastUsedAt ? ('key_warning.unused' as const) : ('key_warning.never_used' as const),
        values: { key: k.keyId, integration: k.integrationName, date: k.lastUsedAt ? day(k.lastUsedAt) : null },
      })),
    ];
    for (const to of await alertsRepo.systemAdminRecipients(tx)) {
      await mailRepo.enqueue(
        tx,
        mailFor(to, 'integration-keys', { key: 'key_warning.subject', values: { count: keys.length } }, [
          { key: 'key_warning.intro' },
          '',
          ...lines,
          '',
          { key: 'key_warning.footer', values: { url: `${publicOrigin}/integrations` } },
        ]),
      );
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
