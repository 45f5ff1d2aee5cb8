import { auditActionLabel } from '@gatehouse/contract';
import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { currentMe, guard } from '../../auth.ts';
import { createPagedList, ListStates, usePageTitle } from '../../shared/data.tsx';
import { BeforeAfterDiff, hasBeforeAfter } from '../../shared/diff.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';
import { formatAuditTime } from './audit-pieces.tsx';

const PAGE_SIZE = 25;

export type AlertItem = Awaited<ReturnType<typeof trpc.alerts.list.query>>['items'][number];
export type AlertSeverity = AlertItem['severity'];

/** Word and icon for each severity: colour is only a second cue. */
const SEVERITY: Record<AlertSeverity, { text: string; icon: string }> = {
  critical: { text: 'Critical', icon: '✕' },
  warning: { text: 'Warning', icon: '!' },
  info: { text: 'Info', icon: 'i' },
};

const RULES: Record<string, string> = {
  'sign-in-spike': 'Sign-in spike',
  'account-locked': 'Account locked',
  'new-system-admin': 'New system admin',
  'policy-weakened': 'Policy weakened',
  'large-export': 'Large export',
  'integration-key-new-ip': 'Integration key from a new address',
  'backup-failed': 'Backup or restore drill failed',
  'backup-stale': 'Backups overdue',
  'webhook-endpoint-gone': 'Webhook endpoint gone (410)',
  'webhook-delivery-dead': 'Webhook delivery given up',
  'kinetic-auth-failed': 'Kinetic refused the connector’s credentials',
  'kinetic-writeback-dead': 'Kinetic write-back given up',
  'kinetic-writeback-unconfirmed': 'Kinetic write-back not confirmed in time',
};

