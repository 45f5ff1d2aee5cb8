import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, createPartyWithUser, useTestServer } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';

/**
 * Quantity invariants across confirmations, ship notices and invoices, as properties against the real
 * server: random sequences of operations (some bound to be refused), then per PO line: shipped never
 * exceeds committed, open is never negative, invoiced never exceeds committed, and the shipped quantity is
 * exactly what the accepted notices carry. Concurrent notices never over-ship.
 */
const t = useTestServer();
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);
let sc: ReturnType<typeof client>;
let oc: ReturnType<typeof client>;
let partyId: string;
let seq = 0;

beforeAll(async () => {
  const s = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
  const o = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
  sc = client(t.srv.origin);
  oc = client(t.srv.origin);
  await sc.auth.login.mutate(s);
  await oc.auth.login.mutate(o);
  partyId = s.partyId;
});

const line = fc.constantFrom(1, 2);
const op = fc.oneof(
  fc.record({ kind: fc.constant('ship' as const), line, q: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('confirm' as const), line, q: fc.integer({ min: 0, max: 15 }), accept: fc.boolean() }),
  fc.record({ kind: fc.constant('invoice' as const), line, q: fc.integer({ min: 1, max: 10 }) }),
);

async function lines(id: string) {
  return (await sc.purchaseOrders.progress.query({ id })).lines.map((l) => ({
    lineNo: l.lineNo,
    committed: Number(l.committed),
    shipped: Number(l.shipped),
    invoiced: Number(l.invoiced),
    open: Number(l.open),
  }));
}

describe('quantity invariants (property, real database)', () => {
  it('hold across random confirmations, ship notices, cancellations and invoices', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 })),
        fc.array(op, { minLength: 1, maxLength: 8 }),
        async ([q1, q2], ops) => {
          const id = await makePurchaseOrder(t.srv.db, partyId, {
            number: `PROP-${++seq}`,
            requestedDate: day(5),
            lines: [
              { quantity: String(q1), unitPrice: '1.00' },
              { quantity: String(q2), unitPrice: '2.00' },
            ],
          });
          const ordered = [q1, q2];
          const notices: { id: string; line: number; q: number; active: boolean }[] = [];
          for (const o of ops) {
            if (o.kind === 'ship') {
              const made = await sc.shipNotices.create
                .mutate({
                  carrier: 'P',
                  trackingRef: 'P',
                  shipDate: day(0),
                  packages: 1,
                  lines: [{ purchaseOrderId: id, lineNo: o.line, quantity: String(o.q) }],
                })
                .catch(() => null);
              if (made) notices.push({ id: made.id, line: o.line, q: o.q, active: true });
            } else if (o.kind === 'cancel') {
              const active = notices.filter((n) => n.active);
              const n = active[o.pick % Math.max(1, active.length)];
              if (n) {
                await sc.shipNotices.cancel.mutate({ id: n.id, reason: 'Property' });
                n.active = false;
              }
            } else if (o.kind === 'confirm') {
              const answer = (lineNo: number) =>
                lineNo === o.line
                  ? o.q === 0
                    ? { lineNo, decision: 'reject' as const, schedules: [], reason: 'Property' }
                    : {
                        lineNo,
                        decision: 'change' as const,
                        schedules: [{ quantity: String(o.q), date: day(5) }],
                        reason: 'Property',
                      }
                  : {
                      lineNo,
                      decision: 'confirm' as const,
                      schedules: [{ quantity: String(ordered[lineNo - 1]), date: day(5) }],
                    };
              const round = await sc.purchaseOrders.confirm
                .mutate({ id, lines: [answer(1), answer(2)] })
                .catch(() => null);
              if (round && round.status === 'submitted')
                await oc.purchaseOrders.decideConfirmation
                  .mutate(
                    o.accept
                      ? { id: round.id, decision: 'accept' }
                      : { id: round.id, decision: 'reject', reason: 'Property' },
                  )
                  .catch(() => null);
            } else {
              await sc.supplierInvoices.submit
                .mutate({
                  purchaseOrderId: id,
                  number: `PROP-INV-${++seq}`,
                  invoiceDate: day(0),
                  lines: [{ lineNo: o.line, quantity: String(o.q), unitPrice: '1.00' }],
                })
                .catch(() => null);
            }
            for (const l of await lines(id)) {
              expect(l.open).toBeGreaterThanOrEqual(0);
              expect(l.shipped).toBeLessThanOrEqual(l.committed);
              expect(l.invoiced).toBeLessThanOrEqual(l.committed);
              expect(l.open).toBe(l.committed - l.shipped);
              const carried = notices.filter((n) => n.active && n.line === l.lineNo).reduce((s, n) => s + n.q, 0);
              expect(l.shipped).toBe(carried);
            }
          }
        },
      ),
      {
        numRuns: 12,
        // Found by CI: a line invoiced, then rejected in a confirmation the operator accepts, left more
        // invoiced than committed. Both run every time now.
        examples: [
          [
            [1, 1],
            [
              { kind: 'invoice', line: 1, q: 1 },
              { kind: 'confirm', line: 1, q: 0, accept: true },
              { kind: 'ship', line: 1, q: 1 },
            ],
          ],
          [
            [1, 1],
            [
              { kind: 'invoice', line: 2, q: 1 },
              { kind: 'confirm', line: 2, q: 0, accept: true },
              { kind: 'invoice', line: 1, q: 1 },
            ],
          ],
        ],
      },
    );
  }, 240_000);

  it('concurrent ship notices never ship more than is open', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 2, maxLength: 8 }),
        async (ordered, quantities) => {
          const id = await makePurchaseOrder(t.srv.db, partyId, {
            number: `PROP-C-${++seq}`,
            requestedDate: day(5),
            lines: [{ quantity: String(ordered), unitPrice: '1.00' }],
          });
          const results = await Promise.allSettled(
            quantities.map((q, i) =>
              sc.shipNotices.create.mutate({
                carrier: 'C',
                trackingRef: `C${i}`,
                shipDate: day(0),
                packages: 1,
                lines: [{ purchaseOrderId: id, lineNo: 1, quantity: String(q) }],
              }),
            ),
          );
          const shipped = quantities.filter((_, i) => results[i]?.status === 'fulfilled').reduce((s, q) => s + q, 0);
          expect(shipped).toBeLessThanOrEqual(ordered);
          const [l] = await lines(id);
          expect(l?.shipped).toBe(shipped);
          expect(l?.open).toBe(ordered - shipped);
          // Nothing that would have fit was refused for a lock: a refused notice did not fit what was left.
          for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/is open/);
        },
      ),
      { numRuns: 10 },
    );
  }, 240_000);
});
