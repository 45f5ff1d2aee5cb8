import { SHIP_NOTICE_STATUSES } from '@gatehouse/contract';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, ReasonDialog } from '../../shared/components.tsx';
import {
  createPagedList,
  crossParty,
  DetailPage,
  ListTable,
  PartyFilter,
  StatusFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatDateTime, formatQuantity, parseDecimalInput, todayIso } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';
import { Badge, words } from './supplier-shared.tsx';

// Ship notices (ASN): the supplier tells the buyer what has shipped, against lines of one or more POs;
// operators see incoming shipments across suppliers.

const PAGE_SIZE = 50;

export default function ShipNotices() {
  usePageTitle(() => t('nav.shipNotices'));
  const staff = crossParty;
  const [params] = useSearchParams();
  const status = () => SHIP_NOTICE_STATUSES.find((s) => s === params.status);
  const partyId = () => (staff() ? uuidParam(params.partyId) : undefined);
  const filters = createMemo(() => ({ status: status(), partyId: partyId() }), undefined, {
    equals: (a, b) => a.status === b.status && a.partyId === b.partyId,
  });
  useRememberedList('/ship-notices');
  const list = createPagedList(filters, (f, cursor) =>
    trpc.shipNotices.list.query({ limit: PAGE_SIZE, cursor, status: f.status, partyId: f.partyId }),
  );
  return (
    <section aria-labelledby="ship-notices-title">
      <h1 id="ship-notices-title">{staff() ? t('sn.incoming') : t('nav.shipNotices')}</h1>
      <Show when={can('ship-notices:manage')}>
        <p>
          <A class="button button-primary" href="/ship-notices/new" data-testid="ship-notice-new">
            {t('sn.new')}
          </A>
        </p>
      </Show>
      <form class="filters" aria-label={t('sn.filter')} onSubmit={(e) => e.preventDefault()}>
        <StatusFilter id="ship-notices-status" statuses={SHIP_NOTICE_STATUSES} value={status()} optionLabel={words} />
        <Show when={staff()}>
          <PartyFilter
            id="ship-notices-party"
            kind="supplier"
            label={t('col.supplier')}
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
      </form>
      <ListTable
        list={list}
        noun={t('sn.noun')}
        emptyText={t('sn.empty')}
        testId="ship-notices-table"
        caption={t('nav.shipNotices')}
        head={
          <>
            <th scope="col">{t('sn.notice')}</th>
            <Show when={staff()}>
              <th scope="col">{t('col.supplier')}</th>
            </Show>
            <th scope="col">{t('nav.purchaseOrders')}</th>
            <th scope="col">{t('col.carrier')}</th>
            <th scope="col">{t('sn.tracking')}</th>
            <th scope="col">{t('sn.shipDate')}</th>
            <th scope="col">{t('list.status')}</th>
          </>
        }
      >
        {(n) => (
          <tr data-testid="ship-notice-row" data-status={n.status}>
            <th scope="row">
              <A href={`/ship-notices/${n.id}`}>{n.number}</A>
            </th>
            <Show when={staff()}>
              <td data-label={t('col.supplier')} data-testid="row-party">
                {n.partyName}
              </td>
            </Show>
            <td class="wrap" data-label={t('nav.purchaseOrders')}>
              {n.purchaseOrders.join(', ')}
            </td>
            <td class="wrap" data-label={t('col.carrier')}>
              {n.carrier}
            </td>
            <td class="mono" data-label={t('sn.tracking')}>
              {n.trackingRef}
            </td>
            <td data-label={t('sn.shipDate')}>
              <time datetime={n.shipDate}>{formatDate(n.shipDate)}</time>
            </td>
            <td data-label={t('list.status')}>
              <Badge status={n.status} />
            </td>
          </tr>
        )}
      </ListTable>
    </section>
  );
}

