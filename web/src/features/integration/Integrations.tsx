import {
  INTEGRATION_KEY_MAX_DAYS,
  INTEGRATION_KEY_OVERLAP_DAYS,
  INTEGRATION_SCOPES,
  type IntegrationScope,
} from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { Announcement, createDialogs, FormDialog } from '../../shared/components.tsx';
import { ColumnHeads, NoValue, StatusBadge, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatDateTime } from '../../shared/format.ts';
import { Loaded } from '../../shared/loaded.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { Field, lines, RowAction, SecretPanel } from './integration-pieces.tsx';
import { KineticSection } from './kinetic-section.tsx';
import { WebhooksSection } from './webhooks-section.tsx';

type Key = Awaited<ReturnType<typeof trpc.integrations.keys.query>>['keys'][number];
type Source = Awaited<ReturnType<typeof trpc.integrations.keys.query>>['integrations'][number];
type Minted = { keyId: string; token: string; expiresAt: string; what: string };

const SCOPE_TEXT: Record<IntegrationScope, string> = {
  'master-data:read': 'read a customer’s or supplier’s current address and bank details (each read is audited).',
  'parties:write': 'create and update customers and suppliers, and suspend those the ERP marks inactive.',
  'master-data:write': 'send addresses and bank details (changes to bank details are mailed to the supplier’s admins).',
  'credit-limits:write': 'send customers’ credit limits.',
  'orders:write': 'send sales orders with their lines.',
  'invoices:write': 'send invoices and credit notes with their lines.',
  'payments:write': 'send customer payments and the invoices they settle.',
  'shipments:write': 'send shipments (delivery notes) with their lines.',
  'purchase-orders:write': 'send purchase orders with their lines.',
  'supplier-invoices:write': 'report supplier invoices’ status (received, approved, scheduled, paid with the date).',
  'exports:read':
    'download CSV exports of ERP data (parties, orders, invoices, shipments, purchase orders, credit limits).',
  'events:read':
    'Read the event feed (acknowledged POs, approved bank, address and credit-limit changes, credit notes)',
};

/**
 * Integrations (needs `integrations:manage`): the API keys an ERP uses on /api/v1. A new or rotated key is
 * shown once, here, and never again; creating, rotating and revoking ask for the password when it was not
 * entered in the last few minutes.
 */
