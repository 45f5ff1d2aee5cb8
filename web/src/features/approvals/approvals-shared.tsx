import { type APPROVAL_TYPES, currencyExponent, formatMinor as englishMinor } from '@gatehouse/contract';
import { type JSX, Show } from 'solid-js';
import { type AdminKey, language, t } from '../../i18n.ts';
import { NoValue } from '../../shared/data.tsx';
import { formatMinor, type ServerText, wordServerText } from '../../shared/format.ts';
import { Badge } from '../suppliers/supplier-shared.tsx';

/**
 * Pieces shared by the approval pages (inbox, request, policies): type and decision words, money typed
 * in major units and sent in minor units (as strings, never through a float), and the age of a wait, all
 * in the user's language (catalogue keys admin.approvals.*).
 */

export type ApprovalType = (typeof APPROVAL_TYPES)[number];

const TYPE_KEYS: Record<ApprovalType, AdminKey> = {
  'bank-details-change': 'admin.approvals.type.bank-details-change',
  'credit-limit-change': 'admin.approvals.type.credit-limit-change',
  'credit-note': 'admin.approvals.type.credit-note',
  'document-approval': 'admin.approvals.type.document-approval',
};

/** A request type in the user's language: 'Bank-detail change' / 'Änderung der Bankverbindung'. */
export const typeLabel = (type: ApprovalType): string => t(TYPE_KEYS[type]);

const DECISION_KEYS: Record<string, AdminKey> = {
  submitted: 'admin.approvals.step.submitted',
  approve: 'admin.approvals.step.approve',
  reject: 'admin.approvals.step.reject',
  'request-changes': 'admin.approvals.step.request-changes',
  resubmitted: 'admin.approvals.step.resubmitted',
  withdrawn: 'admin.approvals.step.withdrawn',
  reminded: 'admin.approvals.step.reminded',
  escalated: 'admin.approvals.step.escalated',
};

/** A step of the trail in words, what happened (a step the catalogue does not know shows as it comes). */
export const decisionLabel = (decision: string): string => {
  const key = DECISION_KEYS[decision];
  return key ? t(key) : decision;
};

/** Decimal places of a currency (ISO 4217); 2 while the code is not yet a well-formed one (being typed). */
const digitsOf = (currency: string) => (/^[A-Z]{3}$/.test(currency) ? currencyExponent(currency) : 2);

/**
 * '1000000', 'EUR' -> '10,000.00' (English), '10.000,00' (German); 'JPY' -> '1,000,000' (major units, grouped
 * in the user's language, by the currency's exponent). parseMajor() reads it back.
 */
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
export const decimalsWord = (currency: string) => t('admin.approvals.decimals', { count: digitsOf(currency) });

/** How an amount of this currency is written, for messages: '10,000.00' ('10.000,00' in German), '10,000' (JPY). */
export const amountExample = (currency: string) =>
  formatMajor((10_000n * 10n ** BigInt(digitsOf(currency))).toString(), currency);

/**
 * '10,000.00', '10000', '10 000.5' -> '1000000' (minor units, by the currency's ISO exponent: JPY has
 * none, KWD three), read in the user's language: German writes '10.000,00' (a point groups, a comma
 * separates the decimals), as formatMajor() prefills it. Parsed as text, digit by digit: a float would
 * round large amounts. null for anything that is not a non-negative amount with at most that many decimals.
 */
export function parseMajor(text: string, currency: string): string | null {
  const digits = digitsOf(currency);
  const german = language() === 'de';
  const ungrouped = text.trim().replace(german ? /[\s\u00a0\u202f.']/g : /[\s\u00a0\u202f,']/g, '');
  const compact = german ? ungrouped.replace(',', '.') : ungrouped;
  const match = /^(\d{1,16})(?:\.(\d*))?$/.exec(compact);
  if (!match || (match[2] ?? '').length > digits) return null;
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  return (BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction || '0')).toString();
}

