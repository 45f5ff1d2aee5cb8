import { Show } from 'solid-js';
import { LinesTable, TotalRow } from '../components.tsx';
import { DetailPage, NoValue, StatusBadge } from '../data.tsx';
import { DownloadButton } from '../download-button.tsx';
import { formatDate, formatMinor } from '../format.ts';
import { trpc } from '../trpc.ts';
import { OrderShipments } from './Shipments.tsx';

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
        </>
      )}
    </DetailPage>
  );
}
