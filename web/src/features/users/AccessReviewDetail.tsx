import { A, useParams, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { can, currentMe, guard } from '../../auth.ts';
import { type AdminKey, t } from '../../i18n.ts';
import { createPagedList, ErrorPanel, ListStates, StatusBadge, usePageTitle } from '../../shared/data.tsx';
import { saveTextFile } from '../../shared/download.ts';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { createGrantableRoles, roleName } from '../../shared/roles.tsx';
import { trpc } from '../../trpc.ts';
import { Deadline, ReviewProgress, type ReviewSummary } from './access-review-pieces.tsx';

type ReviewItem = Awaited<ReturnType<typeof trpc.accessReviews.items.query>>['items'][number];
type Decision = 'keep' | 'revoke';
type SortKey = 'party' | 'user' | 'role';

const PAGE_SIZE = 50;

export default function AccessReviewDetail() {
  const params = useParams();
  const [reviews, { refetch }] = createResource(
    () => params.id,
    () => guard(trpc.accessReviews.list.query()),
  );
  const review = () => (reviews.state === 'ready' || reviews.state === 'refreshing' ? reviews() : undefined);
  const found = () => review()?.find((r) => r.id === params.id);
  usePageTitle(() => found()?.name ?? t('admin.accessReview.title'));

  return (
    <section aria-labelledby="review-title" class="detail">
      <p class="back">
        <A href="/access-reviews">← {t('admin.accessReview.back')}</A>
      </p>
      <Switch>
        <Match when={reviews.state === 'pending' || reviews.state === 'unresolved'}>
          <h1 id="review-title">{t('admin.accessReview.title')}</h1>
          <p class="list-message" role="status">
            {t('admin.accessReview.loading')}
          </p>
        </Match>
        <Match when={reviews.state === 'errored'}>
          <h1 id="review-title">{t('admin.accessReview.title')}</h1>
          <ErrorPanel message={errorMessage(reviews.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={found()}>{(r) => <ReviewView review={r()} refresh={() => void refetch()} />}</Match>
        <Match when={review()}>
          <h1 id="review-title">{t('admin.accessReview.notFoundTitle')}</h1>
          <p role="alert" class="form-error" data-testid="review-not-found">
            {t('admin.accessReview.notFound')}
          </p>
        </Match>
      </Switch>
    </section>
  );
}

function ReviewView(props: { review: ReviewSummary; refresh: () => void }) {
  const [params, setParams] = useSearchParams();
  const pendingOnly = () => params.pending === '1';
  const sort = (): SortKey => (params.sort === 'user' || params.sort === 'role' ? params.sort : 'party');
  const reviewId = () => props.review.id;
  const filters = createMemo(() => ({ reviewId: reviewId(), pendingOnly: pendingOnly() }), undefined, {
    equals: (a, b) => a.reviewId === b.reviewId && a.pendingOnly === b.pendingOnly,
  });
  const list = createPagedList(filters, (f, cursor) =>
    trpc.accessReviews.items.query({ reviewId: f.reviewId, pendingOnly: f.pendingOnly, cursor, limit: PAGE_SIZE }),
  );
  // Role names: the grantable roles, and for those who read roles (staff) every role of every party.
  const roles = createGrantableRoles();
  const [allRoles] = createResource(
    () => can('roles:read') || undefined,
    () => guard(trpc.roles.list.query()),
  );
  const roleOptions = () => [
    ...(roles.state === 'ready' ? roles() : []),
    ...(allRoles.state === 'ready' ? allRoles() : []),
  ];

  // Decisions made on this page, shown in place (the row stays put until the list reloads).
  const [decided, setDecided] = createSignal<Record<string, { decision: Decision; at: string }>>({});
  const [rowErrors, setRowErrors] = createSignal<Record<string, string>>({});
  const [busyItem, setBusyItem] = createSignal<string | null>(null);
  const [confirmRevoke, setConfirmRevoke] = createSignal<string | null>(null);
  const [extraDecided, setExtraDecided] = createSignal(0);
  // The list from the server may be older than a decision: the progress counts ours once more until refreshed.
  const decidedCount = () => Math.min(props.review.decided + extraDecided(), props.review.total);

  const decisionOf = (item: ReviewItem) => decided()[item.id]?.decision ?? item.decision;
  const decidedAtOf = (item: ReviewItem) => decided()[item.id]?.at ?? item.decidedAt;
  const open = () => props.review.status === 'open' && new Date(props.review.deadline).getTime() > Date.now();
  const myId = () => currentMe()?.user.id;
  // Closing suspends whoever is unattested, the one closing included (another admin must attest them first).
  const ownPending = () => list.items().some((i) => i.userId === myId() && decisionOf(i) === null);

  const sorted = createMemo(() => {
    const key = sort();
    const by = (i: ReviewItem) =>
      key === 'user'
        ? [i.displayName, i.email, i.roleKey]
        : key === 'role'
          ? [i.roleKey, i.partyName, i.displayName]
          : [i.partyName, i.displayName, i.email, i.roleKey];
    return [...list.items()].sort((a, b) => {
      const x = by(a);
      const y = by(b);
      for (let n = 0; n < x.length; n++) {
        const c = (x[n] ?? '').localeCompare(y[n] ?? '', undefined, { sensitivity: 'base' });
        if (c !== 0) return c;
      }
      return 0;
    });
  });
  const manyParties = () => new Set(list.items().map((i) => i.partyId)).size > 1;

  const decide = async (item: ReviewItem, decision: Decision) => {
    if (busyItem()) return;
    setBusyItem(item.id);
    setRowErrors(({ [item.id]: _, ...rest }) => rest);
    try {
      await withReauth(() => trpc.accessReviews.decide.mutate({ itemId: item.id, decision }));
      setDecided((d) => ({ ...d, [item.id]: { decision, at: new Date().toISOString() } }));
      setExtraDecided((n) => n + 1);
      setConfirmRevoke(null);
      setAnnouncement(
        t(decision === 'keep' ? 'admin.accessReview.kept' : 'admin.accessReview.revoked', {
          role: roleName(roleOptions(), item.roleKey),
          name: item.displayName,
        }),
      );
    } catch (err) {
      setRowErrors((e) => ({ ...e, [item.id]: errorMessage(err) }));
      setConfirmRevoke(null);
    } finally {
      setBusyItem(null);
    }
  };

  // Campaign actions of system admins.
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);
  const [closing, setClosing] = createSignal<'confirm' | 'busy' | null>(null);
  const [exporting, setExporting] = createSignal(false);

  const closeNow = async () => {
    setClosing('busy');
    setActionError(null);
    try {
      const { expired, usersSuspended } = await withReauth(() =>
        trpc.accessReviews.close.mutate({ reviewId: reviewId() }),
      );
      setAnnouncement(t('admin.accessReview.closed', { expired, suspended: usersSuspended }));
      setClosing(null);
      setDecided({});
      setExtraDecided(0);
      props.refresh();
      list.reload();
    } catch (err) {
      setActionError(errorMessage(err));
      setClosing('confirm');
    }
  };

  const exportCsv = async () => {
    if (exporting()) return;
    setExporting(true);
    setActionError(null);
    try {
      const { filename, csv } = await withReauth(() => trpc.accessReviews.export.mutate({ reviewId: reviewId() }));
      saveTextFile(filename, csv, 'text/csv;charset=utf-8');
      setAnnouncement(t('admin.accessReview.downloaded', { filename }));
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <div class="detail-header">
        <h1 id="review-title">{props.review.name}</h1>
        <StatusBadge status={props.review.status} />
      </div>
      <dl class="summary review-summary">
        <div>
          <dt>{t('admin.reviews.progress')}</dt>
          <dd>
            <ReviewProgress id="review-progress-bar" decided={decidedCount()} total={props.review.total} />
          </dd>
        </div>
        <div>
          <dt>{t('admin.reviews.deadline')}</dt>
          <dd>
            <Deadline review={props.review} />
          </dd>
        </div>
        <div>
          <dt>{t('admin.accessReview.started')}</dt>
          <dd>
            <time datetime={props.review.startedAt}>{formatDateTime(props.review.startedAt)}</time>
          </dd>
        </div>
        <Show when={props.review.closedAt}>
          {(at) => (
            <div>
              <dt>{t('admin.accessReview.closedAt')}</dt>
              <dd>
                <time datetime={at()}>{formatDateTime(at())}</time>
              </dd>
            </div>
          )}
        </Show>
      </dl>

      <div role="status" data-testid="review-status">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <Show when={actionError()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="review-action-error">
            {message()}
          </p>
        )}
      </Show>

      <Show when={can('access-reviews:manage')}>
        <div class="review-actions">
          <button
            type="button"
            class="button"
            data-testid="review-export"
            disabled={exporting()}
            aria-busy={exporting()}
            onClick={() => void exportCsv()}
          >
            {t('admin.accessReview.export')}
          </button>
          <Show when={props.review.status === 'open' && closing() === null}>
            <button type="button" class="button" data-testid="review-close" onClick={() => setClosing('confirm')}>
              {t('admin.accessReview.close')}
            </button>
          </Show>
        </div>
        <Show when={closing()}>
          <div class="confirm review-confirm" data-testid="review-close-confirm">
            <p id="review-close-text" class="confirm-text">
              {t('admin.accessReview.closeConfirm', { name: props.review.name })}
              <Show when={ownPending()}>
                {' '}
                <strong data-testid="review-close-self">{t('admin.accessReview.closeSelf')}</strong>
              </Show>
            </p>
            <div class="button-row">
              <button
                type="button"
                class="button button-danger"
                aria-describedby="review-close-text"
                data-testid="review-close-yes"
                disabled={closing() === 'busy'}
                aria-busy={closing() === 'busy'}
                onClick={() => void closeNow()}
              >
                {t('admin.accessReview.closeYes')}
              </button>
              <button type="button" class="button" onClick={() => setClosing(null)}>
                {t('common.cancel')}
              </button>
            </div>
          </div>
        </Show>
      </Show>

      <form class="filters" aria-label={t('admin.accessReview.filter')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="review-sort">{t('admin.accessReview.sortBy')}</label>
          <select
            id="review-sort"
            name="sort"
            value={sort()}
            onChange={(e) =>
              setParams(
                { sort: e.currentTarget.value === 'party' ? undefined : e.currentTarget.value },
                { replace: true },
              )
            }
          >
            <option value="party">{t('admin.accessReview.organisation')}</option>
            <option value="user">{t('admin.accessReview.user')}</option>
            <option value="role">{t('admin.accessReview.role')}</option>
          </select>
        </div>
        <div class="checkbox review-pending-filter">
          <input
            type="checkbox"
            id="review-pending"
            name="pending"
            data-testid="review-pending-only"
            checked={pendingOnly()}
            onChange={(e) => setParams({ pending: e.currentTarget.checked ? '1' : undefined }, { replace: true })}
          />
          <label for="review-pending">{t('admin.accessReview.pendingOnly')}</label>
        </div>
      </form>

      <ListStates
        list={list}
        noun={t('admin.accessReview.noun')}
        emptyText={t(pendingOnly() ? 'admin.accessReview.noneLeft' : 'admin.accessReview.none')}
      >
        <div class="table-wrap stack">
          <table class="data-table review-items" data-testid="review-items" aria-busy={list.phase() === 'loading'}>
            <caption class="visually-hidden">{t('admin.accessReview.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.accessReview.user')}</th>
                <th scope="col">{t('admin.accessReview.email')}</th>
                <Show when={manyParties()}>
                  <th scope="col">{t('admin.accessReview.organisation')}</th>
                </Show>
                <th scope="col">{t('admin.accessReview.role')}</th>
                <th scope="col">{t('admin.accessReview.decision')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('admin.accessReview.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={sorted()}>
                {(item) => {
                  const decision = () => decisionOf(item);
                  const role = () => roleName(roleOptions(), item.roleKey);
                  const busy = () => busyItem() === item.id;
                  const error = () => rowErrors()[item.id];
                  return (
                    <tr data-testid="review-item" data-email={item.email} data-role={item.roleKey}>
                      <th scope="row" class="wrap">
                        <span>
                          {item.displayName}
                          <Show when={item.userId === myId()}>
                            <span class="muted"> {t('admin.accessReview.you')}</span>
                          </Show>
                        </span>
                      </th>
                      <td class="wrap" data-label={t('admin.accessReview.email')}>
                        {item.email}
                      </td>
                      <Show when={manyParties()}>
                        <td class="wrap" data-label={t('admin.accessReview.organisation')}>
                          {item.partyName}
                        </td>
                      </Show>
                      <td class="wrap" data-label={t('admin.accessReview.role')}>
                        {role()}
                      </td>
                      <td data-label={t('admin.accessReview.decision')}>
                        <DecisionBadge decision={decision()} at={decidedAtOf(item)} />
                      </td>
                      <td class="actions review-item-actions">
                        <Show when={decision() === null && open()}>
                          <Show
                            when={confirmRevoke() === item.id}
                            fallback={
                              <span class="button-row review-buttons">
                                <button
                                  type="button"
                                  class="button button-small"
                                  data-testid="review-keep"
                                  disabled={busyItem() !== null}
                                  aria-busy={busy()}
                                  aria-label={t('admin.accessReview.keepLabel', {
                                    role: role(),
                                    name: item.displayName,
                                  })}
                                  onClick={() => void decide(item, 'keep')}
                                >
                                  {t('admin.accessReview.keep')}
                                </button>
                                <button
                                  type="button"
                                  class="button button-small"
                                  data-testid="review-revoke"
                                  disabled={busyItem() !== null}
                                  aria-label={t('admin.accessReview.revokeLabel', {
                                    role: role(),
                                    name: item.displayName,
                                  })}
                                  onClick={() => {
                                    setRowErrors(({ [item.id]: _, ...rest }) => rest);
                                    setConfirmRevoke(item.id);
                                  }}
                                >
                                  {t('admin.accessReview.revoke')}
                                </button>
                              </span>
                            }
                          >
                            <span class="review-revoke-confirm" data-testid="review-revoke-confirm">
                              <span id={`revoke-text-${item.id}`} class="review-revoke-text">
                                {t('admin.accessReview.revokeConfirm', { role: role(), name: item.displayName })}
                              </span>
                              <span class="button-row review-buttons">
                                <button
                                  type="button"
                                  class="button button-small button-danger"
                                  data-testid="review-revoke-yes"
                                  aria-describedby={`revoke-text-${item.id}`}
                                  disabled={busyItem() !== null}
                                  aria-busy={busy()}
                                  onClick={() => void decide(item, 'revoke')}
                                >
                                  {t('admin.accessReview.revokeYes')}
                                </button>
                                <button
                                  type="button"
                                  class="button button-small"
                                  onClick={() => setConfirmRevoke(null)}
                                >
                                  {t('common.cancel')}
                                </button>
                              </span>
                            </span>
                          </Show>
                        </Show>
                        <Show when={error()}>
                          {(message) => (
                            <span class="review-row-error" role="alert" data-testid="review-item-error">
                              {message()}
                            </span>
                          )}
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
    </>
  );
}

const DECISION_WORDS: Record<NonNullable<ReviewItem['decision']> | 'pending', AdminKey> = {
  keep: 'admin.accessReview.decisionKept',
  revoke: 'admin.accessReview.decisionRevoked',
  expired: 'admin.accessReview.decisionExpired',
  pending: 'admin.accessReview.decisionPending',
};

function DecisionBadge(props: { decision: ReviewItem['decision']; at: string | null }) {
  const word = () => t(DECISION_WORDS[props.decision ?? 'pending']);
  return (
    <span class={`badge badge-decision-${props.decision ?? 'pending'}`} data-testid="review-decision">
      <Show when={props.at} fallback={word()}>
        {(at) => <span title={formatDateTime(at())}>{word()}</span>}
      </Show>
    </span>
  );
}
