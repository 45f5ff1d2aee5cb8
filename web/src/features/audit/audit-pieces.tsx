import { type AuditArea, auditActionLabel } from '@gatehouse/contract';
import { For } from 'solid-js';
import { type AdminKey, has, t } from '../../i18n.ts';
import { formatPreciseDateTime } from '../../shared/format.ts';
import type { trpc } from '../../trpc.ts';

export const OUTCOMES = ['success', 'failure', 'denied'] as const;

export type Outcome = (typeof OUTCOMES)[number];

export type AuditItem = Awaited<ReturnType<typeof trpc.audit.search.query>>['items'][number];

/** An audit instant to the second, in the user's time zone and locale: '3 Mar 2025, 14:05:09'. */
export const formatAuditTime = (iso: string): string => formatPreciseDateTime(iso);

/**
 * An action's label in the user's language: the catalogue's `admin.audit.action.<action>` (one per action in
 * AUDIT_ACTIONS; the catalogue test requires it); an unknown action (written by a newer version) as the
 * contract shows it.
 */
export function actionLabel(action: string): string {
  const key = `admin.audit.action.${action}`;
  return has(key) ? t(key as AdminKey) : auditActionLabel(action);
}

/** The catalogue key of each area the audit log groups actions by (the action filter's optgroups). */
const AREA_KEYS: Record<AuditArea, AdminKey> = {
  'Sign-in and sessions': 'admin.audit.area.signIn',
  'Two-factor': 'admin.audit.area.twoFactor',
  'Users and invitations': 'admin.audit.area.users',
  'Roles and policies': 'admin.audit.area.roles',
  'Access reviews': 'admin.audit.area.accessReviews',
  'Audit and alerts': 'admin.audit.area.audit',
  Organisations: 'admin.audit.area.organisations',
  'Purchase orders': 'admin.audit.area.purchaseOrders',
  Documents: 'admin.audit.area.documents',
  'Change requests': 'admin.audit.area.changeRequests',
  Invoices: 'admin.audit.area.invoices',
  Approvals: 'admin.audit.area.approvals',
  Integrations: 'admin.audit.area.integrations',
  Installation: 'admin.audit.area.installation',
};
export const areaLabel = (area: AuditArea): string => t(AREA_KEYS[area]);

export function OutcomeBadge(props: { outcome: Outcome }) {
  const text = () =>
    t(
      (
        {
          success: 'admin.audit.outcome.success',
          failure: 'admin.audit.outcome.failure',
          denied: 'admin.audit.outcome.denied',
        } as const
      )[props.outcome],
    );
  return (
    <span class={`badge badge-outcome-${props.outcome}`} data-testid="audit-outcome">
      {text()}
    </span>
  );
}

export function CrossPartyBadge() {
  return (
    <span class="badge badge-cross-party" data-testid="audit-cross-party" title={t('admin.audit.crossPartyHint')}>
      {t('admin.audit.crossParty')}
    </span>
  );
}

/** Who acted: their email, their id when the account is gone, or "system" for the server itself. */
export function actorText(entry: Pick<AuditItem, 'actorEmail' | 'actorUserId'>): string {
  return entry.actorEmail ?? entry.actorUserId ?? t('admin.audit.system');
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
