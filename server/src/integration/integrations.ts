import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  INTEGRATION_KEY_OVERLAP_DAYS,
  type IntegrationScope,
  type integrationKeyCreateInput,
  type integrationKeyRotateInput,
  type integrationSetSuspendInactiveInput,
  normaliseIp,
} from '@gatehouse/contract';
import { integrationsRepo } from '@gatehouse/db';
import type { z } from 'zod';
import { raiseAlert } from '../audit/alerts.ts';
import * as auditLog from '../audit/audit.ts';
import { record as recordAudit } from '../audit/audit.ts';
import { listAdmits } from '../auth/policy.ts';
import type { Actor } from '../auth/sessions.ts';
import type { AppServices, ServiceContext, TxContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { deriveKey } from '../keys.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * Integration keys: the credentials of non-human principals (an ERP). A token is `ghk_<id>_<secret>`:
 * a 12-character public id (greppable, shown in lists and the audit trail) and 32 random bytes. Only
 * HMAC-SHA256 of the secret under a key derived from GATEHOUSE_SECRET is stored: 256 random bits need no
 * slow hash, and a copy of the database alone cannot test guesses. Keys are accepted on /api/v1 only.
 */
const TOKEN = /^ghk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const DAY = 24 * 3600_000;

export const keySecretHmacKey = (secret: Buffer) => deriveKey(secret, 'integration-key-v1');
const hmac = (app: Pick<AppServices, 'config'>, secret: string) =>
  createHmac('sha256', keySecretHmacKey(app.config.secret)).update(secret).digest();

function newKeyId(): string {
  // 12 characters of a 36-letter alphabet (~62 bits): unique enough for an id, and never a secret.
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

function mint(app: Pick<AppServices, 'config'>) {
  const id = newKeyId();
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `ghk_${id}_${secret}`, secretHmac: hmac(app, secret) };
}

function requireInternal(actor: Actor) {
  // integrations:manage exists only in internal roles (the catalogue), but the party kind is checked too:
  // keys act for the whole installation, so no customer or supplier may ever hold one.
  if (actor.partyKind !== 'internal')
    throw new DomainError('FORBIDDEN', { key: 'staff.integrationsStaffOnly', values: {} });
}

export async function createKey(ctx: ServiceContext, input: z.output<typeof integrationKeyCreateInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  const now = new Date(ctx.clock.now());
  const key = mint(ctx);
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY);
  await ctx.db.tx(ctx.scope, async (tx) => {
    const integration = await integrationsRepo.findOrCreateIntegration(tx, input.integrationName, actor.userId);
    if (integration.created)
      await audit({ ...ctx, tx }, 'integration.created', integration.id, { name: input.integrationName });
    await integrationsRepo.insertKey(tx, {
      id: key.id,
      integrationId: integration.id,
      secretHmac: key.secretHmac,
      scopes: input.scopes,
      ipAllowlist: input.ipAllowlist,
      requestsPerMinute: input.requestsPerMinute,
      rowsPerMinute: input.rowsPerMinute,
      expiresAt,
      createdBy: actor.userId,
      createdAt: now,
    });
    await audit({ ...ctx, tx }, 'integration_key.created', key.id, {
      integration: input.integrationName,
      scopes: input.scopes,
      ipAllowlist: input.ipAllowlist,
      requestsPerMinute: input.requestsPerMinute,
      rowsPerMinute: input.rowsPerMinute,
      expiresAt: expiresAt.toISOString(),
    });
  });
  return { keyId: key.id, token: key.token, expiresAt };
}

/**
 * A new key with the same integration, scopes, networks and budget; the old one keeps working for the
 * overlap (at most 7 days, never past its own expiry), so the ERP side can switch without downtime.
 */
