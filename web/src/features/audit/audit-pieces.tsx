import { For } from 'solid-js';
import { formatPreciseDateTime } from '../../shared/format.ts';
import type { trpc } from '../../trpc.ts';

export const OUTCOMES = ['success', 'failure', 'denied'] as const;

export type Outcome = (typeof OUTCOMES)[number];

export type AuditItem = Awaited<ReturnType<typeof trpc.audit.search.query>>['items'][number];

/** An audit instant to the second, in the user's time zone and locale: '3 Mar 2025, 14:05:09'. */
export const formatAuditTime = (iso: string): string => formatPreciseDateTime(iso);

export function OutcomeBadge(props: { outcome: Outcome }) {
  const text = () => ({ success: 'Success', failure: 'Failure', denied: 'Denied' })[props.outcome];
  return (
    <span class={`badge badge-outcome-${props.outcome}`} data-testid="audit-outcome">
      {text()}
    </span>
  );
}

export function CrossPartyBadge() {
  return (
    <span class="badge badge-cross-party" data-testid="audit-cross-party" title="Acted on another organisation">
      Cross-party
    </span>
  );
}

/** Who acted: their email, their id when the account is gone, or "system" for the server itself. */
export function actorText(entry: Pick<AuditItem, 'actorEmail' | 'actorUserId'>): string {
  return entry.actorEmail ?? entry.actorUserId ?? 'system';
}

/**
 * An email (or an id) that may wrap only where a reader expects: before the @ (and after an id's hyphens),
 * never inside a word. The table cell keeps `overflow-wrap: normal`, so the column is at least as wide as
 * the longest piece instead of shrinking to fragments of two to four letters.
 */
export function BreakableText(props: { text: string }) {
  const parts = () => props.text.split(props.text.includes('@') ? /(?=@)/ : /(?<=-)/);
  return (
    <span class="breakable">
      <For each={parts()}>
        {(part, i) => (
          <>
            {i() > 0 ? <wbr /> : null}
            <span class="breakable-part">{part}</span>
          </>
        )}
      </For>
    </span>
  );
}
