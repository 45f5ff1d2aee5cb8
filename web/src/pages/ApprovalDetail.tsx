import { createSignal, For, type JSX, Show } from 'solid-js';
import { guard } from '../auth.ts';
import { DetailPage, NoValue } from '../data.tsx';
import { errorCode, errorMessage } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { FormError } from '../forms.tsx';
import { trpc } from '../trpc.ts';
import { DECISION_LABELS, formatMajor, formatWait, Money, TYPE_LABELS, waitWords } from './approvals-shared.tsx';
import { BANK_FIELDS, FIELD_LABELS, fieldValue } from './CompanyDetails.tsx';
import { Badge, ModalDialog } from './supplier-shared.tsx';

type Request = Awaited<ReturnType<typeof trpc.approvals.get.query>>;
type Decision = 'approve' | 'reject' | 'request-changes';

const DECISION_TEXT: Record<Decision, { button: string; title: string; submit: string; what: string }> = {
  approve: {
    button: 'Approve',
    title: 'Approve',
    submit: 'Approve request',
    what: 'Your approval counts for the current level. On the last level the change applies at once.',
  },
  reject: {
    button: 'Reject',
    title: 'Reject',
    submit: 'Reject request',
    what: 'Nothing changes; the request ends and whoever made it reads your reason.',
  },
  'request-changes': {
    button: 'Request changes',
    title: 'Request changes to',
    submit: 'Send back',
    what: 'The request goes back to whoever made it, with your reason, to correct and resubmit.',
  },
};

/**
 * One approval request: what it is, the rule that applies (snapshotted at submission), the held change
 * beside what it replaces, the full trail, and Approve / Reject / Request changes when the caller may
 * decide (otherwise why not, in words). Every decision names the version seen; a stale one is refused.
 */
export default function ApprovalDetail() {
  return (
    <DetailPage
      id="approval"
      noun="Approval request"
      back={{ href: '/approvals', label: 'Back to approvals' }}
      fetch={(id) => trpc.approvals.get.query({ id })}
      pageTitle={(r) => r.title}
    >
      {(r, refetch) => <RequestView request={r()} refresh={refetch} />}
    </DetailPage>
  );
}