/** A details key as words: 'windowMinutes' -> 'Window minutes', 'user_id' -> 'User id'. */
function keyLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueText(value: unknown, key?: string): string {
  if (value === null || value === undefined) return '—';
  if (key === 'action' && typeof value === 'string') return auditActionLabel(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(', ');
  // An object (an export's filters): its fields as words, an audit action by its label.
  if (typeof value === 'object' && !Array.isArray(value)) {
    const fields = Object.entries(value as Record<string, unknown>);
    if (fields.length === 0) return 'none';
    return fields.map(([k, v]) => `${keyLabel(k)}: ${valueText(v, k)}`).join(' · ');
  }
  return JSON.stringify(value);
}

export function SeverityBadge(props: { severity: AlertSeverity }) {
  return (
    <span
      class={`badge alert-badge alert-badge-${props.severity}`}
      data-testid="alert-severity"
      data-severity={props.severity}
    >
      <span class="alert-icon" aria-hidden="true">
        {SEVERITY[props.severity].icon}
      </span>
      {SEVERITY[props.severity].text}
    </span>
  );
}

type Acknowledgement = { at: string; by: string };

function AlertCard(props: {
  alert: AlertItem;
  acknowledged: Acknowledgement | undefined;
  busy: boolean;
  onAcknowledge: () => void;
}) {
  const headingId = () => `alert-${props.alert.id}`;
  const ack = (): Acknowledgement | null =>
    props.acknowledged ??
    (props.alert.acknowledgedAt
      ? { at: props.alert.acknowledgedAt, by: props.alert.acknowledgedBy ?? 'a removed account' }
      : null);
  // A change (a weakened policy) shows as the audit entry's diff does; the rest as label and value.
  const diff = () => (hasBeforeAfter(props.alert.details) ? (props.alert.details ?? {}) : null);
  const details = () =>
    Object.entries(props.alert.details ?? {}).filter(([k]) => !(diff() && (k === 'before' || k === 'after')));
  return (
    <li>
      <article
        class={`alert-card alert-card-${props.alert.severity}`}
        classList={{ 'alert-card-done': ack() !== null }}
        aria-labelledby={headingId()}
        data-testid="alert-item"
        data-id={props.alert.id}
        data-rule={props.alert.rule}
        data-state={ack() ? 'acknowledged' : 'open'}
      >
        <div class="alert-card-head">
          <SeverityBadge severity={props.alert.severity} />
          <span class="alert-rule">{RULES[props.alert.rule] ?? props.alert.rule}</span>
          <time class="alert-time" datetime={props.alert.at}>
            {formatAuditTime(props.alert.at)}
          </time>
        </div>
        <h2 id={headingId()} class="alert-title" data-testid="alert-title">
          {props.alert.title}
        </h2>
        <Show when={details().length > 0}>
          <dl class="alert-details" data-testid="alert-details">
            <For each={details()}>
              {([key, value]) => (
                <div class="alert-detail">
                  <dt>{keyLabel(key)}</dt>
                  <dd>{valueText(value, key)}</dd>
                </div>
              )}
            </For>
          </dl>
        </Show>
        <Show when={diff()}>
          {(d) => (
            <section class="alert-diff" aria-label="What changed" data-testid="alert-diff">
              <h3 class="alert-diff-title">What changed</h3>
              <BeforeAfterDiff before={d().before} after={d().after} />
            </section>
          )}
        </Show>
        <Show
          when={ack()}
          fallback={
            <p class="alert-actions">
              <button
                type="button"
                class="button"
                data-testid="alert-acknowledge"
                onClick={() => props.onAcknowledge()}
                aria-disabled={props.busy}
                aria-busy={props.busy}
              >
                {props.busy ? 'Acknowledging…' : 'Acknowledge'}
                <span class="visually-hidden">: {props.alert.title}</span>
              </button>
            </p>
          }
        >
          {(a) => (
            <p class="alert-ack" data-testid="alert-acknowledged">
              <span class="alert-icon alert-icon-done" aria-hidden="true">
                ✓
              </span>
              Acknowledged by <strong data-testid="alert-acknowledged-by">{a().by}</strong> on{' '}
              <time datetime={a().at}>{formatAuditTime(a().at)}</time>
            </p>
          )}
        </Show>
      </article>
    </li>
  );
}

/**
 * Security alerts (needs `security-posture:read`, internal staff): what the alert rules raised, newest
 * first; open ones are acknowledged here once handled.
 */
export default function AlertsPage() {
  usePageTitle(() => 'Alerts');
  const [params, setParams] = useSearchParams();
  const showAll = () => params.show === 'all';
  const filters = createMemo(() => ({ openOnly: !showAll() }));

  const list = createPagedList(filters, (f, cursor) =>
    trpc.alerts.list.query({ openOnly: f.openOnly, limit: PAGE_SIZE, cursor }),
  );

  // Acknowledged on this page since it loaded: shown in place until the list reloads.
  const [acknowledged, setAcknowledged] = createSignal<Record<string, Acknowledgement>>({});
  const [busyId, setBusyId] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal('');
  const [ackError, setAckError] = createSignal<string | null>(null);

  const acknowledge = async (alert: AlertItem) => {
    if (busyId()) return;
    setBusyId(alert.id);
    setAckError(null);
    setAnnouncement('');
    try {
      await guard(trpc.alerts.acknowledge.mutate({ id: alert.id }));
      const by = currentMe()?.user.email ?? 'you';
      setAcknowledged((prev) => ({ ...prev, [alert.id]: { at: new Date().toISOString(), by } }));
      setAnnouncement(`Acknowledged: ${alert.title}`);
    } catch (err) {
      if (errorCode(err) === 'NOT_FOUND') {
        setAckError(`Someone else acknowledged “${alert.title}” already. Reload to see who.`);
      } else {
        setAckError(`Acknowledging failed: ${errorMessage(err)}`);
      }
    } finally {
      setBusyId(null);
    }
  };

  const choose = (all: boolean) => {
    setAcknowledged({});
    setAnnouncement('');
    setAckError(null);
    setParams({ show: all ? 'all' : undefined }, { replace: true });
  };

  return (
    <section aria-labelledby="alerts-title" class="alerts">
      <div class="detail-header list-header">
        <div>
          <h1 id="alerts-title">Alerts</h1>
          <p class="hint">Raised by the security rules and mailed to every system administrator. Newest first.</p>
        </div>
        <fieldset class="alerts-toggle" data-testid="alerts-toggle">
          <legend class="visually-hidden">Show</legend>
          <button
            type="button"
            class="button alerts-toggle-button"
            aria-pressed={!showAll()}
            data-testid="alerts-show-open"
            onClick={() => choose(false)}
          >
            Open
          </button>
          <button
            type="button"
            class="button alerts-toggle-button"
            aria-pressed={showAll()}
            data-testid="alerts-show-all"
            onClick={() => choose(true)}
          >
            All
          </button>
        </fieldset>
      </div>

      <div class="alerts-status" role="status" aria-live="polite" data-testid="alerts-announcement">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <Show when={ackError()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="alerts-error">
            {message()}
          </p>
        )}
      </Show>

      <ListStates list={list} noun="alerts" emptyText={showAll() ? 'No alerts yet.' : 'No open alerts — good.'}>
        <ol class="alerts-list" aria-busy={list.phase() === 'loading'} data-testid="alerts-list">
          <For each={list.items()}>
            {(alert) => (
              <AlertCard
                alert={alert}
                acknowledged={acknowledged()[alert.id]}
                busy={busyId() === alert.id}
                onAcknowledge={() => void acknowledge(alert)}
              />
            )}
          </For>
        </ol>
      </ListStates>
    </section>
  );
}
