import type { INVOICE_KINDS } from '@gatehouse/contract';
import { t } from '../../i18n.ts';

/** "Overdue" on an invoice, in words (colour and the row's tint are second cues). */
export function OverdueBadge() {
  return (
    <span class="badge badge-overdue" data-testid="overdue-badge">
      {t('time.overdue')}
    </span>
  );
}

/** "Credit note" on a credit note, in words; an ordinary invoice carries no badge. */
export function CreditNoteBadge() {
  return (
    <span class="badge badge-credit-note" data-testid="credit-note-badge">
      {t('invoices.creditNote')}
    </span>
  );
}

/** The document's kind in words: t('invoices.invoice') or t('invoices.creditNote'). */
export const kindLabel = (kind: (typeof INVOICE_KINDS)[number]) =>
  kind === 'credit-note' ? t('invoices.creditNote') : t('invoices.invoice');
