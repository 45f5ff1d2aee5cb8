import type { Sql } from 'postgres';

/**
 * ERP-shaped documents for one customer, written on the owner connection (not through the mirror writer,
 * so these tests stand on the schema alone): an order with net and gross totals, lines with units and an
 * exact unit price finer than a cent; a credit note with a legal number and its own lines (one without an
 * article, tax per line, negative amounts); and an invoice with no lines of its own, on that order.
 */
export async function seedErpDocuments(owner: Sql, partyId: string, tag: string) {
  const [order] = await owner`
    insert into orders (party_id, number, status, order_date, currency, total_minor, net_minor)
    values (${partyId}, ${`SO-${tag}`}, 'confirmed', current_date - 5, 'EUR', 14875, 12500)
    returning id::text, number`;
  if (!order) throw new Error('no order');
  await owner`
    insert into order_lines (party_id, order_id, line_no, sku, description, quantity, uom, unit_price_minor, unit_price, amount_minor)
    values (${partyId}, ${order.id}, 1, 'BOLT-M8', 'Hex bolt M8', 12, 'EA', 500, 5.000000, 6000),
           (${partyId}, ${order.id}, 2, 'WASH-M8', 'Washer M8', 10000, 'EA', 1, 0.006500, 6500)`;
  const [credit] = await owner`
    insert into invoices (party_id, order_id, number, kind, legal_number, status, issue_date, due_date, currency, total_minor, open_minor)
    values (${partyId}, ${order.id}, ${`CN-${tag}`}, 'credit-note', ${`GS/2026/${tag}`}, 'open',
            current_date - 2, current_date + 28, 'EUR', -2380, -2380)
    returning id::text, number, legal_number`;
  if (!credit) throw new Error('no credit note');
  await owner`
    insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, uom, unit_price_minor, unit_price, amount_minor, tax_minor)
    values (${partyId}, ${credit.id}, 1, 'BOLT-M8', 'Hex bolt M8 (returned)', -4, 'EA', 500, 5.000000, -2000, -380),
           (${partyId}, ${credit.id}, 2, null, 'Restocking correction', 1, null, 0, null, 0, null)`;
  const [invoice] = await owner`
    insert into invoices (party_id, order_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
    values (${partyId}, ${order.id}, ${`IN-${tag}`}, 'open', current_date - 3, current_date + 27, 'EUR', 14875, 14875)
    returning id::text, number`;
  if (!invoice) throw new Error('no invoice');
  return {
    orderId: order.id as string,
    orderNumber: order.number as string,
    creditNoteId: credit.id as string,
    creditNoteNumber: credit.number as string,
    creditNoteLegalNumber: credit.legal_number as string,
    invoiceId: invoice.id as string,
    invoiceNumber: invoice.number as string,
  };
}
