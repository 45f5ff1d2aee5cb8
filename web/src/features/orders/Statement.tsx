import { A } from '@solidjs/router';
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { guard } from '../../auth.ts';
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

const TYPE_LABEL: Record<Line['type'], string> = {
  invoice: 'Invoice',
  'credit-note': 'Credit note',
  payment: 'Payment',
};
type Period = { from: string; to: string };

/** The ageing buckets, left (not yet due) to right (longest overdue). */
const BUCKETS: { key: keyof Ageing; label: string }[] = [
  { key: 'current', label: 'Current (not yet due)' },
  { key: 'days1to30', label: '1–30 days overdue' },
  { key: 'days31to60', label: '31–60 days overdue' },
  { key: 'days61to90', label: '61–90 days overdue' },
  { key: 'over90', label: 'Over 90 days overdue' },
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

const overdueText = (days: number) => (days === 1 ? '1 day overdue' : `${days} days overdue`);

/**
 * The account statement: for a chosen period (default the last 90 days) the opening balance, every
 * invoice, credit note and payment with the running balance, and the closing balance, per currency; as of
 * today the ageing of open items and the credit limit with what is left of it. PDF and CSV downloads.
 */
export default function Statement() {
  usePageTitle(() => 'Account statement');
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
    if (!from || !to) return setPeriodError('Choose both the first and the last day.');
    if (from > to) return setPeriodError('The period must start on or before its end.');
    setPeriodError(null);
    setPeriod({ from, to });
  };
  const ready = () => (statement.state === 'ready' || statement.state === 'refreshing' ? statement() : undefined);

  return (
    <section aria-labelledby="statement-title" class="statement">
      <Switch>
        <Match when={statement.state === 'pending' || statement.state === 'unresolved'}>
          <h1 id="statement-title">Account statement</h1>
          <p class="list-message" role="status">
            Loading your statement…
          </p>
        </Match>
        <Match when={statement.state === 'errored'}>
          <h1 id="statement-title">Account statement</h1>
          <ErrorPanel message={errorMessage(statement.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={ready()}>
          {(st) => (
            <>
              <div class="detail-header statement-header">
                <h1 id="statement-title" data-testid="statement-title">
                  Account statement <time datetime={st().from}>{formatDate(st().from)}</time> –{' '}
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
                  Print
                </button>
              </div>

              <form class="statement-period filters" onSubmit={apply} data-testid="statement-period">
                <label>
                  From
                  <input type="date" ref={fromInput} value={st().from} data-testid="statement-from" required />
                </label>
                <label>
                  To
                  <input type="date" ref={toInput} value={st().to} data-testid="statement-to" required />
                </label>
                <button type="submit" class="button">
                  Show
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
                      <dt>Credit limit</dt>
                      <dd>{formatMinor(cr().limitMinor, cr().currency)}</dd>
                    </div>
                    <div>
                      <dt>Available credit</dt>
                      <dd data-testid="statement-available">{formatMinor(cr().availableMinor, cr().currency)}</dd>
                    </div>
                  </dl>
                )}
              </Show>

              <Show
                when={st().balances.length > 0}
                fallback={
                  <p class="list-message" data-testid="statement-no-activity">
                    No invoices, credit notes or payments on your account up to {formatDate(st().to)}.
                  </p>
                }
              >
                <Show when={st().linesTruncated}>
                  <p class="notice" data-testid="statement-lines-truncated">
                    Only the first {st().lines.length} lines of this period are listed; the balances include every line.
                    Choose a shorter period to see the rest.
                  </p>
                </Show>
                <For each={st().balances}>{(b) => <Ledger balance={b} lines={st().lines} st={st()} />}</For>
              </Show>

              <h2>Ageing as of {formatDate(st().asOf)}</h2>
              <Show
                when={st().currencies.length > 0}
                fallback={
                  <p class="list-message" data-testid="statement-empty">
                    Nothing is open on your account.
                  </p>
                }
              >
                <div class="statement-currencies">
                  <For each={st().currencies}>{(c) => <CurrencyAgeing totals={c} />}</For>
                </div>

                <h2 id="statement-items-title">Open items</h2>
                <Show when={st().truncated}>
                  <p class="notice statement-truncated" data-testid="statement-truncated">
                    Only the {st().openItems.length} open items due first are listed here; your account has more. The
                    totals above include them all.
                  </p>
                </Show>
                <div class="table-wrap stack">
                  <table class="data-table" data-testid="statement-items" aria-labelledby="statement-items-title">
                    <thead>
                      <tr>
                        <th scope="col">Invoice</th>
                        <th scope="col">Issue date</th>
                        <th scope="col">Due date</th>
                        <th scope="col">Overdue</th>
                        <th scope="col" class="num">
                          Total
                        </th>
                        <th scope="col" class="num">
                          Open
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
                            <td data-label="Issue date">
                              <time datetime={item.issueDate}>{formatDate(item.issueDate)}</time>
                            </td>
                            <td data-label="Due date">
                              <time datetime={item.dueDate}>{formatDate(item.dueDate)}</time>
                            </td>
                            <td data-label="Overdue">
                              <Show when={item.daysOverdue > 0} fallback={<span class="muted">Not yet due</span>}>
                                <span class="badge badge-overdue" data-testid="statement-overdue">
                                  {overdueText(item.daysOverdue)}
                                </span>
                              </Show>
                            </td>
                            <td class="num" data-label="Total">
                              {formatMinor(item.totalMinor, item.currency)}
                            </td>
                            <td class="num" data-label="Open">
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
              <th scope="col">Date</th>
              <th scope="col">Type</th>
              <th scope="col">Number</th>
              <th scope="col">Due</th>
              <th scope="col" class="num">
                Amount
              </th>
              <th scope="col" class="num">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="ledger-opening">
              <td data-label="Date">
                <time datetime={props.st.from}>{formatDate(props.st.from)}</time>
              </td>
              <th scope="row" colSpan={4}>
                Opening balance
              </th>
              <td class="num" data-label="Balance" data-testid="ledger-opening-amount">
                {m(b().openingMinor)}
              </td>
            </tr>
            <For each={lines()}>
              {(l) => (
                <tr data-testid="ledger-line" data-type={l.type}>
                  <td data-label="Date">
                    <time datetime={l.date}>{formatDate(l.date)}</time>
                  </td>
                  <td data-label="Type">{TYPE_LABEL[l.type]}</td>
                  <th scope="row" data-label="Number">
                    <Show when={l.type !== 'payment'} fallback={<span>{l.number}</span>}>
                      <A href={`/invoices/${l.id}`} data-testid="ledger-invoice-link">
                        {l.legalNumber ?? l.number}
                      </A>
                    </Show>
                  </th>
                  <td data-label="Due">
                    <Show when={l.dueDate}>{(d) => <time datetime={d()}>{formatDate(d())}</time>}</Show>
                  </td>
                  <td class="num" data-label="Amount">
                    {m(l.amountMinor)}
                  </td>
                  <td class="num" data-label="Balance" data-testid="ledger-balance">
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
                Closing balance
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
    `Ageing of ${formatMinor(c().openMinor, c().currency)} open: ${BUCKETS.map(
      (b) => `${b.label} ${formatMinor(c().ageing[b.key], c().currency)}`,
    ).join('; ')}`;
  return (
    <section class="statement-currency" aria-labelledby={titleId()} data-testid={`ageing-${c().currency}`}>
      <h2 id={titleId()}>
        Open in {c().currency} <span class="statement-open">{formatMinor(c().openMinor, c().currency)}</span>
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
        <caption class="visually-hidden">Ageing in {c().currency}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col" class="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={BUCKETS}>
            {(b) => (
              <tr data-testid={`ageing-${b.key}`}>
                <th scope="row">
                  <span class={`ageing-key ageing-${b.key}`} aria-hidden="true" />
                  {b.label}
                </th>
                <td class="num">{formatMinor(c().ageing[b.key], c().currency)}</td>
              </tr>
            )}
          </For>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total open</th>
            <td class="num" data-testid="ageing-total">
              {formatMinor(c().openMinor, c().currency)}
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
