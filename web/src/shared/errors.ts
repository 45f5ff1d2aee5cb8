import { ERROR_REASONS, type ErrorReason } from '@gatehouse/contract';
import { TRPCClientError } from '@trpc/client';

/** The tRPC error code of a failed call (UNAUTHORIZED, NOT_FOUND, ...), or undefined for network failures. */
export function errorCode(err: unknown): string | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}

/**
 * Why the server refused a call, when the SPA can act on it (`data.reason` beside the code):
 * 'reauth-required', 'totp-enrolment-required', 'ip-not-allowed', 'own-ip-excluded'. Undefined otherwise.
 */
export function errorReason(err: unknown): ErrorReason | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('reason' in data)) return undefined;
  const reason = data.reason;
  return ERROR_REASONS.find((r) => r === reason);
}

/**
 * The input fields a refused call names (`data.issues[].path`, e.g. 'ipAllowlist.1'), for focus and
 * aria-invalid; never for display: the message already names them in words.
 */
export function issueFields(err: unknown): string[] {
  if (!(err instanceof TRPCClientError)) return [];
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('issues' in data) || !Array.isArray(data.issues)) return [];
  return data.issues.flatMap((i: unknown) =>
    typeof i === 'object' && i !== null && 'path' in i && typeof i.path === 'string' ? [i.path] : [],
  );
}

export const isUnauthorized = (err: unknown) => errorCode(err) === 'UNAUTHORIZED';
export const isNotFound = (err: unknown) => errorCode(err) === 'NOT_FOUND';

/** Said when an IP allowlist refuses the user's address and the server sent no words of its own. */
export const IP_NOT_ALLOWED = 'Your organisation does not allow access from the network you are using.';
/** What to do about it, shown under the message. */
export const IP_NOT_ALLOWED_HELP =
  'Connect from a network your organisation allows (for example your office network or VPN), or ask your administrator.';

/** An error raised in the SPA itself whose message is written for the user (e.g. a cancelled confirmation). */
export class UserFacingError extends Error {}

const OFFLINE = 'Gatehouse could not be reached. Check your connection and try again.';
const GENERIC = 'Something went wrong. Please try again.';

/**
 * A message fit to show a user. The server already words its messages for people (and never sends
 * stacks); input validation errors arrive as a JSON list of issues, of which the first is shown.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof UserFacingError) return err.message;
  // Raised before the request left (an unusable config.json): tRPC wraps it, its words stay.
  if (err instanceof TRPCClientError && err.cause instanceof UserFacingError) return err.cause.message;
  const code = errorCode(err);
  if (code === undefined) return err instanceof TRPCClientError || err instanceof TypeError ? OFFLINE : GENERIC;
  const message = err instanceof Error ? err.message : '';
  if (errorReason(err) === 'ip-not-allowed') return message || IP_NOT_ALLOWED;
  if (code === 'BAD_REQUEST' && message.startsWith('[')) return firstIssue(message) ?? 'Please check what you entered.';
  return message || GENERIC;
}

function firstIssue(json: string): string | undefined {
  try {
    const issues: unknown = JSON.parse(json);
    if (!Array.isArray(issues)) return undefined;
    const first: unknown = issues[0];
    if (typeof first === 'object' && first !== null && 'message' in first && typeof first.message === 'string') {
      return first.message;
    }
  } catch {
    // not JSON: fall through
  }
  return undefined;
}
