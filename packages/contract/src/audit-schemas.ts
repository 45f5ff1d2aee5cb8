import { z } from 'zod';
import { bigintId, isoTime } from './auth-schemas.ts';
import { LIMITS } from './constants.ts';
import { normaliseIp } from './ip.ts';
import { uuid } from './paging.ts';

// ---- audit log review
export const auditSearchInput = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  actorUserId: uuid.optional(),
  /** Internal staff may narrow to one party; for everyone else the scope already is their party. */
  partyId: uuid.optional(),
  action: z.string().trim().max(100).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(200).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  /** Stored IPv4 clients are plain IPv4: '::ffff:127.0.0.1' finds them too (normaliseIp). */
  ip: z.string().trim().max(60).transform(normaliseIp).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export const auditEntry = z.object({
  id: z.string(),
  at: isoTime,
  partyId: uuid.nullable(),
  partyName: z.string().nullable(),
  actorUserId: uuid.nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  crossParty: z.boolean(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export const auditSearchOutput = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });
export const auditGetInput = z.object({ id: bigintId('an audit entry id') });
export const auditGetOutput = auditEntry.extend({
  chain: z.object({
    key: z.string(),
    seq: z.string(),
    hash: z.string(),
    prevHash: z.string().nullable(),
    intact: z.boolean(),
  }),
});
export const auditVerifyOutput = z.object({
  ok: z.boolean(),
  /** Signed checkpoints checked against the installation's audit key (staff only; 0 for a party admin). */
  checkpoints: z.object({ checked: z.number().int(), problem: z.string().nullable() }),
  entries: z.number().int(),
  chains: z.number().int(),
  problem: z
    .object({
      kind: z.enum(['changed', 'removed', 'inserted-or-reordered']),
      chainKey: z.string(),
      seq: z.string(),
      entryId: z.string().nullable(),
      message: z.string(),
    })
    .nullable(),
});

// ---- words the server sends for the SPA to phrase (docs/i18n.md)
/**
 * A text the SPA words from its admin catalogue: a stable key (relative to the screen's namespace, e.g.
 * 'second-factor.summaryAll' under admin.posture.) and its values. A value named `at` or ending in `At` is an
 * ISO instant, formatted in the reader's language and zone; a list holds codes worded one by one. The
 * English text beside it stays as it was, for older clients and for rows stored before keys existed.
 */
export const textValue = z.union([z.string(), z.number(), z.array(z.string())]);
export const serverText = z.object({ key: z.string(), values: z.record(z.string(), textValue) });
export type ServerText = z.infer<typeof serverText>;

// ---- security posture (staff)
export const postureStatus = z.enum(['good', 'warn', 'bad', 'info']);
export const postureOutput = z.object({
  generatedAt: isoTime,
  items: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      status: postureStatus,
      summary: z.string(),
      good: z.string(),
      fixAt: z.string().nullable(),
      rows: z.array(
        z.object({
          label: z.string(),
          value: z.string(),
          status: postureStatus,
          /** The label and value as keys (admin.posture.<key>); absent where the server shows data as it is. */
          text: z.object({ label: serverText.optional(), value: serverText.optional() }).optional(),
        }),
      ),
      /** The summary and "what good looks like" as keys (admin.posture.<key>); the title is admin.posture.check.<key>. */
      text: z.object({ summary: serverText, good: serverText }),
    }),
  ),
});

// ---- security alerts (staff)
export const alertsListInput = z.object({
  openOnly: z.boolean().default(true),
  cursor: bigintId('a page link').optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export const alertsListOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: isoTime,
      rule: z.string(),
      severity: z.enum(['info', 'warning', 'critical']),
      title: z.string(),
      /** The title as a key (admin.alert.<key>) and values; null for alerts stored before it existed. */
      text: serverText.nullable(),
      details: z.record(z.string(), z.unknown()).nullable(),
      acknowledgedAt: isoTime.nullable(),
      acknowledgedBy: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const alertIdInput = z.object({ id: bigintId('an alert id') });
