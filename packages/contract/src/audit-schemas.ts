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
      rows: z.array(z.object({ label: z.string(), value: z.string(), status: postureStatus })),
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
      details: z.record(z.string(), z.unknown()).nullable(),
      acknowledgedAt: isoTime.nullable(),
      acknowledgedBy: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const alertIdInput = z.object({ id: bigintId('an alert id') });
