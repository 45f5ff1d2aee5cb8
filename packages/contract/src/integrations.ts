import { z } from 'zod';
import { cidr, isoTime, uuid } from './schemas.ts';

/**
 * What an integration key may do, as `entity:action`. An empty list grants nothing. This first set reads
 * the outbound feed; the batch-write scopes arrive with the mirror writer (issue 14, part 1).
 */
export const INTEGRATION_SCOPES = ['events:read'] as const;
export type IntegrationScope = (typeof INTEGRATION_SCOPES)[number];

/** Longest life of a key: expiry is mandatory, and a year is the most it may be. */
export const INTEGRATION_KEY_MAX_DAYS = 365;
/** After a rotation the replaced key keeps working this long at most, so the ERP side can switch over. */
export const INTEGRATION_KEY_OVERLAP_DAYS = 7;

/** Outbound event types: what the ERP learns from the pull feed. */
export const INTEGRATION_EVENT_TYPES = [
  'purchase_order.acknowledged',
  'purchase_order.problem_flagged',
  'party.address_changed',
  'party.bank_details_changed',
  'party.credit_limit_changed',
  'credit_note.approved',
] as const;
export type IntegrationEventType = (typeof INTEGRATION_EVENT_TYPES)[number];

const keyName = z.string().trim().min(1, 'Give the integration a name.').max(100);
const keyFields = {
  scopes: z.array(z.enum(INTEGRATION_SCOPES)).min(1, 'Choose at least one scope.').max(INTEGRATION_SCOPES.length),
  /** Required: write 0.0.0.0/0 and ::/0 to mean "from anywhere", so nobody opens a key by leaving a field empty. */
  ipAllowlist: z.array(cidr).min(1, 'List at least one network the ERP calls from.').max(100),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(INTEGRATION_KEY_MAX_DAYS, `A key lives ${INTEGRATION_KEY_MAX_DAYS} days at most.`),
  requestsPerMinute: z.number().int().min(1).max(6_000).default(600),
};
export const integrationKeyCreateInput = z.object({ integrationName: keyName, ...keyFields });
export const integrationKeyIdInput = z.object({ keyId: z.string().regex(/^[a-z0-9]{12}$/, 'Not a key id.') });
export const integrationKeyRotateInput = integrationKeyIdInput.extend({
  expiresInDays: keyFields.expiresInDays,
  /** How long the old key keeps working (0: revoke it now). */
  overlapDays: z.number().int().min(0).max(INTEGRATION_KEY_OVERLAP_DAYS),
});
/** The one time the secret is shown: the whole token, to be copied into the ERP's configuration. */
export const integrationKeySecretOutput = z.object({ keyId: z.string(), token: z.string(), expiresAt: isoTime });

const keyStatus = z.enum(['active', 'expiring', 'expired', 'revoked']);
export const integrationKeysListOutput = z.object({
  keys: z.array(
    z.object({
      keyId: z.string(),
      integrationId: uuid,
      integrationName: z.string(),
      scopes: z.array(z.string()),
      ipAllowlist: z.array(z.string()),
      requestsPerMinute: z.number().int(),
      status: keyStatus,
      createdAt: isoTime,
      createdByEmail: z.string(),
      expiresAt: isoTime,
      lastUsedAt: isoTime.nullable(),
      lastUsedIp: z.string().nullable(),
      revokedAt: isoTime.nullable(),
      replaces: z.string().nullable(),
    }),
  ),
});
