import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoices, parties } from '../schema/index.ts';
import { partyPredicate } from './scope.ts';

/**
 * A party's account statement as of a day: open invoices, and per currency the open total split into
 * ageing buckets by days past due (current, 1-30, 31-60, 61-90, over 90). Money stays bigint minor units
 * and is never summed across currencies.
 */
export async function statement(tx: Tx, asOf: string, maxItems: number) {
  const scope = partyPredicate(tx, invoices.partyId) ?? sql`true`;
  const totals = await tx.db.execute<{
    currency: string;
    open: string;
    current: string;
    d30: string;
    d60: string;
    d90: string;
    over90: string;
  }>(sql`
    select currency,
      sum(open_minor)::text as open,
      coalesce(sum(open_minor) filter (where due_date >= ${asOf}::date), 0)::text as current,
      coalesce(sum(open_minor) filter (where ${asOf}::date - due_date between 1 and 30), 0)::text as d30,
      coalesce(sum(open_minor) filter (where ${asOf}::date - due_date between 31 and 60), 0)::text as d60,
      coalesce(sum(open_minor) filter (where ${asOf}::date - due_date between 61 and 90), 0)::text as d90,
      coalesce(sum(open_minor) filter (where ${asOf}::date - due_date > 90), 0)::text as over90
    from invoices
    where status = 'open' and open_minor > 0 and ${scope}
    group by currency order by currency`);
  const items = await tx.db.execute<{
    id: string;
    number: string;
    issue_date: string;
    due_date: string;
    currency: string;
    total_minor: string;
    open_minor: string;
    days_overdue: number;
    open_queries: number;
  }>(sql`
    select id, number, issue_date::text, due_date::text, currency, total_minor::text, open_minor::text,
           greatest(${asOf}::date - due_date, 0)::int as days_overdue,
           (select count(*)::int from invoice_queries q
             where q.invoice_id = invoices.id and q.party_id = invoices.party_id and q.status = 'open') as open_queries
    from invoices
    where status = 'open' and open_minor > 0 and ${scope}
    order by due_date, number limit ${maxItems + 1}`);
  const rows = [...items];
  return {
    currencies: [...totals].map((t) => ({
      currency: t.currency,
      openMinor: BigInt(t.open),
      ageing: {
        current: BigInt(t.current),
        days1to30: BigInt(t.d30),
        days31to60: BigInt(t.d60),
        days61to90: BigInt(t.d90),
        over90: BigInt(t.over90),
      },
    })),
    openItems: rows.slice(0, maxItems).map((r) => ({
      id: r.id,
      number: r.number,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      currency: r.currency,
      totalMinor: BigInt(r.total_minor),
      openMinor: BigInt(r.open_minor),
      daysOverdue: r.days_overdue,
      openQueries: r.open_queries,
    })),
    truncated: rows.length > maxItems,
  };
}

/** The data layer's tenant wall for an aliased table (`alias`.party_id), as partyPredicate for a column. */
function ownRows(tx: Tx, alias: 'i' | 'p') {
  return tx.scope.kind === 'party' ? sql`${sql.raw(alias)}.party_id = ${tx.scope.partyId}::uuid` : sql`true`;
}

/**
 * Every entry of a party's account, in the sign of what the customer owes: invoices (+), credit notes (−,
 * their totals are negative), payments (−). Cancelled invoices are not on the account. `sort` orders a
 * day's entries: invoices and credit notes first, then payments.
 */
function entries(tx: Tx) {
  const inv = ownRows(tx, 'i');
  const pay = ownRows(tx, 'p');
  return sql`(
    select i.currency, i.issue_date as day, i.kind as type, i.id, i.number, i.legal_number, i.due_date,
           i.total_minor as amount, 0 as sort
      from invoices i where i.status <> 'cancelled' and ${inv}
    union all
    select p.currency, p.payment_date, 'payment', p.id, coalesce(p.reference, p.erp_key, ''), null, null,
           -p.amount_minor, 1
      from payments p where ${pay})`;
}

export interface LedgerLine {
  currency: string;
  date: string;
  type: 'invoice' | 'credit-note' | 'payment';
  /** The invoice or credit note (links to it); a payment's own id. */
  id: string;
  number: string;
  legalNumber: string | null;
  dueDate: string | null;
  /** + raises the balance (invoice), − lowers it (credit note, payment). */
  amountMinor: bigint;
  balanceMinor: bigint;
}

/**
 * A true statement for the period [from, to] (days, inclusive): per currency the opening balance (all
 * entries before `from`), every entry in the period with the running balance, and the closing balance
 * (all entries up to `to`, summed on its own, so opening + entries = closing is a check, not a tautology).
 * At most `maxLines` lines (the earliest); `truncated` says there were more (balances stay exact).
 */
export async function ledger(tx: Tx, from: string, to: string, maxLines: number) {
  const e = entries(tx);
  const balances = await tx.db.execute<{ currency: string; opening: string; closing: string; count: string }>(sql`
    select currency,
           coalesce(sum(amount) filter (where day < ${from}::date), 0)::text as opening,
           coalesce(sum(amount) filter (where day <= ${to}::date), 0)::text as closing,
           count(*) filter (where day between ${from}::date and ${to}::date)::text as count
      from ${e} x
     where day <= ${to}::date
     group by currency order by currency`);
  const lines = await tx.db.execute<{
    currency: string;
    day: string;
    type: LedgerLine['type'];
    id: string;
    number: string;
    legal_number: string | null;
    due_date: string | null;
    amount: string;
    balance: string;
  }>(sql`
    with x as (select * from ${e} x where day <= ${to}::date),
         opening as (select currency, sum(amount) filter (where day < ${from}::date) as amount from x group by currency)
    select x.currency, x.day::text as day, x.type, x.id, x.number, x.legal_number, x.due_date::text as due_date,
           x.amount::text as amount,
           (coalesce(o.amount, 0) + sum(x.amount) over (partition by x.currency order by x.day, x.sort, x.number, x.id
                                                        rows between unbounded preceding and current row))::text as balance
      from x join opening o on o.currency = x.currency
     where x.day >= ${from}::date
     order by x.currency, x.day, x.sort, x.number, x.id
     limit ${maxLines + 1}`);
  const all = [...lines];
  return {
    currencies: [...balances].map((b) => ({
      currency: b.currency,
      openingMinor: BigInt(b.opening),
      closingMinor: BigInt(b.closing),
      transactions: Number(b.count),
    })),
    lines: all.slice(0, maxLines).map(
      (l): LedgerLine => ({
        currency: l.currency,
        date: l.day,
        type: l.type,
        id: l.id,
        number: l.number,
        legalNumber: l.legal_number,
        dueDate: l.due_date,
        amountMinor: BigInt(l.amount),
        balanceMinor: BigInt(l.balance),
      }),
    ),
    truncated: all.length > maxLines,
  };
}

/** The party's credit limit in force (null: none set). */
export async function creditLimit(tx: Tx, partyId: string) {
  const [row] = await tx.db
    .select({ limitMinor: parties.creditLimitMinor, currency: parties.creditCurrency })
    .from(parties)
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)));
  return row?.limitMinor != null && row.currency ? { limitMinor: row.limitMinor, currency: row.currency } : null;
}
