import { Show } from 'solid-js';
import { NoValue } from '../../shared/data.tsx';
import { formatDate } from '../../shared/format.ts';

/** A calendar date or a dash. */
export function DateCell(props: { date: string | null }) {
  return (
    <Show when={props.date} fallback={<NoValue />}>
      {(date) => <time datetime={date()}>{formatDate(date())}</time>}
    </Show>
  );
}
