import { A, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, ExportButton } from '../../shared/components.tsx';
import { ErrorPanel, NoValue, usePageTitle, useRememberedList, uuidParam } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { type DocumentType, UploadDialog, type Version, withParty } from './document-upload.tsx';
import { Badge } from './supplier-shared.tsx';

/**
 * The compliance documents a supplier must keep: one row per document type with its status in words, the
 * version in force and when it expires, the reason of a rejected newest version, and "Upload".
 * Staff open a supplier's with `?partyId=` (from the work queue).
 */
export default function Documents() {
  const [params] = useSearchParams();
  const partyId = () => uuidParam(params.partyId);
  useRememberedList('/documents');
  const [data, { refetch }] = createResource(
    () => ({ partyId: partyId() }),
    (input) => guard(trpc.documents.requirements.query(input)),
  );
  const ready = () => (data.state === 'ready' || data.state === 'refreshing' ? data() : undefined);
  usePageTitle(() => t('docs.title'));
  const mayUpload = () => can('documents:upload');

  const [uploading, setUploading] = createSignal<DocumentType | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  let opener: HTMLButtonElement | undefined;

  return (
    <section aria-labelledby="documents-title">
      <h1 id="documents-title">{t('docs.title')}</h1>
      <Show when={ready()}>
        {(r) => (
          <p class="documents-intro" data-testid="documents-party">
            <Show when={partyId()} fallback={t('docs.intro')}>
              {t('docs.of')} <strong>{r().party.name}</strong>
              {r().party.category ? ` (${r().party.category})` : ''}.
            </Show>
          </p>
        )}
      </Show>
      <Announcement testId="documents-announcement" message={announcement()} />
      <ExportButton list="documents" filters={() => ({ partyId: partyId() })} noun={t('docs.noun')} />
      <Switch>
        <Match when={data.state === 'errored'}>
          <ErrorPanel message={errorMessage(data.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={data.state === 'pending' || data.state === 'unresolved'}>
          <p class="list-message" role="status">
            {t('docs.loading')}
          </p>
        </Match>
        <Match when={ready()?.items.length === 0}>
          <p class="list-message" data-testid="list-empty">
            {t('docs.none')}
          </p>
        </Match>
        <Match when={ready()}>
          {(r) => (
            <div class="table-wrap stack">
              <table class="data-table" data-testid="documents-table" aria-busy={data.state === 'refreshing'}>
                <caption class="visually-hidden">{t('docs.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('docs.document')}</th>
                    <th scope="col">{t('list.status')}</th>
                    <th scope="col">{t('docs.inForce')}</th>
                    <th scope="col">{t('docs.expires')}</th>
                    <th scope="col">{t('docs.notes')}</th>
                    <Show when={mayUpload()}>
                      <th scope="col">
                        <span class="visually-hidden">{t('docs.actions')}</span>
                      </th>
                    </Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={r().items}>
                    {(item) => (
                      <tr data-testid="document-row" data-type-key={item.type.key}>
                        <th scope="row" class="wrap">
                          <span class="document-name">
                            <A href={withParty(`/documents/${item.type.id}`, partyId())} data-testid="document-link">
                              {item.type.name}
                            </A>
                            <span class="document-description">{item.type.description}</span>
                          </span>
                        </th>
                        <td data-label={t('list.status')}>
                          <Badge status={item.status} testId="document-status" />
                        </td>
                        <td data-label={t('docs.inForce')} data-testid="document-current">
                          <Show when={item.current} fallback={<NoValue />}>
                            {(v) => <VersionName version={v()} />}
                          </Show>
                        </td>
                        <td data-label={t('docs.expires')} data-testid="document-expires">
                          <Show when={item.current?.expiresOn} fallback={<NoValue />}>
                            {(d) => <time datetime={d()}>{formatDate(d())}</time>}
                          </Show>
                        </td>
                        <td class="wrap" data-label={t('docs.notes')} data-testid="document-notes">
                          <Notes latest={item.latest} />
                        </td>
                        <Show when={mayUpload()}>
                          <td class="actions">
                            <button
                              type="button"
                              class="button button-small"
                              data-testid="document-upload"
                              onClick={(e) => {
                                opener = e.currentTarget;
                                setAnnouncement(null);
                                setUploading(item.type);
                              }}
                            >
                              {t('docs.upload')}
                              <span class="visually-hidden"> {item.type.name}</span>
                            </button>
                          </td>
                        </Show>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Match>
      </Switch>
      <Show when={uploading()}>
        {(type) => (
          <UploadDialog
            type={type()}
            onClose={() => {
              setUploading(null);
              opener?.focus();
            }}
            onUploaded={(versionNo) => {
              setAnnouncement(t('docs.uploaded', { name: type().name, version: versionNo }));
              void refetch();
            }}
          />
        )}
      </Show>
    </section>
  );
}

function VersionName(props: { version: Version }) {
  return (
    <span class="version-name">
      {t('docs.version', { version: props.version.versionNo })}
      <span class="muted break"> · {props.version.fileName}</span>
    </span>
  );
}

/** What the newest version (when it is not the one in force) says: awaiting review, or why it was rejected. */
function Notes(props: { latest: Version | null }) {
  return (
    <Show when={props.latest} fallback={<NoValue />}>
      {(v) => (
        <Switch>
          <Match when={v().status === 'rejected'}>
            <span data-testid="document-rejection">
              {t('docs.rejected', { version: v().versionNo, reason: v().reason ?? t('docs.noReason') })}
            </span>
          </Match>
          <Match when={v().status === 'submitted' || v().status === 'under-review'}>
            <span>
              {t(v().status === 'submitted' ? 'docs.awaitsReview' : 'docs.beingReviewed', { version: v().versionNo })}
            </span>
          </Match>
        </Switch>
      )}
    </Show>
  );
}
