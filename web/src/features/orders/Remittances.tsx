import { MoneyError, minorToDecimal, toMinor } from '@gatehouse/contract';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { createPagedList, ErrorPanel, ListTable, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import {
  decimalInput,
  formatDate,
  formatDateTime,
  formatMinor,
  parseDecimalInput,
  todayIso,
} from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';
import { kindLabel } from './invoice-badges.tsx';

/**
 * Remittance advice: the customer says which open invoices and credit notes one payment settles. Nothing
 * is paid here; the ERP is told, and each item shows "Payment advised" until the payment is booked.
 */
export default function Remittances() {
  usePageTitle(() => t('remit.title'));
  const [params] = useSearchParams();
  const list = createPagedList(
    () => ({}),
    (_f, cursor) => trpc.remittances.list.query({ limit: 50, cursor }),
  );
  return (
    <section aria-labelledby="remittances-title">
      <div class="detail-header">
        <h1 id="remittances-title">{t('remit.title')}</h1>
        <A href="/remittances/new" class="button button-primary" data-testid="remittance-new">
          {t('remit.new')}
        </A>
      </div>
      <Show when={typeof params.sent === 'string' ? params.sent : undefined}>
        {(ref) => (
          <p class="notice" role="status" data-testid="remittance-sent">
            {t('remit.sent', { reference: ref() })}
          </p>
        )}
      </Show>
      <p class="hint">{t('remit.intro')}</p>
      <ListTable
        list={list}
        noun={t('remit.noun')}
        emptyText={t('remit.empty')}
        testId="remittances-table"
        caption={t('remit.caption')}
        head={
          <>
            <th scope="col">{t('remit.reference')}</th>
            <th scope="col">{t('remit.paidOn')}</th>
            <th scope="col">{t('remit.items')}</th>
            <th scope="col" class="num">
              {t('col.total')}
            </th>
            <th scope="col">{t('sn.sent')}</th>
          </>
        }
      >
        {(r) => (
          <tr data-testid="remittance-row">
            <th scope="row" class="wrap">
              {r.reference}
            </th>
            <td data-label={t('remit.paidOn')}>
              <time datetime={r.paymentDate}>{formatDate(r.paymentDate)}</time>
            </td>
            <td class="wrap" data-label={t('remit.items')}>
              <For each={r.lines}>
                {(l, i) => (
                  <>
                    {i() > 0 ? ', ' : ''}
                    <A href={`/invoices/${l.invoiceId}`}>{l.number}</A> ({formatMinor(l.amountMinor, r.currency)})
                  </>
                )}
              </For>
              <Show when={r.pendingCount > 0}>
                <div class="hint">{t('remit.pending', { count: r.pendingCount })}</div>
              </Show>
            </td>
            <td class="num" data-label={t('col.total')}>
              {formatMinor(r.totalMinor, r.currency)}
            </td>
            <td data-label={t('sn.sent')}>
              <time datetime={r.submittedAt}>{formatDateTime(r.submittedAt)}</time>{' '}
              {t('history.by', { name: r.submittedBy })}
            </td>
          </tr>
        )}
      </ListTable>
    </section>
  );
}

type Item = Awaited<ReturnType<typeof trpc.remittances.openItems.query>>['items'][number];

/** Amount typed in the currency's own units ("1,250.00"), as exact minor units; null when not a number. */
function parseAmount(text: string, currency: string): bigint | null {
  try {
    return toMinor(parseDecimalInput(text), currency);
  } catch (e) {
    if (e instanceof MoneyError) return null;
    throw e;
  }
}

export function RemittanceNew() {
  usePageTitle(() => t('remit.new'));
  const navigate = useNavigate();
  const [open, { refetch }] = createResource(() => trpc.remittances.openItems.query());
  const currencies = createMemo(() => [...new Set((open()?.items ?? []).map((i) => i.currency))].sort());
  const [currency, setCurrency] = createSignal<string | undefined>();
  const shownCurrency = () => currency() ?? currencies()[0];
  const items = createMemo(() => (open()?.items ?? []).filter((i) => i.currency === shownCurrency()));
  /** The amount typed per chosen item (decimal text), by invoice id. */
  const [chosen, setChosen] = createSignal<Record<string, string>>({});
  const [reference, setReference] = createSignal('');
  const [paymentDate, setPaymentDate] = createSignal(todayIso());
  const [total, setTotal] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [sending, setSending] = createSignal(false);

  const toggle = (item: Item, on: boolean) => {
    const next = { ...chosen() };
    if (on) next[item.id] = decimalInput(minorToDecimal(BigInt(item.availableMinor), item.currency));
    else delete next[item.id];
    setChosen(next);
  };
  const sum = createMemo(() => {
    const c = shownCurrency();
    if (!c) return null;
    let s = 0n;
    for (const text of Object.values(chosen())) {
      const v = parseAmount(text, c);
      if (v === null) return null;
      s += v;
    }
    return s;
  });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const c = shownCurrency();
    if (!c || sending()) return;
    setError(null);
    const entries = Object.entries(chosen());
    if (entries.length === 0) return setError(t('remit.chooseOne'));
    if (!reference().trim()) return setError(t('remit.giveReference'));
    const stated = parseAmount(total(), c);
    if (stated === null) return setError(t('remit.giveTotal', { example: decimalInput('1250.00') }));
    const allocations: { invoiceId: string; amountMinor: string }[] = [];
    for (const [invoiceId, text] of entries) {
      const v = parseAmount(text, c);
      const item = items().find((i) => i.id === invoiceId);
      if (v === null) return setError(t('remit.notNumber', { number: item?.legalNumber ?? item?.number ?? '' }));
      allocations.push({ invoiceId, amountMinor: v.toString() });
    }
    setSending(true);
    try {
      await trpc.remittances.create.mutate({
        reference: reference().trim(),
        paymentDate: paymentDate(),
        currency: c,
        totalMinor: stated.toString(),
        allocations,
      });
      navigate(`/remittances?sent=${encodeURIComponent(reference().trim())}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <section aria-labelledby="remittance-new-title">
      <p class="back">
        <A href="/remittances">{t('remit.back')}</A>
      </p>
      <h1 id="remittance-new-title">{t('remit.new')}</h1>
      <p class="hint">{t('remit.newIntro')}</p>
      <Show when={!open.error} fallback={<ErrorPanel message={errorMessage(open.error)} onRetry={refetch} />}>
        <Show when={open()} fallback={<p class="muted">{t('remit.loading')}</p>}>
          {(o) => (
            <Show
              when={o().items.length > 0}
              fallback={<p data-testid="remittance-nothing-open">{t('remit.nothingOpen')}</p>}
            >
              <form class="form" onSubmit={(e) => void submit(e)} novalidate aria-describedby="remittance-error">
                <FormError id="remittance-error" message={error()} />
                <Show when={currencies().length > 1}>
                  <div class="field">
                    <label for="remittance-currency">{t('remit.currency')}</label>
                    <select
                      id="remittance-currency"
                      value={shownCurrency()}
                      onChange={(e) => {
                        setCurrency(e.currentTarget.value);
                        setChosen({});
                      }}
                    >
                      <For each={currencies()}>{(c) => <option value={c}>{c}</option>}</For>
                    </select>
                  </div>
                </Show>
                <div class="table-wrap">
                  <table class="data-table" data-testid="remittance-items">
                    <caption class="visually-hidden">{t('remit.openCaption')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('remit.pay')}</th>
                        <th scope="col">{t('col.number')}</th>
                        <th scope="col">{t('remit.due')}</th>
                        <th scope="col" class="num">
                          {t('col.open')}
                        </th>
                        <th scope="col" class="num">
                          {t('lines.amount')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={items()}>
                        {(item) => {
                          const id = `pay-${item.id}`;
                          const on = () => item.id in chosen();
                          return (
                            <tr data-testid="remittance-item">
                              <td data-label={t('remit.pay')}>
                                <input
                                  type="checkbox"
                                  id={id}
                                  data-testid="remittance-item-pay"
                                  checked={on()}
                                  disabled={item.availableMinor === '0'}
                                  onChange={(e) => toggle(item, e.currentTarget.checked)}
                                />
                              </td>
                              <th scope="row">
                                <label for={id}>
                                  {kindLabel(item.kind)} {item.legalNumber ?? item.number}
                                </label>
                              </th>
                              <td data-label={t('remit.due')}>
                                <time datetime={item.dueDate}>{formatDate(item.dueDate)}</time>
                              </td>
                              <td class="num" data-label={t('col.open')}>
                                {formatMinor(item.openMinor, item.currency)}
                                <Show when={item.availableMinor !== item.openMinor}>
                                  <div class="hint">
                                    {t('remit.notAdvised', { amount: formatMinor(item.availableMinor, item.currency) })}
                                  </div>
                                </Show>
                              </td>
                              <td class="num" data-label={t('lines.amount')}>
                                <input
                                  type="text"
                                  inputmode="decimal"
                                  class="remittance-amount"
                                  aria-label={t('remit.amountFor', { number: item.legalNumber ?? item.number })}
                                  data-testid="remittance-item-amount"
                                  disabled={!on()}
                                  value={chosen()[item.id] ?? ''}
                                  onInput={(e) => setChosen({ ...chosen(), [item.id]: e.currentTarget.value })}
                                />
                              </td>
                            </tr>
                          );
                        }}
                      </For>
                    </tbody>
                  </table>
                </div>
                <Show when={o().truncated}>
                  <p class="hint">{t('remit.truncated', { count: 200 })}</p>
                </Show>
                <p class="remittance-total" data-testid="remittance-sum" aria-live="polite">
                  {t('remit.sum', { amount: sum() === null ? '—' : formatMinor(sum() ?? 0n, shownCurrency() ?? '') })}
                </p>
                <div class="field">
                  <label for="remittance-total">{t('remit.total', { currency: shownCurrency() ?? '' })}</label>
                  <input
                    id="remittance-total"
                    type="text"
                    inputmode="decimal"
                    data-testid="remittance-total"
                    value={total()}
                    onInput={(e) => setTotal(e.currentTarget.value)}
                  />
                </div>
                <div class="field">
                  <label for="remittance-reference">{t('remit.paymentReference')}</label>
                  <input
                    id="remittance-reference"
                    type="text"
                    maxlength={140}
                    data-testid="remittance-reference"
                    value={reference()}
                    onInput={(e) => setReference(e.currentTarget.value)}
                  />
                </div>
                <div class="field">
                  <label for="remittance-date">{t('remit.paymentDate')}</label>
                  <input
                    id="remittance-date"
                    type="date"
                    data-testid="remittance-date"
                    value={paymentDate()}
                    onInput={(e) => setPaymentDate(e.currentTarget.value)}
                  />
                </div>
                <div class="button-row">
                  <button
                    type="submit"
                    class="button button-primary"
                    data-testid="remittance-submit"
                    disabled={sending()}
                    aria-busy={sending()}
                  >
                    {t('remit.send')}
                  </button>
                </div>
              </form>
            </Show>
          )}
        </Show>
      </Show>
    </section>
  );
}
