import { z } from 'zod';
import { LIMITS } from './constants.ts';

export const uuid = z.uuid();
export const email = z.string().trim().toLowerCase().max(LIMITS.emailMax).pipe(z.email());

// ---- paging: keyset cursors only (no deep OFFSET)
export const pageInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});

/**
 * Money on the wire: integer minor units as a decimal string ("4852694" = 48,526.94 EUR). Exact, plain
 * JSON that any integration can read; the server holds bigint and converts here, in the output schema.
 */
export const minorUnits = z.bigint().transform((v) => v.toString());

/** A calendar date on the wire: 'YYYY-MM-DD', a real day. */
export const isoDate = z.iso.date({ error: 'Enter a date as YYYY-MM-DD.' });
