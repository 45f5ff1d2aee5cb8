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
import { Announcement } from '../../shared/components.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { saveTextFile } from '../../shared/download.ts';
import { errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

type Job = Awaited<ReturnType<typeof trpc.imports.get.query>>;

const ENTITY_LABEL: Record<BatchEntity, string> = {
  parties: 'Customers and suppliers',
  'master-data': 'Addresses and bank details',
  'credit-limits': 'Credit limits',
  orders: 'Sales orders (one row per line)',
  invoices: 'Invoices and credit notes (one row per line)',
  shipments: 'Shipments (one row per line)',
  'purchase-orders': 'Purchase orders (one row per line)',
  payments: 'Customer payments (one row per invoice settled)',
};
const PHASE_LABEL: Record<Job['phase'], string> = {
  upload: 'Uploading',
  parse: 'Reading',
  validate: 'Checking rows',
  apply: 'Applying',
  done: 'Finished',
  failed: 'Refused',
};

/**
 * CSV import and export of ERP data for staff (`imports:run`), docs/csv-import.md. The file goes to
 * POST /files/imports/{entity} as the request body; the job's phase and counts are polled until it ends.
 */
export default function Imports() {
  usePageTitle(() => 'CSV import and export');
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
      setError('Choose a CSV file first.');
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
        | (Job & { error?: { message?: string }; job?: Job | null })
        | null;
      if (res.status === 401) void refreshMe();
      if (res.status === 202 && body) {
        setJob(body);
        void poll(body.id);
        return;
      }
      setBusy(false);
      if (body?.job) setJob(body.job);
      setError(body?.error?.message ?? `The import could not start (status ${res.status}).`);
    } catch {
      setBusy(false);
      setError('Gatehouse could not be reached. Check your connection.');
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
        CSV import and export
      </h1>
      <p class="hint">
        Files go through the same checks and the same write path as the ERP's API. An import is all or nothing unless
        you choose partial mode; a dry run checks every row and changes nothing. One import runs at a time.
      </p>
      <form class="panel panel-wide" aria-labelledby="import-form-title" onSubmit={(e) => void start(e)}>
        <h2 id="import-form-title">Import a file</h2>
        <div class="field">
          <label for="import-entity">What the file holds</label>
          <select
            id="import-entity"
            class="input"
            data-testid="import-entity"
            value={entity()}
            onChange={(e) => setEntity(e.currentTarget.value as BatchEntity)}
          >
            <For each={BATCH_ENTITIES}>{(k) => <option value={k}>{ENTITY_LABEL[k]}</option>}</For>
          </select>
          <p class="hint" id="import-columns">
            Columns: <code class="break">{CSV_COLUMNS[entity()].map((c) => c.name).join(', ')}</code>
          </p>
        </div>
        <div class="field">
          <label for="import-file">CSV file</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            data-testid="import-file"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <div class="field">
          <label for="import-encoding">Encoding</label>
          <select
            id="import-encoding"
            class="input"
            data-testid="import-encoding"
            value={encoding()}
            onChange={(e) => setEncoding(e.currentTarget.value as ImportEncoding)}
          >
            <option value="utf-8">UTF-8 (with or without BOM)</option>
            <option value="latin1">Latin-1 (ISO 8859-1)</option>
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
            Dry run: check every row, change nothing
          </label>
          <label>
            <input
              type="checkbox"
              data-testid="import-partial"
              checked={partial()}
              onChange={(e) => setPartial(e.currentTarget.checked)}
            />{' '}
            Partial: apply the good rows and skip the bad ones (listed in the report)
          </label>
        </div>
        <button type="submit" class="button button-primary" data-testid="import-start" disabled={busy()}>
          {busy() ? 'Importing…' : dryRun() ? 'Check file' : 'Import file'}
        </button>
        <Announcement testId="import-error" message={error()} />
      </form>

      <Show when={job()}>
        {(j) => (
          <section class="panel panel-wide" aria-labelledby="import-job-title" data-testid="import-job">
            <h2 id="import-job-title">
              {j().fileName ?? 'Import'}:{' '}
              {j().dryRun ? 'dry run' : j().mode === 'partial' ? 'partial' : 'all or nothing'}
            </h2>
            <div class="upload-progress">
              <label for="import-progress">
                <span data-testid="import-phase">{PHASE_LABEL[j().phase]}</span> ·{' '}
                <span data-testid="import-percent">{j().percent} %</span>
              </label>
              <progress id="import-progress" data-testid="import-progress" max="100" value={j().percent} />
            </div>
            <p data-testid="import-counts" aria-live="polite">
              {j().rowsRead} rows read · {j().counts.created} {j().dryRun ? 'would be created' : 'created'} ·{' '}
              {j().counts.updated} {j().dryRun ? 'would be updated' : 'updated'} · {j().counts.unchanged} unchanged ·{' '}
              {j().counts.rejected} rejected
            </p>
            <Show when={j().message}>
              <p data-testid="import-message" role="status">
                {j().message}
              </p>
            </Show>
            <Show when={j().errors.length > 0}>
              <div class="table-wrap">
                <table class="data-table" data-testid="import-errors">
                  <caption class="visually-hidden">Errors by line</caption>
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col">Column</th>
                      <th scope="col">Value</th>
                      <th scope="col">Problem</th>
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
                {j().errorsTotal} error(s).{' '}
                <button
                  type="button"
                  class="button"
                  data-testid="import-report"
                  onClick={() => void downloadReport(j().id)}
                >
                  Download the error report (CSV)
                </button>
              </p>
            </Show>
          </section>
        )}
      </Show>

      <section class="panel panel-wide" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p class="hint">
          The same columns as the import, so an exported file imports unchanged. Cells that a spreadsheet would run as a
          formula are neutralised. Every export is audited with a signed manifest.
        </p>
        <div class="field">
          <label for="export-entity">What to export</label>
          <select
            id="export-entity"
            class="input"
            data-testid="export-entity"
            value={exportEntity()}
            onChange={(e) => setExportEntity(e.currentTarget.value as CsvExportEntity)}
          >
            <For each={CSV_EXPORT_ENTITIES}>{(k) => <option value={k}>{ENTITY_LABEL[k]}</option>}</For>
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
          Download CSV
        </button>
      </section>
    </section>
  );
}
