import { checkConfirmationLine, formatQty, LINE_DECISIONS, parseQty } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Index, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { can, guard } from '../../auth.ts';
import { type MessageKey, t } from '../../i18n.ts';
import { FormDialog, ReasonDialog } from '../../shared/components.tsx';
import { ErrorPanel, NoValue } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatDateTime, formatQuantity, parseDecimalInput, todayIso } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { Badge, words } from './supplier-shared.tsx';

// The per-line side of a purchase order (issue 19): the supplier's confirmation form, every round with its
// differences highlighted (operators accept or reject a waiting one), and per-line delivery progress.

type PurchaseOrder = Awaited<ReturnType<typeof trpc.purchaseOrders.get.query>>;
type Round = Awaited<ReturnType<typeof trpc.purchaseOrders.confirmations.query>>['items'][number];
type Decision = (typeof LINE_DECISIONS)[number];
const DECISION_LABEL: Record<Decision, MessageKey> = {
  confirm: 'po.decision.confirm',
  change: 'po.decision.change',
  reject: 'po.decision.reject',
};

/** Loads the rounds and the progress of a PO together; `refetch` after any change. */
export function createCollab(id: () => string) {
  const [rounds, r] = createResource(id, (poId) => guard(trpc.purchaseOrders.confirmations.query({ id: poId })));
  const [progress, p] = createResource(id, (poId) => guard(trpc.purchaseOrders.progress.query({ id: poId })));
  return {
    rounds,
    progress,
    refetch: () => {
      void r.refetch();
      void p.refetch();
    },
  };
}

/** The contract's confirmation rule (checkConfirmationLine, English as the server says it) in the user's language. */
const CONFIRM_PROBLEMS: Record<string, MessageKey> = {
  'A rejected line has no deliveries.': 'confirm.problemRejectedDeliveries',
  'Say why the line is rejected.': 'confirm.problemRejectReason',
  'Give at least one delivery (quantity and date).': 'confirm.problemNoDelivery',
  'Each delivery needs a quantity above zero.': 'confirm.problemZero',
  'A delivery date cannot be in the past.': 'confirm.problemPast',
  'Confirming means one delivery of the ordered quantity; choose "Change" to split or change it.':
    'confirm.problemConfirmOne',
  'A date later than requested needs a reason.': 'confirm.problemLateReason',
  'A changed quantity needs a reason.': 'confirm.problemQuantityReason',
};
const confirmProblem = (problem: string) => {
  const key = CONFIRM_PROBLEMS[problem];
  return key ? t(key) : problem;
};

/**
 * The supplier answers every line: confirm as ordered, change (quantity, date, or several deliveries),
 * or reject. The same rule as the server (checkConfirmationLine) says what is missing before sending.
 */
