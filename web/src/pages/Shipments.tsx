import { LIMITS, trackingUrl } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
import { ExportButton, OrderLinks } from '../components.tsx';
import {
  createPagedList,
  crossParty,
  ListTable,
  NoValue,
  PartyFilter,
  SearchField,
  StatusFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../data.tsx';
import { formatDate, label } from '../format.ts';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';

/** A shipment as both tables show it (the list's rows also name their customer, for staff). */
export type ShipmentSummary = Omit<Awaited<ReturnType<typeof trpc.shipments.list.query>>['items'][number], 'partyName'>;

const PAGE_SIZE = 50;

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
function ShipmentCells(props: { shipment: ShipmentSummary }) {
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

export default function Shipments() {
  usePageTitle(() => t('nav.shipments'));
  const [params] = useSearchParams();
  // Filters live in the URL, so Back from a shipment and a reload keep them.
  const status = () => SHIPMENT_STATUSES.find((s) => s === params.status);
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  // Staff see every customer's shipments: each row names its customer, and the list narrows to one.
  const staff = crossParty;
  const partyId = () => (staff() ? uuidParam(params.partyId) : undefined);
  const filters = createMemo(() => ({ status: status(), search: search(), partyId: partyId() }), undefined, {
    equals: (a, b) => a.status === b.status && a.search === b.search && a.partyId === b.partyId,
  });
  useRememberedList('/shipments');

  const list = createPagedList(filters, (f, cursor) =>
    trpc.shipments.list.query({
      limit: PAGE_SIZE,
      cursor,
      status: f.status,
      search: f.search || undefined,
      partyId: f.partyId,
    }),
  );

  return (
    <section aria-labelledby="shipments-title">
      <h1 id="shipments-title">{t('nav.shipments')}</h1>
      <form class="filters" aria-label={t('shipments.filter')} onSubmit={(e) => e.preventDefault()}>
        <StatusFilter
          id="shipments-status"
          statuses={SHIPMENT_STATUSES}
          value={status()}
          optionLabel={shipmentStatusLabel}
        />
        <SearchField id="shipments-search" placeholder={t('shipments.search')} />
        <Show when={staff()}>
          <PartyFilter
            id="shipments-party"
            kind="customer"
            label={t('col.customer')}
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
      </form>
      <ExportButton
        list="shipments"
        filters={() => ({ status: filters().status, search: filters().search, partyId: filters().partyId })}
        noun={t('shipments.noun')}
      />

      <ListTable
        list={list}
        noun={t('shipments.noun')}
        emptyText={t('shipments.empty')}
        testId="shipments-table"
        caption={t('nav.shipments')}
        head={
          <>
            <th scope="col">{t('col.deliveryNote')}</th>
            <Show when={staff()}>
              <th scope="col">{t('col.customer')}</th>
            </Show>
            <th scope="col">{t('col.order')}</th>
            <th scope="col">{t('col.carrier')}</th>
            <th scope="col">{t('col.trackingRef')}</th>
            <th scope="col">{t('col.shipped')}</th>
            <th scope="col">{t('col.delivered')}</th>
            <th scope="col">{t('list.status')}</th>
          </>
        }
      >
        {(shipment) => (
          <tr data-testid="shipment-row">
            <th scope="row">
              <A href={`/shipments/${shipment.id}`} data-testid="shipment-link">
                {shipment.number}
              </A>
            </th>
            <Show when={staff()}>
              <td data-label={t('col.customer')} data-testid="row-party">
                {shipment.partyName}
              </td>
            </Show>
            <td data-label={t('col.order')}>
              <OrderLinks orders={shipment.orders} />
            </td>
            <ShipmentCells shipment={shipment} />
          </tr>
        )}
      </ListTable>
    </section>
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
