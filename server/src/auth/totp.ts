import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';

/** RFC 6238 with the common authenticator settings: SHA-1, 6 digits, 30 s steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

/**
 * The time step a code belongs to, checking the current step and one either side (clock drift), or null.
 * Returning the step (not just yes/no) is what lets the caller refuse a replay of the same step.
 */
export function matchingStep(key: Uint8Array, code: string, nowMs: number): number | null {
  const current = Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
  for (const step of [current, current - 1, current + 1]) {
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step;
  }
  return null;
}

export function totpUri(accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI('Gatehouse', accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}
