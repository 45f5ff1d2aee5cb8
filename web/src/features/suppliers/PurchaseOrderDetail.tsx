import { createSignal, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, createDialogs, LinesTable, ReasonDialog, TotalRow } from '../../shared/components.tsx';
import { DetailPage } from '../../shared/data.tsx';
import { DownloadButton } from '../../shared/download-button.tsx';
import { formatDateTime, formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { ConfirmationRounds, ConfirmLinesDialog, createCollab, DeliveryProgress } from './po-collab.tsx';
import { DateCell } from './po-pieces.tsx';
import { PoThread } from './po-thread.tsx';
import { Badge } from './supplier-shared.tsx';

type PurchaseOrder = Awaited<ReturnType<typeof trpc.purchaseOrders.get.query>>;

/** Statuses in which the supplier may still acknowledge or flag a problem (the server decides too). */
const OPEN_STATUSES: readonly string[] = ['open', 'acknowledged', 'problem'];

export default function PurchaseOrderDetail() {
  return (
    <DetailPage
      id="purchase-order"
      noun={t('po.noun1')}
      back={{ href: '/purchase-orders', label: t('po.back') }}
      fetch={(id) => trpc.purchaseOrders.get.query({ id })}
      pageTitle={(po) => t('po.title', { number: po.number })}
    >
      {(po, refetch) => <PurchaseOrderView po={po()} refresh={refetch} />}
    </DetailPage>
  );
}

function PurchaseOrderView(props: { po: PurchaseOrder; refresh: () => void }) {
  const dialogs = createDialogs<'confirm' | 'problem'>();
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  // Bumped when the page itself writes on the thread (a problem flagged), so the thread reads again.
  const [threadVersion, setThreadVersion] = createSignal(0);
  const collab = createCollab(() => props.po.id);
  const latest = () => collab.rounds()?.items[0];
  const actionable = () => can('purchase-orders:acknowledge') && OPEN_STATUSES.includes(props.po.status);
  const refreshAll = () => {
    props.refresh();
    collab.refetch();
  };
  const open = (which: 'confirm' | 'problem') => {
    setAnnouncement(null);
    dialogs.show(which);
  };

  return (
    <>
      <div class="detail-header">
        <h1 id="purchase-order-title" data-testid="purchase-order-title">
          {t('po.title', { number: props.po.number })}
        </h1>
        <Badge status={props.po.status} testId="purchase-order-status" />
        <DownloadButton
          label={t('po.pdf')}
          testId="purchase-order-pdf"
          fetch={() => trpc.purchaseOrders.pdf.mutate({ id: props.po.id })}
        />
        <Show when={actionable()}>
          <div class="button-row po-actions">
            {/* Per line (issue 19): the first answer, then "Change confirmation" for a new round. */}
            <button
              type="button"
              class="button button-primary"
              data-testid="po-confirm"
              ref={dialogs.opener('confirm')}
              onClick={() => open('confirm')}
              disabled={collab.rounds.loading}
            >
              {latest() ? t('po.changeConfirmation') : t('po.confirmLines')}
            </button>
            <button
              type="button"
              class="button"
              data-testid="po-flag-problem"
              ref={dialogs.opener('problem')}
              onClick={() => open('problem')}
            >
              {t('po.flag')}
            </button>
          </div>
        </Show>
      </div>
      <Announcement testId="purchase-order-announcement" message={announcement()} />

      <Show when={props.po.status === 'problem' && props.po.problemNote}>
        {(note) => (
          <div class="notice po-problem" role="note" data-testid="po-problem">
            <p class="po-problem-line">
              <strong>{t('po.problemReported')}</strong>
              <Show when={props.po.problemBy}>{(by) => <> {t('po.by', { name: by() })}</>}</Show>
              <Show when={props.po.problemAt}>
                {(at) => (
                  <>
                    {' '}
                    {t('po.on')} <time datetime={at()}>{formatDateTime(at())}</time>
                  </>
                )}
              </Show>
              :
            </p>
            <p class="po-problem-line po-problem-note">{note()}</p>
          </div>
        )}
      </Show>

      <dl class="summary" data-testid="purchase-order-summary">
        <div>
          <dt>{t('order.date')}</dt>
          <dd>
            <DateCell date={props.po.orderDate} />
          </dd>
        </div>
        <div>
          <dt>{t('po.requestedDelivery')}</dt>
          <dd data-testid="po-requested">
            <DateCell date={props.po.requestedDate} />
          </dd>
        </div>
        <div>
          <dt>{t('po.promisedDelivery')}</dt>
          <dd data-testid="po-promised">
            <DateCell date={props.po.promisedDate} />
          </dd>
        </div>
        <div>
          <dt>{t('col.total')}</dt>
          <dd data-testid="po-total">{formatMinor(props.po.totalMinor, props.po.currency)}</dd>
        </div>
        <Show when={props.po.acknowledgedAt}>
          {(at) => (
            <div>
              <dt>{t('status.acknowledged')}</dt>
              <dd data-testid="po-acknowledged">
                <time datetime={at()}>{formatDateTime(at())}</time>
                <Show when={props.po.acknowledgedBy}>{(by) => <> {t('po.by', { name: by() })}</>}</Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.po.status !== 'problem' && props.po.problemNote}>
          {(note) => (
            <div>
              <dt>{t('po.earlierProblem')}</dt>
              <dd class="wrap-text">{note()}</dd>
            </div>
          )}
        </Show>
      </dl>

      <LinesTable
        id="purchase-order"
        lines={props.po.lines}
        emptyText={t('po.noLines')}
        currency={props.po.currency}
        footer={<TotalRow label={t('col.total')} minor={props.po.totalMinor} currency={props.po.currency} />}
      />

      <ConfirmationRounds
        po={props.po}
        rounds={collab.rounds()?.items ?? []}
        onDecided={(message) => {
          setAnnouncement(message);
          refreshAll();
        }}
      />
      <DeliveryProgress po={props.po} progress={collab.progress()} error={collab.progress.error} />
      <PoThread
        purchaseOrderId={props.po.id}
        poNumber={props.po.number}
        version={threadVersion()}
        onChange={props.refresh}
      />

      <Show when={dialogs.open() === 'confirm'}>
        <ConfirmLinesDialog
          po={props.po}
          previous={latest()}
          onClose={dialogs.close}
          onDone={(status) => {
            setAnnouncement(
              status === 'accepted'
                ? t('po.confirmedAsOrdered', { number: props.po.number })
                : t('po.confirmationSent', { number: props.po.number }),
            );
            refreshAll();
          }}
        />
      </Show>
      <Show when={dialogs.open() === 'problem'}>
        <ProblemDialog
          po={props.po}
          onClose={dialogs.close}
          onDone={() => {
            setAnnouncement(t('po.problemSent', { number: props.po.number }));
            setThreadVersion((v) => v + 1);
            refreshAll();
          }}
        />
      </Show>
    </>
  );
}

function ProblemDialog(props: { po: PurchaseOrder; onClose: () => void; onDone: () => void }) {
  return (
    <ReasonDialog
      id="problem"
      title={t('po.flag')}
      testId="problem-dialog"
      heading={<>Flag a problem with {props.po.number}</>}
      label={t('po.whatProblem')}
      name="note"
      rows={5}
      hint={t('po.problemHint')}
      missing={t('po.problemMissing')}
      submitLabel={t('po.flagSubmit')}
      submitTestId="problem-submit"
      send={async (note) => {
        await guard(trpc.purchaseOrders.flagProblem.mutate({ id: props.po.id, note }));
        props.onDone();
      }}
      onClose={props.onClose}
    />
  );
}
