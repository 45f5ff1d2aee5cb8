import { INTEGRATION_EVENT_TYPES, WEBHOOK_REPLAY_MAX, WEBHOOK_SECRET_OVERLAP_MAX_HOURS } from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { Announcement, createDialogs, FormDialog } from '../../shared/components.tsx';
import { ColumnHeads, NoValue } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { Loaded } from '../../shared/loaded.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { Field, lines, RowAction, SecretPanel, StateBadge } from './integration-pieces.tsx';

type Endpoint = Awaited<ReturnType<typeof trpc.webhooks.list.query>>['endpoints'][number];
type Delivery = Awaited<ReturnType<typeof trpc.webhooks.deliveries.query>>['items'][number];
type EventType = (typeof INTEGRATION_EVENT_TYPES)[number];

const ENDPOINT_STATUS: Record<Endpoint['status'], AdminKey> = {
  active: 'admin.integrations.webhooks.status.active',
  disabled: 'admin.integrations.webhooks.status.disabled',
};
const DELIVERY_STATE: Record<Delivery['state'], AdminKey> = {
  pending: 'admin.integrations.webhooks.state.pending',
  delivered: 'admin.integrations.webhooks.state.delivered',
  dead: 'admin.integrations.webhooks.state.dead',
};
/**
 * The reasons the server itself writes when it disables an endpoint (fixed sentences: a code in effect), in
 * the user's language; a reason an administrator gave is shown as written.
 */
