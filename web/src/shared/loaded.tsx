import { type Accessor, type JSX, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { ErrorPanel } from './data.tsx';

const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0;

/**
 * A section's data (not a paged list: ListStates is for those) in its three states before it shows: the
 * load error with Retry, "Loading …", and, for a list, the empty text. The children render once it is in.
 */
export function Loaded<T>(props: {
  error: string | null;
  onRetry: () => void;
  value: T | null | undefined;
  /** What is loading, as a sentence ("Loading keys…"); t('common.loading') when left out. */
  loading?: string;
  /** Shown instead of the children when the value is an empty list. */
  empty?: JSX.Element;
  children: (value: Accessor<NonNullable<T>>) => JSX.Element;
}) {
  return (
    <>
      <Show when={props.error}>{(message) => <ErrorPanel message={message()} onRetry={props.onRetry} />}</Show>
      <Show when={!props.error}>
        <Show when={props.value} fallback={<p aria-busy="true">{props.loading ?? t('common.loading')}</p>}>
          {(value) => (
            <Show when={!isEmptyList(value())} fallback={props.empty}>
              {props.children(value)}
            </Show>
          )}
        </Show>
      </Show>
    </>
  );
}
