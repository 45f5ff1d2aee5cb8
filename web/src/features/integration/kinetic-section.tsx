import type { KINETIC_STREAMS, KINETIC_WRITEBACK_MODES, KINETIC_WRITEBACK_STATES } from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { Announcement } from '../../shared/components.tsx';
import { ColumnHeads, NoValue, StatusBadge } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { Loaded } from '../../shared/loaded.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { Field, lines } from './integration-pieces.tsx';

type Status = Awaited<ReturnType<typeof trpc.kinetic.status.query>>;
type Stream = Status['streams'][number];
type TestResult = Awaited<ReturnType<typeof trpc.kinetic.test.mutate>>;

const STREAM_LABEL: Record<(typeof KINETIC_STREAMS)[number], string> = {
  customers: 'Customers',
  suppliers: 'Suppliers (vendors)',
  orders: 'Sales orders',
  'order-lines': 'Sales order lines',
  invoices: 'AR invoices',
  shipments: 'Shipments',
  'purchase-orders': 'Purchase orders',
};

const WRITEBACK_MODE_LABEL: Record<(typeof KINETIC_WRITEBACK_MODES)[number], string> = {
  off: 'Off',
  efx: 'Gatehouse functions (UD queue where no function exists)',
  ud: 'UD queue only (UD40)',
};

const WRITEBACK_STATE_LABEL: Record<(typeof KINETIC_WRITEBACK_STATES)[number], string> = {
  pending: 'Waiting to send',
  sent: 'Sent, awaiting echo',
  confirmed: 'Confirmed by echo',
  dead: 'Given up',
  skipped: 'Never written',
  overridden: 'Overridden by the ERP',
};

const TEST_LABEL: Record<TestResult['outcome'], string> = {
  ok: 'Connected',
  dns_tls: 'DNS or TLS problem',
  auth: 'Authentication failed',
  scope: 'Licence or access scope refused',
  not_found: 'Not found',
  unreachable: 'Unreachable',
};

