import { trackingUrl } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { NoValue } from '../../shared/data.tsx';
import { formatDate, label } from '../../shared/format.ts';
import type { trpc } from '../../trpc.ts';

/** A shipment as both tables show it (the list's rows also name their customer, for staff). */
export type ShipmentSummary = Omit<Awaited<ReturnType<typeof trpc.shipments.list.query>>['items'][number], 'partyName'>;

export const SHIPMENT_STATUSES = ['in-transit', 'delivered'] as const;

/** 'in-transit' -> 'In transit' (the status badge's word). */
export const shipmentStatusLabel = (status: string) =>
  status === 'in-transit' ? t('status.in-transit') : label(status);

/** A shipment's status: the word always visible, colour a second cue. */
export function ShipmentStatus(props: { status: string }) {
  return (
    <span class={`badge badge-${props.status}`} data-testid="shipment-status">
      {shipmentStatusLabel(props.status)}
    </span>
  );
}

/**
 * The tracking reference, linked to the carrier's tracking page when the carrier is a known one
 * (CARRIER_TRACKING in packages/contract/src/carriers.ts); plain text otherwise.
 */
export function TrackingRef(props: { carrier: string; trackingRef: string | null }) {
  return (
    <Show when={props.trackingRef} fallback={<NoValue />}>
      {(ref) => (
        <Show when={trackingUrl(props.carrier, ref())} fallback={ref()}>
          {(url) => (
            <a href={url()} target="_blank" rel="noopener noreferrer" data-testid="tracking-link">
              {ref()}
              <span class="visually-hidden"> {t('shipments.track', { carrier: props.carrier })}</span>
            </a>
          )}
        </Show>
      )}
    </Show>
  );
}

/** The cells both shipment tables show after the delivery note (and, in the list, the order). */
export function ShipmentCells(props: { shipment: ShipmentSummary }) {
  return (
    <>
      <td class="wrap" data-label={t('col.carrier')}>
        {props.shipment.carrier}
      </td>
      <td class="mono" data-label={t('col.trackingRef')}>
        <TrackingRef carrier={props.shipment.carrier} trackingRef={props.shipment.trackingRef} />
      </td>
      <td data-label={t('col.shipped')}>
        <time datetime={props.shipment.shippedOn}>{formatDate(props.shipment.shippedOn)}</time>
      </td>
      <td data-label={t('col.delivered')}>
        <Show when={props.shipment.deliveredOn} fallback={<NoValue />}>
          {(day) => <time datetime={day()}>{formatDate(day())}</time>}
        </Show>
      </td>
      <td data-label={t('list.status')}>
        <ShipmentStatus status={props.shipment.status} />
      </td>
    </>
  );
}

/** The shipments of one order (its detail page): delivery note, carrier, tracking, dates, status. */
export function OrderShipments(props: { shipments: ShipmentSummary[] }) {
  return (
    <Show
      when={props.shipments.length > 0}
      fallback={
        <p class="list-message" data-testid="order-no-shipments">
          {t('shipments.none')}
        </p>
      }
    >
      <div class="table-wrap stack">
        <table class="data-table" data-testid="order-shipments" aria-labelledby="order-shipments-title">
          <thead>
            <tr>
              <th scope="col">{t('col.deliveryNote')}</th>
              <th scope="col">{t('col.carrier')}</th>
              <th scope="col">{t('col.trackingRef')}</th>
              <th scope="col">{t('col.shipped')}</th>
              <th scope="col">{t('col.delivered')}</th>
              <th scope="col">{t('list.status')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.shipments}>
              {(shipment) => (
                <tr data-testid="order-shipment">
                  <th scope="row">
                    <A href={`/shipments/${shipment.id}`}>{shipment.number}</A>
                  </th>
                  <ShipmentCells shipment={shipment} />
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
