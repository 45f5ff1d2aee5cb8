import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import {
  WEBHOOK_REPLAY_MAX,
  type webhookCreateInput,
  type webhookDeliveriesInput,
  type webhookDisableInput,
  type webhookReplayInput,
  type webhookRotateInput,
} from '@gatehouse/contract';
import { webhooksRepo } from '@gatehouse/db';
import type { z } from 'zod';
import { record as recordAudit } from '../../audit/audit.ts';
import { seal } from '../../auth/seal.ts';
import type { Actor } from '../../auth/sessions.ts';
import type { Context, ServiceContext, TxContext } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { integrationSealKey } from '../../keys.ts';
import { refusal } from './ssrf.ts';

/**
 * Webhook endpoints (Standard Webhooks 1.0): where the outbox is pushed, signed. Configuring one decides
 * where Gatehouse sends business events, so every change needs integrations:manage and a recent password,
 * like an API key, and is audited. The secret is `whsec_` + base64 of 32 random bytes, shown once and
 * sealed at rest (AES-256-GCM under its own derived key); it cannot be hashed because we sign with it.
 */
function requireInternal(actor: Actor) {
  if (actor.partyKind !== 'internal')
    throw new DomainError('FORBIDDEN', { key: 'staff.webhooksStaffOnly', values: {} });
}

function mintSecret(ctx: Context) {
  const raw = randomBytes(32);
  return { shown: `whsec_${raw.toString('base64')}`, sealed: seal(integrationSealKey(ctx.config.secret), raw) };
}

function audit(
  ctx: TxContext,
  action:
    | 'webhook_endpoint.created'
    | 'webhook_endpoint.secret_rotated'
    | 'webhook_endpoint.disabled'
    | 'webhook_endpoint.enabled'
    | 'webhook.replayed',
  entityId: string,
  details: Record<string, unknown>,
) {
  const { tx, actor } = ctx;
  return recordAudit(tx, ctx, {
    action,
    outcome: 'success',
    partyId: actor.partyId,
    entityType: 'webhook_endpoint',
    entityId,
    details,
  });
}

export async function create(ctx: ServiceContext, input: z.output<typeof webhookCreateInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  const url = new URL(input.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // Said now rather than at the first delivery; the same rule is enforced again on every connect.
  if (url.protocol === 'http:' && input.allowedCidrs.length === 0)
    throw new DomainError('BAD_REQUEST', { key: 'staff.webhookHttpsOnly', values: {} });
  if (isIP(host)) {
    const why = refusal(host, { allowedCidrs: input.allowedCidrs, plainHttp: url.protocol === 'http:' });
    if (why) throw new DomainError('BAD_REQUEST', { key: 'staff.willNotCall', values: { host, why } });
  }
  const now = new Date(ctx.clock.now());
  const secret = mintSecret(ctx);
  const endpointId = await ctx.db.tx(ctx.scope, async (tx) => {
    const id = await webhooksRepo.insertEndpoint(tx, {
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes,
      allowedCidrs: input.allowedCidrs,
      secretSealed: secret.sealed,
      createdBy: actor.userId,
      createdAt: now,
    });
    await audit({ ...ctx, tx }, 'webhook_endpoint.created', id, {
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes,
      allowedCidrs: input.allowedCidrs,
    });
    return id;
  });
  return { endpointId, secret: secret.shown };
}

/** A new secret; the old one keeps signing beside it for the overlap, so the receiver can switch over. */
export async function rotateSecret(ctx: ServiceContext, input: z.output<typeof webhookRotateInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  const now = new Date(ctx.clock.now());
  const secret = mintSecret(ctx);
  const previousUntil = input.overlapHours > 0 ? new Date(now.getTime() + input.overlapHours * 3_600_000) : null;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const ep = await webhooksRepo.getEndpointForUpdate(tx, input.endpointId);
    if (!ep) throw notFound('That webhook endpoint');
    await webhooksRepo.updateEndpoint(tx, ep.id, {
      secretSealed: secret.sealed,
      previousSecretSealed: previousUntil ? ep.secretSealed : null,
      previousUntil,
      secretRotatedAt: now,
    });
    await audit({ ...ctx, tx }, 'webhook_endpoint.secret_rotated', ep.id, {
      url: ep.url,
      oldSecretSignsUntil: (previousUntil ?? now).toISOString(),
    });
  });
  return { endpointId: input.endpointId, secret: secret.shown };
}

