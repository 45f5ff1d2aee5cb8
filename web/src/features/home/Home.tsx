import { A } from '@solidjs/router';
import { createResource, For, type JSX, Match, Show, Switch } from 'solid-js';
import { can, currentMe, guard } from '../../auth.ts';
import { formatLocale, has, type MessageKey, needPart, t, timeZone } from '../../i18n.ts';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatMinor, formatNumber, roleName, wordServerText } from '../../shared/format.ts';
import { type HomeSummary, trpc } from '../../trpc.ts';
import { PostureBadge } from '../admin/posture-pieces.tsx';

type Section<K extends keyof HomeSummary> = NonNullable<HomeSummary[K]>;

const SECTIONS = [
  'checklist',
  'approvals',
  'queue',
  'customer',
  'supplier',
  'people',
  'alerts',
  'audit',
  'posture',
] as const;

/**
 * The home page: what waits for the signed-in user, one card per job their roles give them (home.summary
 * computes only the sections their permissions allow). Every count links to the list filtered the same way.
 */
export default function Home() {
  usePageTitle(() => t('home.title'));
  // Staff sections (the checklist, the posture) are worded from the admin part: loaded only when they show.
  const [summary, { refetch }] = createResource(async () => {
    const s = await guard(trpc.home.summary.query());
    if (s.checklist || s.posture) await needPart('admin');
    return s;
  });
  const hasWork = (s: HomeSummary) => SECTIONS.some((k) => s[k] !== null);

  return (
    <section class="home" aria-labelledby="home-title">
      <Show when={currentMe()}>
        {(me) => (
          <div class="home-head">
            <h1 id="home-title">{t('home.welcome', { name: me().user.displayName })}</h1>
            <p class="hint" data-testid="home-who">
              {me().party.name}
              <Show when={me().roles.length > 0}>
                {' '}
                ·{' '}
                {me()
                  .roles.map((key) => roleName(key))
                  .join(', ')}
              </Show>
            </p>
          </div>
        )}
      </Show>
      <Switch>
        <Match when={summary.error as unknown}>
          {(err) => <ErrorPanel message={errorMessage(err())} onRetry={() => void refetch()} />}
        </Match>
        <Match when={summary.loading && !summary.latest}>
          <p role="status" class="page-message" data-testid="home-loading">
            {t('home.loading')}
          </p>
        </Match>
        <Match when={summary.latest}>
          {(s) => (
            <Show
              when={hasWork(s())}
              fallback={
                <div class="notice" data-testid="home-empty">
                  <p>{t('home.nothing')}</p>
                  <p class="hint">{t('home.noRoles')}</p>
                </div>
              }
            >
              <div class="home-grid" data-testid="home-sections">
                <Show when={s().checklist}>{(c) => <ChecklistCard items={c()} />}</Show>
                <Show when={s().approvals}>{(a) => <ApprovalsCard a={a()} />}</Show>
                <Show when={s().queue}>{(q) => <QueueCard q={q()} cap={s().cap} />}</Show>
                <Show when={s().customer}>{(c) => <CustomerCard c={c()} cap={s().cap} />}</Show>
                <Show when={s().supplier}>{(x) => <SupplierCard s={x()} cap={s().cap} />}</Show>
                <Show when={s().people}>{(p) => <PeopleCard p={p()} />}</Show>
                <Show when={s().alerts || s().audit}>
                  <AuditCard alerts={s().alerts} audit={s().audit} cap={s().cap} />
                </Show>
                <Show when={s().posture}>{(p) => <PostureCard p={p()} />}</Show>
              </div>
            </Show>
          )}
        </Match>
      </Switch>
    </section>
  );
}

/** A count capped by the server: "1,000+" past the cap. */
const count = (n: number, cap = Number.POSITIVE_INFINITY) => (n > cap ? `${formatNumber(cap)}+` : formatNumber(n));

function Card(props: { id: string; title: string; children: JSX.Element; more?: { href: string; label: string } }) {
  return (
    <article class="home-card" aria-labelledby={`home-${props.id}`} data-testid={`home-${props.id}`}>
      <h2 id={`home-${props.id}`}>{props.title}</h2>
      {props.children}
      <Show when={props.more}>
        {(m) => (
          <p class="home-more">
            <A href={m().href}>{m().label}</A>
          </p>
        )}
      </Show>
    </article>
  );
}

