import { createEffect, createResource, createSignal, on, Show } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { can, currentMe } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, FormDialog, ReasonDialog } from '../../shared/components.tsx';
import { ErrorPanel } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { attachFiles, MessageThread } from '../orders/payables-shared.tsx';
import { Badge } from './supplier-shared.tsx';

// A purchase order's message thread (issue 19 item 4): the supplier and the buyer's operators write,
// with files; "Flag a problem" opens it; an operator resolves it. Opening the page marks it read.

type Thread = NonNullable<Awaited<ReturnType<typeof trpc.poThreads.get.query>>>;

/** "2 unread" on a PO list row or the thread's heading, when there is something unread. */
export function UnreadBadge(props: { count: number }) {
  return (
    <Show when={props.count > 0}>
      <span class="badge badge-unread" data-testid="po-unread">
        {props.count} unread
      </span>
    </Show>
  );
}

async function downloadFile(attachmentId: string) {
  const { url } = await trpc.poThreads.attachmentLink.query({ attachmentId });
  window.location.assign(await apiUrl(url));
}

/**
 * The thread section of a PO page. `version` changes when the page learns of a change made elsewhere
 * (a problem just flagged), so the thread is read again.
 */
export function PoThread(props: { purchaseOrderId: string; poNumber: string; version: number; onChange: () => void }) {
  const [thread, { refetch }] = createResource(
    () => [props.purchaseOrderId, props.version] as const,
    ([id]) => trpc.poThreads.get.query({ purchaseOrderId: id }),
  );
  const [dialog, setDialog] = createSignal<'write' | 'resolve' | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const staff = () => currentMe()?.party.kind === 'internal';
  const mayWrite = () => (staff() ? can('purchase-orders:review') : can('purchase-orders:acknowledge'));
  // Seen on screen: marked read once per load that shows unread messages (the list and home follow).
  createEffect(
    on(thread, (th) => {
      if (th && th.unread > 0) void trpc.poThreads.markRead.mutate({ purchaseOrderId: props.purchaseOrderId });
    }),
  );
  const changed = (message: string) => {
    setAnnouncement(message);
    void refetch();
    props.onChange();
  };
  return (
    <section class="after-panel po-thread" aria-labelledby="po-thread-title" data-testid="po-thread">
      <div class="detail-header">
        <h2 id="po-thread-title">{t('thread.messages')}</h2>
        <Show when={thread()}>
          {(th) => (
            <>
              <Badge status={th().status} testId="po-thread-status" />
              <UnreadBadge count={th().unread} />
            </>
          )}
        </Show>
        <div class="button-row">
          <Show when={mayWrite()}>
            <button
              type="button"
              class="button"
              data-testid="po-thread-write"
              onClick={() => {
                setAnnouncement(null);
                setDialog('write');
              }}
            >
              {t('thread.write')}
            </button>
          </Show>
          <Show when={staff() && can('purchase-orders:review') && thread()?.status === 'open'}>
            <button
              type="button"
              class="button button-primary"
              data-testid="po-thread-resolve"
              onClick={() => {
                setAnnouncement(null);
                setDialog('resolve');
              }}
            >
              {t('thread.resolve')}
            </button>
          </Show>
        </div>
      </div>
      <Announcement testId="po-thread-announcement" message={announcement()} />
      <Show when={!thread.error} fallback={<ErrorPanel message={errorMessage(thread.error)} onRetry={refetch} />}>
        <Show
          when={thread.state !== 'unresolved' && thread.state !== 'pending'}
          fallback={<p class="muted">{t('thread.loading')}</p>}
        >
          <Show
            when={thread()}
            fallback={
              <p class="muted" data-testid="po-thread-empty">
                {t('thread.none')}
              </p>
            }
          >
            {(th) => (
              <MessageThread
                messages={th().messages}
                attachments={th().attachments}
                sideLabel={(m) =>
                  (m.authorSide === 'staff' ? t('thread.buyer') : t('thread.supplier')) +
                  (m.kind === 'problem' ? ` · ${t('thread.problemReported')}` : '')
                }
                download={downloadFile}
              >
                <Resolution thread={th()} />
              </MessageThread>
            )}
          </Show>
        </Show>
      </Show>
      <Show when={dialog() === 'write'}>
        <WriteDialog
          purchaseOrderId={props.purchaseOrderId}
          staff={staff()}
          onClose={() => setDialog(null)}
          onDone={(refused) =>
            changed(
              (staff() ? t('thread.sentToSupplier') : t('thread.sentToBuyer')) +
                (refused ? ` ${t('thread.fileRefused', { reason: refused })}` : ''),
            )
          }
        />
      </Show>
      <Show when={dialog() === 'resolve'}>
        {(_) => (
          <ReasonDialog
            id="po-thread-resolve"
            title={t('thread.resolveTitle')}
            testId="po-thread-resolve-dialog"
            heading={t('thread.resolveHeading', { number: props.poNumber })}
            what={t('thread.resolveWhat')}
            label={t('thread.resolveLabel')}
            name="resolution"
            missing={t('thread.resolveMissing')}
            submitLabel={t('thread.resolve')}
            submitTestId="po-thread-resolve-submit"
            send={async (resolution) => {
              await trpc.poThreads.resolve.mutate({
                purchaseOrderId: props.purchaseOrderId,
                version: thread()?.version ?? 0,
                resolution,
              });
              changed(t('thread.resolvedSaid'));
            }}
            onClose={() => setDialog(null)}
          />
        )}
      </Show>
    </section>
  );
}

