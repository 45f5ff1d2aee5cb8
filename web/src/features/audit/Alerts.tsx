import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { currentMe, guard } from '../../auth.ts';
import { type AdminKey, has, t } from '../../i18n.ts';
import { createPagedList, ListStates, usePageTitle } from '../../shared/data.tsx';
import { BeforeAfterDiff, hasBeforeAfter } from '../../shared/diff.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { wordServerText } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { actionLabel, formatAuditTime } from './audit-pieces.tsx';

const PAGE_SIZE = 25;

export type AlertItem = Awaited<ReturnType<typeof trpc.alerts.list.query>>['items'][number];
export type AlertSeverity = AlertItem['severity'];

/** Word and icon for each severity: colour is only a second cue. */
const SEVERITY: Record<AlertSeverity, { text: AdminKey; icon: string }> = {
  critical: { text: 'admin.alerts.critical', icon: '✕' },
  warning: { text: 'admin.alerts.warning', icon: '!' },
  info: { text: 'admin.alerts.info', icon: 'i' },
};

/** A rule's name (admin.alerts.rule.<rule>); a rule this version does not know shows as its key. */
const ruleName = (rule: string): string => {
  const key = `admin.alerts.rule.${rule}`;
  return has(key) ? t(key as AdminKey) : rule;
};

/**
 * An alert's title in the reader's language: admin.alert.<key> with the values the server stored beside the
 * English title; an alert raised before keys existed (or with a key this version lacks) shows its stored title.
 */
export const alertTitle = (alert: Pick<AlertItem, 'title' | 'text'>): string =>
  wordServerText('admin.alert.', alert.text, alert.title);

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
  if (key === 'action' && typeof value === 'string') return actionLabel(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(', ');
  // An object (an export's filters): its fields as words, an audit action by its label.
  if (typeof value === 'object' && !Array.isArray(value)) {
    const fields = Object.entries(value as Record<string, unknown>);
    if (fields.length === 0) return t('admin.alerts.none');
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
      {t(SEVERITY[props.severity].text)}
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
      ? { at: props.alert.acknowledgedAt, by: props.alert.acknowledgedBy ?? t('admin.alerts.removedAccount') }
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
          <span class="alert-rule">{ruleName(props.alert.rule)}</span>
          <time class="alert-time" datetime={props.alert.at}>
            {formatAuditTime(props.alert.at)}
          </time>
        </div>
        <h2 id={headingId()} class="alert-title" data-testid="alert-title">
          {alertTitle(props.alert)}
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
            <section class="alert-diff" aria-label={t('admin.auditEntry.whatChanged')} data-testid="alert-diff">
              <h3 class="alert-diff-title">{t('admin.auditEntry.whatChanged')}</h3>
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
                {t(props.busy ? 'admin.alerts.acknowledging' : 'admin.alerts.acknowledge')}
                <span class="visually-hidden">: {alertTitle(props.alert)}</span>
              </button>
            </p>
          }
        >
          {(a) => (
            <p class="alert-ack" data-testid="alert-acknowledged">
              <span class="alert-icon alert-icon-done" aria-hidden="true">
                ✓
              </span>
              {t('admin.alerts.acknowledgedBy')} <strong data-testid="alert-acknowledged-by">{a().by}</strong>{' '}
              {t('admin.alerts.acknowledgedOn')} <time datetime={a().at}>{formatAuditTime(a().at)}</time>
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
  usePageTitle(() => t('admin.alerts.title'));
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
      const by = currentMe()?.user.email ?? t('admin.alerts.you');
      setAcknowledged((prev) => ({ ...prev, [alert.id]: { at: new Date().toISOString(), by } }));
      setAnnouncement(t('admin.alerts.acknowledged', { title: alertTitle(alert) }));
    } catch (err) {
      if (errorCode(err) === 'NOT_FOUND') {
        setAckError(t('admin.alerts.alreadyAcknowledged', { title: alertTitle(alert) }));
      } else {
        setAckError(t('admin.alerts.failed', { error: errorMessage(err) }));
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
          <h1 id="alerts-title">{t('admin.alerts.title')}</h1>
          <p class="hint">{t('admin.alerts.hint')}</p>
        </div>
        <fieldset class="alerts-toggle" data-testid="alerts-toggle">
          <legend class="visually-hidden">{t('admin.alerts.show')}</legend>
          <button
            type="button"
            class="button alerts-toggle-button"
            aria-pressed={!showAll()}
            data-testid="alerts-show-open"
            onClick={() => choose(false)}
          >
            {t('admin.alerts.open')}
          </button>
          <button
            type="button"
            class="button alerts-toggle-button"
            aria-pressed={showAll()}
            data-testid="alerts-show-all"
            onClick={() => choose(true)}
          >
            {t('admin.alerts.all')}
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

      <ListStates
        list={list}
        noun={t('admin.alerts.noun')}
        emptyText={t(showAll() ? 'admin.alerts.noneYet' : 'admin.alerts.noneOpen')}
      >
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
