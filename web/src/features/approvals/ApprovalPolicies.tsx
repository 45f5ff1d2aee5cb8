import { AMOUNT_BASED, APPROVAL_TYPES } from '@gatehouse/contract';
import { createMemo, createSignal, For, Index, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime, formatMinor } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import {
  type ApprovalType,
  amountExample,
  formatMajor,
  parseMajor,
  typeLabel,
  wordStaffing,
} from './approvals-shared.tsx';

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

/** The first problem with the levels, in the user's language (the server's rules), with where it is (for focus). */
export function levelsProblem(
  amountBased: boolean,
  levels: DraftLevel[],
  currency = 'EUR',
): { message: string; level: number; field: string } | null {
  let previousMax: string | null | undefined;
  for (const [i, l] of levels.entries()) {
    const n = i + 1;
    if (l.roles.length === 0)
      return { message: t('admin.approvalPolicies.problemRoles', { level: n }), level: n, field: 'roles' };
    if (!/^[1-5]$/.test(l.approvalsRequired.trim()))
      return { message: t('admin.approvalPolicies.problemRequired', { level: n }), level: n, field: 'required' };
    if (!amountBased) continue;
    const min = parseMajor(l.from, currency);
    if (min === null)
      return {
        message: t('admin.approvalPolicies.problemFrom', { level: n, example: amountExample(currency) }),
        level: n,
        field: 'from',
      };
    const max = l.to.trim() === '' ? null : parseMajor(l.to, currency);
    if (l.to.trim() !== '' && max === null)
      return {
        message: t('admin.approvalPolicies.problemTo', { level: n, example: amountExample(currency) }),
        level: n,
        field: 'to',
      };
    if (i === 0 && BigInt(min) !== 0n)
      return { message: t('admin.approvalPolicies.problemStart'), level: n, field: 'from' };
    if (i > 0 && previousMax === null)
      return {
        message: t('admin.approvalPolicies.problemUnreachable', { previous: i, level: n }),
        level: i,
        field: 'to',
      };
    if (i > 0 && previousMax !== undefined && previousMax !== null) {
      if (BigInt(min) > BigInt(previousMax))
        return { message: t('admin.approvalPolicies.problemGap', { previous: i, level: n }), level: n, field: 'from' };
      if (BigInt(min) < BigInt(previousMax))
        return {
          message: t('admin.approvalPolicies.problemOverlap', { previous: i, level: n }),
          level: n,
          field: 'from',
        };
    }
    if (max !== null && BigInt(max) <= BigInt(min))
      return { message: t('admin.approvalPolicies.problemOrder', { level: n }), level: n, field: 'to' };
    if (i === levels.length - 1 && max !== null)
      return {
        message: t('admin.approvalPolicies.problemLast'),
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
  usePageTitle(() => t('admin.approvalPolicies.title'));
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
      <h1 id="approval-policies-title">{t('admin.approvalPolicies.title')}</h1>
      <p class="hint policies-intro">
        {t('admin.approvalPolicies.intro', { example: formatMinor('25000000', 'EUR') })}
      </p>
      <Announcement testId="approval-policies-status" message={notice()} />
      <Show when={warnings()}>
        {(w) => (
          <section
            class="notice approval-staffing"
            aria-labelledby="approval-policies-warnings-title"
            data-testid="policy-warnings"
          >
            <h2 id="approval-policies-warnings-title">{t('admin.approvalPolicies.warningsTitle')}</h2>
            <p>{t('admin.approvalPolicies.warningsUnder', { name: w().name })}</p>
            <ul>
              <For each={w().items}>{(item) => <li>{item}</li>}</For>
            </ul>
            <p class="hint">{t('admin.approvalPolicies.warningsHint')}</p>
          </section>
        )}
      </Show>
      <Show when={loadError()}>{(message) => <ErrorPanel message={message()} onRetry={() => void load()} />}</Show>
      <Show when={!loadError() && data() === null}>
        <p class="list-message" role="status">
          {t('admin.approvalPolicies.loading')}
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

function toDraft(policy: Policy | null, roles: Role[], currency: string | null): DraftLevel[] {
  if (!policy)
    return [
      {
        from: formatMajor('0', currency ?? 'EUR'),
        to: '',
        roles: roles[0] ? [roles[0].key] : [],
        approvalsRequired: '1',
        escalateTo: [],
      },
    ];
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
  const [levels, setLevels] = createSignal<DraftLevel[]>(toDraft(d.policy, props.roles, d.currency));
  const [serverError, setServerError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  const problem = createMemo(() => levelsProblem(amountBased, levels(), d.currency ?? 'EUR'));
  const name = () => `${typeLabel(d.type)}${d.currency ? ` · ${d.currency}` : ''}`;
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
      const { version, warnings, warningTexts } = await withReauth(() =>
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
        t('admin.approvalPolicies.saved', { name: name(), version }),
        warnings.length > 0 ? { name: name(), items: warnings.map((w, i) => wordStaffing(warningTexts[i], w)) } : null,
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
        <h2 id={`${prefix}-title`}>{name()}</h2>
        <p class="hint approval-policy-version">
          <Show when={d.policy} fallback={t('admin.approvalPolicies.unsaved')}>
            {(p) => (
              <>
                {t('admin.approvalPolicies.versionChanged', { version: p().version })}{' '}
                <time datetime={p().updatedAt}>{formatDateTime(p().updatedAt)}</time>
                <Show when={p().updatedBy}>{(by) => <> {t('admin.workQueue.by', { name: by() })}</>}</Show>
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
                <th scope="col">{t('admin.approvals.colLevel')}</th>
                <Show when={amountBased}>
                  <th scope="col">{t('admin.approvalPolicies.colFrom', { currency: d.currency ?? '' })}</th>
                  <th scope="col">{t('admin.approvalPolicies.colTo', { currency: d.currency ?? '' })}</th>
                </Show>
                <th scope="col">{t('admin.approvalPolicies.colRoles')}</th>
                <th scope="col">{t('admin.approvals.colRequired')}</th>
                <th scope="col">{t('admin.approvalPolicies.colEscalateTo')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('admin.integrations.actions')}</span>
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
                      <th scope="row">{t('admin.approvals.level', { level: n })}</th>
                      <Show when={amountBased}>
                        <td data-label={t('admin.approvalPolicies.from')}>
                          <label class="visually-hidden" for={id('from')}>
                            {t('admin.approvalPolicies.levelFrom', { level: n })}
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
                        <td data-label={t('admin.approvalPolicies.to')}>
                          <label class="visually-hidden" for={id('to')}>
                            {t('admin.approvalPolicies.levelTo', { level: n })}
                          </label>
                          <input
                            id={id('to')}
                            class="amount-input"
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            placeholder={t('admin.approvalPolicies.andAbove')}
                            data-testid="level-to"
                            value={l().to}
                            aria-invalid={invalid(n, 'to')}
                            aria-describedby={invalid(n, 'to') ? `${prefix}-problem` : undefined}
                            onInput={(e) => update(i, { to: e.currentTarget.value })}
                          />
                        </td>
                      </Show>
                      <td data-label={t('admin.approvalPolicies.colRoles')}>
                        <RoleChecks
                          id={id('roles')}
                          legend={t('admin.approvalPolicies.levelRoles', { level: n })}
                          roles={props.roles}
                          selected={l().roles}
                          invalid={invalid(n, 'roles') === 'true'}
                          onToggle={(key, on) => update(i, { roles: toggle(l().roles, key, on) })}
                        />
                      </td>
                      <td data-label={t('admin.approvals.colRequired')}>
                        <label class="visually-hidden" for={id('required')}>
                          {t('admin.approvalPolicies.levelRequired', { level: n })}
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
                      <td data-label={t('admin.approvalPolicies.colEscalateTo')}>
                        <RoleChecks
                          id={id('escalate')}
                          legend={t('admin.approvalPolicies.levelEscalates', { level: n })}
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
                            aria-label={t('admin.approvalPolicies.removeLevel', { level: n })}
                            onClick={() => remove(i)}
                          >
                            {t('admin.approvalPolicies.remove')}
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
            {t('admin.approvalPolicies.addLevel')}
          </button>
          <button
            type="submit"
            class="button button-primary"
            data-testid="policy-save"
            disabled={problem() !== null || saving()}
            aria-busy={saving()}
            aria-describedby={problem() ? `${prefix}-problem` : undefined}
          >
            {t('admin.approvalPolicies.save', { name: name() })}
          </button>
          <Show when={!d.policy}>
            <button type="button" class="button button-quiet" data-testid="policy-discard" onClick={props.onDiscard}>
              {t('admin.approvalPolicies.discard')}
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
      setError(t('admin.approvals.currencyCode'));
      currencyInput?.focus();
      return;
    }
    if (props.exists(type, currency)) {
      setError(t('admin.approvalPolicies.exists', { type: typeLabel(type), currency }));
      currencyInput?.focus();
      return;
    }
    setError(null);
    form.reset();
    props.onAdd(type, currency);
  };
  return (
    <section class="panel panel-wide" aria-labelledby="add-currency-title">
      <h2 id="add-currency-title">{t('admin.approvalPolicies.addTitle')}</h2>
      <FormError id="add-currency-error" message={error()} />
      <form class="filters" onSubmit={submit} novalidate data-testid="add-currency-form">
        <div class="field">
          <label for="add-currency-type">{t('admin.approvals.colType')}</label>
          <select id="add-currency-type" name="type">
            <For each={AMOUNT_TYPES}>{(type) => <option value={type}>{typeLabel(type)}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="add-currency-code">{t('admin.approvals.currency')}</label>
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
          <button type="submit" class="button" data-testid="add-currency-submit">
            {t('admin.approvalPolicies.addPolicy')}
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
      setError(t('admin.approvalPolicies.chooseApprover'));
      form.querySelector<HTMLElement>('#limit-user')?.focus();
      return;
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      setError(t('admin.approvals.currencyCode'));
      form.querySelector<HTMLElement>('#limit-currency')?.focus();
      return;
    }
    const maxMinor = remove ? null : parseMajor(String(data.get('amount') ?? ''), currency);
    if (!remove && maxMinor === null) {
      setError(t('admin.approvalPolicies.limitLike', { example: amountExample(currency) }));
      form.querySelector<HTMLElement>('#limit-amount')?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await withReauth(() => trpc.approvalPolicies.setLimit.mutate({ userId, currency, maxMinor }));
      props.onSaved(
        maxMinor === null
          ? t('admin.approvalPolicies.limitRemoved', { currency, name: who.displayName })
          : t('admin.approvalPolicies.limitSet', {
              name: who.displayName,
              amount: formatMinor(maxMinor, currency),
            }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="approver-limits" aria-labelledby="approver-limits-title">
      <h2 id="approver-limits-title">{t('admin.approvalPolicies.limitsTitle')}</h2>
      <p class="hint policies-intro">{t('admin.approvalPolicies.limitsIntro')}</p>
      <Show
        when={props.approvers.length > 0}
        fallback={<p class="list-message">{t('admin.approvalPolicies.noApprovers')}</p>}
      >
        <div class="table-wrap stack">
          <table class="data-table" data-testid="approver-limits" aria-labelledby="approver-limits-title">
            <thead>
              <tr>
                <th scope="col">{t('admin.approvalPolicies.approver')}</th>
                <th scope="col">{t('admin.users.roles')}</th>
                <th scope="col">{t('admin.approvalPolicies.limits')}</th>
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
                    <td data-label={t('admin.users.roles')} class="wrap">
                      {a.roles.map(roleName).join(', ')}
                    </td>
                    <td data-label={t('admin.approvalPolicies.limits')} class="wrap" data-testid="approver-limits-cell">
                      <Show
                        when={a.limits.length > 0}
                        fallback={<span class="muted">{t('admin.approvalPolicies.noLimit')}</span>}
                      >
                        <ul class="plain-list">
                          <For each={a.limits}>{(l) => <li>{formatMinor(l.maxMinor, l.currency)}</li>}</For>
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
          <h3 id="limit-form-title">{t('admin.approvalPolicies.limitFormTitle')}</h3>
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
              <label for="limit-user">{t('admin.approvalPolicies.approver')}</label>
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
              <label for="limit-currency">{t('admin.approvals.currency')}</label>
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
              <label for="limit-amount">{t('admin.approvalPolicies.limit')}</label>
              <input
                id="limit-amount"
                name="amount"
                type="text"
                inputmode="decimal"
                autocomplete="off"
                placeholder={amountExample('EUR')}
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
                  {t('admin.approvalPolicies.setLimit')}
                </button>
                <button
                  type="button"
                  class="button"
                  data-testid="limit-remove"
                  disabled={saving()}
                  onClick={() => void send(true)}
                >
                  {t('admin.approvalPolicies.removeLimit')}
                </button>
              </div>
            </div>
          </form>
        </section>
      </Show>
    </section>
  );
}
