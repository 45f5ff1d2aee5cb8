import { Show } from 'solid-js';
import { t } from '../../i18n.ts';
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
      noun={t('shipment.noun')}
      back={{ href: '/shipments', label: t('shipment.back') }}
      fetch={(id) => trpc.shipments.get.query({ id })}
      pageTitle={(s) => t('shipment.title', { number: s.number })}
    >
      {(s) => (
        <>
          <div class="detail-header">
            <h1 id="shipment-title" data-testid="shipment-title">
              {t('shipment.title', { number: s().number })}
            </h1>
            <ShipmentStatus status={s().status} />
            <DownloadButton
              label={t('shipment.pdf')}
              testId="shipment-pdf"
              fetch={() => trpc.shipments.pdf.mutate({ id: s().id })}
            />
          </div>
          <dl class="summary" data-testid="shipment-summary">
            <Show when={s().partyName}>
              {(name) => (
                <div>
                  <dt>{t('col.customer')}</dt>
                  <dd data-testid="detail-party">{name()}</dd>
                </div>
              )}
            </Show>
            <div>
              <dt>{s().orders.length > 1 ? t('nav.orders') : t('col.order')}</dt>
              <dd>
                <OrderLinks orders={s().orders} prefix={`${t('col.order')} `} />
              </dd>
            </div>
            <div>
              <dt>{t('col.carrier')}</dt>
              <dd data-testid="shipment-carrier">{s().carrier}</dd>
            </div>
            <div>
              <dt>{t('col.trackingRef')}</dt>
              <dd class="mono" data-testid="shipment-tracking">
                <TrackingRef carrier={s().carrier} trackingRef={s().trackingRef} />
              </dd>
            </div>
            <div>
              <dt>{t('col.shipped')}</dt>
              <dd>
                <time datetime={s().shippedOn}>{formatDate(s().shippedOn)}</time>
              </dd>
            </div>
            <div>
              <dt>{t('col.delivered')}</dt>
              <dd>
                {(() => {
                  const on = s().deliveredOn;
                  return on ? <time datetime={on}>{formatDate(on)}</time> : t('shipment.notYet');
                })()}
              </dd>
            </div>
          </dl>

          <LinesTable
            id="shipment"
            lines={s().lines}
            emptyText={t('shipment.noLines')}
            lineLabel={s().orders.length > 1 ? t('shipment.orderSlashLine') : t('shipment.orderLine')}
          />
        </>
      )}
    </DetailPage>
  );
}
