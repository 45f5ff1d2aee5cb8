import { usersRepo } from '@gatehouse/db';
import type { Context, ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { ownScope } from '../parties/scope.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';

/** A throttled request: 429 with Retry-After and a message that says how long to wait. */
export function tooManyAttempts(
  ctx: Context,
  what: 'auth.tooManyAttempts' | 'auth.tooManySignIns' | 'auth.tooManyCodes' | 'auth.tooManyResetLinks',
  retryAfterSeconds: number,
): DomainError {
  ctx.req.setHeader('Retry-After', String(retryAfterSeconds));
  return new DomainError('TOO_MANY_REQUESTS', { key: what, values: { minutes: Math.ceil(retryAfterSeconds / 60) } });
}

/**
 * Re-entering the password guards every sensitive change (password, 2FA); it is throttled on the same
 * counters as a sign-in, so a stolen session cannot be used to guess the password.
 */
export async function confirmPassword(ctx: ServiceContext, password: string) {
  const { actor } = ctx;
  const verdict = await ctx.throttle.attempt(actor.email, ctx.req.ip);
  if (!verdict.ok) throw tooManyAttempts(ctx, 'auth.tooManyAttempts', verdict.retryAfterSeconds);
  const stored = await ctx.db.readOne(ownScope(actor), (tx) => usersRepo.passwordHash(tx, actor.userId));
  if (!(await verifyPassword(stored ?? (await dummyPasswordHash()), password))) {
    await ctx.throttle.failed(actor.email, ctx.req.ip);
    throw new DomainError('BAD_REQUEST', { key: 'auth.currentPasswordWrong' });
  }
  await ctx.throttle.succeeded(actor.email, ctx.req.ip);
}
