import { Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { deadlineLeft, formatDateTime } from '../../shared/format.ts';
import type { trpc } from '../../trpc.ts';

export type ReviewSummary = Awaited<ReturnType<typeof trpc.accessReviews.list.query>>[number];

export const DAY = 86_400_000;

/** How the deadline stands (web/src/shared/format.ts `deadlineLeft`); nothing once the review is closed. */
export function deadlineState(review: ReviewSummary, now = Date.now()): { overdue: boolean; text: string } | null {
  return review.status === 'closed' ? null : deadlineLeft(review.deadline, now);
}

/** Deadline as a date-time, with how much time is left (or "Overdue") while the review is open. */
export function Deadline(props: { review: ReviewSummary }) {
  const state = () => deadlineState(props.review);
  return (
    <span class="review-deadline">
      <time datetime={props.review.deadline}>{formatDateTime(props.review.deadline)}</time>
      <Show when={state()}>
        {(s) => (
          <Show when={s().overdue} fallback={<span class="muted"> · {s().text}</span>}>
            {' '}
            <span class="badge badge-overdue">{s().text}</span>
          </Show>
        )}
      </Show>
    </span>
  );
}

/** Decided of total as a bar (a native <progress>, announced with its label) and always as words. */
export function ReviewProgress(props: { decided: number; total: number; id: string }) {
  const percent = () => (props.total === 0 ? 100 : Math.round((props.decided / props.total) * 100));
  return (
    <span class="review-progress">
      <progress id={props.id} max={Math.max(props.total, 1)} value={props.total === 0 ? 1 : props.decided}>
        {percent()}%
      </progress>
      <label for={props.id} class="review-progress-text" data-testid="review-progress">
        {t('admin.reviews.decidedOf', { decided: props.decided, total: props.total })}
      </label>
    </span>
  );
}
