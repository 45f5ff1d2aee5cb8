import type { KINETIC_STREAMS, KINETIC_WRITEBACK_MODES, KINETIC_WRITEBACK_STATES } from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import { ColumnHeads, NoValue } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime, formatNumber } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { Loaded } from '../../shared/loaded.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { Field, lines, StateBadge } from './integration-pieces.tsx';

type Status = Awaited<ReturnType<typeof trpc.kinetic.status.query>>;
type Stream = Status['streams'][number];
type TestResult = Awaited<ReturnType<typeof trpc.kinetic.test.mutate>>;

type StreamKey = (typeof KINETIC_STREAMS)[number];
const STREAM_LABEL: Record<StreamKey, AdminKey> = {
  customers: 'admin.integrations.kinetic.stream.customers',
  suppliers: 'admin.integrations.kinetic.stream.suppliers',
  orders: 'admin.integrations.kinetic.stream.orders',
  'order-lines': 'admin.integrations.kinetic.stream.orderLines',
  invoices: 'admin.integrations.kinetic.stream.invoices',
  shipments: 'admin.integrations.kinetic.stream.shipments',
  'purchase-orders': 'admin.integrations.kinetic.stream.purchaseOrders',
};
/** A stream's name; one a newer server reports is shown as it is named. */
const streamName = (stream: string) => (stream in STREAM_LABEL ? t(STREAM_LABEL[stream as StreamKey]) : stream);

const WRITEBACK_MODE_LABEL: Record<(typeof KINETIC_WRITEBACK_MODES)[number], AdminKey> = {
  off: 'admin.integrations.kinetic.wbMode.off',
  efx: 'admin.integrations.kinetic.wbMode.efx',
  ud: 'admin.integrations.kinetic.wbMode.ud',
};

const WRITEBACK_STATE_LABEL: Record<(typeof KINETIC_WRITEBACK_STATES)[number], AdminKey> = {
  pending: 'admin.integrations.kinetic.wbState.pending',
  sent: 'admin.integrations.kinetic.wbState.sent',
  confirmed: 'admin.integrations.kinetic.wbState.confirmed',
  dead: 'admin.integrations.kinetic.wbState.dead',
  skipped: 'admin.integrations.kinetic.wbState.skipped',
  overridden: 'admin.integrations.kinetic.wbState.overridden',
};

/** "Test connection"'s outcome codes; the detail beside it is Kinetic's (or the network's) own text. */
const TEST_LABEL: Record<TestResult['outcome'], AdminKey> = {
  ok: 'admin.integrations.kinetic.test.ok',
  dns_tls: 'admin.integrations.kinetic.test.dnsTls',
  auth: 'admin.integrations.kinetic.test.auth',
  scope: 'admin.integrations.kinetic.test.scope',
  not_found: 'admin.integrations.kinetic.test.notFound',
  unreachable: 'admin.integrations.kinetic.test.unreachable',
};

const CONNECTION_STATE: Record<NonNullable<Status['connection']>['state'], AdminKey> = {
  ok: 'admin.integrations.kinetic.state.ok',
  auth_failed: 'admin.integrations.kinetic.state.authFailed',
  error: 'admin.integrations.kinetic.state.error',
};

const lag = (s: number | null) =>
  s === null
    ? null
    : s < 120
      ? t('admin.integrations.kinetic.lagSeconds', { n: s })
      : s < 7200
        ? t('admin.integrations.kinetic.lagMinutes', { n: Math.round(s / 60) })
        : t('admin.integrations.kinetic.lagHours', { n: Math.round(s / 3600) });

type Connection = NonNullable<Status['connection']>;
/**
 * The connection's write-only secrets: each a field that says whether one is stored (sealed) and is left
 * empty to keep it. One description each, rendered by one piece in the form.
 */
interface SecretField {
  id: string;
  label: AdminKey;
  testId: string;
  hintTestId: string;
  mono: boolean;
  autocomplete: string;
  stored: (c: Connection | null | undefined) => boolean;
  storedHint: AdminKey;
  emptyHint: AdminKey;
  value: () => string;
  set: (v: string) => void;
}

