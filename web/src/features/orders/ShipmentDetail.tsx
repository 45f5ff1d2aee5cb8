import { Show } from 'solid-js';
import { LinesTable, OrderLinks } from '../../shared/components.tsx';
import { DetailPage } from '../../shared/data.tsx';
import { DownloadButton } from '../../shared/download-button.tsx';
import { formatDate } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { ShipmentStatus, TrackingRef } from './shipment-pieces.tsx';

export default function ShipmentDetail() {
  return (
    <DetailPage
      id="shipment"
      noun="Shipment"
      back={{ href: '/shipments', label: 'Back to shipments' }}
      fetch={(id) => trpc.shipments.get.query({ id })}
      pageTitle={(s) => `Shipment ${s.number}`}
    >
      {(s) => (
        <>
          <div class="detail-header">
            <h1 id="shipment-title" data-testid="shipment-title">
              Shipment {s().number}
            </h1>
            <ShipmentStatus status={s().status} />
            <DownloadButton
              label="Delivery note PDF"
              testId="shipment-pdf"
              fetch={() => trpc.shipments.pdf.mutate({ id: s().id })}
            />
          </div>
          <dl class="summary" data-testid="shipment-summary">
            <Show when={s().partyName}>
              {(name) => (
                <div>
                  <dt>Customer</dt>
                  <dd data-testid="detail-party">{name()}</dd>
                </div>
              )}
            </Show>
            <div>
              <dt>{s().orders.length > 1 ? 'Orders' : 'Order'}</dt>
              <dd>
                <OrderLinks orders={s().orders} prefix="Order " />
              </dd>
            </div>
            <div>
              <dt>Carrier</dt>
              <dd data-testid="shipment-carrier">{s().carrier}</dd>
            </div>
            <div>
              <dt>Tracking reference</dt>
              <dd class="mono" data-testid="shipment-tracking">
                <TrackingRef carrier={s().carrier} trackingRef={s().trackingRef} />
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

          <LinesTable
            id="shipment"
            lines={s().lines}
            emptyText="This shipment has no lines."
            lineLabel={s().orders.length > 1 ? 'Order / line' : 'Order line'}
          />
        </>
      )}
    </DetailPage>
  );
}
