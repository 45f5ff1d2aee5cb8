import { INTEGRATION_EVENT_TYPES, WEBHOOK_REPLAY_MAX, WEBHOOK_SECRET_OVERLAP_MAX_HOURS } from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { Announcement, createDialogs, FormDialog } from '../../shared/components.tsx';
import { ColumnHeads, NoValue, StatusBadge } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { Loaded } from '../../shared/loaded.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { Field, lines, RowAction, SecretPanel } from './integration-pieces.tsx';

type Endpoint = Awaited<ReturnType<typeof trpc.webhooks.list.query>>['endpoints'][number];
type Delivery = Awaited<ReturnType<typeof trpc.webhooks.deliveries.query>>['items'][number];
type EventType = (typeof INTEGRATION_EVENT_TYPES)[number];

/**
 * The Webhooks section of the Integrations screen: endpoints that receive the outbox signed (Standard
 * Webhooks), their recent deliveries with the errors of failed ones, and the changes (create, rotate the
 * secret, disable/enable, replay), each asking for the password when it was not entered lately.
 */
export function WebhooksSection() {
  const [endpoints, setEndpoints] = createSignal<Endpoint[] | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [secret, setSecret] = createSignal<{ url: string; secret: string } | null>(null);
  const [target, setTarget] = createSignal<Endpoint | null>(null);
  /** The endpoint whose deliveries are shown, and those deliveries. */
  const [open, setOpen] = createSignal<string | null>(null);
  const [deliveries, setDeliveries] = createSignal<Delivery[] | null>(null);
  const [deliveriesError, setDeliveriesError] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;
  const dialogs = createDialogs<'create' | 'rotate' | 'disable' | 'range'>(() => heading);

  const load = async () => {
    setLoadError(null);
    try {
      setEndpoints((await guard(trpc.webhooks.list.query())).endpoints);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  const loadDeliveries = async (endpointId: string) => {
    setDeliveriesError(null);
    setDeliveries(null);
    try {
      setDeliveries((await guard(trpc.webhooks.deliveries.query({ endpointId, limit: 20 }))).items);
    } catch (err) {
      setDeliveriesError(errorMessage(err));
    }
  };
  onMount(() => void load());

  // Create form state.
  const [url, setUrl] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [types, setTypes] = createSignal<EventType[]>([]);
  const [cidrs, setCidrs] = createSignal('');
  let urlInput: HTMLInputElement | undefined;
  const [overlap, setOverlap] = createSignal('24');
  let overlapInput: HTMLInputElement | undefined;
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');
  let fromInput: HTMLInputElement | undefined;

  const act = async (what: () => Promise<unknown>, done: string) => {
    setNotice(null);
    try {
      await withReauth(what);
      setNotice(done);
      await load();
      const shown = open();
      if (shown) await loadDeliveries(shown);
    } catch (err) {
      setNotice(errorMessage(err));
    }
  };

  return (
    <section class="stack" aria-labelledby="webhooks-title" data-testid="webhooks">
      <div class="detail-header list-header">
        <h2 id="webhooks-title" class="focus-target" tabindex="-1" ref={heading}>
          Webhooks
        </h2>
        <button
          type="button"
          class="button button-primary"
          data-testid="webhook-new"
          ref={dialogs.opener('create')}
          onClick={() => {
            setUrl('');
            setDescription('');
            setTypes([]);
            setCidrs('');
            dialogs.show('create');
          }}
        >
          New endpoint
        </button>
      </div>
      <p class="hint">
        Gatehouse pushes each event of the feed to these URLs, signed the Standard Webhooks way (<code>webhook-id</code>
        , <code>webhook-timestamp</code>, <code>webhook-signature</code>). Failed deliveries are retried for about four
        days; an endpoint answering 410 is disabled. Addresses inside private, loopback or link-local networks are
        refused unless you allowlist their network on the endpoint.
      </p>
      <Announcement testId="webhooks-status" message={notice()} />

      <Show when={secret()}>
        {(sec) => (
          <SecretPanel
            id="wh-secret"
            testId="webhook-secret"
            title="Copy the signing secret now"
            label="The signing secret"
            value={sec().secret}
            done="I have stored it"
            onDone={() => {
              setSecret(null);
              heading?.focus();
            }}
          >
            This is the only time the secret for <span class="webhook-url">{sec().url}</span> is shown. Give it to the
            receiver to verify signatures.
          </SecretPanel>
        )}
      </Show>

      <Loaded
        error={loadError()}
        onRetry={() => void load()}
        value={endpoints()}
        loading="Loading webhook endpoints…"
        empty={
          <p class="empty" data-testid="webhooks-empty">
            No webhook endpoints yet. Add one with “New endpoint”, or let the ERP read the event feed.
          </p>
        }
      >
        {(list) => (
          <div class="table-wrap">
            <table class="data-table webhooks-table" data-testid="webhooks-table">
              <caption class="visually-hidden">Webhook endpoints</caption>
              <thead>
                <tr>
                  <ColumnHeads names={['Endpoint', 'Events', 'Status', 'Deliveries']} actions="Actions" />
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(e) => (
                    <tr data-testid="webhook-row" data-status={e.status}>
                      <td data-label="Endpoint">
                        <span class="mono webhook-url">{e.url}</span>
                        <Show when={e.description}>{(d) => <div class="hint">{d()}</div>}</Show>
                        <Show when={e.allowedCidrs.length > 0}>
                          <div class="hint mono">allowlisted: {e.allowedCidrs.join(', ')}</div>
                        </Show>
                      </td>
                      <td data-label="Events">{e.eventTypes.length === 0 ? 'All' : e.eventTypes.join(', ')}</td>
                      <td data-label="Status">
                        <StatusBadge status={e.status} />
                        <Show when={e.disabledReason}>{(r) => <div class="hint">{r()}</div>}</Show>
                        <Show when={e.previousUntil}>
                          {(u) => <div class="hint">old secret signs until {formatDateTime(u())}</div>}
                        </Show>
                      </td>
                      <td data-label="Deliveries">
                        {e.pending} pending, {e.dead} failed
                        <div class="hint">
                          last delivered:{' '}
                          <Show when={e.lastDeliveredAt} fallback={<NoValue />}>
                            {(at) => formatDateTime(at())}
                          </Show>
                        </div>
                      </td>
                      <td data-label="Actions" class="actions">
                        <RowAction
                          testId="webhook-deliveries"
                          expanded={open() === e.id}
                          label={`Deliveries to ${e.url}`}
                          onClick={() => {
                            if (open() === e.id) return setOpen(null);
                            setOpen(e.id);
                            // The counts beside it are refreshed too, so both say the same.
                            void load();
                            void loadDeliveries(e.id);
                          }}
                        >
                          Deliveries
                        </RowAction>{' '}
                        <RowAction
                          testId="webhook-rotate"
                          label={`Rotate the secret of ${e.url}`}
                          ref={dialogs.opener('rotate')}
                          onClick={() => {
                            setTarget(e);
                            setOverlap('24');
                            dialogs.show('rotate');
                          }}
                        >
                          Rotate secret
                        </RowAction>{' '}
                        <RowAction
                          testId="webhook-replay-range"
                          label={`Replay events to ${e.url}`}
                          ref={dialogs.opener('range')}
                          onClick={() => {
                            setTarget(e);
                            setFrom('');
                            setTo('');
                            dialogs.show('range');
                          }}
                        >
                          Replay…
                        </RowAction>{' '}
                        <Show
                          when={e.status === 'active'}
                          fallback={
                            <RowAction
                              testId="webhook-enable"
                              label={`Enable ${e.url}`}
                              onClick={() =>
                                void act(
                                  () => trpc.webhooks.enable.mutate({ endpointId: e.id }),
                                  `${e.url} is enabled again; pending deliveries resume.`,
                                )
                              }
                            >
                              Enable
                            </RowAction>
                          }
                        >
                          <RowAction
                            testId="webhook-disable"
                            danger
                            label={`Disable ${e.url}`}
                            ref={dialogs.opener('disable')}
                            onClick={() => {
                              setTarget(e);
                              dialogs.show('disable');
                            }}
                          >
                            Disable
                          </RowAction>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Loaded>

      <Show when={open()}>
        {(endpointId) => (
          <section class="stack" aria-labelledby="wh-deliveries-title" data-testid="webhook-deliveries-panel">
            <h3 id="wh-deliveries-title">
              Recent deliveries to{' '}
              <span class="mono webhook-url">{endpoints()?.find((e) => e.id === endpointId())?.url}</span>
            </h3>
            <Loaded
              error={deliveriesError()}
              onRetry={() => void loadDeliveries(endpointId())}
              value={deliveries()}
              loading="Loading deliveries…"
              empty={<p class="empty">Nothing sent to this endpoint yet.</p>}
            >
              {(items) => (
                <div class="table-wrap">
                  <table class="data-table" data-testid="webhook-deliveries-table">
                    <caption class="visually-hidden">Recent deliveries</caption>
                    <thead>
                      <tr>
                        <ColumnHeads names={['Event', 'State', 'Attempts', 'Last answer']} actions="Actions" />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={items()}>
                        {(d) => (
                          <tr data-testid="webhook-delivery-row" data-state={d.state} data-event={d.eventId}>
                            <td data-label="Event">
                              {d.type}
                              <div class="hint mono">
                                #{d.cursor} · {d.eventId}
                                {d.replay ? ' · replay' : ''}
                              </div>
                            </td>
                            <td data-label="State">
                              <StatusBadge status={d.state} />
                              <Show when={d.state === 'pending' && d.attempts > 0}>
                                <div class="hint">next try {formatDateTime(d.nextAttemptAt)}</div>
                              </Show>
                            </td>
                            <td data-label="Attempts">{d.attempts}</td>
                            <td data-label="Last answer">
                              <Show when={d.lastError} fallback={d.lastStatus ?? <NoValue />}>
                                {(err) => (
                                  <span class="webhook-error" data-testid="webhook-delivery-error">
                                    {err()}
                                  </span>
                                )}
                              </Show>
                              <Show when={d.lastAttemptAt}>
                                {(at) => <div class="hint">{formatDateTime(at())}</div>}
                              </Show>
                            </td>
                            <td data-label="Actions" class="actions">
                              <RowAction
                                testId="webhook-replay"
                                label={`Replay event ${d.cursor}`}
                                onClick={() =>
                                  void act(
                                    () =>
                                      trpc.webhooks.replay.mutate({
                                        by: 'event',
                                        endpointId: endpointId(),
                                        eventId: d.eventId,
                                      }),
                                    `Event #${d.cursor} is queued again (same webhook-id).`,
                                  )
                                }
                              >
                                Replay
                              </RowAction>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              )}
            </Loaded>
          </section>
        )}
      </Show>

      <Show when={dialogs.open() === 'create'}>
        <FormDialog
          id="webhook-create"
          title="New webhook endpoint"
          testId="webhook-create-dialog"
          heading="New webhook endpoint"
          wide
          initialFocus={() => urlInput}
          onClose={dialogs.close}
          submitLabel="Create endpoint"
          submitTestId="webhook-create-submit"
          check={() => {
            if (!/^https?:\/\/\S+$/.test(url().trim()))
              return 'Give the receiver’s URL, e.g. https://erp.example.com/hooks.';
            return null;
          }}
          send={async () => {
            const made = await withReauth(() =>
              trpc.webhooks.create.mutate({
                url: url().trim(),
                description: description().trim(),
                eventTypes: types(),
                allowedCidrs: lines(cidrs()),
              }),
            );
            setSecret({ url: url().trim(), secret: made.secret });
            setNotice(`Endpoint ${url().trim()} was created.`);
            await load();
          }}
        >
          {() => (
            <>
              <Field
                id="wh-url"
                label="URL"
                mono
                inputRef={(el) => {
                  urlInput = el;
                }}
                maxLength={2000}
                inputMode="url"
                value={url()}
                onInput={setUrl}
                testId="webhook-url"
                hint="https, or http only to an address in an allowlisted network. Redirects are not followed."
              />
              <Field
                id="wh-description"
                label="Description (optional)"
                maxLength={200}
                value={description()}
                onInput={setDescription}
                testId="webhook-description"
              />
              <fieldset class="field">
                <legend>Events (none ticked: all)</legend>
                <For each={[...INTEGRATION_EVENT_TYPES]}>
                  {(type) => (
                    <label class="checkbox">
                      <input
                        type="checkbox"
                        checked={types().includes(type)}
                        onChange={(e) =>
                          setTypes((s) => (e.currentTarget.checked ? [...s, type] : s.filter((x) => x !== type)))
                        }
                      />{' '}
                      <code>{type}</code>
                    </label>
                  )}
                </For>
              </fieldset>
              <Field
                id="wh-cidrs"
                label="Allowlisted internal networks (optional)"
                mono
                rows={2}
                value={cidrs()}
                onInput={setCidrs}
                testId="webhook-cidrs"
                hint="One CIDR per line, e.g. 10.20.0.0/16, when the receiver sits on a private network. Leave empty for a public https receiver."
              />
            </>
          )}
        </FormDialog>
      </Show>

      <Show when={dialogs.open() === 'rotate' && target()}>
        {(e) => (
          <FormDialog
            id="webhook-rotate"
            title="Rotate signing secret"
            testId="webhook-rotate-dialog"
            heading="Rotate signing secret"
            intro={
              <p class="hint">
                A new secret signs from now on. The old one keeps signing beside it (two signatures per request) for the
                overlap, 0 to {WEBHOOK_SECRET_OVERLAP_MAX_HOURS} hours, while the receiver switches over.
              </p>
            }
            initialFocus={() => overlapInput}
            onClose={dialogs.close}
            submitLabel="Rotate"
            submitTestId="webhook-rotate-submit"
            check={() => {
              const n = Number(overlap());
              return Number.isInteger(n) && n >= 0 && n <= WEBHOOK_SECRET_OVERLAP_MAX_HOURS
                ? null
                : `Overlap hours must be a whole number from 0 to ${WEBHOOK_SECRET_OVERLAP_MAX_HOURS}.`;
            }}
            send={async () => {
              const made = await withReauth(() =>
                trpc.webhooks.rotateSecret.mutate({ endpointId: e().id, overlapHours: Number(overlap()) }),
              );
              setSecret({ url: e().url, secret: made.secret });
              setNotice(`The secret of ${e().url} was rotated.`);
              await load();
            }}
          >
            {() => (
              <Field
                id="wh-overlap"
                label="Old secret keeps signing (hours)"
                inputMode="numeric"
                inputRef={(el) => {
                  overlapInput = el;
                }}
                value={overlap()}
                onInput={setOverlap}
                testId="webhook-overlap"
              />
            )}
          </FormDialog>
        )}
      </Show>

      <Show when={dialogs.open() === 'disable' && target()}>
        {(e) => (
          <FormDialog
            id="webhook-disable"
            title="Disable endpoint"
            testId="webhook-disable-dialog"
            heading="Disable this endpoint?"
            intro={
              <p>
                Nothing more is sent to <span class="mono webhook-url">{e().url}</span> until it is enabled again;
                events are kept and delivered then.
              </p>
            }
            onClose={dialogs.close}
            submitLabel="Disable"
            submitClass="button button-danger"
            submitTestId="webhook-disable-submit"
            send={async () => {
              await withReauth(() => trpc.webhooks.disable.mutate({ endpointId: e().id }));
              setNotice(`${e().url} is disabled.`);
              await load();
            }}
          />
        )}
      </Show>

      <Show when={dialogs.open() === 'range' && target()}>
        {(e) => (
          <FormDialog
            id="webhook-range"
            title="Replay events"
            testId="webhook-range-dialog"
            heading="Replay events"
            intro={
              <p class="hint">
                Sends the endpoint’s events with feed ids from … to (inclusive, at most {WEBHOOK_REPLAY_MAX}) again,
                with their original webhook-id, so a receiver that deduplicates applies each once.
              </p>
            }
            initialFocus={() => fromInput}
            onClose={dialogs.close}
            submitLabel="Replay"
            submitTestId="webhook-range-submit"
            check={() =>
              /^\d{1,18}$/.test(from().trim()) && /^\d{1,18}$/.test(to().trim())
                ? null
                : 'Give the first and last feed id (numbers, shown as #id beside each delivery).'
            }
            send={async () => {
              const r = await withReauth(() =>
                trpc.webhooks.replay.mutate({
                  by: 'range',
                  endpointId: e().id,
                  fromCursor: from().trim(),
                  toCursor: to().trim(),
                }),
              );
              setNotice(`${r.queued} event(s) are queued again for ${e().url}.`);
              await load();
            }}
          >
            {() => (
              <div class="field-pair">
                <Field
                  id="wh-from"
                  label="From feed id"
                  inputMode="numeric"
                  inputRef={(el) => {
                    fromInput = el;
                  }}
                  value={from()}
                  onInput={setFrom}
                />
                <Field id="wh-to" label="To feed id" inputMode="numeric" value={to()} onInput={setTo} />
              </div>
            )}
          </FormDialog>
        )}
      </Show>
    </section>
  );
}
