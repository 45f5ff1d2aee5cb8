import { LIMITS } from './constants.ts';

/**
 * Password rules after NIST SP 800-63B: length (12 to 128), no composition rules, and nothing built
 * from who you are. Returns the rule that failed, in words, or null. Shared so the SPA says the same.
 * The server adds the bundled list of common and breached passwords (server/src/auth/password-policy.ts),
 * which stays out of the SPA bundle.
 */
export function passwordProblem(
  password: string,
  about: { email?: string; name?: string; company?: string } = {},
): string | null {
  if (password.length < LIMITS.passwordMin) return `Use at least ${LIMITS.passwordMin} characters.`;
  if (password.length > LIMITS.passwordMax) return `Use at most ${LIMITS.passwordMax} characters.`;
  const lower = password.toLowerCase();
  const personal = [
    about.email,
    about.email?.split('@')[0],
    ...(about.name ?? '').split(/\s+/),
    about.company,
    ...(about.company ?? '').split(/\s+/),
  ]
    .map((p) => p?.toLowerCase().trim() ?? '')
    .filter((p) => p.length >= 4);
  if (personal.some((p) => lower.includes(p)))
    return 'Do not use your email address, name or company name in the password.';
  if (/^(.)\1+$/.test(password)) return 'Do not use one character repeated.';
  return null;
}
