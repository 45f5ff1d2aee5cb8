import { type Database, type Tx, webhooksRepo } from '@gatehouse/db';
import { raiseAlert } from '../../audit/alerts.ts';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../../audit/audit.ts';
import { unseal } from '../../auth/seal.ts';
import type { Clock } from '../../auth/sessions.ts';
import { startPeriodic } from '../../jobs/periodic.ts';
import { integrationSealKey } from '../../keys.ts';
import type { Logger } from '../../logger.ts';
import type { Metrics } from '../../metrics.ts';
import { SYSTEM_SCOPE } from '../../parties/scope.ts';
import { post, type SendResult, sign } from './send.ts';
import { type Resolver, systemResolver } from './ssrf.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/**
 * The wait after the n-th failed attempt (the Standard Webhooks schedule). Each wait is drawn uniformly
 * between the previous step and this one ("full jitter" inside the step), so receivers coming back from
 * an outage are not hit by every sender at once, and the schedule still only grows.
 */
export const RETRY_SCHEDULE_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
] as const;
/** The first attempt plus one per step: after this many failures a delivery is dead. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
/** A `Retry-After` longer than this is capped. */
const RETRY_AFTER_CAP_MS = 24 * HOUR;
/** A claimed delivery is due again after this long if its sender never reports (a crash). */
const LEASE_MS = 2 * MINUTE;
const BATCH = 20;
/** At most one dead-delivery alert (and mail) per endpoint this often; every dead delivery is audited. */
const DEAD_ALERT_EVERY_MS = HOUR;

export function retryDelay(failedAttempts: number, random: () => number = Math.random): number {
  const step = Math.min(failedAttempts, RETRY_SCHEDULE_MS.length) - 1;
  const hi = RETRY_SCHEDULE_MS[step] ?? RETRY_SCHEDULE_MS[0];
  const lo = step > 0 ? (RETRY_SCHEDULE_MS[step - 1] ?? 0) : 0;
  return Math.max(SECOND, Math.round(lo + random() * (hi - lo)));
}

export interface WebhookDeps {
  db: Database;
  clock: Clock;
  config: { secret: Buffer };
  log?: Logger;
}
export interface WebhookOptions {
  /** Host name resolution for the SSRF guard (tests pass a fake DNS). */
  resolve?: Resolver;
  random?: () => number;
  timeoutMs?: number;
}

/** The Standard Webhooks body: the same event shape as the pull feed, under `data`. */
function bodyOf(d: Awaited<ReturnType<typeof webhooksRepo.claimDue>>[number]): string {
  return JSON.stringify({
    type: d.type,
    timestamp: d.occurredAt.toISOString(),
    data: {
      cursor: d.cursor,
      eventId: d.eventId,
      type: d.type,
      occurredAt: d.occurredAt.toISOString(),
      party: { kind: d.partyKind, erpRef: d.partyErpRef, name: d.partyName },
      subject: d.subject,
      payload: d.payload,
    },
  });
}

/**
 * One run of the delivery worker: fan new outbox events out to the active endpoints, claim what is due
 * (SKIP LOCKED plus a lease, so several instances never send one attempt twice), send outside any
 * transaction, then record each outcome (2xx delivered; 410 disables the endpoint; otherwise the retry
 * schedule, honouring Retry-After, until the delivery is dead), with its audit entry and alert.
 */
