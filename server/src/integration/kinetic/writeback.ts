import { type IntegrationEventType, minorToDecimal } from '@gatehouse/contract';
import { type Database, kineticWritebackRepo, type Tx } from '@gatehouse/db';
import { raiseAlert } from '../../audit/alerts.ts';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../../audit/audit.ts';
import type { Clock } from '../../auth/sessions.ts';
import { startPeriodic } from '../../jobs/periodic.ts';
import type { Logger } from '../../logger.ts';
import type { Metrics } from '../../metrics.ts';
import { SYSTEM_SCOPE } from '../../parties/scope.ts';
import { MAX_ATTEMPTS, retryDelay } from '../webhooks/worker.ts';
import { type ClientOptions, KineticClient, KineticError } from './client.ts';
import { loadConnection, markAuthFailed } from './sync.ts';

/**
 * Kinetic write-back (issue 16 item 4, design note §8.4): the second delivery target of the outbox, next to
 * webhooks. Each outbox event recorded while write-back is on becomes one `kinetic_writebacks` row, planned
 * once (route, target, the exact JSON, the echo that will confirm it), then sent:
 * - `efx` mode: `POST {base}/{instance}/api/v2/efx/{Company}/Gatehouse/{Function}` for the event types in
 *   EFX_FUNCTIONS; every other type goes to the UD queue, since no function exists for it;
 * - `ud` mode: every event as a row of the UD queue table (UD40: `Key1='GATEHOUSE'`, `Key2=<eventId>`), after
 *   checking that no row with that key exists yet (check-then-write: UD tables have no idempotency keys);
 * - never: bank details and credit memos (NEVER_WRITTEN), and events of parties or POs that did not come
 *   from this Kinetic company. Those rows are `skipped` with the reason, visible on the connection screen.
 *
 * The event id travels in the body (`eventId`) and as `Idempotency-Key`: the function must apply an event id
 * once and answer a replay with its stored result, so a retry after a lost answer is harmless. Outcomes: 2xx
 * → `sent`; a business refusal (400, a 500 carrying `ErrorType`, 404 no such function, 403 scope) → `dead`
 * at once, after that one call, with an audit entry and an alert; 429/5xx/resets/timeouts → the webhook
 * retry schedule (honouring Retry-After), dead after MAX_ATTEMPTS.
 *
 * Sent is not confirmed: an inbound sync confirms a row when it reads the ERP's echo (a PO's PromiseDate
 * equal to the acknowledged date; an address or credit limit through erp_pending_echoes). A sent row
 * whose echo is overdue (`confirm_timeout_ms`) raises one alert.
 */

export const EFX_LIBRARY = 'Gatehouse';
export const UD_TABLE = 'UD40';
export const UD_KEY1 = 'GATEHOUSE';

/** Event type → function in the Gatehouse library (docs/kinetic.md, "Function library contract"). */
export const EFX_FUNCTIONS: Partial<Record<IntegrationEventType, string>> = {
  'purchase_order.acknowledged': 'AcknowledgePO',
  'purchase_order.problem_flagged': 'FlagPOProblem',
  'party.address_changed': 'ProposeAddress',
  'party.credit_limit_changed': 'ProposeCreditLimit',
};

/** Never written into Kinetic, whatever the mode: the reason is kept on the skipped row. */
export const NEVER_WRITTEN: Partial<Record<IntegrationEventType, string>> = {
  'party.bank_details_changed':
    'Bank details are never written into Kinetic by Gatehouse: ERP staff enter approved changes themselves (anti-fraud).',
  'credit_note.approved':
    'Credit memos are never written into Kinetic by Gatehouse: a posted credit memo is an accounting act for AR staff.',
};

const LEASE_MS = 2 * 60_000;
const BATCH = 20;
const FANOUT_BATCH = 500;

export interface WritebackDeps {
  db: Database;
  clock: Clock;
  config: { secret: Buffer };
  log?: Logger;
  client?: ClientOptions;
  random?: () => number;
}

type Planned = kineticWritebackRepo.NewWriteback;

