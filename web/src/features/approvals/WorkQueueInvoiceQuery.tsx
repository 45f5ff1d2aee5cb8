import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { Announcement, createDialogs, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage } from '../../shared/data.tsx';
import { errorCode } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { type InvoiceQuery, QueryThread, reasonLabel } from '../orders/payables-shared.tsx';
import { Badge } from '../suppliers/supplier-shared.tsx';

type Action = 'reply' | 'resolved' | 'rejected';

/**
 * One invoice query for staff: what is queried (the invoice, the line), the thread with the customer's
 * files, then Reply, Resolve or Reject. Resolving and rejecting carry a reason the customer reads, go to
 * the ERP, and name the version seen: a query that changed meanwhile (a new message) is reloaded.
 */
export default function WorkQueueInvoiceQuery() {
  return (
    <DetailPage
      id="queue-invoice-query"
      noun="Invoice query"
      back={{ href: '/work-queue?tab=invoice-queries', label: 'Back to the work queue' }}
      fetch={(id) => trpc.invoiceQueries.get.query({ id })}
      pageTitle={(q) => `Query on ${q.invoiceNumber} from ${q.partyName}`}
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
      <div class="detail-header">
        <h1
          id="queue-invoice-query-title"
          data-testid="queue-invoice-query-title"
          class="focus-target"
          tabindex="-1"
          ref={heading}
        >
          Query on {q().invoiceKind === 'credit-note' ? 'credit note' : 'invoice'} {q().invoiceNumber}
        </h1>
        <Badge status={q().status} testId="queue-invoice-query-status" />
      </div>
      <Announcement testId="queue-invoice-query-announcement" message={announcement()} />
      <dl class="summary" data-testid="queue-invoice-query-summary">
        <div>
          <dt>Customer</dt>
          <dd>{q().partyName}</dd>
        </div>
        <div>
          <dt>About</dt>
          <dd data-testid="queue-invoice-query-about">
            <A href={`/invoices/${q().invoiceId}`}>{q().invoiceNumber}</A>
            {q().line ? `, line ${q().line?.lineNo}: ${q().line?.description}` : ' (the whole invoice)'}
          </dd>
        </div>
        <div>
          <dt>Reason</dt>
          <dd>{reasonLabel(q().reason)}</dd>
        </div>
        <div>
          <dt>Raised</dt>
          <dd>
            <time datetime={q().raisedAt}>{formatDateTime(q().raisedAt)}</time> by {q().raisedBy}
          </dd>
        </div>
      </dl>
      <h2>Thread</h2>
      <QueryThread query={q()} />
      <Show when={open()}>
        <div class="button-row after-panel">
          <button type="button" class="button button-primary" data-testid="query-reply" {...opener('reply')}>
            Reply
          </button>
          <button type="button" class="button" data-testid="query-resolve" {...opener('resolved')}>
            Resolve
          </button>
          <button type="button" class="button button-danger" data-testid="query-reject" {...opener('rejected')}>
            Reject
          </button>
        </div>
      </Show>
      <Show when={dialogs.open()}>
        {(action) => (
          <ReasonDialog
            id="iq-action"
            title={action() === 'reply' ? 'Reply' : action() === 'resolved' ? 'Resolve' : 'Reject'}
            testId="iq-action-dialog"
            heading={
              action() === 'reply'
                ? `Reply to ${q().partyName}`
                : `${action() === 'resolved' ? 'Resolve' : 'Reject'} the query on ${q().invoiceNumber}`
            }
            what={
              action() === 'reply'
                ? 'The customer reads this in Gatehouse and gets it by mail.'
                : `The customer is told your reason by mail, and the ERP is told the query was ${action()}.`
            }
            label={action() === 'reply' ? 'Message' : 'Reason'}
            missing={action() === 'reply' ? 'Write your reply.' : 'Say why; the customer reads this.'}
            rows={5}
            submitLabel={
              action() === 'reply' ? 'Send reply' : action() === 'resolved' ? 'Resolve query' : 'Reject query'
            }
            submitClass={action() === 'rejected' ? 'button button-danger' : 'button button-primary'}
            submitTestId="iq-action-submit"
            send={async (text) => {
              const a = action();
              if (a === 'reply') {
                await trpc.invoiceQueries.reply.mutate({ id: q().id, message: text });
                setAnnouncement(`Reply sent: ${q().raisedBy} was told by mail.`);
              } else {
                await trpc.invoiceQueries.close.mutate({ id: q().id, version: q().version, outcome: a, reason: text });
                setAnnouncement(`Query ${a}: ${q().raisedBy} was told by mail, and the ERP was told.`);
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
