import { z } from 'zod';
import { auditSearchInput } from './audit-schemas.ts';
import { isoTime } from './auth-schemas.ts';
import { LIMITS } from './constants.ts';
import { minorUnits, pageInput, uuid } from './paging.ts';
import { PARTY_KINDS } from './parties.ts';

// ---- parties (accounts): internal staff manage customer and supplier accounts
export const partiesListInput = pageInput.extend({
  kind: z.enum(PARTY_KINDS).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  search: z.string().trim().max(LIMITS.searchMax).optional(),
});
export const partySummary = z.object({
  id: uuid,
  kind: z.enum(PARTY_KINDS),
  name: z.string(),
  erpRef: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  isDemo: z.boolean(),
  users: z.number().int(),
  createdAt: isoTime,
});
export const partiesListOutput = z.object({ items: z.array(partySummary), nextCursor: z.string().nullable() });
export const creditExposureInput = z.object({ partyId: uuid });
export const amountByCurrency = z.object({ currency: z.string(), amountMinor: minorUnits, count: z.number().int() });
/** A customer's credit position, for whoever asks approvers to change its limit. */
export const creditExposureOutput = z.object({
  partyId: uuid,
  name: z.string(),
  /** The limit in force; null when none was ever approved. */
  creditLimit: z.object({ amountMinor: minorUnits, currency: z.string() }).nullable(),
  /** Open invoices' unpaid balance, per currency. */
  openInvoices: z.array(amountByCurrency),
  /** Open or confirmed orders with no live invoice yet, per currency. */
  openOrders: z.array(amountByCurrency),
});
export const createPartyInput = z.object({
  kind: z.enum(['customer', 'supplier']),
  name: z.string().trim().min(1).max(LIMITS.nameMax),
  erpRef: z.string().trim().min(1).max(100).optional(),
});
export const updatePartyInput = z.object({
  partyId: uuid,
  name: z.string().trim().min(1).max(LIMITS.nameMax).optional(),
  erpRef: z.string().trim().min(1).max(100).nullable().optional(),
  status: z.enum(['active', 'suspended']).optional(),
});
export const auditExportInput = auditSearchInput.omit({ cursor: true, limit: true });
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
/** How many entries an export of these filters would hold, counted up to the limit plus one. */
export const auditCountOutput = z.object({ count: z.number().int(), overLimit: z.boolean(), limit: z.number().int() });
/** The actor and organisation pickers of the audit log: a few matches by email, name or organisation. */
export const auditPickerInput = z.object({
  search: z.string().trim().min(1).max(LIMITS.searchMax),
  limit: z.number().int().min(1).max(20).default(10),
});
export const auditActorsOutput = z.array(
  z.object({ id: uuid, email: z.string(), displayName: z.string(), partyName: z.string() }),
);
export const auditPartiesOutput = z.array(z.object({ id: uuid, name: z.string(), kind: z.enum(PARTY_KINDS) }));
export const auditExportOutput = z.object({
  filename: z.string(),
  csv: z.string(),
  /** Signed with the installation's audit key: what was exported, how much, and where the chains stood. */
  manifest: z.object({
    payload: z.string(),
    signature: z.string(),
    publicKey: z.string(),
  }),
});
