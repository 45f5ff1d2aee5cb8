import { PARTY_KINDS, type PartyKind } from '@gatehouse/contract';
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { debounce, ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage, errorReason, issueFields } from '../../shared/errors.ts';
import { label, roleName } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { SellerDetailsSection } from './seller-details-section.tsx';

type Policies = Awaited<ReturnType<typeof trpc.policies.get.query>>;
type RolePolicy = Policies['roles'][number];
type PartyPolicy = NonNullable<Policies['party']>;
type PartySummary = Awaited<ReturnType<typeof trpc.parties.list.query>>['items'][number];
type Global = Policies['global'];

const KIND_NAMES: Record<PartyKind, AdminKey> = {
  internal: 'admin.roles.kind.internal',
  customer: 'admin.roles.kind.customer',
  supplier: 'admin.roles.kind.supplier',
};
const GROUP_NAMES: Record<PartyKind, AdminKey> = {
  internal: 'admin.roles.group.internal',
  customer: 'admin.roles.group.customer',
  supplier: 'admin.roles.group.supplier',
};

/** The form's fields, by the server's names: a refused one gets the focus. */
const POLICY_FIELDS = new Set(['requireTotp', 'sessionIdleMinutes', 'sessionAbsoluteHours', 'ipAllowlist']);

/**
 * The server words a refused policy itself ("IP allowlist, line 2: 10.0.0.300/33 is not a valid …");
 * which field it was comes from its issues, for focus.
 */
function policyError(err: unknown): { message: string; field?: string } {
  const field = issueFields(err)[0]?.split('.')[0];
  return { message: errorMessage(err), ...(field && POLICY_FIELDS.has(field) ? { field } : {}) };
}

const minutes = (n: number) => t('admin.policies.minutes', { count: n });
const hours = (n: number) => t('admin.policies.hours', { count: n });

/** A timeout of a policy: its own value, or the global one it inherits. */
function Timeout(props: { value: number | null; global: number; unit: (n: number) => string; testId: string }) {
  return (
    <span data-testid={props.testId}>
      <Show
        when={props.value !== null}
        fallback={<span class="muted">{t('admin.policies.global', { value: props.unit(props.global) })}</span>}
      >
        {props.unit(props.value ?? 0)}
      </Show>
    </span>
  );
}

function Allowlist(props: { list: string[] | null; testId: string }) {
  return (
    <Show
      when={props.list}
      fallback={
        <span class="muted" data-testid={props.testId}>
          {t('admin.policies.anyAddress')}
        </span>
      }
    >
      {(list) => (
        <ul class="policy-cidrs mono" data-testid={props.testId}>
          <For each={list()}>{(net) => <li>{net}</li>}</For>
        </ul>
      )}
    </Show>
  );
}

type Target = { kind: 'role'; role: RolePolicy } | { kind: 'party'; party: PartyPolicy };

/**
 * Security policies (needs `policies:manage`): per role, a required second factor, shorter session
 * timeouts and an IP allowlist; per organisation the same, which may only tighten. The server decides
 * every rule; the page shows what it says.
 */
