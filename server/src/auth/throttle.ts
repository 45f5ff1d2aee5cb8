import { createHash } from 'node:crypto';
import { clearThrottleKeys, createLimiter, type Database, type Limiter, RateLimiterRes } from '@gatehouse/db';

/**
 * Sign-in throttling on every axis, in PostgreSQL (shared by all instances, survives restarts):
 *  - per account + IP: consecutive failures; past the limit the pair is blocked with exponential backoff
 *    (base x 2^(lockouts - 1), capped), and each further lockout within a day doubles it;
 *  - per IP: failures from one address whatever the account (unknown addresses count: password spraying);
 *  - per account from all IPs: at most `accountFailures` a day (NIST SP 800-63B: no more than 100), then
 *    the account is locked for the rest of that day.
 * Every attempt consumes its points *before* the password is checked, atomically, so concurrent attempts
 * cannot slip past a limit; a successful sign-in gives its points back. The second factor will get its own
 * counters, so password guessing can never lock a user out of the code step or the other way round.
 */
export interface ThrottlePolicy {
  consecutivePerAccountIp: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  failuresPerIpPerHour: number;
  failuresPerAccountPerDay: number;
  codeAttemptsPer15Minutes: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  consecutivePerAccountIp: 5,
  backoffBaseSeconds: 30,
  backoffMaxSeconds: 3600,
  failuresPerIpPerHour: 100,
  failuresPerAccountPerDay: 100,
  codeAttemptsPer15Minutes: 10,
};

