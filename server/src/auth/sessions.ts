import { type Locale, type Permission, pickLocale } from '@gatehouse/contract';
import { type Database, sessionsRepo, type TenantScope, type Tx } from '@gatehouse/db';
import { type EffectivePolicy, effectivePolicy } from './policy.ts';
import type { SessionCache, SessionRow } from './session-cache.ts';
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

/**
 * The actor behind a token, or null for anything not a live session of an active user and party.
 *
 * With a cache (docs/security.md, "Session cache") a cached row saves the database round trip, but only a
 * positive verdict is taken from it: the secret, the expiries (computed from the clock now) and the statuses
 * all pass. Anything else (wrong secret, expired, suspended, or a sliding-expiry write that finds the session
 * gone) is decided again from a fresh database read, so a stale row can neither refuse a session another
 * instance kept alive nor delete it.
 */
export async function validateSession(
  db: Database,
  clock: Clock,
  policy: SessionPolicy,
  token: string,
  cache?: SessionCache | null,
): Promise<Actor | null> {
  const parsed = parseSplitToken(token);
  if (!parsed) return null;
  const { id, secret } = parsed;
  const cached = cache?.lookup(id);
  if (cache && cached) {
    const live = await verdict(db, clock, policy, id, secret, cached, cache);
    if (live) return live.actor;
    cache.drop(id);
  }
  const ticket = cache?.ticket() ?? 0;
  const s = await db.readOne(SYSTEM, (tx) => sessionsRepo.getWithUser(tx, id));
  if (!s) return null;
  const live = await verdict(db, clock, policy, id, secret, s, null);
  if (live && cache) cache.store(id, live.row, ticket);
  return live?.actor ?? null;
}

/**
 * The actor of a session row, or null. `cache` is set when the row came from it: then nothing is deleted and
 * null only means "ask the database"; a row from the database is authoritative (an expired one is deleted).
 */
async function verdict(
  db: Database,
  clock: Clock,
  policy: SessionPolicy,
  id: string,
  secret: string,
  s: SessionRow,
  cache: SessionCache | null,
): Promise<{ actor: Actor; row: SessionRow } | null> {
  if (!secretMatches(secret, s.secretHash)) return null;
  const now = clock.now();
  const scope: TenantScope = { kind: 'party', partyId: s.partyId };
  // The stored expiries, or sooner if the policy was tightened since the session began.
  const effective = effectivePolicy(policy, s);
  const absoluteAt = Math.min(s.absoluteExpiresAt.getTime(), s.createdAt.getTime() + effective.absoluteMs);
  const idleAt = Math.min(s.idleExpiresAt.getTime(), s.lastSeenAt.getTime() + effective.idleMs);
  if (now >= absoluteAt || now >= idleAt) {
    if (!cache) await db.tx(scope, (tx) => sessionsRepo.remove(tx, id));
    return null;
  }
  if (s.userStatus !== 'active' || s.partyStatus !== 'active') return null;
  let row = s;
  // Sliding idle expiry, written at most once a minute per session: most requests only read.
  if (now - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const lastSeenAt = new Date(now);
    const idleExpiresAt = new Date(Math.min(now + effective.idleMs, absoluteAt));
    // Not there any more: ended since it was read (here or on another instance).
    if (!(await db.tx(scope, (tx) => sessionsRepo.touch(tx, id, idleExpiresAt, lastSeenAt)))) return null;
    row = { ...s, lastSeenAt, idleExpiresAt };
    cache?.touched(id, lastSeenAt, idleExpiresAt);
  }
  const actor: Actor = {
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
  return { actor, row };
}