export function ConfirmLinesDialog(props: {
  po: PurchaseOrder;
  previous: Round | undefined;
  onClose: () => void;
  onDone: (status: 'submitted' | 'accepted') => void;
}) {
  const today = todayIso();
  const requested = props.po.requestedDate;
  const defaultDate = requested && requested >= today ? requested : today;
  const [lines, setLines] = createStore(
    props.po.lines.map((l) => {
      const before = props.previous?.lines.find((x) => x.lineNo === l.lineNo);
      return {
        lineNo: l.lineNo,
        decision: (before?.decision ?? 'confirm') as Decision,
        schedules: before?.schedules.length
          ? before.schedules.map((s) => ({ ...s, quantity: formatQuantity(s.quantity) }))
          : [{ quantity: formatQuantity(formatQty(parseQty(l.quantity))), date: defaultDate }],
        reason: before?.reason ?? '',
      };
    }),
  );
  let first: HTMLSelectElement | undefined;
  const ordered = (lineNo: number) => props.po.lines.find((l) => l.lineNo === lineNo)?.quantity ?? '0';
  const payload = () =>
    lines.map((l) => ({
      lineNo: l.lineNo,
      decision: l.decision,
      schedules:
        l.decision === 'reject'
          ? []
          : l.schedules.map((s) => ({ quantity: parseDecimalInput(s.quantity), date: s.date })),
      reason: l.reason.trim() || undefined,
    }));
  const check = () => {
    for (const l of payload()) {
      try {
        const problem = checkConfirmationLine(
          { quantity: parseQty(ordered(l.lineNo)), requestedDate: requested },
          l,
          today,
        );
        if (problem) return t('confirm.lineProblem', { line: l.lineNo, problem: confirmProblem(problem) });
      } catch {
        return t('confirm.lineQuantity', { line: l.lineNo, example: formatQuantity('12.5') });
      }
    }
    return null;
  };
  return (
    <FormDialog
      id="confirm-lines"
      title={t('confirm.title')}
      testId="confirm-lines-dialog"
      wide
      heading={t('confirm.heading', { number: props.po.number })}
      intro={
        <p class="hint" id="confirm-lines-why">
          {t('confirm.intro')}
          <Show when={requested}>{(d) => <> {t('confirm.requested', { date: formatDate(d()) })}</>}</Show>
        </p>
      }
      initialFocus={() => first}
      onClose={props.onClose}
      submitLabel={t('confirm.send')}
      submitTestId="confirm-lines-submit"
      check={check}
      send={async () => {
        const out = await guard(trpc.purchaseOrders.confirm.mutate({ id: props.po.id, lines: payload() }));
        props.onDone(out.status);
      }}
    >
      {() => (
        <Index each={lines}>
          {(line, i) => {
            const item = () => props.po.lines[i];
            const id = (what: string) => `confirm-line-${line().lineNo}-${what}`;
            return (
              <fieldset class="confirm-line" data-testid="confirm-line" data-line={line().lineNo}>
                <legend>
                  {t('confirm.legend', {
                    line: line().lineNo,
                    item: `${item()?.sku} · ${item()?.description}`,
                    ordered: formatQuantity(item()?.quantity ?? '0'),
                  })}
                  <Show when={item()?.uom}>{(u) => <> {u()}</>}</Show>
                </legend>
                <div class="field field-narrow">
                  <label for={id('decision')}>{t('po.answer')}</label>
                  <select
                    id={id('decision')}
                    class="select"
                    value={line().decision}
                    ref={(el) => {
                      if (i === 0) first = el;
                    }}
                    onChange={(e) => setLines(i, 'decision', e.currentTarget.value as Decision)}
                  >
                    <For each={LINE_DECISIONS}>{(d) => <option value={d}>{t(DECISION_LABEL[d])}</option>}</For>
                  </select>
                </div>
                <Show when={line().decision !== 'reject'}>
                  <Index each={line().schedules}>
                    {(s, j) => (
                      <div class="confirm-schedule" data-testid="confirm-schedule">
                        <div class="field field-narrow">
                          <label for={id(`qty-${j}`)}>
                            {line().schedules.length > 1
                              ? t('confirm.quantityOf', { delivery: j + 1 })
                              : t('lines.quantity')}
                          </label>
                          <input
                            id={id(`qty-${j}`)}
                            inputmode="decimal"
                            class="input"
                            value={s().quantity}
                            disabled={line().decision === 'confirm'}
                            onInput={(e) => setLines(i, 'schedules', j, 'quantity', e.currentTarget.value)}
                          />
                        </div>
                        <div class="field field-narrow">
                          <label for={id(`date-${j}`)}>
                            {line().schedules.length > 1 ? t('confirm.dateOf', { delivery: j + 1 }) : t('col.date')}
                          </label>
                          <input
                            id={id(`date-${j}`)}
                            type="date"
                            min={today}
                            class="input"
                            value={s().date}
                            onInput={(e) => setLines(i, 'schedules', j, 'date', e.currentTarget.value)}
                          />
                        </div>
                        <Show when={line().schedules.length > 1}>
                          <button
                            type="button"
                            class="button button-small"
                            data-testid="confirm-remove-delivery"
                            onClick={() => setLines(i, 'schedules', (list) => list.filter((_, k) => k !== j))}
                          >
                            {t('confirm.removeDelivery', { delivery: j + 1 })}
                          </button>
                        </Show>
                      </div>
                    )}
                  </Index>
                  <Show when={line().decision === 'change'}>
                    <button
                      type="button"
                      class="button button-small"
                      id={id('split')}
                      data-testid="confirm-split"
                      onClick={() => setLines(i, 'schedules', (list) => [...list, { quantity: '', date: defaultDate }])}
                    >
                      {t('confirm.addDelivery')}
                    </button>
                  </Show>
                </Show>
                <Show when={line().decision !== 'confirm'}>
                  <div class="field">
                    <label for={id('reason')}>{t('po.reason')}</label>
                    <input
                      id={id('reason')}
                      class="input"
                      maxlength={1000}
                      value={line().reason}
                      onInput={(e) => setLines(i, 'reason', e.currentTarget.value)}
                    />
                  </div>
                </Show>
              </fieldset>
            );
          }}
        </Index>
      )}
    </FormDialog>
  );
}

