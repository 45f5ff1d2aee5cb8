import { createSignal, For, type JSX, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { Announcement, createDialogs, FormDialog, ReasonDialog } from '../../shared/components.tsx';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { formatDateTime, formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { BANK_FIELDS, ComparisonTable } from '../suppliers/change-request-pieces.tsx';
import { AttachedFiles, words } from '../suppliers/supplier-shared.tsx';
import {
  amountExample,
  decimalsWord,
  decisionLabel,
  formatMajor,
  formatWait,
  Money,
  parseMajor,
  requestTitle,
  StatusHeading,
  typeLabel,
  waitWords,
  wordStaffing,
  wordWhy,
} from './approvals-shared.tsx';

type Request = Awaited<ReturnType<typeof trpc.approvals.get.query>>;
type Decision = 'approve' | 'reject' | 'request-changes';

/** Each decision's words (catalogue keys; the heading takes the request's {title}). */
const DECISION_TEXT: Record<
  Decision,
  { button: AdminKey; heading: AdminKey; submit: AdminKey; submitClass: string; what: AdminKey; label: AdminKey }
> = {
  approve: {
    button: 'admin.approvals.approve',
    heading: 'admin.approvals.approveHeading',
    submit: 'admin.approvals.approveSubmit',
    submitClass: 'button button-primary',
    label: 'admin.approvals.note',
    what: 'admin.approvals.approveWhat',
  },
  reject: {
    button: 'admin.approvals.reject',
    heading: 'admin.approvals.rejectHeading',
    submit: 'admin.approvals.rejectSubmit',
    submitClass: 'button button-danger',
    label: 'admin.workQueue.colReason',
    what: 'admin.approvals.rejectWhat',
  },
  'request-changes': {
    button: 'admin.approvals.requestChanges',
    heading: 'admin.approvals.requestChangesHeading',
    submit: 'admin.approvals.requestChangesSubmit',
    submitClass: 'button',
    label: 'admin.approvals.requestChangesLabel',
    what: 'admin.approvals.requestChangesWhat',
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
      noun={t('admin.approvals.requestNoun')}
      back={{ href: '/approvals', label: t('admin.approvals.back') }}
      fetch={(id) => trpc.approvals.get.query({ id })}
      pageTitle={(r) => requestTitle(r)}
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
      <StatusHeading id="approval-title" status={r().status} statusTestId="approval-status" ref={heading}>
        {requestTitle(r())}
      </StatusHeading>
      <Announcement testId="approval-announcement" message={announcement()} />
      <Show when={conflict()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="approval-conflict">
            <span class="server-text">{message()}</span> {t('admin.approvals.reloaded')}
          </p>
        )}
      </Show>

      <dl class="summary" data-testid="approval-summary">
        <div>
          <dt>{t('admin.approvals.colParty')}</dt>
          <dd>{r().partyName}</dd>
        </div>
        <div>
          <dt>{t('admin.approvals.colType')}</dt>
          <dd>{typeLabel(r().type)}</dd>
        </div>
        <div>
          <dt>{t('admin.approvals.colAmount')}</dt>
          <dd data-testid="approval-amount">
            <Money minor={r().amountMinor} currency={r().currency} />
          </dd>
        </div>
        <div>
          <dt>{t('admin.approvals.colLevel')}</dt>
          <dd data-testid="approval-level">
            {t('admin.approvals.levelOf', { level: r().currentLevel, levels: r().levels })}
          </dd>
        </div>
        <div>
          <dt>{t('admin.approvals.submitted')}</dt>
          <dd>
            <time datetime={r().submittedAt}>{formatDateTime(r().submittedAt)}</time>{' '}
            {t('admin.workQueue.by', { name: r().submittedBy })}
          </dd>
        </div>
        <Show when={open()}>
          <div>
            <dt>{t('admin.workQueue.colWaiting')}</dt>
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
          <h2 id="approval-staffing-title">{t('admin.approvals.staffingTitle')}</h2>
          <ul>
            <For each={r().staffing}>{(w, i) => <li>{wordStaffing(r().staffingText[i()], w)}</li>}</For>
          </ul>
          <p class="hint">{t('admin.approvals.staffingHint')}</p>
        </section>
      </Show>

      <section
        class="panel approval-decision"
        aria-labelledby="approval-decision-title"
        data-testid="approval-decision"
      >
        <h2 id="approval-decision-title">{t('admin.approvals.yourDecision')}</h2>
        <Show
          when={r().canDecide.allowed}
          fallback={
            <p class="hint" data-testid="approval-why-not">
              {wordWhy(r().canDecide, t('admin.approvals.cannotDecide'))}
            </p>
          }
        >
          <p class="hint">{t('admin.approvals.levelWaits', { level: r().currentLevel, levels: r().levels })}</p>
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
                  {t(DECISION_TEXT[d].button)}
                </button>
              )}
            </For>
          </div>
        </Show>
      </section>

      <Show when={maker() && open()}>
        <section class="panel approval-decision" aria-labelledby="approval-maker-title" data-testid="approval-maker">
          <h2 id="approval-maker-title">{t('admin.approvals.yourRequest')}</h2>
          <p class="hint">
            {r().status === 'changes-requested' ? t('admin.approvals.sentBackHint') : t('admin.approvals.withdrawHint')}
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
                {t('admin.approvals.resubmitTitle')}
              </button>
            </Show>
            <button
              type="button"
              class="button button-danger"
              data-testid="approval-withdraw"
              ref={dialogs.opener('withdraw')}
              onClick={() => start('withdraw')}
            >
              {t('admin.approvals.withdraw')}
            </button>
          </div>
        </section>
      </Show>

      <h2 id="approval-change-title">{t('admin.approvals.theChange')}</h2>
      <HeldChange request={r()} />

      <h2 id="approval-rule-title">{t('admin.approvals.theRule')}</h2>
      <p class="approval-rule-why" data-testid="approval-rule-why">
        {ruleWhy(r())}
      </p>
      <p class="hint" data-testid="approval-policy-version">
        {t('admin.approvals.policyVersion', { version: r().rule.policyVersion })}
      </p>
      <div class="table-wrap stack">
        <table class="data-table" data-testid="approval-rule" aria-labelledby="approval-rule-title">
          <thead>
            <tr>
              <th scope="col">{t('admin.approvals.colLevel')}</th>
              <Show when={r().amountMinor !== null}>
                <th scope="col">{t('admin.approvals.colStopHere')}</th>
              </Show>
              <th scope="col">{t('admin.approvals.colDecidedBy')}</th>
              <th scope="col">{t('admin.approvals.colRequired')}</th>
              <th scope="col">{t('admin.approvals.colEscalatesTo')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={r().rule.levels}>
              {(l) => (
                <tr classList={{ 'approval-current-level': open() && l.level === r().currentLevel }}>
                  <th scope="row">
                    {t('admin.approvals.level', { level: l.level })}
                    <Show when={open() && l.level === r().currentLevel}>
                      <span class="muted"> {t('admin.approvals.current')}</span>
                    </Show>
                  </th>
                  <Show when={r().amountMinor !== null}>
                    <td data-label={t('admin.approvals.colStopHere')} class="wrap">
                      <div>
                        {range(l.minMinor, l.maxMinor, r().currency ?? '')}
                        <Show when={l.level === r().levels}>
                          <span class="muted approval-stop-level" data-testid="approval-stop-level">
                            {t('admin.approvals.thisAmount')}
                          </span>
                        </Show>
                      </div>
                    </td>
                  </Show>
                  <td data-label={t('admin.approvals.colDecidedBy')} class="wrap">
                    {l.roles.join(', ')}
                  </td>
                  <td data-label={t('admin.approvals.colRequired')}>{l.approvalsRequired}</td>
                  <td data-label={t('admin.approvals.colEscalatesTo')} class="wrap">
                    {l.escalateTo.length > 0 ? l.escalateTo.join(', ') : <NoValue />}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <h2 id="approval-trail-title">{t('admin.approvals.trail')}</h2>
      <ol class="approval-trail" data-testid="approval-trail" aria-labelledby="approval-trail-title">
        <For each={r().steps}>
          {(s) => (
            <li
              class={`approval-step approval-step-${s.decision}`}
              data-testid="approval-step"
              data-decision={s.decision}
            >
              <p class="approval-step-head">
                <strong>{decisionLabel(s.decision)}</strong>
                <span> · {t('admin.approvals.stepLevel', { level: s.level })}</span>
                <Show when={s.round > 1}>
                  <span> · {t('admin.approvals.stepRound', { round: s.round })}</span>
                </Show>
              </p>
              <p class="approval-step-meta">
                <time datetime={s.at}>{formatDateTime(s.at)}</time>
                <Show when={s.by}>{(by) => <> {t('admin.workQueue.by', { name: by() })}</>}</Show>
                <Show when={s.role}>{(role) => <> {t('admin.approvals.asRole', { role: role() })}</>}</Show>
                <Show when={s.limit}>
                  {(limit) => (
                    <>
                      {' '}
                      ·{' '}
                      {t('admin.approvals.stepLimit', {
                        amount: formatMinor(limit().maxMinor, limit().currency),
                      })}
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
          title={t('admin.approvals.withdraw')}
          testId="approval-withdraw-dialog"
          heading={t('admin.approvals.withdrawHeading', { title: requestTitle(r()) })}
          intro={<p class="hint">{t('admin.approvals.withdrawWhat')}</p>}
          onClose={dialogs.close}
          submitLabel={t('admin.approvals.withdrawSubmit')}
          submitClass="button button-danger"
          submitTestId="approval-withdraw-submit"
          send={async () => {
            await guard(trpc.approvals.withdraw.mutate({ id: r().id }));
            setAnnouncement(t('admin.approvals.withdrawn'));
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
            setAnnouncement(t('admin.approvals.resubmitted'));
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
  if (status === 'approved') return t('admin.approvals.outcomeApproved');
  if (status === 'pending') return t('admin.approvals.outcomePending', { level, levels });
  if (status === 'rejected') return t('admin.approvals.outcomeRejected');
  if (status === 'changes-requested') return t('admin.approvals.outcomeSentBack');
  return t('admin.approvals.outcomeOther', { status: words(status) });
}

/**
 * Which levels this request passes, and why, in the words of the policy page: every level from level 1
 * up to the one whose amount range holds the amount (a level's range says where requests stop, not which
 * requests it sees), and every approver on the way needs a limit covering the whole amount.
 */
function ruleWhy(r: Request): string {
  const n = r.levels;
  if (r.amountMinor === null || !r.currency) return t('admin.approvals.ruleWhyPlain', { levels: n });
  const amount = formatMinor(r.amountMinor, r.currency);
  const last = r.rule.levels[n - 1];
  const where = last ? range(last.minMinor, last.maxMinor, r.currency) : '';
  return t('admin.approvals.ruleWhyAmount', { amount, levels: n, where, currency: r.currency });
}

/** 0.00 to under 10,000.00 EUR; 10,000.00 EUR and above. */
function range(min: string | null, max: string | null, currency: string): string {
  const from = formatMajor(min ?? '0', currency);
  return max === null
    ? t('admin.approvals.rangeAbove', { from, currency })
    : t('admin.approvals.range', { from, to: formatMajor(max, currency), currency });
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
        proposedLabel={t('admin.approvals.requested')}
      />
      <Show when={r().attachments.length > 0}>
        <h3 class="subheading">{t('admin.approvals.evidence')}</h3>
        <p class="hint">{t('admin.approvals.evidenceHint')}</p>
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
  // [label, value, wide]: the reason takes the whole width.
  const rows = (): [string, JSX.Element, boolean?][] => {
    const out: [string, JSX.Element, boolean?][] = [];
    const type = props.request.type;
    if (type === 'credit-limit-change') {
      out.push([
        t('admin.approvals.limitNow'),
        <Show
          when={prev() && str(prev()?.creditLimitMinor) ? prev() : null}
          fallback={<span class="muted">{t('admin.approvals.noCreditLimit')}</span>}
        >
          {(v) => <Money minor={str(v().creditLimitMinor)} currency={str(v().currency)} />}
        </Show>,
      ]);
      out.push([
        t('admin.approvals.requestedLimit'),
        <strong>
          <Money minor={props.request.amountMinor} currency={props.request.currency} />
        </strong>,
      ]);
    } else {
      out.push([
        t('admin.approvals.colAmount'),
        <Money minor={props.request.amountMinor} currency={props.request.currency} />,
      ]);
    }
    if (p().invoiceNumber)
      out.push([t('admin.workQueue.colInvoice'), <span class="mono">{str(p().invoiceNumber)}</span>]);
    if (p().reason) out.push([t('admin.workQueue.colReason'), <span>{str(p().reason)}</span>, true]);
    for (const [k, v] of Object.entries(p())) if (!known.has(k)) out.push([k, <span class="break">{str(v)}</span>]);
    return out;
  };
  return (
    <dl class="summary" data-testid="approval-payload">
      <For each={rows()}>
        {([label, value, wide]) => (
          <div classList={{ 'summary-wide': wide === true }}>
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
      title={t(text().button)}
      testId={`approval-${props.decision}-dialog`}
      heading={t(text().heading, { title: requestTitle(props.request) })}
      what={t(text().what)}
      label={t(text().label)}
      optional={props.decision === 'approve'}
      missing={
        props.decision === 'reject' ? t('admin.approvals.rejectMissing') : t('admin.approvals.requestChangesMissing')
      }
      submitLabel={t(text().submit)}
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
  const label = () =>
    props.request.type === 'credit-limit-change' ? t('admin.approvals.newLimit') : t('admin.approvals.colAmount');
  return (
    <FormDialog
      id="approval-resubmit"
      title={t('admin.approvals.resubmitTitle')}
      testId="approval-resubmit-dialog"
      heading={t('admin.approvals.resubmitHeading', { title: requestTitle(props.request) })}
      intro={
        <p class="hint" id="approval-resubmit-what">
          {t('admin.approvals.resubmitWhat')}
        </p>
      }
      initialFocus={() => amountInput}
      onClose={props.onClose}
      submitLabel={t('admin.approvals.resubmit')}
      submitTestId="approval-resubmit-submit"
      check={() =>
        amount() === null
          ? t('admin.approvals.resubmitAmount', {
              decimals: decimalsWord(props.request.currency ?? ''),
              example: amountExample(props.request.currency ?? ''),
            })
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
              {t('admin.approvals.whatChanged')}
              <span class="muted"> {t('common.optional')}</span>
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
