import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';

/**
 * Generates a party's orders (with lines) and invoices in a few set-based statements, so a demo
 * or benchmark data set of thousands of rows loads in seconds. Deterministic per (party, count).
 */
export async function generateOrders(tx: Tx, partyId: string, count: number, currency: string) {
  if (tx.scope.kind !== 'all') throw new Error('demo data is generated under the system scope');
  await tx.db.execute(sql`
    insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
    select ${partyId}::uuid, 'SO-' || lpad(g::text, 7, '0'),
           case when g % 3 <> 0 then 'PO-' || (100000 + (g * 7919) % 900000)::text end,
           (array['open','confirmed','shipped','delivered','delivered','cancelled'])[1 + (g * 31) % 6],
           current_date - ((g * 17) % 730), ${currency}, 0
    from generate_series(1, ${count}::int) g`);
  await tx.db.execute(sql`
    insert into order_lines (party_id, order_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
    select o.party_id, o.id, l,
           'SKU-' || lpad(((abs(hashtext(o.number)) + l * 101) % 5000)::text, 5, '0'),
           (array['Steel bracket','Hex bolt M8 (box of 100)','Pallet wrap','Hydraulic hose 2m','Bearing 6204','Control valve'])[1 + (abs(hashtext(o.number)) + l) % 6],
           (1 + (abs(hashtext(o.number)) + l) % 40)::numeric,
           (250 + (abs(hashtext(o.number || l::text)) % 50000))::bigint,
           (1 + (abs(hashtext(o.number)) + l) % 40) * (250 + (abs(hashtext(o.number || l::text)) % 50000))::bigint
    from orders o, generate_series(1, 1 + abs(hashtext(o.number)) % 4) l
    where o.party_id = ${partyId}::uuid`);
  await tx.db.execute(sql`
    update orders o set total_minor = s.total
    from (select order_id, sum(amount_minor)::bigint total from order_lines where party_id = ${partyId}::uuid group by order_id) s
    where o.party_id = ${partyId}::uuid and o.id = s.order_id`);
  await tx.db.execute(sql`
    insert into invoices (party_id, order_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
    select o.party_id, o.id, 'INV-' || substr(o.number, 4),
           case when o.order_date < current_date - 60 then 'paid' else 'open' end,
           o.order_date + 2, o.order_date + 32, o.currency, o.total_minor,
           case when o.order_date < current_date - 60 then 0 else o.total_minor end
    from orders o where o.party_id = ${partyId}::uuid and o.status in ('shipped', 'delivered')`);
  // The invoice bills the order's lines as they are.
  await tx.db.execute(sql`
    insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, uom, unit_price_minor, amount_minor)
    select i.party_id, i.id, l.line_no, l.sku, l.description, l.quantity, l.uom, l.unit_price_minor, l.amount_minor
    from invoices i join order_lines l on l.party_id = i.party_id and l.order_id = i.order_id
    where i.party_id = ${partyId}::uuid`);
  // A payment received for each paid invoice, a few days before it was due, allocated to it in full
  // (the account statement lists them; the reference names the invoice so the allocation can find it).
  await tx.db.execute(sql`
    insert into payments (party_id, payment_date, currency, amount_minor, reference)
    select i.party_id, least(i.due_date - (abs(hashtext(i.number)) % 10), current_date), i.currency, i.total_minor,
           'TRF-' || substr(i.number, 5)
    from invoices i where i.party_id = ${partyId}::uuid and i.status = 'paid' and i.total_minor > 0`);
  await tx.db.execute(sql`
    insert into payment_allocations (party_id, payment_id, invoice_id, amount_minor)
    select i.party_id, p.id, i.id, i.total_minor
    from invoices i join payments p on p.party_id = i.party_id and p.reference = 'TRF-' || substr(i.number, 5)
    where i.party_id = ${partyId}::uuid and i.status = 'paid'`);
  // One shipment per shipped or delivered order, carrying every line in full.
  await tx.db.execute(sql`
    insert into shipments (party_id, order_id, number, carrier, tracking_ref, status, shipped_on, delivered_on)
    select o.party_id, o.id, 'DN-' || substr(o.number, 4),
           (array['DHL Freight','DB Schenker','UPS','Kuehne+Nagel'])[1 + abs(hashtext(o.number)) % 4],
           'TRK' || lpad((abs(hashtext(o.number || 'trk')) % 1000000000)::text, 10, '0'),
           case when o.status = 'delivered' then 'delivered' else 'in-transit' end,
           least(o.order_date + 1, current_date),
           case when o.status = 'delivered' then least(o.order_date + 4, current_date) end
    from orders o where o.party_id = ${partyId}::uuid and o.status in ('shipped', 'delivered')`);
  await tx.db.execute(sql`
    insert into shipment_lines (party_id, shipment_id, order_id, order_line_no, quantity)
    select s.party_id, s.id, s.order_id, l.line_no, l.quantity
    from shipments s join order_lines l on l.party_id = s.party_id and l.order_id = s.order_id
    where s.party_id = ${partyId}::uuid`);
}

/**
 * A supplier's purchase orders (with lines), its category and current master data, set-based like
 * generateOrders. Deterministic per (party, count). Recent POs are open; older ones received.
 */
export async function generatePurchaseOrders(
  tx: Tx,
  partyId: string,
  count: number,
  currency: string,
  category: string,
) {
  if (tx.scope.kind !== 'all') throw new Error('demo data is generated under the system scope');
  await tx.db.execute(sql`update parties set supplier_category = ${category} where id = ${partyId}::uuid`);
  await tx.db.execute(sql`
    insert into purchase_orders (party_id, number, status, order_date, requested_date, currency, total_minor)
    select ${partyId}::uuid, 'PO-' || lpad(g::text, 6, '0'),
           case when g <= 12 then 'open' when g % 17 = 0 then 'cancelled' else 'received' end,
           current_date - g * 3, current_date - g * 3 + 21, ${currency}, 0
    from generate_series(1, ${count}::int) g`);
  await tx.db.execute(sql`
    insert into purchase_order_lines (party_id, purchase_order_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
    select p.party_id, p.id, l,
           'RM-' || lpad(((abs(hashtext(p.number)) + l * 37) % 900)::text, 4, '0'),
           (array['Cold-rolled steel coil','Aluminium sheet 2mm','Corrugated carton','Stretch film roll','Copper wire 1.5mm'])[1 + (abs(hashtext(p.number)) + l) % 5],
           (10 + (abs(hashtext(p.number)) + l) % 500)::numeric,
           (120 + (abs(hashtext(p.number || l::text)) % 9000))::bigint,
           (10 + (abs(hashtext(p.number)) + l) % 500) * (120 + (abs(hashtext(p.number || l::text)) % 9000))::bigint
    from purchase_orders p, generate_series(1, 1 + abs(hashtext(p.number)) % 3) l
    where p.party_id = ${partyId}::uuid`);
  await tx.db.execute(sql`
    update purchase_orders p set total_minor = s.total
    from (select purchase_order_id, sum(amount_minor)::bigint total from purchase_order_lines
          where party_id = ${partyId}::uuid group by purchase_order_id) s
    where p.party_id = ${partyId}::uuid and p.id = s.purchase_order_id`);
}