export function ShipNoticeDetail() {
  return (
    <DetailPage
      id="ship-notice"
      noun={t('sn.noun1')}
      back={{ href: '/ship-notices', label: t('sn.back') }}
      fetch={(id) => trpc.shipNotices.get.query({ id })}
      pageTitle={(n) => t('sn.title', { number: n.number })}
    >
      {(n, refetch) => {
        const [cancelling, setCancelling] = createSignal(false);
        const [announcement, setAnnouncement] = createSignal<string | null>(null);
        return (
          <>
            <div class="detail-header">
              <h1 id="ship-notice-title">{t('sn.title', { number: n().number })}</h1>
              <Badge status={n().status} testId="ship-notice-status" />
              <Show when={n().status === 'shipped' && can('ship-notices:manage')}>
                <button
                  type="button"
                  class="button"
                  data-testid="ship-notice-cancel"
                  onClick={() => setCancelling(true)}
                >
                  {t('sn.cancel')}
                </button>
              </Show>
            </div>
            <Announcement testId="ship-notice-announcement" message={announcement()} />
            <dl class="summary">
              <div>
                <dt>{t('col.carrier')}</dt>
                <dd>{n().carrier}</dd>
              </div>
              <div>
                <dt>{t('col.trackingRef')}</dt>
                <dd class="mono">{n().trackingRef}</dd>
              </div>
              <div>
                <dt>{t('sn.shipDate')}</dt>
                <dd>{formatDate(n().shipDate)}</dd>
              </div>
              <div>
                <dt>{t('sn.packages')}</dt>
                <dd>{n().packages}</dd>
              </div>
              <div>
                <dt>{t('sn.sent')}</dt>
                <dd>
                  {formatDateTime(n().createdAt)}
                  <Show when={n().createdBy}>{(by) => <> {t('po.by', { name: by() })}</>}</Show>
                </dd>
              </div>
              <Show when={n().cancelReason}>
                {(r) => (
                  <div>
                    <dt>{t('status.cancelled')}</dt>
                    <dd class="wrap-text">{r()}</dd>
                  </div>
                )}
              </Show>
            </dl>
            <div class="table-wrap stack">
              <table class="data-table" data-testid="ship-notice-lines">
                <caption>{t('sn.linesShipped')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('po.noun1')}</th>
                    <th scope="col">{t('lines.line')}</th>
                    <th scope="col">{t('sn.item')}</th>
                    <th scope="col" class="num">
                      {t('lines.quantity')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={n().lines}>
                    {(l) => (
                      <tr>
                        <th scope="row">
                          <A href={`/purchase-orders/${l.purchaseOrderId}`}>{l.purchaseOrderNumber}</A>
                        </th>
                        <td data-label={t('lines.line')}>{l.lineNo}</td>
                        <td class="wrap" data-label={t('sn.item')}>
                          {l.sku} · {l.description}
                        </td>
                        <td class="num" data-label={t('lines.quantity')}>
                          {formatQuantity(l.quantity)}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={cancelling()}>
              <ReasonDialog
                id="cancel-notice"
                title={t('sn.cancelTitle')}
                testId="cancel-notice-dialog"
                heading={t('sn.cancelHeading', { number: n().number })}
                what={t('sn.cancelWhat')}
                label={t('sn.cancelWhy')}
                submitLabel={t('sn.cancel')}
                submitTestId="cancel-notice-submit"
                send={async (reason) => {
                  await guard(trpc.shipNotices.cancel.mutate({ id: n().id, reason }));
                  setAnnouncement(t('sn.cancelled', { number: n().number }));
                  refetch();
                }}
                onClose={() => setCancelling(false)}
              />
            </Show>
          </>
        );
      }}
    </DetailPage>
  );
}

type PoDetail = Awaited<ReturnType<typeof trpc.purchaseOrders.get.query>>;
type Progress = Awaited<ReturnType<typeof trpc.purchaseOrders.progress.query>>;

/** A new ship notice: lines of one or more of the supplier's open POs, each at most its open quantity. */
export function NewShipNotice() {
  usePageTitle(() => t('sn.new'));
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [chosen, setChosen] = createStore<{ po: PoDetail; progress: Progress }[]>([]);
  const [quantities, setQuantities] = createStore<Record<string, string>>({});
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  // One key per form: a double submit or a retry after a lost answer makes one notice.
  const idempotencyKey = crypto.randomUUID();
  const [openPos] = createResource(() =>
    guard(trpc.purchaseOrders.list.query({ limit: 100 })).then((r) =>
      r.items.filter((p) => ['open', 'acknowledged', 'problem'].includes(p.status)),
    ),
  );
  const add = async (id: string) => {
    if (!id || chosen.some((c) => c.po.id === id)) return;
    try {
      const [po, progress] = await Promise.all([
        guard(trpc.purchaseOrders.get.query({ id })),
        guard(trpc.purchaseOrders.progress.query({ id })),
      ]);
      setChosen(chosen.length, { po, progress });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const first = uuidParam(params.po);
  if (first) void add(first);
  const key = (poId: string, lineNo: number) => `${poId}:${lineNo}`;
  let carrier: HTMLInputElement | undefined;
  let tracking: HTMLInputElement | undefined;
  let shipDate: HTMLInputElement | undefined;
  let packages: HTMLInputElement | undefined;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    const lines = Object.entries(quantities)
      .map(([k, q]) => [k, parseDecimalInput(q)] as const)
      .filter(([, q]) => q !== '' && Number(q) !== 0)
      .map(([k, quantity]) => {
        const [purchaseOrderId = '', lineNo = '0'] = k.split(':');
        return { purchaseOrderId, lineNo: Number(lineNo), quantity };
      });
    if (lines.length === 0) return setError(t('sn.enterQuantity'));
    setBusy(true);
    try {
      const made = await guard(
        trpc.shipNotices.create.mutate({
          carrier: carrier?.value ?? '',
          trackingRef: tracking?.value ?? '',
          shipDate: shipDate?.value ?? '',
          packages: Number(packages?.value ?? 0),
          idempotencyKey,
          lines,
        }),
      );
      navigate(`/ship-notices/${made.id}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-ship-notice-title" class="detail">
      <p class="back">
        <A href="/ship-notices">← {t('sn.back')}</A>
      </p>
      <h1 id="new-ship-notice-title">{t('sn.new')}</h1>
      <form class="form" onSubmit={(e) => void submit(e)} novalidate data-testid="ship-notice-form">
        <FormError id="ship-notice-error" message={error()} testId="ship-notice-error" />
        <div class="field-row">
          <div class="field">
            <label for="asn-carrier">{t('col.carrier')}</label>
            <input id="asn-carrier" class="input" maxlength={100} required ref={carrier} />
          </div>
          <div class="field">
            <label for="asn-tracking">{t('col.trackingRef')}</label>
            <input id="asn-tracking" class="input" maxlength={100} required ref={tracking} />
          </div>
          <div class="field field-narrow">
            <label for="asn-date">{t('sn.shipDate')}</label>
            <input id="asn-date" type="date" class="input" value={todayIso()} required ref={shipDate} />
          </div>
          <div class="field field-narrow">
            <label for="asn-packages">{t('sn.packages')}</label>
            <input id="asn-packages" type="number" min={1} class="input" value="1" required ref={packages} />
          </div>
        </div>
        <div class="field">
          <label for="asn-add-po">{t('sn.addPo')}</label>
          <select
            id="asn-add-po"
            class="select"
            onChange={(e) => {
              void add(e.currentTarget.value);
              e.currentTarget.value = '';
            }}
          >
            <option value="">{t('common.choose')}</option>
            <For each={openPos()?.filter((p) => !chosen.some((c) => c.po.id === p.id)) ?? []}>
              {(p) => <option value={p.id}>{p.number}</option>}
            </For>
          </select>
        </div>
        <For each={chosen}>
          {(c) => (
            <div class="table-wrap stack">
              <table class="data-table" data-testid="asn-po" data-po-number={c.po.number}>
                <caption>{t('sn.poCaption', { number: c.po.number })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('lines.line')}</th>
                    <th scope="col">{t('sn.item')}</th>
                    <th scope="col" class="num">
                      {t('col.open')}
                    </th>
                    <th scope="col">{t('sn.shipNow')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={c.po.lines}>
                    {(l) => {
                      const open = () => c.progress.lines.find((p) => p.lineNo === l.lineNo)?.open ?? '0';
                      const id = `asn-qty-${c.po.number}-${l.lineNo}`.replace(/[^A-Za-z0-9-]/g, '-');
                      return (
                        <tr data-testid="asn-line" data-line={l.lineNo}>
                          <th scope="row">{l.lineNo}</th>
                          <td class="wrap" data-label={t('sn.item')}>
                            {l.sku} · {l.description}
                          </td>
                          <td class="num" data-label={t('col.open')}>
                            {formatQuantity(open())}
                          </td>
                          <td data-label={t('sn.shipNow')}>
                            <label class="visually-hidden" for={id}>
                              {t('sn.quantityLabel', { line: l.lineNo, number: c.po.number })}
                            </label>
                            <input
                              id={id}
                              class="input input-narrow"
                              inputmode="decimal"
                              disabled={Number(open()) === 0}
                              value={quantities[key(c.po.id, l.lineNo)] ?? ''}
                              onInput={(e) => setQuantities(key(c.po.id, l.lineNo), e.currentTarget.value)}
                            />
                          </td>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </For>
        <div class="button-row">
          <button type="submit" class="button button-primary" data-testid="ship-notice-submit" disabled={busy()}>
            {t('sn.send')}
          </button>
        </div>
      </form>
    </section>
  );
}
