import { LIMITS } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { ExportButton, OrderLinks } from '../../shared/components.tsx';
import {
  createPagedList,
  crossParty,
  ListTable,
  PartyFilter,
  SearchField,
  StatusFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../../shared/data.tsx';
import { trpc } from '../../trpc.ts';
import { SHIPMENT_STATUSES, ShipmentCells, shipmentStatusLabel } from './shipment-pieces.tsx';

const PAGE_SIZE = 50;

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