export type ThrottleVerdict =
  | { ok: true }
  /** Too many failures from this IP: the answer may say so (it reveals nothing about any account). */
  | { ok: false; reason: 'ip'; retryAfterSeconds: number }
  /**
   * The account (or account + IP) is blocked: the answer must look exactly like a wrong password.
   * `justLocked`: this attempt is the one that locked the account for the day (tell the user, once).
   */
  | { ok: false; reason: 'account'; retryAfterSeconds: number; justLocked: boolean }
  | { ok: false; reason: 'account-ip'; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Counts one attempt on every axis; tells whether it may be checked at all. */
  attempt(email: string, ip: string): Promise<ThrottleVerdict>;
  /** After a failed check: blocks the account + IP pair with backoff once it has failed too often. */
  failed(email: string, ip: string): Promise<{ lockedForSeconds: number } | null>;
  /** After a successful sign-in: the attempt was not a failure. */
  succeeded(email: string, ip: string): Promise<void>;
  /** Second-factor codes: a counter of their own per user, so neither step can lock the other out. */
  codeAttempt(userId: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
  codeSucceeded(userId: string): Promise<void>;
  /** An admin lifts every block on an account: per account, every account + IP pair, its code counter. */
  unlock(email: string, userId: string): Promise<number>;
  /** Password-reset requests: a few per address and per IP an hour, so the outbox cannot be used to flood. */
  resetAllowed(email: string, ip: string): Promise<boolean>;
  /** Public checks of a link's token (is this reset link still good?): per IP, so none can be used to guess. */
  tokenCheck(ip: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
}

/** Token checks per IP and hour: far above what opening one's own links takes, far below guessing. */
export const TOKEN_CHECKS_PER_IP_PER_HOUR = 60;

const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);
const retryAfter = (res: unknown) =>
  res instanceof RateLimiterRes ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 60;

export function createLoginThrottle(database: Database, policy: ThrottlePolicy = DEFAULT_THROTTLE): LoginThrottle {
  const accountIp: Limiter = createLimiter(database, {
    keyPrefix: 'login:acct-ip',
    points: policy.consecutivePerAccountIp,
    durationSeconds: 24 * 3600,
  });
  const lockouts: Limiter = createLimiter(database, {
    keyPrefix: 'login:lockouts',
    points: 1_000,
    durationSeconds: 24 * 3600,
  });
  const perIp: Limiter = createLimiter(database, {
    keyPrefix: 'login:ip',
    points: policy.failuresPerIpPerHour,
    durationSeconds: 3600,
  });
  const perAccount: Limiter = createLimiter(database, {
    keyPrefix: 'login:acct',
    points: policy.failuresPerAccountPerDay,
    durationSeconds: 24 * 3600,
  });
  const codes: Limiter = createLimiter(database, {
    keyPrefix: 'mfa:user',
    points: policy.codeAttemptsPer15Minutes,
    durationSeconds: 900,
  });
  const resetsByEmail: Limiter = createLimiter(database, {
    keyPrefix: 'reset:email',
    points: 3,
    durationSeconds: 3600,
  });
  const resetsByIp: Limiter = createLimiter(database, { keyPrefix: 'reset:ip', points: 20, durationSeconds: 3600 });
  const tokenChecks: Limiter = createLimiter(database, {
    keyPrefix: 'token:ip',
    points: TOKEN_CHECKS_PER_IP_PER_HOUR,
    durationSeconds: 3600,
  });
  const keys = (email: string, ip: string) => ({ account: hash(email), pair: `${hash(email)}:${ip}`, ip });

  async function take(limiter: Limiter, key: string): Promise<RateLimiterRes | null> {
    try {
      await limiter.consume(key, 1);
      return null;
    } catch (e) {
      if (e instanceof RateLimiterRes) return e;
      throw e; // the database: the caller fails closed
    }
  }

  return {
    async attempt(email, ip) {
      const k = keys(email, ip);
      // All three counted for every attempt, whatever the first refusal, so each axis sees everything.
      const [byIp, byAccount, byPair] = await Promise.all([
        take(perIp, k.ip),
        take(perAccount, k.account),
        take(accountIp, k.pair),
      ]);
      if (byIp) return { ok: false, reason: 'ip', retryAfterSeconds: retryAfter(byIp) };
      if (byAccount) {
        const justLocked = byAccount.consumedPoints === policy.failuresPerAccountPerDay + 1;
        return { ok: false, reason: 'account', retryAfterSeconds: retryAfter(byAccount), justLocked };
      }
      if (byPair) return { ok: false, reason: 'account-ip', retryAfterSeconds: retryAfter(byPair) };
      return { ok: true };
    },
    async failed(email, ip) {
      const k = keys(email, ip);
      const pair = await accountIp.get(k.pair);
      if (!pair || pair.consumedPoints < policy.consecutivePerAccountIp) return null;
      const count = (await lockouts.consume(k.pair, 1)).consumedPoints;
      const seconds = Math.min(policy.backoffBaseSeconds * 2 ** (count - 1), policy.backoffMaxSeconds);
      await accountIp.block(k.pair, seconds);
      return { lockedForSeconds: seconds };
    },
    async codeAttempt(userId) {
      const refused = await take(codes, userId);
      return refused ? { ok: false, retryAfterSeconds: retryAfter(refused) } : { ok: true };
    },
    async resetAllowed(email, ip) {
      const [byEmail, byIp] = await Promise.all([take(resetsByEmail, hash(email)), take(resetsByIp, ip)]);
      return !byEmail && !byIp;
    },
    async tokenCheck(ip) {
      const refused = await take(tokenChecks, ip);
      return refused ? { ok: false, retryAfterSeconds: retryAfter(refused) } : { ok: true };
    },
    async unlock(email, userId) {
      const account = hash(email);
      return clearThrottleKeys(
        database,
        [`login:acct:${account}`, `mfa:user:${userId}`],
        [`login:acct-ip:${account}:`, `login:lockouts:${account}:`],
      );
    },
    async codeSucceeded(userId) {
      await codes.delete(userId);
    },
    async succeeded(email, ip) {
      const k = keys(email, ip);
      await Promise.all([accountIp.delete(k.pair), perIp.reward(k.ip, 1), perAccount.reward(k.account, 1)]);
    },
  };
}
