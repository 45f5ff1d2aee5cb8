import type { INVOICE_KINDS } from '@gatehouse/contract';

/** "Overdue" on an invoice, in words (colour and the row's tint are second cues). */
export function OverdueBadge() {
  return (
    <span class="badge badge-overdue" data-testid="overdue-badge">
      Overdue
    </span>
  );
}

/** "Credit note" on a credit note, in words; an ordinary invoice carries no badge. */
export function CreditNoteBadge() {
  return (
    <span class="badge badge-credit-note" data-testid="credit-note-badge">
      Credit note
    </span>
  );
}

/** The document's kind in words: 'Invoice' or 'Credit note'. */
export const kindLabel = (kind: (typeof INVOICE_KINDS)[number]) => (kind === 'credit-note' ? 'Credit note' : 'Invoice');
