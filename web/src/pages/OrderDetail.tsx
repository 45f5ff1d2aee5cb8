import { A, useParams } from '@solidjs/router';
import { createResource, For, Match, Switch } from 'solid-js';
import { guard } from '../auth.ts';
import { ErrorPanel, listHref, NoValue, StatusBadge, usePageTitle } from '../data.tsx';
import { errorCode, errorMessage } from '../errors.ts';
import { formatDate, formatMinor, formatQuantity } from '../format.ts';
import { trpc } from '../trpc.ts';
import { OrderShipments } from './Shipments.tsx';

export default function OrderDetail() {
  const params = useParams();
  const [order, { refetch }] = createResource(
    () => params.id,
    (id) => guard(trpc.orders.get.query({ id })),
  );
  const ready = () => (order.state === 'ready' || order.state === 'refreshing' ? order() : undefined);
  // An id that is not even well-formed is as absent as one of another party.
  const notFound = () =>
    order.state === 'errored' && ['NOT_FOUND', 'BAD_REQUEST'].includes(errorCode(order.error) ?? '');
  usePageTitle(() => {
    const o = ready();
    return o ? `Order ${o.number}` : 'Order';
  });

  return (
    <section aria-labelledby="order-title" class="detail">
      <p class="back">
        <A href={listHref('/orders')}>← Back to orders</A>
      </p>
      <Switch>
        <Match when={order.state === 'pending' || order.state === 'unresolved'}>
          <h1 id="order-title">Order</h1>
          <p class="list-message" role="status">
            Loading the order…
          </p>
        </Match>
        <Match when={notFound()}>
          <h1 id="order-title">Order not found</h1>
          <p role="alert" class="form-error" data-testid="order-not-found">
            That order was not found.
          </p>
        </Match>
        <Match when={order.state === 'errored'}>
          <h1 id="order-title">Order</h1>
          <ErrorPanel message={errorMessage(order.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={ready()}>
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
        </Match>
      </Switch>
    </section>
  );
}
