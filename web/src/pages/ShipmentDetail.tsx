import { A, useParams } from '@solidjs/router';
import { createResource, For, Match, Switch } from 'solid-js';
import { guard } from '../auth.ts';
import { ErrorPanel, listHref, NoValue, usePageTitle } from '../data.tsx';
import { errorCode, errorMessage } from '../errors.ts';
import { formatDate, formatQuantity } from '../format.ts';
import { trpc } from '../trpc.ts';
import { ShipmentStatus } from './Shipments.tsx';

export default function ShipmentDetail() {
  const params = useParams();
  const [shipment, { refetch }] = createResource(
    () => params.id,
    (id) => guard(trpc.shipments.get.query({ id })),
  );
  const ready = () => (shipment.state === 'ready' || shipment.state === 'refreshing' ? shipment() : undefined);
  // An id that is not even well-formed is as absent as one of another party.
  const notFound = () =>
    shipment.state === 'errored' && ['NOT_FOUND', 'BAD_REQUEST'].includes(errorCode(shipment.error) ?? '');
  usePageTitle(() => {
    const s = ready();
    return s ? `Shipment ${s.number}` : 'Shipment';
  });

  return (
    <section aria-labelledby="shipment-title" class="detail">
      <p class="back">
        <A href={listHref('/shipments')}>← Back to shipments</A>
      </p>
      <Switch>
        <Match when={shipment.state === 'pending' || shipment.state === 'unresolved'}>
          <h1 id="shipment-title">Shipment</h1>
          <p class="list-message" role="status">
            Loading the shipment…
          </p>
        </Match>
        <Match when={notFound()}>
          <h1 id="shipment-title">Shipment not found</h1>
          <p role="alert" class="form-error" data-testid="shipment-not-found">
            That shipment was not found.
          </p>
        </Match>
        <Match when={shipment.state === 'errored'}>
          <h1 id="shipment-title">Shipment</h1>
          <ErrorPanel message={errorMessage(shipment.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={ready()}>
          {(s) => (
            <>
              <div class="detail-header">
                <h1 id="shipment-title" data-testid="shipment-title">
                  Shipment {s().number}
                </h1>
                <ShipmentStatus status={s().status} />
              </div>
              <dl class="summary" data-testid="shipment-summary">
                <div>
                  <dt>Order</dt>
                  <dd>
                    <A href={`/orders/${s().orderId}`} data-testid="shipment-order-link">
                      Order {s().orderNumber}
                    </A>
                  </dd>
                </div>
                <div>
                  <dt>Carrier</dt>
                  <dd data-testid="shipment-carrier">{s().carrier}</dd>
                </div>
                <div>
                  <dt>Tracking reference</dt>
                  <dd class="mono" data-testid="shipment-tracking">
                    {s().trackingRef ?? <NoValue />}
                  </dd>
                </div>
                <div>
                  <dt>Shipped</dt>
                  <dd>
                    <time datetime={s().shippedOn}>{formatDate(s().shippedOn)}</time>
                  </dd>
                </div>
                <div>
                  <dt>Delivered</dt>
                  <dd>
                    {(() => {
                      const on = s().deliveredOn;
                      return on ? <time datetime={on}>{formatDate(on)}</time> : 'Not yet';
                    })()}
                  </dd>
                </div>
              </dl>

              <h2 id="shipment-lines-title">Lines</h2>
              <div class="table-wrap stack">
                <table class="data-table" data-testid="shipment-lines" aria-labelledby="shipment-lines-title">
                  <thead>
                    <tr>
                      <th scope="col" class="num">
                        Order line
                      </th>
                      <th scope="col">SKU</th>
                      <th scope="col">Description</th>
                      <th scope="col" class="num">
                        Quantity
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For
                      each={s().lines}
                      fallback={
                        <tr>
                          <td colSpan={4}>This shipment has no lines.</td>
                        </tr>
                      }
                    >
                      {(line) => (
                        <tr data-testid="shipment-line">
                          <td class="num" data-label="Order line">
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
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
