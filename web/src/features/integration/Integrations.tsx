import {
  INTEGRATION_KEY_MAX_DAYS,
  INTEGRATION_KEY_OVERLAP_DAYS,
  INTEGRATION_SCOPES,
  type IntegrationScope,
} from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
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

const SCOPE_TEXT: Record<IntegrationScope, AdminKey> = {
  'master-data:read': 'admin.integrations.scopeMasterDataRead',
  'parties:write': 'admin.integrations.scopePartiesWrite',
  'master-data:write': 'admin.integrations.scopeMasterDataWrite',
  'credit-limits:write': 'admin.integrations.scopeCreditLimitsWrite',
  'orders:write': 'admin.integrations.scopeOrdersWrite',
  'invoices:write': 'admin.integrations.scopeInvoicesWrite',
  'payments:write': 'admin.integrations.scopePaymentsWrite',
  'shipments:write': 'admin.integrations.scopeShipmentsWrite',
  'purchase-orders:write': 'admin.integrations.scopePurchaseOrdersWrite',
  'supplier-invoices:write': 'admin.integrations.scopeSupplierInvoicesWrite',
  'exports:read': 'admin.integrations.scopeExportsRead',
  'events:read': 'admin.integrations.scopeEventsRead',
};

/**
 * Integrations (needs `integrations:manage`): the API keys an ERP uses on /api/v1. A new or rotated key is
 * shown once, here, and never again; creating, rotating and revoking ask for the password when it was not
 * entered in the last few minutes.
 */
