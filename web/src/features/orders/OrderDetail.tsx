import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { t } from '../../i18n.ts';
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
      noun={t('order.noun')}
      back={{ href: '/orders', label: t('order.back') }}
      fetch={(id) => trpc.orders.get.query({ id })}
      pageTitle={(o) => t('order.title', { number: o.number })}
    >
      {(o) => (
        <>
          <div class="detail-header">
            <h1 id="order-title" data-testid="order-title">
              {t('order.title', { number: o().number })}
            </h1>
            <StatusBadge status={o().status} />
            <DownloadButton
              label={t('order.pdf')}
              testId="order-pdf"
              fetch={() => trpc.orders.pdf.mutate({ id: o().id })}
            />
          </div>
          <dl class="summary" data-testid="order-summary">
            {/* Staff read every customer's orders: the order says whose it is. */}
            <Show when={o().partyName}>
              {(name) => (
                <div>
                  <dt>{t('col.customer')}</dt>
                  <dd data-testid="detail-party">{name()}</dd>
                </div>
              )}
            </Show>
            <div>
              <dt>{t('order.date')}</dt>
              <dd>
                <time datetime={o().orderDate}>{formatDate(o().orderDate)}</time>
              </dd>
            </div>
            <div>
              <dt>{t('col.yourReference')}</dt>
              <dd>{o().customerReference ?? <NoValue />}</dd>
            </div>
            <div>
              <dt>{t('col.total')}</dt>
              <dd data-testid="order-total">{formatMinor(o().totalMinor, o().currency)}</dd>
            </div>
          </dl>

          <LinesTable
            id="order"
            lines={o().lines}
            emptyText={t('order.noLines')}
            currency={o().currency}
            footer={
              <>
                {/* Net is known when the ERP sent it: tax and charges are what lies between it and the gross total. */}
                <Show when={o().netMinor}>
                  {(net) => (
                    <>
                      <TotalRow label={t('totals.net')} minor={net()} currency={o().currency} testId="order-net" />
                      <TotalRow
                        label={t('totals.tax')}
                        minor={BigInt(o().totalMinor) - BigInt(net())}
                        currency={o().currency}
                        testId="order-tax"
                      />
                    </>
                  )}
                </Show>
                <TotalRow
                  label={t('col.total')}
                  minor={o().totalMinor}
                  currency={o().currency}
                  testId="order-lines-total"
                />
              </>
            }
          />

          <h2 id="order-shipments-title">{t('nav.shipments')}</h2>
          <OrderShipments shipments={o().shipments} />

          {/* Invoices are their own permission: a role without it sees no such section. */}
          <Show when={can('invoices:read')}>
            <h2 id="order-invoices-title">{t('nav.invoices')}</h2>
            <Show
              when={o().invoices.length > 0}
              fallback={
                <p class="list-message" data-testid="order-no-invoices">
                  {t('order.notInvoiced')}
                </p>
              }
            >
              <div class="table-wrap stack">
                <table class="data-table" data-testid="order-invoices" aria-labelledby="order-invoices-title">
                  <thead>
                    <tr>
                      <th scope="col">{t('col.number')}</th>
                      <th scope="col">{t('col.issueDate')}</th>
                      <th scope="col">{t('col.dueDate')}</th>
                      <th scope="col">{t('list.status')}</th>
                      <th scope="col" class="num">
                        {t('col.total')}
                      </th>
                      <th scope="col" class="num">
                        {t('col.open')}
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
                          <td data-label={t('col.issueDate')}>
                            <time datetime={invoice.issueDate}>{formatDate(invoice.issueDate)}</time>
                          </td>
                          <td data-label={t('col.dueDate')}>
                            <time datetime={invoice.dueDate}>{formatDate(invoice.dueDate)}</time>
                          </td>
                          <td data-label={t('list.status')}>
                            <span class="badges">
                              <Show when={invoice.kind === 'credit-note'}>
                                <CreditNoteBadge />
                              </Show>
                              <StatusBadge status={invoice.status} />
                            </span>
                          </td>
                          <td class="num" data-label={t('col.total')}>
                            {formatMinor(invoice.totalMinor, invoice.currency)}
                          </td>
                          <td class="num" data-label={t('col.open')}>
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
