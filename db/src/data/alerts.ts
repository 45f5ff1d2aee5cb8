import { and, desc, eq, gte, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { alerts, users } from '../schema/index.ts';
import { type MailRecipient, recipientsWithRole } from './users.ts';

export async function insert(
  tx: Tx,
  a: {
    at: Date;
    rule: string;
    severity: 'info' | 'warning' | 'critical';
    title: string;
    text: { key: string; values: Record<string, string | number | string[]> };
    details?: Record<string, unknown>;
  },
) {
  const [row] = await tx.db
    .insert(alerts)
    .values({ ...a, details: a.details ?? null })
    .returning({ id: sql<string>`${alerts.id}::text` });
  return (row as { id: string }).id;
}

/** Whether an alert of `rule` was raised since `since` (to raise a recurring condition once per window). */
export async function raisedSince(tx: Tx, rule: string, since: Date): Promise<boolean> {
  const [row] = await tx.db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.rule, rule), gte(alerts.at, since)))
    .limit(1);
  return Boolean(row);
}

export async function list(tx: Tx, q: { openOnly: boolean; before?: string; limit: number }) {
  const where: (SQL | undefined)[] = [];
  if (q.openOnly) where.push(isNull(alerts.acknowledgedAt));
  if (q.before) where.push(lt(alerts.id, BigInt(q.before)));
  const rows = await tx.db
    .select({
      id: sql<string>`${alerts.id}::text`,
      at: alerts.at,
      rule: alerts.rule,
      severity: alerts.severity,
      title: alerts.title,
      text: sql<{ key: string; values: Record<string, string | number | string[]> } | null>`${alerts.text}`,
      details: sql<Record<string, unknown> | null>`${alerts.details}`,
      acknowledgedAt: alerts.acknowledgedAt,
      acknowledgedBy: sql<string | null>`(select u.email from ${users} u where u.id = ${alerts.acknowledgedBy})`,
    })
    .from(alerts)
    .where(and(...where))
    .orderBy(desc(alerts.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: more ? (items.at(-1)?.id ?? null) : null };
}

export async function acknowledge(tx: Tx, id: string, by: string, at: Date): Promise<boolean> {
  const rows = await tx.db
    .update(alerts)
    .set({ acknowledgedBy: by, acknowledgedAt: at })
    .where(and(eq(alerts.id, BigInt(id)), isNull(alerts.acknowledgedAt)))
    .returning({ id: alerts.id });
  return rows.length === 1;
}

/** Every active system admin, with the language their mail is written in: who is told about alerts. */
export function systemAdminRecipients(tx: Tx): Promise<MailRecipient[]> {
  return recipientsWithRole(tx, 'system-admin');
}

/** Failed sign-ins since `since` (the spike rule). */
export async function failuresSince(tx: Tx, since: Date): Promise<number> {
  const [row] = await tx.db.execute<{ n: number }>(
    sql`select count(*)::int as n from audit_events where action = 'auth.login_failed' and at >= ${since.toISOString()}::timestamptz`,
  );
  return row?.n ?? 0;
}
