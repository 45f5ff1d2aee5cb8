import { LIMITS } from '@gatehouse/contract';
import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { ErrorPanel, StatusBadge, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { DAY, Deadline, ReviewProgress } from './access-review-pieces.tsx';

export default function AccessReviews() {
  usePageTitle(() => t('admin.reviews.title'));
  const navigate = useNavigate();
  const [reviews, { refetch }] = createResource(() => guard(trpc.accessReviews.list.query()));
  const [starting, setStarting] = createSignal(false);
  let startButton: HTMLButtonElement | undefined;

  return (
    <section aria-labelledby="reviews-title">
      <div class="detail-header list-header">
        <h1 id="reviews-title">{t('admin.reviews.title')}</h1>
        <Show when={can('access-reviews:manage')}>
          <button
            type="button"
            class="button button-primary"
            data-testid="review-start-open"
            ref={startButton}
            onClick={() => setStarting(true)}
          >
            {t('admin.reviews.start')}
          </button>
        </Show>
      </div>
      <p class="hint reviews-intro">{t('admin.reviews.intro')}</p>
      <Switch>
        <Match when={reviews.state === 'pending' || reviews.state === 'unresolved'}>
          <p class="list-message" role="status">
            {t('admin.reviews.loading')}
          </p>
        </Match>
        <Match when={reviews.state === 'errored'}>
          <ErrorPanel message={errorMessage(reviews.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={(reviews.state === 'ready' || reviews.state === 'refreshing') && reviews()?.length === 0}>
          <p class="list-message" data-testid="list-empty">
            {t('admin.reviews.none')}
          </p>
        </Match>
        <Match when={reviews.state === 'ready' || reviews.state === 'refreshing'}>
          <div class="table-wrap stack">
            <table class="data-table" data-testid="reviews-table">
              <caption class="visually-hidden">{t('admin.reviews.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.name')}</th>
                  <th scope="col">{t('list.status')}</th>
                  <th scope="col">{t('admin.reviews.deadline')}</th>
                  <th scope="col">{t('admin.reviews.progress')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={reviews()}>
                  {(review) => (
                    <tr data-testid="review-row">
                      <th scope="row" class="wrap">
                        <A href={`/access-reviews/${review.id}`}>{review.name}</A>
                      </th>
                      <td data-label={t('list.status')}>
                        <StatusBadge status={review.status} />
                      </td>
                      <td data-label={t('admin.reviews.deadline')}>
                        <Deadline review={review} />
                      </td>
                      <td data-label={t('admin.reviews.progress')}>
                        <ReviewProgress id={`progress-${review.id}`} decided={review.decided} total={review.total} />
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Match>
      </Switch>

      <Show when={starting()}>
        <StartReviewDialog
          onClose={() => {
            setStarting(false);
            startButton?.focus();
          }}
          onStarted={(id) => navigate(`/access-reviews/${id}`)}
        />
      </Show>
    </section>
  );
}

/** A value for <input type="datetime-local"> in the user's time zone: 'YYYY-MM-DDTHH:MM'. */
function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function StartReviewDialog(props: { onClose: () => void; onStarted: (id: string) => void }) {
  let dialog: HTMLDialogElement | undefined;
  let nameInput: HTMLInputElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const defaultDeadline = localDateTime(new Date(Date.now() + 14 * DAY));

  const open = (el: HTMLDialogElement) => {
    dialog = el;
    queueMicrotask(() => {
      if (!el.open) el.showModal();
      nameInput?.focus();
    });
  };
  const close = () => {
    dialog?.close();
    props.onClose();
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(data.get('name') ?? '').trim();
    const deadlineText = String(data.get('deadline') ?? '');
    const deadline = new Date(deadlineText); // no offset: read in the user's time zone
    if (!name) {
      setError(t('admin.reviews.enterName'));
      nameInput?.focus();
      return;
    }
    if (!deadlineText || Number.isNaN(deadline.getTime())) {
      setError(t('admin.reviews.enterDeadline'));
      return;
    }
    if (deadline.getTime() <= Date.now()) {
      setError(t('admin.reviews.futureDeadline'));
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const { id } = await withReauth(() =>
        trpc.accessReviews.start.mutate({ name, deadline: deadline.toISOString() }),
      );
      dialog?.close();
      props.onStarted(id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <dialog
      class="dialog"
      ref={open}
      aria-labelledby="review-start-title"
      data-testid="review-start-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <form class="form" onSubmit={onSubmit} novalidate>
        <h2 id="review-start-title">{t('admin.reviews.startTitle')}</h2>
        <p class="hint">{t('admin.reviews.startHint')}</p>
        <FormError id="review-start-error" message={error()} />
        <div class="field">
          <label for="review-name">{t('admin.users.name')}</label>
          <input
            id="review-name"
            name="name"
            type="text"
            autocomplete="off"
            maxlength={LIMITS.nameMax}
            placeholder="Q1 access review"
            required
            ref={nameInput}
          />
        </div>
        <div class="field">
          <label for="review-deadline">{t('admin.reviews.deadline')}</label>
          <input
            id="review-deadline"
            name="deadline"
            type="datetime-local"
            value={defaultDeadline}
            aria-describedby="review-deadline-hint"
            required
          />
          <p id="review-deadline-hint" class="hint">
            {t('admin.reviews.deadlineHint')}
          </p>
        </div>
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t('admin.reviews.start')}
          </button>
          <button type="button" class="button" onClick={close}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
