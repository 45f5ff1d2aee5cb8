import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { Announcement, createDialogs, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage } from '../../shared/data.tsx';
import { errorCode } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { type InvoiceQuery, QueryThread, reasonLabel } from '../orders/payables-shared.tsx';
import { StatusHeading } from './approvals-shared.tsx';

type Action = 'reply' | 'resolved' | 'rejected';

/** Each action's dialog words (catalogue keys; the heading takes {party} and {number}). */
const IQ_TEXT: Record<Action, { title: AdminKey; heading: AdminKey; what: AdminKey; submit: AdminKey }> = {
  reply: {
    title: 'admin.workQueue.iqReply',
    heading: 'admin.workQueue.iqReplyHeading',
    what: 'admin.workQueue.iqReplyWhat',
    submit: 'admin.workQueue.iqReplySubmit',
  },
  resolved: {
    title: 'admin.workQueue.iqResolve',
    heading: 'admin.workQueue.iqResolveHeading',
    what: 'admin.workQueue.iqResolveWhat',
    submit: 'admin.workQueue.iqResolveSubmit',
  },
  rejected: {
    title: 'admin.approvals.reject',
    heading: 'admin.workQueue.iqRejectHeading',
    what: 'admin.workQueue.iqRejectWhat',
    submit: 'admin.workQueue.iqRejectSubmit',
  },
};

/**
 * One invoice query for staff: what is queried (the invoice, the line), the thread with the customer's
 * files, then Reply, Resolve or Reject. Resolving and rejecting carry a reason the customer reads, go to
 * the ERP, and name the version seen: a query that changed meanwhile (a new message) is reloaded.
 */
export default function WorkQueueInvoiceQuery() {
  return (
    <DetailPage
      id="queue-invoice-query"
      noun={t('admin.workQueue.iqTitle')}
      back={{ href: '/work-queue?tab=invoice-queries', label: t('admin.workQueue.back') }}
      fetch={(id) => trpc.invoiceQueries.get.query({ id })}
      pageTitle={(q) => t('admin.workQueue.iqPageTitle', { number: q.invoiceNumber, party: q.partyName })}
    >
      {(q, refetch) => <QueryView query={q()} refresh={refetch} />}
    </DetailPage>
  );
}

function QueryView(props: { query: InvoiceQuery; refresh: () => void }) {
  const dialogs = createDialogs<Action>(() => heading);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;
  const q = () => props.query;
  const open = () => q().status === 'open' && can('invoice-queries:handle');
  const opener = (a: Action) => ({
    ref: dialogs.opener(a),
    onClick: () => {
      setAnnouncement(null);
      dialogs.show(a);
    },
  });
  return (
    <>
      <StatusHeading
        id="queue-invoice-query-title"
        status={q().status}
        statusTestId="queue-invoice-query-status"
        ref={heading}
      >
        {t(q().invoiceKind === 'credit-note' ? 'admin.workQueue.iqHeadingCredit' : 'admin.workQueue.iqHeading', {
          number: q().invoiceNumber,
        })}
      </StatusHeading>
      <Announcement testId="queue-invoice-query-announcement" message={announcement()} />
      <dl class="summary" data-testid="queue-invoice-query-summary">
        <div>
          <dt>{t('col.customer')}</dt>
          <dd>{q().partyName}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.iqAbout')}</dt>
          <dd data-testid="queue-invoice-query-about">
            <A href={`/invoices/${q().invoiceId}`}>{q().invoiceNumber}</A>
            <Show when={q().line} fallback={` ${t('admin.workQueue.iqWhole')}`}>
              {(line) => (
                <>
                  {t('admin.workQueue.iqLine', { line: line().lineNo })}: {line().description}
                </>
              )}
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.colReason')}</dt>
          <dd>{reasonLabel(q().reason)}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.colRaised')}</dt>
          <dd>
            <time datetime={q().raisedAt}>{formatDateTime(q().raisedAt)}</time>{' '}
            {t('admin.workQueue.by', { name: q().raisedBy })}
          </dd>
        </div>
      </dl>
      <h2>{t('admin.workQueue.iqThread')}</h2>
      <QueryThread query={q()} />
      <Show when={open()}>
        <div class="button-row after-panel">
          <button type="button" class="button button-primary" data-testid="query-reply" {...opener('reply')}>
            {t('admin.workQueue.iqReply')}
          </button>
          <button type="button" class="button" data-testid="query-resolve" {...opener('resolved')}>
            {t('admin.workQueue.iqResolve')}
          </button>
          <button type="button" class="button button-danger" data-testid="query-reject" {...opener('rejected')}>
            {t('admin.approvals.reject')}
          </button>
        </div>
      </Show>
      <Show when={dialogs.open()}>
        {(action) => (
          <ReasonDialog
            id="iq-action"
            title={t(IQ_TEXT[action()].title)}
            testId="iq-action-dialog"
            heading={t(IQ_TEXT[action()].heading, { party: q().partyName, number: q().invoiceNumber })}
            what={t(IQ_TEXT[action()].what)}
            label={t(action() === 'reply' ? 'admin.workQueue.iqMessage' : 'admin.workQueue.colReason')}
            missing={t(action() === 'reply' ? 'admin.workQueue.iqReplyMissing' : 'admin.workQueue.iqReasonMissing')}
            rows={5}
            submitLabel={t(IQ_TEXT[action()].submit)}
            submitClass={action() === 'rejected' ? 'button button-danger' : 'button button-primary'}
            submitTestId="iq-action-submit"
            send={async (text) => {
              const a = action();
              if (a === 'reply') {
                await trpc.invoiceQueries.reply.mutate({ id: q().id, message: text });
                setAnnouncement(t('admin.workQueue.iqReplied', { name: q().raisedBy }));
              } else {
                await trpc.invoiceQueries.close.mutate({ id: q().id, version: q().version, outcome: a, reason: text });
                setAnnouncement(
                  t(a === 'resolved' ? 'admin.workQueue.iqResolved' : 'admin.workQueue.iqRejected', {
                    name: q().raisedBy,
                  }),
                );
              }
              props.refresh();
            }}
            onRefused={(err) => {
              if (errorCode(err) === 'CONFLICT') props.refresh();
              return false;
            }}
            onClose={dialogs.close}
          />
        )}
      </Show>
    </>
  );
}
