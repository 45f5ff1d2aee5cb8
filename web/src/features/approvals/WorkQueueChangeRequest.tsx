import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, createDialogs, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { errorCode } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { ADDRESS_FIELDS, BANK_FIELDS, ComparisonTable, kindLabel } from '../suppliers/change-request-pieces.tsx';
import { StatusHeading } from './approvals-shared.tsx';

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
      noun={t('admin.workQueue.crTitle')}
      back={{ href: '/work-queue?tab=change-requests', label: t('admin.workQueue.back') }}
      fetch={(id) => trpc.changeRequests.get.query({ id })}
      pageTitle={(r) => t('admin.workQueue.crPageTitle', { kind: kindLabel(r.kind), party: r.partyName })}
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
      <StatusHeading
        id="queue-change-request-title"
        status={r().status}
        statusTestId="queue-change-request-status"
        ref={heading}
      >
        {t('admin.workQueue.crHeading', { kind: kindLabel(r().kind) })}
      </StatusHeading>
      <Announcement testId="queue-change-request-announcement" message={announcement()} />

      <dl class="summary" data-testid="queue-change-request-summary">
        <div>
          <dt>{t('col.supplier')}</dt>
          <dd>{r().partyName}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.colChange')}</dt>
          <dd>{kindLabel(r().kind)}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.colRequested')}</dt>
          <dd>
            <time datetime={r().requestedAt}>{formatDateTime(r().requestedAt)}</time>{' '}
            {t('admin.workQueue.by', { name: r().requestedBy })}
          </dd>
        </div>
        <Show when={r().decidedAt}>
          {(at) => (
            <div>
              <dt>{t('admin.workQueue.decided')}</dt>
              <dd>
                <time datetime={at()}>{formatDateTime(at())}</time>
                <Show when={r().decidedBy}>{(by) => <> {t('admin.workQueue.by', { name: by() })}</>}</Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={r().reason}>
          {(reason) => (
            <div>
              <dt>{t('admin.workQueue.colReason')}</dt>
              <dd>{reason()}</dd>
            </div>
          )}
        </Show>
        <div class="summary-wide">
          <dt>{t('admin.workQueue.supplierNote')}</dt>
          <dd data-testid="queue-change-request-note">{r().note ?? <NoValue />}</dd>
        </div>
      </dl>

      <h2 id="comparison-title">{t('admin.workQueue.comparison')}</h2>
      <ComparisonTable
        testId="comparison"
        labelledBy="comparison-title"
        fields={fields()}
        previous={r().previous}
        proposed={r().proposed}
        proposedLabel={t('admin.workQueue.proposed')}
      />

      <Show when={pending() && r().approvalId}>
        <p class="notice after-panel" role="note" data-testid="change-request-via-approvals">
          {t('admin.workQueue.viaApprovals')}
          <Show when={can('approvals:read') ? r().approvalId : null}>
            {(approvalId) => (
              <>
                {' '}
                <A href={`/approvals/${approvalId()}`} data-testid="change-request-approval-link">
                  {t('admin.workQueue.openApproval')}
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
            {t('admin.workQueue.accept')}
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
            {t('admin.approvals.reject')}
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
                  ? t('admin.workQueue.crAccepted', { party: r().partyName })
                  : t('admin.workQueue.crRejected', { party: r().partyName }),
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
      title={reject() ? t('admin.approvals.reject') : t('admin.workQueue.accept')}
      testId={reject() ? 'cr-reject-dialog' : 'cr-accept-dialog'}
      heading={t(reject() ? 'admin.workQueue.crRejectHeading' : 'admin.workQueue.crAcceptHeading', {
        kind: props.request.kind === 'bank-details' ? 'bank' : 'address',
      })}
      what={
        reject()
          ? t('admin.workQueue.crRejectWhat', { party: props.request.partyName })
          : props.request.kind === 'bank-details'
            ? t('admin.workQueue.crAcceptBankWhat', { party: props.request.partyName })
            : t('admin.workQueue.crAcceptWhat', { party: props.request.partyName })
      }
      label={reject() ? t('admin.workQueue.rejectReason') : t('admin.approvals.note')}
      optional={!reject()}
      missing={t('admin.workQueue.crMissing')}
      submitLabel={reject() ? t('admin.approvals.rejectSubmit') : t('admin.workQueue.crAcceptSubmit')}
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