/** ERP key `kinetic:{Co}:{kind}:{n}` → n, when it belongs to this company and kind. */
function numberOf(erpKey: string | null, company: string, kinds: string[]): { kind: string; num: number } | null {
  if (!erpKey) return null;
  const m = /^kinetic:([^:]+):([A-Z]+):(\d+)$/.exec(erpKey);
  if (!m || m[1] !== company || !kinds.includes(m[2] as string)) return null;
  return { kind: m[2] as string, num: Number(m[3]) };
}

/** One event's write-back: where it goes, the JSON, and the echo that will confirm it (pure; tested alone). */
export function plan(e: kineticWritebackRepo.NewEvent, company: string, mode: 'efx' | 'ud', now: Date): Planned {
  const type = e.type as IntegrationEventType;
  const base = { eventId: e.eventId, type: e.type, nextAttemptAt: now, createdAt: now, attempts: 0 };
  const skip = (why: string): Planned => ({ ...base, route: 'skip', target: null, state: 'skipped', lastError: why });
  const never = NEVER_WRITTEN[type];
  if (never) return skip(never);
  const party = numberOf(e.partyErpKey, company, ['C', 'V']);
  if (!party) return skip(`The ${e.partyKind} was not mirrored from Kinetic company ${company}.`);
  const partyRef = party.kind === 'C' ? { custNum: party.num } : { vendorNum: party.num };
  const body: Record<string, unknown> = { eventId: e.eventId, occurredAt: e.occurredAt.toISOString() };
  let echo: { key: string; value: string | null } | null = null;
  const p = e.payload;
  if (type.startsWith('purchase_order.')) {
    const po = numberOf(e.poErpKey, company, ['PO']);
    if (!po) return skip(`Purchase order ${String(e.subject.purchaseOrderNumber ?? '')} did not come from Kinetic.`);
    Object.assign(body, { poNum: po.num, ...partyRef });
    if (type === 'purchase_order.acknowledged') {
      Object.assign(body, { promisedDate: p.promisedDate, acknowledgedAt: e.occurredAt.toISOString() });
      echo = { key: e.poErpKey as string, value: typeof p.promisedDate === 'string' ? p.promisedDate : null };
    } else if (type === 'purchase_order.problem_flagged') Object.assign(body, { note: p.note });
    else Object.assign(body, { type: e.type, subject: e.subject, payload: p });
  } else if (type === 'party.address_changed') {
    Object.assign(body, partyRef, { address: p.address });
    echo = { key: 'pending-echo', value: null };
  } else if (type === 'party.credit_limit_changed') {
    const currency = String(p.currency);
    Object.assign(body, partyRef, {
      currency,
      creditLimit: minorToDecimal(BigInt(String(p.amountMinor)), currency),
    });
    echo = { key: 'pending-echo', value: null };
  } else Object.assign(body, partyRef, { type: e.type, subject: e.subject, payload: p });
  const fn = mode === 'efx' ? EFX_FUNCTIONS[type] : undefined;
  return {
    ...base,
    route: fn ? 'efx' : 'ud',
    target: fn ?? UD_TABLE,
    request: body,
    state: 'pending',
    echoKey: echo?.key ?? null,
    echoValue: echo?.value ?? null,
  };
}

/** The UD queue row for a write-back: keys that make a replay recognisable, the JSON in Character01. */
export function udRow(company: string, w: { eventId: string; type: string; target: string | null }, body: unknown) {
  return {
    Company: company,
    Key1: UD_KEY1,
    Key2: w.eventId,
    Key3: w.type,
    Key4: '',
    Key5: '',
    ShortChar01: EFX_FUNCTIONS[w.type as IntegrationEventType] ?? '',
    Character01: JSON.stringify(body),
    CheckBox01: false,
  };
}

type Outcome = { ok: true; reference: string } | { ok: false; error: KineticError };

