import { APPROVAL_STATUSES, APPROVAL_TYPES } from '@gatehouse/contract';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { Tabs } from '../../shared/components.tsx';
import {
  createPagedList,
  debounce,
  FilterSelect,
  ListTable,
  StatusFilter,
  usePageTitle,
  useRememberedList,
} from '../../shared/data.tsx';
import { ModalDialog } from '../../shared/dialog.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';
import { Badge, words } from '../suppliers/supplier-shared.tsx';
import {
  type ApprovalType,
  amountExample,
  decimalsWord,
  formatWait,
  Money,
  parseMajor,
  requestTitle,
  typeLabel,
  waitWords,
  wordWhy,
} from './approvals-shared.tsx';

const PAGE_SIZE = 50;

type View = 'mine' | 'all';
const VIEWS: { key: View; label: AdminKey }[] = [
  { key: 'mine', label: 'admin.approvals.tabMine' },
  { key: 'all', label: 'admin.approvals.tabAll' },
];

/**
 * The approvals inbox: what waits for my decision now (oldest first), or every request with status and
 * type filters, all in the URL. Staff who manage customers start a credit-limit change or a credit note here.
 */
export default function Approvals() {
  usePageTitle(() => t('admin.approvals.title'));
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  useRememberedList('/approvals');
  const view = (): View => (params.view === 'all' ? 'all' : 'mine');
  const status = () => APPROVAL_STATUSES.find((s) => s === params.status);
  const type = () => APPROVAL_TYPES.find((t) => t === params.type);
  const [creating, setCreating] = createSignal(false);
  let newButton: HTMLButtonElement | undefined;

  const filters = createMemo(
    () => ({
      view: view(),
      status: view() === 'all' ? status() : undefined,
      type: view() === 'all' ? type() : undefined,
    }),
    undefined,
    { equals: (a, b) => a.view === b.view && a.status === b.status && a.type === b.type },
  );
  const list = createPagedList(filters, (f, cursor) =>
    trpc.approvals.list.query({ limit: PAGE_SIZE, cursor, view: f.view, status: f.status, type: f.type }),
  );

  const select = (v: View) => setParams({ view: v === 'mine' ? undefined : v }, { replace: true });

  return (
    <section aria-labelledby="approvals-title">
      <div class="detail-header list-header">
        <h1 id="approvals-title">{t('admin.approvals.title')}</h1>
        <Show when={can('parties:manage')}>
          <button
            type="button"
            class="button button-primary"
            data-testid="approval-new"
            ref={newButton}
            onClick={() => setCreating(true)}
          >
            {t('admin.approvals.newRequest')}
          </button>
        </Show>
      </div>
      <Show when={can('approvals:read')} fallback={<p class="hint">{t('admin.approvals.makerHint')}</p>}>
        <Tabs
          label={t('admin.approvals.title')}
          tabs={VIEWS.map((v) => ({ ...v, label: t(v.label) }))}
          active={view()}
          onSelect={select}
          idPrefix="tab-approvals-"
          controls={() => 'panel-approvals'}
        />
        <div role="tabpanel" id="panel-approvals" aria-labelledby={`tab-approvals-${view()}`} class="tab-panel">
          <Show when={view() === 'all'} fallback={<p class="hint approvals-intro">{t('admin.approvals.mineIntro')}</p>}>
            <form class="filters" aria-label={t('admin.approvals.filter')} onSubmit={(e) => e.preventDefault()}>
              <StatusFilter id="approvals-status" statuses={APPROVAL_STATUSES} value={status()} optionLabel={words} />
              <FilterSelect
                id="approvals-type"
                label={t('admin.approvals.colType')}
                param="type"
                options={APPROVAL_TYPES}
                optionLabel={typeLabel}
                allLabel={t('admin.approvals.allTypes')}
                value={type()}
              />
            </form>
          </Show>
          <ListTable
            list={list}
            noun={t('admin.approvals.noun')}
            emptyText={view() === 'mine' ? t('admin.approvals.mineEmpty') : t('admin.approvals.allEmpty')}
            testId="approvals-table"
            caption={view() === 'mine' ? t('admin.approvals.mineCaption') : t('admin.approvals.allCaption')}
            head={
              <>
                <th scope="col">{t('admin.approvals.colRequest')}</th>
                <th scope="col">{t('admin.approvals.colParty')}</th>
                <th scope="col">{t('admin.approvals.colType')}</th>
                <th scope="col">{t('admin.approvals.colAmount')}</th>
                <th scope="col">{t('admin.approvals.colLevel')}</th>
                <th scope="col">{t('list.status')}</th>
                <th scope="col">{t('admin.workQueue.colWaiting')}</th>
                <Show when={view() === 'mine'}>
                  <th scope="col">{t('admin.approvals.yourDecision')}</th>
                </Show>
              </>
            }
          >
            {(r) => (
              <tr
                data-testid="approval-row"
                data-id={r.id}
                data-type={r.type}
                data-can-decide={r.canDecide ? String(r.canDecide.allowed) : undefined}
              >
                <th scope="row" class="wrap">
                  <A href={`/approvals/${r.id}`} data-testid="approval-link">
                    {requestTitle(r)}
                  </A>
                </th>
                <td class="wrap" data-label={t('admin.approvals.colParty')}>
                  {r.partyName}
                </td>
                <td data-label={t('admin.approvals.colType')}>{typeLabel(r.type)}</td>
                <td data-label={t('admin.approvals.colAmount')} class="numeric">
                  <Money minor={r.amountMinor} currency={r.currency} />
                </td>
                <td data-label={t('admin.approvals.colLevel')} data-testid="approval-level">
                  {t('admin.approvals.levelOf', { level: r.currentLevel, levels: r.levels })}
                </td>
                <td data-label={t('list.status')}>
                  <Badge status={r.status} testId="approval-status" />
                </td>
                <td data-label={t('admin.workQueue.colWaiting')}>
                  <Show when={r.status === 'pending' || r.status === 'changes-requested'} fallback="—">
                    <time
                      datetime={r.waitingSince}
                      title={t('admin.approvals.waitingFor', { wait: waitWords(r.waitingSince) })}
                    >
                      <span aria-hidden="true">{formatWait(r.waitingSince)}</span>
                      <span class="visually-hidden">{waitWords(r.waitingSince)}</span>
                    </time>
                  </Show>
                </td>
                <Show when={r.canDecide}>
                  {(can) => (
                    <td data-label={t('admin.approvals.yourDecision')} class="wrap" data-testid="approval-yours">
                      <Show
                        when={can().allowed}
                        fallback={
                          <span class="muted approval-why">
                            {t('admin.approvals.notNow')} <span>{wordWhy(can(), '')}</span>
                          </span>
                        }
                      >
                        <span class="approval-yours">{t('admin.approvals.canDecideNow')}</span>
                      </Show>
                    </td>
                  )}
                </Show>
              </tr>
            )}
          </ListTable>
        </div>
      </Show>
      <Show when={creating()}>
        <NewRequestDialog
          onClose={() => {
            setCreating(false);
            newButton?.focus();
          }}
          onCreated={(id) => navigate(`/approvals/${id}`)}
        />
      </Show>
    </section>
  );
}

