import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { LinesTable, TotalRow } from '../../shared/components.tsx';
import { DetailPage, StatusBadge } from '../../shared/data.tsx';
import { DownloadButton } from '../../shared/download-button.tsx';
import { formatDate, formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { CreditNoteBadge, kindLabel, OverdueBadge } from './invoice-badges.tsx';
import { AdvisedBadge, InvoiceQueries, QueryBadge } from './payables-shared.tsx';

/**
 * One invoice or credit note as a printable document: who it bills, its dates, its lines, the total and
 * what is still open. It goes by its legal (printed) number when the ERP sent one, with Gatehouse's
 * internal number beside it. Print (and the browser's own print) hides the navigation and the buttons.
 */
export default function InvoiceDetail() {
  return (
    <DetailPage
      id="invoice"
      noun={t('invoices.invoice')}
      back={{ href: '/invoices', label: t('invoices.back') }}
      fetch={(id) => trpc.invoices.get.query({ id })}
      pageTitle={(i) => `${kindLabel(i.kind)} ${i.legalNumber ?? i.number}`}
    >
      {(i, refetch) => (
        <article class="invoice-document" data-testid="invoice-document">
          <div class="detail-header invoice-header">
            <h1 id="invoice-title" data-testid="invoice-title">
              {kindLabel(i().kind)} {i().legalNumber ?? i().number}
            </h1>
            <span class="badges">
              <Show when={i().kind === 'credit-note'}>
                <CreditNoteBadge />
              </Show>
              <StatusBadge status={i().status} />
              <Show when={i().overdue}>
                <OverdueBadge />
              </Show>
              <Show when={i().openQueries > 0}>
                <QueryBadge count={i().openQueries} />
              </Show>
              <Show when={i().paymentAdvised}>
                <AdvisedBadge />
              </Show>
            </span>
            <button
              type="button"
              class="button invoice-print"
              data-testid="invoice-print"
              onClick={() => window.print()}
            >
              {t('common.print')}
            </button>
            <DownloadButton
              label={t('common.downloadPdf')}
              testId="invoice-pdf"
              class="button invoice-print"
              fetch={() => trpc.invoices.pdf.mutate({ id: i().id })}
            />
          </div>

          <Show when={i().overdue}>
            <p class="notice invoice-overdue-notice" role="note" data-testid="invoice-overdue-notice">
              <strong>{t('invoices.overdueLabel')}</strong>{' '}
              {t('invoices.overdueText', {
                amount: formatMinor(i().openMinor, i().currency),
                date: formatDate(i().dueDate),
              })}
            </p>
          </Show>

          <dl class="summary invoice-summary" data-testid="invoice-summary">
            <div>
              <dt>{t('invoices.billTo')}</dt>
              <dd data-testid="invoice-bill-to">{i().billTo.name}</dd>
            </div>
            <Show when={i().legalNumber}>
              <div>
                <dt>{t('invoices.internalNumber')}</dt>
                <dd class="mono" data-testid="invoice-internal-number">
                  {i().number}
                </dd>
              </div>
            </Show>
            <div>
              <dt>{t('col.issueDate')}</dt>
              <dd>
                <time datetime={i().issueDate}>{formatDate(i().issueDate)}</time>
              </dd>
            </div>
            <div>
              <dt>{t('col.dueDate')}</dt>
              <dd data-testid="invoice-due">
                <time datetime={i().dueDate}>{formatDate(i().dueDate)}</time>
              </dd>
            </div>
            <Show when={i().orderId && i().orderNumber}>
              <div>
                <dt>{t('col.order')}</dt>
                <dd>
                  <A href={`/orders/${i().orderId}`} data-testid="invoice-order-link">
                    {i().orderNumber}
                  </A>
                </dd>
              </div>
            </Show>
          </dl>

          <LinesTable
            id="invoice"
            lines={i().lines}
            emptyText={i().kind === 'credit-note' ? t('invoices.noLinesCredit') : t('invoices.noLines')}
            currency={i().currency}
            footer={
              <>
                <TotalRow
                  label={t('col.total')}
                  minor={i().totalMinor}
                  currency={i().currency}
                  testId="invoice-total"
                />
                <TotalRow
                  label={t('invoices.openBalance')}
                  minor={i().openMinor}
                  currency={i().currency}
                  testId="invoice-open"
                  classList={{ 'invoice-open-row': true, overdue: i().overdue }}
                />
              </>
            }
          />
          <div class="no-print">
            <InvoiceQueries invoiceId={i().id} lines={i().lines} onChange={refetch} />
          </div>
        </article>
      )}
    </DetailPage>
  );
}
