import { A } from '@solidjs/router';
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { guard } from '../../auth.ts';
import { type MessageKey, t } from '../../i18n.ts';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { DownloadButton } from '../../shared/download-button.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDate, formatMinor } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { QueryBadge } from './payables-shared.tsx';

type Statement = Awaited<ReturnType<typeof trpc.statements.get.query>>;
type CurrencyTotals = Statement['currencies'][number];
type Ageing = CurrencyTotals['ageing'];
type Line = Statement['lines'][number];

const TYPE_LABEL: Record<Line['type'], MessageKey> = {
  invoice: 'invoices.invoice',
  'credit-note': 'invoices.creditNote',
  payment: 'statement.payment',
};
type Period = { from: string; to: string };

/** The ageing buckets, left (not yet due) to right (longest overdue). */
const BUCKETS: { key: keyof Ageing; label: MessageKey }[] = [
  { key: 'current', label: 'statement.bucket.current' },
  { key: 'days1to30', label: 'statement.bucket.1to30' },
  { key: 'days31to60', label: 'statement.bucket.31to60' },
  { key: 'days61to90', label: 'statement.bucket.61to90' },
  { key: 'over90', label: 'statement.bucket.over90' },
];

const BAR_WIDTH = 1000n;

/** Each bucket's share of the bar in whole thousandths, from the minor-unit strings (no floats). */
function barSegments(ageing: Ageing): { key: keyof Ageing; x: number; width: number }[] {
  const amounts = BUCKETS.map((b) => BigInt(ageing[b.key]));
  const total = amounts.reduce((a, b) => a + b, 0n);
  if (total <= 0n) return [];
  let x = 0n;
  let before = 0n;
  return BUCKETS.map((b, i) => {
    before += amounts[i] ?? 0n;
    const end = (before * BAR_WIDTH) / total;
    const segment = { key: b.key, x: Number(x), width: Number(end - x) };
    x = end;
    return segment;
  }).filter((s) => s.width > 0);
}

const overdueText = (days: number) => t('statement.daysOverdue', { count: days });

/**
 * The account statement: for a chosen period (default the last 90 days) the opening balance, every
 * invoice, credit note and payment with the running balance, and the closing balance, per currency; as of
 * today the ageing of open items and the credit limit with what is left of it. PDF and CSV downloads.
 */
