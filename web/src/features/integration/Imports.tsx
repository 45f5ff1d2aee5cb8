import {
  BATCH_ENTITIES,
  type BatchEntity,
  CSV_COLUMNS,
  CSV_EXPORT_ENTITIES,
  type CsvExportEntity,
  type ImportEncoding,
} from '@gatehouse/contract';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { guard, refreshMe } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { saveTextFile } from '../../shared/download.ts';
import { errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

type Job = Awaited<ReturnType<typeof trpc.imports.get.query>>;

const ENTITY_LABEL: Record<BatchEntity, AdminKey> = {
  parties: 'admin.imports.entity.parties',
  'master-data': 'admin.imports.entity.masterData',
  'credit-limits': 'admin.imports.entity.creditLimits',
  orders: 'admin.imports.entity.orders',
  invoices: 'admin.imports.entity.invoices',
  shipments: 'admin.imports.entity.shipments',
  'purchase-orders': 'admin.imports.entity.purchaseOrders',
  payments: 'admin.imports.entity.payments',
};
const PHASE_LABEL: Record<Job['phase'], AdminKey> = {
  upload: 'admin.imports.phase.upload',
  parse: 'admin.imports.phase.parse',
  validate: 'admin.imports.phase.validate',
  apply: 'admin.imports.phase.apply',
  done: 'admin.imports.phase.done',
  failed: 'admin.imports.phase.failed',
};
/** Refusals the upload route names with a stable code (other refusals name the file's problem: shown as sent). */
const START_REFUSED: Partial<Record<string, AdminKey>> = {
  SYNC_NOT_CONFIGURED: 'admin.imports.syncNotConfigured',
  IMPORT_RUNNING: 'admin.imports.running',
};

/**
 * A finished job's outcome in the user's language, from its counts (the server's summary is the same in
 * English); a refused job's message names the file's problem as the server wrote it.
 */
function outcome(j: Job): string | null {
  if (j.phase !== 'done') return j.message;
  if (j.dryRun) return t('admin.imports.outcomeDryRun', { errors: j.errorsTotal });
  if (!j.applied) return t('admin.imports.outcomeRefused', { errors: j.errorsTotal });
  return j.errorsTotal > 0
    ? t('admin.imports.outcomePartial', { skipped: j.counts.rejected })
    : t('admin.imports.outcomeApplied');
}

/**
 * CSV import and export of ERP data for staff (`imports:run`), docs/csv-import.md. The file goes to
 * POST /files/imports/{entity} as the request body; the job's phase and counts are polled until it ends.
 */
export default function Imports() {
  usePageTitle(() => t('admin.imports.title'));
  const [entity, setEntity] = createSignal<BatchEntity>('orders');
  const [file, setFile] = createSignal<File | null>(null);
  const [dryRun, setDryRun] = createSignal(true);
  const [partial, setPartial] = createSignal(false);
  const [encoding, setEncoding] = createSignal<ImportEncoding>('utf-8');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [job, setJob] = createSignal<Job | null>(null);
  const [exportEntity, setExportEntity] = createSignal<CsvExportEntity>('orders');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const poll = async (id: string) => {
    try {
      const j = await guard(trpc.imports.get.query({ id }));
      setJob(j);
      if (j.phase === 'done' || j.phase === 'failed') {
        setBusy(false);
        return;
      }
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      return;
    }
    timer = setTimeout(() => void poll(id), 400);
  };

  const start = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = file();
    if (!f) {
      setError(t('admin.imports.chooseFile'));
      return;
    }
    setError(null);
    setJob(null);
    setBusy(true);
    const query = new URLSearchParams({
      mode: partial() ? 'partial' : 'atomic',
      dryRun: String(dryRun()),
      encoding: encoding(),
      fileName: f.name.slice(0, 200),
    });
    try {
      const res = await fetch(await apiUrl(`/files/imports/${entity()}?${query}`), {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'text/csv', accept: 'application/json' },
        body: f,
      });
      const body = (await res.json().catch(() => null)) as
        | (Job & { error?: { message?: string; code?: string }; job?: Job | null })
        | null;
      if (res.status === 401) void refreshMe();
      if (res.status === 202 && body) {
        setJob(body);
        void poll(body.id);
        return;
      }
      setBusy(false);
      if (body?.job) setJob(body.job);
      const known = START_REFUSED[body?.error?.code ?? ''];
      setError(known ? t(known) : (body?.error?.message ?? t('admin.imports.couldNotStart', { status: res.status })));
    } catch {
      setBusy(false);
      setError(t('admin.imports.unreachable'));
    }
  };

  const downloadReport = async (id: string) => {
    try {
      const r = await guard(trpc.imports.report.query({ id }));
      saveTextFile(r.fileName, r.csv, 'text/csv');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section aria-labelledby="imports-title">
      <h1 id="imports-title" class="focus-target" tabindex="-1">
        {t('admin.imports.title')}
      </h1>
      <p class="hint">{t('admin.imports.intro')}</p>
      <form class="panel panel-wide" aria-labelledby="import-form-title" onSubmit={(e) => void start(e)}>
        <h2 id="import-form-title">{t('admin.imports.formTitle')}</h2>
        <div class="field">
          <label for="import-entity">{t('admin.imports.entityLabel')}</label>
          <select
            id="import-entity"
            class="input"
            data-testid="import-entity"
            value={entity()}
            onChange={(e) => setEntity(e.currentTarget.value as BatchEntity)}
          >
            <For each={BATCH_ENTITIES}>{(k) => <option value={k}>{t(ENTITY_LABEL[k])}</option>}</For>
          </select>
          <p class="hint" id="import-columns">
            {t('admin.imports.columns')}{' '}
            <code class="break">{CSV_COLUMNS[entity()].map((c) => c.name).join(', ')}</code>
          </p>
        </div>
        <div class="field">
          <label for="import-file">{t('admin.imports.file')}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            data-testid="import-file"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <div class="field">
          <label for="import-encoding">{t('admin.imports.encoding')}</label>
          <select
            id="import-encoding"
            class="input"
            data-testid="import-encoding"
            value={encoding()}
            onChange={(e) => setEncoding(e.currentTarget.value as ImportEncoding)}
          >
            <option value="utf-8">{t('admin.imports.encodingUtf8')}</option>
            <option value="latin1">{t('admin.imports.encodingLatin1')}</option>
          </select>
        </div>
        <div class="field">
          <label>
            <input
              type="checkbox"
              data-testid="import-dry-run"
              checked={dryRun()}
              onChange={(e) => setDryRun(e.currentTarget.checked)}
            />{' '}
            {t('admin.imports.dryRun')}
          </label>
          <label>
            <input
              type="checkbox"
              data-testid="import-partial"
              checked={partial()}
              onChange={(e) => setPartial(e.currentTarget.checked)}
            />{' '}
            {t('admin.imports.partial')}
          </label>
        </div>
        <button type="submit" class="button button-primary" data-testid="import-start" disabled={busy()}>
          {busy()
            ? t('admin.imports.importing')
            : dryRun()
              ? t('admin.imports.checkFile')
              : t('admin.imports.importFile')}
        </button>
        <Announcement testId="import-error" message={error()} />
      </form>

      <Show when={job()}>
        {(j) => (
          <section class="panel panel-wide" aria-labelledby="import-job-title" data-testid="import-job">
            <h2 id="import-job-title">
              {t('admin.imports.jobTitle', {
                file: j().fileName ?? t('admin.imports.jobUnnamed'),
                mode: j().dryRun ? 'dryRun' : j().mode,
              })}
            </h2>
            <div class="upload-progress">
              <label for="import-progress">
                <span data-testid="import-phase">{t(PHASE_LABEL[j().phase])}</span> ·{' '}
                <span data-testid="import-percent">{t('admin.imports.percent', { percent: j().percent })}</span>
              </label>
              <progress id="import-progress" data-testid="import-progress" max="100" value={j().percent} />
            </div>
            <p data-testid="import-counts" aria-live="polite">
              {t(j().dryRun ? 'admin.imports.countsDryRun' : 'admin.imports.counts', {
                rows: j().rowsRead,
                ...j().counts,
              })}
            </p>
            <Show when={outcome(j())}>
              {(text) => (
                <p data-testid="import-message" role="status">
                  {text()}
                </p>
              )}
            </Show>
            <Show when={j().errors.length > 0}>
              <div class="table-wrap">
                <table class="data-table" data-testid="import-errors">
                  <caption class="visually-hidden">{t('admin.imports.errorsCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.imports.colLine')}</th>
                      <th scope="col">{t('admin.imports.colColumn')}</th>
                      <th scope="col">{t('admin.imports.colValue')}</th>
                      <th scope="col">{t('admin.imports.colProblem')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={j().errors}>
                      {(e) => (
                        <tr>
                          <td>{e.line || '—'}</td>
                          <td>{e.column || '—'}</td>
                          <td class="break">{e.value}</td>
                          <td>{e.message}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <p>
                {t('admin.imports.errorsTotal', { count: j().errorsTotal })}{' '}
                <button
                  type="button"
                  class="button"
                  data-testid="import-report"
                  onClick={() => void downloadReport(j().id)}
                >
                  {t('admin.imports.report')}
                </button>
              </p>
            </Show>
          </section>
        )}
      </Show>

      <section class="panel panel-wide" aria-labelledby="export-title">
        <h2 id="export-title">{t('admin.imports.exportTitle')}</h2>
        <p class="hint">{t('admin.imports.exportHint')}</p>
        <div class="field">
          <label for="export-entity">{t('admin.imports.exportEntity')}</label>
          <select
            id="export-entity"
            class="input"
            data-testid="export-entity"
            value={exportEntity()}
            onChange={(e) => setExportEntity(e.currentTarget.value as CsvExportEntity)}
          >
            <For each={CSV_EXPORT_ENTITIES}>{(k) => <option value={k}>{t(ENTITY_LABEL[k])}</option>}</For>
          </select>
        </div>
        <button
          type="button"
          class="button"
          data-testid="export-download"
          onClick={async () => {
            try {
              window.location.assign(await apiUrl(`/files/exports/${exportEntity()}`));
            } catch (err) {
              setError(errorMessage(err));
            }
          }}
        >
          {t('admin.imports.exportDownload')}
        </button>
      </section>
    </section>
  );
}
