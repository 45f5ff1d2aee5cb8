import { INVOICE_QUERY_REASON_LABELS, INVOICE_QUERY_REASONS, type InvoiceQueryReason } from '@gatehouse/contract';
import { createResource, createSignal, For, type JSX, Show } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { can } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, FormDialog } from '../../shared/components.tsx';
import { ErrorPanel } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { sendFile } from '../suppliers/document-upload.tsx';
import { Badge, formatBytes } from '../suppliers/supplier-shared.tsx';

// Accounts payable's marks and pieces: invoice queries (badge, thread, raise and add-to forms) and the
// "payment advised" badge. Used by the invoice list and page and by the staff work queue.

export type InvoiceQuery = Awaited<ReturnType<typeof trpc.invoiceQueries.get.query>>;

/** "Query open" on an invoice that has one (or "2 queries open"). */
export function QueryBadge(props: { count: number }) {
  return (
    <span class="badge badge-query" data-testid="query-badge">
      {t('invoices.queriesOpen', { count: props.count })}
    </span>
  );
}

/** "Payment advised": a remittance advice names it and the ERP's payment has not arrived yet. */
export function AdvisedBadge() {
  return (
    <span class="badge badge-advised" data-testid="advised-badge">
      {t('invoices.advised')}
    </span>
  );
}

export const reasonLabel = (r: InvoiceQueryReason) => INVOICE_QUERY_REASON_LABELS[r];

/** Opens one file of a query: a short-lived link (invoiceQueries.attachmentLink), then the browser saves it. */
async function downloadAttachment(attachmentId: string) {
  const { url } = await trpc.invoiceQueries.attachmentLink.query({ attachmentId });
  window.location.assign(await apiUrl(url));
}

/** Sends files to an upload route one after the other; the message of the first refusal, or null. */
export async function attachFiles(path: string, files: readonly File[]): Promise<string | null> {
  for (const file of files) {
    try {
      await sendFile(await apiUrl(path), file, () => {}, {});
    } catch (err) {
      return `${file.name}: ${errorMessage(err)}`;
    }
  }
  return null;
}

type ThreadMessage = { id: string; authorSide: string; author: string; body: string; at: string; kind?: string };
type ThreadFile = { id: string; fileName: string; sizeBytes: number; uploadedBy: string };

/**
 * A conversation between two sides (an invoice query's, a purchase order's): who wrote what when, the
 * sides told apart in words, then its files (each opened through `download`), then `children` (an outcome).
 */