const lag = (s: number | null) =>
  s === null ? null : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;

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
    if (!/^https?:\/\/\S+$/.test(baseUrl().trim()))
      return setFormError('Give the server’s address, e.g. https://erp.example.com.');
    if (!instance().trim() || !company().trim() || !username().trim())
      return setFormError('Instance, company and user name are required.');
    if (!has?.hasApiKey && !apiKey()) return setFormError('Enter the API key.');
    if (!has?.hasPassword && !password()) return setFormError('Enter the service account’s password.');
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
      setNotice('The Kinetic connection was saved. Secrets are stored sealed and will not be shown again.');
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
        `${STREAM_LABEL[s.stream]}: ${next.enabled ? 'on' : 'off'}, ${next.mode === 'bo' ? 'business objects' : 'BAQ'}, every ${next.pollSeconds} s.`,
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
      return setWbError('The confirmation timeout is 1 to 720 hours.');
    setBusy(true);
    try {
      await withReauth(() => trpc.kinetic.setWriteback.mutate({ mode: wbMode(), confirmTimeoutHours: hours }));
      await load();
      setNotice(`Write-back: ${WRITEBACK_MODE_LABEL[wbMode()]}; alert after ${hours} h without confirmation.`);
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
      <p class="hint">
        Gatehouse reads customers, suppliers, sales orders, invoices, shipments and purchase orders from Kinetic’s REST
        API v2 with a read-only service account. The Kinetic side is set up as in the administrator’s checklist
        (docs/kinetic.md).
      </p>
      <Announcement testId="kinetic-status-message" message={notice()} />
      <Loaded
        error={loadError()}
        onRetry={() => void load()}
        value={status()}
        loading="Loading the Kinetic connection…"
      >
        {(s) => (
          <>
            <Show when={s().connection?.state === 'auth_failed'}>
              <p class="form-error" role="alert" data-testid="kinetic-auth-failed">
                Kinetic refused the connector’s credentials; sync is paused until you save or test the connection again.{' '}
                {s().connection?.stateReason}
              </p>
            </Show>
            <form
              class="panel panel-wide stack"
              onSubmit={(e) => void save(e)}
              aria-labelledby="kinetic-conn-title"
              novalidate
            >
              <h3 id="kinetic-conn-title">Connection</h3>
              <Field
                id="kin-url"
                label="Server address"
                mono
                inputMode="url"
                maxLength={500}
                value={baseUrl()}
                onInput={setBaseUrl}
                testId="kinetic-url"
                hint="https (http only to an allowlisted network), without the instance, e.g. https://erp.example.com."
              />
              <Field
                id="kin-instance"
                label="Instance"
                maxLength={100}
                value={instance()}
                onInput={setInstance}
                testId="kinetic-instance"
              />
              <Field
                id="kin-company"
                label="Company"
                maxLength={50}
                value={company()}
                onInput={setCompany}
                testId="kinetic-company"
              />
              <fieldset class="field">
                <legend>Sign-in</legend>
                <label class="checkbox">
                  <input
                    type="radio"
                    name="kin-auth"
                    checked={authMode() === 'basic'}
                    onChange={() => setAuthMode('basic')}
                    data-testid="kinetic-auth-basic"
                  />{' '}
                  Basic (service account)
                </label>
                <label class="checkbox">
                  <input
                    type="radio"
                    name="kin-auth"
                    checked={authMode() === 'bearer'}
                    onChange={() => setAuthMode('bearer')}
                    data-testid="kinetic-auth-bearer"
                  />{' '}
                  Bearer token (TokenResource)
                </label>
              </fieldset>
              <Field
                id="kin-user"
                label="Service account"
                autocomplete="off"
                maxLength={200}
                value={username()}
                onInput={setUsername}
                testId="kinetic-username"
              />
              <Field
                id="kin-password"
                label="Password"
                type="password"
                autocomplete="new-password"
                maxLength={2000}
                value={password()}
                onInput={setPassword}
                testId="kinetic-password"
                hintTestId="kinetic-password-stored"
                hint={
                  s().connection?.hasPassword
                    ? 'A password is stored (sealed). Leave empty to keep it.'
                    : 'Not stored yet.'
                }
              />
              <Field
                id="kin-key"
                label="API key"
                mono
                type="password"
                autocomplete="off"
                maxLength={2000}
                value={apiKey()}
                onInput={setApiKey}
                testId="kinetic-api-key"
                hintTestId="kinetic-key-stored"
                hint={
                  s().connection?.hasApiKey
                    ? 'An API key is stored (sealed). Leave empty to keep it.'
                    : 'Not stored yet. Sent as the x-api-key header only.'
                }
              />
              <Field
                id="kin-ca"
                label="CA bundle (optional)"
                mono
                rows={3}
                value={caBundle()}
                onInput={setCaBundle}
                testId="kinetic-ca"
                hint="PEM certificates of an on-premises CA; TLS is always verified."
              />
              <Field
                id="kin-cidrs"
                label="Allowlisted networks (optional)"
                mono
                rows={2}
                value={cidrs()}
                onInput={setCidrs}
                testId="kinetic-cidrs"
                hint="Private, loopback or link-local addresses are refused unless their network is listed here (one per line)."
              />
              <FormError id="kinetic-form-error" message={formError()} />
              <div class="actions">
                <button type="submit" class="button button-primary" disabled={busy()} data-testid="kinetic-save">
                  Save connection
                </button>
                <button
                  type="button"
                  class="button"
                  disabled={busy() || !s().connection}
                  data-testid="kinetic-test"
                  onClick={() => void runTest()}
                >
                  Test connection
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
                    <strong>{TEST_LABEL[r().outcome]}</strong>: {r().message}
                  </p>
                )}
              </Show>
            </form>

            <Show when={s().connection}>
              <div class="table-wrap">
                <table class="data-table" data-testid="kinetic-streams">
                  <caption>Streams</caption>
                  <thead>
                    <tr>
                      <ColumnHeads names={['Stream', 'On', 'Mode', 'Poll (s)', 'Last run', 'Lag', 'Rows', 'Rejects']} />
                    </tr>
                  </thead>
                  <tbody>
                    <For each={s().streams}>
                      {(st) => (
                        <tr data-testid="kinetic-stream-row" data-stream={st.stream}>
                          <th scope="row" data-label="Stream">
                            {STREAM_LABEL[st.stream]}
                            <Show when={st.lastError}>
                              {(err) => (
                                <div class="hint webhook-error" data-testid="kinetic-stream-error">
                                  {err()}
                                </div>
                              )}
                            </Show>
                          </th>
                          <td data-label="On">
                            <input
                              type="checkbox"
                              checked={st.enabled}
                              aria-label={`Sync ${STREAM_LABEL[st.stream]}`}
                              data-testid="kinetic-stream-enabled"
                              onChange={(e) => void saveStream(st, { enabled: e.currentTarget.checked })}
                            />
                          </td>
                          <td data-label="Mode">
                            <select
                              class="input"
                              aria-label={`Mode of ${STREAM_LABEL[st.stream]}`}
                              value={st.mode}
                              data-testid="kinetic-stream-mode"
                              onChange={(e) =>
                                void saveStream(st, { mode: e.currentTarget.value === 'baq' ? 'baq' : 'bo' })
                              }
                            >
                              <option value="bo">Business object</option>
                              <option value="baq">BAQ</option>
                            </select>
                          </td>
                          <td data-label="Poll (s)">
                            <input
                              class="input"
                              type="number"
                              min={15}
                              max={900}
                              aria-label={`Poll interval of ${STREAM_LABEL[st.stream]} in seconds`}
                              value={st.pollSeconds}
                              data-testid="kinetic-stream-poll"
                              onChange={(e) => {
                                const n = Number(e.currentTarget.value);
                                if (Number.isInteger(n) && n >= 15 && n <= 900) void saveStream(st, { pollSeconds: n });
                                else setNotice('A poll interval is 15 to 900 seconds.');
                              }}
                            />
                          </td>
                          <td data-label="Last run">
                            <Show when={st.lastRunAt} fallback={<NoValue />}>
                              {(at) => formatDateTime(at())}
                            </Show>
                          </td>
                          <td data-label="Lag">{lag(st.lagSeconds) ?? <NoValue />}</td>
                          <td data-label="Rows">
                            {st.rowsTotal}
                            <div class="hint">last run: {st.lastRunRows}</div>
                          </td>
                          <td data-label="Rejects">{st.rejects}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={s().rejects.length > 0}>
                <div class="table-wrap">
                  <table class="data-table" data-testid="kinetic-rejects">
                    <caption>Rows not applied yet (retried every run)</caption>
                    <thead>
                      <tr>
                        <ColumnHeads names={['Record', 'Reason', 'Since']} />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={s().rejects}>
                        {(r) => (
                          <tr data-testid="kinetic-reject-row">
                            <td data-label="Record" class="mono">
                              {r.erpKey}
                              <div class="hint">{STREAM_LABEL[r.stream as Stream['stream']] ?? r.stream}</div>
                            </td>
                            <td data-label="Reason">{r.reason}</td>
                            <td data-label="Since">
                              {formatDateTime(r.firstSeen)}
                              <div class="hint">{r.attempts} attempts</div>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
              <p class="hint">
                Connection state: <StatusBadge status={s().connection?.state ?? 'ok'} />
              </p>
              <form
                class="panel panel-wide stack"
                onSubmit={(e) => void saveWriteback(e)}
                aria-labelledby="kinetic-wb-title"
                data-testid="kinetic-writeback"
                novalidate
              >
                <h3 id="kinetic-wb-title">Write-back</h3>
                <p class="hint">
                  Acknowledgements, problem flags, addresses and credit limits decided in the portal are written into
                  Kinetic; a sync that reads the value back confirms them. Bank details and credit memos are never
                  written: ERP staff enter those themselves.
                </p>
                <div class="field">
                  <label for="kin-wb-mode">Mode</label>
                  <select
                    id="kin-wb-mode"
                    class="input"
                    value={wbMode()}
                    data-testid="kinetic-writeback-mode"
                    onChange={(e) => setWbMode(e.currentTarget.value as (typeof KINETIC_WRITEBACK_MODES)[number])}
                  >
                    <option value="off">{WRITEBACK_MODE_LABEL.off}</option>
                    <option value="efx">{WRITEBACK_MODE_LABEL.efx}</option>
                    <option value="ud">{WRITEBACK_MODE_LABEL.ud}</option>
                  </select>
                </div>
                <Field
                  id="kin-wb-hours"
                  label="Alert when not confirmed after (hours)"
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
                    Save write-back
                  </button>
                </div>
                <p class="hint" data-testid="kinetic-writeback-counts">
                  {(Object.keys(WRITEBACK_STATE_LABEL) as (typeof KINETIC_WRITEBACK_STATES)[number][])
                    .map((k) => `${WRITEBACK_STATE_LABEL[k]}: ${s().writeback.counts[k] ?? 0}`)
                    .join(' · ')}
                </p>
              </form>
              <Show
                when={s().writeback.recent.length > 0}
                fallback={
                  <p class="hint" data-testid="kinetic-writeback-empty">
                    Nothing has been written back yet.
                  </p>
                }
              >
                <div class="table-wrap">
                  <table class="data-table" data-testid="kinetic-writebacks">
                    <caption>Latest write-backs</caption>
                    <thead>
                      <tr>
                        <ColumnHeads names={['Event', 'Target', 'State', 'Recorded']} />
                      </tr>
                    </thead>
                    <tbody>
                      <For each={s().writeback.recent}>
                        {(w) => (
                          <tr data-testid="kinetic-writeback-row" data-state={w.state} data-event={w.eventId}>
                            <td data-label="Event">
                              {w.type}
                              <div class="hint mono">{w.eventId}</div>
                            </td>
                            <td data-label="Target">
                              {w.route === 'efx'
                                ? `Function ${w.target ?? ''}`
                                : w.route === 'ud'
                                  ? `UD queue ${w.target ?? ''}`
                                  : 'None'}
                            </td>
                            <td data-label="State">
                              {WRITEBACK_STATE_LABEL[w.state]}
                              <Show when={w.attempts > 1}>
                                <div class="hint">{w.attempts} attempts</div>
                              </Show>
                              <Show when={w.lastError}>
                                {(err) => (
                                  <div class="hint webhook-error" data-testid="kinetic-writeback-reason">
                                    {err()}
                                  </div>
                                )}
                              </Show>
                            </td>
                            <td data-label="Recorded">
                              {formatDateTime(w.createdAt)}
                              <Show when={w.confirmedAt}>
                                {(at) => <div class="hint">confirmed {formatDateTime(at())}</div>}
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
