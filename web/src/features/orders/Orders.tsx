import { LIMITS, ORDER_SORTS, ORDER_STATUSES } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
import { type MessageKey, t } from '../../i18n.ts';
import { ExportButton } from '../../shared/components.tsx';
import {
  createPagedList,
  crossParty,
  ListTable,
  NoValue,
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

const PAGE_SIZE = 50;

const SORT_LABELS: Record<(typeof ORDER_SORTS)[number], MessageKey> = {
  newest: 'orders.sort.newest',
  oldest: 'orders.sort.oldest',
  'total-desc': 'orders.sort.totalDesc',
  'total-asc': 'orders.sort.totalAsc',
};

/** A 'YYYY-MM-DD' from the URL, or undefined (a hand-edited address is ignored, not sent). */
const dateParam = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export default function Orders() {
  usePageTitle(() => t('nav.orders'));
  const [params, setParams] = useSearchParams();
  // Filters live in the URL, so Back from an order and a reload keep them.
  const status = () => ORDER_STATUSES.find((s) => s === params.status);
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  const from = () => dateParam(params.from);
  const to = () => dateParam(params.to);
  const sort = () => ORDER_SORTS.find((s) => s === params.sort) ?? 'newest';
  // Staff see every customer's orders: each row names its customer, and the list narrows to one.
  const staff = crossParty;
  const partyId = () => (staff() ? uuidParam(params.partyId) : undefined);
  // Dates are calendar dates, so string comparison is date comparison.
  const badRange = () => {
    const f = from();
    const t = to();
    return f !== undefined && t !== undefined && f > t;
  };
  const filters = createMemo(
    () => ({
      status: status(),
      search: search(),
      from: from(),
      to: to(),
      sort: sort(),
      partyId: partyId(),
      badRange: badRange(),
    }),
    undefined,
    {
      equals: (a, b) =>
        a.status === b.status &&
        a.search === b.search &&
        a.from === b.from &&
        a.to === b.to &&
        a.sort === b.sort &&
        a.partyId === b.partyId,
    },
  );
  useRememberedList('/orders');

  const list = createPagedList(filters, (f, cursor) =>
    // An end before the start matches nothing; the form says why instead of asking the server.
    f.badRange
      ? Promise.resolve({ items: [], nextCursor: null })
      : trpc.orders.list.query({
          limit: PAGE_SIZE,
          cursor,
          status: f.status,
          search: f.search || undefined,
          from: f.from,
          to: f.to,
          sort: f.sort,
          partyId: f.partyId,
        }),
  );

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">{t('nav.orders')}</h1>
      <form class="filters" aria-label={t('orders.filter')} onSubmit={(e) => e.preventDefault()}>
        <StatusFilter id="orders-status" statuses={ORDER_STATUSES} value={status()} />
        <SearchField id="orders-search" placeholder={staff() ? t('orders.searchStaff') : t('orders.search')} />
        <Show when={staff()}>
          <PartyFilter
            id="orders-party"
            kind="customer"
            label="Customer"
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
        <div class="field field-date">
          <label for="orders-from">{t('list.from')}</label>
          <input
            id="orders-from"
            name="from"
            type="date"
            value={from() ?? ''}
            max={to()}
            aria-describedby={badRange() ? 'orders-range-error' : undefined}
            onChange={(e) => setParams({ from: e.currentTarget.value || undefined }, { replace: true })}
          />
        </div>
        <div class="field field-date">
          <label for="orders-to">{t('list.to')}</label>
          <input
            id="orders-to"
            name="to"
            type="date"
            value={to() ?? ''}
            min={from()}
            aria-invalid={badRange() ? 'true' : undefined}
            aria-describedby={badRange() ? 'orders-range-error' : undefined}
            onChange={(e) => setParams({ to: e.currentTarget.value || undefined }, { replace: true })}
          />
        </div>
        <div class="field">
          <label for="orders-sort">{t('list.sort')}</label>
          <select
            id="orders-sort"
            name="sort"
            value={sort()}
            onChange={(e) =>
              setParams(
                { sort: e.currentTarget.value === 'newest' ? undefined : e.currentTarget.value },
                { replace: true },
              )
            }
          >
            <For each={ORDER_SORTS}>{(s) => <option value={s}>{t(SORT_LABELS[s])}</option>}</For>
          </select>
        </div>
        <Show when={badRange()}>
          <p
            class="hint field-error filters-error"
            id="orders-range-error"
            role="alert"
            data-testid="orders-range-error"
          >
            {t('list.badRange')}
          </p>
        </Show>
      </form>
      <ExportButton
        list="orders"
        filters={() => {
          const { badRange: _b, ...f } = filters();
          return f;
        }}
        noun={t('orders.noun')}
      />

      <ListTable
        list={list}
        noun={t('orders.noun')}
        emptyText={badRange() ? t('orders.emptyRange') : t('orders.empty')}
        testId="orders-table"
        caption={t('nav.orders')}
        head={
          <>
            <th scope="col">{t('col.number')}</th>
            <Show when={staff()}>
              <th scope="col">{t('col.customer')}</th>
            </Show>
            <th scope="col">{staff() ? t('col.customerReference') : t('col.yourReference')}</th>
            <th scope="col">{t('col.date')}</th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col" class="num">
              {t('col.total')}
            </th>
          </>
        }
      >
        {(order) => (
          <tr data-testid="order-row">
            <th scope="row">
              <A href={`/orders/${order.id}`}>{order.number}</A>
            </th>
            <Show when={staff()}>
              <td data-label={t('col.customer')} data-testid="row-party">
                {order.partyName}
              </td>
            </Show>
            <td data-label={staff() ? t('col.customerReference') : t('col.yourReference')}>
              {order.customerReference ?? <NoValue />}
            </td>
            <td data-label={t('col.date')}>
              <time datetime={order.orderDate}>{formatDate(order.orderDate)}</time>
            </td>
            <td data-label={t('list.status')}>
              <StatusBadge status={order.status} />
            </td>
            <td class="num" data-label={t('col.total')}>
              {formatMinor(order.totalMinor, order.currency)}
            </td>
          </tr>
        )}
      </ListTable>
    </section>
  );
}
