import { createSignal, For, type JSX, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { Announcement, createDialogs, FormDialog, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { BANK_FIELDS, ComparisonTable } from '../suppliers/change-request-pieces.tsx';
import { AttachedFiles, Badge } from '../suppliers/supplier-shared.tsx';
import {
  amountExample,
  DECISION_LABELS,
  decimalsWord,
  formatMajor,
  formatWait,
  Money,
  parseMajor,
  TYPE_LABELS,
  waitWords,
} from './approvals-shared.tsx';

type Request = Awaited<ReturnType<typeof trpc.approvals.get.query>>;
type Decision = 'approve' | 'reject' | 'request-changes';

const DECISION_TEXT: Record<
  Decision,
  { button: string; title: string; submit: string; submitClass: string; what: string; label: string }
> = {
  approve: {
    button: 'Approve',
    title: 'Approve',
    submit: 'Approve request',
    submitClass: 'button button-primary',
    label: 'Note',
    what: 'Your approval counts for the current level. On the last level the change applies at once.',
  },
  reject: {
    button: 'Reject',
    title: 'Reject',
    submit: 'Reject request',
    submitClass: 'button button-danger',
    label: 'Reason',
    what: 'Nothing changes; the request ends and whoever made it reads your reason.',
  },
  'request-changes': {
    button: 'Request changes',
    title: 'Request changes to',
    submit: 'Send back',
    submitClass: 'button',
    label: 'What should change',
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
  const dialogs = createDialogs<Decision | 'withdraw' | 'resubmit'>(() => heading);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [conflict, setConflict] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;
  const r = () => props.request;
  const open = () => r().status === 'pending' || r().status === 'changes-requested';
  // Staff who manage customers make credit-limit changes and credit notes, and may take them back.
  const maker = () => can('parties:manage') && (r().type === 'credit-limit-change' || r().type === 'credit-note');
  const decisionOpen = (): Decision | null => {
    const which = dialogs.open();
    return which === 'withdraw' || which === 'resubmit' ? null : which;
  };
  const start = (which: Decision | 'withdraw' | 'resubmit') => {
    setAnnouncement(null);
    setConflict(null);
    dialogs.show(which);
  };
  const conflicted = (err: unknown) => {
    if (errorCode(err) !== 'CONFLICT') return false;
    setConflict(errorMessage(err));
    props.refresh();
    return true;
  };

  return (
    <>
      <div class="detail-header">
        <h1 id="approval-title" data-testid="approval-title" class="focus-target" tabindex="-1" ref={heading}>
          {r().title}
        </h1>
        <Badge status={r().status} testId="approval-status" />
      </div>
      <Announcement testId="approval-announcement" message={announcement()} />
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

      <Show when={r().staffing.length > 0}>
        <section
          class="notice approval-staffing"
          aria-labelledby="approval-staffing-title"
          data-testid="approval-staffing"
        >
          <h2 id="approval-staffing-title">Nobody can complete this request yet</h2>
          <ul>
            <For each={r().staffing}>{(w) => <li>{w}</li>}</For>
          </ul>
          <p class="hint">
            A system admin fixes this under Users (roles) and Approval policies (approver limits); the request waits
            until then.
          </p>
        </section>
      </Show>

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
                  class={DECISION_TEXT[d].submitClass}
                  data-testid={`approval-${d}`}
                  ref={dialogs.opener(d)}
                  onClick={() => start(d)}
                >
                  {DECISION_TEXT[d].button}
                </button>
              )}
            </For>
          </div>
        </Show>
      </section>

      <Show when={maker() && open()}>
        <section class="panel approval-decision" aria-labelledby="approval-maker-title" data-testid="approval-maker">
          <h2 id="approval-maker-title">Your request</h2>
          <p class="hint">
            {r().status === 'changes-requested'
              ? 'An approver sent this request back. Correct the amount and resubmit it, or withdraw it.'
              : 'While it waits for approval you may withdraw it.'}
          </p>
          <div class="button-row">
            <Show when={r().status === 'changes-requested'}>
              <button
                type="button"
                class="button button-primary"
                data-testid="approval-resubmit"
                ref={dialogs.opener('resubmit')}
                onClick={() => start('resubmit')}
              >
                Correct and resubmit
              </button>
            </Show>
            <button
              type="button"
              class="button button-danger"
              data-testid="approval-withdraw"
              ref={dialogs.opener('withdraw')}
              onClick={() => start('withdraw')}
            >
              Withdraw
            </button>
          </div>
        </section>
      </Show>

      <h2 id="approval-change-title">The change</h2>
      <HeldChange request={r()} />

      <h2 id="approval-rule-title">The rule that applies</h2>
      <p class="approval-rule-why" data-testid="approval-rule-why">
        {ruleWhy(r())}
      </p>
      <p class="hint" data-testid="approval-policy-version">
        Policy version {r().rule.policyVersion}, as it stood when the request was made.
      </p>
      <div class="table-wrap stack">
        <table class="data-table" data-testid="approval-rule" aria-labelledby="approval-rule-title">
          <thead>
            <tr>
              <th scope="col">Level</th>
              <Show when={r().amountMinor !== null}>
                <th scope="col">Requests that stop here</th>
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
                    <td data-label="Requests that stop here" class="wrap">
                      <div>
                        {range(l.minMinor, l.maxMinor, r().currency ?? '')}
                        <Show when={l.level === r().levels}>
                          <span class="muted approval-stop-level" data-testid="approval-stop-level">
                            this request’s amount
                          </span>
                        </Show>
                      </div>
                    </td>
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
                      · limit {formatMajor(limit().maxMinor, limit().currency)} {limit().currency}
                    </>
                  )}
                </Show>
              </p>
              <Show when={s.reason}>{(reason) => <p class="approval-step-reason">{reason()}</p>}</Show>
            </li>
          )}
        </For>
      </ol>

      <Show when={dialogs.open() === 'withdraw'}>
        <FormDialog
          id="approval-withdraw"
          title="Withdraw"
          testId="approval-withdraw-dialog"
          heading={<>Withdraw “{r().title}”?</>}
          intro={<p class="hint">The request ends and nothing changes. Approvers no longer see it waiting.</p>}
          onClose={dialogs.close}
          submitLabel="Withdraw request"
          submitClass="button button-danger"
          submitTestId="approval-withdraw-submit"
          send={async () => {
            await guard(trpc.approvals.withdraw.mutate({ id: r().id }));
            setAnnouncement('Withdrawn: the request ends and nothing changes.');
            props.refresh();
          }}
          onRefused={conflicted}
        />
      </Show>
      <Show when={dialogs.open() === 'resubmit'}>
        <ResubmitDialog
          request={r()}
          onClose={dialogs.close}
          onDone={() => {
            setAnnouncement('Resubmitted: the corrected request goes through approval again.');
            props.refresh();
          }}
          onRefused={conflicted}
        />
      </Show>

      <Show when={decisionOpen()}>
        {(decision) => (
          <DecideDialog
            decision={decision()}
            request={r()}
            onClose={dialogs.close}
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

/**
 * Which levels this request passes, and why, in the words of the policy page: every level from level 1
 * up to the one whose amount range holds the amount (a level's range says where requests stop, not which
 * requests it sees), and every approver on the way needs a limit covering the whole amount.
 */
function ruleWhy(r: Request): string {
  const n = r.levels;
  const levels = n === 1 ? 'level 1 only' : `levels 1–${n}`;
  if (r.amountMinor === null || !r.currency)
    return `This request passes ${n === 1 ? 'its one level' : `all ${n} levels of its policy, in order`}.`;
  const amount = `${formatMajor(r.amountMinor, r.currency)} ${r.currency}`;
  const last = r.rule.levels[n - 1];
  const where = last ? range(last.minMinor, last.maxMinor, r.currency) : '';
  return `This ${amount} request passes ${levels}: every level up to the one whose range holds its amount (level ${n}: ${where}). Whoever approves it, at any level, needs a ${r.currency} limit of at least ${amount}.`;
}

/** 0 - 10,000.00 EUR; 10,000.00 EUR and above. */
function range(min: string | null, max: string | null, currency: string): string {
  const from = formatMajor(min ?? '0', currency);
  return max === null ? `${from} ${currency} and above` : `${from} to under ${formatMajor(max, currency)} ${currency}`;
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
const record = (v: unknown): Parameters<typeof ComparisonTable>[0]['previous'] =>
  typeof v === 'object' && v !== null ? (v as Parameters<typeof ComparisonTable>[0]['previous']) : null;

/** The held change beside what it replaces: bank details field by field, amounts, or the raw values. */
function HeldChange(props: { request: Request }) {
  const r = () => props.request;
  return (
    <Show when={r().type === 'bank-details-change'} fallback={<AmountChange request={r()} />}>
      <ComparisonTable
        testId="approval-comparison"
        labelledBy="approval-change-title"
        fields={BANK_FIELDS}
        proposed={record(r().payload.bankDetails)}
        previous={record(r().previous?.bankDetails ?? null)}
        proposedLabel="Requested"
      />
      <Show when={r().attachments.length > 0}>
        <h3 class="subheading">Evidence from the supplier</h3>
        <p class="hint">Check the new account against the letter, and the letter against what you already know.</p>
        <AttachedFiles
          files={r().attachments}
          link={(attachmentId) => trpc.approvals.attachmentLink.query({ id: r().id, attachmentId })}
          testId="approval-files"
        />
      </Show>
    </Show>
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
  const text = () => DECISION_TEXT[props.decision];
  return (
    <ReasonDialog
      id="approval-decide"
      title={text().title}
      testId={`approval-${props.decision}-dialog`}
      heading={
        <>
          {text().title} “{props.request.title}”
        </>
      }
      what={text().what}
      label={text().label}
      optional={props.decision === 'approve'}
      missing={
        props.decision === 'reject'
          ? 'Give a reason for the rejection (at least three characters).'
          : 'Say what should change (at least three characters).'
      }
      submitLabel={text().submit}
      submitClass={text().submitClass}
      submitTestId="approval-decide-submit"
      send={async (reason) => {
        const { id, version } = props.request;
        const out = await guard(
          props.decision === 'approve'
            ? trpc.approvals.decide.mutate({ id, version, decision: 'approve', ...(reason ? { reason } : {}) })
            : trpc.approvals.decide.mutate({ id, version, decision: props.decision, reason }),
        );
        props.onDone(out);
      }}
      onRefused={(err) => {
        if (errorCode(err) !== 'CONFLICT') return false;
        props.onConflict(errorMessage(err));
        return true;
      }}
      onClose={props.onClose}
    />
  );
}

/** The maker corrects a request an approver sent back: the amount (typed in major units) and a note. */
function ResubmitDialog(props: {
  request: Request;
  onClose: () => void;
  onDone: () => void;
  onRefused: (err: unknown) => boolean;
}) {
  let amountInput: HTMLInputElement | undefined;
  let noteInput: HTMLTextAreaElement | undefined;
  const amount = () => parseMajor(amountInput?.value ?? '', props.request.currency ?? '');
  const label = () => (props.request.type === 'credit-limit-change' ? 'New credit limit' : 'Amount');
  return (
    <FormDialog
      id="approval-resubmit"
      title="Correct and resubmit"
      testId="approval-resubmit-dialog"
      heading={<>Correct and resubmit “{props.request.title}”</>}
      intro={
        <p class="hint" id="approval-resubmit-what">
          The corrected request goes through approval again from the first level.
        </p>
      }
      initialFocus={() => amountInput}
      onClose={props.onClose}
      submitLabel="Resubmit"
      submitTestId="approval-resubmit-submit"
      check={() =>
        amount() === null
          ? `Enter the amount as a number with at most ${decimalsWord(props.request.currency ?? '')}, e.g. ${amountExample(props.request.currency ?? '')}.`
          : null
      }
      send={async () => {
        const reason = (noteInput?.value ?? '').trim();
        const { id, version } = props.request;
        await guard(
          trpc.approvals.resubmit.mutate({ id, version, amountMinor: amount() ?? '0', ...(reason ? { reason } : {}) }),
        );
        props.onDone();
      }}
      onRefused={props.onRefused}
    >
      {(error) => (
        <>
          <div class="field field-narrow">
            <label for="approval-resubmit-amount">
              {label()}
              <Show when={props.request.currency}>{(c) => <span class="muted"> ({c()})</span>}</Show>
            </label>
            <input
              id="approval-resubmit-amount"
              name="amount"
              type="text"
              inputmode="decimal"
              autocomplete="off"
              class="mono"
              value={
                props.request.amountMinor ? formatMajor(props.request.amountMinor, props.request.currency ?? '') : ''
              }
              required
              aria-invalid={error() ? 'true' : undefined}
              aria-describedby={error() ? 'approval-resubmit-error approval-resubmit-what' : 'approval-resubmit-what'}
              ref={amountInput}
            />
          </div>
          <div class="field">
            <label for="approval-resubmit-note">
              What you changed<span class="muted"> (optional)</span>
            </label>
            <textarea
              id="approval-resubmit-note"
              name="reason"
              class="textarea"
              rows={3}
              maxlength={2000}
              ref={noteInput}
            />
          </div>
        </>
      )}
    </FormDialog>
  );
}
