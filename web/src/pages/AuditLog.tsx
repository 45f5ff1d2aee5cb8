import { AUDIT_ACTIONS } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { currentMe, guard } from '../auth.ts';
import {
  createPagedList,
  debounce,
  FilterSelect,
  ListStates,
  NoValue,
  usePageTitle,
  useRememberedList,
} from '../data.tsx';
import { errorMessage } from '../errors.ts';
import { formatPreciseDateTime, label } from '../format.ts';
import { trpc } from '../trpc.ts';

const PAGE_SIZE = 50;

export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const RANGES = [
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
type RangeKey = (typeof RANGES)[number]['key'] | 'custom';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AuditItem = Awaited<ReturnType<typeof trpc.audit.search.query>>['items'][number];
type Verification = Awaited<ReturnType<typeof trpc.audit.verify.query>>;

/** An audit instant to the second, in the user's time zone and locale: '3 Mar 2025, 14:05:09'. */
export const formatAuditTime = (iso: string): string => formatPreciseDateTime(iso);

/** An ISO instant as the value of a datetime-local input (the user's time zone); '' when unusable. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO instant; undefined when empty or unparseable. */
function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const isoParam = (value: unknown) =>
  typeof value === 'string' && value && !Number.isNaN(new Date(value).getTime())
    ? new Date(value).toISOString()
    : undefined;
const textParam = (value: unknown, max: number) =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;

export function OutcomeBadge(props: { outcome: Outcome }) {
  const text = () => ({ success: 'Success', failure: 'Failure', denied: 'Denied' })[props.outcome];
  return (
    <span class={`badge badge-outcome-${props.outcome}`} data-testid="audit-outcome">
      {text()}
    </span>
  );
}

export function CrossPartyBadge() {
  return (
    <span class="badge badge-cross-party" data-testid="audit-cross-party" title="Acted on another organisation">
      Cross-party
    </span>
  );
}

/** Who acted: their email, their id when the account is gone, or "system" for the server itself. */
export function actorText(entry: Pick<AuditItem, 'actorEmail' | 'actorUserId'>): string {
  return entry.actorEmail ?? entry.actorUserId ?? 'system';
}

export default function AuditLog() {
  usePageTitle(() => 'Audit log');
  const [params, setParams] = useSearchParams();
  const staff = () => currentMe()?.party.kind === 'internal';

  // Filters live in the URL, so a view can be shared and Back from an entry keeps it.
  const range = (): RangeKey | undefined =>
    params.range === 'custom' || RANGES.some((r) => r.key === params.range) ? (params.range as RangeKey) : undefined;
  const customFrom = () => (range() === 'custom' ? isoParam(params.from) : undefined);
  const customTo = () => (range() === 'custom' ? isoParam(params.to) : undefined);
  const action = () => (typeof params.action === 'string' && params.action ? params.action.slice(0, 100) : undefined);
  const outcome = () => OUTCOMES.find((o) => o === params.outcome);
  const ip = () => textParam(params.ip, 60);
  const entityId = () => textParam(params.entity, 200);
  const actor = () => {
    const v = textParam(params.actor, 36);
    return v && UUID.test(v) ? v : undefined;
  };
  const party = () => {
    const v = textParam(params.party, 36);
    return staff() && v && UUID.test(v) ? v : undefined;
  };

  const key = () =>
    [range(), customFrom(), customTo(), action(), outcome(), ip(), entityId(), actor(), party()].join('|');
  // A preset's start is fixed when the filters change, so "Load more" pages through the same window.
  const filters = createMemo(
    () => {
      const preset = RANGES.find((r) => r.key === range());
      return {
        key: key(),
        from: preset ? new Date(Date.now() - preset.ms).toISOString() : customFrom(),
        to: customTo(),
        action: action(),
        outcome: outcome(),
        ip: ip(),
        entityId: entityId(),
        actorUserId: actor(),
        partyId: party(),
      };
    },
    undefined,
    { equals: (a, b) => a.key === b.key },
  );
  useRememberedList('/audit');

  const list = createPagedList(filters, (f, cursor) =>
    trpc.audit.search.query({
      limit: PAGE_SIZE,
      cursor,
      from: f.from,
      to: f.to,
      action: f.action,
      outcome: f.outcome,
      ip: f.ip,
      entityId: f.entityId,
      actorUserId: f.actorUserId,
      partyId: f.partyId,
    }),
  );
  const showParty = () => staff() || new Set(list.items().map((e) => e.partyId)).size > 1;

  // Free-text filters: typed here, applied to the URL once typing pauses.
  const [ipText, setIpText] = createSignal(typeof params.ip === 'string' ? params.ip : '');
  const [entityText, setEntityText] = createSignal(typeof params.entity === 'string' ? params.entity : '');
  const [actorText_, setActorText] = createSignal(typeof params.actor === 'string' ? params.actor : '');
  const [partyText, setPartyText] = createSignal(typeof params.party === 'string' ? params.party : '');
  const applyText = debounce(
    (name: 'ip' | 'entity' | 'actor' | 'party', value: string) =>
      setParams({ [name]: value.trim() || undefined }, { replace: true }),
    300,
  );
  const badId = (value: string) => value.trim() !== '' && !UUID.test(value.trim());

  const setRange = (value: string) => {
    if (value === 'custom') {
      // Start the custom window where the chosen preset was, so switching does not jump.
      const f = filters();
      setParams({ range: 'custom', from: f.from, to: f.to }, { replace: true });
    } else {
      setParams({ range: value || undefined, from: undefined, to: undefined }, { replace: true });
    }
  };

  const [verifying, setVerifying] = createSignal(false);
  const [verification, setVerification] = createSignal<Verification | null>(null);
  const [verifyError, setVerifyError] = createSignal<string | null>(null);
  const verify = async () => {
    if (verifying()) return;
    setVerifying(true);
    setVerification(null);
    setVerifyError(null);
    try {
      setVerification(await guard(trpc.audit.verify.query()));
    } catch (err) {
      setVerifyError(errorMessage(err));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <div class="detail-header list-header">
        <h1 id="audit-title">Audit log</h1>
        <button
          type="button"
          class="button"
          data-testid="audit-verify"
          onClick={() => void verify()}
          aria-disabled={verifying()}
          aria-busy={verifying()}
        >
          {verifying() ? 'Verifying…' : 'Verify integrity'}
        </button>
      </div>
      <div role="status" data-testid="audit-verify-status" class="audit-verify-status">
        <Switch>
          <Match when={verifyError()}>{(message) => <p class="form-error">Verifying failed: {message()}</p>}</Match>
          <Match when={verification()}>
            {(v) => (
              <Show
                when={v().ok}
                fallback={
                  <div class="audit-verify-problem" data-testid="audit-verify-problem">
                    <p class="audit-verify-title">Integrity problem: the audit trail was altered.</p>
                    <p class="audit-verify-line">{v().problem?.message ?? 'A hash chain does not verify.'}</p>
                    <Show when={v().problem}>
                      {(p) => (
                        <p class="audit-verify-line mono break">
                          Chain {p().chainKey}, sequence {p().seq}
                          <Show when={p().entryId}>
                            {(id) => (
                              <>
                                {' · '}
                                <A href={`/audit/${id()}`}>Open entry {id()}</A>
                              </>
                            )}
                          </Show>
                        </p>
                      )}
                    </Show>
                  </div>
                }
              >
                <p class="notice audit-verify-ok" data-testid="audit-verify-ok">
                  Intact: {v().entries} {v().entries === 1 ? 'entry' : 'entries'} in {v().chains}{' '}
                  {v().chains === 1 ? 'chain' : 'chains'}.
                </p>
              </Show>
            )}
          </Match>
        </Switch>
      </div>

      <form class="filters audit-filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="audit-range">Time</label>
          <select id="audit-range" name="range" value={range() ?? ''} onChange={(e) => setRange(e.currentTarget.value)}>
            <option value="">Any time</option>
            <For each={RANGES}>{(r) => <option value={r.key}>{r.label}</option>}</For>
            <option value="custom">Custom…</option>
          </select>
        </div>
        <Show when={range() === 'custom'}>
          <div class="field">
            <label for="audit-from">From</label>
            <input
              id="audit-from"
              name="from"
              type="datetime-local"
              value={toLocalInput(customFrom())}
              onChange={(e) => setParams({ from: fromLocalInput(e.currentTarget.value) }, { replace: true })}
            />
          </div>
          <div class="field">
            <label for="audit-to">To</label>
            <input
              id="audit-to"
              name="to"
              type="datetime-local"
              value={toLocalInput(customTo())}
              onChange={(e) => setParams({ to: fromLocalInput(e.currentTarget.value) }, { replace: true })}
            />
          </div>
        </Show>
        <FilterSelect
          id="audit-action"
          label="Action"
          param="action"
          options={[...AUDIT_ACTIONS].sort()}
          optionLabel={(a) => a}
          allLabel="All actions"
          value={action()}
        />
        <FilterSelect
          id="audit-outcome"
          label="Outcome"
          param="outcome"
          options={OUTCOMES}
          optionLabel={label}
          allLabel="All outcomes"
          value={outcome()}
        />
        <div class="field">
          <label for="audit-ip">IP address</label>
          <input
            id="audit-ip"
            name="ip"
            type="search"
            maxlength={60}
            autocomplete="off"
            value={ipText()}
            onInput={(e) => {
              setIpText(e.currentTarget.value);
              applyText('ip', e.currentTarget.value);
            }}
          />
        </div>
        <div class="field">
          <label for="audit-entity">Entity id</label>
          <input
            id="audit-entity"
            name="entity"
            type="search"
            maxlength={200}
            autocomplete="off"
            value={entityText()}
            onInput={(e) => {
              setEntityText(e.currentTarget.value);
              applyText('entity', e.currentTarget.value);
            }}
          />
        </div>
        <div class="field field-grow">
          <label for="audit-actor">Actor user id</label>
          <input
            id="audit-actor"
            name="actor"
            type="search"
            maxlength={36}
            autocomplete="off"
            spellcheck={false}
            aria-invalid={badId(actorText_())}
            aria-describedby={badId(actorText_()) ? 'audit-actor-error' : undefined}
            value={actorText_()}
            onInput={(e) => {
              setActorText(e.currentTarget.value);
              applyText('actor', e.currentTarget.value);
            }}
          />
          <Show when={badId(actorText_())}>
            <p class="hint field-error" id="audit-actor-error">
              A user id looks like 8-4-4-4-12 hex digits; not applied.
            </p>
          </Show>
        </div>
        <Show when={staff()}>
          <div class="field field-grow">
            <label for="audit-party">Organisation id</label>
            <input
              id="audit-party"
              name="party"
              type="search"
              maxlength={36}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={badId(partyText())}
              aria-describedby={badId(partyText()) ? 'audit-party-error' : undefined}
              value={partyText()}
              onInput={(e) => {
                setPartyText(e.currentTarget.value);
                applyText('party', e.currentTarget.value);
              }}
            />
            <Show when={badId(partyText())}>
              <p class="hint field-error" id="audit-party-error">
                An organisation id looks like 8-4-4-4-12 hex digits; not applied.
              </p>
            </Show>
          </div>
        </Show>
      </form>

      <ListStates list={list} noun="events" emptyText="No audit events match.">
        <div class="table-wrap stack">
          <table class="data-table audit-table" data-testid="audit-table" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <Show when={showParty()}>
                  <th scope="col">Organisation</th>
                </Show>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Outcome</th>
                <th scope="col">IP address</th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(entry) => (
                  <tr
                    data-testid="audit-row"
                    data-action={entry.action}
                    classList={{ 'audit-row-denied': entry.outcome === 'denied' }}
                  >
                    <th scope="row">
                      <A href={`/audit/${entry.id}`} data-testid="audit-link">
                        <time datetime={entry.at}>{formatAuditTime(entry.at)}</time>
                      </A>
                    </th>
                    <td class="wrap break" data-label="Actor" data-testid="audit-actor">
                      <Show when={entry.actorEmail || entry.actorUserId} fallback={<span class="muted">system</span>}>
                        {actorText(entry)}
                      </Show>
                    </td>
                    <Show when={showParty()}>
                      <td class="wrap" data-label="Organisation">
                        {entry.partyName ?? <NoValue />}
                      </td>
                    </Show>
                    <td class="wrap" data-label="Action">
                      <span class="audit-action">
                        <span class="mono" data-testid="audit-action">
                          {entry.action}
                        </span>
                        <Show when={entry.crossParty}>
                          <CrossPartyBadge />
                        </Show>
                      </span>
                    </td>
                    <td class="wrap" data-label="Entity">
                      <Show when={entry.entityType || entry.entityId} fallback={<NoValue />}>
                        <span class="audit-entity">
                          <span>{entry.entityType ?? ''}</span>{' '}
                          <Show when={entry.entityId}>
                            {(id) => (
                              <span class="mono muted audit-entity-id" title={id()}>
                                {id()}
                              </span>
                            )}
                          </Show>
                        </span>
                      </Show>
                    </td>
                    <td data-label="Outcome">
                      <OutcomeBadge outcome={entry.outcome} />
                    </td>
                    <td data-label="IP address">
                      <Show when={entry.ip} fallback={<NoValue />}>
                        {(ip) => <span class="mono">{ip()}</span>}
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </section>
  );
}
