import { createSignal, For, Show } from 'solid-js';
import { can, guard } from '../auth.ts';
import { DetailPage } from '../data.tsx';
import { errorMessage } from '../errors.ts';
import { formatDate, formatDateTime, formatMinor, formatQuantity, todayIso } from '../format.ts';
import { FormError } from '../forms.tsx';
import { trpc } from '../trpc.ts';
import { DateCell } from './PurchaseOrders.tsx';
import { Badge, ModalDialog } from './supplier-shared.tsx';

type PurchaseOrder = Awaited<ReturnType<typeof trpc.purchaseOrders.get.query>>;

/** Statuses in which the supplier may still acknowledge or flag a problem (the server decides too). */
const OPEN_STATUSES: readonly string[] = ['open', 'acknowledged', 'problem'];

export default function PurchaseOrderDetail() {
  return (
    <DetailPage
      id="purchase-order"
      noun="Purchase order"
      back={{ href: '/purchase-orders', label: 'Back to purchase orders' }}
      fetch={(id) => trpc.purchaseOrders.get.query({ id })}
      pageTitle={(po) => `Purchase order ${po.number}`}
    >
      {(po, refetch) => <PurchaseOrderView po={po()} refresh={refetch} />}
    </DetailPage>
  );
}

function PurchaseOrderView(props: { po: PurchaseOrder; refresh: () => void }) {
  const [dialog, setDialog] = createSignal<'acknowledge' | 'problem' | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  let acknowledgeButton: HTMLButtonElement | undefined;
  let problemButton: HTMLButtonElement | undefined;
  const actionable = () => can('purchase-orders:acknowledge') && OPEN_STATUSES.includes(props.po.status);
  const closeDialog = () => {
    const which = dialog();
    setDialog(null);
    (which === 'problem' ? problemButton : acknowledgeButton)?.focus();
  };
  const open = (which: 'acknowledge' | 'problem') => {
    setAnnouncement(null);
    setDialog(which);
  };

  return (
    <>
      <div class="detail-header">
        <h1 id="purchase-order-title" data-testid="purchase-order-title">
          Purchase order {props.po.number}
        </h1>
        <Badge status={props.po.status} testId="purchase-order-status" />
        <Show when={actionable()}>
          <div class="button-row po-actions">
            <button
              type="button"
              class="button button-primary"
              data-testid="po-acknowledge"
              ref={acknowledgeButton}
              onClick={() => open('acknowledge')}
            >
              Acknowledge
            </button>
            <button
              type="button"
              class="button"
              data-testid="po-flag-problem"
              ref={problemButton}
              onClick={() => open('problem')}
            >
              Flag a problem
            </button>
          </div>
        </Show>
      </div>
      <div role="status" aria-live="polite" data-testid="purchase-order-announcement">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>

      <Show when={props.po.status === 'problem' && props.po.problemNote}>
        {(note) => (
          <div class="notice po-problem" role="note" data-testid="po-problem">
            <p class="po-problem-line">
              <strong>Problem reported</strong>
              <Show when={props.po.problemBy}>{(by) => <> by {by()}</>}</Show>
              <Show when={props.po.problemAt}>
                {(at) => (
                  <>
                    {' '}
                    on <time datetime={at()}>{formatDateTime(at())}</time>
                  </>
                )}
              </Show>
              :
            </p>
            <p class="po-problem-line po-problem-note">{note()}</p>
          </div>
        )}
      </Show>

      <dl class="summary" data-testid="purchase-order-summary">
        <div>
          <dt>Order date</dt>
          <dd>
            <DateCell date={props.po.orderDate} />
          </dd>
        </div>
        <div>
          <dt>Requested delivery</dt>
          <dd data-testid="po-requested">
            <DateCell date={props.po.requestedDate} />
          </dd>
        </div>
        <div>
          <dt>Promised delivery</dt>
          <dd data-testid="po-promised">
            <DateCell date={props.po.promisedDate} />
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd data-testid="po-total">{formatMinor(props.po.totalMinor, props.po.currency)}</dd>
        </div>
        <Show when={props.po.acknowledgedAt}>
          {(at) => (
            <div>
              <dt>Acknowledged</dt>
              <dd data-testid="po-acknowledged">
                <time datetime={at()}>{formatDateTime(at())}</time>
                <Show when={props.po.acknowledgedBy}>{(by) => <> by {by()}</>}</Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.po.status !== 'problem' && props.po.problemNote}>
          {(note) => (
            <div>
              <dt>Earlier problem</dt>
              <dd class="wrap-text">{note()}</dd>
            </div>
          )}
        </Show>
      </dl>

      <h2 id="purchase-order-lines-title">Lines</h2>
      <div class="table-wrap stack">
        <table class="data-table" data-testid="purchase-order-lines" aria-labelledby="purchase-order-lines-title">
          <thead>
            <tr>
              <th scope="col" class="num">
                Line
              </th>
              <th scope="col">SKU</th>
              <th scope="col">Description</th>
              <th scope="col" class="num">
                Quantity
              </th>
              <th scope="col" class="num">
                Unit price
              </th>
              <th scope="col" class="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            <For
              each={props.po.lines}
              fallback={
                <tr>
                  <td colSpan={6}>This purchase order has no lines.</td>
                </tr>
              }
            >
              {(line) => (
                <tr data-testid="purchase-order-line">
                  <td class="num" data-label="Line">
                    {line.lineNo}
                  </td>
                  <td class="mono" data-label="SKU">
                    {line.sku}
                  </td>
                  <td class="wrap" data-label="Description">
                    {line.description}
                  </td>
                  <td class="num" data-label="Quantity">
                    {formatQuantity(line.quantity)}
                  </td>
                  <td class="num" data-label="Unit price">
                    {formatMinor(line.unitPriceMinor, props.po.currency)}
                  </td>
                  <td class="num" data-label="Amount">
                    {formatMinor(line.amountMinor, props.po.currency)}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={5} class="num">
                Total
              </th>
              <td class="num">{formatMinor(props.po.totalMinor, props.po.currency)}</td>
            </tr>
          </tfoot>
        </table>
      </div>

      <Show when={dialog() === 'acknowledge'}>
        <AcknowledgeDialog
          po={props.po}
          onClose={closeDialog}
          onDone={(date) => {
            setAnnouncement(
              `Purchase order ${props.po.number} acknowledged: delivery promised for ${formatDate(date)}.`,
            );
            props.refresh();
          }}
        />
      </Show>
      <Show when={dialog() === 'problem'}>
        <ProblemDialog
          po={props.po}
          onClose={closeDialog}
          onDone={() => {
            setAnnouncement(`A problem with purchase order ${props.po.number} was reported to the buyer.`);
            props.refresh();
          }}
        />
      </Show>
    </>
  );
}

function AcknowledgeDialog(props: { po: PurchaseOrder; onClose: () => void; onDone: (date: string) => void }) {
  let dateInput: HTMLInputElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const today = todayIso();

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (submitting()) return;
    const date = dateInput?.value ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      setError('Choose the date you promise delivery by.');
      dateInput?.focus();
      return;
    }
    if (date < today) {
      setError('The promised date cannot be in the past.');
      dateInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await guard(trpc.purchaseOrders.acknowledge.mutate({ id: props.po.id, promisedDate: date }));
      props.onDone(date);
      close();
    } catch (err) {
      setError(errorMessage(err));
      dateInput?.focus();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog
      id="acknowledge"
      title="Acknowledge"
      testId="acknowledge-dialog"
      initialFocus={() => dateInput}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id="acknowledge-title">Acknowledge purchase order {props.po.number}</h2>
          <p class="hint" id="acknowledge-why">
            Confirm that you will deliver this order, and by when.
            <Show when={props.po.requestedDate}>{(d) => <> The buyer asked for delivery by {formatDate(d())}.</>}</Show>
          </p>
          <FormError id="acknowledge-error" message={error()} />
          <div class="field field-narrow">
            <label for="acknowledge-date">Promised delivery date</label>
            <input
              id="acknowledge-date"
              name="promisedDate"
              type="date"
              min={today}
              value={props.po.promisedDate && props.po.promisedDate >= today ? props.po.promisedDate : ''}
              required
              aria-invalid={error() ? 'true' : undefined}
              aria-describedby={error() ? 'acknowledge-error acknowledge-why' : 'acknowledge-why'}
              ref={dateInput}
            />
          </div>
          <div class="button-row">
            <button
              type="submit"
              class="button button-primary"
              data-testid="acknowledge-submit"
              disabled={submitting()}
              aria-busy={submitting()}
            >
              Acknowledge
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

function ProblemDialog(props: { po: PurchaseOrder; onClose: () => void; onDone: () => void }) {
  let noteInput: HTMLTextAreaElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (submitting()) return;
    const note = (noteInput?.value ?? '').trim();
    if (note.length < 3) {
      setError('Describe the problem in a few words.');
      noteInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await guard(trpc.purchaseOrders.flagProblem.mutate({ id: props.po.id, note }));
      props.onDone();
      close();
    } catch (err) {
      setError(errorMessage(err));
      noteInput?.focus();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog
      id="problem"
      title="Flag a problem"
      testId="problem-dialog"
      initialFocus={() => noteInput}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id="problem-title">Flag a problem with {props.po.number}</h2>
          <FormError id="problem-error" message={error()} />
          <div class="field">
            <label for="problem-note">What is the problem?</label>
            <textarea
              id="problem-note"
              name="note"
              class="textarea"
              rows={5}
              maxlength={2000}
              required
              aria-invalid={error() ? 'true' : undefined}
              aria-describedby={error() ? 'problem-error problem-hint' : 'problem-hint'}
              ref={noteInput}
            />
            <p class="hint" id="problem-hint">
              For example a quantity or date you cannot meet. The buyer sees this note.
            </p>
          </div>
          <div class="button-row">
            <button
              type="submit"
              class="button button-primary"
              data-testid="problem-submit"
              disabled={submitting()}
              aria-busy={submitting()}
            >
              Flag the problem
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