const DISABLED_REASON: Partial<Record<string, AdminKey>> = {
  'The receiver answered 410 Gone.': 'admin.integrations.webhooks.reason410',
  'Disabled by an administrator.': 'admin.integrations.webhooks.reasonAdmin',
};
const disabledReason = (reason: string) => {
  const key = DISABLED_REASON[reason];
  return key ? t(key) : reason;
};

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
          {t('admin.integrations.webhooks.title')}
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
          {t('admin.integrations.webhooks.new')}
        </button>
      </div>
      <p class="hint">
        {t('admin.integrations.webhooks.intro', {
          headers: 'webhook-id, webhook-timestamp, webhook-signature',
        })}
      </p>
      <Announcement testId="webhooks-status" message={notice()} />

      <Show when={secret()}>
        {(sec) => (
          <SecretPanel
            id="wh-secret"
            testId="webhook-secret"
            title={t('admin.integrations.webhooks.secretTitle')}
            label={t('admin.integrations.webhooks.secretLabel')}
            value={sec().secret}
            done={t('admin.integrations.secretDone')}
            onDone={() => {
              setSecret(null);
              heading?.focus();
            }}
          >
            <span class="webhook-url">{t('admin.integrations.webhooks.secretText', { url: sec().url })}</span>
          </SecretPanel>
        )}
      </Show>

      <Loaded
        error={loadError()}
        onRetry={() => void load()}
        value={endpoints()}
        loading={t('admin.integrations.webhooks.loading')}
        empty={
          <p class="empty" data-testid="webhooks-empty">
            {t('admin.integrations.webhooks.empty')}
          </p>
        }
      >
        {(list) => (
          <div class="table-wrap">
            <table class="data-table webhooks-table" data-testid="webhooks-table">
              <caption class="visually-hidden">{t('admin.integrations.webhooks.caption')}</caption>
              <thead>
                <tr>
                  <ColumnHeads
                    names={[
                      t('admin.integrations.webhooks.colEndpoint'),
                      t('admin.integrations.webhooks.colEvents'),
                      t('admin.integrations.colStatus'),
                      t('admin.integrations.webhooks.colDeliveries'),
                    ]}
                    actions={t('admin.integrations.actions')}
                  />
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(e) => (
                    <tr data-testid="webhook-row" data-status={e.status}>
                      <td data-label={t('admin.integrations.webhooks.colEndpoint')}>
                        <span class="mono webhook-url">{e.url}</span>
                        <Show when={e.description}>{(d) => <div class="hint">{d()}</div>}</Show>
                        <Show when={e.allowedCidrs.length > 0}>
                          <div class="hint mono">
                            {t('admin.integrations.webhooks.allowlisted', { cidrs: e.allowedCidrs.join(', ') })}
                          </div>
                        </Show>
                      </td>
                      <td data-label={t('admin.integrations.webhooks.colEvents')}>
                        {e.eventTypes.length === 0
                          ? t('admin.integrations.webhooks.allEvents')
                          : e.eventTypes.join(', ')}
                      </td>
                      <td data-label={t('admin.integrations.colStatus')}>
                        <StateBadge state={e.status} text={t(ENDPOINT_STATUS[e.status])} />
                        <Show when={e.disabledReason}>
                          {(r) => (
                            <div class="hint" data-testid="webhook-disabled-reason">
                              {disabledReason(r())}
                            </div>
                          )}
                        </Show>
                        <Show when={e.previousUntil}>
                          {(u) => (
                            <div class="hint">
                              {t('admin.integrations.webhooks.oldSecretUntil', { at: formatDateTime(u()) })}
                            </div>
                          )}
                        </Show>
                      </td>
                      <td data-label={t('admin.integrations.webhooks.colDeliveries')}>
                        {t('admin.integrations.webhooks.counts', { pending: e.pending, dead: e.dead })}
                        <div class="hint">
                          {t('admin.integrations.webhooks.lastDelivered')}{' '}
                          <Show when={e.lastDeliveredAt} fallback={<NoValue />}>
                            {(at) => formatDateTime(at())}
                          </Show>
                        </div>
                      </td>
                      <td data-label={t('admin.integrations.actions')} class="actions">
                        <RowAction
                          testId="webhook-deliveries"
                          expanded={open() === e.id}
                          label={t('admin.integrations.webhooks.deliveriesLabel', { url: e.url })}
                          onClick={() => {
                            if (open() === e.id) return setOpen(null);
                            setOpen(e.id);
                            // The counts beside it are refreshed too, so both say the same.
                            void load();
                            void loadDeliveries(e.id);
                          }}
                        >
                          {t('admin.integrations.webhooks.colDeliveries')}
                        </RowAction>{' '}
                        <RowAction
                          testId="webhook-rotate"
                          label={t('admin.integrations.webhooks.rotateLabel', { url: e.url })}
                          ref={dialogs.opener('rotate')}
                          onClick={() => {
                            setTarget(e);
                            setOverlap('24');
                            dialogs.show('rotate');
                          }}
                        >
                          {t('admin.integrations.webhooks.rotate')}
                        </RowAction>{' '}
                        <RowAction
                          testId="webhook-replay-range"
                          label={t('admin.integrations.webhooks.replayRangeLabel', { url: e.url })}
                          ref={dialogs.opener('range')}
                          onClick={() => {
                            setTarget(e);
                            setFrom('');
                            setTo('');
                            dialogs.show('range');
                          }}
                        >
                          {t('admin.integrations.webhooks.replayRange')}
                        </RowAction>{' '}
                        <Show
                          when={e.status === 'active'}
                          fallback={
                            <RowAction
                              testId="webhook-enable"
                              label={t('admin.integrations.webhooks.enableLabel', { url: e.url })}
                              onClick={() =>
                                void act(
                                  () => trpc.webhooks.enable.mutate({ endpointId: e.id }),
                                  t('admin.integrations.webhooks.enabled', { url: e.url }),
                                )
                              }
                            >
                              {t('admin.integrations.webhooks.enable')}
                            </RowAction>
                          }
                        >
                          <RowAction
                            testId="webhook-disable"
                            danger
                            label={t('admin.integrations.webhooks.disableLabel', { url: e.url })}
                            ref={dialogs.opener('disable')}
                            onClick={() => {
                              setTarget(e);
                              dialogs.show('disable');
                            }}
                          >
                            {t('admin.integrations.webhooks.disable')}
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
              {t('admin.integrations.webhooks.recentTo')}{' '}
              <span class="mono webhook-url">{endpoints()?.find((e) => e.id === endpointId())?.url}</span>
            </h3>
            <Loaded
              error={deliveriesError()}
              onRetry={() => void loadDeliveries(endpointId())}
              value={deliveries()}
              loading={t('admin.integrations.webhooks.deliveriesLoading')}
              empty={<p class="empty">{t('admin.integrations.webhooks.deliveriesEmpty')}</p>}
            >
              {(items) => (
                <div class="table-wrap">
                  <table class="data-table" data-testid="webhook-deliveries-table">
                    <caption class="visually-hidden">{t('admin.integrations.webhooks.deliveriesCaption')}</caption>
                    <thead>
                      <tr>
                        <ColumnHeads
                          names={[
                            t('admin.integrations.kinetic.colEvent'),
                            t('admin.integrations.kinetic.colState'),
                            t('admin.integrations.webhooks.colAttempts'),
                            t('admin.integrations.webhooks.colLastAnswer'),
                          ]}
                          actions={t('admin.integrations.actions')}
                        />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={items()}>
                        {(d) => (
                          <tr data-testid="webhook-delivery-row" data-state={d.state} data-event={d.eventId}>
                            <td data-label={t('admin.integrations.kinetic.colEvent')}>
                              {d.type}
                              <div class="hint mono">
                                #{d.cursor} · {d.eventId}
                                {d.replay ? ` · ${t('admin.integrations.webhooks.replayMark')}` : ''}
                              </div>
                            </td>
                            <td data-label={t('admin.integrations.kinetic.colState')}>
                              <StateBadge state={d.state} text={t(DELIVERY_STATE[d.state])} />
                              <Show when={d.state === 'pending' && d.attempts > 0}>
                                <div class="hint">
                                  {t('admin.integrations.webhooks.nextTry', { at: formatDateTime(d.nextAttemptAt) })}
                                </div>
                              </Show>
                            </td>
                            <td data-label={t('admin.integrations.webhooks.colAttempts')}>{d.attempts}</td>
                            <td data-label={t('admin.integrations.webhooks.colLastAnswer')}>
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
                            <td data-label={t('admin.integrations.actions')} class="actions">
                              <RowAction
                                testId="webhook-replay"
                                label={t('admin.integrations.webhooks.replayLabel', { cursor: d.cursor })}
                                onClick={() =>
                                  void act(
                                    () =>
                                      trpc.webhooks.replay.mutate({
                                        by: 'event',
                                        endpointId: endpointId(),
                                        eventId: d.eventId,
                                      }),
                                    t('admin.integrations.webhooks.replayed', { cursor: d.cursor }),
                                  )
                                }
                              >
                                {t('admin.integrations.webhooks.replay')}
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
          title={t('admin.integrations.webhooks.createTitle')}
          testId="webhook-create-dialog"
          heading={t('admin.integrations.webhooks.createTitle')}
          wide
          initialFocus={() => urlInput}
          onClose={dialogs.close}
          submitLabel={t('admin.integrations.webhooks.createSubmit')}
          submitTestId="webhook-create-submit"
          check={() => {
            if (!/^https?:\/\/\S+$/.test(url().trim())) return t('admin.integrations.webhooks.urlMissing');
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
            setNotice(t('admin.integrations.webhooks.created', { url: url().trim() }));
            await load();
          }}
        >
          {() => (
            <>
              <Field
                id="wh-url"
                label={t('admin.integrations.webhooks.url')}
                mono
                inputRef={(el) => {
                  urlInput = el;
                }}
                maxLength={2000}
                inputMode="url"
                value={url()}
                onInput={setUrl}
                testId="webhook-url"
                hint={t('admin.integrations.webhooks.urlHint')}
              />
              <Field
                id="wh-description"
                label={t('admin.integrations.webhooks.description')}
                maxLength={200}
                value={description()}
                onInput={setDescription}
                testId="webhook-description"
              />
              <fieldset class="field">
                <legend>{t('admin.integrations.webhooks.events')}</legend>
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
                label={t('admin.integrations.webhooks.cidrs')}
                mono
                rows={2}
                value={cidrs()}
                onInput={setCidrs}
                testId="webhook-cidrs"
                hint={t('admin.integrations.webhooks.cidrsHint')}
              />
            </>
          )}
        </FormDialog>
      </Show>

      <Show when={dialogs.open() === 'rotate' && target()}>
        {(e) => (
          <FormDialog
            id="webhook-rotate"
            title={t('admin.integrations.webhooks.rotateTitle')}
            testId="webhook-rotate-dialog"
            heading={t('admin.integrations.webhooks.rotateTitle')}
            intro={
              <p class="hint">
                {t('admin.integrations.webhooks.rotateIntro', { max: WEBHOOK_SECRET_OVERLAP_MAX_HOURS })}
              </p>
            }
            initialFocus={() => overlapInput}
            onClose={dialogs.close}
            submitLabel={t('admin.integrations.rotate')}
            submitTestId="webhook-rotate-submit"
            check={() => {
              const n = Number(overlap());
              return Number.isInteger(n) && n >= 0 && n <= WEBHOOK_SECRET_OVERLAP_MAX_HOURS
                ? null
                : t('admin.integrations.webhooks.overlapRange', { max: WEBHOOK_SECRET_OVERLAP_MAX_HOURS });
            }}
            send={async () => {
              const made = await withReauth(() =>
                trpc.webhooks.rotateSecret.mutate({ endpointId: e().id, overlapHours: Number(overlap()) }),
              );
              setSecret({ url: e().url, secret: made.secret });
              setNotice(t('admin.integrations.webhooks.rotated', { url: e().url }));
              await load();
            }}
          >
            {() => (
              <Field
                id="wh-overlap"
                label={t('admin.integrations.webhooks.overlap')}
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
            title={t('admin.integrations.webhooks.disableTitle')}
            testId="webhook-disable-dialog"
            heading={t('admin.integrations.webhooks.disableHeading')}
            intro={<p class="webhook-url">{t('admin.integrations.webhooks.disableIntro', { url: e().url })}</p>}
            onClose={dialogs.close}
            submitLabel={t('admin.integrations.webhooks.disable')}
            submitClass="button button-danger"
            submitTestId="webhook-disable-submit"
            send={async () => {
              await withReauth(() => trpc.webhooks.disable.mutate({ endpointId: e().id }));
              setNotice(t('admin.integrations.webhooks.disabled', { url: e().url }));
              await load();
            }}
          />
        )}
      </Show>

      <Show when={dialogs.open() === 'range' && target()}>
        {(e) => (
          <FormDialog
            id="webhook-range"
            title={t('admin.integrations.webhooks.rangeTitle')}
            testId="webhook-range-dialog"
            heading={t('admin.integrations.webhooks.rangeTitle')}
            intro={<p class="hint">{t('admin.integrations.webhooks.rangeIntro', { max: WEBHOOK_REPLAY_MAX })}</p>}
            initialFocus={() => fromInput}
            onClose={dialogs.close}
            submitLabel={t('admin.integrations.webhooks.replay')}
            submitTestId="webhook-range-submit"
            check={() =>
              /^\d{1,18}$/.test(from().trim()) && /^\d{1,18}$/.test(to().trim())
                ? null
                : t('admin.integrations.webhooks.rangeMissing')
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
              setNotice(t('admin.integrations.webhooks.rangeQueued', { count: r.queued, url: e().url }));
              await load();
            }}
          >
            {() => (
              <div class="field-pair">
                <Field
                  id="wh-from"
                  label={t('admin.integrations.webhooks.from')}
                  inputMode="numeric"
                  inputRef={(el) => {
                    fromInput = el;
                  }}
                  value={from()}
                  onInput={setFrom}
                />
                <Field
                  id="wh-to"
                  label={t('admin.integrations.webhooks.to')}
                  inputMode="numeric"
                  value={to()}
                  onInput={setTo}
                />
              </div>
            )}
          </FormDialog>
        )}
      </Show>
    </section>
  );
}