export default function Policies() {
  usePageTitle(() => t('admin.policies.title'));
  const [data, setData] = createSignal<Policies | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [dialog, setDialog] = createSignal<Target | null>(null);
  const [partyId, setPartyId] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;

  const load = async () => {
    setLoadError(null);
    try {
      const id = partyId();
      setData(await guard(trpc.policies.get.query(id ? { partyId: id } : {})));
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  onMount(() => void load());

  const groups = createMemo(() =>
    PARTY_KINDS.map((kind) => ({ kind, roles: (data()?.roles ?? []).filter((r) => r.partyKind === kind) })).filter(
      (g) => g.roles.length > 0,
    ),
  );

  const pickParty = (party: PartySummary | null) => {
    setNotice(null);
    setPartyId(party?.id ?? null);
    void load();
  };

  const closeDialog = (focusId: string) => {
    setDialog(null);
    (document.getElementById(focusId) ?? heading)?.focus();
  };
  const saved = (message: string) => {
    setNotice(message);
    void load();
  };

  return (
    <section aria-labelledby="policies-title" class="policies">
      <div class="detail-header">
        <h1 id="policies-title" class="focus-target" tabindex="-1" ref={heading}>
          {t('admin.policies.title')}
        </h1>
      </div>
      <p class="hint policies-intro">{t('admin.policies.intro')}</p>
      <div role="status" data-testid="policies-status">
        <Show when={notice()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>

      <Show when={loadError()}>{(message) => <ErrorPanel message={message()} onRetry={() => void load()} />}</Show>
      <Show when={!loadError() && data() === null}>
        <p class="list-message" role="status">
          {t('admin.policies.loading')}
        </p>
      </Show>
      <Show when={data()}>
        {(current) => (
          <>
            <dl class="summary policies-global" data-testid="policies-global">
              <div>
                <dt>{t('admin.policies.globalIdle')}</dt>
                <dd data-testid="global-idle">{minutes(current().global.sessionIdleMinutes)}</dd>
              </div>
              <div>
                <dt>{t('admin.policies.globalAbsolute')}</dt>
                <dd data-testid="global-absolute">{hours(current().global.sessionAbsoluteHours)}</dd>
              </div>
              <div>
                <dt>{t('admin.policies.yourAddress')}</dt>
                <dd class="mono" data-testid="your-ip">
                  {current().yourIp}
                </dd>
              </div>
            </dl>

            <h2 id="role-policies-title">{t('admin.policies.roles')}</h2>
            <section class="table-wrap stack" aria-labelledby="role-policies-title" tabindex="0">
              <table class="data-table policies-table" data-testid="role-policies">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.policies.role')}</th>
                    <th scope="col">{t('admin.policies.totpRequired')}</th>
                    <th scope="col">{t('admin.policies.idle')}</th>
                    <th scope="col">{t('admin.policies.absolute')}</th>
                    <th scope="col">{t('admin.policies.allowlist')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t('admin.policies.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <For each={groups()}>
                  {(g) => (
                    <tbody>
                      <tr class="policies-group">
                        <th scope="colgroup" colspan="6">
                          {t(GROUP_NAMES[g.kind])}
                        </th>
                      </tr>
                      <For each={g.roles}>
                        {(role) => (
                          <tr data-testid={`role-policy-${role.key}`}>
                            <th scope="row">
                              <span class="policy-role-name">{roleName(role.key, role.name)}</span>
                              <span class="mono policy-role-key">{role.key}</span>
                            </th>
                            <td data-label={t('admin.policies.totpRequired')} data-testid={`role-totp-${role.key}`}>
                              {t(role.requireTotp ? 'admin.roles.yes' : 'admin.roles.no')}
                            </td>
                            <td data-label={t('admin.policies.idle')}>
                              <Timeout
                                value={role.sessionIdleMinutes}
                                global={current().global.sessionIdleMinutes}
                                unit={minutes}
                                testId={`role-idle-${role.key}`}
                              />
                            </td>
                            <td data-label={t('admin.policies.absolute')}>
                              <Timeout
                                value={role.sessionAbsoluteHours}
                                global={current().global.sessionAbsoluteHours}
                                unit={hours}
                                testId={`role-absolute-${role.key}`}
                              />
                            </td>
                            <td data-label={t('admin.policies.allowlist')}>
                              <Allowlist list={role.ipAllowlist} testId={`role-allowlist-${role.key}`} />
                            </td>
                            <td class="actions">
                              <button
                                type="button"
                                class="button button-small"
                                id={`role-policy-edit-${role.key}`}
                                data-testid={`role-policy-edit-${role.key}`}
                                aria-label={t('admin.policies.editRoleLabel', { name: roleName(role.key, role.name) })}
                                onClick={() => {
                                  setNotice(null);
                                  setDialog({ kind: 'role', role });
                                }}
                              >
                                {t('admin.roles.edit')}
                              </button>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  )}
                </For>
              </table>
            </section>

            <h2 id="party-policy-title">{t('admin.policies.partyTitle')}</h2>
            <p class="hint policies-intro">{t('admin.policies.partyIntro')}</p>
            <PartyPicker selected={current().party} onPick={pickParty} />
            <Show when={current().party}>
              {(party) => (
                <section class="panel policy-party" aria-labelledby="party-policy-name" data-testid="party-policy">
                  <div class="detail-header list-header">
                    <h3 id="party-policy-name">{party().partyName}</h3>
                    <button
                      type="button"
                      class="button button-small"
                      id="party-policy-edit"
                      data-testid="party-policy-edit"
                      onClick={() => {
                        setNotice(null);
                        setDialog({ kind: 'party', party: party() });
                      }}
                    >
                      {t('admin.policies.editPolicy')}
                    </button>
                  </div>
                  <dl class="summary">
                    <div>
                      <dt>{t('admin.policies.totpRequired')}</dt>
                      <dd data-testid="party-totp">
                        {t(party().requireTotp ? 'admin.policies.totpEveryone' : 'admin.policies.totpByRole')}
                      </dd>
                    </div>
                    <div>
                      <dt>{t('admin.policies.idle')}</dt>
                      <dd>
                        <Timeout
                          value={party().sessionIdleMinutes}
                          global={current().global.sessionIdleMinutes}
                          unit={minutes}
                          testId="party-idle"
                        />
                      </dd>
                    </div>
                    <div>
                      <dt>{t('admin.policies.absolute')}</dt>
                      <dd>
                        <Timeout
                          value={party().sessionAbsoluteHours}
                          global={current().global.sessionAbsoluteHours}
                          unit={hours}
                          testId="party-absolute"
                        />
                      </dd>
                    </div>
                    <div>
                      <dt>{t('admin.policies.allowlist')}</dt>
                      <dd>
                        <Allowlist list={party().ipAllowlist} testId="party-allowlist" />
                      </dd>
                    </div>
                  </dl>
                </section>
              )}
            </Show>

            <Show when={dialog()}>
              {(target) => {
                const t = target();
                return (
                  <PolicyDialog
                    target={t}
                    global={current().global}
                    yourIp={current().yourIp}
                    onClose={() =>
                      closeDialog(t.kind === 'role' ? `role-policy-edit-${t.role.key}` : 'party-policy-edit')
                    }
                    onSaved={saved}
                  />
                );
              }}
            </Show>
          </>
        )}
      </Show>
      <SellerDetailsSection />
    </section>
  );
}

/** Find an organisation by name or ERP reference (parties.list) and choose it. */
function PartyPicker(props: { selected: PartyPolicy | null; onPick: (party: PartySummary | null) => void }) {
  const [results, setResults] = createSignal<PartySummary[] | null>(null);
  const [searchError, setSearchError] = createSignal<string | null>(null);
  const [searching, setSearching] = createSignal(false);
  let seq = 0;

  const search = async (text: string) => {
    const mine = ++seq;
    const term = text.trim();
    if (!term) {
      setResults(null);
      setSearchError(null);
      return;
    }
    setSearching(true);
    try {
      const page = await guard(trpc.parties.list.query({ search: term, limit: 10 }));
      if (mine !== seq) return;
      setResults(page.items);
      setSearchError(null);
    } catch (err) {
      if (mine === seq) setSearchError(errorMessage(err));
    } finally {
      if (mine === seq) setSearching(false);
    }
  };
  const searchSoon = debounce((text: string) => void search(text), 250);

  return (
    <div class="party-picker" data-testid="party-picker">
      <form
        class="field"
        onSubmit={(e) => {
          e.preventDefault();
          void search(String(new FormData(e.currentTarget).get('q') ?? ''));
        }}
      >
        <label for="party-search">{t('admin.policies.findParty')}</label>
        <input
          id="party-search"
          name="q"
          type="search"
          autocomplete="off"
          placeholder={t('admin.policies.findPlaceholder')}
          aria-describedby="party-search-hint"
          aria-controls="party-results"
          onInput={(e) => searchSoon(e.currentTarget.value)}
        />
        <p class="hint" id="party-search-hint">
          <Show when={props.selected} fallback={t('admin.policies.chooseParty')}>
            {(p) => t('admin.policies.showingParty', { name: p().partyName })}
          </Show>
        </p>
      </form>
      <FormError id="party-search-error" message={searchError()} />
      <div id="party-results" aria-live="polite" aria-busy={searching()}>
        <Show when={results()}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="list-message">{t('admin.policies.noParty')}</p>}>
              <ul class="party-results" data-testid="party-results">
                <For each={list()}>
                  {(party) => (
                    <li>
                      <button
                        type="button"
                        class="party-result"
                        data-testid="party-result"
                        data-party-id={party.id}
                        aria-pressed={props.selected?.partyId === party.id}
                        onClick={() => {
                          props.onPick(party);
                          setResults(null);
                        }}
                      >
                        <span class="party-result-name">{party.name}</span>
                        <span class="party-result-meta">
                          {t(KIND_NAMES[party.kind])}
                          <Show when={party.erpRef}>{(ref) => <span class="mono"> · {ref()}</span>}</Show>
                          {party.status !== 'active' ? ` · ${label(party.status)}` : ''}
                        </span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </div>
    </div>
  );
}

/** Opens a modal <dialog> once mounted (focus stays inside, Escape closes), then focuses `first`. */
function openModal(el: HTMLDialogElement, first: () => HTMLElement | undefined) {
  queueMicrotask(() => {
    if (!el.open) el.showModal();
    first()?.focus();
  });
}

/** Empty means "inherit"; otherwise a whole number, or a hint that it is not one (the server checks ranges). */
function parseWhole(raw: string): number | null | 'invalid' {
  const text = raw.trim();
  if (!text) return null;
  if (!/^\d+$/.test(text)) return 'invalid';
  return Number(text);
}

/** The edit form of a role's or an organisation's policy. */
function PolicyDialog(props: {
  target: Target;
  global: Global;
  yourIp: string;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  let dialog: HTMLDialogElement | undefined;
  let totpInput: HTMLInputElement | undefined;
  const inputs: Record<string, HTMLElement | undefined> = {};
  const target = props.target;
  const policy = target.kind === 'role' ? target.role : target.party;
  const name = target.kind === 'role' ? roleName(target.role.key, target.role.name) : target.party.partyName;
  const isParty = target.kind === 'party';
  const [error, setError] = createSignal<string | null>(null);
  const [invalid, setInvalid] = createSignal<string | null>(null);
  const [lockout, setLockout] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let form: HTMLFormElement | undefined;

  const close = () => {
    dialog?.close();
    props.onClose();
  };

  const fail = (message: string, field?: string) => {
    setError(message);
    setInvalid(field ?? null);
    if (field) inputs[field]?.focus();
  };

  const save = async (confirmOwnLockout: boolean) => {
    if (submitting() || !form) return;
    const data = new FormData(form);
    const idle = parseWhole(String(data.get('sessionIdleMinutes') ?? ''));
    const absolute = parseWhole(String(data.get('sessionAbsoluteHours') ?? ''));
    if (idle === 'invalid') return fail(t('admin.policies.idleInvalid'), 'sessionIdleMinutes');
    if (absolute === 'invalid') return fail(t('admin.policies.absoluteInvalid'), 'sessionAbsoluteHours');
    const lines = String(data.get('ipAllowlist') ?? '')
      .split(/[\s,]+/)
      .map((l) => l.trim())
      .filter(Boolean);
    const ipAllowlist = lines.length > 0 ? lines : null;
    const requireTotp = data.get('requireTotp') === 'on';
    const fields = { sessionIdleMinutes: idle, sessionAbsoluteHours: absolute, ipAllowlist, confirmOwnLockout };
    setSubmitting(true);
    setError(null);
    setInvalid(null);
    try {
      if (target.kind === 'role') {
        await withReauth(() => trpc.policies.setRole.mutate({ roleKey: target.role.key, requireTotp, ...fields }));
        props.onSaved(t('admin.policies.savedRole', { name: roleName(target.role.key, target.role.name) }));
      } else {
        await withReauth(() =>
          trpc.policies.setParty.mutate({
            partyId: target.party.partyId,
            requireTotp: requireTotp ? true : null,
            ...fields,
          }),
        );
        props.onSaved(t('admin.policies.savedParty', { name: target.party.partyName }));
      }
      close();
    } catch (err) {
      if (errorReason(err) === 'own-ip-excluded') {
        setLockout(errorMessage(err));
      } else {
        setLockout(null);
        const { message, field } = policyError(err);
        fail(message, field);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const describedBy = (field: string, hint: string) => (invalid() === field ? `${hint} policy-dialog-error` : hint);

  return (
    <dialog
      class="dialog dialog-wide"
      ref={(el) => {
        dialog = el;
        openModal(el, () => totpInput);
      }}
      aria-labelledby="policy-dialog-title"
      data-testid="policy-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <form
        class="form"
        novalidate
        ref={form}
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
        onInput={() => setLockout(null)}
      >
        <h2 id="policy-dialog-title">
          {t(isParty ? 'admin.policies.dialogParty' : 'admin.policies.dialogRole', { name })}
        </h2>
        <p class="hint">{t(isParty ? 'admin.policies.dialogPartyHint' : 'admin.policies.dialogRoleHint')}</p>
        <FormError id="policy-dialog-error" message={error()} />
        <div class="checkbox">
          <input
            type="checkbox"
            id="policy-totp"
            name="requireTotp"
            checked={policy.requireTotp === true}
            disabled={submitting()}
            aria-describedby="policy-totp-hint"
            ref={(el) => {
              totpInput = el;
              inputs.requireTotp = el;
            }}
          />
          <label for="policy-totp">
            {t(isParty ? 'admin.policies.requireTotpParty' : 'admin.policies.requireTotp')}
          </label>
        </div>
        <p class="hint" id="policy-totp-hint">
          {t(isParty ? 'admin.policies.requireTotpPartyHint' : 'admin.policies.requireTotpHint')}
        </p>
        <div class="policy-timeouts">
          <div class="field">
            <label for="policy-idle">{t('admin.policies.idleMinutes')}</label>
            <input
              id="policy-idle"
              name="sessionIdleMinutes"
              type="text"
              inputmode="numeric"
              autocomplete="off"
              value={policy.sessionIdleMinutes ?? ''}
              placeholder={t('admin.policies.global', { value: props.global.sessionIdleMinutes })}
              aria-invalid={invalid() === 'sessionIdleMinutes'}
              aria-describedby={describedBy('sessionIdleMinutes', 'policy-idle-hint')}
              ref={(el) => {
                inputs.sessionIdleMinutes = el;
              }}
            />
            <p class="hint" id="policy-idle-hint">
              {t(isParty ? 'admin.policies.emptyGlobalAtMost' : 'admin.policies.emptyGlobal', {
                value: minutes(props.global.sessionIdleMinutes),
              })}
            </p>
          </div>
          <div class="field">
            <label for="policy-absolute">{t('admin.policies.absoluteHours')}</label>
            <input
              id="policy-absolute"
              name="sessionAbsoluteHours"
              type="text"
              inputmode="numeric"
              autocomplete="off"
              value={policy.sessionAbsoluteHours ?? ''}
              placeholder={t('admin.policies.global', { value: props.global.sessionAbsoluteHours })}
              aria-invalid={invalid() === 'sessionAbsoluteHours'}
              aria-describedby={describedBy('sessionAbsoluteHours', 'policy-absolute-hint')}
              ref={(el) => {
                inputs.sessionAbsoluteHours = el;
              }}
            />
            <p class="hint" id="policy-absolute-hint">
              {t(isParty ? 'admin.policies.emptyGlobalAtMost' : 'admin.policies.emptyGlobal', {
                value: hours(props.global.sessionAbsoluteHours),
              })}
            </p>
          </div>
        </div>
        <div class="field">
          <label for="policy-allowlist">{t('admin.policies.allowlist')}</label>
          <textarea
            id="policy-allowlist"
            name="ipAllowlist"
            class="mono policy-allowlist"
            rows="4"
            spellcheck={false}
            autocomplete="off"
            placeholder={t('admin.policies.anyAddress')}
            value={(policy.ipAllowlist ?? []).join('\n')}
            aria-invalid={invalid() === 'ipAllowlist'}
            aria-describedby={describedBy('ipAllowlist', 'policy-allowlist-hint')}
            ref={(el) => {
              inputs.ipAllowlist = el;
            }}
          />
          <p class="hint" id="policy-allowlist-hint">
            {t('admin.policies.allowlistHint', { ip: props.yourIp })}
          </p>
        </div>
        <Show when={lockout()}>
          {(message) => (
            <div class="policy-lockout" role="alert" data-testid="policy-lockout">
              <p class="policy-lockout-line policy-lockout-title">{t('admin.policies.lockoutTitle')}</p>
              <p class="policy-lockout-line" data-testid="policy-lockout-message">
                {message()}
              </p>
              <div class="button-row policy-lockout-actions">
                <button
                  type="button"
                  class="button button-danger"
                  data-testid="policy-lockout-confirm"
                  disabled={submitting()}
                  aria-busy={submitting()}
                  onClick={() => void save(true)}
                >
                  {t('admin.policies.lockoutConfirm')}
                </button>
                <button
                  type="button"
                  class="button"
                  data-testid="policy-lockout-edit"
                  onClick={() => {
                    setLockout(null);
                    inputs.ipAllowlist?.focus();
                  }}
                >
                  {t('admin.policies.lockoutEdit')}
                </button>
              </div>
            </div>
          )}
        </Show>
        <div class="button-row">
          <button
            type="submit"
            class="button button-primary"
            data-testid="policy-save"
            disabled={submitting() || lockout() !== null}
            aria-busy={submitting()}
          >
            {t('admin.policies.save')}
          </button>
          <button type="button" class="button" data-testid="policy-cancel" onClick={close}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
