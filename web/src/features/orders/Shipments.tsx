import { LIMITS, trackingUrl } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
import { ExportButton, OrderLinks } from '../../shared/components.tsx';
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
} from '../../shared/data.tsx';
import { formatDate } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';

/** A shipment as both tables show it (the list's rows also name their customer, for staff). */
export type ShipmentSummary = Omit<Awaited<ReturnType<typeof trpc.shipments.list.query>>['items'][number], 'partyName'>;

const PAGE_SIZE = 50;

export const SHIPMENT_STATUSES = ['in-transit', 'delivered'] as const;

/** 'in-transit' -> 'In transit' (the status badge's word). */
export const shipmentStatusLabel = (status: string) =>
  status === 'in-transit' ? 'In transit' : status.charAt(0).toUpperCase() + status.slice(1);

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
              <span class="visually-hidden"> (track with {props.carrier}, opens in a new tab)</span>
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
      <td class="wrap" data-label="Carrier">
        {props.shipment.carrier}
      </td>
      <td class="mono" data-label="Tracking reference">
        <TrackingRef carrier={props.shipment.carrier} trackingRef={props.shipment.trackingRef} />
      </td>
      <td data-label="Shipped">
        <time datetime={props.shipment.shippedOn}>{formatDate(props.shipment.shippedOn)}</time>
      </td>
      <td data-label="Delivered">
        <Show when={props.shipment.deliveredOn} fallback={<NoValue />}>
          {(day) => <time datetime={day()}>{formatDate(day())}</time>}
        </Show>
      </td>
      <td data-label="Status">
        <ShipmentStatus status={props.shipment.status} />
      </td>
    </>
  );
}

export default function Shipments() {
  usePageTitle(() => 'Shipments');
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
      <h1 id="shipments-title">Shipments</h1>
      <form class="filters" aria-label="Filter shipments" onSubmit={(e) => e.preventDefault()}>
        <StatusFilter
          id="shipments-status"
          statuses={SHIPMENT_STATUSES}
          value={status()}
          optionLabel={shipmentStatusLabel}
        />
        <SearchField id="shipments-search" placeholder="Delivery note or tracking reference" />
        <Show when={staff()}>
          <PartyFilter
            id="shipments-party"
            kind="customer"
            label="Customer"
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
      </form>
      <ExportButton
        list="shipments"
        filters={() => ({ status: filters().status, search: filters().search, partyId: filters().partyId })}
        noun="shipments"
      />

      <ListTable
        list={list}
        noun="shipments"
        emptyText="No shipments match."
        testId="shipments-table"
        caption="Shipments"
        head={
          <>
            <th scope="col">Delivery note</th>
            <Show when={staff()}>
              <th scope="col">Customer</th>
            </Show>
            <th scope="col">Order</th>
            <th scope="col">Carrier</th>
            <th scope="col">Tracking reference</th>
            <th scope="col">Shipped</th>
            <th scope="col">Delivered</th>
            <th scope="col">Status</th>
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
              <td data-label="Customer" data-testid="row-party">
                {shipment.partyName}
              </td>
            </Show>
            <td data-label="Order">
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
          Nothing shipped yet.
        </p>
      }
    >
      <div class="table-wrap stack">
        <table class="data-table" data-testid="order-shipments" aria-labelledby="order-shipments-title">
          <thead>
            <tr>
              <th scope="col">Delivery note</th>
              <th scope="col">Carrier</th>
              <th scope="col">Tracking reference</th>
              <th scope="col">Shipped</th>
              <th scope="col">Delivered</th>
              <th scope="col">Status</th>
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
