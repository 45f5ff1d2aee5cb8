import { type APPROVAL_TYPES, currencyExponent } from '@gatehouse/contract';
import { Show } from 'solid-js';
import { NoValue } from '../../shared/data.tsx';
import { formatMinor } from '../../shared/format.ts';

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

/** Decimal places of a currency (ISO 4217); 2 while the code is not yet a well-formed one (being typed). */
const digitsOf = (currency: string) => (/^[A-Z]{3}$/.test(currency) ? currencyExponent(currency) : 2);

/** '1000000', 'EUR' -> '10,000.00'; 'JPY' -> '1,000,000' (major units, grouped, by the currency's exponent). */
export function formatMajor(minor: string | bigint, currency: string): string {
  return formatMinor(minor, '', digitsOf(currency)).trim();
}

/** An amount with its currency, or a dash for requests without one. */
export function Money(props: { minor: string | bigint | null; currency: string | null }) {
  return (
    <Show when={props.minor !== null && props.currency ? props.minor : null} fallback={<NoValue />}>
      {(minor) => <span class="amount">{formatMinor(minor(), props.currency ?? '')}</span>}
    </Show>
  );
}

/** 'two decimals', 'no decimals' (JPY), 'three decimals' (KWD): what the amount may carry, in words. */
export const decimalsWord = (currency: string) =>
  ['no decimals', 'one decimal', 'two decimals', 'three decimals', 'four decimals'][digitsOf(currency)] ?? 'decimals';

/** How an amount of this currency is written, for messages: '10,000.00 EUR', '10,000 JPY'. */
export const amountExample = (currency: string) =>
  formatMajor((10_000n * 10n ** BigInt(digitsOf(currency))).toString(), currency);

/**
 * '10,000.00', '10000', '10 000.5' -> '1000000' (minor units, by the currency's ISO exponent: JPY has
 * none, KWD three). Parsed as text, digit by digit: a float would round large amounts. null for anything
 * that is not a non-negative amount with at most that many decimals.
 */
export function parseMajor(text: string, currency: string): string | null {
  const digits = digitsOf(currency);
  const compact = text.trim().replace(/[\s,']/g, '');
  const match = /^(\d{1,16})(?:\.(\d*))?$/.exec(compact);
  if (!match || (match[2] ?? '').length > digits) return null;
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  return (BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction || '0')).toString();
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
