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

/** Identical for unknown user, wrong password, deactivated user and locked account. */
export const LOGIN_FAILED_MESSAGE = 'Email or password is incorrect.';

/**
 * Why a call was refused, when the SPA can do something about it. Sent as `data.reason` beside the code.
 *  - reauth-required (FORBIDDEN): a sensitive action needs the password re-entered (auth.reauthenticate).
 *  - totp-enrolment-required (FORBIDDEN): policy requires 2FA and this user has not set it up yet.
 *  - ip-not-allowed (FORBIDDEN): an IP allowlist of the user's party or role does not admit this address.
 *  - own-ip-excluded (CONFLICT): saving this allowlist would lock out the caller's own address; resend with
 *    `confirmOwnLockout: true` to save anyway.
 */
export const ERROR_REASONS = [
  'reauth-required',
  'totp-enrolment-required',
  'ip-not-allowed',
  'own-ip-excluded',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/** How long a password re-entry counts as recent for sensitive actions (OWASP ASVS: re-authenticate). */
export const REAUTH_WINDOW_MINUTES = 10;
