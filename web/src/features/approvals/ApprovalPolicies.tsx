import { AMOUNT_BASED, APPROVAL_TYPES } from '@gatehouse/contract';
import { createMemo, createSignal, For, Index, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { Announcement } from '../../shared/components.tsx';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { type ApprovalType, amountExample, formatMajor, parseMajor, TYPE_LABELS } from './approvals-shared.tsx';

type Loaded = Awaited<ReturnType<typeof trpc.approvalPolicies.list.query>>;
type Policy = Loaded['policies'][number];
type Role = Loaded['deciderRoles'][number];
type Approver = Awaited<ReturnType<typeof trpc.approvalPolicies.approvers.query>>['items'][number];

/** A level as edited: amounts as typed (major units), approvals as typed. */
interface DraftLevel {
  from: string;
  to: string;
  roles: string[];
  approvalsRequired: string;
  escalateTo: string[];
}
interface Draft {
  key: string;
  type: ApprovalType;
  currency: string | null;
  policy: Policy | null;
}

const policyKey = (type: string, currency: string | null) => `${type}:${currency ?? ''}`;
const AMOUNT_TYPES = APPROVAL_TYPES.filter((t) => AMOUNT_BASED[t]);

/** The first problem with the levels, worded as the server words it, with where it is (for focus). */
export function levelsProblem(
  amountBased: boolean,
  levels: DraftLevel[],
  currency = 'EUR',
): { message: string; level: number; field: string } | null {
  let previousMax: string | null | undefined;
  for (const [i, l] of levels.entries()) {
    const n = i + 1;
    if (l.roles.length === 0)
      return { message: `Level ${n}: choose at least one deciding role.`, level: n, field: 'roles' };
    if (!/^[1-5]$/.test(l.approvalsRequired.trim()))
      return { message: `Level ${n}: approvals required is a whole number from 1 to 5.`, level: n, field: 'required' };
    if (!amountBased) continue;
    const min = parseMajor(l.from, currency);
    if (min === null)
      return { message: `Level ${n}: give the lower amount like ${amountExample(currency)}.`, level: n, field: 'from' };
    const max = l.to.trim() === '' ? null : parseMajor(l.to, currency);
    if (l.to.trim() !== '' && max === null)
      return {
        message: `Level ${n}: give the upper amount like ${amountExample(currency)}, or leave it empty.`,
        level: n,
        field: 'to',
      };
    if (i === 0 && BigInt(min) !== 0n)
      return { message: 'Level 1 must start at 0, so every amount has a level.', level: n, field: 'from' };
    if (i > 0 && previousMax === null)
      return {
        message: `Level ${i} has no upper amount, so level ${n} can never apply; remove it or give level ${i} an upper amount.`,
        level: i,
        field: 'to',
      };
    if (i > 0 && previousMax !== undefined && previousMax !== null) {
      if (BigInt(min) > BigInt(previousMax))
        return { message: `There is a gap between level ${i} and level ${n}.`, level: n, field: 'from' };
      if (BigInt(min) < BigInt(previousMax))
        return { message: `Level ${n} overlaps level ${i}.`, level: n, field: 'from' };
    }
    if (max !== null && BigInt(max) <= BigInt(min))
      return { message: `Level ${n}: the upper amount must be above the lower.`, level: n, field: 'to' };
    if (i === levels.length - 1 && max !== null)
      return {
        message: 'The last level must have no upper amount, so every amount has a level.',
        level: n,
        field: 'to',
      };
    previousMax = max;
  }
  return null;
}

/**
 * Approval policies (needs `approval-policies:manage`): per request type (and currency, for amount-based
 * types) the levels a request goes through, and each approver's limits per currency. The page checks the
 * amount ranges as the server does before sending; saving is sensitive (password re-entry).
 */
export default function ApprovalPolicies() {
  usePageTitle(() => 'Approval policies');
  const [data, setData] = createSignal<Loaded | null>(null);
  const [approvers, setApprovers] = createSignal<Approver[] | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [drafts, setDrafts] = createSignal<Draft[]>([]);
  const [notice, setNotice] = createSignal<string | null>(null);
  // What the last save warned about: levels nobody could decide today (saved all the same).
  const [warnings, setWarnings] = createSignal<{ name: string; items: string[] } | null>(null);

  const load = async () => {
    setLoadError(null);
    try {
      const [policies, limits] = await Promise.all([
        guard(trpc.approvalPolicies.list.query()),
        guard(trpc.approvalPolicies.approvers.query()),
      ]);
      setData(policies);
      setApprovers(limits.items);
      // A new currency's policy stays a draft until saved; once saved it comes back from the server.
      setDrafts((d) => d.filter((x) => !policies.policies.some((p) => policyKey(p.type, p.currency) === x.key)));
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  onMount(() => void load());

  const editors = createMemo((): Draft[] => {
    const policies = [...(data()?.policies ?? [])].sort(
      (a, b) =>
        APPROVAL_TYPES.indexOf(a.type) - APPROVAL_TYPES.indexOf(b.type) ||
        (a.currency ?? '').localeCompare(b.currency ?? ''),
    );
    return [
      ...policies.map((p) => ({ key: policyKey(p.type, p.currency), type: p.type, currency: p.currency, policy: p })),
      ...drafts(),
    ];
  });

  return (
    <section aria-labelledby="approval-policies-title" class="approval-policies">
      <h1 id="approval-policies-title">Approval policies</h1>
      <p class="hint policies-intro">
        Each type of request goes through the levels of its policy, in order. Credit-limit changes and credit notes have
        a policy per currency: a request passes every level from level 1 up to the one whose range holds its amount, and
        stops there (a 250,000.00 EUR request passes every level up to the one for 250,000.00 EUR), and each approver on
        the way needs a limit covering the whole amount. A request keeps the policy it was made under; changes here
        apply to new requests.
      </p>
      <Announcement testId="approval-policies-status" message={notice()} />
      <Show when={warnings()}>
        {(w) => (
          <section
            class="notice approval-staffing"
            aria-labelledby="approval-policies-warnings-title"
            data-testid="policy-warnings"
          >
            <h2 id="approval-policies-warnings-title">Saved, but some requests could never be decided</h2>
            <p>With today’s approvers and limits, under the {w().name} policy:</p>
            <ul>
              <For each={w().items}>{(item) => <li>{item}</li>}</For>
            </ul>
            <p class="hint">
              Give the role to more people (Users), or set approver limits in that currency below. Nobody decides twice
              in a request, and nobody decides their own.
            </p>
          </section>
        )}
      </Show>
      <Show when={loadError()}>{(message) => <ErrorPanel message={message()} onRetry={() => void load()} />}</Show>
      <Show when={!loadError() && data() === null}>
        <p class="list-message" role="status">
          Loading approval policies…
        </p>
      </Show>
      <Show when={data()}>
        {(loaded) => (
          <>
            <For each={editors()}>
              {(d) => (
                <PolicyEditor
                  draft={d}
                  roles={loaded().deciderRoles}
                  onSaved={(message, saved) => {
                    setNotice(message);
                    setWarnings(saved);
                    void load();
                  }}
                  onDiscard={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
                />
              )}
            </For>
            <AddCurrency
              exists={(type, currency) => editors().some((e) => e.key === policyKey(type, currency))}
              onAdd={(type, currency) => {
                setNotice(null);
                setDrafts((all) => [...all, { key: policyKey(type, currency), type, currency, policy: null }]);
              }}
            />
            <ApproverLimits
              approvers={approvers() ?? []}
              roles={loaded().deciderRoles}
              onSaved={(message) => {
                setNotice(message);
                setWarnings(null);
                void load();
              }}
            />
          </>
        )}
      </Show>
    </section>
  );
}

function toDraft(policy: Policy | null, roles: Role[]): DraftLevel[] {
  if (!policy)
    return [{ from: '0.00', to: '', roles: roles[0] ? [roles[0].key] : [], approvalsRequired: '1', escalateTo: [] }];
  return policy.levels.map((l) => ({
    from: l.minMinor === null ? '' : formatMajor(l.minMinor, policy.currency ?? ''),
    to: l.maxMinor === null ? '' : formatMajor(l.maxMinor, policy.currency ?? ''),
    roles: [...l.roles],
    approvalsRequired: String(l.approvalsRequired),
    escalateTo: [...l.escalateTo],
  }));
}

function PolicyEditor(props: {
  draft: Draft;
  roles: Role[];
  onSaved: (message: string, warnings: { name: string; items: string[] } | null) => void;
  onDiscard: () => void;
}) {
  const d = props.draft;
  const amountBased = AMOUNT_BASED[d.type];
  const prefix = `policy-${d.type}-${d.currency ?? 'any'}`;
  const [levels, setLevels] = createSignal<DraftLevel[]>(toDraft(d.policy, props.roles));
  const [serverError, setServerError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  const problem = createMemo(() => levelsProblem(amountBased, levels(), d.currency ?? 'EUR'));
  const name = `${TYPE_LABELS[d.type]}${d.currency ? ` · ${d.currency}` : ''}`;
  let section: HTMLElement | undefined;

  const update = (i: number, change: Partial<DraftLevel>) => {
    setServerError(null);
    setLevels((all) => all.map((l, j) => (j === i ? { ...l, ...change } : l)));
  };
  const toggle = (list: string[], key: string, on: boolean) =>
    on ? [...list.filter((k) => k !== key), key] : list.filter((k) => k !== key);
  const add = () => {
    setServerError(null);
    setLevels((all) => {
      const last = all[all.length - 1];
      return [
        ...all,
        {
          from: last?.to ?? '',
          to: '',
          roles: last ? [...last.roles] : [],
          approvalsRequired: '1',
          escalateTo: [],
        },
      ];
    });
    queueMicrotask(() => section?.querySelector<HTMLElement>(`#${prefix}-${levels().length}-from`)?.focus());
  };
  const remove = (i: number) => {
    setServerError(null);
    setLevels((all) => all.filter((_, j) => j !== i));
    queueMicrotask(() => section?.querySelector<HTMLElement>(`#${prefix}-add`)?.focus());
  };
  const invalid = (level: number, field: string) => {
    const p = problem();
    return p && p.level === level && p.field === field ? 'true' : undefined;
  };

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    if (saving()) return;
    const p = problem();
    if (p) {
      section?.querySelector<HTMLElement>(`#${prefix}-${p.level}-${p.field}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const { version, warnings } = await withReauth(() =>
        trpc.approvalPolicies.set.mutate({
          type: d.type,
          currency: d.currency,
          levels: levels().map((l) => ({
            minMinor: amountBased ? parseMajor(l.from, d.currency ?? '') : null,
            maxMinor: amountBased && l.to.trim() !== '' ? parseMajor(l.to, d.currency ?? '') : null,
            roles: l.roles,
            approvalsRequired: Number(l.approvalsRequired.trim()),
            escalateTo: l.escalateTo,
          })),
        }),
      );
      props.onSaved(
        `Saved the ${name} policy (version ${version}). New requests follow it.`,
        warnings.length > 0 ? { name, items: warnings } : null,
      );
    } catch (err) {
      setServerError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section
      class="panel panel-wide approval-policy"
      aria-labelledby={`${prefix}-title`}
      data-testid="approval-policy"
      data-policy={d.key}
      ref={section}
    >
      <div class="detail-header list-header">
        <h2 id={`${prefix}-title`}>{name}</h2>
        <p class="hint approval-policy-version">
          <Show when={d.policy} fallback="New policy, not saved yet">
            {(p) => (
              <>
                Version {p().version}, changed <time datetime={p().updatedAt}>{formatDateTime(p().updatedAt)}</time>
                <Show when={p().updatedBy}>{(by) => <> by {by()}</>}</Show>
              </>
            )}
          </Show>
        </p>
      </div>
      <form class="form approval-policy-form" onSubmit={(e) => void save(e)} novalidate>
        <div class="table-wrap stack">
          <table class="data-table approval-levels" aria-labelledby={`${prefix}-title`}>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <Show when={amountBased}>
                  <th scope="col">From ({d.currency})</th>
                  <th scope="col">To ({d.currency})</th>
                </Show>
                <th scope="col">Deciding roles</th>
                <th scope="col">Approvals required</th>
                <th scope="col">Escalate to</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <Index each={levels()}>
                {(l, i) => {
                  const n = i + 1;
                  const id = (field: string) => `${prefix}-${n}-${field}`;
                  return (
                    <tr data-testid="approval-level-row" data-level={n}>
                      <th scope="row">Level {n}</th>
                      <Show when={amountBased}>
                        <td data-label="From">
                          <label class="visually-hidden" for={id('from')}>
                            Level {n} from
                          </label>
                          <input
                            id={id('from')}
                            class="amount-input"
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            data-testid="level-from"
                            value={l().from}
                            aria-invalid={invalid(n, 'from')}
                            aria-describedby={invalid(n, 'from') ? `${prefix}-problem` : undefined}
                            onInput={(e) => update(i, { from: e.currentTarget.value })}
                          />
                        </td>
                        <td data-label="To">
                          <label class="visually-hidden" for={id('to')}>
                            Level {n} to (empty: no upper amount)
                          </label>
                          <input
                            id={id('to')}
                            class="amount-input"
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            placeholder="and above"
                            data-testid="level-to"
                            value={l().to}
                            aria-invalid={invalid(n, 'to')}
                            aria-describedby={invalid(n, 'to') ? `${prefix}-problem` : undefined}
                            onInput={(e) => update(i, { to: e.currentTarget.value })}
                          />
                        </td>
                      </Show>
                      <td data-label="Deciding roles">
                        <RoleChecks
                          id={id('roles')}
                          legend={`Level ${n} deciding roles`}
                          roles={props.roles}
                          selected={l().roles}
                          invalid={invalid(n, 'roles') === 'true'}
                          onToggle={(key, on) => update(i, { roles: toggle(l().roles, key, on) })}
                        />
                      </td>
                      <td data-label="Approvals required">
                        <label class="visually-hidden" for={id('required')}>
                          Level {n} approvals required
                        </label>
                        <input
                          id={id('required')}
                          class="count-input"
                          type="number"
                          min={1}
                          max={5}
                          step={1}
                          value={l().approvalsRequired}
                          aria-invalid={invalid(n, 'required')}
                          onInput={(e) => update(i, { approvalsRequired: e.currentTarget.value })}
                        />
                      </td>
                      <td data-label="Escalate to">
                        <RoleChecks
                          id={id('escalate')}
                          legend={`Level ${n} escalates to`}
                          roles={props.roles}
                          selected={l().escalateTo}
                          invalid={false}
                          onToggle={(key, on) => update(i, { escalateTo: toggle(l().escalateTo, key, on) })}
                        />
                      </td>
                      <td class="actions">
                        <Show when={levels().length > 1}>
                          <button
                            type="button"
                            class="button button-small"
                            data-testid="level-remove"
                            onClick={() => remove(i)}
                          >
                            Remove<span class="visually-hidden"> level {n}</span>
                          </button>
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </Index>
            </tbody>
          </table>
        </div>
        <div aria-live="polite">
          <Show when={problem()}>
            {(p) => (
              <p class="form-error" id={`${prefix}-problem`} data-testid="policy-problem">
                {p().message}
              </p>
            )}
          </Show>
        </div>
        <FormError id={`${prefix}-error`} message={serverError()} testId="policy-server-error" />
        <div class="button-row">
          <button
            type="button"
            class="button"
            id={`${prefix}-add`}
            data-testid="level-add"
            disabled={levels().length >= 10}
            onClick={add}
          >
            Add level
          </button>
          <button
            type="submit"
            class="button button-primary"
            data-testid="policy-save"
            disabled={problem() !== null || saving()}
            aria-busy={saving()}
            aria-describedby={problem() ? `${prefix}-problem` : undefined}
          >
            Save {name}
          </button>
          <Show when={!d.policy}>
            <button type="button" class="button button-quiet" onClick={props.onDiscard}>
              Discard
            </button>
          </Show>
        </div>
      </form>
    </section>
  );
}

function RoleChecks(props: {
  id: string;
  legend: string;
  roles: Role[];
  selected: string[];
  invalid: boolean;
  onToggle: (key: string, on: boolean) => void;
}) {
  return (
    <fieldset class="checkboxes role-checks" id={props.id} aria-invalid={props.invalid ? 'true' : undefined}>
      <legend class="visually-hidden">{props.legend}</legend>
      <For each={props.roles}>
        {(role) => (
          <label class="checkbox">
            <input
              type="checkbox"
              value={role.key}
              checked={props.selected.includes(role.key)}
              onChange={(e) => props.onToggle(role.key, e.currentTarget.checked)}
            />
            {role.name}
          </label>
        )}
      </For>
    </fieldset>
  );
}

/** Start a policy for another currency of an amount-based type (saved like the others). */
function AddCurrency(props: {
  exists: (type: ApprovalType, currency: string) => boolean;
  onAdd: (type: ApprovalType, currency: string) => void;
}) {
  const [error, setError] = createSignal<string | null>(null);
  let currencyInput: HTMLInputElement | undefined;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const type = AMOUNT_TYPES.find((t) => t === data.get('type'));
    const currency = String(data.get('currency') ?? '')
      .trim()
      .toUpperCase();
    if (!type) return;
    if (!/^[A-Z]{3}$/.test(currency)) {
      setError('Use a three-letter currency code (EUR, USD…).');
      currencyInput?.focus();
      return;
    }
    if (props.exists(type, currency)) {
      setError(`There is a ${TYPE_LABELS[type].toLowerCase()} policy for ${currency} already; edit it above.`);
      currencyInput?.focus();
      return;
    }
    setError(null);
    form.reset();
    props.onAdd(type, currency);
  };
  return (
    <section class="panel panel-wide" aria-labelledby="add-currency-title">
      <h2 id="add-currency-title">Add a policy for another currency</h2>
      <FormError id="add-currency-error" message={error()} />
      <form class="filters" onSubmit={submit} novalidate data-testid="add-currency-form">
        <div class="field">
          <label for="add-currency-type">Type</label>
          <select id="add-currency-type" name="type">
            <For each={AMOUNT_TYPES}>{(t) => <option value={t}>{TYPE_LABELS[t]}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="add-currency-code">Currency</label>
          <input
            id="add-currency-code"
            name="currency"
            type="text"
            class="mono"
            maxlength={3}
            autocomplete="off"
            placeholder="USD"
            aria-invalid={error() ? 'true' : undefined}
            aria-describedby={error() ? 'add-currency-error' : undefined}
            ref={currencyInput}
          />
        </div>
        <div class="field field-button">
          <button type="submit" class="button">
            Add policy
          </button>
        </div>
      </form>
    </section>
  );
}

/** Each approver's limits per currency, and a form to set or remove one (sensitive). */
function ApproverLimits(props: { approvers: Approver[]; roles: Role[]; onSaved: (message: string) => void }) {
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  let form: HTMLFormElement | undefined;
  const roleName = (key: string) => props.roles.find((r) => r.key === key)?.name ?? key;

  const send = async (remove: boolean) => {
    if (saving() || !form) return;
    const data = new FormData(form);
    const userId = String(data.get('userId') ?? '');
    const currency = String(data.get('currency') ?? '')
      .trim()
      .toUpperCase();
    const who = props.approvers.find((a) => a.userId === userId);
    if (!who) {
      setError('Choose the approver.');
      form.querySelector<HTMLElement>('#limit-user')?.focus();
      return;
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      setError('Use a three-letter currency code (EUR, USD…).');
      form.querySelector<HTMLElement>('#limit-currency')?.focus();
      return;
    }
    const maxMinor = remove ? null : parseMajor(String(data.get('amount') ?? ''), currency);
    if (!remove && maxMinor === null) {
      setError(`Enter the limit like ${amountExample(currency)}.`);
      form.querySelector<HTMLElement>('#limit-amount')?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await withReauth(() => trpc.approvalPolicies.setLimit.mutate({ userId, currency, maxMinor }));
      props.onSaved(
        maxMinor === null
          ? `Removed the ${currency} limit of ${who.displayName}.`
          : `${who.displayName} may now approve up to ${formatMajor(maxMinor, currency)} ${currency}.`,
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="approver-limits" aria-labelledby="approver-limits-title">
      <h2 id="approver-limits-title">Approver limits</h2>
      <p class="hint policies-intro">
        The largest amount each approver may approve, per currency. Without a limit in a currency, an approver decides
        no amount in it. Bank-detail changes need no limit. Nobody sets their own limit.
      </p>
      <Show
        when={props.approvers.length > 0}
        fallback={<p class="list-message">Nobody holds a role that decides approvals.</p>}
      >
        <div class="table-wrap stack">
          <table class="data-table" data-testid="approver-limits" aria-labelledby="approver-limits-title">
            <thead>
              <tr>
                <th scope="col">Approver</th>
                <th scope="col">Roles</th>
                <th scope="col">Limits</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.approvers}>
                {(a) => (
                  <tr data-testid="approver-row" data-user-id={a.userId}>
                    <th scope="row" class="wrap">
                      {a.displayName}
                      <span class="muted approver-email">{a.email}</span>
                    </th>
                    <td data-label="Roles" class="wrap">
                      {a.roles.map(roleName).join(', ')}
                    </td>
                    <td data-label="Limits" class="wrap" data-testid="approver-limits-cell">
                      <Show when={a.limits.length > 0} fallback={<span class="muted">No limit</span>}>
                        <ul class="plain-list">
                          <For each={a.limits}>
                            {(l) => (
                              <li>
                                {formatMajor(l.maxMinor, l.currency)} {l.currency}
                              </li>
                            )}
                          </For>
                        </ul>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <section class="panel panel-wide" aria-labelledby="limit-form-title">
          <h3 id="limit-form-title">Set or remove a limit</h3>
          <FormError id="limit-error" message={error()} />
          <form
            class="filters"
            novalidate
            ref={form}
            data-testid="limit-form"
            onSubmit={(e) => {
              e.preventDefault();
              void send(false);
            }}
          >
            <div class="field field-grow">
              <label for="limit-user">Approver</label>
              <select id="limit-user" name="userId">
                <For each={props.approvers}>
                  {(a) => (
                    <option value={a.userId}>
                      {a.displayName} ({a.email})
                    </option>
                  )}
                </For>
              </select>
            </div>
            <div class="field">
              <label for="limit-currency">Currency</label>
              <input
                id="limit-currency"
                name="currency"
                type="text"
                class="mono"
                value="EUR"
                maxlength={3}
                autocomplete="off"
              />
            </div>
            <div class="field">
              <label for="limit-amount">Limit</label>
              <input
                id="limit-amount"
                name="amount"
                type="text"
                inputmode="decimal"
                autocomplete="off"
                placeholder="10,000.00"
              />
            </div>
            <div class="field field-button">
              <div class="button-row">
                <button
                  type="submit"
                  class="button button-primary"
                  data-testid="limit-set"
                  disabled={saving()}
                  aria-busy={saving()}
                >
                  Set limit
                </button>
                <button
                  type="button"
                  class="button"
                  data-testid="limit-remove"
                  disabled={saving()}
                  onClick={() => void send(true)}
                >
                  Remove limit
                </button>
              </div>
            </div>
          </form>
        </section>
      </Show>
    </section>
  );
}