/** One figure that links to the list it counts. `attention`: a non-zero value wants action. */
function Stat(props: {
  id: string;
  value: string;
  label: string;
  href: string;
  attention?: boolean;
  /** A money amount: the whole row. */
  wide?: boolean;
}) {
  return (
    <li classList={{ 'home-stat-wide': props.wide }}>
      <A
        href={props.href}
        class="home-stat"
        classList={{ 'home-stat-attention': props.attention }}
        data-testid={`stat-${props.id}`}
      >
        <span class="home-stat-value" data-testid="stat-value">
          {props.value}
        </span>
        <span class="home-stat-label">{props.label}</span>
      </A>
    </li>
  );
}

/**
 * A card's figures, in order: one Stat each, skipping those whose count the summary left out (null or
 * undefined: the caller lacks the permission, or the section is off). `attend`: a non-zero count wants action;
 * `cap`: the server caps this count ("1,000+").
 */
type StatSpec = {
  id: string;
  n: number | null | undefined;
  label: string;
  href: string;
  attend?: boolean;
  cap?: number;
};

function Stats(props: { items: StatSpec[] }) {
  return (
    <For each={props.items.filter((i): i is StatSpec & { n: number } => i.n !== null && i.n !== undefined)}>
      {(i) => (
        <Stat
          id={i.id}
          value={count(i.n, i.cap)}
          label={i.label}
          href={i.href}
          attention={i.attend === true && i.n > 0}
        />
      )}
    </For>
  );
}

/** How long something has waited: "less than a minute", "40 minutes", "5 hours", "3 days". */
function age(since: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 1) return t('age.lessThanMinute');
  if (minutes < 60) return t('age.minutes', { count: minutes });
  if (minutes < 48 * 60) return t('age.hours', { count: Math.floor(minutes / 60) });
  return t('age.days', { count: Math.floor(minutes / 1440) });
}

/** ", waiting for 5 minutes" after an approval's party and amount. */
function waited(since: string, now = Date.now()): string {
  return now - Date.parse(since) < 60_000
    ? t('home.approvalWaitedMoments')
    : t('home.approvalWaited', { age: age(since, now) });
}

/** A time of day in the user's language and zone: '14:05', '2:05 PM'. */
const clock = (at: Date) =>
  at.toLocaleTimeString(formatLocale(), { hour: '2-digit', minute: '2-digit', timeZone: timeZone() });