export async function rotateKey(ctx: ServiceContext, input: z.output<typeof integrationKeyRotateInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  const now = new Date(ctx.clock.now());
  const key = mint(ctx);
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY);
  const overlapUntil = new Date(now.getTime() + Math.min(input.overlapDays, INTEGRATION_KEY_OVERLAP_DAYS) * DAY);
  await ctx.db.tx(ctx.scope, async (tx) => {
    const old = await integrationsRepo.getKeyForUpdate(tx, input.keyId);
    if (!old) throw notFound('That key');
    if (old.revokedAt || old.expiresAt <= now)
      throw new DomainError('CONFLICT', { key: 'staff.apiKeyRevokedOrExpired', values: {} });
    await integrationsRepo.insertKey(tx, {
      id: key.id,
      integrationId: old.integrationId,
      secretHmac: key.secretHmac,
      scopes: old.scopes,
      ipAllowlist: old.ipAllowlist,
      requestsPerMinute: old.requestsPerMinute,
      rowsPerMinute: old.rowsPerMinute,
      expiresAt,
      createdBy: actor.userId,
      createdAt: now,
      replaces: old.id,
    });
    if (input.overlapDays === 0) await integrationsRepo.revokeKey(tx, old.id, actor.userId, now);
    else await integrationsRepo.expireKeyBy(tx, old.id, overlapUntil);
    await audit({ ...ctx, tx }, 'integration_key.rotated', key.id, {
      replaces: old.id,
      oldKeyValidUntil: input.overlapDays === 0 ? now.toISOString() : overlapUntil.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
  });
  return { keyId: key.id, token: key.token, expiresAt };
}

export async function revokeKey(ctx: ServiceContext, keyId: string) {
  const { actor } = ctx;
  requireInternal(actor);
  const now = new Date(ctx.clock.now());
  return ctx.db.tx(ctx.scope, async (tx) => {
    const key = await integrationsRepo.getKeyForUpdate(tx, keyId);
    if (!key) throw notFound('That key');
    if (!(await integrationsRepo.revokeKey(tx, keyId, actor.userId, now)))
      throw new DomainError('CONFLICT', { key: 'staff.apiKeyAlreadyRevoked', values: {} });
    await audit({ ...ctx, tx }, 'integration_key.revoked', keyId, {});
    return { ok: true as const };
  });
}

/**
 * Whether an ERP "inactive" customer or supplier sent by this source loses its portal access (the mirror
 * writer reads the setting). Turning it off leaves ERP-inactive accounts able to sign in, so it is a
 * sensitive change like a key's: recent password, audited with before and after (every call is, even one
 * that sets the value it already has: the entry then says so).
 */
export async function setSuspendInactive(
  ctx: ServiceContext,
  input: z.output<typeof integrationSetSuspendInactiveInput>,
) {
  const { actor } = ctx;
  requireInternal(actor);
  return ctx.db.tx(ctx.scope, async (tx) => {
    const integration = await integrationsRepo.getIntegrationForUpdate(tx, input.integrationId);
    if (!integration) throw notFound('That integration');
    await integrationsRepo.setSuspendInactive(tx, integration.id, input.suspendInactive);
    await audit({ ...ctx, tx }, 'integration.source_settings_changed', integration.id, {
      integration: integration.name,
      before: { suspendInactive: integration.suspendInactive },
      after: { suspendInactive: input.suspendInactive },
    });
    return { integrationId: integration.id, suspendInactive: input.suspendInactive };
  });
}

export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';
/** Expiring: within 14 days, when the daily job warns. */
export const EXPIRY_WARNING_DAYS = 14;
export const UNUSED_WARNING_DAYS = 30;

export function keyStatus(k: { revokedAt: Date | null; expiresAt: Date }, now: number): KeyStatus {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt.getTime() <= now) return 'expired';
  if (k.expiresAt.getTime() - now < EXPIRY_WARNING_DAYS * DAY) return 'expiring';
  return 'active';
}

export async function listKeys(ctx: ServiceContext) {
  const { actor } = ctx;
  requireInternal(actor);
  const [sources, rows] = await ctx.db.read(ctx.scope, async (tx) => [
    await integrationsRepo.listIntegrations(tx),
    await integrationsRepo.listKeys(tx),
  ]);
  const now = ctx.clock.now();
  return { integrations: sources, keys: rows.map((r) => ({ ...r, status: keyStatus(r, now) })) };
}

