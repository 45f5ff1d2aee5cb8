import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { LinesTable, TotalRow } from '../components.tsx';
import { DetailPage, StatusBadge } from '../data.tsx';
import { formatDate, formatMinor } from '../format.ts';
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

          <LinesTable
            id="invoice"
            lines={i().lines}
            emptyText="This invoice has no order lines."
            currency={i().currency}
            footer={
              <>
                <TotalRow label="Total" minor={i().totalMinor} currency={i().currency} testId="invoice-total" />
                <TotalRow
                  label="Open balance"
                  minor={i().openMinor}
                  currency={i().currency}
                  testId="invoice-open"
                  classList={{ 'invoice-open-row': true, overdue: i().overdue }}
                />
              </>
            }
          />
        </article>
      )}
    </DetailPage>
  );
}