function CustomerCard(props: { c: Section<'customer'>; cap: number }) {
  return (
    <Card
      id="customer"
      title={t('home.yourAccount')}
      more={can('statements:read') ? { href: '/statement', label: t('home.statement') } : undefined}
    >
      <ul class="home-stats">
        <Show when={props.c.overdue}>
          {(overdue) => (
            <Show
              when={overdue().length > 0}
              fallback={<Stat id="overdue" value="0" label={t('home.invoicesOverdue')} href="/invoices?overdue=1" />}
            >
              <For each={overdue()}>
                {(o) => (
                  <Stat
                    id={`overdue-${o.currency}`}
                    value={formatMinor(o.amountMinor, o.currency)}
                    label={t('home.overdueIn', { count: o.invoices })}
                    href="/invoices?overdue=1"
                    attention
                    wide
                  />
                )}
              </For>
            </Show>
          )}
        </Show>
        <Stats
          items={[
            {
              id: 'open-orders',
              n: props.c.openOrders,
              label: t('home.openOrders'),
              href: '/orders?status=open',
              cap: props.cap,
            },
            {
              id: 'in-transit',
              n: props.c.shipments?.inTransit,
              label: t('home.inTransit'),
              href: '/shipments?status=in-transit',
              cap: props.cap,
            },
          ]}
        />
      </ul>
      <Show when={props.c.shipments?.latest.length}>
        <h3 class="home-subtitle">{t('home.recentShipments')}</h3>
        <ul class="home-list" data-testid="home-recent-shipments">
          <For each={props.c.shipments?.latest}>
            {(sh) => (
              <li>
                <A href={`/shipments/${sh.id}`}>{sh.number}</A>
                <span class="hint">
                  {sh.orderNumber ? t('home.shipmentOrder', { number: sh.orderNumber }) : ''}
                  {t(sh.status === 'delivered' ? 'home.shipmentDelivered' : 'home.shipmentInTransit', {
                    date: formatDate(sh.shippedOn),
                  })}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Card>
  );
}

function SupplierCard(props: { s: Section<'supplier'>; cap: number }) {
  const docs = () => props.s.documents;
  const collab = () => props.s.collab;
  return (
    <Card id="supplier" title={t('home.supplierTitle')}>
      <ul class="home-stats">
        <Stats
          items={[
            {
              id: 'to-acknowledge',
              n: props.s.toAcknowledge,
              label: t('home.toAcknowledge'),
              href: '/purchase-orders?status=open',
              attend: true,
              cap: props.cap,
            },
            {
              id: 'documents-missing',
              n: docs() && (docs()?.missing ?? 0) + (docs()?.rejected ?? 0),
              label: t('home.docsMissing'),
              href: '/documents',
              attend: true,
            },
            {
              id: 'documents-expiring',
              n: docs() && (docs()?.expiring ?? 0) + (docs()?.expired ?? 0),
              label: t('home.docsExpiring'),
              href: '/documents',
              attend: true,
            },
            {
              id: 'supplier-confirmations',
              n: collab()?.confirmationsToReview,
              label: t('home.confirmationsReviewing'),
              href: '/purchase-orders?status=acknowledged',
              cap: props.cap,
            },
            {
              id: 'supplier-shipments',
              n: collab()?.shipmentsIncoming,
              label: t('home.shipNoticesOnWay'),
              href: '/ship-notices?status=shipped',
              cap: props.cap,
            },
            {
              id: 'supplier-invoices-flagged',
              n: can('supplier-invoices:read') ? collab()?.invoicesFlagged : null,
              label: t('home.invoicesFlagged'),
              href: '/supplier-invoices?flagged=1',
              attend: true,
              cap: props.cap,
            },
            {
              id: 'supplier-po-messages',
              n: props.s.poThreads?.unreadThreads,
              label: t('home.poUnreadMessages'),
              href: '/purchase-orders?unread=1',
              attend: true,
              cap: props.cap,
            },
            {
              id: 'pending-change-requests',
              n: props.s.pendingChangeRequests,
              label: t('home.changeRequestsPending'),
              href: '/company',
              cap: props.cap,
            },
          ]}
        />
      </ul>
    </Card>
  );
}

function QueueCard(props: { q: Section<'queue'>; cap: number }) {
  const cap = () => props.cap;
  return (
    <Card id="queue" title={t('home.queueTitle')}>
      <ul class="home-stats">
        <Stats
          items={[
            {
              id: 'queue-documents',
              n: props.q.documents,
              label: t('home.queueDocuments'),
              href: '/work-queue',
              attend: true,
              cap: cap(),
            },
            {
              id: 'queue-change-requests',
              n: props.q.changeRequests,
              label: t('home.queueChangeRequests'),
              href: '/work-queue?tab=change-requests',
              attend: true,
              cap: cap(),
            },
            {
              id: 'queue-invoice-queries',
              n: props.q.invoiceQueries,
              label: t('home.queueInvoiceQueries'),
              href: '/work-queue?tab=invoice-queries',
              attend: true,
              cap: cap(),
            },
            {
              id: 'queue-confirmations',
              n: props.q.collab?.confirmationsToReview,
              label: t('home.queueConfirmations'),
              href: '/work-queue?tab=confirmations',
              attend: true,
              cap: cap(),
            },
            {
              id: 'queue-shipments',
              n: props.q.collab?.shipmentsIncoming,
              label: t('home.queueShipments'),
              href: '/ship-notices?status=shipped',
              cap: cap(),
            },
            {
              id: 'queue-invoices-flagged',
              n: props.q.collab?.invoicesFlagged,
              label: t('home.queueInvoicesFlagged'),
              href: '/supplier-invoices?flagged=1',
              attend: true,
              cap: cap(),
            },
            {
              id: 'queue-po-messages',
              n: props.q.poThreads?.unreadThreads,
              label: t('home.queuePoMessages'),
              href: '/purchase-orders?unread=1',
              attend: true,
              cap: cap(),
            },
          ]}
        />
      </ul>
    </Card>
  );
}

function ApprovalsCard(props: { a: Section<'approvals'> }) {
  return (
    <Card id="approvals" title={t('home.approvalsTitle')}>
      <ul class="home-stats">
        <Stat
          id="approvals-waiting"
          value={`${props.a.count}${props.a.more ? '+' : ''}`}
          label={t('home.approvalsWaiting', { count: props.a.count })}
          href="/approvals"
          attention={props.a.count > 0}
        />
      </ul>
      <Show when={props.a.items.length > 0} fallback={<p class="hint">{t('home.approvalsNone')}</p>}>
        <ul class="home-list" data-testid="home-approvals-list">
          <For each={props.a.items}>
            {(r) => (
              <li data-testid="home-approval">
                <A href={`/approvals/${r.id}`}>{r.title}</A>
                <span class="hint">
                  {r.partyName}
                  <Show when={r.amountMinor !== null && r.currency}>
                    , <strong>{formatMinor(r.amountMinor ?? '0', r.currency ?? '')}</strong>
                  </Show>
                  {waited(r.waitingSince)}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Card>
  );
}

function PeopleCard(props: { p: Section<'people'> }) {
  return (
    <Card id="people" title={t(can('parties:cross') ? 'home.peopleAllTitle' : 'home.peopleTitle')}>
      <ul class="home-stats">
        <Stats
          items={[
            { id: 'users-active', n: props.p.active, label: t('home.usersActive'), href: '/users?status=active' },
            { id: 'users-invited', n: props.p.invited, label: t('home.usersInvited'), href: '/users?status=invited' },
            {
              id: 'users-locked',
              n: props.p.locked,
              label: t('home.usersLocked'),
              href: '/users?locked=1',
              attend: true,
            },
            {
              id: 'users-suspended',
              n: props.p.suspended > 0 ? props.p.suspended : null,
              label: t('home.usersSuspended'),
              href: '/users?status=suspended',
            },
          ]}
        />
      </ul>
    </Card>
  );
}

type Verification = Awaited<ReturnType<typeof trpc.audit.verify.query>>;

/**
 * The chain walk reads every audit entry, so the home runs it once per visit to the app (kept here while
 * the tab lives) and again only when asked.
 */
let lastChain: { at: Date; v: Verification } | null = null;

function AuditCard(props: { alerts: HomeSummary['alerts']; audit: HomeSummary['audit']; cap: number }) {
  // The chain is walked by audit.verify, the audit log's own check: on its own, so the rest shows first.
  const [chain, { refetch }] = createResource(
    () => props.audit !== null || undefined,
    async (_: true, info): Promise<{ at: Date; v: Verification }> => {
      if (lastChain && !info.refetching) return lastChain;
      lastChain = { at: new Date(), v: await guard(trpc.audit.verify.query()) };
      return lastChain;
    },
  );
  return (
    <Card id="audit" title={t('home.auditTitle')} more={{ href: '/audit', label: t('home.auditOpen') }}>
      <ul class="home-stats">
        <Show when={props.alerts}>
          {(a) => (
            <Stat
              id="open-alerts"
              value={count(a().open)}
              label={a().critical > 0 ? t('home.alertsOpenCritical', { critical: a().critical }) : t('home.alertsOpen')}
              href="/alerts"
              attention={a().open > 0}
            />
          )}
        </Show>
        <Stats
          items={[
            {
              id: 'denials',
              n: props.audit?.deniedLast7Days,
              label: t('home.denials'),
              href: '/audit?action=access.denied&range=7d',
              cap: props.cap,
            },
            {
              id: 'failed-sign-ins',
              n: props.audit?.failedSignInsLast24Hours,
              label: t('home.failedSignIns'),
              href: '/audit?action=auth.login_failed&range=24h',
              cap: props.cap,
            },
          ]}
        />
      </ul>
      <Show when={props.audit}>
        <p class="home-chain" role="status" data-testid="home-chain">
          <Switch>
            <Match when={chain.error as unknown}>
              {(err) => (
                <span class="form-error">
                  {t('home.chainError', { error: errorMessage(err()) })}{' '}
                  <button type="button" class="button home-chain-again" onClick={() => void refetch()}>
                    {t('common.retry')}
                  </button>
                </span>
              )}
            </Match>
            <Match when={chain.loading}>{t('home.chainChecking')}</Match>
            <Match when={chain()}>
              {(checked) => (
                <>
                  <Show
                    when={checked().v.ok}
                    fallback={
                      <strong class="home-chain-bad" data-testid="home-chain-status" data-ok="false">
                        {t('home.chainBroken', {
                          problem:
                            checked().v.problem?.message ?? checked().v.checkpoints.problem ?? t('home.chainSeeLog'),
                        })}
                      </strong>
                    }
                  >
                    <span class="home-chain-ok" data-testid="home-chain-status" data-ok="true">
                      {t('home.chainIntact', { count: checked().v.entries, chains: checked().v.chains })}
                    </span>
                  </Show>
                  <span class="hint"> {t('home.chainChecked', { time: clock(checked().at) })} </span>
                  <button
                    type="button"
                    class="button home-chain-again"
                    data-testid="home-chain-again"
                    onClick={() => void refetch()}
                  >
                    {t('home.chainAgain')}
                  </button>
                </>
              )}
            </Match>
          </Switch>
        </p>
      </Show>
    </Card>
  );
}

function ChecklistCard(props: { items: Section<'checklist'> }) {
  const open = () => props.items.filter((i) => !i.done).length;
  return (
    <Card id="checklist" title={t('home.checklistTitle')}>
      <p class="hint" data-testid="checklist-progress">
        {open() === 0
          ? t('home.checklistDone')
          : t('home.checklistProgress', { done: props.items.length - open(), total: props.items.length })}
      </p>
      <ol class="checklist">
        <For each={props.items}>
          {(item) => (
            <li
              class="checklist-item"
              classList={{ 'checklist-done': item.done }}
              data-testid="checklist-item"
              data-key={item.key}
              data-done={String(item.done)}
            >
              <span class="checklist-mark" aria-hidden="true">
                {item.done ? '✓' : '○'}
              </span>
              <div>
                <p class="checklist-title">
                  {wordServerText('admin.', item.text.title, item.title)}
                  <span class="visually-hidden">
                    {t(item.done ? 'home.checklistItemDone' : 'home.checklistItemOpen')}
                  </span>
                </p>
                <p class="hint checklist-detail">{wordServerText('admin.', item.text.detail, item.detail)}</p>
                <Show when={!item.done && item.fixAt}>
                  {(href) => (
                    <A href={href()} data-testid="checklist-fix">
                      {item.fixLabel
                        ? wordServerText('admin.', item.text.fixLabel, item.fixLabel)
                        : t('home.checklistFix')}
                    </A>
                  )}
                </Show>
              </div>
            </li>
          )}
        </For>
      </ol>
    </Card>
  );
}

/** A posture check's title, worded as on the posture page (admin.posture.<check>.title), else as sent. */
function postureTitle(i: { key: string; title: string }): string {
  const key = `admin.posture.${i.key}.title`;
  return has(key) ? t(key as MessageKey) : i.title;
}

function PostureCard(props: { p: Section<'posture'> }) {
  const of = (status: string) => props.p.items.filter((i) => i.status === status).length;
  const attention = () => props.p.items.filter((i) => i.status === 'bad' || i.status === 'warn');
  return (
    <Card id="posture" title={t('home.postureTitle')} more={{ href: '/security', label: t('home.postureOpen') }}>
      <p data-testid="home-posture-counts">
        {t('home.postureCounts', { bad: of('bad'), warn: of('warn'), good: of('good') })}
      </p>
      <Show when={attention().length > 0}>
        <ul class="home-list">
          <For each={attention()}>
            {(i) => (
              <li class="home-posture-item" data-testid="home-posture-item" data-key={i.key}>
                <PostureBadge status={i.status} small />{' '}
                <Show when={i.fixAt?.startsWith('/') && i.fixAt} fallback={postureTitle(i)}>
                  {(href) => <A href={href()}>{postureTitle(i)}</A>}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Card>
  );
}