export async function setStatus(
  ctx: ServiceContext,
  input: z.output<typeof webhookDisableInput> | { endpointId: string },
  status: 'active' | 'disabled',
) {
  const { actor } = ctx;
  requireInternal(actor);
  return ctx.db.tx(ctx.scope, async (tx) => {
    const ep = await webhooksRepo.getEndpointForUpdate(tx, input.endpointId);
    if (!ep) throw notFound('That webhook endpoint');
    if (ep.status === status)
      throw new DomainError('CONFLICT', {
        key: 'staff.webhookAlready',
        values: { state: status === 'active' ? 'enabled' : 'disabled' },
      });
    const reason = 'reason' in input && input.reason ? input.reason : 'Disabled by an administrator.';
    await webhooksRepo.updateEndpoint(tx, ep.id, {
      status,
      disabledReason: status === 'disabled' ? reason : null,
    });
    await audit(
      { ...ctx, tx },
      status === 'active' ? 'webhook_endpoint.enabled' : 'webhook_endpoint.disabled',
      ep.id,
      status === 'active' ? { url: ep.url, wasDisabledFor: ep.disabledReason } : { url: ep.url, reason },
    );
    return { ok: true as const };
  });
}

/**
 * Queues the event(s) again for the endpoint: new deliveries with the same `webhook-id`, so a receiver
 * that deduplicates by it applies each event once. A range replays the endpoint's event types only.
 */
export async function replay(ctx: ServiceContext, input: z.output<typeof webhookReplayInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  const now = new Date(ctx.clock.now());
  return ctx.db.tx(ctx.scope, async (tx) => {
    const ep = await webhooksRepo.getEndpointForUpdate(tx, input.endpointId);
    if (!ep) throw notFound('That webhook endpoint');
    let events: { eventId: string; cursor: string }[];
    if (input.by === 'event') {
      events = await webhooksRepo.eventsForReplay(tx, { eventId: input.eventId });
      if (events.length === 0) throw notFound('That event');
    } else {
      const from = BigInt(input.fromCursor);
      const to = BigInt(input.toCursor);
      if (to < from) throw new DomainError('BAD_REQUEST', { key: 'staff.webhookRangeReversed', values: {} });
      if (to - from >= BigInt(WEBHOOK_REPLAY_MAX))
        throw new DomainError('BAD_REQUEST', {
          key: 'staff.webhookReplayMax',
          values: { max: String(WEBHOOK_REPLAY_MAX) },
        });
      events = await webhooksRepo.eventsForReplay(tx, { from, to, types: ep.eventTypes, limit: WEBHOOK_REPLAY_MAX });
    }
    await webhooksRepo.insertReplays(
      tx,
      ep.id,
      events.map((e) => e.eventId),
      actor.userId,
      now,
    );
    await audit({ ...ctx, tx }, 'webhook.replayed', ep.id, {
      url: ep.url,
      ...(input.by === 'event'
        ? { eventId: input.eventId }
        : { fromCursor: input.fromCursor, toCursor: input.toCursor }),
      queued: events.length,
    });
    return { queued: events.length };
  });
}

export async function list(ctx: ServiceContext) {
  const { actor } = ctx;
  requireInternal(actor);
  return { endpoints: await ctx.db.read(ctx.scope, (tx) => webhooksRepo.listEndpoints(tx)) };
}

export async function deliveries(ctx: ServiceContext, input: z.output<typeof webhookDeliveriesInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  return ctx.db.read(ctx.scope, async (tx) => {
    const ep = await webhooksRepo.getEndpoints(tx, [input.endpointId]);
    if (ep.length === 0) throw notFound('That webhook endpoint');
    const items = await webhooksRepo.listDeliveries(tx, {
      endpointId: input.endpointId,
      state: input.state,
      before: input.before === undefined ? undefined : BigInt(input.before),
      limit: input.limit,
    });
    return { items, nextBefore: items.length === input.limit ? (items.at(-1)?.id ?? null) : null };
  });
}
