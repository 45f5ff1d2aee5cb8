import { For } from 'solid-js';
import { DetailPage, NoValue, StatusBadge } from '../data.tsx';
import { formatDate, formatMinor, formatQuantity } from '../format.ts';
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
          </div>
          <dl class="summary" data-testid="order-summary">
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

          <h2 id="order-lines-title">Lines</h2>
          <div class="table-wrap stack">
            <table class="data-table" data-testid="order-lines" aria-labelledby="order-lines-title">
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
                  each={o().lines}
                  fallback={
                    <tr>
                      <td colSpan={6}>This order has no lines.</td>
                    </tr>
                  }
                >
                  {(line) => (
                    <tr data-testid="order-line">
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
                        {formatMinor(line.unitPriceMinor, o().currency)}
                      </td>
                      <td class="num" data-label="Amount">
                        {formatMinor(line.amountMinor, o().currency)}
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
                  <td class="num">{formatMinor(o().totalMinor, o().currency)}</td>
                </tr>
              </tfoot>
            </table>
          </div>

          <h2 id="order-shipments-title">Shipments</h2>
          <OrderShipments shipments={o().shipments} />
        </>
      )}
    </DetailPage>
  );
}
