import { CHANGE_REQUEST_KINDS, CHANGE_REQUEST_STATUSES } from '@gatehouse/contract';
import { A, useLocation, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, For, Show } from 'solid-js';
import { can } from '../auth.ts';
import { createPagedList, ListStates, NoValue, rememberListHref, usePageTitle } from '../data.tsx';
import { formatDateTime } from '../format.ts';
import { trpc } from '../trpc.ts';
import { KIND_LABELS } from './CompanyDetails.tsx';
import { Badge, formatAge, words } from './supplier-shared.tsx';

const PAGE_SIZE = 50;
const DOCUMENT_QUEUE_STATUSES = ['submitted', 'under-review'] as const;

type Tab = 'documents' | 'change-requests';
const TABS: { key: Tab; label: string; allowed: () => boolean }[] = [
  { key: 'documents', label: 'Documents to review', allowed: () => can('documents:review') },
  { key: 'change-requests', label: 'Change requests', allowed: () => can('change-requests:handle') },
];

/**
 * The operators' work queue: supplier documents awaiting review and master-data change requests, each a
 * tab (arrow keys move between them), oldest first, with filters in the URL and "Load more".
 */
export default function WorkQueue() {
  usePageTitle(() => 'Work queue');
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  createEffect(() => rememberListHref('/work-queue', location.pathname + location.search));
  const tabs = () => TABS.filter((t) => t.allowed());
  const active = (): Tab => {
    const wanted = tabs().find((t) => t.key === params.tab);
    return (wanted ?? tabs()[0])?.key ?? 'documents';
  };
  const tabButtons: Partial<Record<Tab, HTMLButtonElement>> = {};

  const select = (tab: Tab, focus = false) => {
    setParams({ tab: tab === 'documents' ? undefined : tab }, { replace: true });
    if (focus) tabButtons[tab]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const list = tabs();
    const index = list.findIndex((t) => t.key === active());
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % list.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + list.length) % list.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    if (next === null) return;
    event.preventDefault();
    const tab = list[next];
    if (tab) select(tab.key, true);
  };

  return (
    <section aria-labelledby="work-queue-title">
      <h1 id="work-queue-title">Work queue</h1>
      <Show
        when={tabs().length > 0}
        fallback={
          <p class="form-error" role="alert">
            The work queue is for staff who review supplier documents or handle change requests.
          </p>
        }
      >
        <div class="tabs" role="tablist" aria-label="Work queue" onKeyDown={onKeyDown}>
          <For each={tabs()}>
            {(t) => (
              <button
                type="button"
                role="tab"
                class="tab"
                id={`tab-${t.key}`}
                data-testid={`tab-${t.key}`}
                aria-selected={active() === t.key}
                aria-controls={`panel-${t.key}`}
                tabindex={active() === t.key ? 0 : -1}
                ref={(el) => {
                  tabButtons[t.key] = el;
                }}
                onClick={() => select(t.key)}
              >
                {t.label}
              </button>
            )}
          </For>
        </div>
        <Show when={active() === 'documents'}>
          <div role="tabpanel" id="panel-documents" aria-labelledby="tab-documents" class="tab-panel">
            <DocumentsQueue />
          </div>
        </Show>
        <Show when={active() === 'change-requests'}>
          <div role="tabpanel" id="panel-change-requests" aria-labelledby="tab-change-requests" class="tab-panel">
            <ChangeRequestsQueue />
          </div>
        </Show>
      </Show>
    </section>
  );
}

