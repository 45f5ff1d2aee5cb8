import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { Announcement, createDialogs, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { withParty } from '../suppliers/document-upload.tsx';
import { Badge, downloadVersion, formatBytes } from '../suppliers/supplier-shared.tsx';

type Version = Awaited<ReturnType<typeof trpc.documents.get.query>>;
type Decision = 'approve' | 'reject';

/** One uploaded document version for a reviewer: what it is, its file, Download, Start review, Approve/Reject. */
export default function WorkQueueDocument() {
  return (
    <DetailPage
      id="queue-document"
      noun="Document"
      back={{ href: '/work-queue', label: 'Back to the work queue' }}
      fetch={(versionId) => trpc.documents.get.query({ versionId })}
      pageTitle={(v) => `${v.type.name} of ${v.partyName}`}
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
      <div class="detail-header">
        <h1
          id="queue-document-title"
          data-testid="queue-document-title"
          class="focus-target"
          tabindex="-1"
          ref={heading}
        >
          {v().type.name}
        </h1>
        <Badge status={v().status} testId="queue-document-status" />
      </div>
      <p class="documents-intro">
        Version {v().versionNo} from <strong>{v().partyName}</strong>.{' '}
        <A href={withParty(`/documents/${v().typeId}`, v().partyId)} data-testid="queue-document-history">
          All versions
        </A>{' '}
        ·{' '}
        <A href={withParty('/documents', v().partyId)} data-testid="queue-document-supplier">
          All documents of this supplier
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
          Download
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
                'You are reviewing this document; other reviewers see it as under review.',
              )
            }
          >
            Start review
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
            Approve
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
            Reject
          </button>
        </Show>
      </div>

      <dl class="summary" data-testid="queue-document-summary">
        <div>
          <dt>Supplier</dt>
          <dd>{v().partyName}</dd>
        </div>
        <div>
          <dt>Document type</dt>
          <dd>{v().type.name}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd data-testid="queue-document-file">{v().fileName}</dd>
        </div>
        <div>
          <dt>Type and size</dt>
          <dd>
            {v().contentType}, {formatBytes(v().sizeBytes)}
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd data-testid="queue-document-expires">
            <Show when={v().expiresOn} fallback={<NoValue />}>
              {(d) => <time datetime={d()}>{formatDate(d())}</time>}
            </Show>
          </dd>
        </div>
        <div>
          <dt>Uploaded</dt>
          <dd>
            <time datetime={v().uploadedAt}>{formatDateTime(v().uploadedAt)}</time> by {v().uploadedBy}
          </dd>
        </div>
        <Show when={v().reviewer}>
          {(r) => (
            <div>
              <dt>Reviewer</dt>
              <dd>{r()}</dd>
            </div>
          )}
        </Show>
        <Show when={v().decidedAt}>
          {(at) => (
            <div>
              <dt>Decided</dt>
              <dd>
                <time datetime={at()}>{formatDateTime(at())}</time>
              </dd>
            </div>
          )}
        </Show>
        <Show when={v().reason}>
          {(reason) => (
            <div>
              <dt>Reason</dt>
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
                status === 'approved'
                  ? `${v().type.name} of ${v().partyName} approved; the supplier is told by email.`
                  : `${v().type.name} of ${v().partyName} rejected; the supplier is told why by email.`,
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
      title={reject() ? 'Reject' : 'Approve'}
      testId={reject() ? 'reject-dialog' : 'approve-dialog'}
      heading={
        <>
          {reject() ? 'Reject' : 'Approve'} {props.version.type.name}
        </>
      }
      what={
        <>
          Version {props.version.versionNo} from {props.version.partyName}, file {props.version.fileName}
          {props.version.expiresOn ? `, valid until ${formatDate(props.version.expiresOn)}` : ''}.
        </>
      }
      label={reject() ? 'Reason for the rejection' : 'Note'}
      optional={!reject()}
      missing="Say why the document is rejected; the supplier reads this."
      submitLabel={reject() ? 'Reject document' : 'Approve document'}
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
