import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, createDialogs, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { withParty } from '../suppliers/document-upload.tsx';
import { downloadVersion, formatBytes } from '../suppliers/supplier-shared.tsx';
import { StatusHeading } from './approvals-shared.tsx';

type Version = Awaited<ReturnType<typeof trpc.documents.get.query>>;
type Decision = 'approve' | 'reject';

/** One uploaded document version for a reviewer: what it is, its file, Download, Start review, Approve/Reject. */
export default function WorkQueueDocument() {
  return (
    <DetailPage
      id="queue-document"
      noun={t('admin.workQueue.colDocument')}
      back={{ href: '/work-queue', label: t('admin.workQueue.back') }}
      fetch={(versionId) => trpc.documents.get.query({ versionId })}
      pageTitle={(v) => t('admin.workQueue.docPageTitle', { type: v.type.name, party: v.partyName })}
    >
      {(v, refetch) => <ReviewView version={v()} refresh={refetch} />}
    </DetailPage>
  );
}

function ReviewView(props: { version: Version; refresh: () => void }) {
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const dialogs = createDialogs<Decision>(() => heading);
  let heading: HTMLHeadingElement | undefined;
  const v = () => props.version;
  const reviewer = () => can('documents:review');
  const open = () => v().status === 'submitted' || v().status === 'under-review';

  const run = async (name: string, call: () => Promise<unknown>, done?: string) => {
    if (busy()) return;
    setBusy(name);
    setError(null);
    setAnnouncement(null);
    try {
      await call();
      if (done) {
        setAnnouncement(done);
        props.refresh();
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <StatusHeading id="queue-document-title" status={v().status} statusTestId="queue-document-status" ref={heading}>
        {v().type.name}
      </StatusHeading>
      <p class="documents-intro">
        {t('admin.workQueue.docVersionFrom', { version: v().versionNo, party: v().partyName })}{' '}
        <A href={withParty(`/documents/${v().typeId}`, v().partyId)} data-testid="queue-document-history">
          {t('admin.workQueue.docAllVersions')}
        </A>{' '}
        ·{' '}
        <A href={withParty('/documents', v().partyId)} data-testid="queue-document-supplier">
          {t('admin.workQueue.docAllOfSupplier')}
        </A>
      </p>
      <Announcement testId="queue-document-announcement" message={announcement()} />
      <Show when={error()}>
        {(message) => (
          <p class="form-error after-panel" role="alert" data-testid="queue-document-error">
            {message()}
          </p>
        )}
      </Show>

      <div class="button-row review-buttons-row">
        <button
          type="button"
          class="button"
          data-testid="queue-document-download"
          disabled={busy() !== null}
          aria-busy={busy() === 'download'}
          onClick={() => void run('download', () => downloadVersion(v().id))}
        >
          {t('admin.workQueue.download')}
        </button>
        <Show when={reviewer() && v().status === 'submitted'}>
          <button
            type="button"
            class="button"
            data-testid="queue-document-start"
            disabled={busy() !== null}
            aria-busy={busy() === 'start'}
            onClick={() =>
              void run(
                'start',
                () => guard(trpc.documents.startReview.mutate({ versionId: v().id })),
                t('admin.workQueue.docReviewing'),
              )
            }
          >
            {t('admin.workQueue.docStartReview')}
          </button>
        </Show>
        <Show when={reviewer() && open()}>
          <button
            type="button"
            class="button button-primary"
            data-testid="queue-document-approve"
            disabled={busy() !== null}
            ref={dialogs.opener('approve')}
            onClick={() => {
              setError(null);
              setAnnouncement(null);
              dialogs.show('approve');
            }}
          >
            {t('admin.approvals.approve')}
          </button>
          <button
            type="button"
            class="button button-danger"
            data-testid="queue-document-reject"
            disabled={busy() !== null}
            ref={dialogs.opener('reject')}
            onClick={() => {
              setError(null);
              setAnnouncement(null);
              dialogs.show('reject');
            }}
          >
            {t('admin.approvals.reject')}
          </button>
        </Show>
      </div>

      <dl class="summary" data-testid="queue-document-summary">
        <div>
          <dt>{t('col.supplier')}</dt>
          <dd>{v().partyName}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.docType')}</dt>
          <dd>{v().type.name}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.colFile')}</dt>
          <dd data-testid="queue-document-file">{v().fileName}</dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.docTypeSize')}</dt>
          <dd>
            {v().contentType}, {formatBytes(v().sizeBytes)}
          </dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.docExpires')}</dt>
          <dd data-testid="queue-document-expires">
            <Show when={v().expiresOn} fallback={<NoValue />}>
              {(d) => <time datetime={d()}>{formatDate(d())}</time>}
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('admin.workQueue.colUploaded')}</dt>
          <dd>
            <time datetime={v().uploadedAt}>{formatDateTime(v().uploadedAt)}</time>{' '}
            {t('admin.workQueue.by', { name: v().uploadedBy })}
          </dd>
        </div>
        <Show when={v().reviewer}>
          {(r) => (
            <div>
              <dt>{t('admin.workQueue.docReviewer')}</dt>
              <dd>{r()}</dd>
            </div>
          )}
        </Show>
        <Show when={v().decidedAt}>
          {(at) => (
            <div>
              <dt>{t('admin.workQueue.decided')}</dt>
              <dd>
                <time datetime={at()}>{formatDateTime(at())}</time>
              </dd>
            </div>
          )}
        </Show>
        <Show when={v().reason}>
          {(reason) => (
            <div>
              <dt>{t('admin.workQueue.colReason')}</dt>
              <dd>{reason()}</dd>
            </div>
          )}
        </Show>
        <div class="summary-wide">
          <dt>SHA-256</dt>
          <dd class="mono" data-testid="queue-document-sha">
            {v().sha256}
          </dd>
        </div>
      </dl>

      <Show when={dialogs.open()}>
        {(decision) => (
          <DecideDialog
            decision={decision()}
            version={v()}
            onClose={dialogs.close}
            onDone={(status) => {
              setAnnouncement(
                t(status === 'approved' ? 'admin.workQueue.docApproved' : 'admin.workQueue.docRejected', {
                  type: v().type.name,
                  party: v().partyName,
                }),
              );
              props.refresh();
            }}
          />
        )}
      </Show>
    </>
  );
}

function DecideDialog(props: {
  decision: Decision;
  version: Version;
  onClose: () => void;
  onDone: (status: 'approved' | 'rejected') => void;
}) {
  const reject = () => props.decision === 'reject';
  return (
    <ReasonDialog
      id="decide"
      title={reject() ? t('admin.approvals.reject') : t('admin.approvals.approve')}
      testId={reject() ? 'reject-dialog' : 'approve-dialog'}
      heading={t(reject() ? 'admin.workQueue.docRejectHeading' : 'admin.workQueue.docApproveHeading', {
        type: props.version.type.name,
      })}
      what={
        props.version.expiresOn
          ? t('admin.workQueue.docWhatUntil', {
              version: props.version.versionNo,
              party: props.version.partyName,
              file: props.version.fileName,
              date: formatDate(props.version.expiresOn),
            })
          : t('admin.workQueue.docWhat', {
              version: props.version.versionNo,
              party: props.version.partyName,
              file: props.version.fileName,
            })
      }
      label={reject() ? t('admin.workQueue.rejectReason') : t('admin.approvals.note')}
      optional={!reject()}
      missing={t('admin.workQueue.docMissing')}
      submitLabel={reject() ? t('admin.workQueue.docRejectSubmit') : t('admin.workQueue.docApproveSubmit')}
      submitClass={reject() ? 'button button-danger' : 'button button-primary'}
      submitTestId="decide-submit"
      send={async (reason) => {
        const versionId = props.version.id;
        const { status } = await guard(
          reject()
            ? trpc.documents.decide.mutate({ versionId, decision: 'reject', reason })
            : trpc.documents.decide.mutate({ versionId, decision: 'approve', ...(reason ? { reason } : {}) }),
        );
        props.onDone(status);
      }}
      onClose={props.onClose}
    />
  );
}
