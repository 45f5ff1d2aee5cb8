import { LIMITS, ORDER_STATUSES } from '@gatehouse/contract';
import { A, useLocation, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For } from 'solid-js';
import {
  createPagedList,
  debounce,
  ListStates,
  NoValue,
  rememberListHref,
  StatusBadge,
  StatusFilter,
  usePageTitle,
} from '../data.tsx';
import { formatDate, formatMinor } from '../format.ts';
import { trpc } from '../trpc.ts';

const PAGE_SIZE = 50;

export default function Orders() {
  usePageTitle(() => 'Orders');
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  // Filters live in the URL, so Back from an order and a reload keep them.
  const status = () => ORDER_STATUSES.find((s) => s === params.status);
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  const filters = createMemo(() => ({ status: status(), search: search() }), undefined, {
    equals: (a, b) => a.status === b.status && a.search === b.search,
  });
  createEffect(() => rememberListHref('/orders', location.pathname + location.search));

  const list = createPagedList(filters, (f, cursor) =>
    trpc.orders.list.query({ limit: PAGE_SIZE, cursor, status: f.status, search: f.search || undefined }),
  );

  const [text, setText] = createSignal(typeof params.q === 'string' ? params.q : '');
  const applySearch = debounce((value: string) => setParams({ q: value.trim() || undefined }, { replace: true }), 300);

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <form class="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <StatusFilter
          id="orders-status"
          statuses={ORDER_STATUSES}
          value={status()}
          onChange={(s) => setParams({ status: s }, { replace: true })}
        />
        <div class="field field-grow">
          <label for="orders-search">Search</label>
          <input
            id="orders-search"
            name="search"
            type="search"
            placeholder="Order number or your reference"
            maxlength={LIMITS.searchMax}
            autocomplete="off"
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value);
              applySearch(e.currentTarget.value);
            }}
          />
        </div>
      </form>

      <ListStates list={list} noun="orders" emptyText="No orders match.">
        <div class="table-wrap stack">
          <table class="data-table" data-testid="orders-table" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">Orders</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Your reference</th>
                <th scope="col">Date</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(order) => (
                  <tr data-testid="order-row">
                    <th scope="row">
                      <A href={`/orders/${order.id}`}>{order.number}</A>
                    </th>
                    <td data-label="Your reference">{order.customerReference ?? <NoValue />}</td>
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
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </section>
  );
}
