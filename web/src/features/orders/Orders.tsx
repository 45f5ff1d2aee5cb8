import { LIMITS, ORDER_SORTS, ORDER_STATUSES } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
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

const SORT_LABELS: Record<(typeof ORDER_SORTS)[number], string> = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  'total-desc': 'Highest total first',
  'total-asc': 'Lowest total first',
};

/** A 'YYYY-MM-DD' from the URL, or undefined (a hand-edited address is ignored, not sent). */
const dateParam = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export default function Orders() {
  usePageTitle(() => 'Orders');
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
      <h1 id="orders-title">Orders</h1>
      <form class="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <StatusFilter id="orders-status" statuses={ORDER_STATUSES} value={status()} />
        <SearchField
          id="orders-search"
          placeholder={staff() ? 'Order number or customer reference' : 'Order number or your reference'}
        />
        <Show when={staff()}>
          <PartyFilter
            id="orders-party"
            kind="customer"
            label="Customer"
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
        <div class="field field-date">
          <label for="orders-from">From</label>
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
          <label for="orders-to">To</label>
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
          <label for="orders-sort">Sort</label>
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
            <For each={ORDER_SORTS}>{(s) => <option value={s}>{SORT_LABELS[s]}</option>}</For>
          </select>
        </div>
        <Show when={badRange()}>
          <p
            class="hint field-error filters-error"
            id="orders-range-error"
            role="alert"
            data-testid="orders-range-error"
          >
            The end date must be on or after the start date.
          </p>
        </Show>
      </form>
      <ExportButton
        list="orders"
        filters={() => {
          const { badRange: _b, ...f } = filters();
          return f;
        }}
        noun="orders"
      />

      <ListTable
        list={list}
        noun="orders"
        emptyText={badRange() ? 'No orders in that range.' : 'No orders match.'}
        testId="orders-table"
        caption="Orders"
        head={
          <>
            <th scope="col">Number</th>
            <Show when={staff()}>
              <th scope="col">Customer</th>
            </Show>
            <th scope="col">{staff() ? 'Customer reference' : 'Your reference'}</th>
            <th scope="col">Date</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Total
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
              <td data-label="Customer" data-testid="row-party">
                {order.partyName}
              </td>
            </Show>
            <td data-label={staff() ? 'Customer reference' : 'Your reference'}>
              {order.customerReference ?? <NoValue />}
            </td>
            <td data-label="Date">
              <time datetime={order.orderDate}>{formatDate(order.orderDate)}</time>
            </td>
            <td data-label="Status">
              <StatusBadge status={order.status} />
            </td>
            <td class="num" data-label="Total">
              {formatMinor(order.totalMinor, order.currency)}
            </td>
          </tr>
        )}
      </ListTable>
    </section>
  );
}