/**
 * The Epicor Kinetic section of the Integrations screen: the connection (secrets are write-only: the
 * screen says whether one is stored and never shows it), "Test connection" naming which of the failure
 * modes it met, each stream's switch, mode and poll interval, and the sync's status with its rejects.
 */
export function KineticSection() {
  const [status, setStatus] = createSignal<Status | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [test, setTest] = createSignal<TestResult | null>(null);
  const [busy, setBusy] = createSignal(false);
  let heading: HTMLHeadingElement | undefined;

  const [baseUrl, setBaseUrl] = createSignal('');
  const [instance, setInstance] = createSignal('');
  const [company, setCompany] = createSignal('');
  const [authMode, setAuthMode] = createSignal<'basic' | 'bearer'>('basic');
  const [username, setUsername] = createSignal('');
  const [apiKey, setApiKey] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [caBundle, setCaBundle] = createSignal('');
  const secretFields: SecretField[] = [
    {
      id: 'kin-password',
      label: 'admin.integrations.kinetic.password',
      testId: 'kinetic-password',
      hintTestId: 'kinetic-password-stored',
      mono: false,
      autocomplete: 'new-password',
      stored: (c) => c?.hasPassword === true,
      storedHint: 'admin.integrations.kinetic.passwordStored',
      emptyHint: 'admin.integrations.kinetic.passwordNotStored',
      value: password,
      set: setPassword,
    },
    {
      id: 'kin-key',
      label: 'admin.integrations.kinetic.apiKey',
      testId: 'kinetic-api-key',
      hintTestId: 'kinetic-key-stored',
      mono: true,
      autocomplete: 'off',
      stored: (c) => c?.hasApiKey === true,
      storedHint: 'admin.integrations.kinetic.apiKeyStored',
      emptyHint: 'admin.integrations.kinetic.apiKeyNotStored',
      value: apiKey,
      set: setApiKey,
    },
  ];
  const [cidrs, setCidrs] = createSignal('');
  const [wbMode, setWbMode] = createSignal<(typeof KINETIC_WRITEBACK_MODES)[number]>('off');
  const [wbHours, setWbHours] = createSignal('24');
  const [wbError, setWbError] = createSignal<string | null>(null);

  const load = async () => {
    setLoadError(null);
    try {
      const s = await guard(trpc.kinetic.status.query());
      setStatus(s);
      setWbMode(s.writeback.mode);
      setWbHours(String(s.writeback.confirmTimeoutHours));
      const c = s.connection;
      if (c) {
        setBaseUrl(c.baseUrl);
        setInstance(c.instance);
        setCompany(c.company);
        setAuthMode(c.authMode);
        setUsername(c.username);
        setCaBundle(c.caBundle);
        setCidrs(c.allowedCidrs.join('\n'));
      }
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  onMount(() => void load());

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setFormError(null);
    setNotice(null);
    const has = status()?.connection;
    if (!/^https?:\/\/\S+$/.test(baseUrl().trim())) return setFormError(t('admin.integrations.kinetic.urlMissing'));
    if (!instance().trim() || !company().trim() || !username().trim())
      return setFormError(t('admin.integrations.kinetic.required'));
    if (!has?.hasApiKey && !apiKey()) return setFormError(t('admin.integrations.kinetic.apiKeyMissing'));
    if (!has?.hasPassword && !password()) return setFormError(t('admin.integrations.kinetic.passwordMissing'));
    setBusy(true);
    try {
      await withReauth(() =>
        trpc.kinetic.save.mutate({
          baseUrl: baseUrl().trim(),
          instance: instance().trim(),
          company: company().trim(),
          authMode: authMode(),
          username: username().trim(),
          ...(apiKey() ? { apiKey: apiKey() } : {}),
          ...(password() ? { password: password() } : {}),
          caBundle: caBundle().trim(),
          allowedCidrs: lines(cidrs()),
        }),
      );
      setApiKey('');
      setPassword('');
      setTest(null);
      await load();
      setNotice(t('admin.integrations.kinetic.saved'));
    } catch (err) {
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const runTest = async () => {
    if (busy()) return;
    setNotice(null);
    setTest(null);
    setBusy(true);
    try {
      setTest(await withReauth(() => trpc.kinetic.test.mutate()));
      await load();
    } catch (err) {
      setNotice(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const saveStream = async (s: Stream, change: Partial<Pick<Stream, 'enabled' | 'mode' | 'pollSeconds'>>) => {
    setNotice(null);
    const next = { enabled: s.enabled, mode: s.mode, pollSeconds: s.pollSeconds, ...change };
    try {
      await withReauth(() => trpc.kinetic.setStream.mutate({ stream: s.stream, ...next }));
      setNotice(
        t('admin.integrations.kinetic.streamSaved', {
          stream: streamName(s.stream),
          enabled: next.enabled ? 'on' : 'off',
          mode: next.mode,
          seconds: next.pollSeconds,
        }),
      );
      await load();
    } catch (err) {
      setNotice(errorMessage(err));
      await load();
    }
  };

  const saveWriteback = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setWbError(null);
    setNotice(null);
    const hours = Number(wbHours());
    if (!Number.isInteger(hours) || hours < 1 || hours > 720)
      return setWbError(t('admin.integrations.kinetic.wbHoursRange'));
    setBusy(true);
    try {
      await withReauth(() => trpc.kinetic.setWriteback.mutate({ mode: wbMode(), confirmTimeoutHours: hours }));
      await load();
      setNotice(t('admin.integrations.kinetic.wbSaved', { mode: t(WRITEBACK_MODE_LABEL[wbMode()]), hours }));
    } catch (err) {
      setWbError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="stack" aria-labelledby="kinetic-title" data-testid="kinetic">
      <h2 id="kinetic-title" class="focus-target" tabindex="-1" ref={heading}>
        Epicor Kinetic
      </h2>
      <p class="hint">{t('admin.integrations.kinetic.intro')}</p>
      <Announcement testId="kinetic-status-message" message={notice()} />
      <Loaded
        error={loadError()}
        onRetry={() => void load()}
        value={status()}
        loading={t('admin.integrations.kinetic.loading')}
      >
        {(s) => (
          <>
            <Show when={s().connection?.state === 'auth_failed'}>
              <p class="form-error" role="alert" data-testid="kinetic-auth-failed">
                {t('admin.integrations.kinetic.authFailed')}{' '}
                <span data-testid="kinetic-auth-failed-reason">{s().connection?.stateReason}</span>
              </p>
            </Show>
            <form
              class="panel panel-wide stack"
              onSubmit={(e) => void save(e)}
              aria-labelledby="kinetic-conn-title"
              novalidate
            >
              <h3 id="kinetic-conn-title">{t('admin.integrations.kinetic.connection')}</h3>
              <Field
                id="kin-url"
                label={t('admin.integrations.kinetic.url')}
                mono
                inputMode="url"
                maxLength={500}
                value={baseUrl()}
                onInput={setBaseUrl}
                testId="kinetic-url"
                hint={t('admin.integrations.kinetic.urlHint')}
              />
              <Field
                id="kin-instance"
                label={t('admin.integrations.kinetic.instance')}
                maxLength={100}
                value={instance()}
                onInput={setInstance}
                testId="kinetic-instance"
              />
              <Field
                id="kin-company"
                label={t('admin.integrations.kinetic.company')}
                maxLength={50}
                value={company()}
                onInput={setCompany}
                testId="kinetic-company"
              />
              <fieldset class="field">
                <legend>{t('admin.integrations.kinetic.signIn')}</legend>
                <label class="checkbox">
                  <input
                    type="radio"
                    name="kin-auth"
                    checked={authMode() === 'basic'}
                    onChange={() => setAuthMode('basic')}
                    data-testid="kinetic-auth-basic"
                  />{' '}
                  {t('admin.integrations.kinetic.authBasic')}
                </label>
                <label class="checkbox">
                  <input
                    type="radio"
                    name="kin-auth"
                    checked={authMode() === 'bearer'}
                    onChange={() => setAuthMode('bearer')}
                    data-testid="kinetic-auth-bearer"
                  />{' '}
                  {t('admin.integrations.kinetic.authBearer')}
                </label>
              </fieldset>
              <Field
                id="kin-user"
                label={t('admin.integrations.kinetic.username')}
                autocomplete="off"
                maxLength={200}
                value={username()}
                onInput={setUsername}
                testId="kinetic-username"
              />
              <For each={secretFields}>
                {(f) => (
                  <Field
                    id={f.id}
                    label={t(f.label)}
                    mono={f.mono}
                    type="password"
                    autocomplete={f.autocomplete}
                    maxLength={2000}
                    value={f.value()}
                    onInput={f.set}
                    testId={f.testId}
                    hintTestId={f.hintTestId}
                    hint={t(f.stored(s().connection) ? f.storedHint : f.emptyHint)}
                  />
                )}
              </For>
              <Field
                id="kin-ca"
                label={t('admin.integrations.kinetic.ca')}
                mono
                rows={3}
                value={caBundle()}
                onInput={setCaBundle}
                testId="kinetic-ca"
                hint={t('admin.integrations.kinetic.caHint')}
              />
              <Field
                id="kin-cidrs"
                label={t('admin.integrations.kinetic.cidrs')}
                mono
                rows={2}
                value={cidrs()}
                onInput={setCidrs}
                testId="kinetic-cidrs"
                hint={t('admin.integrations.kinetic.cidrsHint')}
              />
              <FormError id="kinetic-form-error" message={formError()} />
              <div class="actions">
                <button type="submit" class="button button-primary" disabled={busy()} data-testid="kinetic-save">
                  {t('admin.integrations.kinetic.save')}
                </button>
                <button
                  type="button"
                  class="button"
                  disabled={busy() || !s().connection}
                  data-testid="kinetic-test"
                  onClick={() => void runTest()}
                >
                  {t('admin.integrations.kinetic.test')}
                </button>
              </div>
              <Show when={test()}>
                {(r) => (
                  <p
                    class={r().outcome === 'ok' ? 'notice' : 'form-error'}
                    role="status"
                    data-testid="kinetic-test-result"
                    data-outcome={r().outcome}
                  >
                    <strong>{t(TEST_LABEL[r().outcome])}</strong>:{' '}
                    <span data-testid="kinetic-test-detail">{r().message}</span>
                  </p>
                )}
              </Show>
            </form>

            <Show when={s().connection}>
              <div class="table-wrap">
                <table class="data-table" data-testid="kinetic-streams">
                  <caption>{t('admin.integrations.kinetic.streams')}</caption>
                  <thead>
                    <tr>
                      <ColumnHeads
                        names={[
                          t('admin.integrations.kinetic.colStream'),
                          t('admin.integrations.kinetic.colOn'),
                          t('admin.integrations.kinetic.colMode'),
                          t('admin.integrations.kinetic.colPoll'),
                          t('admin.integrations.kinetic.colLastRun'),
                          t('admin.integrations.kinetic.colLag'),
                          t('admin.integrations.kinetic.colRows'),
                          t('admin.integrations.kinetic.colRejects'),
                        ]}
                      />
                    </tr>
                  </thead>
                  <tbody>
                    <For each={s().streams}>
                      {(st) => (
                        <tr data-testid="kinetic-stream-row" data-stream={st.stream}>
                          <th scope="row" data-label={t('admin.integrations.kinetic.colStream')}>
                            {streamName(st.stream)}
                            <Show when={st.lastError}>
                              {(err) => (
                                <div class="hint webhook-error" data-testid="kinetic-stream-error">
                                  {err()}
                                </div>
                              )}
                            </Show>
                          </th>
                          <td data-label={t('admin.integrations.kinetic.colOn')}>
                            <input
                              type="checkbox"
                              checked={st.enabled}
                              aria-label={t('admin.integrations.kinetic.syncLabel', { stream: streamName(st.stream) })}
                              data-testid="kinetic-stream-enabled"
                              onChange={(e) => void saveStream(st, { enabled: e.currentTarget.checked })}
                            />
                          </td>
                          <td data-label={t('admin.integrations.kinetic.colMode')}>
                            <select
                              class="input"
                              aria-label={t('admin.integrations.kinetic.modeLabel', { stream: streamName(st.stream) })}
                              value={st.mode}
                              data-testid="kinetic-stream-mode"
                              onChange={(e) =>
                                void saveStream(st, { mode: e.currentTarget.value === 'baq' ? 'baq' : 'bo' })
                              }
                            >
                              <option value="bo">{t('admin.integrations.kinetic.modeBo')}</option>
                              <option value="baq">{t('admin.integrations.kinetic.modeBaq')}</option>
                            </select>
                          </td>
                          <td data-label={t('admin.integrations.kinetic.colPoll')}>
                            <input
                              class="input"
                              type="number"
                              min={15}
                              max={900}
                              aria-label={t('admin.integrations.kinetic.pollLabel', { stream: streamName(st.stream) })}
                              value={st.pollSeconds}
                              data-testid="kinetic-stream-poll"
                              onChange={(e) => {
                                const n = Number(e.currentTarget.value);
                                if (Number.isInteger(n) && n >= 15 && n <= 900) void saveStream(st, { pollSeconds: n });
                                else setNotice(t('admin.integrations.kinetic.pollRange'));
                              }}
                            />
                          </td>
                          <td data-label={t('admin.integrations.kinetic.colLastRun')}>
                            <Show when={st.lastRunAt} fallback={<NoValue />}>
                              {(at) => formatDateTime(at())}
                            </Show>
                          </td>
                          <td data-label={t('admin.integrations.kinetic.colLag')}>
                            {lag(st.lagSeconds) ?? <NoValue />}
                          </td>
                          <td data-label={t('admin.integrations.kinetic.colRows')}>
                            {formatNumber(st.rowsTotal)}
                            <div class="hint">
                              {t('admin.integrations.kinetic.lastRunRows', { rows: st.lastRunRows })}
                            </div>
                          </td>
                          <td data-label={t('admin.integrations.kinetic.colRejects')}>{formatNumber(st.rejects)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={s().rejects.length > 0}>
                <div class="table-wrap">
                  <table class="data-table" data-testid="kinetic-rejects">
                    <caption>{t('admin.integrations.kinetic.rejects')}</caption>
                    <thead>
                      <tr>
                        <ColumnHeads
                          names={[
                            t('admin.integrations.kinetic.colRecord'),
                            t('admin.integrations.kinetic.colReason'),
                            t('admin.integrations.kinetic.colSince'),
                          ]}
                        />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={s().rejects}>
                        {(r) => (
                          <tr data-testid="kinetic-reject-row">
                            <td data-label={t('admin.integrations.kinetic.colRecord')} class="mono">
                              {r.erpKey}
                              <div class="hint">{streamName(r.stream)}</div>
                            </td>
                            <td
                              data-label={t('admin.integrations.kinetic.colReason')}
                              data-testid="kinetic-reject-reason"
                            >
                              {r.reason}
                            </td>
                            <td data-label={t('admin.integrations.kinetic.colSince')}>
                              {formatDateTime(r.firstSeen)}
                              <div class="hint">{t('admin.integrations.kinetic.attempts', { count: r.attempts })}</div>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
              <p class="hint">
                {t('admin.integrations.kinetic.state')}{' '}
                <StateBadge
                  state={s().connection?.state ?? 'ok'}
                  text={t(CONNECTION_STATE[s().connection?.state ?? 'ok'])}
                />
              </p>
              <form
                class="panel panel-wide stack"
                onSubmit={(e) => void saveWriteback(e)}
                aria-labelledby="kinetic-wb-title"
                data-testid="kinetic-writeback"
                novalidate
              >
                <h3 id="kinetic-wb-title">{t('admin.integrations.kinetic.writeback')}</h3>
                <p class="hint">{t('admin.integrations.kinetic.writebackHint')}</p>
                <div class="field">
                  <label for="kin-wb-mode">{t('admin.integrations.kinetic.colMode')}</label>
                  <select
                    id="kin-wb-mode"
                    class="input"
                    value={wbMode()}
                    data-testid="kinetic-writeback-mode"
                    onChange={(e) => setWbMode(e.currentTarget.value as (typeof KINETIC_WRITEBACK_MODES)[number])}
                  >
                    <option value="off">{t(WRITEBACK_MODE_LABEL.off)}</option>
                    <option value="efx">{t(WRITEBACK_MODE_LABEL.efx)}</option>
                    <option value="ud">{t(WRITEBACK_MODE_LABEL.ud)}</option>
                  </select>
                </div>
                <Field
                  id="kin-wb-hours"
                  label={t('admin.integrations.kinetic.wbHours')}
                  type="number"
                  min={1}
                  max={720}
                  value={wbHours()}
                  onInput={setWbHours}
                  testId="kinetic-writeback-hours"
                />
                <FormError id="kinetic-writeback-error" message={wbError()} />
                <div class="actions">
                  <button
                    type="submit"
                    class="button button-primary"
                    disabled={busy()}
                    data-testid="kinetic-writeback-save"
                  >
                    {t('admin.integrations.kinetic.wbSave')}
                  </button>
                </div>
                <p class="hint" data-testid="kinetic-writeback-counts">
                  {(Object.keys(WRITEBACK_STATE_LABEL) as (typeof KINETIC_WRITEBACK_STATES)[number][])
                    .map((k) =>
                      t('admin.integrations.kinetic.wbCount', {
                        state: t(WRITEBACK_STATE_LABEL[k]),
                        count: s().writeback.counts[k] ?? 0,
                      }),
                    )
                    .join(' · ')}
                </p>
              </form>
              <Show
                when={s().writeback.recent.length > 0}
                fallback={
                  <p class="hint" data-testid="kinetic-writeback-empty">
                    {t('admin.integrations.kinetic.wbEmpty')}
                  </p>
                }
              >
                <div class="table-wrap">
                  <table class="data-table" data-testid="kinetic-writebacks">
                    <caption>{t('admin.integrations.kinetic.wbLatest')}</caption>
                    <thead>
                      <tr>
                        <ColumnHeads
                          names={[
                            t('admin.integrations.kinetic.colEvent'),
                            t('admin.integrations.kinetic.colTarget'),
                            t('admin.integrations.kinetic.colState'),
                            t('admin.integrations.kinetic.colRecorded'),
                          ]}
                        />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={s().writeback.recent}>
                        {(w) => (
                          <tr data-testid="kinetic-writeback-row" data-state={w.state} data-event={w.eventId}>
                            <td data-label={t('admin.integrations.kinetic.colEvent')}>
                              {w.type}
                              <div class="hint mono">{w.eventId}</div>
                            </td>
                            <td data-label={t('admin.integrations.kinetic.colTarget')}>
                              {w.route === 'efx'
                                ? t('admin.integrations.kinetic.targetFunction', { target: w.target ?? '' })
                                : w.route === 'ud'
                                  ? t('admin.integrations.kinetic.targetUd', { target: w.target ?? '' })
                                  : t('admin.integrations.kinetic.targetNone')}
                            </td>
                            <td data-label={t('admin.integrations.kinetic.colState')}>
                              {t(WRITEBACK_STATE_LABEL[w.state])}
                              <Show when={w.attempts > 1}>
                                <div class="hint">
                                  {t('admin.integrations.kinetic.attempts', { count: w.attempts })}
                                </div>
                              </Show>
                              <Show when={w.lastError}>
                                {(err) => (
                                  <div class="hint webhook-error" data-testid="kinetic-writeback-reason">
                                    {err()}
                                  </div>
                                )}
                              </Show>
                            </td>
                            <td data-label={t('admin.integrations.kinetic.colRecorded')}>
                              {formatDateTime(w.createdAt)}
                              <Show when={w.confirmedAt}>
                                {(at) => (
                                  <div class="hint">
                                    {t('admin.integrations.kinetic.confirmedAt', { at: formatDateTime(at()) })}
                                  </div>
                                )}
                              </Show>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </Show>
          </>
        )}
      </Loaded>
    </section>
  );
}