/** Every confirmation round, newest first; the newest open, differences marked; operators decide a waiting one. */
export function ConfirmationRounds(props: {
  po: PurchaseOrder;
  rounds: Round[];
  onDecided: (message: string) => void;
}) {
  const [deciding, setDeciding] = createSignal<'reject' | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const accept = async (round: Round) => {
    setError(null);
    try {
      await guard(trpc.purchaseOrders.decideConfirmation.mutate({ id: round.id, decision: 'accept' }));
      props.onDecided(t('confirm.roundAccepted', { round: round.round, number: props.po.number }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="po-confirmations" aria-labelledby="po-confirmations-title" data-testid="po-confirmations">
      <h2 id="po-confirmations-title">{t('po.confirmations')}</h2>
      <Show when={props.rounds.length > 0} fallback={<p class="muted">{t('po.notConfirmedYet')}</p>}>
        <Show when={error()}>
          {(e) => (
            <p class="form-error" role="alert">
              {e()}
            </p>
          )}
        </Show>
        <For each={props.rounds}>
          {(round, i) => (
            <details class="po-round" open={i() === 0} data-testid="po-round" data-status={round.status}>
              <summary>
                {t('po.round', { round: round.round })} · <Badge status={round.status} testId="po-round-status" /> ·{' '}
                {t('po.sent')} <time datetime={round.submittedAt}>{formatDateTime(round.submittedAt)}</time>
                <Show when={round.submittedBy}>{(by) => <> {t('po.by', { name: by() })}</>}</Show>
                <Show when={round.decidedBy}>{(by) => <> · {t('po.decidedBy', { name: by() })}</>}</Show>
              </summary>
              <Show when={round.decisionReason}>
                {(r) => <p class="wrap-text">{t('po.decisionNote', { note: r() })}</p>}
              </Show>
              <div class="table-wrap stack">
                <table class="data-table" data-testid="po-round-lines">
                  <caption class="visually-hidden">{t('po.roundLines', { round: round.round })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('lines.line')}</th>
                      <th scope="col">{t('po.answer')}</th>
                      <th scope="col" class="num">
                        {t('po.ordered')}
                      </th>
                      <th scope="col">{t('po.requested')}</th>
                      <th scope="col">{t('nav.deliveries')}</th>
                      <th scope="col">{t('po.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={round.lines}>
                      {(l) => (
                        <tr
                          data-testid="po-round-line"
                          data-line={l.lineNo}
                          data-changed={l.quantityChanged || l.dateChanged ? 'true' : undefined}
                          classList={{ 'diff-row': l.decision !== 'confirm' || l.dateChanged }}
                        >
                          <th scope="row">{l.lineNo}</th>
                          <td data-label={t('po.answer')}>
                            <Show when={l.decision !== 'confirm'} fallback={t(DECISION_LABEL[l.decision])}>
                              <mark class="diff-mark" data-testid="po-diff-decision">
                                {words(l.decision === 'change' ? 'changed' : 'rejected')}
                              </mark>
                            </Show>
                          </td>
                          <td class="num" data-label={t('po.ordered')}>
                            {formatQuantity(l.orderedQuantity)}
                          </td>
                          <td data-label={t('po.requested')}>
                            <Show when={l.requestedDate} fallback={<NoValue />}>
                              {(d) => formatDate(d())}
                            </Show>
                          </td>
                          <td data-label={t('nav.deliveries')}>
                            <Show when={l.schedules.length > 0} fallback={<NoValue />}>
                              <ul class="plain-list">
                                <For each={l.schedules}>
                                  {(s) => (
                                    <li>
                                      <Show
                                        when={l.quantityChanged}
                                        fallback={<span>{formatQuantity(s.quantity)}</span>}
                                      >
                                        <mark class="diff-mark">{formatQuantity(s.quantity)}</mark>
                                      </Show>{' '}
                                      {t('po.on')}{' '}
                                      <Show
                                        when={l.requestedDate && s.date > l.requestedDate}
                                        fallback={<span>{formatDate(s.date)}</span>}
                                      >
                                        <mark class="diff-mark">{formatDate(s.date)}</mark>
                                      </Show>
                                    </li>
                                  )}
                                </For>
                              </ul>
                            </Show>
                          </td>
                          <td class="wrap" data-label={t('po.reason')}>
                            {l.reason ?? <NoValue />}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={round.status === 'submitted' && can('purchase-orders:review')}>
                <div class="button-row">
                  <button
                    type="button"
                    class="button button-primary"
                    data-testid="po-round-accept"
                    onClick={() => void accept(round)}
                  >
                    {t('confirm.acceptChanges')}
                  </button>
                  <button
                    type="button"
                    class="button"
                    data-testid="po-round-reject"
                    onClick={() => setDeciding('reject')}
                  >
                    {t('confirm.rejectChanges')}
                  </button>
                </div>
                <Show when={deciding() === 'reject'}>
                  <ReasonDialog
                    id="reject-round"
                    title={t('confirm.rejectChanges')}
                    testId="reject-round-dialog"
                    heading={t('confirm.rejectHeading', { round: round.round, number: props.po.number })}
                    label={t('confirm.rejectLabel')}
                    hint={t('confirm.rejectHint')}
                    submitLabel={t('confirm.rejectChanges')}
                    submitTestId="reject-round-submit"
                    send={async (reason) => {
                      await guard(
                        trpc.purchaseOrders.decideConfirmation.mutate({ id: round.id, decision: 'reject', reason }),
                      );
                      props.onDecided(t('confirm.roundRejected', { round: round.round, number: props.po.number }));
                    }}
                    onClose={() => setDeciding(null)}
                  />
                </Show>
              </Show>
            </details>
          )}
        </For>
      </Show>
    </section>
  );
}

type Progress = Awaited<ReturnType<typeof trpc.purchaseOrders.progress.query>>;

/** Per line: ordered, committed (after confirmation), shipped on notices, invoiced, and still open. */
export function DeliveryProgress(props: { po: PurchaseOrder; progress: Progress | undefined; error?: unknown }) {
  return (
    <section aria-labelledby="po-progress-title" class="po-progress">
      <h2 id="po-progress-title">{t('nav.deliveries')}</h2>
      <Show when={!props.error} fallback={<ErrorPanel message={errorMessage(props.error)} />}>
        <Show when={props.progress} fallback={<p class="list-message">{t('po.loadingDeliveries')}</p>}>
          {(p) => (
            <div class="table-wrap stack">
              <table class="data-table" data-testid="po-progress">
                <caption class="visually-hidden">{t('po.progressCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('lines.line')}</th>
                    <th scope="col" class="num">
                      {t('po.ordered')}
                    </th>
                    <th scope="col" class="num">
                      {t('status.confirmed')}
                    </th>
                    <th scope="col" class="num">
                      {t('col.shipped')}
                    </th>
                    <th scope="col" class="num">
                      {t('po.invoiced')}
                    </th>
                    <th scope="col" class="num">
                      {t('col.open')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={p().lines}>
                    {(l) => (
                      <tr data-testid="po-progress-line" data-line={l.lineNo}>
                        <th scope="row">{l.lineNo}</th>
                        <td class="num" data-label={t('po.ordered')}>
                          {formatQuantity(l.ordered)}
                        </td>
                        <td class="num" data-label={t('status.confirmed')}>
                          {formatQuantity(l.committed)}
                        </td>
                        <td class="num" data-label={t('col.shipped')}>
                          {formatQuantity(l.shipped)}
                        </td>
                        <td class="num" data-label={t('po.invoiced')}>
                          {formatQuantity(l.invoiced)}
                        </td>
                        <td class="num" data-label={t('col.open')} data-testid="po-open">
                          {formatQuantity(l.open)}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </Show>
      <p class="button-row">
        <Show when={can('ship-notices:manage')}>
          <A class="button" href={`/ship-notices/new?po=${props.po.id}`} data-testid="po-new-ship-notice">
            {t('po.sendShipNotice')}
          </A>
        </Show>
        <Show when={can('supplier-invoices:submit')}>
          <A class="button" href={`/supplier-invoices/new?po=${props.po.id}`} data-testid="po-new-invoice">
            {t('po.submitInvoice')}
          </A>
        </Show>
      </p>
    </section>
  );
}

/** Operators: confirmation rounds with changes awaiting a decision, oldest first (the work queue's tab). */
export function ConfirmationsQueue() {
  const [queue, { refetch }] = createResource(() => guard(trpc.purchaseOrders.confirmationQueue.query({})));
  return (
    <Show
      when={!queue.error}
      fallback={<ErrorPanel message={errorMessage(queue.error)} onRetry={() => void refetch()} />}
    >
      <Show when={queue()} fallback={<p class="list-message">{t('admin.workQueue.cqLoading')}</p>}>
        {(q) => (
          <Show when={q().items.length > 0} fallback={<p class="list-message">{t('admin.workQueue.cqEmpty')}</p>}>
            <div class="table-wrap stack">
              <table class="data-table" data-testid="confirmations-queue">
                <caption>{t('admin.workQueue.cqCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.workQueue.cqOrder')}</th>
                    <th scope="col">{t('col.supplier')}</th>
                    <th scope="col">{t('admin.workQueue.cqRound')}</th>
                    <th scope="col" class="num">
                      {t('admin.workQueue.cqChanged')}
                    </th>
                    <th scope="col">{t('admin.workQueue.cqSent')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={q().items}>
                    {(c) => (
                      <tr data-testid="confirmations-queue-row">
                        <th scope="row">
                          <A href={`/purchase-orders/${c.purchaseOrderId}`}>{c.purchaseOrderNumber}</A>
                        </th>
                        <td data-label={t('col.supplier')}>{c.partyName}</td>
                        <td data-label={t('admin.workQueue.cqRound')}>{c.round}</td>
                        <td class="num" data-label={t('admin.workQueue.cqChanged')}>
                          {c.changedLines}
                        </td>
                        <td data-label={t('admin.workQueue.cqSent')}>
                          <time datetime={c.submittedAt}>{formatDateTime(c.submittedAt)}</time>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </Show>
  );
}
