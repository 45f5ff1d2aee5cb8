import type { ErrorReason } from '@gatehouse/contract';
import { BadCursor, DatabaseUnavailable, EmbeddedStartError, MigrationError } from '@gatehouse/db';
import { TRPCError } from '@trpc/server';

/** Domain errors thrown by services. Mapped to tRPC codes in exactly one place (toTRPCError). */
export class DomainError extends Error {
  constructor(
    public readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'BAD_REQUEST' | 'CONFLICT' | 'TOO_MANY_REQUESTS',
    message: string,
    /** What the SPA can do about it (sent as `data.reason`), see ERROR_REASONS. */
    public readonly reason?: ErrorReason,
    /** The input field it is about (a zod-style path): worded and sent as `data.issues` like a validation error. */
    public readonly field?: readonly (string | number)[],
  ) {
    super(message);
  }
}
/** A service's own check of one input field refused it: "IBAN: That IBAN is not valid", never `bankDetails.iban`. */
export const invalidField = (field: readonly (string | number)[], message: string) =>
  new DomainError('BAD_REQUEST', message, undefined, field);
export const notFound = (what = 'That item') => new DomainError('NOT_FOUND', `${what} was not found.`);
export const ipNotAllowed = (ip: string) =>
  new DomainError(
    'FORBIDDEN',
    `Your organisation does not allow access from your current network (${ip}).`,
    'ip-not-allowed',
  );

/** PostgreSQL or the network is down: 503, and the server keeps running. */
export class ServiceUnavailable extends Error {}

/** Seconds a 503 tells the client to wait (Retry-After) before it tries again. */
export const RETRY_AFTER_SECONDS = 5;

const CONNECTION_CODES = new Set([
  'ACQUIRE_TIMEOUT', // DatabaseUnavailable: no pooled connection within DB_ACQUIRE_TIMEOUT_MS
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02',
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

/**
 * A lost or unreachable database, also when another layer wrapped the driver's error as its `cause`
 * (Drizzle's query error, the sign-in throttle's store): the whole cause chain is looked at.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 10; depth++) {
    if (e instanceof ServiceUnavailable || e instanceof DatabaseUnavailable) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A unique index refused the write (also when Drizzle wraps the driver's error as its cause). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  // The DomainError rides along as `cause` so the error formatter can send its `reason` (and nothing else).
  if (err instanceof DomainError) return new TRPCError({ code: err.code, message: err.message, cause: err });
  if (err instanceof BadCursor)
    return new TRPCError({ code: 'BAD_REQUEST', message: 'That page link is not valid; start from the first page.' });
  // A unique constraint lost to a concurrent request (two invitations of one address at once).
  if (isUniqueViolation(err))
    return new TRPCError({
      code: 'CONFLICT',
      message: 'That already exists (it was just created by another request).',
    });
  // Two transactions that met head-on (deadlock, serialization failure): one lost; trying again works.
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (err as { cause?: { code?: unknown } })?.cause?.code;
  if (code === '40P01' || code === '40001')
    return new TRPCError({ code: 'CONFLICT', message: 'Someone changed this at the same moment; please try again.' });
  if (isDatabaseUnavailable(err)) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable. Please try again shortly.',
    });
  }
  // Unknown: generic message out, cause kept for the log only.
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side.', cause: err });
}

export { EmbeddedStartError, MigrationError };

/** The input field of an error on its way out, if a DomainError named one (invalidField). */
export function fieldOf(err: unknown): readonly (string | number)[] | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof DomainError ? cause.field : undefined;
}

/** The `data.reason` of an error on its way out, if a DomainError gave one. */
export function reasonOf(err: unknown): ErrorReason | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof DomainError ? cause.reason : undefined;
}