function DocumentsQueue() {
  const [params, setParams] = useSearchParams();
  const status = () => DOCUMENT_QUEUE_STATUSES.find((s) => s === params.docStatus);
  const filters = createMemo(() => ({ status: status() }), undefined, { equals: (a, b) => a.status === b.status });
  const list = createPagedList(filters, (f, cursor) =>
    trpc.documents.queue.query({ limit: PAGE_SIZE, cursor, status: f.status }),
  );
  return (
    <>
      <form class="filters" aria-label="Filter documents" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="queue-doc-status">Status</label>
          <select
            id="queue-doc-status"
            name="status"
            value={status() ?? ''}
            onChange={(e) => setParams({ docStatus: e.currentTarget.value || undefined }, { replace: true })}
          >
            <option value="">Submitted and under review</option>
            <For each={DOCUMENT_QUEUE_STATUSES}>{(s) => <option value={s}>{words(s)}</option>}</For>
          </select>
        </div>
      </form>
      <ListStates list={list} noun="documents" emptyText="No documents are waiting for review.">
        <div class="table-wrap stack">
          <table class="data-table" data-testid="documents-queue" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">Documents to review, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Supplier</th>
                <th scope="col">File</th>
                <th scope="col">Uploaded</th>
                <th scope="col">Status</th>
                <th scope="col">Waiting</th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(v) => (
                  <tr data-testid="queue-document-row">
                    <th scope="row" class="wrap">
                      <A href={`/work-queue/documents/${v.id}`} data-testid="queue-document-link">
                        {v.typeName}
                      </A>
                      <span class="muted"> · version {v.versionNo}</span>
                    </th>
                    <td class="wrap" data-label="Supplier">
                      {v.partyName}
                    </td>
                    <td class="wrap" data-label="File">
                      <span class="break">{v.fileName}</span>
                    </td>
                    <td data-label="Uploaded">
                      <time datetime={v.uploadedAt}>{formatDateTime(v.uploadedAt)}</time>
                    </td>
                    <td data-label="Status">
                      <Badge status={v.status} />
                    </td>
                    <td data-label="Waiting">{formatAge(v.uploadedAt)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </>
  );
}

function ChangeRequestsQueue() {
  const [params, setParams] = useSearchParams();
  const kind = () => CHANGE_REQUEST_KINDS.find((k) => k === params.kind);
  const status = () => CHANGE_REQUEST_STATUSES.find((s) => s === params.crStatus);
  const filters = createMemo(() => ({ kind: kind(), status: status() }), undefined, {
    equals: (a, b) => a.kind === b.kind && a.status === b.status,
  });
  const list = createPagedList(filters, (f, cursor) =>
    trpc.changeRequests.queue.query({ limit: PAGE_SIZE, cursor, kind: f.kind, status: f.status }),
  );
  return (
    <>
      <form class="filters" aria-label="Filter change requests" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="queue-cr-kind">Change</label>
          <select
            id="queue-cr-kind"
            name="kind"
            value={kind() ?? ''}
            onChange={(e) => setParams({ kind: e.currentTarget.value || undefined }, { replace: true })}
          >
            <option value="">All changes</option>
            <For each={CHANGE_REQUEST_KINDS}>{(k) => <option value={k}>{KIND_LABELS[k]}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="queue-cr-status">Status</label>
          <select
            id="queue-cr-status"
            name="status"
            value={status() ?? ''}
            onChange={(e) => setParams({ crStatus: e.currentTarget.value || undefined }, { replace: true })}
          >
            <option value="">Pending</option>
            <For each={CHANGE_REQUEST_STATUSES.filter((s) => s !== 'pending')}>
              {(s) => <option value={s}>{words(s)}</option>}
            </For>
          </select>
        </div>
      </form>
      <ListStates list={list} noun="requests" emptyText="No change requests match.">
        <div class="table-wrap stack">
          <table class="data-table" data-testid="change-requests-queue" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">Change requests, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Supplier</th>
                <th scope="col">Status</th>
                <th scope="col">Requested by</th>
                <th scope="col">Requested</th>
                <th scope="col">Waiting</th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(r) => (
                  <tr data-testid="queue-change-request-row">
                    <th scope="row">
                      <A href={`/work-queue/change-requests/${r.id}`} data-testid="queue-change-request-link">
                        {KIND_LABELS[r.kind]}
                      </A>
                    </th>
                    <td class="wrap" data-label="Supplier">
                      {r.partyName}
                    </td>
                    <td data-label="Status">
                      <Badge status={r.status} />
                    </td>
                    <td class="wrap" data-label="Requested by">
                      {r.requestedBy}
                    </td>
                    <td data-label="Requested">
                      <time datetime={r.requestedAt}>{formatDateTime(r.requestedAt)}</time>
                    </td>
                    <td data-label="Waiting">{r.status === 'pending' ? formatAge(r.requestedAt) : <NoValue />}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </>
  );
}