export default function Statement() {
  usePageTitle(() => t('home.statement'));
  // undefined: the server's default period; the inputs then show the period it chose.
  const [period, setPeriod] = createSignal<Period | undefined>(undefined, { equals: false });
  const [statement, { refetch }] = createResource(
    () => ({ p: period() }),
    ({ p }) => guard(trpc.statements.get.query(p)),
  );
  let fromInput: HTMLInputElement | undefined;
  let toInput: HTMLInputElement | undefined;
  const [periodError, setPeriodError] = createSignal<string | null>(null);
  const apply = (e: SubmitEvent) => {
    e.preventDefault();
    const from = fromInput?.value ?? '';
    const to = toInput?.value ?? '';
    if (!from || !to) return setPeriodError(t('statement.chooseBoth'));
    if (from > to) return setPeriodError(t('statement.badPeriod'));
    setPeriodError(null);
    setPeriod({ from, to });
  };
  const ready = () => (statement.state === 'ready' || statement.state === 'refreshing' ? statement() : undefined);

  return (
    <section aria-labelledby="statement-title" class="statement">
      <Switch>
        <Match when={statement.state === 'pending' || statement.state === 'unresolved'}>
          <h1 id="statement-title">{t('home.statement')}</h1>
          <p class="list-message" role="status">
            {t('statement.loading')}
          </p>
        </Match>
        <Match when={statement.state === 'errored'}>
          <h1 id="statement-title">{t('home.statement')}</h1>
          <ErrorPanel message={errorMessage(statement.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={ready()}>
          {(st) => (
            <>
              <div class="detail-header statement-header">
                <h1 id="statement-title" data-testid="statement-title">
                  {t('home.statement')} <time datetime={st().from}>{formatDate(st().from)}</time> –{' '}
                  <time datetime={st().to}>{formatDate(st().to)}</time>
                </h1>
                <DownloadButton
                  label="PDF"
                  testId="statement-pdf"
                  fetch={() => trpc.statements.download.mutate({ from: st().from, to: st().to, format: 'pdf' })}
                />
                <DownloadButton
                  label="CSV"
                  testId="statement-csv"
                  fetch={() => trpc.statements.download.mutate({ from: st().from, to: st().to, format: 'csv' })}
                />
                <button
                  type="button"
                  class="button statement-print"
                  data-testid="statement-print"
                  onClick={() => window.print()}
                >
                  {t('common.print')}
                </button>
              </div>

              <form class="statement-period filters" onSubmit={apply} data-testid="statement-period">
                <label>
                  {t('list.from')}
                  <input type="date" ref={fromInput} value={st().from} data-testid="statement-from" required />
                </label>
                <label>
                  {t('list.to')}
                  <input type="date" ref={toInput} value={st().to} data-testid="statement-to" required />
                </label>
                <button type="submit" class="button">
                  {t('statement.show')}
                </button>
                <Show when={periodError()}>
                  <span class="error" role="alert">
                    {periodError()}
                  </span>
                </Show>
              </form>

              <Show when={st().credit}>
                {(cr) => (
                  <dl class="summary statement-credit" data-testid="statement-credit">
                    <div>
                      <dt>{t('statement.creditLimit')}</dt>
                      <dd>{formatMinor(cr().limitMinor, cr().currency)}</dd>
                    </div>
                    <div>
                      <dt>{t('statement.available')}</dt>
                      <dd data-testid="statement-available">{formatMinor(cr().availableMinor, cr().currency)}</dd>
                    </div>
                  </dl>
                )}
              </Show>

              <Show
                when={st().balances.length > 0}
                fallback={
                  <p class="list-message" data-testid="statement-no-activity">
                    {t('statement.noActivity', { date: formatDate(st().to) })}
                  </p>
                }
              >
                <Show when={st().linesTruncated}>
                  <p class="notice" data-testid="statement-lines-truncated">
                    {t('statement.linesTruncated', { count: st().lines.length })}
                  </p>
                </Show>
                <For each={st().balances}>{(b) => <Ledger balance={b} lines={st().lines} st={st()} />}</For>
              </Show>

              <h2>{t('statement.ageingAsOf', { date: formatDate(st().asOf) })}</h2>
              <Show
                when={st().currencies.length > 0}
                fallback={
                  <p class="list-message" data-testid="statement-empty">
                    {t('statement.nothingOpen')}
                  </p>
                }
              >
                <div class="statement-currencies">
                  <For each={st().currencies}>{(c) => <CurrencyAgeing totals={c} />}</For>
                </div>

                <h2 id="statement-items-title">{t('statement.openItems')}</h2>
                <Show when={st().truncated}>
                  <p class="notice statement-truncated" data-testid="statement-truncated">
                    {t('statement.itemsTruncated', { count: st().openItems.length })}
                  </p>
                </Show>
                <div class="table-wrap stack">
                  <table class="data-table" data-testid="statement-items" aria-labelledby="statement-items-title">
                    <thead>
                      <tr>
                        <th scope="col">{t('invoices.invoice')}</th>
                        <th scope="col">{t('col.issueDate')}</th>
                        <th scope="col">{t('col.dueDate')}</th>
                        <th scope="col">{t('time.overdue')}</th>
                        <th scope="col" class="num">
                          {t('col.total')}
                        </th>
                        <th scope="col" class="num">
                          {t('col.open')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={st().openItems}>
                        {(item) => (
                          <tr
                            data-testid="statement-item"
                            data-overdue={item.daysOverdue > 0 ? 'true' : undefined}
                            class={item.daysOverdue > 0 ? 'overdue' : ''}
                          >
                            <th scope="row">
                              <A href={`/invoices/${item.id}`}>{item.number}</A>
                              <Show when={item.openQueries > 0}>
                                {' '}
                                <QueryBadge count={item.openQueries} />
                              </Show>
                            </th>
                            <td data-label={t('col.issueDate')}>
                              <time datetime={item.issueDate}>{formatDate(item.issueDate)}</time>
                            </td>
                            <td data-label={t('col.dueDate')}>
                              <time datetime={item.dueDate}>{formatDate(item.dueDate)}</time>
                            </td>
                            <td data-label={t('time.overdue')}>
                              <Show
                                when={item.daysOverdue > 0}
                                fallback={<span class="muted">{t('statement.notYetDue')}</span>}
                              >
                                <span class="badge badge-overdue" data-testid="statement-overdue">
                                  {overdueText(item.daysOverdue)}
                                </span>
                              </Show>
                            </td>
                            <td class="num" data-label={t('col.total')}>
                              {formatMinor(item.totalMinor, item.currency)}
                            </td>
                            <td class="num" data-label={t('col.open')}>
                              {formatMinor(item.openMinor, item.currency)}
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}

/** One currency's ledger for the period: opening balance, each line with the running balance, closing balance. */
function Ledger(props: { balance: Statement['balances'][number]; lines: Line[]; st: Statement }) {
  const b = () => props.balance;
  const m = (v: string) => formatMinor(v, b().currency);
  const lines = () => props.lines.filter((l) => l.currency === b().currency);
  const titleId = () => `ledger-${b().currency}-title`;
  return (
    <section class="statement-ledger" aria-labelledby={titleId()} data-testid={`ledger-${b().currency}`}>
      <h2 id={titleId()}>{b().currency}</h2>
      <div class="table-wrap stack">
        <table class="data-table" aria-labelledby={titleId()}>
          <thead>
            <tr>
              <th scope="col">{t('col.date')}</th>
              <th scope="col">Type</th>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('statement.due')}</th>
              <th scope="col" class="num">
                {t('lines.amount')}
              </th>
              <th scope="col" class="num">
                {t('statement.balance')}
              </th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="ledger-opening">
              <td data-label={t('col.date')}>
                <time datetime={props.st.from}>{formatDate(props.st.from)}</time>
              </td>
              <th scope="row" colSpan={4}>
                {t('statement.opening')}
              </th>
              <td class="num" data-label={t('statement.balance')} data-testid="ledger-opening-amount">
                {m(b().openingMinor)}
              </td>
            </tr>
            <For each={lines()}>
              {(l) => (
                <tr data-testid="ledger-line" data-type={l.type}>
                  <td data-label={t('col.date')}>
                    <time datetime={l.date}>{formatDate(l.date)}</time>
                  </td>
                  <td data-label={t('statement.type')}>{t(TYPE_LABEL[l.type])}</td>
                  <th scope="row" data-label={t('col.number')}>
                    <Show when={l.type !== 'payment'} fallback={<span>{l.number}</span>}>
                      <A href={`/invoices/${l.id}`} data-testid="ledger-invoice-link">
                        {l.legalNumber ?? l.number}
                      </A>
                    </Show>
                  </th>
                  <td data-label={t('statement.due')}>
                    <Show when={l.dueDate}>{(d) => <time datetime={d()}>{formatDate(d())}</time>}</Show>
                  </td>
                  <td class="num" data-label={t('lines.amount')}>
                    {m(l.amountMinor)}
                  </td>
                  <td class="num" data-label={t('statement.balance')} data-testid="ledger-balance">
                    {m(l.balanceMinor)}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
          <tfoot>
            <tr>
              <td>
                <time datetime={props.st.to}>{formatDate(props.st.to)}</time>
              </td>
              <th scope="row" colSpan={4}>
                {t('statement.closing')}
              </th>
              <td class="num" data-testid="ledger-closing">
                {m(b().closingMinor)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

/** One currency's ageing: a bar of the buckets' shares (an image with a text alternative) and the table. */
function CurrencyAgeing(props: { totals: CurrencyTotals }) {
  const c = () => props.totals;
  const titleId = () => `ageing-${c().currency}-title`;
  const segments = () => barSegments(c().ageing);
  const barLabel = () =>
    `${t('statement.ageingOf', { amount: formatMinor(c().openMinor, c().currency) })} ${BUCKETS.map(
      (b) => `${t(b.label)} ${formatMinor(c().ageing[b.key], c().currency)}`,
    ).join('; ')}`;
  return (
    <section class="statement-currency" aria-labelledby={titleId()} data-testid={`ageing-${c().currency}`}>
      <h2 id={titleId()}>
        {t('statement.openIn', { currency: c().currency })}{' '}
        <span class="statement-open">{formatMinor(c().openMinor, c().currency)}</span>
      </h2>
      <Show when={segments().length > 0}>
        <svg
          class="ageing-bar"
          viewBox={`0 0 ${BAR_WIDTH} 24`}
          preserveAspectRatio="none"
          role="img"
          aria-label={barLabel()}
        >
          <For each={segments()}>
            {(seg) => <rect class={`ageing-${seg.key}`} x={seg.x} y={0} width={seg.width} height={24} />}
          </For>
        </svg>
      </Show>
      <table class="data-table ageing-table" data-testid="ageing-table">
        <caption class="visually-hidden">{t('statement.ageingIn', { currency: c().currency })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('statement.period')}</th>
            <th scope="col" class="num">
              {t('lines.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={BUCKETS}>
            {(b) => (
              <tr data-testid={`ageing-${b.key}`}>
                <th scope="row">
                  <span class={`ageing-key ageing-${b.key}`} aria-hidden="true" />
                  {t(b.label)}
                </th>
                <td class="num">{formatMinor(c().ageing[b.key], c().currency)}</td>
              </tr>
            )}
          </For>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('statement.totalOpen')}</th>
            <td class="num" data-testid="ageing-total">
              {formatMinor(c().openMinor, c().currency)}
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
