import { LIMITS } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { type ServerText, wordServerText } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { formatAuditTime } from '../audit/audit-pieces.tsx';
import { type Posture, PostureBadge, type PostureItem, type PostureStatus } from './posture-pieces.tsx';

/** Most urgent first: the page is read top-down. */
const ORDER: readonly PostureStatus[] = ['bad', 'warn', 'info', 'good'];

/** Only a path inside the app is followed (never another origin). */
const appPath = (href: string | null) => (href?.startsWith('/') && !href.startsWith('//') ? href : null);

/** A check's text in the reader's language (admin.posture.<check>.*), else as the server wrote it. */
const words = (text: ServerText | undefined, fallback: string) => wordServerText('admin.posture.', text, fallback);

function PostureCard(props: { item: PostureItem }) {
  const headingId = () => `posture-${props.item.key}`;
  const title = () => words({ key: `${props.item.key}.title`, values: {} }, props.item.title);
  return (
    <li>
      <article
        class={`posture-card posture-card-${props.item.status}`}
        aria-labelledby={headingId()}
        data-testid="posture-item"
        data-key={props.item.key}
        data-status={props.item.status}
      >
        <div class="posture-card-head">
          <PostureBadge status={props.item.status} />
          <h2 id={headingId()} class="posture-card-title" data-testid="posture-title">
            {title()}
          </h2>
        </div>
        <p class="posture-summary-text" data-testid="posture-summary">
          {words(props.item.text.summary, props.item.summary)}
        </p>
        <p class="posture-good">
          <strong>{t('admin.posture.goodLooksLike')}</strong> {words(props.item.text.good, props.item.good)}
        </p>
        <Show when={props.item.rows.length > 0}>
          <div class="posture-rows-wrap">
            <table class="data-table posture-rows" data-testid="posture-rows">
              <caption class="visually-hidden">{t('admin.posture.detailsOf', { title: title() })}</caption>
              <thead>
                <tr>
                  <th scope="col" class="posture-cell">
                    {t('admin.posture.check')}
                  </th>
                  <th scope="col" class="posture-cell">
                    {t('admin.posture.value')}
                  </th>
                  <th scope="col" class="posture-cell posture-row-status">
                    {t('list.status')}
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={props.item.rows}>
                  {(row) => (
                    <tr data-testid="posture-row" data-status={row.status}>
                      <th scope="row" class="posture-cell posture-row-label">
                        {words(row.text?.label, row.label)}
                      </th>
                      <td class="posture-cell posture-row-value">{words(row.text?.value, row.value)}</td>
                      <td class="posture-cell posture-row-status">
                        <PostureBadge status={row.status} small />
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
        <Show when={appPath(props.item.fixAt)}>
          {(href) => (
            <p class="posture-fix">
              <A href={href()} class="button" data-testid="posture-fix">
                {t('admin.posture.fix')}
                <span class="visually-hidden">: {title()}</span>
              </A>
            </p>
          )}
        </Show>
      </article>
    </li>
  );
}

/**
 * Security posture (needs `security-posture:read`: auditors and system admins): the server's live checks,
 * most urgent first, each with what good looks like and where to fix it.
 */
export default function PosturePage() {
  usePageTitle(() => t('admin.posture.title'));
  const [posture, setPosture] = createSignal<Posture | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);

  const load = async () => {
    if (loading()) return;
    setLoading(true);
    setError(null);
    try {
      setPosture(await guard(trpc.audit.posture.query()));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  };
  onMount(() => void load());

  // How many alerts wait for acknowledgement: up to a page's worth counted, beyond that "200+".
  const [openAlerts, setOpenAlerts] = createSignal<string | null>(null);
  const loadAlerts = async () => {
    try {
      const page = await guard(trpc.alerts.list.query({ openOnly: true, limit: LIMITS.pageSizeMax }));
      setOpenAlerts(`${page.items.length}${page.nextCursor ? '+' : ''}`);
    } catch {
      setOpenAlerts(null);
    }
  };
  onMount(() => void loadAlerts());

  const items = createMemo(() =>
    [...(posture()?.items ?? [])].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status)),
  );
  const count = (status: PostureStatus) => items().filter((i) => i.status === status).length;

  return (
    <section aria-labelledby="posture-title" class="posture">
      <Show when={openAlerts()}>
        {(count) => (
          <p class="posture-alerts">
            <A
              href="/alerts"
              class="posture-alerts-link"
              classList={{ 'posture-alerts-link-some': count() !== '0' }}
              data-testid="posture-open-alerts"
            >
              {t('admin.posture.openAlerts')} <span data-testid="posture-open-alerts-count">{count()}</span>
            </A>
          </p>
        )}
      </Show>
      <div class="detail-header list-header posture-header">
        <div>
          <h1 id="posture-title">{t('admin.posture.title')}</h1>
          <p class="hint posture-computed" data-testid="posture-computed">
            <Show when={posture()} fallback={t(loading() ? 'admin.posture.computing' : 'admin.posture.notComputed')}>
              {(p) => (
                <>
                  {t('admin.posture.computedAt')}{' '}
                  <time datetime={p().generatedAt}>{formatAuditTime(p().generatedAt)}</time>
                </>
              )}
            </Show>
          </p>
        </div>
        <button
          type="button"
          class="button"
          data-testid="posture-refresh"
          onClick={() => {
            void load();
            void loadAlerts();
          }}
          aria-disabled={loading()}
          aria-busy={loading()}
        >
          {t(loading() ? 'admin.posture.refreshing' : 'admin.posture.refresh')}
        </button>
      </div>

      <Show when={error()}>{(message) => <ErrorPanel message={message()} onRetry={() => void load()} />}</Show>
      <Show when={loading() && !posture()}>
        <p class="list-message" role="status">
          {t('admin.posture.computingLong')}
        </p>
      </Show>

      <Show when={posture()}>
        <ul class="posture-counts" aria-label={t('admin.posture.byStatus')} data-testid="posture-counts">
          <For each={ORDER}>
            {(status) => (
              <li class={`posture-count posture-count-${status}`} data-testid={`posture-count-${status}`}>
                <span class="posture-count-number">{count(status)}</span> <PostureBadge status={status} small />
              </li>
            )}
          </For>
        </ul>
        <Show
          when={items().length > 0}
          fallback={
            <p class="list-message" data-testid="list-empty">
              {t('admin.posture.none')}
            </p>
          }
        >
          <ol class="posture-list" aria-busy={loading()} data-testid="posture-list">
            <For each={items()}>{(item) => <PostureCard item={item} />}</For>
          </ol>
        </Show>
      </Show>
    </section>
  );
}
