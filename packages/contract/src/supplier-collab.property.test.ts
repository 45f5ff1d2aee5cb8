import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkConfirmationLine,
  checkInvoiceLine,
  committedOf,
  formatQty,
  openQuantity,
  parseQty,
  QTY_SCALE,
} from './supplier-collab.ts';

/** Quantities as scaled integers (10^-4), up to a million units. */
const qty = fc.bigInt({ min: 0n, max: 1_000_000n * QTY_SCALE });
const day = fc
  .integer({ min: 0, max: 400 })
  .map((n) => new Date(Date.UTC(2027, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));

describe('quantity rules (property)', () => {
  it('a quantity survives formatting and parsing exactly', () => {
    fc.assert(
      fc.property(qty, (q) => {
        expect(parseQty(formatQty(q))).toBe(q);
      }),
    );
  });

  it('the open quantity is never negative and never more than committed', () => {
    fc.assert(
      fc.property(qty, qty, (committed, shipped) => {
        const open = openQuantity(committed, shipped);
        expect(open >= 0n).toBe(true);
        expect(open <= committed).toBe(true);
        if (shipped <= committed) expect(open + shipped).toBe(committed);
      }),
    );
  });

  it('an accepted "confirm" commits exactly the ordered quantity; a rejection commits nothing', () => {
    fc.assert(
      fc.property(
        qty.filter((q) => q > 0n),
        fc.array(fc.record({ quantity: qty.filter((q) => q > 0n), date: day }), { minLength: 1, maxLength: 5 }),
        day,
        fc.constantFrom('confirm' as const, 'change' as const, 'reject' as const),
        fc.boolean(),
        (ordered, schedules, requested, decision, withReason) => {
          const line = {
            decision,
            schedules:
              decision === 'reject' ? [] : schedules.map((s) => ({ quantity: formatQty(s.quantity), date: s.date })),
            reason: withReason ? 'Because.' : undefined,
          };
          const problem = checkConfirmationLine({ quantity: ordered, requestedDate: requested }, line, '2027-01-01');
          if (problem !== null) return;
          const committed = committedOf(line);
          if (decision === 'confirm') expect(committed).toBe(ordered);
          if (decision === 'reject') expect(committed).toBe(0n);
          // Anything else than the ordered quantity, or a later date, carried a reason.
          const later = line.schedules.some((s) => s.date > requested);
          if (committed !== ordered || later) expect(withReason).toBe(true);
        },
      ),
    );
  });

  it('an invoice line within both tolerances is never flagged; beyond the price tolerance always is', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: -3000, max: 3000 }),
        qty,
        (poPrice, tolBp, offBp, shipped) => {
          const price = poPrice + (poPrice * BigInt(offBp)) / 10_000n;
          fc.pre(price > 0n);
          const r = checkInvoiceLine(
            { unitPriceMicro: poPrice, shipped, invoicedBefore: 0n },
            { unitPriceMicro: price, quantity: shipped },
            { pricePct: tolBp / 100, qtyPct: 0 },
          );
          const diff = price > poPrice ? price - poPrice : poPrice - price;
          expect(r.priceMismatch).toBe(diff * 10_000n > poPrice * BigInt(tolBp));
          // Invoicing exactly what shipped is never a quantity mismatch.
          expect(r.quantityMismatch).toBe(false);
        },
      ),
    );
  });
});
