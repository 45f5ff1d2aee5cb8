import { createEffect, createResource, createSignal, on, Show } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { can, currentMe } from '../../auth.ts';
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
  const otherSide = () => (staff() ? 'The supplier' : 'The buyer');
  // Seen on screen: marked read once per load that shows unread messages (the list and home follow).
  createEffect(
    on(thread, (t) => {
      if (t && t.unread > 0) void trpc.poThreads.markRead.mutate({ purchaseOrderId: props.purchaseOrderId });
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
        <h2 id="po-thread-title">Messages</h2>
        <Show when={thread()}>
          {(t) => (
            <>
              <Badge status={t().status} testId="po-thread-status" />
              <UnreadBadge count={t().unread} />
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
              Write a message
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
              Resolve
            </button>
          </Show>
        </div>
      </div>
      <Announcement testId="po-thread-announcement" message={announcement()} />
      <Show when={!thread.error} fallback={<ErrorPanel message={errorMessage(thread.error)} onRetry={refetch} />}>
        <Show
          when={thread.state !== 'unresolved' && thread.state !== 'pending'}
          fallback={<p class="muted">Loading messages…</p>}
        >
          <Show
            when={thread()}
            fallback={
              <p class="muted" data-testid="po-thread-empty">
                No messages on this purchase order yet.
              </p>
            }
          >
            {(t) => (
              <MessageThread
                messages={t().messages}
                attachments={t().attachments}
                sideLabel={(m) =>
                  (m.authorSide === 'staff' ? 'Buyer' : 'Supplier') +
                  (m.kind === 'problem' ? ' · problem reported' : '')
                }
                download={downloadFile}
              >
                <Resolution thread={t()} />
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
              `Your message was sent; ${otherSide().toLowerCase()} was told by mail.${refused ? ` A file was not added: ${refused}` : ''}`,
            )
          }
        />
      </Show>
      <Show when={dialog() === 'resolve'}>
        {(_) => (
          <ReasonDialog
            id="po-thread-resolve"
            title="Resolve the thread"
            testId="po-thread-resolve-dialog"
            heading={<>Resolve the thread on {props.poNumber}</>}
            what="The supplier is told by mail. A purchase order marked as a problem goes back to open or acknowledged."
            label="How was it resolved?"
            name="resolution"
            missing="Say in a few words how it was resolved."
            submitLabel="Resolve"
            submitTestId="po-thread-resolve-submit"
            send={async (resolution) => {
              await trpc.poThreads.resolve.mutate({
                purchaseOrderId: props.purchaseOrderId,
                version: thread()?.version ?? 0,
                resolution,
              });
              changed('The thread was resolved; the supplier was told by mail.');
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
        <strong>Resolved</strong>
        <Show when={props.thread.resolvedBy}>{(by) => <> by {by()}</>}</Show>
        <Show when={props.thread.resolvedAt}>
          {(at) => (
            <>
              {' '}
              on <time datetime={at()}>{formatDateTime(at())}</time>
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
      title="Write a message"
      testId="po-thread-dialog"
      heading="Write a message"
      intro={
        <p class="hint">
          {props.staff ? 'The supplier is told by mail.' : 'The buyer is told by mail.'} Files: PDF, PNG or JPEG.
        </p>
      }
      wide
      initialFocus={() => message}
      onClose={props.onClose}
      submitLabel="Send"
      submitTestId="po-thread-submit"
      check={() => (text().length < 3 ? 'Write at least a few words.' : null)}
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
            <label for="po-thread-message">Message</label>
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
              Files <span class="muted">(optional)</span>
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