export default function Integrations() {
  usePageTitle(() => 'Integrations');
  const [keys, setKeys] = createSignal<Key[] | null>(null);
  const [sources, setSources] = createSignal<Source[]>([]);
  /** The source whose setting is being saved (its checkbox is disabled meanwhile). */
  const [saving, setSaving] = createSignal<string | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [minted, setMinted] = createSignal<Minted | null>(null);
  const [target, setTarget] = createSignal<Key | null>(null);
  let heading: HTMLHeadingElement | undefined;
  const dialogs = createDialogs<'create' | 'rotate' | 'revoke'>(() => heading);

  const load = async () => {
    setLoadError(null);
    try {
      const listed = await guard(trpc.integrations.keys.query());
      setKeys(listed.keys);
      setSources(listed.integrations);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  onMount(() => void load());

  const show = (m: Minted) => {
    setMinted(m);
    setNotice(m.what);
    void load();
  };

  // Create form state.
  const [name, setName] = createSignal('');
  const [scopes, setScopes] = createSignal<IntegrationScope[]>(['events:read']);
  const [networks, setNetworks] = createSignal('');
  const [days, setDays] = createSignal('90');
  const [perMinute, setPerMinute] = createSignal('600');
  const [rowsPerMinute, setRowsPerMinute] = createSignal('120000');
  let nameInput: HTMLInputElement | undefined;
  // Rotate form state.
  const [rotateDays, setRotateDays] = createSignal('90');
  const [overlap, setOverlap] = createSignal('1');
  let rotateInput: HTMLInputElement | undefined;

  const setSuspendInactive = async (source: Source, suspendInactive: boolean) => {
    setSaving(source.id);
    setNotice(null);
    try {
      await withReauth(() =>
        trpc.integrations.setSuspendInactive.mutate({ integrationId: source.id, suspendInactive }),
      );
      setSources((all) => all.map((s) => (s.id === source.id ? { ...s, suspendInactive } : s)));
      setNotice(
        suspendInactive
          ? `${source.name}: customers and suppliers the ERP marks inactive are now suspended.`
          : `${source.name}: customers and suppliers the ERP marks inactive now keep their access.`,
      );
    } catch (err) {
      setNotice(`${source.name}: ${errorMessage(err)}`);
    } finally {
      setSaving(null);
    }
  };

  const wholeNumber = (raw: string, min: number, max: number, what: string) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? null : `${what} must be a whole number from ${min} to ${max}.`;
  };

  return (
    <section aria-labelledby="integrations-title">
      <div class="detail-header list-header">
        <h1 id="integrations-title" class="focus-target" tabindex="-1" ref={heading}>
          Integrations
        </h1>
        <button
          type="button"
          class="button button-primary"
          data-testid="key-new"
          ref={dialogs.opener('create')}
          onClick={() => {
            setName('');
            setNetworks('');
            setDays('90');
            setPerMinute('600');
            setScopes(['events:read']);
            dialogs.show('create');
          }}
        >
          New key
        </button>
      </div>
      <p class="hint">
        Your ERP (or the middleware in front of it) calls Gatehouse's integration API at <code>/api/v1</code> with one
        of these keys in the <code>Authorization: Bearer</code> header. Each key has scopes, the networks it may call
        from, a request budget and an expiry of at most {INTEGRATION_KEY_MAX_DAYS} days. Keys never open the web app.
      </p>
      <Announcement testId="keys-status" message={notice()} />

      <Show when={minted()}>
        {(m) => (
          <SecretPanel
            id="key-secret"
            testId="key-secret"
            title={<>Copy key {m().keyId} now</>}
            label="The new key"
            value={m().token}
            done="I have stored it"
            onDone={() => {
              setMinted(null);
              heading?.focus();
            }}
            copy={{
              copy: 'Copy',
              copied: 'Copied',
              onRefused: () =>
                setNotice('Copying was not allowed by the browser: select the key and copy it yourself.'),
            }}
          >
            This is the only time the key is shown: Gatehouse keeps only a fingerprint of it. Put it in your ERP's
            configuration; it expires on {formatDate(m().expiresAt.slice(0, 10))}.
          </SecretPanel>
        )}
      </Show>

      <Loaded
        error={loadError()}
        onRetry={() => void load()}
        value={keys()}
        loading="Loading keys…"
        empty={
          <p class="empty" data-testid="keys-empty">
            No integration keys yet. Create one for your ERP with “New key”.
          </p>
        }
      >
        {(list) => (
          <div class="table-wrap stack">
            <table class="data-table keys-table" data-testid="keys-table">
              <caption class="visually-hidden">Integration keys</caption>
              <thead>
                <tr>
                  <ColumnHeads
                    names={['Key', 'Integration', 'Scopes', 'Networks', 'Status', 'Expires', 'Last used']}
                    actions="Actions"
                  />
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(k) => (
                    <tr data-testid="key-row" data-key={k.keyId} data-status={k.status}>
                      <td data-label="Key" class="mono">
                        {k.keyId}
                        <Show when={k.replaces}>{(r) => <div class="hint">replaces {r()}</div>}</Show>
                      </td>
                      <td data-label="Integration">
                        {k.integrationName}
                        <div class="hint">by {k.createdByEmail}</div>
                      </td>
                      <td data-label="Scopes">{k.scopes.join(', ')}</td>
                      <td data-label="Networks" class="mono">
                        {k.ipAllowlist.join(', ')}
                      </td>
                      <td data-label="Status">
                        <StatusBadge status={k.status} />
                      </td>
                      <td data-label="Expires">{formatDateTime(k.expiresAt)}</td>
                      <td data-label="Last used">
                        <Show when={k.lastUsedAt} fallback={<NoValue />}>
                          {(at) => (
                            <>
                              {formatDateTime(at())}
                              <div class="hint mono">{k.lastUsedIp}</div>
                            </>
                          )}
                        </Show>
                      </td>
                      <td data-label="Actions" class="actions">
                        <Show when={k.status === 'active' || k.status === 'expiring'}>
                          <RowAction
                            testId="key-rotate"
                            label={`Rotate key ${k.keyId}`}
                            ref={dialogs.opener('rotate')}
                            onClick={() => {
                              setTarget(k);
                              setRotateDays('90');
                              setOverlap('1');
                              dialogs.show('rotate');
                            }}
                          >
                            Rotate
                          </RowAction>{' '}
                          <RowAction
                            danger
                            testId="key-revoke"
                            label={`Revoke key ${k.keyId}`}
                            ref={dialogs.opener('revoke')}
                            onClick={() => {
                              setTarget(k);
                              dialogs.show('revoke');
                            }}
                          >
                            Revoke
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

      <Show when={!loadError() && sources().length > 0}>
        <section class="stack" aria-labelledby="sources-title" data-testid="sources">
          <h2 id="sources-title">Sources</h2>
          <p class="hint" id="sources-hint">
            When the ERP marks a customer or supplier inactive, Gatehouse suspends that account's portal access: its
            users can no longer sign in until the ERP marks it active again. Turn this off for a source whose “inactive”
            means something else (e.g. no new orders), so its accounts keep their access. Changing it asks for your
            password and is recorded in the audit log.
          </p>
          <ul class="plain-list">
            <For each={sources()}>
              {(source) => (
                <li data-testid="source-row" data-source={source.name}>
                  <div class="checkbox">
                    <input
                      type="checkbox"
                      id={`source-suspend-${source.id}`}
                      data-testid="source-suspend-inactive"
                      checked={source.suspendInactive}
                      disabled={saving() === source.id}
                      aria-describedby="sources-hint"
                      onChange={(e) => {
                        const wanted = e.currentTarget.checked;
                        // Show the saved state until the server agrees (a cancelled password prompt changes nothing).
                        e.currentTarget.checked = source.suspendInactive;
                        void setSuspendInactive(source, wanted);
                      }}
                    />
                    <label for={`source-suspend-${source.id}`}>
                      <strong>{source.name}</strong>: suspend customers and suppliers the ERP marks inactive
                    </label>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>

      <WebhooksSection />

      <KineticSection />

      <Show when={dialogs.open() === 'create'}>
        <FormDialog
          id="key-create"
          title="New integration key"
          testId="key-create-dialog"
          heading="New integration key"
          wide
          initialFocus={() => nameInput}
          onClose={dialogs.close}
          submitLabel="Create key"
          submitTestId="key-create-submit"
          check={() => {
            if (!name().trim()) return 'Give the integration a name, e.g. “Kinetic production”.';
            if (scopes().length === 0) return 'Choose at least one scope.';
            if (lines(networks()).length === 0)
              return 'List at least one network the ERP calls from (0.0.0.0/0 means anywhere).';
            return (
              wholeNumber(days(), 1, INTEGRATION_KEY_MAX_DAYS, 'Days until it expires') ??
              wholeNumber(perMinute(), 1, 6000, 'Requests per minute') ??
              wholeNumber(rowsPerMinute(), 1000, 5_000_000, 'Rows per minute')
            );
          }}
          send={async () => {
            const m = await withReauth(() =>
              trpc.integrations.createKey.mutate({
                integrationName: name().trim(),
                scopes: scopes(),
                ipAllowlist: lines(networks()),
                expiresInDays: Number(days()),
                requestsPerMinute: Number(perMinute()),
                rowsPerMinute: Number(rowsPerMinute()),
              }),
            );
            show({ ...m, what: `Key ${m.keyId} was created for ${name().trim()}.` });
          }}
        >
          {() => (
            <>
              <Field
                id="key-name"
                label="Integration"
                inputRef={(el) => {
                  nameInput = el;
                }}
                maxLength={100}
                value={name()}
                onInput={setName}
                testId="key-name"
                hint="Which system uses the key. A new name makes a new integration; an existing one adds a key to it."
              />
              <fieldset class="field">
                <legend>Scopes</legend>
                <For each={[...INTEGRATION_SCOPES]}>
                  {(scope) => (
                    <label class="checkbox">
                      <input
                        type="checkbox"
                        checked={scopes().includes(scope)}
                        data-testid={`key-scope-${scope}`}
                        onChange={(e) =>
                          setScopes((s) => (e.currentTarget.checked ? [...s, scope] : s.filter((x) => x !== scope)))
                        }
                      />{' '}
                      <code>{scope}</code>: {SCOPE_TEXT[scope]}
                    </label>
                  )}
                </For>
              </fieldset>
              <Field
                id="key-networks"
                label="Networks it may call from"
                mono
                rows={3}
                value={networks()}
                onInput={setNetworks}
                testId="key-networks"
                hint="One network per line in CIDR form, e.g. 203.0.113.0/24. Write 0.0.0.0/0 and ::/0 to allow any address."
              />
              <div class="field-pair">
                <Field
                  id="key-days"
                  label="Expires in (days)"
                  inputMode="numeric"
                  testId="key-days"
                  value={days()}
                  onInput={setDays}
                />
                <Field
                  id="key-rate"
                  label="Requests per minute"
                  inputMode="numeric"
                  testId="key-rate"
                  value={perMinute()}
                  onInput={setPerMinute}
                />
                <Field
                  id="key-rows"
                  label="Batch rows per minute"
                  inputMode="numeric"
                  testId="key-rows"
                  value={rowsPerMinute()}
                  onInput={setRowsPerMinute}
                />
              </div>
            </>
          )}
        </FormDialog>
      </Show>

      <Show when={dialogs.open() === 'rotate' && target()}>
        {(k) => (
          <FormDialog
            id="key-rotate"
            title="Rotate key"
            testId="key-rotate-dialog"
            heading={`Rotate key ${k().keyId}`}
            intro={
              <p class="hint">
                A new key with the same scopes, networks and budget is made for {k().integrationName}. The old key keeps
                working for the overlap (0 to {INTEGRATION_KEY_OVERLAP_DAYS} days) while the ERP switches over.
              </p>
            }
            initialFocus={() => rotateInput}
            onClose={dialogs.close}
            submitLabel="Rotate"
            submitTestId="key-rotate-submit"
            check={() =>
              wholeNumber(rotateDays(), 1, INTEGRATION_KEY_MAX_DAYS, 'Days until the new key expires') ??
              wholeNumber(overlap(), 0, INTEGRATION_KEY_OVERLAP_DAYS, 'Overlap days')
            }
            send={async () => {
              const m = await withReauth(() =>
                trpc.integrations.rotateKey.mutate({
                  keyId: k().keyId,
                  expiresInDays: Number(rotateDays()),
                  overlapDays: Number(overlap()),
                }),
              );
              show({
                ...m,
                what:
                  Number(overlap()) === 0
                    ? `Key ${m.keyId} replaces ${k().keyId}, which no longer works.`
                    : `Key ${m.keyId} replaces ${k().keyId}, which works for ${overlap()} more day(s).`,
              });
            }}
          >
            {() => (
              <div class="field-pair">
                <Field
                  id="rotate-days"
                  label="New key expires in (days)"
                  inputMode="numeric"
                  testId="rotate-days"
                  value={rotateDays()}
                  onInput={setRotateDays}
                  inputRef={(el) => {
                    rotateInput = el;
                  }}
                />
                <Field
                  id="rotate-overlap"
                  label="Old key keeps working (days)"
                  inputMode="numeric"
                  testId="rotate-overlap"
                  value={overlap()}
                  onInput={setOverlap}
                />
              </div>
            )}
          </FormDialog>
        )}
      </Show>

      <Show when={dialogs.open() === 'revoke' && target()}>
        {(k) => (
          <FormDialog
            id="key-revoke"
            title="Revoke key"
            testId="key-revoke-dialog"
            heading={`Revoke key ${k().keyId}?`}
            intro={
              <p>
                {k().integrationName} can no longer call Gatehouse with this key, from the next request on. This cannot
                be undone.
              </p>
            }
            onClose={dialogs.close}
            submitLabel="Revoke key"
            submitClass="button button-danger"
            submitTestId="key-revoke-submit"
            send={async () => {
              await withReauth(() => trpc.integrations.revokeKey.mutate({ keyId: k().keyId }));
              setMinted(null);
              setNotice(`Key ${k().keyId} is revoked.`);
              await load();
            }}
          />
        )}
      </Show>
    </section>
  );
}
