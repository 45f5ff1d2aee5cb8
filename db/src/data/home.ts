import { and, count, eq, gte, isNull, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../connection.ts';
import {
  alerts,
  approverLimits,
  auditEvents,
  changeRequests,
  documentVersions,
  invitations,
  invoiceQueries,
  invoices,
  mfaTotp,
  orders,
  parties,
  purchaseOrders,
  roles,
  shipments,
  userRoles,
  users,
} from '../schema/index.ts';
import { overdueOn } from './invoices.ts';
import { partyPredicate } from './scope.ts';
import { type LockedRule, lockedNow } from './users.ts';

/**
 * The counts a home page shows, one aggregate each. Every one is scoped like the list it links to
 * (partyPredicate here, RLS underneath) and uses the same rule as that list's filter, so a count and the
 * list it opens agree. Counts that could grow without bound are capped (`CAP`): the home says "1,000+".
 */
export const CAP = 1000;

const num = (v: unknown) => Number(v ?? 0);

/** A count of at most CAP + 1 rows (cheap on big tables; the caller shows "CAP+"). */
async function cappedCount(tx: Tx, table: PgTable, where: SQL | undefined) {
  const [row] = await tx.db.execute<{ n: number }>(
    sql`select count(*)::int as n from (select 1 from ${table} where ${where ?? sql`true`} limit ${CAP + 1}) s`,
  );
  return num(row?.n);
}

/** Open invoices overdue on `asOf`, per currency (the invoices list's overdue filter). */
export async function overdueByCurrency(tx: Tx, asOf: string) {
  const rows = await tx.db
    .select({
      currency: invoices.currency,
      amountMinor: sql<string>`sum(${invoices.openMinor})::text`,
      invoices: count(),
    })
    .from(invoices)
    .where(and(partyPredicate(tx, invoices.partyId), overdueOn(asOf)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
  return rows.map((r) => ({ currency: r.currency, amountMinor: BigInt(r.amountMinor), invoices: r.invoices }));
}

/** Orders with status open (the orders list's `?status=open`). */
export function openOrders(tx: Tx) {
  return cappedCount(tx, orders, and(partyPredicate(tx, orders.partyId), eq(orders.status, 'open')));
}

/** Shipments on their way (the shipments list's `?status=in-transit`). */
export function shipmentsInTransit(tx: Tx) {
  return cappedCount(tx, shipments, and(partyPredicate(tx, shipments.partyId), eq(shipments.status, 'in-transit')));
}

/** Purchase orders waiting for the supplier's acknowledgement (`?status=open`). */
export function purchaseOrdersToAcknowledge(tx: Tx) {
  return cappedCount(
    tx,
    purchaseOrders,
    and(partyPredicate(tx, purchaseOrders.partyId), eq(purchaseOrders.status, 'open')),
  );
}

/** Change requests still pending: the party's own, or (staff) the handlers' queue. */
export function pendingChangeRequests(tx: Tx) {
  return cappedCount(
    tx,
    changeRequests,
    and(partyPredicate(tx, changeRequests.partyId), eq(changeRequests.status, 'pending')),
  );
}

/** Invoice queries still open (the work queue's invoice-queries tab). */
export function openInvoiceQueries(tx: Tx) {
  return cappedCount(
    tx,
    invoiceQueries,
    and(partyPredicate(tx, invoiceQueries.partyId), eq(invoiceQueries.status, 'open')),
  );
}

/** Document versions waiting for review (the work queue's documents tab). */
export function documentsToReview(tx: Tx) {
  return cappedCount(
    tx,
    documentVersions,
    and(partyPredicate(tx, documentVersions.partyId), sql`${documentVersions.status} in ('submitted', 'under-review')`),
  );
}

/** Requests refused for a missing permission since `since` (the audit log filtered by that action). */
export function denialsSince(tx: Tx, since: Date) {
  return cappedCount(
    tx,
    auditEvents,
    and(partyPredicate(tx, auditEvents.partyId), eq(auditEvents.action, 'access.denied'), gte(auditEvents.at, since)),
  );
}

/** Failed sign-ins since `since`. */
export function failedSignInsSince(tx: Tx, since: Date) {
  return cappedCount(
    tx,
    auditEvents,
    and(
      partyPredicate(tx, auditEvents.partyId),
      eq(auditEvents.action, 'auth.login_failed'),
      gte(auditEvents.at, since),
    ),
  );
}

/** Alerts nobody has acknowledged yet (staff: alerts have no party). */
export async function openAlerts(tx: Tx) {
  const [row] = await tx.db
    .select({
      open: count(),
      critical: sql<number>`count(*) filter (where ${alerts.severity} = 'critical')::int`,
    })
    .from(alerts)
    .where(isNull(alerts.acknowledgedAt));
  return { open: num(row?.open), critical: num(row?.critical) };
}

/** The users an admin looks after: by status, open invitations, and sign-ins blocked now. */
export async function people(tx: Tx, locked: LockedRule) {
  // Written as one statement over "users" by name: in a one-table select Drizzle leaves columns
  // unqualified, which the invitations subquery would read as its own.
  const [row] = await tx.db.execute<{ active: number; suspended: number; invited: number; locked: number }>(sql`
    select
      count(*) filter (where ${users.status} = 'active')::int as active,
      count(*) filter (where ${users.status} = 'suspended')::int as suspended,
      count(*) filter (where ${users.status} = 'invited' and exists (
        select 1 from ${invitations} i where i.user_id = ${users.id} and i.party_id = ${users.partyId}
          and i.accepted_at is null and i.expires_at > ${locked.now.toISOString()}::timestamptz))::int as invited,
      count(*) filter (where ${lockedNow(locked)})::int as locked
    from ${users}
    where ${partyPredicate(tx, users.partyId) ?? sql`true`}`);
  return {
    active: num(row?.active),
    suspended: num(row?.suspended),
    invited: num(row?.invited),
    locked: num(row?.locked),
  };
}

/**
 * The first-run checklist's figures (staff scope): who holds the internal jobs, whether approvers have
 * limits, and who among internal staff has no second factor yet.
 */
export async function firstRunFigures(tx: Tx, selfId: string) {
  const holders = (permission: string) => sql<number>`(
    select count(distinct u.id)::int from ${users} u
      join ${userRoles} ur on ur.user_id = u.id and ur.party_id = u.party_id
      join ${roles} r on r.id = ur.role_id
      join ${parties} p on p.id = u.party_id and p.kind = 'internal'
    where u.status = 'active' and ${permission} = any(r.permissions))`;
  const [row] = await tx.db.execute<{
    approvers: number;
    approvers_without_limit: number;
    auditors: number;
    staff: number;
    staff_without_totp: number;
    self_has_totp: boolean;
  }>(sql`
    select
      ${holders('approvals:decide')} as approvers,
      (select count(distinct u.id)::int from ${users} u
         join ${userRoles} ur on ur.user_id = u.id and ur.party_id = u.party_id
         join ${roles} r on r.id = ur.role_id
         join ${parties} p on p.id = u.party_id and p.kind = 'internal'
       where u.status = 'active' and 'approvals:decide' = any(r.permissions)
         and not exists (select 1 from ${approverLimits} l where l.user_id = u.id)) as approvers_without_limit,
      ${holders('audit:export')} as auditors,
      (select count(*)::int from ${users} u join ${parties} p on p.id = u.party_id and p.kind = 'internal'
         where u.status = 'active') as staff,
      (select count(*)::int from ${users} u join ${parties} p on p.id = u.party_id and p.kind = 'internal'
         where u.status = 'active'
           and not exists (select 1 from ${mfaTotp} m where m.user_id = u.id and m.confirmed_at is not null)) as staff_without_totp,
      exists (select 1 from ${mfaTotp} m where m.user_id = ${selfId} and m.confirmed_at is not null) as self_has_totp`);
  return {
    approvers: num(row?.approvers),
    approversWithoutLimit: num(row?.approvers_without_limit),
    auditors: num(row?.auditors),
    staff: num(row?.staff),
    staffWithoutTotp: num(row?.staff_without_totp),
    selfHasTotp: Boolean(row?.self_has_totp),
  };
}
