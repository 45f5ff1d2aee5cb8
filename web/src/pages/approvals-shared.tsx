import type { APPROVAL_TYPES } from '@gatehouse/contract';
import { Show } from 'solid-js';
import { NoValue } from '../data.tsx';
import { formatMinor } from '../format.ts';

/**
 * Pieces shared by the approval pages (inbox, request, policies): type and decision words, money typed
 * in major units and sent in minor units (as strings, never through a float), and the age of a wait.
 */

export type ApprovalType = (typeof APPROVAL_TYPES)[number];

export const TYPE_LABELS: Record<ApprovalType, string> = {
  'bank-details-change': 'Bank-detail change',
  'credit-limit-change': 'Credit-limit change',
  'credit-note': 'Credit note',
  'document-approval': 'Document approval',
};

/** A step of the trail in words: what happened. */
export const DECISION_LABELS: Record<string, string> = {
  submitted: 'Submitted',
  approve: 'Approved',
  reject: 'Rejected',
  'request-changes': 'Requested changes',
  resubmitted: 'Resubmitted',
  withdrawn: 'Withdrawn',
  reminded: 'Reminded',
  escalated: 'Escalated',
};

/** Every currency is shown and typed with two decimals (the server's formatMinor default). */
const FRACTION_DIGITS = 2;

/** '1000000' -> '10,000.00' (major units, grouped; no currency). */
export function formatMajor(minor: string | bigint): string {
  return formatMinor(minor, '', FRACTION_DIGITS).trim();
}

/** An amount with its currency, or a dash for requests without one. */
export function Money(props: { minor: string | bigint | null; currency: string | null }) {
  return (
    <Show when={props.minor !== null && props.currency ? props.minor : null} fallback={<NoValue />}>
      {(minor) => <span class="amount">{formatMinor(minor(), props.currency ?? '', FRACTION_DIGITS)}</span>}
    </Show>
  );
}

/**
 * '10,000.00', '10000', '10 000.5' -> '1000000' (minor units). Parsed as text, digit by digit: a float
 * would round large amounts. null for anything that is not a non-negative amount with at most two decimals.
 */
export function parseMajor(text: string): string | null {
  const compact = text.trim().replace(/[\s,']/g, '');
  const match = /^(\d{1,16})(?:\.(\d{0,2}))?$/.exec(compact);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(FRACTION_DIGITS, '0');
  return (BigInt(whole) * 10n ** BigInt(FRACTION_DIGITS) + BigInt(fraction || '0')).toString();
}

/** How long something has waited, short: '12 min', '3 h', '2 d'. */
export function formatWait(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const minutes = Math.max(0, Math.floor((now - then) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** The same wait for screen readers: '3 hours', '2 days'. */
export function waitWords(iso: string, now = Date.now()): string {
  const short = formatWait(iso, now);
  const [n, unit] = short.split(' ');
  const word = unit === 'min' ? 'minute' : unit === 'h' ? 'hour' : 'day';
  return `${n} ${word}${n === '1' ? '' : 's'}`;
}
