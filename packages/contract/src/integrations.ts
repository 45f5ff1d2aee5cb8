import { z } from 'zod';
import { cidr, isoTime } from './auth-schemas.ts';
import { uuid } from './paging.ts';

/**
 * What an integration key may do, as `entity:action`. An empty list grants nothing. Reads: the outbound
 * feed and master data (bank details, addresses). Writes: one scope per batch endpoint (erp-batches.ts).
 */
export const INTEGRATION_SCOPES = [
  'events:read',
  'master-data:read',
  'parties:write',
  'master-data:write',
  'credit-limits:write',
  'orders:write',
  'invoices:write',
  'shipments:write',
  'purchase-orders:write',
  'payments:write',
  'supplier-invoices:write',
  /** CSV exports of ERP data (GET /api/v1/exports/{entity}); imports need the entity's write scope. */
  'exports:read',
] as const;
export type IntegrationScope = (typeof INTEGRATION_SCOPES)[number];

/** Longest life of a key: expiry is mandatory, and a year is the most it may be. */
export const INTEGRATION_KEY_MAX_DAYS = 365;
/** After a rotation the replaced key keeps working this long at most, so the ERP side can switch over. */
export const INTEGRATION_KEY_OVERLAP_DAYS = 7;

/** Outbound event types: what the ERP learns from the pull feed. */
export const INTEGRATION_EVENT_TYPES = [
  'purchase_order.acknowledged',
  'purchase_order.problem_flagged',
  'purchase_order.problem_resolved',
  'purchase_order.confirmation_submitted',
  'purchase_order.confirmation_accepted',
  'purchase_order.confirmation_rejected',
  'ship_notice.created',
  'ship_notice.cancelled',
  'supplier_invoice.submitted',
  'party.address_changed',
  'party.bank_details_changed',
  'party.credit_limit_changed',
  'credit_note.approved',
  'invoice_query.resolved',
  'invoice_query.rejected',
  'remittance.advised',
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
  /** Rows a minute in batches (the bulk budget; a 1,000-row batch spends 1,000). */
  rowsPerMinute: z.number().int().min(1_000).max(5_000_000).default(120_000),
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

/** A source's settings: whether an ERP "inactive" customer or supplier loses its portal access. */
export const integrationSetSuspendInactiveInput = z.object({ integrationId: uuid, suspendInactive: z.boolean() });
export const integrationSettingsOutput = z.object({ integrationId: uuid, suspendInactive: z.boolean() });

const keyStatus = z.enum(['active', 'expiring', 'expired', 'revoked']);
export const integrationKeysListOutput = z.object({
  /** Every integration (source), with its settings, whether or not it still has keys. */
  integrations: z.array(
    z.object({
      id: uuid,
      name: z.string(),
      status: z.enum(['active', 'disabled']),
      /** When the ERP marks a customer or supplier inactive, its portal access is suspended (default on). */
      suspendInactive: z.boolean(),
    }),
  ),
  keys: z.array(
    z.object({
      keyId: z.string(),
      integrationId: uuid,
      integrationName: z.string(),
      scopes: z.array(z.string()),
      ipAllowlist: z.array(z.string()),
      requestsPerMinute: z.number().int(),
      rowsPerMinute: z.number().int(),
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

// ---- /api/v1 wire schemas: the route validates with these and /api/v1/openapi.json is generated from them

/** `GET /api/v1/events` query. */
export const eventsQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'after is the nextCursor of the previous page (a number), or 0 to start')
    .default('0')
    .meta({ description: 'The `nextCursor` of the previous page; 0 starts from the oldest event kept.' }),
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'Events per page, 1 to 500.' }),
  types: z
    .string()
    .optional()
    .meta({ description: `Comma-separated event types to keep: ${INTEGRATION_EVENT_TYPES.join(', ')}.` }),
});
/** The `types` parameter as a list of known types (an unknown one is a 400). */
export const eventTypesParam = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',') : []))
  .pipe(z.array(z.enum(INTEGRATION_EVENT_TYPES)));

export const integrationEvent = z
  .object({
    cursor: z.string().meta({ description: 'Its place in the feed’s total order.' }),
    eventId: uuid.meta({ description: 'Stable id: the consumer’s idempotency key (delivery is at least once).' }),
    type: z.enum(INTEGRATION_EVENT_TYPES),
    occurredAt: z.string().meta({ description: 'ISO 8601 time of the decision.' }),
    party: z.object({
      kind: z.enum(['internal', 'customer', 'supplier']),
      erpRef: z.string().nullable().meta({ description: 'The customer or vendor id in the ERP.' }),
      name: z.string(),
    }),
    subject: z.record(z.string(), z.unknown()).meta({ description: 'What the event is about (numbers, ids).' }),
    payload: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The decision’s values; never bank details (fetch those through an audited call).' }),
  })
  .meta({ id: 'IntegrationEvent' });
export type IntegrationEvent = z.infer<typeof integrationEvent>;
export const eventsPage = z
  .object({
    events: z.array(integrationEvent),
    nextCursor: z.string().meta({ description: 'Pass as `after` next time; equals `after` when nothing is new.' }),
    hasMore: z.boolean(),
  })
  .meta({ id: 'EventsPage' });
export const apiError = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'Error' });