export default function Integrations() {
  usePageTitle(() => t('admin.integrations.title'));
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
          ? t('admin.integrations.sourceSuspended', { name: source.name })
          : t('admin.integrations.sourceKept', { name: source.name }),
      );
    } catch (err) {
      setNotice(`${source.name}: ${errorMessage(err)}`);
    } finally {
      setSaving(null);
    }
  };

  const wholeNumber = (raw: string, min: number, max: number, what: AdminKey) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max
      ? null
      : t('admin.integrations.wholeNumber', { what: t(what), min, max });
  };

  return (
    <section aria-labelledby="integrations-title">
      <div class="detail-header list-header">
        <h1 id="integrations-title" class="focus-target" tabindex="-1" ref={heading}>
          {t('admin.integrations.title')}
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
          {t('admin.integrations.newKey')}
        </button>
      </div>
      <p class="hint">
        {t('admin.integrations.intro', {
          path: '/api/v1',
          header: 'Authorization: Bearer',
          days: INTEGRATION_KEY_MAX_DAYS,
        })}
      </p>
      <Announcement testId="keys-status" message={notice()} />

      <Show when={minted()}>
        {(m) => (
          <SecretPanel
            id="key-secret"
            testId="key-secret"
            title={t('admin.integrations.secretTitle', { keyId: m().keyId })}
            label={t('admin.integrations.secretLabel')}
            value={m().token}
            done={t('admin.integrations.secretDone')}
            onDone={() => {
              setMinted(null);
              heading?.focus();
            }}
            copy={{
              copy: t('admin.integrations.copy'),
              copied: t('admin.integrations.copied'),
              onRefused: () => setNotice(t('admin.integrations.copyRefused')),
            }}
          >
            {t('admin.integrations.secretText', {
              date: formatDate(m().expiresAt.slice(0, 10)),
            })}
          </SecretPanel>
        )}
      </Show>

      <Loaded
        error={loadError()}
        onRetry={() => void load()}
        value={keys()}
        loading={t('admin.integrations.loading')}
        empty={
          <p class="empty" data-testid="keys-empty">
            {t('admin.integrations.empty')}
          </p>
        }
      >
        {(list) => (
          <div class="table-wrap stack">
            <table class="data-table keys-table" data-testid="keys-table">
              <caption class="visually-hidden">{t('admin.integrations.caption')}</caption>
              <thead>
                <tr>
                  <ColumnHeads
                    names={[
                      t('admin.integrations.colKey'),
                      t('admin.integrations.colIntegration'),
                      t('admin.integrations.colScopes'),
                      t('admin.integrations.colNetworks'),
                      t('admin.integrations.colStatus'),
                      t('admin.integrations.colExpires'),
                      t('admin.integrations.colLastUsed'),
                    ]}
                    actions={t('admin.integrations.actions')}
                  />
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(k) => (
                    <tr data-testid="key-row" data-key={k.keyId} data-status={k.status}>
                      <td data-label={t('admin.integrations.colKey')} class="mono">
                        {k.keyId}
                        <Show when={k.replaces}>
                          {(r) => <div class="hint">{t('admin.integrations.replaces', { keyId: r() })}</div>}
                        </Show>
                      </td>
                      <td data-label={t('admin.integrations.colIntegration')}>
                        {k.integrationName}
                        <div class="hint">{t('admin.integrations.createdBy', { email: k.createdByEmail })}</div>
                      </td>
                      <td data-label={t('admin.integrations.colScopes')}>{k.scopes.join(', ')}</td>
                      <td data-label={t('admin.integrations.colNetworks')} class="mono">
                        {k.ipAllowlist.join(', ')}
                      </td>
                      <td data-label={t('admin.integrations.colStatus')}>
                        <StatusBadge status={k.status} />
                      </td>
                      <td data-label={t('admin.integrations.colExpires')}>{formatDateTime(k.expiresAt)}</td>
                      <td data-label={t('admin.integrations.colLastUsed')}>
                        <Show when={k.lastUsedAt} fallback={<NoValue />}>
                          {(at) => (
                            <>
                              {formatDateTime(at())}
                              <div class="hint mono">{k.lastUsedIp}</div>
                            </>
                          )}
                        </Show>
                      </td>
                      <td data-label={t('admin.integrations.actions')} class="actions">
                        <Show when={k.status === 'active' || k.status === 'expiring'}>
                          <RowAction
                            testId="key-rotate"
                            label={t('admin.integrations.rotateKeyLabel', { keyId: k.keyId })}
                            ref={dialogs.opener('rotate')}
                            onClick={() => {
                              setTarget(k);
                              setRotateDays('90');
                              setOverlap('1');
                              dialogs.show('rotate');
                            }}
                          >
                            {t('admin.integrations.rotate')}
                          </RowAction>{' '}
                          <RowAction
                            danger
                            testId="key-revoke"
                            label={t('admin.integrations.revokeKeyLabel', { keyId: k.keyId })}
                            ref={dialogs.opener('revoke')}
                            onClick={() => {
                              setTarget(k);
                              dialogs.show('revoke');
                            }}
                          >
                            {t('admin.integrations.revoke')}
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
          <h2 id="sources-title">{t('admin.integrations.sources')}</h2>
          <p class="hint" id="sources-hint">
            {t('admin.integrations.sourcesHint')}
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
                      <strong>{source.name}</strong>: {t('admin.integrations.suspendInactive')}
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
          title={t('admin.integrations.createTitle')}
          testId="key-create-dialog"
          heading={t('admin.integrations.createTitle')}
          wide
          initialFocus={() => nameInput}
          onClose={dialogs.close}
          submitLabel={t('admin.integrations.createSubmit')}
          submitTestId="key-create-submit"
          check={() => {
            if (!name().trim()) return t('admin.integrations.nameMissing');
            if (scopes().length === 0) return t('admin.integrations.scopesMissing');
            if (lines(networks()).length === 0) return t('admin.integrations.networksMissing');
            return (
              wholeNumber(days(), 1, INTEGRATION_KEY_MAX_DAYS, 'admin.integrations.daysWhat') ??
              wholeNumber(perMinute(), 1, 6000, 'admin.integrations.rateWhat') ??
              wholeNumber(rowsPerMinute(), 1000, 5_000_000, 'admin.integrations.rowsWhat')
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
            show({ ...m, what: t('admin.integrations.created', { keyId: m.keyId, name: name().trim() }) });
          }}
        >
          {() => (
            <>
              <Field
                id="key-name"
                label={t('admin.integrations.colIntegration')}
                inputRef={(el) => {
                  nameInput = el;
                }}
                maxLength={100}
                value={name()}
                onInput={setName}
                testId="key-name"
                hint={t('admin.integrations.nameHint')}
              />
              <fieldset class="field">
                <legend>{t('admin.integrations.colScopes')}</legend>
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
                      <code>{scope}</code>: {t(SCOPE_TEXT[scope])}
                    </label>
                  )}
                </For>
              </fieldset>
              <Field
                id="key-networks"
                label={t('admin.integrations.networksLabel')}
                mono
                rows={3}
                value={networks()}
                onInput={setNetworks}
                testId="key-networks"
                hint={t('admin.integrations.networksHint')}
              />
              <div class="field-pair">
                <Field
                  id="key-days"
                  label={t('admin.integrations.daysLabel')}
                  inputMode="numeric"
                  testId="key-days"
                  value={days()}
                  onInput={setDays}
                />
                <Field
                  id="key-rate"
                  label={t('admin.integrations.rateWhat')}
                  inputMode="numeric"
                  testId="key-rate"
                  value={perMinute()}
                  onInput={setPerMinute}
                />
                <Field
                  id="key-rows"
                  label={t('admin.integrations.rowsLabel')}
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
            title={t('admin.integrations.rotateTitle')}
            testId="key-rotate-dialog"
            heading={t('admin.integrations.rotateKeyLabel', { keyId: k().keyId })}
            intro={
              <p class="hint">
                {t('admin.integrations.rotateIntro', {
                  name: k().integrationName,
                  max: INTEGRATION_KEY_OVERLAP_DAYS,
                })}
              </p>
            }
            initialFocus={() => rotateInput}
            onClose={dialogs.close}
            submitLabel={t('admin.integrations.rotate')}
            submitTestId="key-rotate-submit"
            check={() =>
              wholeNumber(rotateDays(), 1, INTEGRATION_KEY_MAX_DAYS, 'admin.integrations.rotateDaysWhat') ??
              wholeNumber(overlap(), 0, INTEGRATION_KEY_OVERLAP_DAYS, 'admin.integrations.overlapWhat')
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
                    ? t('admin.integrations.rotatedNow', { keyId: m.keyId, old: k().keyId })
                    : t('admin.integrations.rotatedOverlap', {
                        keyId: m.keyId,
                        old: k().keyId,
                        days: Number(overlap()),
                      }),
              });
            }}
          >
            {() => (
              <div class="field-pair">
                <Field
                  id="rotate-days"
                  label={t('admin.integrations.rotateDaysLabel')}
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
                  label={t('admin.integrations.overlapLabel')}
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
            title={t('admin.integrations.revokeTitle')}
            testId="key-revoke-dialog"
            heading={t('admin.integrations.revokeHeading', { keyId: k().keyId })}
            intro={<p>{t('admin.integrations.revokeIntro', { name: k().integrationName })}</p>}
            onClose={dialogs.close}
            submitLabel={t('admin.integrations.revokeTitle')}
            submitClass="button button-danger"
            submitTestId="key-revoke-submit"
            send={async () => {
              await withReauth(() => trpc.integrations.revokeKey.mutate({ keyId: k().keyId }));
              setMinted(null);
              setNotice(t('admin.integrations.revoked', { keyId: k().keyId }));
              await load();
            }}
          />
        )}
      </Show>
    </section>
  );
}