type Customer = Awaited<ReturnType<typeof trpc.parties.list.query>>['items'][number];
type Exposure = Awaited<ReturnType<typeof trpc.parties.creditExposure.query>>;

/** Amounts per currency as one line: '1,200.00 EUR (2 orders) · 45.00 USD (1 order)'; 'None' when none. */
function PerCurrency(props: {
  rows: Exposure['openInvoices'];
  /** A plural message with {count}: '{count, plural, one {# order} other {# orders}}'. */
  noun: AdminKey;
  testId: string;
}) {
  return (
    <dd data-testid={props.testId}>
      <Show when={props.rows.length > 0} fallback={<span class="muted">{t('admin.approvals.none')}</span>}>
        <For each={props.rows}>
          {(row, i) => (
            <>
              {i() > 0 ? ' · ' : ''}
              <Money minor={row.amountMinor} currency={row.currency} />
              <span class="muted"> ({t(props.noun, { count: row.count })})</span>
            </>
          )}
        </For>
      </Show>
    </dd>
  );
}

/**
 * What the request is measured against, from the server (parties.creditExposure): the customer's limit in
 * force, its open invoice balance and its open orders not yet invoiced.
 */
function CreditExposure(props: { customer: Customer }) {
  const [exposure] = createResource(
    () => props.customer.id,
    (partyId) => guard(trpc.parties.creditExposure.query({ partyId })),
  );
  return (
    <section
      aria-label={t('admin.approvals.creditPosition', { name: props.customer.name })}
      aria-live="polite"
      data-testid="credit-exposure"
    >
      <Show
        when={!exposure.error}
        fallback={<FormError id="credit-exposure-error" message={errorMessage(exposure.error)} />}
      >
        <Show when={exposure()} fallback={<p class="hint">{t('admin.approvals.creditLoading')}</p>}>
          {(e) => (
            <dl class="summary">
              <div>
                <dt>{t('admin.approvals.creditLimitNow')}</dt>
                <dd data-testid="credit-exposure-limit">
                  <Show when={e().creditLimit} fallback={<span class="muted">{t('admin.approvals.noneSet')}</span>}>
                    {(limit) => <Money minor={limit().amountMinor} currency={limit().currency} />}
                  </Show>
                </dd>
              </div>
              <div>
                <dt>{t('admin.approvals.openInvoices')}</dt>
                <PerCurrency
                  rows={e().openInvoices}
                  noun="admin.approvals.invoiceCount"
                  testId="credit-exposure-invoices"
                />
              </div>
              <div>
                <dt>{t('admin.approvals.openOrders')}</dt>
                <PerCurrency rows={e().openOrders} noun="admin.approvals.orderCount" testId="credit-exposure-orders" />
              </div>
            </dl>
          )}
        </Show>
      </Show>
    </section>
  );
}
type SubmitType = Extract<ApprovalType, 'credit-limit-change' | 'credit-note'>;

