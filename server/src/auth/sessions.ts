import { type Locale, type Permission, pickLocale } from '@gatehouse/contract';
import { type Database, sessionsRepo, type TenantScope, type Tx } from '@gatehouse/db';
import { type EffectivePolicy, effectivePolicy } from './policy.ts';
import { mintSplitToken, parseSplitToken, secretMatches } from './tokens.ts';

/**
 * Sessions after Lucia's current guide. The cookie carries `<id>.<secret>`; the database keeps the id
 * and SHA-256 of the secret, compared in constant time, so a stolen database row is not a session.
 * Idle expiry slides (extended at most once per minute), the absolute expiry never moves.
 */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export interface Actor {
  sessionId: string;
  userId: string;
  email: string;
  displayName: string;
  partyId: string;
  partyName: string;
  partyKind: 'internal' | 'customer' | 'supplier';
  roles: string[];
  permissions: ReadonlySet<Permission>;
  /** The user's effective security policy (global, roles and party combined), read with the session. */
  policy: EffectivePolicy;
  totpOn: boolean;
  /** Policy requires a second factor that the user has not set up: only enrolment works until it is. */
  mustEnrolTotp: boolean;
  /** When the password was last proven in this session (ms): sign-in or re-authentication. */
  recentAuthAt: number;
  /** The user's language and time zone; null until first set (docs/i18n.md). */
  preferences: { locale: Locale; timeZone: string } | null;
}

const SYSTEM: TenantScope = { kind: 'all', reason: 'system' };
const TOUCH_EVERY_MS = 60_000;

/**
 * Inserts a session inside the caller's (party-scoped) transaction. `policy` is the user's effective one;
 * it is read again on every request, so a policy tightened later applies to this session at once.
 */
export async function createSession(
  tx: Tx,
  clock: Clock,
  policy: Pick<EffectivePolicy, 'idleMs' | 'absoluteMs'>,
  user: { id: string; partyId: string },
  meta: { ip: string; userAgent: string | undefined },
): Promise<{ token: string; expiresAt: Date }> {
  const { id, token, secretHash } = mintSplitToken();
  const now = clock.now();
  const idleExpiresAt = new Date(now + policy.idleMs);
  const absoluteExpiresAt = new Date(now + policy.absoluteMs);
  await sessionsRepo.insert(tx, {
    id,
    partyId: user.partyId,
    userId: user.id,
    secretHash,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    idleExpiresAt,
    absoluteExpiresAt,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    recentAuthAt: new Date(now),
  });
  return { token, expiresAt: absoluteExpiresAt };
}

/** The actor behind a token, or null for anything not a live session of an active user and party. */
export async function validateSession(
  db: Database,
  clock: Clock,
  policy: SessionPolicy,
  token: string,
): Promise<Actor | null> {
  const parsed = parseSplitToken(token);
  if (!parsed) return null;
  const { id, secret } = parsed;
  const s = await db.readOne(SYSTEM, (tx) => sessionsRepo.getWithUser(tx, id));
  if (!s || !secretMatches(secret, s.secretHash)) return null;
  const now = clock.now();
  const scope: TenantScope = { kind: 'party', partyId: s.partyId };
  // The stored expiries, or sooner if the policy was tightened since the session began.
  const effective = effectivePolicy(policy, s);
  const absoluteAt = Math.min(s.absoluteExpiresAt.getTime(), s.createdAt.getTime() + effective.absoluteMs);
  const idleAt = Math.min(s.idleExpiresAt.getTime(), s.lastSeenAt.getTime() + effective.idleMs);
  if (now >= absoluteAt || now >= idleAt) {
    await db.tx(scope, (tx) => sessionsRepo.remove(tx, id));
    return null;
  }
  if (s.userStatus !== 'active' || s.partyStatus !== 'active') return null;
  // Sliding idle expiry, written at most once a minute per session: most requests only read.
  if (now - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const idle = Math.min(now + effective.idleMs, absoluteAt);
    await db.tx(scope, (tx) => sessionsRepo.touch(tx, id, new Date(idle), new Date(now)));
  }
  return {
    sessionId: id,
    userId: s.userId,
    email: s.email,
    displayName: s.displayName,
    partyId: s.partyId,
    partyName: s.partyName,
    partyKind: s.partyKind,
    roles: s.role.keys,
    permissions: new Set(s.role.permissions.flat() as Permission[]),
    policy: effective,
    totpOn: s.totpOn,
    mustEnrolTotp: effective.requireTotp && !s.totpOn,
    recentAuthAt: s.recentAuthAt.getTime(),
    preferences: s.locale && s.timeZone ? { locale: pickLocale(s.locale), timeZone: s.timeZone } : null,
  };
}