export async function deliverWebhooks(app: WebhookDeps, opts: WebhookOptions = {}) {
  const resolve = opts.resolve ?? systemResolver;
  const random = opts.random ?? Math.random;
  const key = integrationSealKey(app.config.secret);
  const claimed = await app.db.tx(SYSTEM_SCOPE, async (tx) => {
    const now = new Date(app.clock.now());
    await webhooksRepo.fanOut(tx, now);
    const due = await webhooksRepo.claimDue(tx, now, BATCH, LEASE_MS);
    const endpoints = await webhooksRepo.getEndpoints(tx, [...new Set(due.map((d) => d.endpointId))]);
    return { due, endpoints: new Map(endpoints.map((e) => [e.id, e])) };
  });
  const outcome = { claimed: claimed.due.length, delivered: 0, failed: 0, dead: 0, disabled: 0 };
  await Promise.all(
    claimed.due.map(async (d) => {
      // One delivery's trouble (a database error while recording it) never stops the others; its lease
      // makes it due again.
      try {
        const ep = claimed.endpoints.get(d.endpointId);
        if (!ep) return;
        const sentAt = app.clock.now();
        const keys = [unseal(key, ep.secretSealed)];
        if (ep.previousSecretSealed && ep.previousUntil && ep.previousUntil.getTime() > sentAt)
          keys.push(unseal(key, ep.previousSecretSealed));
        const body = bodyOf(d);
        const timestamp = Math.floor(sentAt / 1000);
        const result: SendResult = await post(
          new URL(ep.url),
          {
            'webhook-id': d.eventId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': sign(keys, d.eventId, timestamp, body),
          },
          body,
          { resolve, allowedCidrs: ep.allowedCidrs, timeoutMs: opts.timeoutMs, now: sentAt },
        );
        const attempts = d.attempts + 1;
        const at = new Date(app.clock.now());
        await app.db.tx(SYSTEM_SCOPE, async (tx) => {
          if (result.ok && result.status >= 200 && result.status < 300) {
            outcome.delivered += 1;
            return webhooksRepo.recordAttempt(tx, d.id, {
              state: 'delivered',
              attempts,
              at,
              nextAttemptAt: at,
              status: result.status,
              error: null,
            });
          }
          const status = result.ok ? result.status : null;
          const error = result.ok ? `HTTP ${result.status}` : result.error;
          if (status === 410) {
            // The receiver says the endpoint is gone for good: stop sending to it (an admin can enable it again).
            outcome.disabled += 1;
            await webhooksRepo.recordAttempt(tx, d.id, {
              state: 'dead',
              attempts,
              at,
              nextAttemptAt: at,
              status,
              error,
            });
            const current = await webhooksRepo.getEndpointForUpdate(tx, ep.id);
            if (current?.status === 'active') {
              await webhooksRepo.updateEndpoint(tx, ep.id, {
                status: 'disabled',
                disabledReason: 'The receiver answered 410 Gone.',
              });
              await systemAudit(tx, 'webhook_endpoint.disabled', 'webhook_endpoint', ep.id, {
                url: ep.url,
                reason: '410 Gone',
                eventId: d.eventId,
              });
              await raiseAlert(tx, at, {
                rule: 'webhook-endpoint-gone',
                severity: 'warning',
                mail: { key: 'alert.webhook_gone', values: { url: ep.url } },
                text: { key: 'webhook-endpoint-gone', values: { url: ep.url } },
                details: { endpoint: ep.id, url: ep.url, eventId: d.eventId },
              });
            }
            return;
          }
          if (attempts >= MAX_ATTEMPTS) {
            outcome.dead += 1;
            await webhooksRepo.recordAttempt(tx, d.id, {
              state: 'dead',
              attempts,
              at,
              nextAttemptAt: at,
              status,
              error,
            });
            await systemAudit(tx, 'webhook_delivery.dead', 'webhook_delivery', d.id, {
              endpoint: ep.id,
              url: ep.url,
              eventId: d.eventId,
              type: d.type,
              attempts,
              lastError: error,
            });
            if (await webhooksRepo.deadAlertSince(tx, ep.id, new Date(at.getTime() - DEAD_ALERT_EVERY_MS))) return;
            await raiseAlert(tx, at, {
              rule: 'webhook-delivery-dead',
              severity: 'warning',
              mail: { key: 'alert.webhook_dead', values: { type: d.type, url: ep.url, attempts } },
              text: { key: 'webhook-delivery-dead', values: { type: d.type, url: ep.url, attempts } },
              details: { endpoint: ep.id, url: ep.url, eventId: d.eventId, cursor: d.cursor, lastError: error },
            });
            return;
          }
          outcome.failed += 1;
          const retryAfter =
            result.ok && (status === 429 || status === 503) && result.retryAfterMs !== null
              ? Math.min(Math.max(result.retryAfterMs, SECOND), RETRY_AFTER_CAP_MS)
              : null;
          const wait = retryAfter ?? retryDelay(attempts, random);
          await webhooksRepo.recordAttempt(tx, d.id, {
            state: 'pending',
            attempts,
            at,
            nextAttemptAt: new Date(at.getTime() + wait),
            status,
            error,
          });
        });
        if (!result.ok || result.status < 200 || result.status >= 300)
          app.log?.warn(
            { webhook: ep.id, eventId: d.eventId, attempts, err: result.ok ? `HTTP ${result.status}` : result.error },
            'webhook delivery failed',
          );
      } catch (err) {
        app.log?.warn({ webhook: d.endpointId, eventId: d.eventId, err }, 'webhook delivery not recorded');
      }
    }),
  );
  return outcome;
}

function systemAudit(
  tx: Tx,
  action: 'webhook_endpoint.disabled' | 'webhook_delivery.dead',
  entityType: string,
  entityId: string,
  details: Record<string, unknown>,
) {
  return recordAudit(tx, SYSTEM_ORIGIN, {
    action,
    outcome: 'success',
    partyId: null,
    entityType,
    entityId,
    details,
  });
}

/**
 * deliverWebhooks again while a run claims a full batch (at most `maxRuns` runs): a burst of events (a
 * Kinetic cycle that changed 100 purchase orders) goes out in one tick, not one batch of 20 per tick, which
 * held the last of 100 events back ~8 s. A failed attempt is due again only later, so the loop ends.
 */
export async function drainWebhooks(app: WebhookDeps, opts: WebhookOptions = {}, maxRuns = 50) {
  const total = { claimed: 0, delivered: 0, failed: 0, dead: 0, disabled: 0, runs: 0 };
  while (total.runs < maxRuns) {
    const run = await deliverWebhooks(app, opts);
    total.runs += 1;
    for (const k of ['claimed', 'delivered', 'failed', 'dead', 'disabled'] as const) total[k] += run[k];
    if (run.claimed < BATCH) break;
  }
  return total;
}

/**
 * Runs drainWebhooks every `everyMs` (a SKIP LOCKED queue every instance drains) and on kick(). At the
 * default 2 s an event reaches a healthy receiver about 1 s after its commit on average, 2 s at worst.
 */
export function startWebhookWorker(
  app: WebhookDeps & { log: Logger },
  everyMs: number,
  metrics?: Pick<Metrics, 'job'>,
  opts: WebhookOptions = {},
) {
  return startPeriodic('webhooks', everyMs, () => drainWebhooks(app, opts), app.log, metrics);
}
