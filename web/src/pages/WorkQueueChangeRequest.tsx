import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { can } from '../auth.ts';
import { DetailPage, NoValue } from '../data.tsx';
import { errorCode, errorMessage } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { FormError } from '../forms.tsx';
import { withReauth } from '../reauth.tsx';
import { trpc } from '../trpc.ts';
import { ADDRESS_FIELDS, BANK_FIELDS, FIELD_LABELS, fieldValue, KIND_LABELS } from './CompanyDetails.tsx';
import { Badge, ModalDialog } from './supplier-shared.tsx';

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
  const [deciding, setDeciding] = createSignal<Decision | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  let acceptButton: HTMLButtonElement | undefined;
  let rejectButton: HTMLButtonElement | undefined;
  let heading: HTMLHeadingElement | undefined;
  const r = () => props.request;
  const fields = () => (r().kind === 'bank-details' ? BANK_FIELDS : ADDRESS_FIELDS);
  const changed = (f: string) => fieldValue(r().previous, f) !== fieldValue(r().proposed, f);
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
      <div role="status" aria-live="polite" data-testid="queue-change-request-announcement">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>

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
      <p class="hint comparison-hint">Changed fields are marked “Changed” and highlighted.</p>
      <div class="table-wrap stack">
        <table class="data-table comparison" data-testid="comparison" aria-labelledby="comparison-title">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">On record</th>
              <th scope="col">Proposed</th>
              <th scope="col">
                <span class="visually-hidden">Changed?</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={fields()}>
              {(f) => (
                <tr classList={{ 'comparison-changed': changed(f) }} data-testid="comparison-row" data-field={f}>
                  <th scope="row">{FIELD_LABELS[f]}</th>
                  <td data-label="On record" class="wrap">
                    <span classList={{ mono: (f === 'iban' || f === 'bic') && !!fieldValue(r().previous, f) }}>
                      {fieldValue(r().previous, f) || <NoValue />}
                    </span>
                  </td>
                  <td data-label="Proposed" class="wrap" data-testid="comparison-proposed">
                    <Show when={changed(f)} fallback={fieldValue(r().proposed, f) || <NoValue />}>
                      <strong classList={{ mono: (f === 'iban' || f === 'bic') && !!fieldValue(r().proposed, f) }}>
                        {fieldValue(r().proposed, f) || <NoValue />}
                      </strong>
                    </Show>
                  </td>
                  <td class="actions">
                    <Show when={changed(f)} fallback={<span class="visually-hidden">Unchanged</span>}>
                      <span class="badge badge-changed" data-testid="comparison-changed">
                        Changed
                      </span>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

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
            ref={acceptButton}
            onClick={() => {
              setAnnouncement(null);
              setDeciding('accept');
            }}
          >
            Accept
          </button>
          <button
            type="button"
            class="button button-danger"
            data-testid="change-request-reject"
            ref={rejectButton}
            onClick={() => {
              setAnnouncement(null);
              setDeciding('reject');
            }}
          >
            Reject
          </button>
        </div>
      </Show>

      <Show when={deciding()}>
        {(decision) => (
          <DecideDialog
            decision={decision()}
            request={r()}
            onClose={() => {
              const which = deciding();
              setDeciding(null);
              if (pending()) (which === 'reject' ? rejectButton : acceptButton)?.focus();
              else heading?.focus();
            }}
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
  let reasonInput: HTMLTextAreaElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const reject = () => props.decision === 'reject';

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (submitting()) return;
    const reason = (reasonInput?.value ?? '').trim();
    if (reject() && reason.length < 3) {
      setError('Say why the request is rejected; the supplier reads this.');
      reasonInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    const { id, version } = props.request;
    try {
      const { status } = await withReauth(() =>
        reject()
          ? trpc.changeRequests.decide.mutate({ id, version, decision: 'reject', reason })
          : trpc.changeRequests.decide.mutate({ id, version, decision: 'accept', ...(reason ? { reason } : {}) }),
      );
      props.onDone(status);
      close();
    } catch (err) {
      setError(errorMessage(err));
      if (errorCode(err) === 'CONFLICT') props.onStale();
      reasonInput?.focus();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog
      id="cr-decide"
      title={reject() ? 'Reject' : 'Accept'}
      testId={reject() ? 'cr-reject-dialog' : 'cr-accept-dialog'}
      initialFocus={() => reasonInput}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id="cr-decide-title">
            {reject() ? 'Reject' : 'Accept'} the {KIND_LABELS[props.request.kind].toLowerCase()} change
          </h2>
          <p class="hint" id="cr-decide-what">
            {reject()
              ? `${props.request.partyName} keeps what is on record and is told your reason.`
              : `What ${props.request.partyName} proposed replaces what is on record at once.`}
            {props.request.kind === 'bank-details' && !reject()
              ? ' Confirm the new bank details with the supplier through a known contact first.'
              : ''}
          </p>
          <FormError id="cr-decide-error" message={error()} />
          <div class="field">
            <label for="cr-decide-reason">
              {reject() ? 'Reason for the rejection' : 'Note'}
              <Show when={!reject()}>
                <span class="muted"> (optional)</span>
              </Show>
            </label>
            <textarea
              id="cr-decide-reason"
              name="reason"
              class="textarea"
              rows={4}
              maxlength={2000}
              required={reject()}
              aria-invalid={error() && reject() ? 'true' : undefined}
              aria-describedby={error() ? 'cr-decide-error cr-decide-what' : 'cr-decide-what'}
              ref={reasonInput}
            />
          </div>
          <div class="button-row">
            <button
              type="submit"
              class={reject() ? 'button button-danger' : 'button button-primary'}
              data-testid="cr-decide-submit"
              disabled={submitting()}
              aria-busy={submitting()}
            >
              {reject() ? 'Reject request' : 'Accept request'}
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
