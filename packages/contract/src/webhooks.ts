import { z } from 'zod';
import { cidr, isoTime } from './auth-schemas.ts';
import { INTEGRATION_EVENT_TYPES } from './integrations.ts';
import { uuid } from './paging.ts';

/** How long a rotated-out webhook secret keeps signing beside the new one, at most (hours). */
export const WEBHOOK_SECRET_OVERLAP_MAX_HOURS = 168;
/** A range replay re-sends at most this many events at once. */
export const WEBHOOK_REPLAY_MAX = 1_000;

const webhookUrl = z
  .string()
  .trim()
  .max(2_000)
  .pipe(z.url({ protocol: /^https?$/, error: 'Give an http(s) URL, e.g. https://erp.example.com/hooks/gatehouse.' }))
  .refine((u) => !new URL(u).username && !new URL(u).password, 'Put no user name or password in the URL.');

export const webhookCreateInput = z.object({
  url: webhookUrl,
  description: z.string().trim().max(200).default(''),
  /** Empty: every event type. */
  eventTypes: z.array(z.enum(INTEGRATION_EVENT_TYPES)).max(INTEGRATION_EVENT_TYPES.length).default([]),
  /**
   * Networks this endpoint may reach although they are private, loopback or link-local (the SSRF guard
   * refuses those otherwise). Plain http is allowed only to an address inside this list.
   */
  allowedCidrs: z.array(cidr).max(20).default([]),
});
export const webhookIdInput = z.object({ endpointId: uuid });
export const webhookRotateInput = webhookIdInput.extend({
  /** How long the old secret keeps signing beside the new one (0: stop at once). */
  overlapHours: z.number().int().min(0).max(WEBHOOK_SECRET_OVERLAP_MAX_HOURS).default(24),
});
export const webhookDisableInput = webhookIdInput.extend({ reason: z.string().trim().max(200).default('') });
/** Replay one event, or every event (of the endpoint's types) in a feed id range, inclusive. */
export const webhookReplayInput = z.discriminatedUnion('by', [
  z.object({ by: z.literal('event'), endpointId: uuid, eventId: uuid }),
  z.object({
    by: z.literal('range'),
    endpointId: uuid,
    fromCursor: z.string().regex(/^\d{1,18}$/, 'A feed id (a number).'),
    toCursor: z.string().regex(/^\d{1,18}$/, 'A feed id (a number).'),
  }),
]);
export const webhookDeliveriesInput = webhookIdInput.extend({
  state: z.enum(['pending', 'delivered', 'dead']).optional(),
  /** The `id` of the last delivery of the previous page. */
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

/** The one time a secret is shown. */
export const webhookSecretOutput = z.object({ endpointId: uuid, secret: z.string() });
export const webhookReplayOutput = z.object({ queued: z.number().int() });
export const webhookOkOutput = z.object({ ok: z.literal(true) });

export const webhookEndpointsOutput = z.object({
  endpoints: z.array(
    z.object({
      id: uuid,
      url: z.string(),
      description: z.string(),
      eventTypes: z.array(z.string()),
      status: z.enum(['active', 'disabled']),
      disabledReason: z.string().nullable(),
      allowedCidrs: z.array(z.string()),
      secretRotatedAt: isoTime.nullable(),
      /** A previous secret still signs until then (null: one secret). */
      previousUntil: isoTime.nullable(),
      createdAt: isoTime,
      createdByEmail: z.string(),
      pending: z.number().int(),
      dead: z.number().int(),
      lastDeliveredAt: isoTime.nullable(),
    }),
  ),
});

export const webhookDeliveriesOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      eventId: uuid,
      cursor: z.string(),
      type: z.string(),
      state: z.enum(['pending', 'delivered', 'dead']),
      attempts: z.number().int(),
      nextAttemptAt: isoTime,
      lastStatus: z.number().int().nullable(),
      lastError: z.string().nullable(),
      lastAttemptAt: isoTime.nullable(),
      deliveredAt: isoTime.nullable(),
      replay: z.boolean(),
      createdAt: isoTime,
    }),
  ),
  nextBefore: z.string().nullable(),
});