async function send(client: KineticClient, w: kineticWritebackRepo.Writeback): Promise<Outcome> {
  try {
    if (w.route === 'efx') {
      const answer = await client.postJson(client.efxUrl(EFX_LIBRARY, w.target as string), w.request, {
        'idempotency-key': w.eventId,
      });
      const a = (answer ?? {}) as { message?: unknown; applied?: unknown };
      const reference = typeof a.message === 'string' ? a.message : JSON.stringify(answer ?? null);
      return { ok: true, reference: reference.slice(0, 300) };
    }
    const set = `Ice.BO.${UD_TABLE}Svc/${UD_TABLE}s`;
    // Check, then write: a row with this event id means an earlier attempt was applied.
    const found = await client.page(
      client.odataUrl(set, {
        $select: 'Key1,Key2,SysRevID',
        $filter: `Key1 eq '${UD_KEY1}' and Key2 eq '${w.eventId}'`,
        $top: '1',
      }),
    );
    if (found.value.length > 0) return { ok: true, reference: `${UD_TABLE} ${UD_KEY1}/${w.eventId} (already queued)` };
    await client.postJson(client.odataUrl(set, {}), udRow(client.settings.company, w, w.request));
    return { ok: true, reference: `${UD_TABLE} ${UD_KEY1}/${w.eventId}` };
  } catch (e) {
    if (e instanceof KineticError) return { ok: false, error: e };
    return { ok: false, error: new KineticError('transport', e instanceof Error ? e.message : String(e)) };
  }
}

/** Refusals no retry can fix: dead at once, after the one call. */
const FINAL = new Set(['business', 'not_found', 'scope']);

/**
 * One run: plan new outbox events, send what is due (one at a time: a production ERP is protected more than
 * throughput matters here), then settle echoes that came through erp_pending_echoes and alert on overdue ones.
 */
export async function deliverKineticWritebacks(deps: WritebackDeps) {
  const outcome = { planned: 0, sent: 0, failed: 0, dead: 0, skipped: 0, confirmed: 0, overdue: 0 };
  const settings = await deps.db.read(SYSTEM_SCOPE, (tx) => kineticWritebackRepo.getSettings(tx));
  if (!settings) return outcome;
  const loaded = settings.mode === 'off' ? null : await loadConnection(deps.db, deps.config.secret);
  if (loaded && settings.mode !== 'off') {
    const mode = settings.mode;
    const company = loaded.settings.company;
    const due = await deps.db.tx(SYSTEM_SCOPE, async (tx) => {
      const now = new Date(deps.clock.now());
      const events = await kineticWritebackRepo.eventsAfter(tx, settings, FANOUT_BATCH);
      if (events.length > 0) {
        const planned = events.map((e) => plan(e, company, mode, now));
        outcome.planned += planned.filter((p) => p.state === 'pending').length;
        outcome.skipped += planned.filter((p) => p.state === 'skipped').length;
        await kineticWritebackRepo.insertPlanned(
          tx,
          planned,
          events.reduce((m, e) => (BigInt(e.id) > m ? BigInt(e.id) : m), settings.fanoutCursor),
        );
      }
      // While Kinetic refuses the credentials nothing is sent (an admin saves or tests the connection first).
      if (loaded.conn.state === 'auth_failed') return [];
      return kineticWritebackRepo.claimDue(tx, now, BATCH, LEASE_MS);
    });
    const client = new KineticClient(loaded.settings, {
      now: () => deps.clock.now(),
      ...deps.client,
      maxTries: 1,
    });
    for (const w of due) {
      try {
        const r = await send(client, w);
        await record(deps, w, r, outcome);
      } catch (err) {
        // Its lease makes it due again.
        deps.log?.warn({ eventId: w.eventId, err }, 'kinetic write-back not recorded');
      }
    }
  }
  await deps.db.tx(SYSTEM_SCOPE, async (tx) => {
    const now = new Date(deps.clock.now());
    outcome.confirmed += await kineticWritebackRepo.settleFromPendingEchoes(tx, now);
    const late = await kineticWritebackRepo.overdue(tx, new Date(now.getTime() - settings.confirmTimeoutMs), now);
    outcome.overdue = late.length;
    if (late.length > 0)
      await raiseAlert(tx, now, {
        rule: 'kinetic-writeback-unconfirmed',
        severity: 'warning',
        mail: {
          key: 'alert.kinetic_unconfirmed',
          values: { count: late.length, hours: Math.round(settings.confirmTimeoutMs / 3_600_000) },
        },
        text: {
          key: 'kinetic-writeback-unconfirmed',
          values: { count: late.length, hours: Math.round(settings.confirmTimeoutMs / 3_600_000) },
        },
        details: {
          events: late.slice(0, 20).map((l) => `${l.type} ${l.eventId} (${l.target ?? ''}, sent ${l.sentAt})`),
          hint: 'Kinetic accepted these but no sync has read the value back: check the function or the UD queue.',
        },
      });
  });
  return outcome;
}

