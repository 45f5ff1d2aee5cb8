import { type AuditAction, auditActionsByArea } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, Show, Switch } from 'solid-js';
import { can, currentMe, guard } from '../../auth.ts';
import { language, t } from '../../i18n.ts';
import { Combobox } from '../../shared/combobox.tsx';
import {
  createPagedList,
  debounce,
  FilterSelect,
  ListStates,
  NoValue,
  usePageTitle,
  useRememberedList,
} from '../../shared/data.tsx';
import { saveTextFile } from '../../shared/download.ts';
import { errorMessage } from '../../shared/errors.ts';
import { label } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import {
  actionLabel,
  actorText,
  areaLabel,
  BreakableText,
  CrossPartyBadge,
  formatAuditTime,
  OUTCOMES,
  OutcomeBadge,
} from './audit-pieces.tsx';

const PAGE_SIZE = 50;

const RANGES = [
  { key: '24h', label: 'admin.audit.last24h', ms: 86_400_000 },
  { key: '7d', label: 'admin.audit.last7d', ms: 7 * 86_400_000 },
  { key: '30d', label: 'admin.audit.last30d', ms: 30 * 86_400_000 },
] as const;

type RangeKey = (typeof RANGES)[number]['key'] | 'custom';

/** The action filter: readable labels in `<optgroup>`s by area, in the user's language and sorted by it. */
const actionGroups = () =>
  auditActionsByArea().map((g) => ({
    label: areaLabel(g.area),
    options: g.actions
      .map((a): AuditAction => a.key)
      .sort((x, y) => actionLabel(x).localeCompare(actionLabel(y), language())),
  }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Verification = Awaited<ReturnType<typeof trpc.audit.verify.query>>;

/** An ISO instant as the value of a datetime-local input (the user's time zone); '' when unusable. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO instant; undefined when empty or unparseable. */
function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const isoParam = (value: unknown) =>
  typeof value === 'string' && value && !Number.isNaN(new Date(value).getTime())
    ? new Date(value).toISOString()
    : undefined;

const textParam = (value: unknown, max: number) =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;

/** Where the export's finished message puts its two download links (private-use characters no text contains). */
const CSV_LINK = '\uE000';
const MANIFEST_LINK = '\uE001';

export default function AuditLog() {
  usePageTitle(() => t('admin.audit.title'));
  const [params, setParams] = useSearchParams();
  const staff = () => currentMe()?.party.kind === 'internal';

  // Filters live in the URL, so a view can be shared and Back from an entry keeps it.
  const range = (): RangeKey | undefined =>
    params.range === 'custom' || RANGES.some((r) => r.key === params.range) ? (params.range as RangeKey) : undefined;
  const customFrom = () => (range() === 'custom' ? isoParam(params.from) : undefined);
  const customTo = () => (range() === 'custom' ? isoParam(params.to) : undefined);
  const action = () => (typeof params.action === 'string' && params.action ? params.action.slice(0, 100) : undefined);
  const outcome = () => OUTCOMES.find((o) => o === params.outcome);
  const ip = () => textParam(params.ip, 60);
  const entityId = () => textParam(params.entity, 200);
  const actor = () => {
    const v = textParam(params.actor, 36);
    return v && UUID.test(v) ? v : undefined;
  };
  const party = () => {
    const v = textParam(params.party, 36);
    return staff() && v && UUID.test(v) ? v : undefined;
  };

  const key = () =>
    [range(), customFrom(), customTo(), action(), outcome(), ip(), entityId(), actor(), party()].join('|');
  // A preset's start is fixed when the filters change, so "Load more" pages through the same window.
  const filters = createMemo(
    () => {
      const preset = RANGES.find((r) => r.key === range());
      return {
        key: key(),
        from: preset ? new Date(Date.now() - preset.ms).toISOString() : customFrom(),
        to: customTo(),
        action: action(),
        outcome: outcome(),
        ip: ip(),
        entityId: entityId(),
        actorUserId: actor(),
        partyId: party(),
      };
    },
    undefined,
    { equals: (a, b) => a.key === b.key },
  );
  useRememberedList('/audit');

  const list = createPagedList(filters, (f, cursor) =>
    trpc.audit.search.query({
      limit: PAGE_SIZE,
      cursor,
      from: f.from,
      to: f.to,
      action: f.action,
      outcome: f.outcome,
      ip: f.ip,
      entityId: f.entityId,
      actorUserId: f.actorUserId,
      partyId: f.partyId,
    }),
  );
  const showParty = () => staff() || new Set(list.items().map((e) => e.partyId)).size > 1;

  // Free-text filters: typed here, applied to the URL once typing pauses.
  const [ipText, setIpText] = createSignal(typeof params.ip === 'string' ? params.ip : '');
  const [entityText, setEntityText] = createSignal(typeof params.entity === 'string' ? params.entity : '');
  const applyText = debounce(
    (name: 'ip' | 'entity', value: string) => setParams({ [name]: value.trim() || undefined }, { replace: true }),
    300,
  );
  // The actor and organisation filters hold ids (in the URL); they show what was picked, or for a shared
  // link what the entries say (every entry shown has that actor / organisation), or the id itself.
  const [chosen, setChosen] = createSignal<{
    actor?: { id: string; text: string };
    party?: { id: string; text: string };
  }>({});
  const actorLabel = () => {
    const id = actor();
    if (!id) return null;
    if (chosen().actor?.id === id) return chosen().actor?.text ?? id;
    return list.items().find((e) => e.actorUserId === id)?.actorEmail ?? id;
  };
  const partyLabel = () => {
    const id = party();
    if (!id) return null;
    if (chosen().party?.id === id) return chosen().party?.text ?? id;
    return list.items().find((e) => e.partyId === id)?.partyName ?? id;
  };

  const setRange = (value: string) => {
    if (value === 'custom') {
      // Start the custom window where the chosen preset was, so switching does not jump.
      const f = filters();
      setParams({ range: 'custom', from: f.from, to: f.to }, { replace: true });
    } else {
      setParams({ range: value || undefined, from: undefined, to: undefined }, { replace: true });
    }
  };

  const [verifying, setVerifying] = createSignal(false);
  const [verification, setVerification] = createSignal<Verification | null>(null);
  const [verifyError, setVerifyError] = createSignal<string | null>(null);
  const verify = async () => {
    if (verifying()) return;
    setVerifying(true);
    setVerification(null);
    setVerifyError(null);
    try {
      setVerification(await guard(trpc.audit.verify.query()));
    } catch (err) {
      setVerifyError(errorMessage(err));
    } finally {
      setVerifying(false);
    }
  };

  // Export: count first (and refuse a range over the limit before any work), then the CSV and its signed
  // manifest as two downloads. The filters are the ones in force when Export was pressed.
  type ExportPhase = 'closed' | 'counting' | 'confirm' | 'exporting' | 'done' | 'error';
  type Exported = { count: number; csvName: string; csvUrl: string; manifestName: string; manifestUrl: string };
  const [exportPhase, setExportPhase] = createSignal<ExportPhase>('closed');
  const [exportCount, setExportCount] = createSignal<{ count: number; overLimit: boolean; limit: number } | null>(null);
  const [exportError, setExportError] = createSignal('');
  const [exported, setExported] = createSignal<Exported | null>(null);
  const [exportFilters, setExportFilters] = createSignal<ReturnType<typeof exportInput> | null>(null);
  const exportInput = () => {
    const f = filters();
    return {
      from: f.from,
      to: f.to,
      action: f.action,
      outcome: f.outcome,
      ip: f.ip,
      entityId: f.entityId,
      actorUserId: f.actorUserId,
      partyId: f.partyId,
    };
  };
  const filterSummary = (): [string, string][] => {
    const f = exportFilters() ?? exportInput();
    const preset = RANGES.find((r) => r.key === range());
    const out: [string, string][] = [
      [
        t('admin.audit.time'),
        preset
          ? t(preset.label)
          : f.from || f.to
            ? t('admin.auditExport.range', {
                from: f.from ? formatAuditTime(f.from) : t('admin.auditExport.rangeStart'),
                to: f.to ? formatAuditTime(f.to) : t('admin.auditExport.rangeNow'),
              })
            : t('admin.audit.anyTime'),
      ],
    ];
    if (f.action) out.push([t('admin.audit.action'), actionLabel(f.action)]);
    if (f.outcome) out.push([t('admin.audit.outcome'), label(f.outcome)]);
    if (f.actorUserId) out.push([t('admin.audit.actor'), actorLabel() ?? f.actorUserId]);
    if (f.partyId) out.push([t('admin.users.organisation'), partyLabel() ?? f.partyId]);
    if (f.ip) out.push([t('admin.user.ip'), f.ip]);
    if (f.entityId) out.push([t('admin.audit.entityId'), f.entityId]);
    return out;
  };
  const releaseExport = () => {
    const x = exported();
    if (x) {
      URL.revokeObjectURL(x.csvUrl);
      URL.revokeObjectURL(x.manifestUrl);
    }
    setExported(null);
  };
  onCleanup(releaseExport);
  const startExport = async () => {
    if (exportPhase() === 'counting' || exportPhase() === 'exporting') return;
    releaseExport();
    const input = exportInput();
    const key = filters().key;
    setExportFilters(input);
    setExportCount(null);
    setExportError('');
    setExportPhase('counting');
    try {
      const counted = await guard(trpc.audit.count.query(input));
      setExportCount(counted);
      setExportPhase('confirm');
      if (filters().key !== key) void startExport(); // a filter changed while counting: count those
    } catch (err) {
      setExportError(t('admin.auditExport.countFailed', { error: errorMessage(err) }));
      setExportPhase('error');
    }
  };
  const runExport = async () => {
    const input = exportFilters();
    if (!input || exportPhase() !== 'confirm') return;
    setExportPhase('exporting');
    try {
      const out = await withReauth(() => trpc.audit.export.mutate(input));
      const manifestName = out.filename.replace(/\.csv$/, '.manifest.json');
      const manifest = `${JSON.stringify(
        {
          file: out.filename,
          signatureAlgorithm: 'Ed25519',
          payload: out.manifest.payload,
          signature: out.manifest.signature,
          publicKey: out.manifest.publicKey,
          howToVerify:
            'The signature (base64) is over the payload string exactly as given. The payload names the CSV’s SHA-256 and its row count.',
        },
        null,
        2,
      )}\n`;
      const csvUrl = URL.createObjectURL(new Blob([out.csv], { type: 'text/csv;charset=utf-8' }));
      const manifestUrl = URL.createObjectURL(new Blob([manifest], { type: 'application/json' }));
      const count = (JSON.parse(out.manifest.payload) as { count: number }).count;
      setExported({ count, csvName: out.filename, csvUrl, manifestName, manifestUrl });
      setExportPhase('done');
      saveTextFile(out.filename, out.csv, 'text/csv;charset=utf-8');
      saveTextFile(manifestName, manifest, 'application/json');
    } catch (err) {
      setExportError(t('admin.auditExport.failed', { error: errorMessage(err) }));
      setExportPhase('error');
    }
  };
  // The panel always describes the filters in force: changing one while it asks for confirmation counts again.
  createEffect(
    on(
      () => filters().key,
      () => {
        if (exportPhase() === 'confirm' || exportPhase() === 'error') void startExport();
      },
      { defer: true },
    ),
  );
  const closeExport = () => {
    releaseExport();
    setExportPhase('closed');
    document.querySelector<HTMLButtonElement>('[data-testid="audit-export"]')?.focus();
  };

  return (
    <section aria-labelledby="audit-title">
      <div class="detail-header list-header">
        <h1 id="audit-title">{t('admin.audit.title')}</h1>
        <div class="button-row audit-header-actions">
          <Show when={can('audit:export')}>
            <button
              type="button"
              class="button"
              data-testid="audit-export"
              aria-expanded={exportPhase() !== 'closed'}
              aria-controls="audit-export-panel"
              onClick={() => void startExport()}
            >
              {t('admin.audit.export')}
            </button>
          </Show>
          <button
            type="button"
            class="button"
            data-testid="audit-verify"
            onClick={() => void verify()}
            aria-disabled={verifying()}
            aria-busy={verifying()}
          >
            {t(verifying() ? 'admin.audit.verifying' : 'admin.audit.verify')}
          </button>
        </div>
      </div>
      <div role="status" data-testid="audit-verify-status" class="audit-verify-status">
        <Switch>
          <Match when={verifyError()}>
            {(message) => <p class="form-error">{t('admin.audit.verifyFailed', { error: message() })}</p>}
          </Match>
          <Match when={verification()}>
            {(v) => (
              <Show
                when={v().ok}
                fallback={
                  <div class="audit-verify-problem" data-testid="audit-verify-problem">
                    <p class="audit-verify-title">{t('admin.audit.integrityProblem')}</p>
                    <p class="audit-verify-line">{v().problem?.message ?? t('admin.audit.chainDoesNotVerify')}</p>
                    <Show when={v().problem}>
                      {(p) => (
                        <p class="audit-verify-line mono break">
                          {t('admin.audit.chainAt', { chain: p().chainKey, seq: p().seq })}
                          <Show when={p().entryId}>
                            {(id) => (
                              <>
                                {' · '}
                                <A href={`/audit/${id()}`}>{t('admin.audit.openEntry', { id: id() })}</A>
                              </>
                            )}
                          </Show>
                        </p>
                      )}
                    </Show>
                  </div>
                }
              >
                <p class="notice audit-verify-ok" data-testid="audit-verify-ok">
                  {t('admin.audit.intact', { count: v().entries, chains: v().chains })}
                </p>
              </Show>
            )}
          </Match>
        </Switch>
      </div>

      <Show when={exportPhase() !== 'closed'}>
        <section
          id="audit-export-panel"
          class="panel panel-wide audit-export"
          aria-labelledby="audit-export-title"
          data-testid="audit-export-panel"
          data-phase={exportPhase()}
        >
          <h2 id="audit-export-title" class="audit-export-title">
            {t('admin.auditExport.title')}
          </h2>
          <dl class="audit-export-filters" data-testid="audit-export-filters">
            <For each={filterSummary()}>
              {([name, value]) => (
                <div>
                  <dt>{name}</dt>
                  <dd>{value}</dd>
                </div>
              )}
            </For>
          </dl>
          <div role="status" aria-live="polite" class="audit-export-status" data-testid="audit-export-status">
            <Switch>
              <Match when={exportPhase() === 'counting'}>
                <p>{t('admin.auditExport.counting')}</p>
                <progress class="audit-export-progress" aria-label={t('admin.auditExport.countingLabel')} />
              </Match>
              <Match when={exportPhase() === 'confirm' && exportCount()}>
                {(c) => (
                  <Switch>
                    <Match when={c().overLimit}>
                      <p class="form-error">{t('admin.auditExport.overLimit', { limit: c().limit })}</p>
                    </Match>
                    <Match when={c().count === 0}>
                      <p>{t('admin.auditExport.none')}</p>
                    </Match>
                    <Match when={true}>
                      <p data-testid="audit-export-count">{t('admin.auditExport.confirm', { count: c().count })}</p>
                    </Match>
                  </Switch>
                )}
              </Match>
              <Match when={exportPhase() === 'exporting'}>
                <p>
                  {t(
                    (exportCount()?.count ?? 0) > 10_000
                      ? 'admin.auditExport.preparingLarge'
                      : 'admin.auditExport.preparing',
                    {
                      count: exportCount()?.count ?? 0,
                    },
                  )}
                </p>
                <progress
                  class="audit-export-progress"
                  aria-label={t('admin.auditExport.exportingLabel')}
                  data-testid="audit-export-progress"
                />
              </Match>
              <Match when={exportPhase() === 'done' && exported()}>
                {(x) => (
                  <p class="notice" data-testid="audit-export-done">
                    {/* One sentence with the two links in it: the catalogue's message, split where they go. */}
                    <For
                      each={t('admin.auditExport.done', { count: x().count, csv: CSV_LINK, manifest: MANIFEST_LINK })
                        .split(/(\uE000|\uE001)/)
                        .filter(Boolean)}
                    >
                      {(part) =>
                        part === CSV_LINK ? (
                          <a href={x().csvUrl} download={x().csvName} data-testid="audit-export-csv">
                            {x().csvName}
                          </a>
                        ) : part === MANIFEST_LINK ? (
                          <a href={x().manifestUrl} download={x().manifestName} data-testid="audit-export-manifest">
                            {x().manifestName}
                          </a>
                        ) : (
                          part
                        )
                      }
                    </For>
                  </p>
                )}
              </Match>
              <Match when={exportPhase() === 'error'}>
                <p class="form-error" data-testid="audit-export-error">
                  {exportError()}
                </p>
              </Match>
            </Switch>
          </div>
          <div class="button-row">
            <Show
              when={exportPhase() === 'confirm' && exportCount() && !exportCount()?.overLimit && exportCount()?.count}
            >
              <button
                type="button"
                class="button button-primary"
                data-testid="audit-export-confirm"
                onClick={() => void runExport()}
              >
                {t('admin.auditExport.submit', { count: exportCount()?.count ?? 0 })}
              </button>
            </Show>
            <button
              type="button"
              class="button"
              data-testid="audit-export-close"
              disabled={exportPhase() === 'exporting'}
              onClick={closeExport}
            >
              {exportPhase() === 'done' ? t('admin.auditExport.close') : t('admin.auditExport.cancel')}
            </button>
          </div>
        </section>
      </Show>

      <form class="filters audit-filters" aria-label={t('admin.audit.filter')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="audit-range">{t('admin.audit.time')}</label>
          <select id="audit-range" name="range" value={range() ?? ''} onChange={(e) => setRange(e.currentTarget.value)}>
            <option value="">{t('admin.audit.anyTime')}</option>
            <For each={RANGES}>{(r) => <option value={r.key}>{t(r.label)}</option>}</For>
            <option value="custom">{t('admin.audit.custom')}</option>
          </select>
        </div>
        <Show when={range() === 'custom'}>
          <div class="field">
            <label for="audit-from">{t('list.from')}</label>
            <input
              id="audit-from"
              name="from"
              type="datetime-local"
              value={toLocalInput(customFrom())}
              onChange={(e) => setParams({ from: fromLocalInput(e.currentTarget.value) }, { replace: true })}
            />
          </div>
          <div class="field">
            <label for="audit-to">{t('list.to')}</label>
            <input
              id="audit-to"
              name="to"
              type="datetime-local"
              value={toLocalInput(customTo())}
              onChange={(e) => setParams({ to: fromLocalInput(e.currentTarget.value) }, { replace: true })}
            />
          </div>
        </Show>
        <FilterSelect
          id="audit-action"
          label={t('admin.audit.action')}
          param="action"
          options={[]}
          groups={actionGroups()}
          optionLabel={actionLabel}
          allLabel={t('admin.audit.allActions')}
          value={action()}
        />
        <FilterSelect
          id="audit-outcome"
          label={t('admin.audit.outcome')}
          param="outcome"
          options={OUTCOMES}
          optionLabel={label}
          allLabel={t('admin.audit.allOutcomes')}
          value={outcome()}
        />
        <div class="field">
          <label for="audit-ip">{t('admin.user.ip')}</label>
          <input
            id="audit-ip"
            name="ip"
            type="search"
            maxlength={60}
            autocomplete="off"
            value={ipText()}
            onInput={(e) => {
              setIpText(e.currentTarget.value);
              applyText('ip', e.currentTarget.value);
            }}
          />
        </div>
        <div class="field">
          <label for="audit-entity">{t('admin.audit.entityId')}</label>
          <input
            id="audit-entity"
            name="entity"
            type="search"
            maxlength={200}
            autocomplete="off"
            value={entityText()}
            onInput={(e) => {
              setEntityText(e.currentTarget.value);
              applyText('entity', e.currentTarget.value);
            }}
          />
        </div>
        <Combobox
          id="audit-actor"
          label={t('admin.audit.actor')}
          hint={t(staff() ? 'admin.audit.actorHintStaff' : 'admin.audit.actorHint')}
          search={(text) =>
            trpc.audit.actors
              .query({ search: text })
              .then((users) =>
                users.map((u) => ({ id: u.id, text: u.email, detail: `${u.displayName} · ${u.partyName}` })),
              )
          }
          selected={actorLabel()}
          onSelect={(o) => {
            setChosen((c) => ({ ...c, actor: o ? { id: o.id, text: o.text } : undefined }));
            setParams({ actor: o?.id }, { replace: true });
          }}
        />
        <Show when={staff()}>
          <Combobox
            id="audit-party"
            label={t('admin.users.organisation')}
            hint={t('admin.audit.organisationHint')}
            search={(text) =>
              trpc.audit.parties
                .query({ search: text })
                .then((parties) => parties.map((p) => ({ id: p.id, text: p.name, detail: label(p.kind) })))
            }
            selected={partyLabel()}
            onSelect={(o) => {
              setChosen((c) => ({ ...c, party: o ? { id: o.id, text: o.text } : undefined }));
              setParams({ party: o?.id }, { replace: true });
            }}
          />
        </Show>
      </form>

      <ListStates list={list} noun={t('admin.audit.noun')} emptyText={t('admin.audit.none')}>
        <div class="table-wrap stack">
          <table class="data-table audit-table" data-testid="audit-table" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">{t('admin.audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.time')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <Show when={showParty()}>
                  <th scope="col">{t('admin.users.organisation')}</th>
                </Show>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.entity')}</th>
                <th scope="col">{t('admin.audit.outcome')}</th>
                <th scope="col">IP address</th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(entry) => (
                  <tr
                    data-testid="audit-row"
                    data-action={entry.action}
                    classList={{ 'audit-row-denied': entry.outcome === 'denied' }}
                  >
                    <th scope="row">
                      <A href={`/audit/${entry.id}`} data-testid="audit-link">
                        <time datetime={entry.at}>{formatAuditTime(entry.at)}</time>
                      </A>
                    </th>
                    <td class="wrap audit-actor-cell" data-label={t('admin.audit.actor')} data-testid="audit-actor">
                      <Show when={entry.actorEmail || entry.actorUserId} fallback={<span class="muted">system</span>}>
                        <BreakableText text={actorText(entry)} />
                      </Show>
                    </td>
                    <Show when={showParty()}>
                      <td class="wrap" data-label={t('admin.users.organisation')}>
                        {entry.partyName ?? <NoValue />}
                      </td>
                    </Show>
                    <td class="wrap" data-label={t('admin.audit.action')}>
                      <span class="audit-action">
                        <span data-testid="audit-action" title={entry.action}>
                          {actionLabel(entry.action)}
                        </span>
                        <Show when={entry.crossParty}>
                          <CrossPartyBadge />
                        </Show>
                      </span>
                    </td>
                    <td class="wrap" data-label={t('admin.audit.entity')}>
                      <Show when={entry.entityType || entry.entityId} fallback={<NoValue />}>
                        <span class="audit-entity">
                          <span>{entry.entityType ?? ''}</span>{' '}
                          <Show when={entry.entityId}>
                            {(id) => (
                              <span class="mono muted audit-entity-id" title={id()}>
                                {id()}
                              </span>
                            )}
                          </Show>
                        </span>
                      </Show>
                    </td>
                    <td data-label={t('admin.audit.outcome')}>
                      <OutcomeBadge outcome={entry.outcome} />
                    </td>
                    <td data-label="IP address">
                      <Show when={entry.ip} fallback={<NoValue />}>
                        {(ip) => <span class="mono">{ip()}</span>}
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </section>
  );
}
