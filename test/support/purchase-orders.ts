import { type Database, purchaseOrdersRepo } from '@gatehouse/db';
import { SYSTEM } from './harness.ts';

/**
 * A purchase order with the given lines (quantity, unit price as a decimal string), as the ERP would send
 * it, for tests of confirmations, ship notices and supplier invoices. Returns its id.
 */
export async function makePurchaseOrder(
  db: Database,
  partyId: string,
  o: { number: string; requestedDate: string; lines: { quantity: string; unitPrice: string }[]; currency?: string },
): Promise<string> {
  const lines = o.lines.map((l, i) => {
    const priceMinor = BigInt(Math.round(Number(l.unitPrice) * 100));
    return {
      lineNo: i + 1,
      sku: `SKU-${i + 1}`,
      description: `Part ${i + 1}`,
      quantity: l.quantity,
      uom: 'EA',
      unitPriceMinor: priceMinor,
      unitPrice: l.unitPrice,
      amountMinor: priceMinor * BigInt(Math.round(Number(l.quantity))),
    };
  });
  const [row] = await db.tx(SYSTEM, (tx) =>
    purchaseOrdersRepo.insertMany(tx, [
      {
        partyId,
        number: o.number,
        status: 'open',
        orderDate: o.requestedDate,
        requestedDate: o.requestedDate,
        currency: o.currency ?? 'EUR',
        totalMinor: lines.reduce((s, l) => s + l.amountMinor, 0n),
        lines,
      },
    ]),
  );
  if (!row) throw new Error('fixture: PO not made');
  return row.id;
}