function audit(
  ctx: TxContext,
  action:
    | 'integration.created'
    | 'integration.source_settings_changed'
    | 'integration_key.created'
    | 'integration_key.rotated'
    | 'integration_key.revoked',
  entityId: string,
  details: Record<string, unknown>,
) {
  const { tx, actor } = ctx;
  return recordAudit(tx, ctx, {
    action,
    outcome: 'success',
    partyId: actor.partyId,
    entityType: action.startsWith('integration_key') ? 'integration_key' : 'integration',
    entityId,
    details,
  });
}

// ---- authenticating a call on /api/v1

export interface IntegrationPrincipal {
  keyId: string;
  integrationId: string;
  integrationName: string;
  scopes: ReadonlySet<string>;
  requestsPerMinute: number;
  rowsPerMinute: number;
  /** The integration's source setting: suspend the parties its ERP marks inactive. */
  suspendInactive: boolean;
}

export type KeyCheck =
  | { ok: true; principal: IntegrationPrincipal }
  /** Unknown id, wrong secret, malformed, revoked, expired, disabled: one answer for all of them. */
  | { ok: false; reason: 'unauthenticated'; keyId: string | null }
  | { ok: false; reason: 'network'; keyId: string };

/** Checks a bearer token; never says which part was wrong. The HMAC is compared even for unknown ids. */
export async function checkKey(app: AppServices, token: string, ip: string): Promise<KeyCheck> {
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, reason: 'unauthenticated', keyId: null };
  const [, id = '', secret = ''] = m;
  const row = await app.db.readOne(SYSTEM_SCOPE, (tx) => integrationsRepo.keyForAuth(tx, id));
  const presented = hmac(app, secret);
  const stored = row?.secretHmac ?? Buffer.alloc(presented.length);
  const secretOk = stored.length === presented.length && timingSafeEqual(stored, presented) && row !== null;
  const now = app.clock.now();
  if (!row || !secretOk || row.revokedAt || row.expiresAt.getTime() <= now || row.integrationStatus !== 'active')
    return { ok: false, reason: 'unauthenticated', keyId: row ? id : null };
  if (!listAdmits(row.ipAllowlist, ip)) return { ok: false, reason: 'network', keyId: id };
  const address = normaliseIp(ip);
  // Record use at most once a minute per key, or when the address changes. An address the key was never
  // used from (after its first) is audited and raises an alert; switching between known ones is not news.
  const stale = !row.lastUsedAt || now - row.lastUsedAt.getTime() >= 60_000;
  const newIp = row.seenIps.length > 0 && !row.seenIps.includes(address);
  if (stale || newIp || row.lastUsedIp !== address) {
    await app.db.tx(SYSTEM_SCOPE, async (tx) => {
      await integrationsRepo.touchKey(tx, id, new Date(now), address);
      if (newIp) {
        await auditLog.record(tx, auditLog.fromRequest({ requestId: undefined, ip: address }), {
          action: 'integration_key.used_from_new_ip',
          outcome: 'success',
          partyId: null,
          entityType: 'integration_key',
          entityId: id,
          details: { integration: row.integrationName, previousIp: row.lastUsedIp },
        });
        await raiseAlert(tx, new Date(now), {
          rule: 'integration-key-new-ip',
          severity: 'warning',
          mail: { key: 'alert.key_new_ip', values: { key: id, integration: row.integrationName } },
          text: { key: 'integration-key-new-ip', values: { key: id, integration: row.integrationName } },
          details: { key: id, ip: address, previousIp: row.lastUsedIp },
        });
      }
    });
  }
  return {
    ok: true,
    principal: {
      keyId: id,
      integrationId: row.integrationId,
      integrationName: row.integrationName,
      scopes: new Set(row.scopes),
      requestsPerMinute: row.requestsPerMinute,
      rowsPerMinute: row.rowsPerMinute,
      suspendInactive: row.suspendInactive,
    },
  };
}

export function hasScope(p: IntegrationPrincipal, scope: IntegrationScope): boolean {
  return p.scopes.has(scope);
}
