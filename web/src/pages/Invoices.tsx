import { INVOICE_STATUSES } from '@gatehouse/contract';
import { useLocation, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, For, Show } from 'solid-js';
import { createPagedList, ListStates, rememberListHref, StatusBadge, StatusFilter, usePageTitle } from '../data.tsx';
import { formatDate, formatMinor, todayIso } from '../format.ts';
import { type InvoiceSummary, trpc } from '../trpc.ts';

const PAGE_SIZE = 50;

/** Open and past its due date. Dates are calendar dates, so string comparison is date comparison. */
const isOverdue = (invoice: InvoiceSummary, today: string) => invoice.status === 'open' && invoice.dueDate < today;

export default function Invoices() {
  usePageTitle(() => 'Invoices');
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const status = createMemo(() => INVOICE_STATUSES.find((s) => s === params.status));
  createEffect(() => rememberListHref('/invoices', location.pathname + location.search));

  const list = createPagedList(status, (s, cursor) =>
    trpc.invoices.list.query({ limit: PAGE_SIZE, cursor, status: s }),
  );
  const today = todayIso();

  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      <form class="filters" aria-label="Filter invoices" onSubmit={(e) => e.preventDefault()}>
        <StatusFilter
          id="invoices-status"
          statuses={INVOICE_STATUSES}
          value={status()}
          onChange={(s) => setParams({ status: s }, { replace: true })}
        />
      </form>

      <ListStates list={list} noun="invoices" emptyText="No invoices match.">
        <div class="table-wrap stack">
          <table class="data-table" data-testid="invoices-table" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">Invoices</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Issue date</th>
                <th scope="col">Due date</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Total
                </th>
                <th scope="col" class="num">
                  Open
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(invoice) => {
                  const overdue = isOverdue(invoice, today);
                  return (
                    <tr
                      data-testid="invoice-row"
                      data-overdue={overdue ? 'true' : undefined}
                      class={overdue ? 'overdue' : ''}
                    >
                      <th scope="row">{invoice.number}</th>
                      <td data-label="Issue date">
                        <time datetime={invoice.issueDate}>{formatDate(invoice.issueDate)}</time>
                      </td>
                      <td data-label="Due date">
                        <time datetime={invoice.dueDate}>{formatDate(invoice.dueDate)}</time>
                      </td>
                      <td data-label="Status">
                        <span class="badges">
                          <StatusBadge status={invoice.status} />
                          <Show when={overdue}>
                            <span class="badge badge-overdue" data-testid="overdue-badge">
                              Overdue
                            </span>
                          </Show>
                        </span>
                      </td>
                      <td class="num" data-label="Total">
                        {formatMinor(invoice.totalMinor, invoice.currency)}
                      </td>
                      <td class="num" data-label="Open">
                        {formatMinor(invoice.openMinor, invoice.currency)}
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </section>
  );
}
