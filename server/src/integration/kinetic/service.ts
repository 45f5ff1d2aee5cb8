import { isIP } from 'node:net';
import {
  KINETIC_STREAMS,
  type kineticSaveInput,
  type kineticStreamInput,
  type kineticTestOutput,
  type kineticWritebackInput,
} from '@gatehouse/contract';
import { kineticRepo, kineticWritebackRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../../audit/audit.ts';
import { seal } from '../../auth/seal.ts';
import type { Actor } from '../../auth/sessions.ts';
import type { ServiceContext } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { integrationSealKey } from '../../keys.ts';
import { refusal } from '../webhooks/ssrf.ts';
import { KineticClient, KineticError } from './client.ts';
import { loadConnection } from './sync.ts';
import { settingsOf } from './writeback.ts';

/**
 * The Epicor Kinetic connection, for system admins (integrations:manage; every change also needs a recent
 * password and is audited, without secrets). The API key and password are sealed at rest and never sent
 * back: the screen shows only whether one is stored. Saving or a passing test clears `auth_failed`, so the
 * sync resumes.
 */
function requireInternal(actor: Actor) {
  if (actor.partyKind !== 'internal') throw new DomainError('FORBIDDEN', { key: 'staff.kineticStaffOnly', values: {} });
}

export async function status(ctx: ServiceContext) {
  const { actor } = ctx;
  requireInternal(actor);
  const now = ctx.clock.now();
  return ctx.db.read(ctx.scope, async (tx) => {
    const c = await kineticRepo.getConnection(tx);
    const streams = await kineticRepo.listStreams(tx);
    const counts = await kineticRepo.rejectCounts(tx);
    const rejects = await kineticRepo.listRejects(tx, 50);
    const wb = await settingsOf(tx);
    const wbCounts = await kineticWritebackRepo.counts(tx);
    const wbRecent = await kineticWritebackRepo.recent(tx, 25);
    return {
      writeback: {
        mode: wb.mode,
        confirmTimeoutHours: Math.round(wb.confirmTimeoutMs / 3_600_000),
        counts: {
          pending: wbCounts.pending ?? 0,
          sent: wbCounts.sent ?? 0,
          confirmed: wbCounts.confirmed ?? 0,
          dead: wbCounts.dead ?? 0,
          skipped: wbCounts.skipped ?? 0,
          overridden: wbCounts.overridden ?? 0,
        },
        recent: wbRecent.map((w) => ({
          eventId: w.eventId,
          type: w.type,
          route: w.route,
          target: w.target,
          state: w.state,
          attempts: w.attempts,
          lastError: w.lastError,
          createdAt: w.createdAt,
          sentAt: w.sentAt,
          confirmedAt: w.confirmedAt,
        })),
      },
      connection: c
        ? {
            baseUrl: c.baseUrl,
            instance: c.instance,
            company: c.company,
            authMode: c.authMode,
            username: c.username,
            hasApiKey: c.apiKeySealed !== '',
            hasPassword: c.passwordSealed !== '',
            caBundle: c.caBundle ?? '',
            allowedCidrs: c.allowedCidrs,
            settleSeconds: Math.round(c.settleMs / 1000),
            pageSize: c.pageSize,
            suspendInactive: c.suspendInactive,
            state: c.state,
            stateReason: c.stateReason,
            stateAt: c.stateAt,
            updatedAt: c.updatedAt,
          }
        : null,
      streams: KINETIC_STREAMS.map((name) => {
        const s = streams.find((x) => x.stream === name);
        return {
          stream: name,
          enabled: s?.enabled ?? true,
          mode: s?.mode ?? 'bo',
          pollSeconds: s?.pollSeconds ?? 60,
          lastRunAt: s?.lastRunAt ?? null,
          lastSuccessAt: s?.lastSuccessAt ?? null,
          lagSeconds: s?.lastSuccessAt ? Math.max(0, Math.round((now - s.lastSuccessAt.getTime()) / 1000)) : null,
          lastError: s?.lastError ?? null,
          lastRunRows: s?.lastRunRows ?? 0,
          rowsTotal: s?.rowsTotal ?? 0,
          rejects: counts[name] ?? 0,
        };
      }),
      rejects,
    };
  });
}

export async function save(ctx: ServiceContext, input: z.output<typeof kineticSaveInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  const url = new URL(input.baseUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'http:' && input.allowedCidrs.length === 0)
    throw new DomainError('BAD_REQUEST', { key: 'staff.kineticHttpsOnly', values: {} });
  if (isIP(host)) {
    const why = refusal(host, { allowedCidrs: input.allowedCidrs, plainHttp: url.protocol === 'http:' });
    if (why) throw new DomainError('BAD_REQUEST', { key: 'staff.willNotCall', values: { host, why } });
  }
  const key = integrationSealKey(ctx.config.secret);
  const now = new Date(ctx.clock.now());
  await ctx.db.tx(ctx.scope, async (tx) => {
    const prior = await kineticRepo.getConnectionForUpdate(tx);
    const apiKey = input.apiKey ? seal(key, Buffer.from(input.apiKey)) : prior?.apiKeySealed;
    const password = input.password ? seal(key, Buffer.from(input.password)) : prior?.passwordSealed;
    if (!apiKey) throw new DomainError('BAD_REQUEST', { key: 'staff.kineticApiKeyRequired', values: {} });
    if (!password) throw new DomainError('BAD_REQUEST', { key: 'staff.kineticPasswordRequired', values: {} });
    await kineticRepo.upsertConnection(tx, {
      baseUrl: input.baseUrl,
      instance: input.instance,
      company: input.company,
      authMode: input.authMode,
      username: input.username,
      apiKeySealed: apiKey,
      passwordSealed: password,
      caBundle: input.caBundle || null,
      allowedCidrs: input.allowedCidrs,
      settleMs: input.settleSeconds * 1000,
      pageSize: input.pageSize,
      suspendInactive: input.suspendInactive,
      state: 'ok',
      stateReason: null,
      stateAt: now,
      updatedBy: actor.userId,
      updatedAt: now,
    });
    await kineticRepo.ensureStreams(tx, KINETIC_STREAMS);
    await audit.record(tx, ctx, {
      action: 'kinetic.connection_saved',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'kinetic_connection',
      entityId: kineticRepo.CONNECTION_ID,
      details: {
        baseUrl: input.baseUrl,
        instance: input.instance,
        company: input.company,
        authMode: input.authMode,
        username: input.username,
        apiKeyChanged: Boolean(input.apiKey),
        passwordChanged: Boolean(input.password),
        caBundle: Boolean(input.caBundle),
        allowedCidrs: input.allowedCidrs,
        wasAuthFailed: prior?.state === 'auth_failed',
      },
    });
  });
  return { ok: true as const };
}

export async function setStream(ctx: ServiceContext, input: z.output<typeof kineticStreamInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  await ctx.db.tx(ctx.scope, async (tx) => {
    if (!(await kineticRepo.getConnection(tx)))
      throw new DomainError('BAD_REQUEST', { key: 'staff.kineticSaveBeforeStreams', values: {} });
    await kineticRepo.ensureStreams(tx, KINETIC_STREAMS);
    const before = await kineticRepo.streamForUpdate(tx, input.stream);
    await kineticRepo.updateStream(tx, input.stream, {
      enabled: input.enabled,
      mode: input.mode,
      pollSeconds: input.pollSeconds,
    });
    await audit.record(tx, ctx, {
      action: 'kinetic.stream_changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'kinetic_stream',
      entityId: input.stream,
      details: {
        before: before ? { enabled: before.enabled, mode: before.mode, pollSeconds: before.pollSeconds } : null,
        after: { enabled: input.enabled, mode: input.mode, pollSeconds: input.pollSeconds },
      },
    });
  });
  return { ok: true as const };
}

/**
 * Write-back into Kinetic (docs/kinetic.md): off, the Gatehouse function library, or the UD queue, and how
 * long a sent write-back may wait for its echo before an alert. Switching it on starts at the newest
 * outbox event: decisions made while it was off are not written afterwards.
 */
export async function setWriteback(ctx: ServiceContext, input: z.output<typeof kineticWritebackInput>) {
  const { actor } = ctx;
  requireInternal(actor);
  await ctx.db.tx(ctx.scope, async (tx) => {
    if (!(await kineticRepo.getConnection(tx)))
      throw new DomainError('BAD_REQUEST', { key: 'staff.kineticSaveBeforeWriteBack', values: {} });
    const confirmTimeoutMs = input.confirmTimeoutHours * 3_600_000;
    const before = await kineticWritebackRepo.saveSettings(tx, { mode: input.mode, confirmTimeoutMs });
    await audit.record(tx, ctx, {
      action: 'kinetic.writeback_changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'kinetic_connection',
      entityId: kineticRepo.CONNECTION_ID,
      details: {
        before: before
          ? { mode: before.mode, confirmTimeoutHours: Math.round(before.confirmTimeoutMs / 3_600_000) }
          : null,
        after: { mode: input.mode, confirmTimeoutHours: input.confirmTimeoutHours },
      },
    });
  });
  return { ok: true as const };
}

const OUTCOME_OF: Record<string, z.infer<typeof kineticTestOutput>['outcome']> = {
  dns: 'dns_tls',
  tls: 'dns_tls',
  auth: 'auth',
  scope: 'scope',
  not_found: 'not_found',
};

/**
 * Calls Kinetic once with the saved settings (one read of one customer key) and says which of the failure
 * modes it met: DNS or TLS, authentication (API key or credentials), licence or access scope, not found
 * (instance, company or service), or unreachable. No retries: the admin is waiting.
 */
export async function test(ctx: ServiceContext): Promise<z.infer<typeof kineticTestOutput>> {
  const { actor } = ctx;
  requireInternal(actor);
  // Read on the app pool (the sync pool may not be configured on this instance).
  const loaded = await loadConnection(ctx.db, ctx.config.secret);
  if (!loaded) throw new DomainError('BAD_REQUEST', { key: 'staff.kineticSaveFirst', values: {} });
  const client = new KineticClient(loaded.settings, { maxTries: 1, timeoutMs: 15_000 });
  let result: z.infer<typeof kineticTestOutput>;
  try {
    await client.page(client.odataUrl('Erp.BO.CustomerSvc/Customers', { $select: 'CustNum', $top: '1' }));
    result = { outcome: 'ok', message: `Connected to ${loaded.settings.company} as ${loaded.settings.username}.` };
  } catch (e) {
    if (!(e instanceof KineticError)) throw e;
    result = { outcome: OUTCOME_OF[e.kind] ?? 'unreachable', message: e.message.slice(0, 500) };
  }
  const now = new Date(ctx.clock.now());
  await ctx.db.tx(ctx.scope, async (tx) => {
    const c = await kineticRepo.getConnectionForUpdate(tx);
    if (result.outcome === 'ok' && c?.state !== 'ok') await kineticRepo.setConnectionState(tx, 'ok', null, now);
    if (result.outcome === 'auth' && c?.state !== 'auth_failed')
      await kineticRepo.setConnectionState(tx, 'auth_failed', result.message, now);
    await audit.record(tx, ctx, {
      action: 'kinetic.connection_tested',
      outcome: result.outcome === 'ok' ? 'success' : 'failure',
      partyId: actor.partyId,
      entityType: 'kinetic_connection',
      entityId: kineticRepo.CONNECTION_ID,
      details: { outcome: result.outcome, message: result.message },
    });
  });
  return result;
}
