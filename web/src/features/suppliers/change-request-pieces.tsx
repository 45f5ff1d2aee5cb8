import { For, Show } from 'solid-js';
import { type MessageKey, t } from '../../i18n.ts';
import { NoValue } from '../../shared/data.tsx';
import type { trpc } from '../../trpc.ts';
import { formatIban } from './supplier-shared.tsx';

export type ChangeRequest = Awaited<ReturnType<typeof trpc.changeRequests.list.query>>['items'][number];

export type Values = ChangeRequest['proposed'];

/** Field names as people read them (catalogue keys: fieldLabel() says them), in the order shown. */
export const FIELD_KEYS: Record<string, MessageKey> = {
  accountHolder: 'bank.accountHolder',
  iban: 'bank.iban',
  routingNumber: 'bank.routingNumber',
  sortCode: 'bank.sortCode',
  accountNumber: 'bank.accountNumber',
  bic: 'bank.bic',
  street: 'address.street',
  postalCode: 'address.postalCode',
  city: 'address.city',
  country: 'address.country',
};

/** A field's name in the user's language. */
export const fieldLabel = (field: string): string => {
  const key = FIELD_KEYS[field];
  return key ? t(key) : field;
};

/** Every field any kind of account has; a comparison shows those set on either side. */
export const BANK_FIELDS = [
  'accountHolder',
  'country',
  'iban',
  'routingNumber',
  'sortCode',
  'accountNumber',
  'bic',
] as const;

/** Account identifiers, shown in a fixed-width font so people can compare them digit by digit. */
export const MONO_FIELDS = new Set(['iban', 'bic', 'routingNumber', 'sortCode', 'accountNumber']);

export const ADDRESS_FIELDS = ['street', 'postalCode', 'city', 'country'] as const;

/** A change request's kind, its name and the supplier's messages about it (catalogue keys). */
export const KIND_KEYS: Record<
  ChangeRequest['kind'],
  { name: MessageKey; withdrawn: MessageKey; requested: MessageKey }
> = {
  'bank-details': { name: 'bank.kind', withdrawn: 'bank.withdrawn', requested: 'bank.requested' },
  address: { name: 'address.kind', withdrawn: 'address.withdrawn', requested: 'address.requested' },
};

/** A change request's kind in the user's language: 'Bank details' / 'Bankverbindung', 'Address' / 'Anschrift'. */
export const kindLabel = (kind: ChangeRequest['kind']): string => t(KIND_KEYS[kind].name);

/**
 * One field of master data as shown: IBANs grouped in fours, sort codes in pairs, empty as a dash. Bank
 * details stored before they had a country take it from their IBAN.
 */
export function fieldValue(values: Values | null, field: string): string {
  const v = values as Record<string, string | undefined> | null;
  const raw = v?.[field] ?? (field === 'country' && v?.iban ? v.iban.slice(0, 2) : undefined);
  if (!raw) return '';
  if (field === 'iban') return formatIban(raw);
  if (field === 'sortCode') return formatSortCode(raw);
  return raw;
}

/** '404784' -> '40-47-84'. */
export const formatSortCode = (s: string) => s.replace(/(\d\d)(?=\d)/g, '$1-');

/**
 * What is on record beside what is proposed, field by field, with changed fields marked in words and
 * highlighted (the handler's change request and the approver's bank-detail change).
 */
export function ComparisonTable(props: {
  testId: string;
  labelledBy: string;
  fields: readonly string[];
  previous: Values | null;
  proposed: Values | null;
  /** The heading of the new values' column. */
  proposedLabel: string;
}) {
  const changed = (f: string) => fieldValue(props.previous, f) !== fieldValue(props.proposed, f);
  const mono = (f: string, values: Values | null) => MONO_FIELDS.has(f) && !!fieldValue(values, f);
  const shown = () => props.fields.filter((f) => fieldValue(props.previous, f) || fieldValue(props.proposed, f));
  return (
    <>
      <p class="hint comparison-hint">{t('compare.hint')}</p>
      <div class="table-wrap stack">
        <table class="data-table comparison" data-testid={props.testId} aria-labelledby={props.labelledBy}>
          <thead>
            <tr>
              <th scope="col">{t('compare.field')}</th>
              <th scope="col">{t('compare.onRecord')}</th>
              <th scope="col">{props.proposedLabel}</th>
              <th scope="col">
                <span class="visually-hidden">{t('compare.changedQ')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={shown()}>
              {(f) => (
                <tr classList={{ 'comparison-changed': changed(f) }} data-testid="comparison-row" data-field={f}>
                  <th scope="row">{fieldLabel(f)}</th>
                  <td data-label={t('compare.onRecord')} class="wrap">
                    <span classList={{ mono: mono(f, props.previous) }}>
                      {fieldValue(props.previous, f) || <NoValue />}
                    </span>
                  </td>
                  <td data-label={props.proposedLabel} class="wrap" data-testid="comparison-proposed">
                    <Show when={changed(f)} fallback={fieldValue(props.proposed, f) || <NoValue />}>
                      <strong classList={{ mono: mono(f, props.proposed) }}>
                        {fieldValue(props.proposed, f) || <NoValue />}
                      </strong>
                    </Show>
                  </td>
                  <td class="actions">
                    <Show when={changed(f)} fallback={<span class="visually-hidden">{t('compare.unchanged')}</span>}>
                      <span class="badge badge-changed" data-testid="comparison-changed">
                        {t('compare.changed')}
                      </span>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </>
  );
}
