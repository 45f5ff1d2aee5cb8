import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { LinesTable, TotalRow } from '../../shared/components.tsx';
import { DetailPage, NoValue, StatusBadge } from '../../shared/data.tsx';
import { DownloadButton } from '../../shared/download-button.tsx';
import { formatDate, formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { CreditNoteBadge } from './invoice-badges.tsx';
import { OrderShipments } from './shipment-pieces.tsx';

export default function OrderDetail() {
  return (
    <DetailPage
      id="order"
      noun="Order"
      back={{ href: '/orders', label: 'Back to orders' }}
      fetch={(id) => trpc.orders.get.query({ id })}
      pageTitle={(o) => `Order ${o.number}`}
    >
      {(o) => (
        <>
          <div class="detail-header">
            <h1 id="order-title" data-testid="order-title">
              Order {o().number}
            </h1>
            <StatusBadge status={o().status} />
            <DownloadButton
              label="Order confirmation PDF"
              testId="order-pdf"
              fetch={() => trpc.orders.pdf.mutate({ id: o().id })}
            />
          </div>
          <dl class="summary" data-testid="order-summary">
            {/* Staff read every customer's orders: the order says whose it is. */}
            <Show when={o().partyName}>
              {(name) => (
                <div>
                  <dt>Customer</dt>
                  <dd data-testid="detail-party">{name()}</dd>
                </div>
              )}
            </Show>
            <div>
              <dt>Order date</dt>
              <dd>
                <time datetime={o().orderDate}>{formatDate(o().orderDate)}</time>
              </dd>
            </div>
            <div>
              <dt>Your reference</dt>
              <dd>{o().customerReference ?? <NoValue />}</dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd data-testid="order-total">{formatMinor(o().totalMinor, o().currency)}</dd>
            </div>
          </dl>

          <LinesTable
            id="order"
            lines={o().lines}
            emptyText="This order has no lines."
            currency={o().currency}
            footer={
              <>
                {/* Net is known when the ERP sent it: tax and charges are what lies between it and the gross total. */}
                <Show when={o().netMinor}>
                  {(net) => (
                    <>
                      <TotalRow label="Net" minor={net()} currency={o().currency} testId="order-net" />
                      <TotalRow
                        label="Tax and charges"
                        minor={BigInt(o().totalMinor) - BigInt(net())}
                        currency={o().currency}
                        testId="order-tax"
                      />
                    </>
                  )}
                </Show>
                <TotalRow label="Total" minor={o().totalMinor} currency={o().currency} testId="order-lines-total" />
              </>
            }
          />

          <h2 id="order-shipments-title">Shipments</h2>
          <OrderShipments shipments={o().shipments} />

          {/* Invoices are their own permission: a role without it sees no such section. */}
          <Show when={can('invoices:read')}>
            <h2 id="order-invoices-title">Invoices</h2>
            <Show
              when={o().invoices.length > 0}
              fallback={
                <p class="list-message" data-testid="order-no-invoices">
                  Not invoiced yet.
                </p>
              }
            >
              <div class="table-wrap stack">
                <table class="data-table" data-testid="order-invoices" aria-labelledby="order-invoices-title">
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
                    <For each={o().invoices}>
                      {(invoice) => (
                        <tr data-testid="order-invoice">
                          <th scope="row">
                            <A href={`/invoices/${invoice.id}`} data-testid="order-invoice-link">
                              {invoice.legalNumber ?? invoice.number}
                            </A>
                          </th>
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
                            </span>
                          </td>
                          <td class="num" data-label="Total">
                            {formatMinor(invoice.totalMinor, invoice.currency)}
                          </td>
                          <td class="num" data-label="Open">
                            {formatMinor(invoice.openMinor, invoice.currency)}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </Show>
        </>
      )}
    </DetailPage>
  );
}
