import {
  CHANGE_REQUEST_KINDS,
  CHANGE_REQUEST_STATUSES,
  type ExportList,
  INVOICE_QUERY_STATUSES,
} from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, type JSX, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { ExportButton, Tabs } from '../../shared/components.tsx';
import {
  ColumnHeads,
  createPagedList,
  FilterSelect,
  ListTable,
  NoValue,
  type Page,
  PartyFilter,
  usePageTitle,
  useRememberedList,
  uuidParam,
} from '../../shared/data.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { reasonLabel } from '../orders/payables-shared.tsx';
import { kindLabel } from '../suppliers/change-request-pieces.tsx';
import { ConfirmationsQueue } from '../suppliers/po-collab.tsx';
import { Badge, formatAge, words } from '../suppliers/supplier-shared.tsx';

const PAGE_SIZE = 50;
const DOCUMENT_QUEUE_STATUSES = ['submitted', 'under-review'] as const;

type Tab = 'documents' | 'change-requests' | 'invoice-queries' | 'confirmations';
const TABS: { key: Tab; label: AdminKey; allowed: () => boolean }[] = [
  { key: 'documents', label: 'admin.workQueue.tabDocuments', allowed: () => can('documents:review') },
  { key: 'change-requests', label: 'admin.workQueue.tabChangeRequests', allowed: () => can('change-requests:handle') },
  { key: 'invoice-queries', label: 'admin.workQueue.tabInvoiceQueries', allowed: () => can('invoice-queries:handle') },
  { key: 'confirmations', label: 'admin.workQueue.tabConfirmations', allowed: () => can('purchase-orders:review') },
];

/**
 * The operators' work queue: supplier documents awaiting review, master-data change requests and customers'
 * invoice queries, each a
 * tab (arrow keys move between them), oldest first, with filters in the URL and "Load more".
 */
export default function WorkQueue() {
  usePageTitle(() => t('admin.workQueue.title'));
  const [params, setParams] = useSearchParams();
  useRememberedList('/work-queue');
  const tabs = () => TABS.filter((t) => t.allowed());
  const active = (): Tab => {
    const wanted = tabs().find((t) => t.key === params.tab);
    return (wanted ?? tabs()[0])?.key ?? 'documents';
  };
  const select = (tab: Tab) => setParams({ tab: tab === 'documents' ? undefined : tab }, { replace: true });

  return (
    <section aria-labelledby="work-queue-title">
      <h1 id="work-queue-title">{t('admin.workQueue.title')}</h1>
      <Show
        when={tabs().length > 0}
        fallback={
          <p class="form-error" role="alert">
            {t('admin.workQueue.noTabs')}
          </p>
        }
      >
        <Tabs
          label={t('admin.workQueue.title')}
          tabs={tabs().map((tab) => ({ ...tab, label: t(tab.label) }))}
          active={active()}
          onSelect={select}
          idPrefix="tab-"
          controls={(key) => `panel-${key}`}
        />
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
        <Show when={active() === 'invoice-queries'}>
          <div role="tabpanel" id="panel-invoice-queries" aria-labelledby="tab-invoice-queries" class="tab-panel">
            <InvoiceQueriesQueue />
          </div>
        </Show>
        <Show when={active() === 'confirmations'}>
          <div role="tabpanel" id="panel-confirmations" aria-labelledby="tab-confirmations" class="tab-panel">
            <ConfirmationsQueue />
          </div>
        </Show>
      </Show>
    </section>
  );
}

/** Filters compared field by field: a parameter of another tab changing does not reload this one. */
const sameFilters = <F extends Record<string, string | undefined>>(a: F, b: F) =>
  Object.keys(a).every((k) => a[k] === b[k]);

/**
 * One tab of the queue: its filters (read from the URL, `partyId` shared between tabs) feeding a paged list,
 * the filter form with the party filter last, an export where the list has one, and the table.
 */
