import { LIMITS, PURCHASE_ORDER_STATUSES } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { ExportButton } from '../../shared/components.tsx';
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
import { formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { DateCell } from './po-pieces.tsx';
import { UnreadBadge } from './po-thread.tsx';
import { Badge, words } from './supplier-shared.tsx';

const PAGE_SIZE = 50;

/** The supplier's purchase orders (staff: every supplier's, or one with `?partyId=`), newest first. */
export default function PurchaseOrders() {
  usePageTitle(() => t('nav.purchaseOrders'));
  // Staff see every supplier's orders, so each row names its supplier.
  const staff = crossParty;
  const [params, setParams] = useSearchParams();
  // Filters live in the URL, so Back from a purchase order and a reload keep them.
  const status = () => PURCHASE_ORDER_STATUSES.find((s) => s === params.status);
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  const partyId = () => uuidParam(params.partyId);
  // ?unread=1: only POs whose thread holds a message the caller has not read (the home links here).
  const unread = () => params.unread === '1';
  const filters = createMemo(
    () => ({ status: status(), search: search(), partyId: partyId(), unread: unread() }),
    undefined,
    {
      equals: (a, b) =>
        a.status === b.status && a.search === b.search && a.partyId === b.partyId && a.unread === b.unread,
    },
  );
  useRememberedList('/purchase-orders');

  const list = createPagedList(filters, (f, cursor) =>
    trpc.purchaseOrders.list.query({
      limit: PAGE_SIZE,
      cursor,
      status: f.status,
      search: f.search || undefined,
      partyId: f.partyId,
      unread: f.unread || undefined,
    }),
  );

  return (
    <section aria-labelledby="purchase-orders-title">
      <h1 id="purchase-orders-title">{t('nav.purchaseOrders')}</h1>
      <form class="filters" aria-label={t('po.filter')} onSubmit={(e) => e.preventDefault()}>
        <StatusFilter
          id="purchase-orders-status"
          statuses={PURCHASE_ORDER_STATUSES}
          value={status()}
          optionLabel={words}
        />
        <SearchField id="purchase-orders-search" placeholder={t('po.search')} />
        <div class="checkbox filter-checkbox">
          <input
            type="checkbox"
            id="purchase-orders-unread"
            name="unread"
            data-testid="purchase-orders-unread"
            checked={unread()}
            onChange={(e) => setParams({ unread: e.currentTarget.checked ? '1' : undefined }, { replace: true })}
          />
          <label for="purchase-orders-unread">{t('po.unreadOnly')}</label>
        </div>
        <Show when={staff()}>
          <PartyFilter
            id="purchase-orders-party"
            kind="supplier"
            label={t('col.supplier')}
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
      </form>
      <ExportButton list="purchase-orders" filters={filters} noun={t('po.noun')} />

      <ListTable
        list={list}
        noun={t('po.noun')}
        emptyText={t('po.empty')}
        testId="purchase-orders-table"
        caption={t('nav.purchaseOrders')}
        head={
          <>
            <th scope="col">{t('col.number')}</th>
            <Show when={staff()}>
              <th scope="col">{t('col.supplier')}</th>
            </Show>
            <th scope="col">{t('order.date')}</th>
            <th scope="col">{t('po.requested')}</th>
            <th scope="col">{t('po.promised')}</th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col" class="num">
              {t('col.total')}
            </th>
          </>
        }
      >
        {(po) => (
          <tr data-testid="purchase-order-row" data-status={po.status}>
            <th scope="row">
              <A href={`/purchase-orders/${po.id}`}>{po.number}</A> <UnreadBadge count={po.thread?.unread ?? 0} />
            </th>
            <Show when={staff()}>
              <td data-label={t('col.supplier')} data-testid="row-party">
                {po.partyName}
              </td>
            </Show>
            <td data-label={t('order.date')}>
              <DateCell date={po.orderDate} />
            </td>
            <td data-label={t('po.requested')}>
              <DateCell date={po.requestedDate} />
            </td>
            <td data-label={t('po.promised')}>
              <DateCell date={po.promisedDate} />
            </td>
            <td data-label={t('list.status')}>
              <Badge status={po.status} />
            </td>
            <td class="num" data-label={t('col.total')}>
              {formatMinor(po.totalMinor, po.currency)}
            </td>
          </tr>
        )}
      </ListTable>
    </section>
  );
}