function Resolution(props: { thread: Thread }) {
  return (
    <Show when={props.thread.status === 'resolved' && props.thread.resolution}>
      <p class="notice" role="note" data-testid="po-thread-outcome">
        <strong>{t('thread.resolved')}</strong>
        <Show when={props.thread.resolvedBy}>{(by) => <> {t('history.by', { name: by() })}</>}</Show>
        <Show when={props.thread.resolvedAt}>
          {(at) => (
            <>
              {' '}
              {t('thread.on')} <time datetime={at()}>{formatDateTime(at())}</time>
            </>
          )}
        </Show>
        : {props.thread.resolution}
      </p>
    </Show>
  );
}

function WriteDialog(props: {
  purchaseOrderId: string;
  staff: boolean;
  onClose: () => void;
  onDone: (refused: string | null) => void;
}) {
  let message: HTMLTextAreaElement | undefined;
  let files: HTMLInputElement | undefined;
  const text = () => (message?.value ?? '').trim();
  return (
    <FormDialog
      id="po-thread-dialog"
      title={t('thread.write')}
      testId="po-thread-dialog"
      heading={t('thread.write')}
      intro={
        <p class="hint">
          {props.staff ? t('thread.supplierTold') : t('thread.buyerTold')} {t('thread.fileTypes')}
        </p>
      }
      wide
      initialFocus={() => message}
      onClose={props.onClose}
      submitLabel={t('thread.send')}
      submitTestId="po-thread-submit"
      check={() => (text().length < 3 ? t('thread.fewWords') : null)}
      send={async () => {
        const chosen = [...(files?.files ?? [])];
        const input = { purchaseOrderId: props.purchaseOrderId, message: text() };
        await (props.staff ? trpc.poThreads.reply.mutate(input) : trpc.poThreads.post.mutate(input));
        props.onDone(
          await attachFiles(`/files/po-thread-attachments?purchaseOrderId=${props.purchaseOrderId}`, chosen),
        );
      }}
    >
      {() => (
        <>
          <div class="field">
            <label for="po-thread-message">{t('thread.message')}</label>
            <textarea
              id="po-thread-message"
              name="message"
              class="textarea"
              rows={5}
              maxlength={4000}
              data-testid="po-thread-message-input"
              ref={message}
            />
          </div>
          <div class="field">
            <label for="po-thread-files">
              {t('thread.files')} <span class="muted">{t('common.optional')}</span>
            </label>
            <input
              id="po-thread-files"
              type="file"
              name="file"
              multiple
              accept="application/pdf,image/png,image/jpeg"
              data-testid="po-thread-files-input"
              ref={files}
            />
          </div>
        </>
      )}
    </FormDialog>
  );
}
