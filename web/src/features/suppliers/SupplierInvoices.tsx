import { SUPPLIER_INVOICE_STATUSES } from '@gatehouse/contract';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { apiUrl } from '../../api-origin.ts';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import {
  createPagedList,
  crossParty,
  DetailPage,
  ListTable,
  NoValue,
  PartyFilter,
  StatusFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import {
  formatDate,
  formatDateTime,
  formatMinor,
  formatQuantity,
  parseDecimalInput,
  todayIso,
} from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';
import { sendFile } from './document-upload.tsx';
import { Badge, formatBytes, words } from './supplier-shared.tsx';

// Supplier invoices against POs: the supplier submits, lines are matched against the PO (mismatches
// flagged for the buyer), the ERP reports the status back (received, approved, scheduled, paid).

const PAGE_SIZE = 50;

export default function SupplierInvoices() {
  usePageTitle(() => t('nav.supplierInvoices'));
  const staff = crossParty;
  const [params, setParams] = useSearchParams();
  const status = () => SUPPLIER_INVOICE_STATUSES.find((s) => s === params.status);
  const flagged = () => params.flagged === '1';
  const partyId = () => (staff() ? uuidParam(params.partyId) : undefined);
  const filters = createMemo(() => ({ status: status(), flagged: flagged(), partyId: partyId() }), undefined, {
    equals: (a, b) => a.status === b.status && a.flagged === b.flagged && a.partyId === b.partyId,
  });
  useRememberedList('/supplier-invoices');
  const list = createPagedList(filters, (f, cursor) =>
    trpc.supplierInvoices.list.query({
      limit: PAGE_SIZE,
      cursor,
      status: f.status,
      mismatch: f.flagged ? true : undefined,
      partyId: f.partyId,
    }),
  );
  return (
    <section aria-labelledby="supplier-invoices-title">
      <h1 id="supplier-invoices-title">{t('nav.supplierInvoices')}</h1>
      <form class="filters" aria-label={t('si.filter')} onSubmit={(e) => e.preventDefault()}>
        <StatusFilter
          id="supplier-invoices-status"
          statuses={SUPPLIER_INVOICE_STATUSES}
          value={status()}
          optionLabel={words}
        />
        <label class="checkbox">
          <input
            type="checkbox"
            id="supplier-invoices-flagged"
            checked={flagged()}
            onChange={(e) => setParams({ flagged: e.currentTarget.checked ? '1' : undefined })}
          />{' '}
          {t('si.onlyFlagged')}
        </label>
        <Show when={staff()}>
          <PartyFilter
            id="supplier-invoices-party"
            kind="supplier"
            label={t('col.supplier')}
            chosenName={partyId() ? list.items()[0]?.partyName : undefined}
          />
        </Show>
      </form>
      <ListTable
        list={list}
        noun={t('invoices.noun')}
        emptyText={t('invoices.empty')}
        testId="supplier-invoices-table"
        caption={t('nav.supplierInvoices')}
        head={
          <>
            <th scope="col">{t('invoices.invoice')}</th>
            <Show when={staff()}>
              <th scope="col">{t('col.supplier')}</th>
            </Show>
            <th scope="col">{t('po.noun1')}</th>
            <th scope="col">{t('col.date')}</th>
            <th scope="col">{t('si.check')}</th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col" class="num">
              {t('col.total')}
            </th>
          </>
        }
      >
        {(inv) => (
          <tr data-testid="supplier-invoice-row" data-mismatch={inv.mismatch ? 'true' : 'false'}>
            <th scope="row">
              <A href={`/supplier-invoices/${inv.id}`}>{inv.number}</A>
            </th>
            <Show when={staff()}>
              <td data-label={t('col.supplier')} data-testid="row-party">
                {inv.partyName}
              </td>
            </Show>
            <td data-label={t('po.noun1')}>{inv.purchaseOrderNumber}</td>
            <td data-label={t('col.date')}>{formatDate(inv.invoiceDate)}</td>
            <td data-label={t('si.check')}>
              <Show when={inv.mismatch} fallback={<span>{t('si.matches')}</span>}>
                <mark class="diff-mark" data-testid="supplier-invoice-flag">
                  {t('si.off')}
                </mark>
              </Show>
            </td>
            <td data-label={t('list.status')}>
              <Badge status={inv.status} />
            </td>
            <td class="num" data-label={t('col.total')}>
              {formatMinor(inv.totalMinor, inv.currency)}
            </td>
          </tr>
        )}
      </ListTable>
    </section>
  );
}

export function SupplierInvoiceDetail() {
  return (
    <DetailPage
      id="supplier-invoice"
      noun={t('invoices.invoice')}
      back={{ href: '/supplier-invoices', label: t('si.back') }}
      fetch={(id) => trpc.supplierInvoices.get.query({ id })}
      pageTitle={(i) => t('si.title', { number: i.number })}
    >
      {(inv, refetch) => {
        const [announcement, setAnnouncement] = createSignal<string | null>(null);
        const [uploadError, setUploadError] = createSignal<string | null>(null);
        let file: HTMLInputElement | undefined;
        const upload = async () => {
          const f = file?.files?.[0];
          setUploadError(null);
          if (!f) return setUploadError(t('si.choosePdf'));
          try {
            await sendFile(await apiUrl(`/files/supplier-invoices?invoiceId=${inv().id}`), f, () => {}, {});
            setAnnouncement(t('si.pdfAttached'));
            refetch();
          } catch (err) {
            setUploadError(errorMessage(err));
          }
        };
        return (
          <>
            <div class="detail-header">
              <h1 id="supplier-invoice-title">{t('si.title', { number: inv().number })}</h1>
              <Badge status={inv().status} testId="supplier-invoice-status" />
              <Show when={inv().mismatch}>
                <mark class="diff-mark" data-testid="supplier-invoice-flagged">
                  {t('si.offCheck')}
                </mark>
              </Show>
            </div>
            <Announcement testId="supplier-invoice-announcement" message={announcement()} />
            <dl class="summary">
              <Show when={crossParty()}>
                <div>
                  <dt>{t('col.supplier')}</dt>
                  <dd>{inv().partyName}</dd>
                </div>
              </Show>
              <div>
                <dt>{t('po.noun1')}</dt>
                <dd>
                  <A href={`/purchase-orders/${inv().purchaseOrderId}`}>{inv().purchaseOrderNumber}</A>
                </dd>
              </div>
              <div>
                <dt>{t('si.invoiceDate')}</dt>
                <dd>{formatDate(inv().invoiceDate)}</dd>
              </div>
              <div>
                <dt>{t('col.total')}</dt>
                <dd data-testid="supplier-invoice-total">{formatMinor(inv().totalMinor, inv().currency)}</dd>
              </div>
              <div>
                <dt>{t('status.submitted')}</dt>
                <dd>
                  {formatDateTime(inv().submittedAt)}
                  <Show when={inv().submittedBy}>{(by) => <> {t('po.by', { name: by() })}</>}</Show>
                </dd>
              </div>
              <div>
                <dt>{t('si.paymentDate')}</dt>
                <dd data-testid="supplier-invoice-paid">
                  <Show when={inv().paymentDate} fallback={<NoValue />}>
                    {(d) => formatDate(d())}
                  </Show>
                </dd>
              </div>
              <Show when={inv().erpNote}>
                {(n) => (
                  <div>
                    <dt>{t('si.buyerNote')}</dt>
                    <dd class="wrap-text">{n()}</dd>
                  </div>
                )}
              </Show>
              <div>
                <dt>{t('si.pdfCopy')}</dt>
                <dd data-testid="supplier-invoice-file">
                  <Show when={inv().file} fallback={<NoValue />}>
                    {(f) => (
                      <>
                        {f().fileName} ({formatBytes(f().sizeBytes)})
                      </>
                    )}
                  </Show>
                </dd>
              </div>
            </dl>
            <div class="table-wrap stack">
              <table class="data-table" data-testid="supplier-invoice-lines">
                <caption>{t('si.linesChecked')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('lines.line')}</th>
                    <th scope="col">{t('sn.item')}</th>
                    <th scope="col" class="num">
                      {t('lines.quantity')}
                    </th>
                    <th scope="col" class="num">
                      {t('col.shipped')}
                    </th>
                    <th scope="col" class="num">
                      {t('lines.unitPrice')}
                    </th>
                    <th scope="col" class="num">
                      {t('si.poPrice')}
                    </th>
                    <th scope="col" class="num">
                      {t('lines.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={inv().lines}>
                    {(l) => (
                      <tr
                        data-testid="supplier-invoice-line"
                        data-line={l.lineNo}
                        data-mismatch={l.priceMismatch || l.quantityMismatch ? 'true' : 'false'}
                        classList={{ 'diff-row': l.priceMismatch || l.quantityMismatch }}
                      >
                        <th scope="row">{l.lineNo}</th>
                        <td class="wrap" data-label={t('sn.item')}>
                          {l.sku} · {l.description}
                        </td>
                        <td class="num" data-label={t('lines.quantity')}>
                          <Show when={l.quantityMismatch} fallback={formatQuantity(l.quantity)}>
                            <mark class="diff-mark" title={t('si.moreThanShipped')}>
                              {formatQuantity(l.quantity)}
                            </mark>
                          </Show>
                        </td>
                        <td class="num" data-label={t('col.shipped')}>
                          {formatQuantity(l.shipped)}
                        </td>
                        <td class="num" data-label={t('lines.unitPrice')}>
                          <Show when={l.priceMismatch} fallback={formatQuantity(l.unitPrice)}>
                            <mark class="diff-mark" data-testid="price-mismatch" title={t('si.offPrice')}>
                              {formatQuantity(l.unitPrice)}
                            </mark>
                          </Show>
                        </td>
                        <td class="num" data-label={t('si.poPrice')}>
                          {formatQuantity(l.poUnitPrice)}
                        </td>
                        <td class="num" data-label={t('lines.amount')}>
                          {formatMinor(l.amountMinor, inv().currency)}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={can('supplier-invoices:submit')}>
              <form
                class="form"
                aria-labelledby="invoice-pdf-title"
                onSubmit={(e) => {
                  e.preventDefault();
                  void upload();
                }}
              >
                <h2 id="invoice-pdf-title">{inv().file ? t('si.replacePdf') : t('si.attachPdf')}</h2>
                <FormError id="invoice-pdf-error" message={uploadError()} testId="invoice-pdf-error" />
                <div class="field">
                  <label for="invoice-pdf">{t('si.invoicePdf')}</label>
                  <input id="invoice-pdf" type="file" accept="application/pdf" ref={file} />
                </div>
                <button type="submit" class="button" data-testid="invoice-pdf-submit">
                  {t('docs.upload')}
                </button>
              </form>
            </Show>
          </>
        );
      }}
    </DetailPage>
  );
}

/** A new invoice against one PO: per line the quantity and unit price, prefilled from what shipped. */
export function NewSupplierInvoice() {
  usePageTitle(() => t('si.new'));
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const poId = () => uuidParam(params.po);
  const [data] = createResource(poId, (id) =>
    Promise.all([guard(trpc.purchaseOrders.get.query({ id })), guard(trpc.purchaseOrders.progress.query({ id }))]),
  );
  const [lines, setLines] = createStore<Record<number, { quantity: string; unitPrice: string }>>({});
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let number: HTMLInputElement | undefined;
  let date: HTMLInputElement | undefined;
  const value = (lineNo: number, field: 'quantity' | 'unitPrice', fallback: string) =>
    lines[lineNo]?.[field] ?? fallback;
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const d = data();
    if (!d) return;
    const [po, progress] = d;
    const out = po.lines
      .map((l) => {
        const p = progress.lines.find((x) => x.lineNo === l.lineNo);
        const toInvoice = Math.max(0, Number(p?.shipped ?? 0) - Number(p?.invoiced ?? 0));
        return {
          lineNo: l.lineNo,
          quantity: parseDecimalInput(value(l.lineNo, 'quantity', toInvoice ? formatQuantity(String(toInvoice)) : '')),
          unitPrice: parseDecimalInput(value(l.lineNo, 'unitPrice', formatQuantity(l.unitPrice ?? '0'))),
        };
      })
      .filter((l) => l.quantity !== '' && Number(l.quantity) !== 0);
    if (out.length === 0) return setError(t('si.enterQuantity'));
    setBusy(true);
    setError(null);
    try {
      const made = await guard(
        trpc.supplierInvoices.submit.mutate({
          purchaseOrderId: po.id,
          number: number?.value ?? '',
          invoiceDate: date?.value ?? '',
          lines: out,
        }),
      );
      navigate(`/supplier-invoices/${made.id}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="new-invoice-title" class="detail">
      <p class="back">
        <A href="/supplier-invoices">← {t('si.back')}</A>
      </p>
      <h1 id="new-invoice-title">{t('si.new')}</h1>
      <Show when={poId()} fallback={<p>{t('si.openPoFirst')}</p>}>
        <Show
          when={data()}
          fallback={<p class="list-message">{data.error ? errorMessage(data.error) : t('common.loading')}</p>}
        >
          {(d) => (
            <form class="form" onSubmit={(e) => void submit(e)} novalidate data-testid="invoice-form">
              <p>
                {t('si.againstPo')} <A href={`/purchase-orders/${d()[0].id}`}>{d()[0].number}</A> ({d()[0].currency})
              </p>
              <FormError id="invoice-error" message={error()} testId="invoice-error" />
              <div class="field-row">
                <div class="field">
                  <label for="invoice-number">{t('si.invoiceNumber')}</label>
                  <input id="invoice-number" class="input" maxlength={50} required ref={number} />
                </div>
                <div class="field field-narrow">
                  <label for="invoice-date">{t('si.invoiceDate')}</label>
                  <input id="invoice-date" type="date" class="input" value={todayIso()} required ref={date} />
                </div>
              </div>
              <div class="table-wrap stack">
                <table class="data-table">
                  <caption>{t('lines.title')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('lines.line')}</th>
                      <th scope="col">{t('sn.item')}</th>
                      <th scope="col" class="num">
                        {t('col.shipped')}
                      </th>
                      <th scope="col" class="num">
                        {t('si.invoiced')}
                      </th>
                      <th scope="col">{t('lines.quantity')}</th>
                      <th scope="col">{t('lines.unitPrice')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={d()[0].lines}>
                      {(l) => {
                        const p = () => d()[1].lines.find((x) => x.lineNo === l.lineNo);
                        const toInvoice = () => Math.max(0, Number(p()?.shipped ?? 0) - Number(p()?.invoiced ?? 0));
                        const price = formatQuantity(l.unitPrice ?? '0');
                        return (
                          <tr data-testid="invoice-line" data-line={l.lineNo}>
                            <th scope="row">{l.lineNo}</th>
                            <td class="wrap" data-label={t('sn.item')}>
                              {l.sku} · {l.description}
                            </td>
                            <td class="num" data-label={t('col.shipped')}>
                              {formatQuantity(p()?.shipped ?? '0')}
                            </td>
                            <td class="num" data-label={t('si.invoiced')}>
                              {formatQuantity(p()?.invoiced ?? '0')}
                            </td>
                            <td data-label={t('lines.quantity')}>
                              <label class="visually-hidden" for={`invoice-qty-${l.lineNo}`}>
                                {t('si.quantityLabel', { line: l.lineNo })}
                              </label>
                              <input
                                id={`invoice-qty-${l.lineNo}`}
                                class="input input-narrow"
                                inputmode="decimal"
                                value={value(
                                  l.lineNo,
                                  'quantity',
                                  toInvoice() ? formatQuantity(String(toInvoice())) : '',
                                )}
                                onInput={(e) =>
                                  setLines(l.lineNo, {
                                    quantity: e.currentTarget.value,
                                    unitPrice: value(l.lineNo, 'unitPrice', price),
                                  })
                                }
                              />
                            </td>
                            <td data-label={t('lines.unitPrice')}>
                              <label class="visually-hidden" for={`invoice-price-${l.lineNo}`}>
                                {t('si.priceLabel', { line: l.lineNo })}
                              </label>
                              <input
                                id={`invoice-price-${l.lineNo}`}
                                class="input input-narrow"
                                inputmode="decimal"
                                value={value(l.lineNo, 'unitPrice', price)}
                                onInput={(e) =>
                                  setLines(l.lineNo, {
                                    quantity: value(
                                      l.lineNo,
                                      'quantity',
                                      toInvoice() ? formatQuantity(String(toInvoice())) : '',
                                    ),
                                    unitPrice: e.currentTarget.value,
                                  })
                                }
                              />
                            </td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
              <button type="submit" class="button button-primary" data-testid="invoice-submit" disabled={busy()}>
                {t('si.submit')}
              </button>
            </form>
          )}
        </Show>
      </Show>
    </section>
  );
}
