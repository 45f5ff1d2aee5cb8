/**
 * Domain error codes. The server maps each to one tRPC code in one place; the SPA shows `message`.
 * Cross-tenant ids are NOT_FOUND, never FORBIDDEN, so an id's existence in another party never leaks.
 */
export const ERROR_CODES = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  BAD_REQUEST: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Identical for unknown user, wrong password, deactivated user and locked account. */
export const LOGIN_FAILED_MESSAGE = 'Email or password is incorrect.';
