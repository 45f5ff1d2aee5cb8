import { type createRemittanceInput, REMITTANCE_ITEMS_MAX, type remittancesListInput } from '@gatehouse/contract';
import { mailRepo, remittancesRepo, usersRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import * as outbox from '../integration/outbox.ts';
import { type MailText, mailFor } from '../mail/i18n.ts';
import { ownScope } from '../parties/scope.ts';

/**
 * Remittance advice: a customer says which open invoices and credit notes one payment settles. Nothing is
 * paid here; the advice goes to the ERP through the integration outbox (remittance.advised) so its cash
 * application can match the bank line, and each invoice shows "payment advised" until the ERP's payment
 * lowers its balance (remittancesRepo.pendingAdviceOn is that rule).
 *
 * The advice must reconcile, all or nothing:
 * - every item is the caller's own, open, in the advice's currency (another party's id: NOT_FOUND);
 * - an invoice's amount is above zero and at most what is still open of it, less what earlier advices
 *   still waiting for the ERP cover; a credit note's is below zero, within its (negative) balance alike;
 * - the allocations sum to the stated total, and the total is above zero (credit notes cannot exceed what
 *   the invoices settle: that would be a refund, not a payment).
 */
export async function create(ctx: ServiceContext, input: z.output<typeof createRemittanceInput>) {
  const { actor } = ctx;
  if (actor.partyKind !== 'customer') throw new DomainError('FORBIDDEN', { key: 'remittance.onlyCustomers' });
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ownScope(actor), async (tx) => {
    const ids = input.allocations.map((a) => a.invoiceId);
    const found = new Map((await remittancesRepo.invoicesForAdvice(tx, ids)).map((i) => [i.id, i]));
    const lines = input.allocations.map((a, index) => {
      const inv = found.get(a.invoiceId);
      if (!inv) throw notFound('That invoice');
      const field = ['allocations', index, 'amountMinor'];
      if (inv.status !== 'open')
        throw invalidField(field, { key: 'remittance.notOpen', values: { number: inv.number, status: inv.status } });
      if (inv.currency !== input.currency)
        throw invalidField(field, {
          key: 'remittance.currency',
          values: { number: inv.number, currency: inv.currency, paymentCurrency: input.currency },
        });
      const available = inv.openMinor - inv.advisedMinor;
      if (inv.kind === 'invoice') {
        if (a.amountMinor <= 0n)
          throw invalidField(field, { key: 'remittance.positive', values: { number: inv.number } });
        if (a.amountMinor > available)
          throw invalidField(field, {
            key: 'remittance.exceedsOpen',
            values: {
              amount: { minor: a.amountMinor, currency: inv.currency },
              available: { minor: available, currency: inv.currency },
              number: inv.number,
              advised: inv.advisedMinor > 0n ? 'yes' : 'no',
            },
          });
      } else {
        if (a.amountMinor >= 0n)
          throw invalidField(field, { key: 'remittance.creditNegative', values: { number: inv.number } });
        if (a.amountMinor < available)
          throw invalidField(field, {
            key: 'remittance.creditExceeds',
            values: {
              amount: { minor: a.amountMinor, currency: inv.currency },
              number: inv.number,
              available: { minor: available, currency: inv.currency },
            },
          });
      }
      return {
        invoiceId: inv.id,
        number: inv.number,
        kind: inv.kind,
        amountMinor: a.amountMinor,
        openMinor: inv.openMinor,
      };
    });
    const sum = lines.reduce((s, l) => s + l.amountMinor, 0n);
    if (sum !== input.totalMinor)
      throw invalidField(['totalMinor'], {
        key: 'remittance.sumMismatch',
        values: {
          sum: { minor: sum, currency: input.currency },
          total: { minor: input.totalMinor, currency: input.currency },
        },
      });
    if (sum <= 0n) throw invalidField(['totalMinor'], { key: 'remittance.totalPositive' });
    const id = await remittancesRepo.insert(tx, {
      partyId: actor.partyId,
      reference: input.reference,
      paymentDate: input.paymentDate,
      currency: input.currency,
      totalMinor: input.totalMinor,
      note: input.note?.trim() || null,
      submittedBy: actor.userId,
      at: now,
      lines,
    });
    const items = lines.map((l) => ({
      invoiceId: l.invoiceId,
      number: l.number,
      kind: l.kind,
      amountMinor: l.amountMinor.toString(),
    }));
    await outbox.record(tx, now, {
      type: 'remittance.advised',
      partyId: actor.partyId,
      subject: { remittanceId: id, reference: input.reference },
      payload: {
        paymentDate: input.paymentDate,
        currency: input.currency,
        totalMinor: input.totalMinor.toString(),
        items,
        ...(input.note?.trim() ? { note: input.note.trim() } : {}),
      },
    });
    await audit.record(tx, ctx, {
      action: 'remittance.advised',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'remittance',
      entityId: id,
      details: {
        reference: input.reference,
        paymentDate: input.paymentDate,
        currency: input.currency,
        totalMinor: input.totalMinor.toString(),
        items,
      },
    });
    // In the customer's own language, amounts and the payment date in their format (docs/i18n.md, "Mail").
    const to = await usersRepo.activeRecipient(tx, actor.userId);
    const values = {
      reference: input.reference,
      amount: { minor: input.totalMinor, currency: input.currency },
      date: { date: input.paymentDate },
      url: `${ctx.config.publicOrigin}/remittances`,
    };
    if (to)
      await mailRepo.enqueue(
        tx,
        mailFor(to, 'remittance-advised', { key: 'remittance.subject', values }, [
          { key: 'remittance.body', values },
          '',
          ...lines.map(
            (l): MailText => ({
              key: 'remittance.line',
              values: {
                kind: l.kind === 'credit-note' ? 'credit_note' : 'invoice',
                number: l.number,
                amount: { minor: l.amountMinor, currency: input.currency },
              },
            }),
          ),
          '',
          { key: 'remittance.footer', values },
        ]),
      );
    return { id };
  });
  ctx.mail.kick();
  return out;
}

/** What the caller's party may still advise: open invoices and credit notes, oldest due first. */
export async function openItems(ctx: ServiceContext) {
  const { actor } = ctx;
  const rows = await ctx.db.readOne(ownScope(actor), (tx) => remittancesRepo.openItems(tx, REMITTANCE_ITEMS_MAX + 1));
  return {
    items: rows.slice(0, REMITTANCE_ITEMS_MAX).map(({ advisedMinor, partyId: _p, ...r }) => ({
      ...r,
      availableMinor: r.openMinor - advisedMinor,
    })),
    truncated: rows.length > REMITTANCE_ITEMS_MAX,
  };
}

export function list(ctx: ServiceContext, input: z.output<typeof remittancesListInput>) {
  const { actor } = ctx;
  return ctx.db
    .read(ownScope(actor), (tx) => remittancesRepo.list(tx, input))
    .then((p) => ({ ...p, items: p.items.map((r) => ({ ...r, submittedBy: r.submittedBy ?? 'Former user' })) }));
}
