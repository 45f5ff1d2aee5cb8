import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { invoices } from '../schema/index.ts';
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
  }>(sql`
    select id, number, issue_date::text, due_date::text, currency, total_minor::text, open_minor::text,
           greatest(${asOf}::date - due_date, 0)::int as days_overdue
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
    })),
    truncated: rows.length > maxItems,
  };
}
