import { For, Show } from 'solid-js';
import { NoValue } from '../../shared/data.tsx';
import type { trpc } from '../../trpc.ts';
import { formatIban } from './supplier-shared.tsx';

export type ChangeRequest = Awaited<ReturnType<typeof trpc.changeRequests.list.query>>['items'][number];

export type Values = ChangeRequest['proposed'];

/** Field names as people read them, in the order shown. */
export const FIELD_LABELS: Record<string, string> = {
  accountHolder: 'Account holder',
  iban: 'IBAN',
  routingNumber: 'Routing number',
  sortCode: 'Sort code',
  accountNumber: 'Account number',
  bic: 'BIC',
  street: 'Street',
  postalCode: 'Postal code',
  city: 'City',
  country: 'Country',
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

export const KIND_LABELS: Record<ChangeRequest['kind'], string> = {
  'bank-details': 'Bank details',
  address: 'Address',
};

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
      <p class="hint comparison-hint">Changed fields are marked “Changed” and highlighted.</p>
      <div class="table-wrap stack">
        <table class="data-table comparison" data-testid={props.testId} aria-labelledby={props.labelledBy}>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">On record</th>
              <th scope="col">{props.proposedLabel}</th>
              <th scope="col">
                <span class="visually-hidden">Changed?</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={shown()}>
              {(f) => (
                <tr classList={{ 'comparison-changed': changed(f) }} data-testid="comparison-row" data-field={f}>
                  <th scope="row">{FIELD_LABELS[f]}</th>
                  <td data-label="On record" class="wrap">
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
                    <Show when={changed(f)} fallback={<span class="visually-hidden">Unchanged</span>}>
                      <span class="badge badge-changed" data-testid="comparison-changed">
                        Changed
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
