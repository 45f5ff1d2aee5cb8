import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_NOTIFICATION_MODE,
  NOTIFICATION_TYPE_PARTIES,
  NOTIFICATION_TYPES,
  type NotificationMode,
  type NotificationType,
  type notificationSetPreferenceInput,
  type notificationsListInput,
  SECURITY_MAIL_KINDS,
} from '@gatehouse/contract';
import { type Database, mailRepo, notificationsRepo, type Tx } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import { record as recordAudit } from '../audit/audit.ts';
import type { Clock } from '../auth/sessions.ts';
import type { Context, ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { unsubscribeKey } from '../keys.ts';
import { type MailLines, type MailText, readerOf, text, textLines } from '../mail/i18n.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * Notifications (docs/notifications.md). Every event source calls `notify` inside the transaction of its
 * change: it decides who is told (active users of the event's own party in the audience, never another
 * party's), writes one in-app notification per recipient and, per that recipient's choice for the event
 * type, queues a mail now (with a one-click unsubscribe link, RFC 8058), leaves it for the daily digest, or
 * mails nothing. Security mail (lockouts, new networks, 2FA, resets) never comes through here: it is sent
 * by its own code, always, and the preferences refuse its names.
 */

export type Audience = notificationsRepo.Audience;

/** What notify needs of the server (a job has no request context). */
export interface NotifyEnv {
  config: { publicOrigin: string; secret: Buffer };
  clock: Clock;
}

export interface NotificationEvent {
  type: NotificationType;
  /** The party whose users are told: the recipients' own party, or 'staff' for the buyer's operators. */
  partyId: string | 'staff';
  to: Audience;
  /** A path inside the portal (`/purchase-orders/<id>`). */
  link?: string;
  /** The mail outbox kind (kept from before notifications, so operators' mail filters still match). */
  mailKind: string;
  /** Someone not to tell (the author of a message). */
  exceptUserId?: string;
  /**
   * The notification's title (the mail's subject) and its text of a few lines (the mail's body), from the
   * server's catalogue (mail/i18n.ts): written for each recipient in their own language and time zone.
   */
  text: { title: MailText; body: MailText | MailLines };
}

// ---- one-click unsubscribe tokens: HMAC-signed "user, party, type", no session needed

const sign = (secret: Buffer, payload: string) =>
  createHmac('sha256', unsubscribeKey(secret)).update(payload).digest('base64url');

export function unsubscribeToken(secret: Buffer, c: { u: string; p: string; t: string }) {
  const payload = Buffer.from(JSON.stringify(c)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

function verifyToken(secret: Buffer, token: string): { u: string; p: string; t: NotificationType } | null {
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length > 0 || token.length > 600) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      u?: unknown;
      p?: unknown;
      t?: unknown;
    };
    if (typeof c.u !== 'string' || typeof c.p !== 'string' || typeof c.t !== 'string') return null;
    if (!(c.t in NOTIFICATION_TYPES)) return null;
    return { u: c.u, p: c.p, t: c.t as NotificationType };
  } catch {
    return null;
  }
}

export const unsubscribeUrl = (env: NotifyEnv, c: { u: string; p: string; t: string }) =>
  `${env.config.publicOrigin}/unsubscribe/${unsubscribeToken(env.config.secret, c)}`;

/**
 * The one verb every event source calls, inside its own transaction (so a notification exists only if the
 * change committed). Answers how many people were told.
 */
export async function notify(env: NotifyEnv, tx: Tx, e: NotificationEvent): Promise<number> {
  const now = new Date(env.clock.now());
  const people = (await notificationsRepo.recipients(tx, e.partyId, e.type, e.to)).filter(
    (p) => p.userId !== e.exceptUserId,
  );
  for (const p of people) {
    const mode: NotificationMode = p.mode ?? DEFAULT_NOTIFICATION_MODE;
    const reader = readerOf(p);
    const title = text(reader, e.text.title);
    const body = textLines(reader, e.text.body);
    await notificationsRepo.insert(tx, {
      partyId: p.partyId,
      userId: p.userId,
      type: e.type,
      title,
      body,
      link: e.link ?? null,
      createdAt: now,
      mail: mode,
    });
    if (mode !== 'immediate') continue;
    const url = unsubscribeUrl(env, { u: p.userId, p: p.partyId, t: e.type });
    await mailRepo.enqueue(tx, {
      to: p.email,
      kind: e.mailKind,
      subject: title,
      bodyText: [
        body,
        ...(e.link
          ? ['', text(reader, { key: 'notify.open', values: { url: `${env.config.publicOrigin}${e.link}` } })]
          : []),
        '',
        '--',
        text(reader, { key: 'notify.footer', values: { type: { text: `type.${e.type}` }, url } }),
      ].join('\n'),
      headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  }
  return people.length;
}

/** For an event a party caused that staff must hear of: notify in a system-scope transaction of its own. */
export async function notifyAsSystem(db: Database, env: NotifyEnv, e: NotificationEvent) {
  return db.tx(SYSTEM_SCOPE, (tx) => notify(env, tx, e));
}

// ---- the notification centre

export async function list(ctx: ServiceContext, q: z.output<typeof notificationsListInput>) {
  const { actor } = ctx;
  return ctx.db.read(ctx.scope, (tx) => notificationsRepo.list(tx, actor.userId, q));
}

export async function unread(ctx: ServiceContext) {
  const { actor } = ctx;
  return { unread: await ctx.db.read(ctx.scope, (tx) => notificationsRepo.unreadCount(tx, actor.userId)) };
}

/** Marks the caller's own notifications read (others' ids simply match nothing); audited. */
export async function markRead(ctx: ServiceContext, ids?: string[]) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  return ctx.db.tx(ctx.scope, async (tx) => {
    const marked = await notificationsRepo.markRead(tx, actor.userId, now, ids);
    await recordAudit(tx, ctx, {
      action: 'notification.read',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'user',
      entityId: actor.userId,
      details: { marked, all: ids === undefined },
    });
    return { marked };
  });
}

// ---- preferences

export async function preferences(ctx: ServiceContext) {
  const { actor } = ctx;
  const stored = await ctx.db.read(ctx.scope, (tx) => notificationsRepo.preferences(tx, actor.userId));
  const byType = new Map(stored.map((s) => [s.type, s.mode]));
  return {
    items: (Object.keys(NOTIFICATION_TYPES) as NotificationType[])
      .filter((type) => NOTIFICATION_TYPE_PARTIES[type].includes(actor.partyKind))
      .map((type) => ({
        type,
        label: NOTIFICATION_TYPES[type],
        mode: byType.get(type) ?? DEFAULT_NOTIFICATION_MODE,
      })),
    security: [
      'Account locked after failed sign-ins',
      'Sign-in from a new network',
      'Two-factor authentication turned on, off or reset',
      'Password reset',
    ],
  };
}

/** Security mail is not a preference: asking to change it is refused with a reason. */
function checkType(type: string): NotificationType {
  if ((SECURITY_MAIL_KINDS as readonly string[]).includes(type) || type.startsWith('security'))
    throw new DomainError('BAD_REQUEST', { key: 'notification.securityMail' });
  if (!(type in NOTIFICATION_TYPES)) throw new DomainError('BAD_REQUEST', { key: 'notification.noSuchType' });
  return type as NotificationType;
}

export async function setPreference(ctx: ServiceContext, input: z.output<typeof notificationSetPreferenceInput>) {
  const { actor } = ctx;
  const type = checkType(input.type);
  const now = new Date(ctx.clock.now());
  return ctx.db.tx(ctx.scope, async (tx) => {
    const before = (await notificationsRepo.preference(tx, actor.userId, type)) ?? DEFAULT_NOTIFICATION_MODE;
    await notificationsRepo.setPreference(tx, {
      partyId: actor.partyId,
      userId: actor.userId,
      type,
      mode: input.mode,
      at: now,
    });
    await recordAudit(tx, ctx, {
      action: 'notification.preference_changed',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'user',
      entityId: actor.userId,
      details: { type, before: { mode: before }, after: { mode: input.mode } },
    });
    return { ok: true as const };
  });
}

/**
 * RFC 8058 one-click unsubscribe (POST /unsubscribe/:token, no session): a valid token turns its event type
 * off for its user, audited. Using it again is harmless (still off, nothing new audited): mail clients may
 * retry. A tampered or unknown token changes nothing.
 */
export async function unsubscribe(
  app: Pick<Context, 'db' | 'clock' | 'config'>,
  meta: { ip: string; requestId: string; userAgent?: string },
  token: string,
): Promise<'unsubscribed' | 'already' | 'invalid'> {
  const c = verifyToken(app.config.secret, token);
  if (!c) return 'invalid';
  const now = new Date(app.clock.now());
  return app.db.tx({ kind: 'party', partyId: c.p }, async (tx) => {
    const before = await notificationsRepo.preference(tx, c.u, c.t);
    if (before === 'off') return 'already';
    const known = await notificationsRepo.recipients(tx, c.p, c.t, { userIds: [c.u] });
    if (known.length === 0) return 'invalid';
    await notificationsRepo.setPreference(tx, { partyId: c.p, userId: c.u, type: c.t, mode: 'off', at: now });
    await audit.record(
      tx,
      audit.fromRequest({ requestId: meta.requestId, ip: meta.ip, userAgent: meta.userAgent }, c.u),
      {
        action: 'notification.unsubscribed',
        outcome: 'success',
        partyId: c.p,
        entityType: 'user',
        entityId: c.u,
        details: {
          type: c.t,
          before: { mode: before ?? DEFAULT_NOTIFICATION_MODE },
          after: { mode: 'off' },
          via: 'one-click',
        },
      },
    );
    return 'unsubscribed';
  });
}

// ---- the daily digest (jobs/registry.ts: once per day, claimed across instances)

/**
 * Mails each user one digest of their notifications waiting for it (preference "digest") created before
 * now, in their language, once per local day from `hour` o'clock in their own time zone (UTC without a
 * stored one); marks them digested in the same transaction. Answers how many digests were queued.
 */
export async function sendDigests(db: Database, env: NotifyEnv, hour = 0): Promise<number> {
  const now = new Date(env.clock.now());
  let mails = 0;
  for (;;) {
    const n = await db.tx(SYSTEM_SCOPE, async (tx) => {
      const due = await notificationsRepo.digestDue(tx, now, hour, 500);
      const byUser = new Map<string, typeof due>();
      for (const r of due) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
      for (const rows of byUser.values()) {
        const first = rows[0];
        if (!first) continue;
        const reader = readerOf(first);
        await mailRepo.enqueue(tx, {
          to: first.email,
          kind: 'notification-digest',
          subject: text(reader, { key: 'digest.subject', values: { count: rows.length } }),
          bodyText: [
            text(reader, { key: 'digest.intro' }),
            '',
            ...rows.flatMap((r) => [
              `- ${r.title} (${text(reader, { key: 'notify.sent', values: { time: { instant: r.createdAt } } })})`,
              ...(r.link ? [`  ${env.config.publicOrigin}${r.link}`] : []),
            ]),
            '',
            '--',
            text(reader, { key: 'digest.footer' }),
          ].join('\n'),
        });
        mails += 1;
      }
      await notificationsRepo.markDigested(
        tx,
        due.map((r) => r.id),
        now,
      );
      return due.length;
    });
    if (n < 500) break;
  }
  return mails;
}
