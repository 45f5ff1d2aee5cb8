import type { ExportFormat, ExportList } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { type Accessor, createContext, createSignal, For, type JSX, Show, useContext } from 'solid-js';
import { apiUrl } from '../api-origin.ts';
import { refreshMe } from '../auth.ts';
import { t } from '../i18n.ts';
import { NoValue } from './data.tsx';
import { ModalDialog } from './dialog.tsx';
import { saveBlobFile } from './download.ts';
import { errorMessage, UserFacingError } from './errors.ts';
import { formatMinor, formatQuantityUom, formatUnitPrice } from './format.ts';
import { FormError } from './forms.tsx';

/**
 * Pieces several pages build the same way: a dialog holding one form (and its common kind, a reason in a
 * textarea), the lines table of orders, invoices, purchase orders and shipments, and a keyboard tablist.
 */

/**
 * A modal dialog holding one form: heading, an optional intro, the refusal message, the fields, then the
 * submit button and Cancel. It sends once at a time; a refusal (the page's own check or the server's
 * answer) is shown in the dialog and the caret goes back to the first field. Ids: `${id}-title`,
 * `${id}-error`.
 */
export function FormDialog(props: {
  id: string;
  title: string;
  testId: string;
  heading: JSX.Element;
  /** Between the heading and the error, e.g. a hint the field points at. */
  intro?: JSX.Element;
  wide?: boolean;
  /** The first field; without one (a confirmation) the dialog starts on Cancel. */
  initialFocus?: () => HTMLElement | undefined;
  onClose: () => void;
  submitLabel: JSX.Element;
  /** 'button button-primary' unless said. */
  submitClass?: string;
  submitTestId: string;
  /** Checks the fields before sending: the message to show, or null when they are fine. */
  check?: () => string | null;
  /** Sends; when it resolves the dialog closes. */
  send: () => Promise<void>;
  /** A refused call the page deals with itself: true closes the dialog instead of showing the error. */
  onRefused?: (err: unknown) => boolean;
  children?: (error: Accessor<string | null>) => JSX.Element;
}) {
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let cancelButton: HTMLButtonElement | undefined;
  const focusField = () => (props.initialFocus ? props.initialFocus() : cancelButton)?.focus();

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (submitting()) return;
    const problem = props.check?.() ?? null;
    if (problem) {
      setError(problem);
      focusField();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await props.send();
      close();
    } catch (err) {
      if (props.onRefused?.(err)) {
        close();
        return;
      }
      setError(errorMessage(err));
      focusField();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog
      id={props.id}
      title={props.title}
      testId={props.testId}
      wide={props.wide}
      initialFocus={() => (props.initialFocus ? props.initialFocus() : cancelButton)}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id={`${props.id}-title`}>{props.heading}</h2>
          {props.intro}
          <FormError id={`${props.id}-error`} message={error()} />
          {props.children?.(error)}
          <div class="button-row">
            <button
              type="submit"
              class={props.submitClass ?? 'button button-primary'}
              data-testid={props.submitTestId}
              disabled={submitting()}
              aria-busy={submitting()}
            >
              {props.submitLabel}
            </button>
            <button type="button" class="button" onClick={close} ref={cancelButton}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}

/**
 * A decision or report that carries a reason (approve, reject, request changes, flag a problem): a
 * FormDialog with one textarea, required (at least three characters) unless `optional`. The field is
 * `${id}-${name}`; it points at the `what` paragraph (`${id}-what`) or the `hint` under it (`${id}-hint`).
 */
export function ReasonDialog(props: {
  id: string;
  title: string;
  testId: string;
  heading: JSX.Element;
  /** What the decision does, above the field. */
  what?: JSX.Element;
  /** Help under the field. */
  hint?: JSX.Element;
  label: string;
  /** The reason may be left empty (the label says "(optional)"). */
  optional?: boolean;
  /** Shown when a required reason is missing or too short. */
  missing?: string;
  /** The textarea's name ('reason' unless said). */
  name?: string;
  rows?: number;
  submitLabel: string;
  submitClass?: string;
  submitTestId: string;
  /** Sends the trimmed reason ('' when an optional one was left empty). */
  send: (reason: string) => Promise<void>;
  onRefused?: (err: unknown) => boolean;
  onClose: () => void;
}) {
  let input: HTMLTextAreaElement | undefined;
  const reason = () => (input?.value ?? '').trim();
  const fieldId = () => `${props.id}-${props.name ?? 'reason'}`;
  const described = () => (props.what ? `${props.id}-what` : props.hint ? `${props.id}-hint` : undefined);
  return (
    <FormDialog
      id={props.id}
      title={props.title}
      testId={props.testId}
      heading={props.heading}
      intro={
        <Show when={props.what}>
          <p class="hint" id={`${props.id}-what`}>
            {props.what}
          </p>
        </Show>
      }
      initialFocus={() => input}
      onClose={props.onClose}
      submitLabel={props.submitLabel}
      submitClass={props.submitClass}
      submitTestId={props.submitTestId}
      check={() => (!props.optional && reason().length < 3 ? (props.missing ?? t('common.giveReason')) : null)}
      send={() => props.send(reason())}
      onRefused={props.onRefused}
    >
      {(error) => (
        <div class="field">
          <label for={fieldId()}>
            {props.label}
            <Show when={props.optional}>
              <span class="muted"> {t('common.optional')}</span>
            </Show>
          </label>
          <textarea
            id={fieldId()}
            name={props.name ?? 'reason'}
            class="textarea"
            rows={props.rows ?? 4}
            maxlength={2000}
            required={!props.optional}
            aria-invalid={error() && !props.optional ? 'true' : undefined}
            aria-describedby={error() ? `${props.id}-error ${described() ?? ''}`.trim() : described()}
            ref={input}
          />
          <Show when={props.hint}>
            <p class="hint" id={`${props.id}-hint`}>
              {props.hint}
            </p>
          </Show>
        </div>
      )}
    </FormDialog>
  );
}

type Minor = Parameters<typeof formatMinor>[0];

/** A line of an order, invoice, purchase order or shipment; shipments carry no prices. */
export interface Line {
  lineNo: number;
  /** Null on an invoice line with no article (freight, a correction). */
  sku: string | null;
  description: string;
  quantity: string;
  /** Unit of measure, shown after the quantity ('12 EA'). */
  uom?: string | null;
  /** A shipment's line names its order: shown beside the line number when the lines span several orders. */
  orderNumber?: string;
  unitPriceMinor?: Minor;
  /** The exact unit price (decimal string), shown when it is finer than the currency's minor unit. */
  unitPrice?: string | null;
  amountMinor?: Minor;
  /** An invoice line's tax: a Tax column appears when any line has one. */
  taxMinor?: Minor | null;
}

/** How many columns a priced LinesTable has before "Amount": TotalRow spans them. */
const LinesColumns = createContext<Accessor<number>>(() => 5);

/**
 * The "Lines" heading and table of a detail page. With a `currency` the lines are priced (unit price and
 * amount columns, and room for total rows in `footer`); without one they are quantities only. Test ids:
 * `${id}-lines` on the table, `${id}-line` on each row.
 */
export function LinesTable(props: {
  id: string;
  lines: readonly Line[];
  emptyText: string;
  currency?: string;
  /** The first column's name ('Line' unless said). */
  lineLabel?: string;
  /** Total rows (TotalRow) under priced lines. */
  footer?: JSX.Element;
}) {
  const titleId = () => `${props.id}-lines-title`;
  const lineLabel = () => props.lineLabel ?? t('lines.line');
  const priced = () => props.currency !== undefined;
  const severalOrders = () => new Set(props.lines.map((l) => l.orderNumber)).size > 1;
  const taxed = () => priced() && props.lines.some((l) => l.taxMinor !== null && l.taxMinor !== undefined);
  const columns = () => 4 + (priced() ? 2 : 0) + (taxed() ? 1 : 0);
  return (
    <LinesColumns.Provider value={() => columns() - 1}>
      <h2 id={titleId()}>{t('lines.title')}</h2>
      <div class="table-wrap stack">
        <table class="data-table" data-testid={`${props.id}-lines`} aria-labelledby={titleId()}>
          <thead>
            <tr>
              <th scope="col" class="num">
                {lineLabel()}
              </th>
              <th scope="col">{t('lines.sku')}</th>
              <th scope="col">{t('lines.description')}</th>
              <th scope="col" class="num">
                {t('lines.quantity')}
              </th>
              <Show when={priced()}>
                <th scope="col" class="num">
                  {t('lines.unitPrice')}
                </th>
                <Show when={taxed()}>
                  <th scope="col" class="num">
                    {t('lines.tax')}
                  </th>
                </Show>
                <th scope="col" class="num">
                  {t('lines.amount')}
                </th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For
              each={props.lines}
              fallback={
                <tr>
                  <td colSpan={columns()}>{props.emptyText}</td>
                </tr>
              }
            >
              {(line) => (
                <tr data-testid={`${props.id}-line`}>
                  <td class="num" data-label={lineLabel()}>
                    {severalOrders() ? `${line.orderNumber} / ${line.lineNo}` : line.lineNo}
                  </td>
                  <td class="mono" data-label={t('lines.sku')}>
                    {line.sku ?? <NoValue />}
                  </td>
                  <td class="wrap" data-label={t('lines.description')}>
                    {line.description}
                  </td>
                  <td class="num" data-label={t('lines.quantity')} data-testid={`${props.id}-line-quantity`}>
                    {formatQuantityUom(line.quantity, line.uom)}
                  </td>
                  <Show when={props.currency}>
                    {(currency) => (
                      <>
                        <td class="num" data-label={t('lines.unitPrice')} data-testid={`${props.id}-line-unit-price`}>
                          {formatUnitPrice(
                            { unitPriceMinor: line.unitPriceMinor ?? '0', unitPrice: line.unitPrice },
                            currency(),
                          )}
                        </td>
                        <Show when={taxed()}>
                          <td class="num" data-label={t('lines.tax')}>
                            {line.taxMinor !== null && line.taxMinor !== undefined ? (
                              formatMinor(line.taxMinor, currency())
                            ) : (
                              <NoValue />
                            )}
                          </td>
                        </Show>
                        <td class="num" data-label={t('lines.amount')}>
                          {formatMinor(line.amountMinor ?? '0', currency())}
                        </td>
                      </>
                    )}
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
          <Show when={props.footer}>
            <tfoot>{props.footer}</tfoot>
          </Show>
        </table>
      </div>
    </LinesColumns.Provider>
  );
}

/** A total under priced lines: its name across the columns before "Amount", the amount under it. */
export function TotalRow(props: {
  label: string;
  minor: Minor;
  currency: string;
  testId?: string;
  classList?: Record<string, boolean>;
}) {
  const span = useContext(LinesColumns);
  return (
    <tr classList={props.classList}>
      <th scope="row" colSpan={span()} class="num">
        {props.label}
      </th>
      <td class="num" data-testid={props.testId}>
        {formatMinor(props.minor, props.currency)}
      </td>
    </tr>
  );
}

/**
 * A row of tabs (WAI-ARIA tabs: arrow keys, Home and End move and select; only the selected tab is in the
 * tab order). Each tab's id and test id is `${idPrefix}${key}`; the page renders the tab panel.
 */
export function Tabs<K extends string>(props: {
  label: string;
  tabs: readonly { key: K; label: string }[];
  active: K;
  onSelect: (key: K) => void;
  idPrefix: string;
  /** The id of the panel a tab shows. */
  controls: (key: K) => string;
}) {
  const buttons: Partial<Record<K, HTMLButtonElement>> = {};
  const onKeyDown = (event: KeyboardEvent) => {
    const list = props.tabs;
    const index = list.findIndex((t) => t.key === props.active);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % list.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + list.length) % list.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    if (next === null) return;
    event.preventDefault();
    const tab = list[next];
    if (!tab) return;
    props.onSelect(tab.key);
    buttons[tab.key]?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={props.label} onKeyDown={onKeyDown}>
      <For each={props.tabs}>
        {(t) => (
          <button
            type="button"
            role="tab"
            class="tab"
            id={`${props.idPrefix}${t.key}`}
            data-testid={`${props.idPrefix}${t.key}`}
            aria-selected={props.active === t.key}
            aria-controls={props.controls(t.key)}
            tabindex={props.active === t.key ? 0 : -1}
            ref={(el) => {
              buttons[t.key] = el;
            }}
            onClick={() => props.onSelect(t.key)}
          >
            {t.label}
          </button>
        )}
      </For>
    </div>
  );
}

/** The polite live region a page announces what just happened in (a decision sent, a request withdrawn). */
export function Announcement(props: { testId: string; message: string | null }) {
  return (
    <div role="status" aria-live="polite" data-testid={props.testId}>
      <Show when={props.message}>{(message) => <p class="notice">{message()}</p>}</Show>
    </div>
  );
}

/**
 * Which of a page's dialogs is open, and the buttons that open them. Closing puts focus back on the button
 * that opened the dialog, or on `fallback` (the page heading) when that button is gone because the action
 * no longer applies.
 */
export function createDialogs<K extends string>(fallback?: () => HTMLElement | undefined) {
  const [open, setOpen] = createSignal<K | null>(null);
  const buttons: Partial<Record<K, HTMLElement>> = {};
  return {
    open,
    /** The ref of the button that opens `key`. */
    opener: (key: K) => (el: HTMLElement) => {
      buttons[key] = el;
    },
    show: (key: K) => setOpen(() => key),
    close: () => {
      const which = open();
      setOpen(null);
      const button = which ? buttons[which] : undefined;
      if (button?.isConnected) button.focus();
      else fallback?.()?.focus();
    },
  };
}

/** Links to the orders a shipment carries (usually one), separated by commas. */
export function OrderLinks(props: { orders: readonly { id: string; number: string }[]; prefix?: string }) {
  return (
    <For each={props.orders} fallback={<span class="muted">{t('common.none')}</span>}>
      {(o, i) => (
        <>
          {i() > 0 ? ', ' : ''}
          <A href={`/orders/${o.id}`} data-testid="shipment-order-link">
            {props.prefix ?? ''}
            {o.number}
          </A>
        </>
      )}
    </For>
  );
}

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; format: ExportFormat; rows: number; bytes: number }
  | { phase: 'done'; format: ExportFormat; rows: number; bytes: number }
  | { phase: 'error'; message: string };

const sizeLabel = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Export (CSV / XLSX) of a list screen with the filters in force: one component for every list. The file
 * streams from POST /files/exports/:list; while it comes, a counter shows the rows (CSV) or the size (XLSX)
 * received so far, with Cancel; at the end the browser saves it. A refusal (the rate limit, a permission)
 * shows the server's own words.
 */
export function ExportButton(props: { list: ExportList; filters: () => Record<string, unknown>; noun: string }) {
  const [state, setState] = createSignal<ExportState>({ phase: 'idle' });
  let abort: AbortController | undefined;

  async function run(format: ExportFormat) {
    abort = new AbortController();
    let rows = 0;
    let bytes = 0;
    setState({ phase: 'running', format, rows, bytes });
    try {
      // Only the filters that are set: the server reads them as the list procedure does.
      const filters = Object.fromEntries(
        Object.entries(props.filters()).filter(([, v]) => v !== undefined && v !== '' && v !== false),
      );
      const res = await fetch(await apiUrl(`/files/exports/${props.list}`), {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json', accept: 'application/json, */*' },
        body: JSON.stringify({ format, filters }),
        signal: abort.signal,
      });
      if (!res.ok || !res.body) {
        const body: unknown = await res.json().catch(() => null);
        if (res.status === 401) void refreshMe();
        throw new UserFacingError(serverMessage(body) ?? t('export.failed', { status: res.status }));
      }
      const reader = res.body.getReader();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let previous = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value as Uint8Array<ArrayBuffer>);
        bytes += value.length;
        // A CSV record ends with CR LF: counting them counts the rows as they arrive (less the header).
        if (format === 'csv')
          for (let i = 0; i < value.length; i++) {
            if (value[i] === 10 && (i > 0 ? value[i - 1] : previous) === 13) rows += 1;
          }
        previous = value[value.length - 1] ?? previous;
        setState({ phase: 'running', format, rows: Math.max(0, rows - 1), bytes });
      }
      const type = res.headers.get('content-type') ?? 'application/octet-stream';
      // The server's name for the file (a plain token, or quoted): gatehouse-<list>-<day>.<format>.
      const name = /filename="?([\w.-]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1];
      saveBlobFile(name ?? `gatehouse-${props.list}.${format}`, new Blob(chunks, { type }));
      setState({ phase: 'done', format, rows: Math.max(0, rows - 1), bytes });
    } catch (err) {
      if (abort?.signal.aborted) setState({ phase: 'error', message: t('export.cancelled') });
      else
        setState({
          phase: 'error',
          message: err instanceof UserFacingError ? err.message : t('export.broken'),
        });
    } finally {
      abort = undefined;
    }
  }

  const running = () => state().phase === 'running';
  const progress = () => {
    const s = state();
    if (s.phase !== 'running' && s.phase !== 'done') return '';
    const what = s.format === 'csv' ? t('export.rows', { count: s.rows }) : sizeLabel(s.bytes);
    return s.phase === 'running'
      ? t('export.running', { noun: props.noun, what })
      : t('export.done', { what, format: s.format.toUpperCase() });
  };

  return (
    <fieldset class="export-bar" data-testid="export">
      <legend class="export-label">{t('export.legend', { noun: props.noun })}</legend>
      <button
        type="button"
        class="button"
        data-testid="export-csv"
        aria-disabled={running()}
        onClick={() => !running() && void run('csv')}
      >
        CSV
      </button>
      <button
        type="button"
        class="button"
        data-testid="export-xlsx"
        aria-disabled={running()}
        onClick={() => !running() && void run('xlsx')}
      >
        Excel (XLSX)
      </button>
      <Show when={running()}>
        <button type="button" class="button button-quiet" data-testid="export-cancel" onClick={() => abort?.abort()}>
          {t('common.cancel')}
        </button>
      </Show>
      <p class="hint export-status" role="status" data-testid="export-status" data-phase={state().phase}>
        {progress()}
      </p>
      <Show when={state().phase === 'error' ? (state() as { message: string }).message : null}>
        {(message) => (
          <p class="field-error export-error" role="alert" data-testid="export-error">
            {message()}
          </p>
        )}
      </Show>
    </fieldset>
  );
}

function serverMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  return typeof error.message === 'string' && error.message ? error.message : undefined;
}
