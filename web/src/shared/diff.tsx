import { For, Show } from 'solid-js';

/**
 * Before and after, side by side: the one way the SPA shows a change (an audit entry's details, an alert's
 * policy change). Only the fields that differ are listed; lists also say what was added and removed.
 */

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as text: strings as they are, everything else as JSON. */
export function showValue(value: unknown, pretty = false): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value, null, pretty ? 2 : undefined) ?? String(value);
}

export interface Change {
  key: string;
  before: unknown;
  after: unknown;
  hasBefore: boolean;
  hasAfter: boolean;
}

/** The keys whose values differ between `before` and `after`; one row "value" when they are not objects. */
export function changedKeys(before: unknown, after: unknown): Change[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => ({ key: k, before: before[k], after: after[k], hasBefore: k in before, hasAfter: k in after }));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ key: '(whole value)', before, after, hasBefore: true, hasAfter: true }];
}

/** For lists (such as role keys): what was added and what was removed. */
function listChange(before: unknown, after: unknown): { added: string[]; removed: string[] } | null {
  if (!Array.isArray(before) || !Array.isArray(after)) return null;
  const b = before.map((v) => showValue(v));
  const a = after.map((v) => showValue(v));
  return { added: a.filter((v) => !b.includes(v)), removed: b.filter((v) => !a.includes(v)) };
}

/** Does this details object carry a before/after pair to show as a diff? */
export const hasBeforeAfter = (details: Record<string, unknown> | null | undefined): boolean =>
  !!details && 'before' in details && 'after' in details;

/** The changed fields as a table (Field, Before, After), or "Before and after are the same." */
export function BeforeAfterDiff(props: { before: unknown; after: unknown }) {
  const changes = () => changedKeys(props.before, props.after);
  return (
    <>
      <Show when={changes().length > 0} fallback={<p class="muted">Before and after are the same.</p>}>
        <div class="table-wrap">
          <table class="data-table audit-diff">
            <caption class="visually-hidden">Changed values, before and after</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              <For each={changes()}>
                {(c) => (
                  <tr data-testid="audit-diff-row" data-key={c.key}>
                    <th scope="row" class="mono">
                      {c.key}
                    </th>
                    <td class="audit-before" data-testid="audit-diff-before">
                      <Show when={c.hasBefore} fallback={<span class="muted">(absent)</span>}>
                        <code class="audit-value">{JSON.stringify(c.before) ?? 'undefined'}</code>
                      </Show>
                    </td>
                    <td class="audit-after" data-testid="audit-diff-after">
                      <Show when={c.hasAfter} fallback={<span class="muted">(absent)</span>}>
                        <code class="audit-value">{JSON.stringify(c.after) ?? 'undefined'}</code>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={listChange(props.before, props.after)}>
        {(c) => (
          <p class="audit-list-change" data-testid="audit-list-change">
            <span>
              Added: <strong>{c().added.join(', ') || 'nothing'}</strong>
            </span>
            <span>
              Removed: <strong>{c().removed.join(', ') || 'nothing'}</strong>
            </span>
          </p>
        )}
      </Show>
    </>
  );
}
