import { INVOICE_KINDS, INVOICE_STATUSES, LIMITS } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { ExportButton } from '../../shared/components.tsx';
import {
  createPagedList,
  crossParty,
  FilterSelect,
  ListTable,
  PartyFilter,
  SearchField,
  StatusBadge,
  StatusFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../../shared/data.tsx';
import { formatDate, formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { CreditNoteBadge, OverdueBadge } from './invoice-badges.tsx';
import { AdvisedBadge, QueryBadge } from './payables-shared.tsx';

const PAGE_SIZE = 50;

/** A 'YYYY-MM-DD' from the URL, or undefined (a hand-edited address is ignored, not sent). */
const dateParam = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export default function Invoices() {
  usePageTitle(() => t('nav.invoices'));
  const [params, setParams] = useSearchParams();
  const status = () => INVOICE_STATUSES.find((s) => s === params.status);
  const kind = () => INVOICE_KINDS.find((k) => k === params.kind);
  const overdueOnly = () => params.overdue === '1';
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  const from = () => dateParam(params.from);
  const to = () => dateParam(params.to);
  // Dates are calendar dates, so string comparison is date comparison.
  const badRange = () => {
    const f = from();
    const end = to();
    return f !== undefined && end !== undefined && f > end;
  };
  // Staff see every customer's invoices: each row names its customer, and the list narrows to one.
  const staff = crossParty;
  const partyId = () => (staff() ? uuidParam(params.partyId) : undefined);
  const filters = createMemo(
    () => ({
      status: status(),
      kind: kind(),
      overdue: overdueOnly(),
      search: search(),
      from: from(),
      to: to(),
      partyId: partyId(),
      badRange: badRange(),
    }),
    undefined,
    {
      equals: (a, b) =>
        a.status === b.status &&
        a.kind === b.kind &&
        a.overdue === b.overdue &&
        a.search === b.search &&
        a.from === b.from &&
        a.to === b.to &&
        a.partyId === b.partyId,
    },
  );
  useRememberedList('/invoices');
  /** The filters as the server takes them (list, totals and export alike). */
  const query = () => {
    const f = filters();
    return {
      status: f.status,
      kind: f.kind,
      overdue: f.overdue ? (true as const) : undefined,
      search: f.search || undefined,
      from: f.from,
      to: f.to,
      partyId: f.partyId,
    };
  };

  // Overdue is the server's word (its today), so the list and the invoice page always agree.
  const list = createPagedList(filters, (f, cursor) =>
    // An end before the start matches nothing; the form says why instead of asking the server.
    f.badRange
      ? Promise.resolve({ items: [], nextCursor: null })
      : trpc.invoices.list.query({ limit: PAGE_SIZE, cursor, ...query() }),
  );
  // Totals per currency of every invoice the filters match (not only the rows loaded so far).
  const [totals] = createResource(
    () => (filters().badRange ? null : query()),
    (q) => trpc.invoices.totals.query(q),
  );
  // A refused call (a network no longer allowed, an ended session) is said by the list beside it; reading the
  // failed resource would throw out of the page.
  const shownTotals = () => (totals.error ? undefined : totals());

  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">{t('nav.invoices')}</h1>
      <form class="filters" aria-label={t('invoices.filter')} onSubmit={(e) => e.preventDefault()}>
        <SearchField id="invoices-search" placeholder={t('invoices.search')} />
        <StatusFilter id="invoices-status" statuses={INVOICE_STATUSES} value={status()} />
        <FilterSelect
          id="invoices-kind"
          label={t('invoices.kind')}
          param="kind"
          options={INVOICE_KINDS}
          optionLabel={(k) => (k === 'credit-note' ? t('invoices.creditNotes') : t('nav.invoices'))}
          allLabel={t('invoices.allKinds')}
          value={kind()}
        />
        <div class="checkbox filter-checkbox">
          <input
            type="checkbox"
            id="invoices-overdue"
            name="overdue"
            data-testid="invoices-overdue-only"
            checked={overdueOnly()}
            aria-describedby={overdueOnly() ? 'invoices-overdue-hint' : undefined}
            onChange={(e) => setParams({ overdue: e.currentTarget.checked ? '1' : undefined }, { replace: true })}
          />
          <label for="invoices-overdue">{t('invoices.overdueOnly')}</label>
        </div>
        <Show when={staff()}>
          <PartyFilter
            id="invoices-party"
            kind="customer"
            label={t('col.customer')}
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
        <div class="field field-date">
          <label for="invoices-from">{t('invoices.from')}</label>
          <input
            id="invoices-from"
            name="from"
            type="date"
            value={from() ?? ''}
            max={to()}
            aria-describedby={badRange() ? 'invoices-range-error' : undefined}
            onChange={(e) => setParams({ from: e.currentTarget.value || undefined }, { replace: true })}
          />
        </div>
        <div class="field field-date">
          <label for="invoices-to">{t('invoices.to')}</label>
          <input
            id="invoices-to"
            name="to"
            type="date"
            value={to() ?? ''}
            min={from()}
            aria-invalid={badRange() ? 'true' : undefined}
            aria-describedby={badRange() ? 'invoices-range-error' : undefined}
            onChange={(e) => setParams({ to: e.currentTarget.value || undefined }, { replace: true })}
          />
        </div>
        <Show when={badRange()}>
          <p class="hint field-error filters-error" id="invoices-range-error" role="alert">
            {t('list.badRange')}
          </p>
        </Show>
        <Show when={overdueOnly()}>
          <p class="hint filters-note" id="invoices-overdue-hint">
            {t('invoices.longestFirst')}
          </p>
        </Show>
      </form>

      <Show when={(shownTotals()?.currencies.length ?? 0) > 0}>
        <ul class="invoice-totals" aria-label={t('invoices.totalsLabel')} data-testid="currency-totals">
          <For each={shownTotals()?.currencies}>
            {(c) => (
              <li data-testid="currency-total" data-currency={c.currency}>
                {t('invoices.totalsCount', { count: c.count })} <strong>{formatMinor(c.totalMinor, c.currency)}</strong>
                , {t('invoices.totalsOpen')}{' '}
                <strong data-testid="currency-total-open">{formatMinor(c.openMinor, c.currency)}</strong>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ExportButton list="invoices" filters={query} noun={t('invoices.noun')} />

      <ListTable
        list={list}
        noun={t('invoices.noun')}
        emptyText={
          overdueOnly()
            ? t('invoices.nothingOverdue')
            : kind() === 'credit-note'
              ? t('invoices.noCreditNotes')
              : t('invoices.empty')
        }
        testId="invoices-table"
        caption={t('nav.invoices')}
        head={
          <>
            <th scope="col">{t('col.number')}</th>
            <Show when={staff()}>
              <th scope="col">{t('col.customer')}</th>
            </Show>
            <th scope="col">{t('col.issueDate')}</th>
            <th scope="col">{t('col.dueDate')}</th>
            <th scope="col" class="num">
              {t('invoices.daysOverdue')}
            </th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col" class="num">
              {t('col.total')}
            </th>
            <th scope="col" class="num">
              {t('col.open')}
            </th>
          </>
        }
      >
        {(invoice) => {
          const overdue = invoice.overdue;
          return (
            <tr data-testid="invoice-row" data-overdue={overdue ? 'true' : undefined} class={overdue ? 'overdue' : ''}>
              <th scope="row">
                {/* The legal (printed) number when there is one: what the customer's own books hold. */}
                <A href={`/invoices/${invoice.id}`} data-testid="invoice-link">
                  {invoice.legalNumber ?? invoice.number}
                </A>
                <Show when={invoice.legalNumber}>
                  <div class="hint mono">{invoice.number}</div>
                </Show>
              </th>
              <Show when={staff()}>
                <td data-label={t('col.customer')} data-testid="row-party">
                  {invoice.partyName}
                </td>
              </Show>
              <td data-label={t('col.issueDate')}>
                <time datetime={invoice.issueDate}>{formatDate(invoice.issueDate)}</time>
              </td>
              <td data-label={t('col.dueDate')}>
                <time datetime={invoice.dueDate}>{formatDate(invoice.dueDate)}</time>
              </td>
              <td class="num" data-label={t('invoices.daysOverdue')} data-testid="days-overdue">
                {invoice.daysOverdue ?? ''}
              </td>
              <td data-label={t('list.status')}>
                <span class="badges">
                  <Show when={invoice.kind === 'credit-note'}>
                    <CreditNoteBadge />
                  </Show>
                  <StatusBadge status={invoice.status} />
                  <Show when={overdue}>
                    <OverdueBadge />
                  </Show>
                  <Show when={invoice.openQueries > 0}>
                    <QueryBadge count={invoice.openQueries} />
                  </Show>
                  <Show when={invoice.paymentAdvised}>
                    <AdvisedBadge />
                  </Show>
                </span>
              </td>
              <td class="num" data-label={t('col.total')} data-testid="invoice-total-cell">
                {formatMinor(invoice.totalMinor, invoice.currency)}
              </td>
              <td class="num" data-label={t('col.open')} data-testid="invoice-open-cell">
                {formatMinor(invoice.openMinor, invoice.currency)}
              </td>
            </tr>
          );
        }}
      </ListTable>
    </section>
  );
}