export function MessageThread(props: {
  messages: readonly ThreadMessage[];
  attachments: readonly ThreadFile[];
  sideLabel: (m: ThreadMessage) => string;
  download: (attachmentId: string) => Promise<void>;
  children?: JSX.Element;
}) {
  const [downloadError, setDownloadError] = createSignal<string | null>(null);
  return (
    <div class="query-thread" data-testid="query-thread">
      <ol class="query-messages" aria-label={t('thread.messages')}>
        <For each={props.messages}>
          {(m) => (
            <li class={`query-message query-message-${m.authorSide}`} data-testid="query-message" data-kind={m.kind}>
              <p class="query-message-meta">
                <strong>{m.author}</strong>
                <span class="muted"> · {props.sideLabel(m)} · </span>
                <time datetime={m.at}>{formatDateTime(m.at)}</time>
              </p>
              <p class="query-message-body">{m.body}</p>
            </li>
          )}
        </For>
      </ol>
      <Show when={props.attachments.length > 0}>
        <h4 class="query-files-title">{t('thread.files')}</h4>
        <ul class="query-files" data-testid="query-files">
          <For each={props.attachments}>
            {(a) => (
              <li>
                <button
                  type="button"
                  class="link-button"
                  data-testid="query-file"
                  onClick={() => {
                    setDownloadError(null);
                    props.download(a.id).catch((err: unknown) => setDownloadError(errorMessage(err)));
                  }}
                >
                  {a.fileName}
                </button>
                <span class="muted">
                  {' '}
                  · {formatBytes(a.sizeBytes)} · {a.uploadedBy}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={downloadError()}>
        {(m) => (
          <p class="form-error" role="alert">
            {m()}
          </p>
        )}
      </Show>
      {props.children}
    </div>
  );
}

/** A query's thread: customer and staff messages, its files, and how it was closed. */
export function QueryThread(props: { query: InvoiceQuery }) {
  const q = () => props.query;
  return (
    <MessageThread
      messages={q().messages}
      attachments={q().attachments}
      sideLabel={(m) => (m.authorSide === 'staff' ? t('query.staffSide') : t('query.customerSide'))}
      download={downloadAttachment}
    >
      <Show when={q().status !== 'open' && q().resolution}>
        <p class="notice" role="note" data-testid="query-outcome">
          <strong>{q().status === 'resolved' ? t('thread.resolved') : t('query.rejected')}</strong>
          <Show when={q().closedBy}>{(by) => <> {t('history.by', { name: by() })}</>}</Show>
          <Show when={q().closedAt}>
            {(at) => (
              <>
                {' '}
                {t('thread.on')} <time datetime={at()}>{formatDateTime(at())}</time>
              </>
            )}
          </Show>
          : {q().resolution}
        </p>
      </Show>
    </MessageThread>
  );
}

type Line = { lineNo: number; description: string };

/**
 * The queries on one invoice for its page: each with its status and thread; a customer who may raise
 * queries gets "Raise a query" (the invoice or one line, a reason, a message, files) and, on an open one,
 * "Add a message".
 */
export function InvoiceQueries(props: { invoiceId: string; lines: readonly Line[]; onChange: () => void }) {
  const [queries, { refetch }] = createResource(
    () => props.invoiceId,
    (id) => trpc.invoiceQueries.forInvoice.query({ id }),
  );
  const [dialog, setDialog] = createSignal<{ kind: 'raise' } | { kind: 'comment'; id: string } | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const mayRaise = () => can('invoice-queries:create');
  const changed = (message: string) => {
    setAnnouncement(message);
    void refetch();
    props.onChange();
  };
  return (
    <section class="invoice-queries after-panel" aria-labelledby="invoice-queries-title" data-testid="invoice-queries">
      <div class="detail-header">
        <h2 id="invoice-queries-title">{t('queries.title')}</h2>
        <Show when={mayRaise()}>
          <button
            type="button"
            class="button"
            data-testid="query-raise"
            onClick={() => {
              setAnnouncement(null);
              setDialog({ kind: 'raise' });
            }}
          >
            {t('queries.raise')}
          </button>
        </Show>
      </div>
      <Announcement testId="query-announcement" message={announcement()} />
      <Show when={!queries.error} fallback={<ErrorPanel message={errorMessage(queries.error)} onRetry={refetch} />}>
        <Show when={queries()} fallback={<p class="muted">{t('queries.loading')}</p>}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <p class="muted" data-testid="queries-empty">
                  {t('queries.none')}
                </p>
              }
            >
              <For each={list()}>
                {(q) => (
                  <article class="query" data-testid="invoice-query">
                    <h3 class="query-title">
                      {reasonLabel(q.reason)}
                      {q.line ? ` · line ${q.line.lineNo}: ${q.line.description}` : ' · the whole invoice'}{' '}
                      <Badge status={q.status} testId="query-status" />
                    </h3>
                    <QueryThread query={q} />
                    <Show when={mayRaise() && q.status === 'open'}>
                      <button
                        type="button"
                        class="button"
                        data-testid="query-comment"
                        onClick={() => {
                          setAnnouncement(null);
                          setDialog({ kind: 'comment', id: q.id });
                        }}
                      >
                        {t('queries.add')}
                      </button>
                    </Show>
                  </article>
                )}
              </For>
            </Show>
          )}
        </Show>
      </Show>
      <Show when={dialog()}>
        {(d) => (
          <QueryDialog
            mode={d()}
            invoiceId={props.invoiceId}
            lines={props.lines}
            onClose={() => setDialog(null)}
            onDone={changed}
          />
        )}
      </Show>
    </section>
  );
}

