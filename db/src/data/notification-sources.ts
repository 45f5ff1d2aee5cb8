import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';

/**
 * The notification-sources job's reads and claims (system scope only: RLS `system_only` on both tables;
 * docs/notifications.md, ADR 0019). A mirrored row is a candidate when its ERP revision is higher than the
 * last one announced; `claim` is the one gate: of two runs racing for the same version exactly one gets a
 * row back, and only that one notifies.
 */

export type MirrorSource = 'invoice' | 'shipment' | 'purchase-order';

export interface MirrorCandidate {
  id: string;
  partyId: string;
  rev: string;
  number: string;
  /** invoice: 'invoice' | 'credit-note'; shipment: its carrier; purchase order: its status. */
  kind: string;
  /** invoice: issue date; shipment: ship date; purchase order: order date. */
  date: string;
  /** invoice: due date; shipment: tracking reference; purchase order: requested date. */
  extra: string | null;
  currency: string | null;
  totalMinor: string | null;
}

async function rows<T>(tx: Tx, q: ReturnType<typeof sql>): Promise<T[]> {
  return (await tx.db.execute(q)) as unknown as T[];
}

const SELECTS: Record<MirrorSource, ReturnType<typeof sql>> = {
  invoice: sql`select t.id, t.party_id as "partyId", t.erp_rev::text as rev, t.number, t.kind, t.issue_date::text as date,
                      t.due_date::text as extra, t.currency, t.total_minor::text as "totalMinor", t.synced_at
               from invoices t`,
  shipment: sql`select t.id, t.party_id as "partyId", t.erp_rev::text as rev, t.number, t.carrier as kind,
                       t.shipped_on::text as date, t.tracking_ref as extra, null::text as currency,
                       null::text as "totalMinor", t.synced_at
                from shipments t`,
  'purchase-order': sql`select t.id, t.party_id as "partyId", t.erp_rev::text as rev, t.number, t.status as kind,
                        t.order_date::text as date, t.requested_date::text as extra, t.currency,
                        t.total_minor::text as "totalMinor", t.synced_at
                        from purchase_orders t`,
};

/**
 * Rows of `source` the mirror wrote at or after `since` (every mirrored row when null) whose revision was
 * not announced yet, oldest write first.
 */
export async function mirrorCandidates(tx: Tx, source: MirrorSource, since: Date | null, limit: number) {
  return rows<MirrorCandidate>(
    tx,
    sql`select c.id, c."partyId", c.rev, c.number, c.kind, c.date, c.extra, c.currency, c."totalMinor"
        from (${SELECTS[source]}) c
        left join notification_sources ns on ns.source = ${source} and ns.entity_id = c.id
        where c.synced_at is not null and c.rev is not null
          and (${since === null ? null : since.toISOString()}::timestamptz is null or c.synced_at >= ${since === null ? null : since.toISOString()}::timestamptz)
          and (ns.rev is null or ns.rev < c.rev::bigint)
        order by c.synced_at, c.id
        limit ${limit}`,
  );
}

/**
 * Claims the announcement of `entityId` at revision `rev`: answers null when this version (or a later one)
 * was announced already, else whether it is the first version ever announced (new) or a later one (changed).
 */
export async function claim(
  tx: Tx,
  source: string,
  entityId: string,
  rev: bigint,
  at: Date,
): Promise<'new' | 'changed' | null> {
  const [row] = await rows<{ inserted: boolean }>(
    tx,
    sql`insert into notification_sources as ns (source, entity_id, rev, notified_at)
        values (${source}, ${entityId}, ${rev.toString()}, ${at.toISOString()})
        on conflict (source, entity_id) do update set rev = excluded.rev, notified_at = excluded.notified_at
          where ns.rev < excluded.rev
        returning (xmax = 0) as inserted`,
  );
  if (!row) return null;
  return row.inserted ? 'new' : 'changed';
}

export async function cursor(tx: Tx, source: string): Promise<Date | null> {
  const [row] = await rows<{ at: string }>(
    tx,
    sql`select synced_until::text as at from notification_cursors where source = ${source}`,
  );
  return row ? new Date(row.at) : null;
}

export async function setCursor(tx: Tx, source: string, at: Date) {
  await tx.db.execute(
    sql`insert into notification_cursors (source, synced_until) values (${source}, ${at.toISOString()})
        on conflict (source) do update set synced_until = greatest(notification_cursors.synced_until, excluded.synced_until)`,
  );
}

export interface ExpiringDocument {
  id: string;
  partyId: string;
  typeName: string;
  partyName: string;
  expiresOn: string;
}

/** Approved, not yet expired document versions that expire on or before `until` (and not before `today`). */
export async function expiringDocuments(tx: Tx, today: string, until: string) {
  return rows<ExpiringDocument>(
    tx,
    sql`select v.id, v.party_id as "partyId", dt.name as "typeName", p.name as "partyName",
               v.expires_on::text as "expiresOn"
        from document_versions v join document_types dt on dt.id = v.type_id join parties p on p.id = v.party_id
        where v.status = 'approved' and v.expiry_state <> 'expired'
          and v.expires_on >= ${today}::date and v.expires_on <= ${until}::date
        order by v.expires_on, v.id`,
  );
}
