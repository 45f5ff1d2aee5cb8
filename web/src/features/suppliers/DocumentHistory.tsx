import { useSearchParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { DetailPage, NoValue, uuidParam } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { type DocumentType, UploadDialog } from './document-upload.tsx';
import { Badge, downloadVersion, formatBytes } from './supplier-shared.tsx';

type History = Awaited<ReturnType<typeof trpc.documents.history.query>>;

/** Every version of one document type, newest first, each with its outcome and a Download button. */
export default function DocumentHistory() {
  const [params] = useSearchParams();
  const partyId = () => uuidParam(params.partyId);
  return (
    <DetailPage
      id="document-history"
      noun={t('docs.document')}
      back={{ href: '/documents', label: t('history.back') }}
      fetch={(typeId) => trpc.documents.history.query({ typeId, partyId: partyId() })}
      pageTitle={(h) => h.type.name}
    >
      {(h, refetch) => <HistoryView history={h()} refresh={refetch} />}
    </DetailPage>
  );
}

function HistoryView(props: { history: History; refresh: () => void }) {
  const [error, setError] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [uploading, setUploading] = createSignal<DocumentType | null>(null);
  let uploadButton: HTMLButtonElement | undefined;

  const download = async (versionId: string) => {
    setBusy(versionId);
    setError(null);
    try {
      await downloadVersion(versionId);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <div class="detail-header list-header">
        <h1 id="document-history-title" data-testid="document-history-title">
          {props.history.type.name}
        </h1>
        <Show when={can('documents:upload')}>
          <button
            type="button"
            class="button button-primary"
            data-testid="history-upload"
            ref={uploadButton}
            onClick={() => {
              setAnnouncement(null);
              setUploading(props.history.type);
            }}
          >
            {t('history.uploadNew')}
          </button>
        </Show>
      </div>
      <p class="documents-intro">{props.history.type.description}</p>
      <div role="status" aria-live="polite">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <Show when={error()}>
        {(message) => (
          <p class="form-error after-panel" role="alert" data-testid="history-error">
            {message()}
          </p>
        )}
      </Show>
      <h2 id="document-versions-title">{t('history.versions')}</h2>
      <Show
        when={props.history.versions.length > 0}
        fallback={
          <p class="list-message" data-testid="list-empty">
            {t('history.none')}
          </p>
        }
      >
        <div class="table-wrap stack">
          <table class="data-table" data-testid="document-versions" aria-labelledby="document-versions-title">
            <thead>
              <tr>
                <th scope="col">{t('history.version')}</th>
                <th scope="col">{t('history.status')}</th>
                <th scope="col">{t('upload.file')}</th>
                <th scope="col" class="num">
                  {t('history.size')}
                </th>
                <th scope="col">{t('docs.expires')}</th>
                <th scope="col">{t('history.uploaded')}</th>
                <th scope="col">{t('history.decision')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('docs.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={props.history.versions}>
                {(v) => (
                  <tr data-testid="document-version-row">
                    <th scope="row">{t('docs.version', { version: v.versionNo })}</th>
                    <td data-label={t('history.status')}>
                      <Badge status={v.status} testId="version-status" />
                      <Show when={v.status === 'approved' && v.expiryState !== 'current'}>
                        {' '}
                        <Badge status={v.expiryState} />
                      </Show>
                    </td>
                    <td class="wrap" data-label={t('upload.file')}>
                      <span class="break">{v.fileName}</span>
                    </td>
                    <td class="num" data-label={t('history.size')}>
                      {formatBytes(v.sizeBytes)}
                    </td>
                    <td data-label={t('docs.expires')}>
                      <Show when={v.expiresOn} fallback={<NoValue />}>
                        {(d) => <time datetime={d()}>{formatDate(d())}</time>}
                      </Show>
                    </td>
                    <td class="wrap" data-label={t('history.uploaded')}>
                      <time datetime={v.uploadedAt}>{formatDateTime(v.uploadedAt)}</time>
                      <span class="muted"> {t('history.by', { name: v.uploadedBy })}</span>
                    </td>
                    <td class="wrap" data-label={t('history.decision')} data-testid="version-decision">
                      <Show when={v.decidedAt} fallback={<NoValue />}>
                        {(at) => (
                          <>
                            <time datetime={at()}>{formatDateTime(at())}</time>
                            <Show when={v.reviewer}>
                              {(r) => <span class="muted"> {t('history.by', { name: r() })}</span>}
                            </Show>
                            <Show when={v.reason}>{(reason) => <span class="version-reason">{reason()}</span>}</Show>
                          </>
                        )}
                      </Show>
                    </td>
                    <td class="actions">
                      <button
                        type="button"
                        class="button button-small"
                        data-testid="version-download"
                        disabled={busy() !== null}
                        aria-busy={busy() === v.id}
                        onClick={() => void download(v.id)}
                      >
                        {t('history.download')}
                        <span class="visually-hidden"> {t('docs.version', { version: v.versionNo })}</span>
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={uploading()}>
        {(type) => (
          <UploadDialog
            type={type()}
            onClose={() => {
              setUploading(null);
              uploadButton?.focus();
            }}
            onUploaded={(versionNo) => {
              setAnnouncement(t('history.uploadedOne', { version: versionNo }));
              props.refresh();
            }}
          />
        )}
      </Show>
    </>
  );
}
