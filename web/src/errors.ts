import { TRPCClientError } from '@trpc/client';

/** The tRPC error code of a failed call (UNAUTHORIZED, NOT_FOUND, ...), or undefined for network failures. */
export function errorCode(err: unknown): string | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}

export const isUnauthorized = (err: unknown) => errorCode(err) === 'UNAUTHORIZED';
export const isNotFound = (err: unknown) => errorCode(err) === 'NOT_FOUND';

const OFFLINE = 'Gatehouse could not be reached. Check your connection and try again.';
const GENERIC = 'Something went wrong. Please try again.';

/**
 * A message fit to show a user. The server already words its messages for people (and never sends
 * stacks); input validation errors arrive as a JSON list of issues, of which the first is shown.
 */
export function errorMessage(err: unknown): string {
  const code = errorCode(err);
  if (code === undefined) return err instanceof TRPCClientError || err instanceof TypeError ? OFFLINE : GENERIC;
  const message = err instanceof Error ? err.message : '';
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