async function record(
  deps: WritebackDeps,
  w: kineticWritebackRepo.Writeback,
  r: Outcome,
  outcome: { sent: number; failed: number; dead: number },
) {
  const attempts = w.attempts + 1;
  const at = new Date(deps.clock.now());
  if (!r.ok && r.error.kind === 'auth') await markAuthFailed({ ...deps, syncDb: deps.db }, r.error.message);
  await deps.db.tx(SYSTEM_SCOPE, async (tx) => {
    if (r.ok) {
      outcome.sent += 1;
      await kineticWritebackRepo.recordAttempt(tx, w.id, {
        state: 'sent',
        attempts,
        at,
        nextAttemptAt: at,
        status: 200,
        error: null,
        reference: r.reference,
      });
      return;
    }
    const error = r.error.message.slice(0, 1000);
    if (FINAL.has(r.error.kind) || attempts >= MAX_ATTEMPTS) {
      outcome.dead += 1;
      await kineticWritebackRepo.recordAttempt(tx, w.id, {
        state: 'dead',
        attempts,
        at,
        nextAttemptAt: at,
        status: r.error.status,
        error,
      });
      await dead(tx, at, w, attempts, error, FINAL.has(r.error.kind));
      return;
    }
    outcome.failed += 1;
    const wait = r.error.retryAfterMs ?? retryDelay(attempts, deps.random);
    await kineticWritebackRepo.recordAttempt(tx, w.id, {
      state: 'pending',
      attempts,
      at,
      nextAttemptAt: new Date(at.getTime() + Math.max(1000, wait)),
      status: r.error.status,
      error,
    });
  });
}

async function dead(
  tx: Tx,
  at: Date,
  w: kineticWritebackRepo.Writeback,
  attempts: number,
  error: string,
  refused: boolean,
) {
  await recordAudit(tx, SYSTEM_ORIGIN, {
    action: 'kinetic.writeback_dead',
    outcome: 'failure',
    partyId: null,
    entityType: 'kinetic_writeback',
    entityId: w.eventId,
    details: { type: w.type, route: w.route, target: w.target, attempts, error, refusedByKinetic: refused },
  });
  await raiseAlert(tx, at, {
    rule: 'kinetic-writeback-dead',
    severity: 'warning',
    mail: refused
      ? { key: 'alert.kinetic_refused', values: { type: w.type, target: w.target ?? '' } }
      : { key: 'alert.kinetic_dead', values: { type: w.type, attempts } },
    text: refused
      ? { key: 'kinetic-writeback-dead.refused', values: { type: w.type, target: w.target ?? '' } }
      : { key: 'kinetic-writeback-dead.failed', values: { type: w.type, attempts } },
    details: { eventId: w.eventId, type: w.type, target: w.target, error },
  });
}

/** Runs every `everyMs` (a SKIP LOCKED queue every instance drains, like webhooks). */
export function startKineticWriteback(
  deps: WritebackDeps & { log: Logger },
  everyMs: number,
  metrics?: Pick<Metrics, 'job'>,
) {
  return startPeriodic('kinetic-writeback', everyMs, () => deliverKineticWritebacks(deps), deps.log, metrics);
}

/** Exposed for the connection screen: the settings in force (defaults when never saved). */
export async function settingsOf(tx: Tx) {
  const s = await kineticWritebackRepo.getSettings(tx);
  return { mode: s?.mode ?? ('off' as const), confirmTimeoutMs: s?.confirmTimeoutMs ?? 86_400_000 };
}
