import { sql } from 'drizzle-orm';
import { bigint, check, date, index, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { erpColumns, invoices, mirroredId } from './business.ts';
import { parties } from './parties.ts';
import { users } from './users.ts';

/**
 * Who issues the documents Gatehouse renders (invoices, credit notes, order confirmations, delivery notes,
 * purchase orders): the seller's identity as a system admin enters it. One row (id = 1). Readable in every
 * context (it is printed on every customer's invoice); written only in the all-parties context.
 */
export const sellerProfile = pgTable(
  'seller_profile',
  {
    id: smallint('id').primaryKey().default(1),
    legalName: text('legal_name').notNull().default(''),
    /** The postal address as printed, one line per line. */
    address: text('address').notNull().default(''),
    taxId: text('tax_id'),
    /** Bank name, IBAN, BIC… as printed, one line per line. */
    bankDetails: text('bank_details'),
    paymentInstructions: text('payment_instructions'),
    /** Printed when the ERP sends no terms of its own, e.g. "30 days net". */
    paymentTerms: text('payment_terms'),
    /** A small PNG or JPEG (base64), printed top left. */
    logoBase64: text('logo_base64'),
    logoType: text('logo_type', { enum: ['image/png', 'image/jpeg'] }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id),
  },
  () => [check('seller_profile_one_row', sql`id = 1`)],
);

/**
 * A payment the ERP received from a customer (Kinetic CashHead, Odoo account.payment): positive amount in
 * its currency. It lowers the customer's balance on the statement; allocations say which invoices it settled.
 */
export const payments = pgTable(
  'payments',
  {
    id: mirroredId(),
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    paymentDate: date('payment_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    /** The customer's or bank's reference (cheque number, transfer reference…). */
    reference: text('reference'),
    ...erpColumns(),
  },
  (t) => [
    uniqueIndex('payments_erp_key').on(t.erpKey),
    index('payments_party_date_idx').on(t.partyId, t.paymentDate, t.id),
  ],
);

/** Which invoices (or credit notes) a payment settled, and by how much (replaced with their payment). */
export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    partyId: uuid('party_id')
      .notNull()
      .references(() => parties.id),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    uniqueIndex('payment_allocations_key').on(t.partyId, t.paymentId, t.invoiceId),
    index('payment_allocations_payment_idx').on(t.paymentId),
    index('payment_allocations_invoice_idx').on(t.partyId, t.invoiceId),
  ],
);