/** Staff: a credit-limit change or a credit note for a customer, sent for approval (approvals.submit). */
function NewRequestDialog(props: { onClose: () => void; onCreated: (id: string) => void }) {
  const [type, setType] = createSignal<SubmitType>('credit-limit-change');
  const [customer, setCustomer] = createSignal<Customer | null>(null);
  const [results, setResults] = createSignal<Customer[] | null>(null);
  const [searchError, setSearchError] = createSignal<string | null>(null);
  const [searching, setSearching] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [invalid, setInvalid] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let firstRadio: HTMLInputElement | undefined;
  let seq = 0;

  const search = async (text: string) => {
    const mine = ++seq;
    setSearching(true);
    try {
      const page = await guard(
        trpc.parties.list.query({ kind: 'customer', limit: 10, ...(text.trim() ? { search: text.trim() } : {}) }),
      );
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
  void search('');

  const fail = (message: string, field: string, form: HTMLFormElement) => {
    setError(message);
    setInvalid(field);
    form.querySelector<HTMLElement>(`#new-approval-${field}`)?.focus();
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const picked = customer();
    const currency = text('currency').toUpperCase();
    const amountMinor = parseMajor(text('amount'), currency);
    const reason = text('reason');
    const invoiceNumber = text('invoiceNumber');
    if (!picked) return fail(t('admin.approvals.chooseCustomer'), 'search', form);
    if (!/^[A-Z]{3}$/.test(currency)) return fail(t('admin.approvals.currencyCode'), 'currency', form);
    if (amountMinor === null)
      return fail(
        t('admin.approvals.amountLike', { example: amountExample(currency), decimals: decimalsWord(currency) }),
        'amount',
        form,
      );
    if (reason.length < 3) return fail(t('admin.approvals.sayWhy'), 'reason', form);
    setSubmitting(true);
    setError(null);
    setInvalid(null);
    try {
      const base = { partyId: picked.id, currency, amountMinor, reason };
      const { id } = await guard(
        type() === 'credit-note'
          ? trpc.approvals.submit.mutate({
              type: 'credit-note',
              ...base,
              ...(invoiceNumber ? { invoiceNumber } : {}),
            })
          : trpc.approvals.submit.mutate({ type: 'credit-limit-change', ...base }),
      );
      props.onCreated(id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  const described = (field: string) => (invalid() === field ? 'new-approval-error' : undefined);

  return (
    <ModalDialog
      id="new-approval"
      title={t('admin.approvals.newTitle')}
      testId="new-approval-dialog"
      wide
      initialFocus={() => firstRadio}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e)} novalidate>
          <h2 id="new-approval-title">{t('admin.approvals.newTitle')}</h2>
          <p class="hint">{t('admin.approvals.newHint')}</p>
          <FormError id="new-approval-error" message={error()} />
          <fieldset class="checkboxes">
            <legend>{t('admin.approvals.colRequest')}</legend>
            <label class="checkbox">
              <input
                type="radio"
                name="type"
                value="credit-limit-change"
                checked={type() === 'credit-limit-change'}
                onChange={() => setType('credit-limit-change')}
                ref={firstRadio}
              />
              {typeLabel('credit-limit-change')}
            </label>
            <label class="checkbox">
              <input
                type="radio"
                name="type"
                value="credit-note"
                checked={type() === 'credit-note'}
                onChange={() => setType('credit-note')}
                data-testid="new-approval-type-credit-note"
              />
              {typeLabel('credit-note')}
            </label>
          </fieldset>
          <div class="field">
            <label for="new-approval-search">{t('col.customer')}</label>
            <input
              id="new-approval-search"
              type="search"
              autocomplete="off"
              placeholder={t('admin.accounts.search')}
              aria-controls="new-approval-results"
              aria-describedby={described('search') ?? 'new-approval-customer'}
              aria-invalid={invalid() === 'search' ? 'true' : undefined}
              onInput={(e) => searchSoon(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void search(e.currentTarget.value);
                }
              }}
            />
            <p class="hint" id="new-approval-customer" data-testid="new-approval-customer">
              {customer()
                ? t('admin.approvals.chosen', { name: customer()?.name ?? '' })
                : t('admin.approvals.searchHint')}
            </p>
          </div>
          <FormError id="new-approval-search-error" message={searchError()} />
          <div id="new-approval-results" aria-live="polite" aria-busy={searching()}>
            <Show when={results()}>
              {(list) => (
                <Show when={list().length > 0} fallback={<p class="list-message">{t('admin.approvals.noCustomer')}</p>}>
                  <ul class="party-results" data-testid="new-approval-results">
                    <For each={list()}>
                      {(party) => (
                        <li>
                          <button
                            type="button"
                            class="party-result"
                            data-testid="new-approval-customer-option"
                            data-party-id={party.id}
                            aria-pressed={customer()?.id === party.id}
                            onClick={() => {
                              setCustomer(party);
                              if (invalid() === 'search') {
                                setError(null);
                                setInvalid(null);
                              }
                            }}
                          >
                            {party.name}
                            <Show when={party.erpRef}>{(ref) => <span class="muted mono"> {ref()}</span>}</Show>
                          </button>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              )}
            </Show>
          </div>
          <Show when={customer()}>{(picked) => <CreditExposure customer={picked()} />}</Show>
          <div class="approval-amount-fields">
            <div class="field">
              <label for="new-approval-currency">{t('admin.approvals.currency')}</label>
              <input
                id="new-approval-currency"
                name="currency"
                type="text"
                class="mono"
                value="EUR"
                maxlength={3}
                autocomplete="off"
                aria-invalid={invalid() === 'currency' ? 'true' : undefined}
                aria-describedby={described('currency')}
              />
            </div>
            <div class="field field-grow">
              <label for="new-approval-amount">
                {type() === 'credit-note' ? t('admin.approvals.colAmount') : t('admin.approvals.newLimit')}
              </label>
              <input
                id="new-approval-amount"
                name="amount"
                type="text"
                inputmode="decimal"
                autocomplete="off"
                placeholder={amountExample('EUR')}
                aria-invalid={invalid() === 'amount' ? 'true' : undefined}
                aria-describedby={described('amount') ?? 'new-approval-amount-hint'}
              />
              <p class="hint" id="new-approval-amount-hint">
                {t('admin.approvals.amountHint', { example: amountExample('EUR') })}
              </p>
            </div>
          </div>
          <Show when={type() === 'credit-note'}>
            <div class="field">
              <label for="new-approval-invoiceNumber">
                {t('admin.approvals.invoiceNumber')}
                <span class="muted"> {t('common.optional')}</span>
              </label>
              <input
                id="new-approval-invoiceNumber"
                name="invoiceNumber"
                type="text"
                maxlength={60}
                autocomplete="off"
              />
            </div>
          </Show>
          <div class="field">
            <label for="new-approval-reason">{t('admin.workQueue.colReason')}</label>
            <textarea
              id="new-approval-reason"
              name="reason"
              class="textarea"
              rows={3}
              maxlength={2000}
              required
              aria-invalid={invalid() === 'reason' ? 'true' : undefined}
              aria-describedby={described('reason')}
            />
          </div>
          <div class="button-row">
            <button
              type="submit"
              class="button button-primary"
              data-testid="new-approval-submit"
              disabled={submitting()}
              aria-busy={submitting()}
            >
              {t('admin.approvals.send')}
            </button>
            <button type="button" class="button" onClick={close}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
