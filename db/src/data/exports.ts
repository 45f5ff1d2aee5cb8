import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';

/**
 * CSV exports of ERP-mirrored data (docs/csv-import.md): pages of records in ERP-key order (keyset), one row
 * per line for documents, with the columns the CSV import reads (packages/contract/src/csv-columns.ts).
 * Money comes as minor units with its currency; the service turns it into the ERP's decimal text. Only
 * records that came from an ERP (an `erp_key`) are exported: a portal-made one has no key to import by.
 */
export type ExportRow = Record<string, string | number | boolean | null>;

export async function partiesPage(tx: Tx, afterKey: string, limit: number): Promise<ExportRow[]> {
  return (await tx.db.execute(sql`
    select p.erp_key as key, p.kind, p.erp_ref as ref, p.name, p.suspended_by_erp as inactive,
           p.supplier_category as "supplierCategory", p.erp_rev::text as rev
    from parties p
    where p.erp_key is not null and p.erp_key > ${afterKey} and p.kind in ('customer', 'supplier')
    order by p.erp_key
    limit ${limit}`)) as unknown as ExportRow[];
}

/** Up to `limit` orders after `afterKey`, each with its lines (one row per line; a row without lines). */
export async function ordersPage(tx: Tx, afterKey: string, limit: number): Promise<ExportRow[]> {
  return (await tx.db.execute(sql`
    with h as (
      select o.* from orders o where o.erp_key is not null and o.erp_key > ${afterKey} order by o.erp_key limit ${limit}
    )
    select h.erp_key as key, p.erp_ref as customer, h.number, h.customer_reference as "customerReference", h.status,
           h.order_date::text as "orderDate", h.currency, h.total_minor::text as total, h.net_minor::text as net,
           h.erp_rev::text as rev, l.line_no as "line.lineNo", l.sku as "line.sku",
           l.description as "line.description", l.quantity::text as "line.quantity", l.uom as "line.uom",
           l.unit_price::text as "line.unitPrice", l.unit_price_minor::text as "line.unitPriceMinor",
           l.amount_minor::text as "line.amount"
    from h join parties p on p.id = h.party_id
    left join order_lines l on l.order_id = h.id
    order by h.erp_key, l.line_no`)) as unknown as ExportRow[];
}

export async function invoicesPage(tx: Tx, afterKey: string, limit: number): Promise<ExportRow[]> {
  return (await tx.db.execute(sql`
    with h as (
      select i.* from invoices i where i.erp_key is not null and i.erp_key > ${afterKey} order by i.erp_key limit ${limit}
    )
    select h.erp_key as key, p.erp_ref as customer, h.kind, h.number, h.legal_number as "legalNumber",
           o.erp_key as "order", h.status, h.issue_date::text as "issueDate", h.due_date::text as "dueDate",
           h.currency, h.total_minor::text as total, h.open_minor::text as open, h.erp_rev::text as rev,
           l.line_no as "line.lineNo", l.sku as "line.sku", l.description as "line.description",
           l.quantity::text as "line.quantity", l.uom as "line.uom", l.unit_price::text as "line.unitPrice",
           l.unit_price_minor::text as "line.unitPriceMinor", l.amount_minor::text as "line.amount",
           l.tax_minor::text as "line.tax"
    from h join parties p on p.id = h.party_id
    left join orders o on o.id = h.order_id
    left join invoice_lines l on l.invoice_id = h.id
    order by h.erp_key, l.line_no`)) as unknown as ExportRow[];
}
