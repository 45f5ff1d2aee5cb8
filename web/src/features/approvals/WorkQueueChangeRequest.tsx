import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { Announcement, createDialogs, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { errorCode } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { ADDRESS_FIELDS, BANK_FIELDS, ComparisonTable, KIND_LABELS } from '../suppliers/change-request-pieces.tsx';
import { Badge } from '../suppliers/supplier-shared.tsx';

type Request = Awaited<ReturnType<typeof trpc.changeRequests.get.query>>;
type Decision = 'accept' | 'reject';

/**
 * One master-data change request for a handler: what is on record beside what is proposed (changed fields
 * marked in words), then Accept or Reject. Deciding is sensitive (bank details are a fraud target): the
 * server may ask for the password again, and the request's version guards against deciding a stale view.
 */
export default function WorkQueueChangeRequest() {
  return (
    <DetailPage
      id="queue-change-request"
      noun="Change request"
      back={{ href: '/work-queue?tab=change-requests', label: 'Back to the work queue' }}
      fetch={(id) => trpc.changeRequests.get.query({ id })}
      pageTitle={(r) => `${KIND_LABELS[r.kind]} change of ${r.partyName}`}
    >
      {(r, refetch) => <RequestView request={r()} refresh={refetch} />}
    </DetailPage>
  );
}

function RequestView(props: { request: Request; refresh: () => void }) {
  const dialogs = createDialogs<Decision>(() => heading);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;
  const r = () => props.request;
  const fields = () => (r().kind === 'bank-details' ? BANK_FIELDS : ADDRESS_FIELDS);
  const pending = () => r().status === 'pending';

  return (
    <>
      <div class="detail-header">
        <h1
          id="queue-change-request-title"
          data-testid="queue-change-request-title"
          class="focus-target"
          tabindex="-1"
          ref={heading}
        >
          {KIND_LABELS[r().kind]} change
        </h1>
        <Badge status={r().status} testId="queue-change-request-status" />
      </div>
      <Announcement testId="queue-change-request-announcement" message={announcement()} />

      <dl class="summary" data-testid="queue-change-request-summary">
        <div>
          <dt>Supplier</dt>
          <dd>{r().partyName}</dd>
        </div>
        <div>
          <dt>Change</dt>
          <dd>{KIND_LABELS[r().kind]}</dd>
        </div>
        <div>
          <dt>Requested</dt>
          <dd>
            <time datetime={r().requestedAt}>{formatDateTime(r().requestedAt)}</time> by {r().requestedBy}
          </dd>
        </div>
        <Show when={r().decidedAt}>
          {(at) => (
            <div>
              <dt>Decided</dt>
              <dd>
                <time datetime={at()}>{formatDateTime(at())}</time>
                <Show when={r().decidedBy}>{(by) => <> by {by()}</>}</Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={r().reason}>
          {(reason) => (
            <div>
              <dt>Reason</dt>
              <dd>{reason()}</dd>
            </div>
          )}
        </Show>
        <div class="summary-wide">
          <dt>Note from the supplier</dt>
          <dd data-testid="queue-change-request-note">{r().note ?? <NoValue />}</dd>
        </div>
      </dl>

      <h2 id="comparison-title">On record and proposed</h2>
      <ComparisonTable
        testId="comparison"
        labelledBy="comparison-title"
        fields={fields()}
        previous={r().previous}
        proposed={r().proposed}
        proposedLabel="Proposed"
      />

      <Show when={pending() && r().approvalId}>
        <p class="notice after-panel" role="note" data-testid="change-request-via-approvals">
          Bank-detail changes are decided through approvals: two approvers accept or reject this request in their
          approvals inbox. It stays pending until then.
          <Show when={can('approvals:read') ? r().approvalId : null}>
            {(approvalId) => (
              <>
                {' '}
                <A href={`/approvals/${approvalId()}`} data-testid="change-request-approval-link">
                  Open the approval request
                </A>
              </>
            )}
          </Show>
        </p>
      </Show>
      <Show when={pending() && !r().approvalId && can('change-requests:handle')}>
        <div class="button-row after-panel">
          <button
            type="button"
            class="button button-primary"
            data-testid="change-request-accept"
            ref={dialogs.opener('accept')}
            onClick={() => {
              setAnnouncement(null);
              dialogs.show('accept');
            }}
          >
            Accept
          </button>
          <button
            type="button"
            class="button button-danger"
            data-testid="change-request-reject"
            ref={dialogs.opener('reject')}
            onClick={() => {
              setAnnouncement(null);
              dialogs.show('reject');
            }}
          >
            Reject
          </button>
        </div>
      </Show>

      <Show when={dialogs.open()}>
        {(decision) => (
          <DecideDialog
            decision={decision()}
            request={r()}
            onClose={dialogs.close}
            onDone={(status) => {
              setAnnouncement(
                status === 'accepted'
                  ? `Accepted: what ${r().partyName} proposed is now on record.`
                  : `Rejected: ${r().partyName} is told why.`,
              );
              props.refresh();
            }}
            onStale={props.refresh}
          />
        )}
      </Show>
    </>
  );
}

function DecideDialog(props: {
  decision: Decision;
  request: Request;
  onClose: () => void;
  onDone: (status: 'accepted' | 'rejected') => void;
  /** The request changed meanwhile: load it again (the dialog stays, saying so). */
  onStale: () => void;
}) {
  const reject = () => props.decision === 'reject';
  return (
    <ReasonDialog
      id="cr-decide"
      title={reject() ? 'Reject' : 'Accept'}
      testId={reject() ? 'cr-reject-dialog' : 'cr-accept-dialog'}
      heading={
        <>
          {reject() ? 'Reject' : 'Accept'} the {KIND_LABELS[props.request.kind].toLowerCase()} change
        </>
      }
      what={
        (reject()
          ? `${props.request.partyName} keeps what is on record and is told your reason.`
          : `What ${props.request.partyName} proposed replaces what is on record at once.`) +
        (props.request.kind === 'bank-details' && !reject()
          ? ' Confirm the new bank details with the supplier through a known contact first.'
          : '')
      }
      label={reject() ? 'Reason for the rejection' : 'Note'}
      optional={!reject()}
      missing="Say why the request is rejected; the supplier reads this."
      submitLabel={reject() ? 'Reject request' : 'Accept request'}
      submitClass={reject() ? 'button button-danger' : 'button button-primary'}
      submitTestId="cr-decide-submit"
      send={async (reason) => {
        const { id, version } = props.request;
        const { status } = await withReauth(() =>
          reject()
            ? trpc.changeRequests.decide.mutate({ id, version, decision: 'reject', reason })
            : trpc.changeRequests.decide.mutate({ id, version, decision: 'accept', ...(reason ? { reason } : {}) }),
        );
        props.onDone(status);
      }}
      onRefused={(err) => {
        if (errorCode(err) === 'CONFLICT') props.onStale();
        return false;
      }}
      onClose={props.onClose}
    />
  );
}
