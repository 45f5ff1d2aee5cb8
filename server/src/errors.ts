import type { ErrorReason } from '@gatehouse/contract';
import { BadCursor, DatabaseUnavailable, EmbeddedStartError, MigrationError } from '@gatehouse/db';
import { TRPCError } from '@trpc/server';
import { type ErrorText, errorText } from './errors/i18n.ts';

/**
 * Domain errors thrown by services. Mapped to tRPC codes in exactly one place (toTRPCError). The message is
 * a catalogue text (errors/en.ts: `{ key, values }`), worded in the reader's language on its way out
 * (errors/i18n.ts `wordError`); `message` is always its English form. A plain string stays English for
 * everyone (the staff screens' messages not yet in the catalogue, docs/i18n.md).
 */
export class DomainError extends Error {
  /** The catalogue text, when the message has one. */
  public readonly text?: ErrorText;
  constructor(
    public readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'BAD_REQUEST' | 'CONFLICT' | 'TOO_MANY_REQUESTS',
    message: string | ErrorText,
    /** What the SPA can do about it (sent as `data.reason`), see ERROR_REASONS. */
    public readonly reason?: ErrorReason,
    /** The input field it is about (a zod-style path): worded and sent as `data.issues` like a validation error. */
    public readonly field?: readonly (string | number)[],
  ) {
    super(typeof message === 'string' ? message : errorText('en', message));
    if (typeof message !== 'string') this.text = message;
  }
}
/** A service's own check of one input field refused it: "IBAN: That IBAN is not valid", never `bankDetails.iban`. */
export const invalidField = (field: readonly (string | number)[], message: string | ErrorText) =>
  new DomainError('BAD_REQUEST', message, undefined, field);

/** What notFound names ('That invoice'), each with its whole sentence in the catalogue. */
const NOT_FOUND = {
  'That item': 'notFound.item',
  'A thread on that purchase order': 'notFound.thread',
  'That account': 'notFound.account',
  'That approval request': 'notFound.approvalRequest',
  'That approver': 'notFound.approver',
  'That audit entry': 'notFound.auditEntry',
  'That change request': 'notFound.changeRequest',
  'That confirmation': 'notFound.confirmation',
  'That customer': 'notFound.customer',
  'That delivery note': 'notFound.deliveryNote',
  'That document type': 'notFound.documentType',
  'That document': 'notFound.document',
  'That event': 'notFound.event',
  'That file': 'notFound.file',
  'That integration': 'notFound.integration',
  'That invoice': 'notFound.invoice',
  'That invoice query': 'notFound.invoiceQuery',
  'That key': 'notFound.key',
  'That open alert': 'notFound.openAlert',
  'That order': 'notFound.order',
  'That order confirmation': 'notFound.orderConfirmation',
  'That party': 'notFound.party',
  'That purchase order': 'notFound.purchaseOrder',
  'That review item': 'notFound.reviewItem',
  'That review': 'notFound.review',
  'That role': 'notFound.role',
  'That session': 'notFound.session',
  'That ship notice': 'notFound.shipNotice',
  'That shipment': 'notFound.shipment',
  'That supplier': 'notFound.supplier',
  'That user': 'notFound.user',
  'That webhook endpoint': 'notFound.webhookEndpoint',
} as const satisfies Record<string, ErrorText['key']>;
export type NotFoundWhat = keyof typeof NOT_FOUND;
export const notFound = (what: NotFoundWhat = 'That item') => new DomainError('NOT_FOUND', { key: NOT_FOUND[what] });
export const ipNotAllowed = (ip: string) =>
  new DomainError('FORBIDDEN', { key: 'auth.ipNotAllowed', values: { ip } }, 'ip-not-allowed');

/** A tRPC error of toTRPCError's own, with its catalogue text (the formatter words it like a DomainError's). */
export class WordedTRPCError extends TRPCError {
  constructor(
    code: TRPCError['code'],
    public readonly text: ErrorText,
    cause?: unknown,
  ) {
    super({ code, message: errorText('en', text), cause });
  }
}

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
  if (err instanceof BadCursor) return new WordedTRPCError('BAD_REQUEST', { key: 'error.badCursor' });
  // A unique constraint lost to a concurrent request (two invitations of one address at once).
  if (isUniqueViolation(err)) return new WordedTRPCError('CONFLICT', { key: 'error.duplicate' });
  // Two transactions that met head-on (deadlock, serialization failure): one lost; trying again works.
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (err as { cause?: { code?: unknown } })?.cause?.code;
  if (code === '40P01' || code === '40001') return new WordedTRPCError('CONFLICT', { key: 'error.concurrent' });
  if (isDatabaseUnavailable(err)) return new WordedTRPCError('SERVICE_UNAVAILABLE', { key: 'error.unavailable' });
  // Unknown: generic message out, cause kept for the log only.
  return new WordedTRPCError('INTERNAL_SERVER_ERROR', { key: 'error.internal' }, err);
}

export { EmbeddedStartError, MigrationError };

/** The input field of an error on its way out, if a DomainError named one (invalidField). */
export function fieldOf(err: unknown): readonly (string | number)[] | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof DomainError ? cause.field : undefined;
}

/** The catalogue text of an error on its way out (a DomainError's, or one of toTRPCError's own). */
export function textOf(err: unknown): ErrorText | undefined {
  if (err instanceof WordedTRPCError) return err.text;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof DomainError ? cause.text : undefined;
}

/** The `data.reason` of an error on its way out, if a DomainError gave one. */
export function reasonOf(err: unknown): ErrorReason | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof DomainError ? cause.reason : undefined;
}
