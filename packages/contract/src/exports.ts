import { z } from 'zod';

// ---- list exports (POST /files/exports/:list, server/src/documents/exports.ts)

/** The lists a user can export, by the name the route takes (each with the permission its screen needs). */
export const EXPORT_LISTS = [
  'orders',
  'invoices',
  'shipments',
  'purchase-orders',
  'documents',
  'documents-queue',
  'users',
  'parties',
] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Exports a user may start per hour (all lists and formats together). */
export const EXPORTS_PER_USER_PER_HOUR = 30;

/**
 * The body of an export request: the format and the filters in force on the screen, exactly as the list
 * procedure takes them (cursor and page size are the export's own business and are ignored).
 */
export const exportRequest = z.object({
  format: z.enum(EXPORT_FORMATS),
  filters: z.record(z.string(), z.unknown()).default({}),
});
