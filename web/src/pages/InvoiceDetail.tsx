import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { DetailPage, StatusBadge } from '../data.tsx';
import { formatDate, formatMinor, formatQuantity } from '../format.ts';
import { trpc } from '../trpc.ts';
import { OverdueBadge } from './Invoices.tsx';

/**
 * One invoice as a printable document: who it bills, its dates, its order's lines, the total and what is
 * still open. Print (and the browser's own print) hides the navigation and the buttons.
 */
export default function InvoiceDetail() {
  return (
    <DetailPage
      id="invoice"
      noun="Invoice"
      back={{ href: '/invoices', label: 'Back to invoices' }}
      fetch={(id) => trpc.invoices.get.query({ id })}
      pageTitle={(i) => `Invoice ${i.number}`}
    >
      {(i) => (
        <article class="invoice-document" data-testid="invoice-document">
          <div class="detail-header invoice-header">
            <h1 id="invoice-title" data-testid="invoice-title">
              Invoice {i().number}
            </h1>
            <span class="badges">
              <StatusBadge status={i().status} />
              <Show when={i().overdue}>
                <OverdueBadge />
              </Show>
            </span>
            <button
              type="button"
              class="button invoice-print"
              data-testid="invoice-print"
              onClick={() => window.print()}
            >
              Print
            </button>
          </div>

          <Show when={i().overdue}>
            <p class="notice invoice-overdue-notice" role="note" data-testid="invoice-overdue-notice">
              <strong>Overdue:</strong> {formatMinor(i().openMinor, i().currency)} was due on{' '}
              <time datetime={i().dueDate}>{formatDate(i().dueDate)}</time>.
            </p>
          </Show>

          <dl class="summary invoice-summary" data-testid="invoice-summary">
            <div>
              <dt>Bill to</dt>
              <dd data-testid="invoice-bill-to">{i().billTo.name}</dd>
            </div>
            <div>
              <dt>Issue date</dt>
              <dd>
                <time datetime={i().issueDate}>{formatDate(i().issueDate)}</time>
              </dd>
            </div>
            <div>
              <dt>Due date</dt>
              <dd data-testid="invoice-due">
                <time datetime={i().dueDate}>{formatDate(i().dueDate)}</time>
              </dd>
            </div>
            <Show when={i().orderId && i().orderNumber}>
              <div>
                <dt>Order</dt>
                <dd>
                  <A href={`/orders/${i().orderId}`} data-testid="invoice-order-link">
                    {i().orderNumber}
                  </A>
                </dd>
              </div>
            </Show>
          </dl>

          <h2 id="invoice-lines-title">Lines</h2>
          <div class="table-wrap stack">
            <table class="data-table" data-testid="invoice-lines" aria-labelledby="invoice-lines-title">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Line
                  </th>
                  <th scope="col">SKU</th>
                  <th scope="col">Description</th>
                  <th scope="col" class="num">
                    Quantity
                  </th>
                  <th scope="col" class="num">
                    Unit price
                  </th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                <For
                  each={i().lines}
                  fallback={
                    <tr>
                      <td colSpan={6}>This invoice has no order lines.</td>
                    </tr>
                  }
                >
                  {(line) => (
                    <tr data-testid="invoice-line">
                      <td class="num" data-label="Line">
                        {line.lineNo}
                      </td>
                      <td class="mono" data-label="SKU">
                        {line.sku}
                      </td>
                      <td class="wrap" data-label="Description">
                        {line.description}
                      </td>
                      <td class="num" data-label="Quantity">
                        {formatQuantity(line.quantity)}
                      </td>
                      <td class="num" data-label="Unit price">
                        {formatMinor(line.unitPriceMinor, i().currency)}
                      </td>
                      <td class="num" data-label="Amount">
                        {formatMinor(line.amountMinor, i().currency)}
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={5} class="num">
                    Total
                  </th>
                  <td class="num" data-testid="invoice-total">
                    {formatMinor(i().totalMinor, i().currency)}
                  </td>
                </tr>
                <tr classList={{ 'invoice-open-row': true, overdue: i().overdue }}>
                  <th scope="row" colSpan={5} class="num">
                    Open balance
                  </th>
                  <td class="num" data-testid="invoice-open">
                    {formatMinor(i().openMinor, i().currency)}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        </article>
      )}
    </DetailPage>
  );
}
