import { alertsRepo, type Database, mailRepo, type Tx } from '@gatehouse/db';
import type { Clock } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { DEFAULT_READER, type MailText, mailFor, text } from '../mail/i18n.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import * as audit from './audit.ts';

/**
 * Security alerts: raised inside the transaction of the event that causes them (so an alert exists
 * exactly when its cause committed), shown to staff and mailed to every active system admin through the
 * outbox. The rules: a spike of failed sign-ins, an account locked for the day, a new system admin, a
 * weakened policy, a large export. The transaction must have an all-parties scope.
 */
export type AlertRule =
  | 'sign-in-spike'
  | 'account-locked'
  | 'new-system-admin'
  | 'policy-weakened'
  | 'large-export'
  | 'integration-key-new-ip'
  | 'backup-failed'
  | 'backup-stale'
  | 'webhook-endpoint-gone'
  | 'webhook-delivery-dead'
  | 'kinetic-auth-failed'
  | 'kinetic-writeback-dead'
  | 'kinetic-writeback-unconfirmed';

/**
 * An alert's title as a catalogue key and values: the SPA words it as admin.alert.<key> in the reader's
 * language (docs/i18n.md), and the English `title` beside it says the same (mail, API clients, alerts
 * stored before keys existed). Values named `at`/`…At` are ISO instants; a list holds codes.
 */
export type AlertText = { key: string; values: Record<string, string | number | string[]> };

export const LARGE_EXPORT_ROWS = 10_000;
export const SPIKE = { windowMinutes: 15, failures: 50 };

export async function raiseAlert(
  tx: Tx,
  now: Date,
  alert: {
    rule: AlertRule;
    severity: 'info' | 'warning' | 'critical';
    /** The alert's title from the mail catalogue: stored in English, mailed in each admin's language. */
    mail: MailText;
    /** The same title for the SPA, worded as admin.alert.<key> in the reader's language. */
    text: AlertText;
    details?: Record<string, unknown>;
  },
) {
  if (tx.scope.kind !== 'all') throw new Error(`alert ${alert.rule} raised outside an all-parties transaction`);
  const { mail: title, ...rest } = alert;
  const id = await alertsRepo.insert(tx, { at: now, ...rest, title: text(DEFAULT_READER, title) });
  const details = Object.entries(alert.details ?? {}).map(
    ([name, v]): MailText => ({
      key: 'alert.detail',
      values: { name, value: typeof v === 'string' ? v : JSON.stringify(v) },
    }),
  );
  for (const to of await alertsRepo.systemAdminRecipients(tx)) {
    await mailRepo.enqueue(
      tx,
      mailFor(
        to,
        'security-alert',
        {
          key: 'alert.subject',
          values: {
            severity: alert.severity,
            title: { text: title.key, ...(title.values ? { values: title.values } : {}) },
          },
        },
        [title, '', ...details, '', { key: 'alert.footer' }],
      ),
    );
  }
  return id;
}

/** The spike rule, run by a job every few minutes: at most one alert per window. */
export async function checkSignInSpike(db: Database, clock: Clock): Promise<boolean> {
  const now = new Date(clock.now());
  const since = new Date(now.getTime() - SPIKE.windowMinutes * 60_000);
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    const failures = await alertsRepo.failuresSince(tx, since);
    if (failures < SPIKE.failures || (await alertsRepo.raisedSince(tx, 'sign-in-spike', since))) return false;
    await raiseAlert(tx, now, {
      rule: 'sign-in-spike',
      severity: 'critical',
      mail: { key: 'alert.sign_in_spike', values: { failures: String(failures), minutes: SPIKE.windowMinutes } },
      text: { key: 'sign-in-spike', values: { failures, minutes: SPIKE.windowMinutes } },
      details: { failures, windowMinutes: SPIKE.windowMinutes },
    });
    return true;
  });
}

export async function list(
  ctx: ServiceContext,
  input: { openOnly: boolean; cursor?: string | undefined; limit: number },
) {
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'staff.alertsStaffOnly', values: {} });
  return ctx.db.read(scope, (tx) =>
    alertsRepo.list(tx, {
      openOnly: input.openOnly,
      limit: input.limit,
      ...(input.cursor ? { before: input.cursor } : {}),
    }),
  );
}

export async function acknowledge(ctx: ServiceContext, id: string) {
  const { actor } = ctx;
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'staff.alertsStaffOnly', values: {} });
  await ctx.db.tx(scope, async (tx) => {
    if (!(await alertsRepo.acknowledge(tx, id, actor.userId, new Date(ctx.clock.now()))))
      throw notFound('That open alert');
    await audit.record(tx, ctx, {
      action: 'alert.acknowledged',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'alert',
      entityId: id,
    });
  });
  return { ok: true as const };
}