/** A wait counted in its largest whole unit: minutes under an hour, hours under a day, else days. */
function waited(iso: string, now: number): { count: number; unit: 'minutes' | 'hours' | 'days' } | null {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return null;
  const minutes = Math.max(0, Math.floor((now - then) / 60_000));
  if (minutes < 60) return { count: minutes, unit: 'minutes' };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { count: hours, unit: 'hours' };
  return { count: Math.floor(hours / 24), unit: 'days' };
}

/** How long something has waited, short: '12 min', '3 h', '2 d' ('2 T' in German). */
export function formatWait(iso: string, now = Date.now()): string {
  const w = waited(iso, now);
  return w ? t(`admin.approvals.wait.${w.unit}Short`, { count: w.count }) : '';
}

/** The same wait for screen readers: '3 hours', '2 days' ('2 Tage'). */
export function waitWords(iso: string, now = Date.now()): string {
  const w = waited(iso, now);
  return w ? t(`admin.approvals.wait.${w.unit}`, { count: w.count }) : '';
}

/**
 * A detail page's heading with its status badge (a request, a change request, a document, a query): the
 * heading takes focus after a decision (`ref`, createDialogs' return target), the badge says the status.
 */
export function StatusHeading(props: {
  id: string;
  status: string;
  /** The badge's test id. */
  statusTestId: string;
  ref: HTMLHeadingElement | undefined | ((el: HTMLHeadingElement) => void);
  children: JSX.Element;
}) {
  return (
    <div class="detail-header">
      <h1 id={props.id} data-testid={props.id} class="focus-target" tabindex="-1" ref={props.ref}>
        {props.children}
      </h1>
      <Badge status={props.status} testId={props.statusTestId} />
    </div>
  );
}

/**
 * A request's title in the user's language, from its type, party and amount (docs/i18n.md): the server
 * stores an English title at submission ("New bank details for Acme"); where that title is exactly what
 * the type's English words make of this request, the catalogue's words for it show, otherwise (a credit
 * note naming its invoice, a title written otherwise) the stored title as it is.
 */
export function requestTitle(r: {
  type: ApprovalType;
  title: string;
  partyName: string;
  amountMinor: string | null;
  currency: string | null;
}): string {
  const party = r.partyName;
  const money = r.amountMinor !== null && r.currency ? { minor: r.amountMinor, currency: r.currency } : null;
  const english =
    r.type === 'bank-details-change'
      ? `New bank details for ${party}`
      : r.type === 'credit-limit-change' && money
        ? `Credit limit of ${party} to ${englishMinor(money.minor, money.currency)}`
        : r.type === 'credit-note' && money
          ? `Credit note of ${englishMinor(money.minor, money.currency)} for ${party}`
          : null;
  if (english !== r.title) return r.title;
  const amount = money ? formatMinor(money.minor, money.currency) : '';
  if (r.type === 'bank-details-change') return t('admin.approvals.requestTitle.bank-details-change', { party });
  if (r.type === 'credit-limit-change') return t('admin.approvals.requestTitle.credit-limit-change', { party, amount });
  return t('admin.approvals.requestTitle.credit-note', { party, amount });
}

/** Why I cannot decide a request now (contract canDecide: `why` in English, `text` its key and values). */
export const wordWhy = (can: { why: string | null; text?: ServerText | null }, fallback: string): string =>
  wordServerText('admin.approvals.why.', can.text, can.why ?? fallback);

/**
 * Why nobody can complete a request (staffing, a policy save's warnings): `admin.approvals.staffing.<key>`;
 * a policy's amount range (values fromMinor, toMinor) wraps it in `staffing.range` / `staffing.rangeUp`.
 */
export function wordStaffing(text: ServerText | undefined, fallback: string): string {
  const prefix = 'admin.approvals.staffing.';
  if (!text || !('fromMinor' in text.values)) return wordServerText(prefix, text, fallback);
  const problem = wordServerText(prefix, text, '');
  if (!problem) return fallback;
  const key = 'toMinor' in text.values ? 'range' : 'rangeUp';
  return wordServerText(prefix, { key, values: { ...text.values, problem } }, fallback);
}