function RequestView(props: { request: Request; refresh: () => void }) {
  const [deciding, setDeciding] = createSignal<Decision | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [conflict, setConflict] = createSignal<string | null>(null);
  const buttons: Partial<Record<Decision, HTMLButtonElement>> = {};
  let heading: HTMLHeadingElement | undefined;
  const r = () => props.request;
  const open = () => r().status === 'pending' || r().status === 'changes-requested';

  return (
    <>
      <div class="detail-header">
        <h1 id="approval-title" data-testid="approval-title" class="focus-target" tabindex="-1" ref={heading}>
          {r().title}
        </h1>
        <Badge status={r().status} testId="approval-status" />
      </div>
      <div role="status" aria-live="polite" data-testid="approval-announcement">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <Show when={conflict()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="approval-conflict">
            {message()} The request has been loaded again.
          </p>
        )}
      </Show>

      <dl class="summary" data-testid="approval-summary">
        <div>
          <dt>Party</dt>
          <dd>{r().partyName}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{TYPE_LABELS[r().type]}</dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd data-testid="approval-amount">
            <Money minor={r().amountMinor} currency={r().currency} />
          </dd>
        </div>
        <div>
          <dt>Level</dt>
          <dd data-testid="approval-level">
            {r().currentLevel} of {r().levels}
          </dd>
        </div>
        <div>
          <dt>Submitted</dt>
          <dd>
            <time datetime={r().submittedAt}>{formatDateTime(r().submittedAt)}</time> by {r().submittedBy}
          </dd>
        </div>
        <Show when={open()}>
          <div>
            <dt>Waiting</dt>
            <dd>
              <time datetime={r().waitingSince} title={formatDateTime(r().waitingSince)}>
                <span aria-hidden="true">{formatWait(r().waitingSince)}</span>
                <span class="visually-hidden">{waitWords(r().waitingSince)}</span>
              </time>
            </dd>
          </div>
        </Show>
      </dl>

      <section
        class="panel approval-decision"
        aria-labelledby="approval-decision-title"
        data-testid="approval-decision"
      >
        <h2 id="approval-decision-title">Your decision</h2>
        <Show
          when={r().canDecide.allowed}
          fallback={
            <p class="hint" data-testid="approval-why-not">
              {r().canDecide.why ?? 'You cannot decide this request.'}
            </p>
          }
        >
          <p class="hint">
            Level {r().currentLevel} of {r().levels} waits for your decision.
          </p>
          <div class="button-row">
            <For each={['approve', 'reject', 'request-changes'] as Decision[]}>
              {(d) => (
                <button
                  type="button"
                  class={d === 'approve' ? 'button button-primary' : d === 'reject' ? 'button button-danger' : 'button'}
                  data-testid={`approval-${d}`}
                  ref={(el) => {
                    buttons[d] = el;
                  }}
                  onClick={() => {
                    setAnnouncement(null);
                    setConflict(null);
                    setDeciding(d);
                  }}
                >
                  {DECISION_TEXT[d].button}
                </button>
              )}
            </For>
          </div>
        </Show>
      </section>

      <h2 id="approval-change-title">The change</h2>
      <HeldChange request={r()} />

      <h2 id="approval-rule-title">The rule that applies</h2>
      <p class="hint" data-testid="approval-policy-version">
        Policy version {r().rule.policyVersion}, as it stood when the request was made. This request goes through{' '}
        {r().levels === 1 ? 'one level' : `${r().levels} levels`}.
      </p>
      <div class="table-wrap stack">
        <table class="data-table" data-testid="approval-rule" aria-labelledby="approval-rule-title">
          <thead>
            <tr>
              <th scope="col">Level</th>
              <Show when={r().amountMinor !== null}>
                <th scope="col">Amount</th>
              </Show>
              <th scope="col">Decided by</th>
              <th scope="col">Approvals required</th>
              <th scope="col">Escalates to</th>
            </tr>
          </thead>
          <tbody>
            <For each={r().rule.levels}>
              {(l) => (
                <tr classList={{ 'approval-current-level': open() && l.level === r().currentLevel }}>
                  <th scope="row">
                    Level {l.level}
                    <Show when={open() && l.level === r().currentLevel}>
                      <span class="muted"> (current)</span>
                    </Show>
                  </th>
                  <Show when={r().amountMinor !== null}>
                    <td data-label="Amount">{range(l.minMinor, l.maxMinor, r().currency ?? '')}</td>
                  </Show>
                  <td data-label="Decided by" class="wrap">
                    {l.roles.join(', ')}
                  </td>
                  <td data-label="Approvals required">{l.approvalsRequired}</td>
                  <td data-label="Escalates to" class="wrap">
                    {l.escalateTo.length > 0 ? l.escalateTo.join(', ') : <NoValue />}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <h2 id="approval-trail-title">Trail</h2>
      <ol class="approval-trail" data-testid="approval-trail" aria-labelledby="approval-trail-title">
        <For each={r().steps}>
          {(s) => (
            <li
              class={`approval-step approval-step-${s.decision}`}
              data-testid="approval-step"
              data-decision={s.decision}
            >
              <p class="approval-step-head">
                <strong>{DECISION_LABELS[s.decision] ?? s.decision}</strong>
                <span> · level {s.level}</span>
                <Show when={s.round > 1}>
                  <span> · round {s.round}</span>
                </Show>
              </p>
              <p class="approval-step-meta">
                <time datetime={s.at}>{formatDateTime(s.at)}</time>
                <Show when={s.by}>{(by) => <> by {by()}</>}</Show>
                <Show when={s.role}>{(role) => <> as {role()}</>}</Show>
                <Show when={s.limit}>
                  {(limit) => (
                    <>
                      {' '}
                      · limit {formatMajor(limit().maxMinor)} {limit().currency}
                    </>
                  )}
                </Show>
              </p>
              <Show when={s.reason}>{(reason) => <p class="approval-step-reason">{reason()}</p>}</Show>
            </li>
          )}
        </For>
      </ol>

      <Show when={deciding()}>
        {(decision) => (
          <DecideDialog
            decision={decision()}
            request={r()}
            onClose={() => {
              const which = deciding();
              setDeciding(null);
              const button = which ? buttons[which] : undefined;
              if (button?.isConnected) button.focus();
              else heading?.focus();
            }}
            onDone={(out) => {
              setAnnouncement(outcome(out.status, out.currentLevel, r().levels));
              props.refresh();
            }}
            onConflict={(message) => {
              setConflict(message);
              props.refresh();
            }}
          />
        )}
      </Show>
    </>
  );
}

function outcome(status: string, level: number, levels: number): string {
  if (status === 'approved') return 'Approved: every level has approved and the change now applies.';
  if (status === 'pending') return `Your approval is recorded. The request now waits at level ${level} of ${levels}.`;
  if (status === 'rejected') return 'Rejected: nothing changes, and the maker is told why.';
  if (status === 'changes-requested') return 'Sent back: the maker is asked to change it and resubmit.';
  return `The request is now ${status}.`;
}

/** 0 - 10,000.00 EUR; 10,000.00 EUR and above. */
function range(min: string | null, max: string | null, currency: string): string {
  const from = formatMajor(min ?? '0');
  return max === null ? `${from} ${currency} and above` : `${from} to under ${formatMajor(max)} ${currency}`;
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
const record = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;

/** The held change beside what it replaces: bank details field by field, amounts, or the raw values. */
function HeldChange(props: { request: Request }) {
  const r = () => props.request;
  return (
    <Show when={r().type === 'bank-details-change'} fallback={<AmountChange request={r()} />}>
      <BankComparison proposed={record(r().payload.bankDetails)} previous={record(r().previous?.bankDetails ?? null)} />
    </Show>
  );
}

function BankComparison(props: { proposed: Record<string, unknown> | null; previous: Record<string, unknown> | null }) {
  const value = (values: Record<string, unknown> | null, f: string) =>
    fieldValue(values as Parameters<typeof fieldValue>[0], f);
  const changed = (f: string) => value(props.previous, f) !== value(props.proposed, f);
  const mono = (f: string) => f === 'iban' || f === 'bic';
  return (
    <>
      <p class="hint comparison-hint">Changed fields are marked “Changed” and highlighted.</p>
      <div class="table-wrap stack">
        <table class="data-table comparison" data-testid="approval-comparison" aria-labelledby="approval-change-title">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">On record</th>
              <th scope="col">Requested</th>
              <th scope="col">
                <span class="visually-hidden">Changed?</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={BANK_FIELDS}>
              {(f) => (
                <tr classList={{ 'comparison-changed': changed(f) }} data-testid="comparison-row" data-field={f}>
                  <th scope="row">{FIELD_LABELS[f]}</th>
                  <td data-label="On record" class="wrap">
                    <span classList={{ mono: mono(f) && !!value(props.previous, f) }}>
                      {value(props.previous, f) || <NoValue />}
                    </span>
                  </td>
                  <td data-label="Requested" class="wrap" data-testid="comparison-proposed">
                    <Show when={changed(f)} fallback={value(props.proposed, f) || <NoValue />}>
                      <strong classList={{ mono: mono(f) && !!value(props.proposed, f) }}>
                        {value(props.proposed, f) || <NoValue />}
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
    </>
  );
}

/** Credit-limit changes and credit notes: the amount asked for, what it replaces, the reason. */
function AmountChange(props: { request: Request }) {
  const p = () => props.request.payload;
  const prev = () => props.request.previous;
  const known = new Set(['amountMinor', 'currency', 'reason', 'invoiceNumber']);
  const rows = (): [string, JSX.Element][] => {
    const out: [string, JSX.Element][] = [];
    const t = props.request.type;
    if (t === 'credit-limit-change') {
      out.push([
        'Credit limit now',
        <Show
          when={prev() && str(prev()?.creditLimitMinor) ? prev() : null}
          fallback={<span class="muted">No credit limit on record</span>}
        >
          {(v) => <Money minor={str(v().creditLimitMinor)} currency={str(v().currency)} />}
        </Show>,
      ]);
      out.push([
        'Requested credit limit',
        <strong>
          <Money minor={props.request.amountMinor} currency={props.request.currency} />
        </strong>,
      ]);
    } else {
      out.push(['Amount', <Money minor={props.request.amountMinor} currency={props.request.currency} />]);
    }
    if (p().invoiceNumber) out.push(['Invoice', <span class="mono">{str(p().invoiceNumber)}</span>]);
    if (p().reason) out.push(['Reason', <span>{str(p().reason)}</span>]);
    for (const [k, v] of Object.entries(p())) if (!known.has(k)) out.push([k, <span class="break">{str(v)}</span>]);
    return out;
  };
  return (
    <dl class="summary" data-testid="approval-payload">
      <For each={rows()}>
        {([label, value]) => (
          <div classList={{ 'summary-wide': label === 'Reason' }}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        )}
      </For>
    </dl>
  );
}

function DecideDialog(props: {
  decision: Decision;
  request: Request;
  onClose: () => void;
  onDone: (out: { status: string; currentLevel: number }) => void;
  /** Someone decided or changed the request meanwhile: say so on the page and load it again. */
  onConflict: (message: string) => void;
}) {
  let reasonInput: HTMLTextAreaElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const needsReason = () => props.decision !== 'approve';
  const text = () => DECISION_TEXT[props.decision];

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (submitting()) return;
    const reason = (reasonInput?.value ?? '').trim();
    if (needsReason() && reason.length < 3) {
      setError(
        props.decision === 'reject'
          ? 'Give a reason for the rejection (at least three characters).'
          : 'Say what should change (at least three characters).',
      );
      reasonInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    const { id, version } = props.request;
    try {
      const out = await guard(
        props.decision === 'approve'
          ? trpc.approvals.decide.mutate({ id, version, decision: 'approve', ...(reason ? { reason } : {}) })
          : trpc.approvals.decide.mutate({ id, version, decision: props.decision, reason }),
      );
      props.onDone(out);
      close();
    } catch (err) {
      if (errorCode(err) === 'CONFLICT') {
        props.onConflict(errorMessage(err));
        close();
        return;
      }
      setError(errorMessage(err));
      reasonInput?.focus();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog
      id="approval-decide"
      title={text().title}
      testId={`approval-${props.decision}-dialog`}
      initialFocus={() => reasonInput}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id="approval-decide-title">
            {text().title} “{props.request.title}”
          </h2>
          <p class="hint" id="approval-decide-what">
            {text().what}
          </p>
          <FormError id="approval-decide-error" message={error()} />
          <div class="field">
            <label for="approval-decide-reason">
              {props.decision === 'approve' ? 'Note' : props.decision === 'reject' ? 'Reason' : 'What should change'}
              <Show when={!needsReason()}>
                <span class="muted"> (optional)</span>
              </Show>
            </label>
            <textarea
              id="approval-decide-reason"
              name="reason"
              class="textarea"
              rows={4}
              maxlength={2000}
              required={needsReason()}
              aria-invalid={error() && needsReason() ? 'true' : undefined}
              aria-describedby={error() ? 'approval-decide-error approval-decide-what' : 'approval-decide-what'}
              ref={reasonInput}
            />
          </div>
          <div class="button-row">
            <button
              type="submit"
              class={
                props.decision === 'approve'
                  ? 'button button-primary'
                  : props.decision === 'reject'
                    ? 'button button-danger'
                    : 'button'
              }
              data-testid="approval-decide-submit"
              disabled={submitting()}
              aria-busy={submitting()}
            >
              {text().submit}
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
