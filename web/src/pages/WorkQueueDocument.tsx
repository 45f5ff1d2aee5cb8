import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { can, guard } from '../auth.ts';
import { DetailPage, NoValue } from '../data.tsx';
import { errorMessage } from '../errors.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { FormError } from '../forms.tsx';
import { trpc } from '../trpc.ts';
import { withParty } from './Documents.tsx';
import { Badge, downloadVersion, formatBytes, ModalDialog } from './supplier-shared.tsx';

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
  const [deciding, setDeciding] = createSignal<Decision | null>(null);
  let approveButton: HTMLButtonElement | undefined;
  let rejectButton: HTMLButtonElement | undefined;
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
      <div role="status" aria-live="polite" data-testid="queue-document-announcement">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
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
            ref={approveButton}
            onClick={() => {
              setError(null);
              setAnnouncement(null);
              setDeciding('approve');
            }}
          >
            Approve
          </button>
          <button
            type="button"
            class="button button-danger"
            data-testid="queue-document-reject"
            disabled={busy() !== null}
            ref={rejectButton}
            onClick={() => {
              setError(null);
              setAnnouncement(null);
              setDeciding('reject');
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

      <Show when={deciding()}>
        {(decision) => (
          <DecideDialog
            decision={decision()}
            version={v()}
            onClose={() => {
              const which = deciding();
              setDeciding(null);
              if (open()) (which === 'reject' ? rejectButton : approveButton)?.focus();
              else heading?.focus();
            }}
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
  let reasonInput: HTMLTextAreaElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const reject = () => props.decision === 'reject';

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (submitting()) return;
    const reason = (reasonInput?.value ?? '').trim();
    if (reject() && reason.length < 3) {
      setError('Say why the document is rejected; the supplier reads this.');
      reasonInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const versionId = props.version.id;
      const { status } = await guard(
        reject()
          ? trpc.documents.decide.mutate({ versionId, decision: 'reject', reason })
          : trpc.documents.decide.mutate({ versionId, decision: 'approve', ...(reason ? { reason } : {}) }),
      );
      props.onDone(status);
      close();
    } catch (err) {
      setError(errorMessage(err));
      reasonInput?.focus();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog
      id="decide"
      title={reject() ? 'Reject' : 'Approve'}
      testId={reject() ? 'reject-dialog' : 'approve-dialog'}
      initialFocus={() => reasonInput}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id="decide-title">
            {reject() ? 'Reject' : 'Approve'} {props.version.type.name}
          </h2>
          <p class="hint" id="decide-what">
            Version {props.version.versionNo} from {props.version.partyName}, file {props.version.fileName}
            {props.version.expiresOn ? `, valid until ${formatDate(props.version.expiresOn)}` : ''}.
          </p>
          <FormError id="decide-error" message={error()} />
          <div class="field">
            <label for="decide-reason">
              {reject() ? 'Reason for the rejection' : 'Note'}
              <Show when={!reject()}>
                <span class="muted"> (optional)</span>
              </Show>
            </label>
            <textarea
              id="decide-reason"
              name="reason"
              class="textarea"
              rows={4}
              maxlength={2000}
              required={reject()}
              aria-invalid={error() && reject() ? 'true' : undefined}
              aria-describedby={error() ? 'decide-error decide-what' : 'decide-what'}
              ref={reasonInput}
            />
          </div>
          <div class="button-row">
            <button
              type="submit"
              class={reject() ? 'button button-danger' : 'button button-primary'}
              data-testid="decide-submit"
              disabled={submitting()}
              aria-busy={submitting()}
            >
              {reject() ? 'Reject document' : 'Approve document'}
            </button>
            <button type="button" class="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