function QueueTab<F extends Record<string, string | undefined> & { partyId: string | undefined }, T>(props: {
  read: () => F;
  fetch: (filters: F, cursor: string | undefined) => Promise<Page<T & { partyName: string }>>;
  filterLabel: string;
  filters: JSX.Element;
  party: { id: string; kind: 'customer' | 'supplier'; label: string };
  exportAs?: { list: ExportList; noun: string };
  noun: string;
  emptyText: string;
  testId: string;
  caption: string;
  columns: readonly string[];
  children: (item: T & { partyName: string }) => JSX.Element;
}) {
  const filters = createMemo(() => props.read(), undefined, { equals: sameFilters });
  const list = createPagedList(filters, (f, cursor) => props.fetch(f, cursor));
  return (
    <>
      <form class="filters" aria-label={props.filterLabel} onSubmit={(e) => e.preventDefault()}>
        {props.filters}
        <PartyFilter
          id={props.party.id}
          kind={props.party.kind}
          label={props.party.label}
          chosenName={filters().partyId ? list.items()[0]?.partyName : undefined}
        />
      </form>
      <Show when={props.exportAs}>
        {(exportAs) => <ExportButton list={exportAs().list} filters={filters} noun={exportAs().noun} />}
      </Show>
      <ListTable
        list={list}
        noun={props.noun}
        emptyText={props.emptyText}
        testId={props.testId}
        caption={props.caption}
        head={<ColumnHeads names={props.columns} />}
      >
        {props.children}
      </ListTable>
    </>
  );
}

function DocumentsQueue() {
  const [params] = useSearchParams();
  const status = () => DOCUMENT_QUEUE_STATUSES.find((s) => s === params.docStatus);
  return (
    <QueueTab
      // One supplier's documents (`?partyId=`, shared with the change-request tab).
      read={() => ({ status: status(), partyId: uuidParam(params.partyId) })}
      fetch={(f, cursor) =>
        trpc.documents.queue.query({ limit: PAGE_SIZE, cursor, status: f.status, partyId: f.partyId })
      }
      filterLabel={t('admin.workQueue.filterDocuments')}
      filters={
        <FilterSelect
          id="queue-doc-status"
          label={t('list.status')}
          param="docStatus"
          name="status"
          options={DOCUMENT_QUEUE_STATUSES}
          optionLabel={words}
          allLabel={t('admin.workQueue.docAll')}
          value={status()}
        />
      }
      party={{ id: 'queue-doc-party', kind: 'supplier', label: t('col.supplier') }}
      exportAs={{ list: 'documents-queue', noun: t('admin.workQueue.docExportNoun') }}
      noun={t('docs.noun')}
      emptyText={t('admin.workQueue.docEmpty')}
      testId="documents-queue"
      caption={t('admin.workQueue.docCaption')}
      columns={[
        t('admin.workQueue.colDocument'),
        t('col.supplier'),
        t('admin.workQueue.colFile'),
        t('admin.workQueue.colUploaded'),
        t('list.status'),
        t('admin.workQueue.colWaiting'),
      ]}
    >
      {(v) => (
        <tr data-testid="queue-document-row">
          <th scope="row" class="wrap">
            <A href={`/work-queue/documents/${v.id}`} data-testid="queue-document-link">
              {v.typeName}
            </A>
            <span class="muted"> · {t('docs.version', { version: v.versionNo })}</span>
          </th>
          <td class="wrap" data-label={t('col.supplier')} data-testid="row-party">
            {v.partyName}
          </td>
          <td class="wrap" data-label={t('admin.workQueue.colFile')}>
            <span class="break">{v.fileName}</span>
          </td>
          <td data-label={t('admin.workQueue.colUploaded')}>
            <time datetime={v.uploadedAt}>{formatDateTime(v.uploadedAt)}</time>
          </td>
          <td data-label={t('list.status')}>
            <Badge status={v.status} />
          </td>
          <td data-label={t('admin.workQueue.colWaiting')}>{formatAge(v.uploadedAt)}</td>
        </tr>
      )}
    </QueueTab>
  );
}