function QueryDialog(props: {
  mode: { kind: 'raise' } | { kind: 'comment'; id: string };
  invoiceId: string;
  lines: readonly Line[];
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  let message: HTMLTextAreaElement | undefined;
  let files: HTMLInputElement | undefined;
  let lineSelect: HTMLSelectElement | undefined;
  const [line, setLine] = createSignal('');
  const [reason, setReason] = createSignal<InvoiceQueryReason | ''>('');
  const raising = () => props.mode.kind === 'raise';
  const text = () => (message?.value ?? '').trim();
  return (
    <FormDialog
      id="query-dialog"
      title={raising() ? t('query.raiseTitle') : t('query.addTitle')}
      testId="query-dialog"
      heading={raising() ? t('query.raiseHeading') : t('query.addHeading')}
      intro={
        <p class="hint" id="query-dialog-what">
          {raising() ? t('query.raiseIntro') : t('query.addIntro')}
        </p>
      }
      wide
      initialFocus={() => (raising() ? lineSelect : message)}
      onClose={props.onClose}
      submitLabel={raising() ? t('query.raiseSubmit') : t('thread.send')}
      submitTestId="query-submit"
      check={() => {
        if (raising() && !reason()) return t('query.chooseReason');
        if (text().length < 3) return t('thread.fewWords');
        return null;
      }}
      send={async () => {
        const chosen = [...(files?.files ?? [])];
        let id: string;
        if (props.mode.kind === 'raise') {
          const r = reason() as InvoiceQueryReason;
          const lineNo = line() === '' ? undefined : Number(line());
          ({ id } = await trpc.invoiceQueries.raise.mutate({
            invoiceId: props.invoiceId,
            reason: r,
            message: text(),
            ...(lineNo !== undefined ? { lineNo } : {}),
          }));
        } else {
          id = props.mode.id;
          await trpc.invoiceQueries.comment.mutate({ id, message: text() });
        }
        const refused = await attachFiles(`/files/invoice-query-attachments?queryId=${id}`, chosen);
        props.onDone(
          (raising() ? t('query.sent') : t('thread.sentPlain')) +
            (refused ? ` ${t('thread.fileRefused', { reason: refused })}` : ''),
        );
      }}
    >
      {() => (
        <>
          <Show when={raising()}>
            <div class="field">
              <label for="query-line">{t('query.about')}</label>
              <select
                id="query-line"
                name="line"
                data-testid="query-line"
                ref={lineSelect}
                value={line()}
                onChange={(e) => setLine(e.currentTarget.value)}
              >
                <option value="">{t('query.wholeInvoice')}</option>
                <For each={props.lines}>
                  {(l) => (
                    <option value={String(l.lineNo)}>
                      {t('query.lineOption', { line: l.lineNo, description: l.description })}
                    </option>
                  )}
                </For>
              </select>
            </div>
            <div class="field">
              <label for="query-reason">{t('query.reason')}</label>
              <select
                id="query-reason"
                name="reason"
                data-testid="query-reason"
                value={reason()}
                onChange={(e) => setReason(e.currentTarget.value as InvoiceQueryReason)}
              >
                <option value="" disabled>
                  {t('common.choose')}
                </option>
                <For each={INVOICE_QUERY_REASONS}>{(r) => <option value={r}>{reasonLabel(r)}</option>}</For>
              </select>
            </div>
          </Show>
          <div class="field">
            <label for="query-message">{t('thread.message')}</label>
            <textarea
              id="query-message"
              name="message"
              rows={5}
              maxlength={4000}
              data-testid="query-message-input"
              ref={message}
            />
          </div>
          <div class="field">
            <label for="query-files">
              {t('thread.files')} <span class="muted">{t('common.optional')}</span>
            </label>
            <input
              id="query-files"
              type="file"
              name="file"
              multiple
              accept="application/pdf,image/png,image/jpeg"
              data-testid="query-files-input"
              ref={files}
            />
          </div>
        </>
      )}
    </FormDialog>
  );
}
