import { INVOICE_KINDS, INVOICE_STATUSES } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, Show } from 'solid-js';
import {
  createPagedList,
  crossParty,
  FilterSelect,
  ListTable,
  PartyFilter,
  StatusBadge,
  StatusFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../data.tsx';
import { formatDate, formatMinor } from '../format.ts';
import { trpc } from '../trpc.ts';
import { AdvisedBadge, QueryBadge } from './payables-shared.tsx';

const PAGE_SIZE = 50;

/** "Overdue" on an invoice, in words (colour and the row's tint are second cues). */
export function OverdueBadge() {
  return (
    <span class="badge badge-overdue" data-testid="overdue-badge">
      Overdue
    </span>
  );
}

/** "Credit note" on a credit note, in words; an ordinary invoice carries no badge. */
export function CreditNoteBadge() {
  return (
    <span class="badge badge-credit-note" data-testid="credit-note-badge">
      Credit note
    </span>
  );
}

/** The document's kind in words: 'Invoice' or 'Credit note'. */
export const kindLabel = (kind: (typeof INVOICE_KINDS)[number]) => (kind === 'credit-note' ? 'Credit note' : 'Invoice');

export default function Invoices() {
  usePageTitle(() => 'Invoices');
  const [params, setParams] = useSearchParams();
  const status = () => INVOICE_STATUSES.find((s) => s === params.status);
  const kind = () => INVOICE_KINDS.find((k) => k === params.kind);
  const overdueOnly = () => params.overdue === '1';
  // Staff see every customer's invoices: each row names its customer, and the list narrows to one.
  const staff = crossParty;
  const partyId = () => (staff() ? uuidParam(params.partyId) : undefined);
  const filters = createMemo(
    () => ({ status: status(), kind: kind(), overdue: overdueOnly(), partyId: partyId() }),
    undefined,
    {
      equals: (a, b) =>
        a.status === b.status && a.kind === b.kind && a.overdue === b.overdue && a.partyId === b.partyId,
    },
  );
  useRememberedList('/invoices');

  // Overdue is the server's word (its today), so the list and the invoice page always agree.
  const list = createPagedList(filters, (f, cursor) =>
    trpc.invoices.list.query({
      limit: PAGE_SIZE,
      cursor,
      status: f.status,
      kind: f.kind,
      overdue: f.overdue || undefined,
      partyId: f.partyId,
    }),
  );

  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      <form class="filters" aria-label="Filter invoices" onSubmit={(e) => e.preventDefault()}>
        <StatusFilter id="invoices-status" statuses={INVOICE_STATUSES} value={status()} />
        <FilterSelect
          id="invoices-kind"
          label="Kind"
          param="kind"
          options={INVOICE_KINDS}
          optionLabel={(k) => (k === 'credit-note' ? 'Credit notes' : 'Invoices')}
          allLabel="Invoices and credit notes"
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
          <label for="invoices-overdue">Overdue only</label>
        </div>
        <Show when={staff()}>
          <PartyFilter
            id="invoices-party"
            kind="customer"
            label="Customer"
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
        <Show when={overdueOnly()}>
          <p class="hint filters-note" id="invoices-overdue-hint">
            Longest overdue first.
          </p>
        </Show>
      </form>

      <ListTable
        list={list}
        noun="invoices"
        emptyText={
          overdueOnly()
            ? 'Nothing is overdue.'
            : kind() === 'credit-note'
              ? 'No credit notes match.'
              : 'No invoices match.'
        }
        testId="invoices-table"
        caption="Invoices"
        head={
          <>
            <th scope="col">Number</th>
            <Show when={staff()}>
              <th scope="col">Customer</th>
            </Show>
            <th scope="col">Issue date</th>
            <th scope="col">Due date</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Total
            </th>
            <th scope="col" class="num">
              Open
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
                <td data-label="Customer" data-testid="row-party">
                  {invoice.partyName}
                </td>
              </Show>
              <td data-label="Issue date">
                <time datetime={invoice.issueDate}>{formatDate(invoice.issueDate)}</time>
              </td>
              <td data-label="Due date">
                <time datetime={invoice.dueDate}>{formatDate(invoice.dueDate)}</time>
              </td>
              <td data-label="Status">
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
              <td class="num" data-label="Total">
                {formatMinor(invoice.totalMinor, invoice.currency)}
              </td>
              <td class="num" data-label="Open">
                {formatMinor(invoice.openMinor, invoice.currency)}
              </td>
            </tr>
          );
        }}
      </ListTable>
    </section>
  );
}