function ChangeRequestsQueue() {
  const [params] = useSearchParams();
  const kind = () => CHANGE_REQUEST_KINDS.find((k) => k === params.kind);
  const status = () => CHANGE_REQUEST_STATUSES.find((s) => s === params.crStatus);
  return (
    <QueueTab
      read={() => ({ kind: kind(), status: status(), partyId: uuidParam(params.partyId) })}
      fetch={(f, cursor) =>
        trpc.changeRequests.queue.query({
          limit: PAGE_SIZE,
          cursor,
          kind: f.kind,
          status: f.status,
          partyId: f.partyId,
        })
      }
      filterLabel={t('admin.workQueue.filterChangeRequests')}
      filters={
        <>
          <FilterSelect
            id="queue-cr-kind"
            label={t('admin.workQueue.colChange')}
            param="kind"
            options={CHANGE_REQUEST_KINDS}
            optionLabel={kindLabel}
            allLabel={t('admin.workQueue.crAll')}
            value={kind()}
          />
          <FilterSelect
            id="queue-cr-status"
            label={t('list.status')}
            param="crStatus"
            name="status"
            options={CHANGE_REQUEST_STATUSES.filter((s) => s !== 'pending')}
            optionLabel={words}
            allLabel={t('status.pending')}
            value={status()}
          />
        </>
      }
      party={{ id: 'queue-cr-party', kind: 'supplier', label: t('col.supplier') }}
      noun={t('admin.workQueue.crNoun')}
      emptyText={t('admin.workQueue.crEmpty')}
      testId="change-requests-queue"
      caption={t('admin.workQueue.crCaption')}
      columns={[
        t('admin.workQueue.colChange'),
        t('col.supplier'),
        t('list.status'),
        t('admin.workQueue.colRequestedBy'),
        t('admin.workQueue.colRequested'),
        t('admin.workQueue.colWaiting'),
      ]}
    >
      {(r) => (
        <tr data-testid="queue-change-request-row">
          <th scope="row">
            <A href={`/work-queue/change-requests/${r.id}`} data-testid="queue-change-request-link">
              {kindLabel(r.kind)}
            </A>
          </th>
          <td class="wrap" data-label={t('col.supplier')} data-testid="row-party">
            {r.partyName}
          </td>
          <td data-label={t('list.status')}>
            <Badge status={r.status} />
          </td>
          <td class="wrap" data-label={t('admin.workQueue.colRequestedBy')}>
            {r.requestedBy}
          </td>
          <td data-label={t('admin.workQueue.colRequested')}>
            <time datetime={r.requestedAt}>{formatDateTime(r.requestedAt)}</time>
          </td>
          <td data-label={t('admin.workQueue.colWaiting')}>
            {r.status === 'pending' ? formatAge(r.requestedAt) : <NoValue />}
          </td>
        </tr>
      )}
    </QueueTab>
  );
}

function InvoiceQueriesQueue() {
  const [params] = useSearchParams();
  const status = () => INVOICE_QUERY_STATUSES.find((s) => s === params.iqStatus);
  return (
    <QueueTab
      read={() => ({ status: status(), partyId: uuidParam(params.partyId) })}
      fetch={(f, cursor) =>
        trpc.invoiceQueries.queue.query({ limit: PAGE_SIZE, cursor, status: f.status, partyId: f.partyId })
      }
      filterLabel={t('admin.workQueue.filterInvoiceQueries')}
      filters={
        <FilterSelect
          id="queue-iq-status"
          label={t('list.status')}
          param="iqStatus"
          name="status"
          options={INVOICE_QUERY_STATUSES.filter((s) => s !== 'open')}
          optionLabel={words}
          allLabel={t('status.open')}
          value={status()}
        />
      }
      party={{ id: 'queue-iq-party', kind: 'customer', label: t('col.customer') }}
      noun={t('admin.workQueue.iqNoun')}
      emptyText={t('admin.workQueue.iqEmpty')}
      testId="invoice-queries-queue"
      caption={t('admin.workQueue.iqCaption')}
      columns={[
        t('admin.workQueue.colInvoice'),
        t('col.customer'),
        t('admin.workQueue.colReason'),
        t('list.status'),
        t('admin.workQueue.colRaised'),
        t('admin.workQueue.colWaiting'),
      ]}
    >
      {(q) => (
        <tr data-testid="queue-invoice-query-row">
          <th scope="row" class="wrap">
            <A href={`/work-queue/invoice-queries/${q.id}`} data-testid="queue-invoice-query-link">
              {q.invoiceNumber}
              {q.lineNo !== null ? t('admin.workQueue.iqLine', { line: q.lineNo }) : ''}
            </A>
          </th>
          <td class="wrap" data-label={t('col.customer')} data-testid="row-party">
            {q.partyName}
          </td>
          <td data-label={t('admin.workQueue.colReason')}>{reasonLabel(q.reason)}</td>
          <td data-label={t('list.status')}>
            <Badge status={q.status} />
            <Show when={q.status === 'open' && q.lastAuthorSide === 'staff'}>
              <span class="muted"> · {t('admin.workQueue.iqAnswered')}</span>
            </Show>
          </td>
          <td data-label={t('admin.workQueue.colRaised')}>
            <time datetime={q.raisedAt}>{formatDateTime(q.raisedAt)}</time>{' '}
            {t('admin.workQueue.by', { name: q.raisedBy })}
          </td>
          <td data-label={t('admin.workQueue.colWaiting')}>
            {q.status === 'open' ? formatAge(q.lastMessageAt) : <NoValue />}
          </td>
        </tr>
      )}
    </QueueTab>
  );
}
