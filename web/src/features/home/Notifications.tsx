import { A } from '@solidjs/router';
import { createSignal, For, onMount, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import { createPagedList, ListStates, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { refreshUnread, unread } from '../../shared/notifications.ts';
import { trpc } from '../../trpc.ts';

type Item = Awaited<ReturnType<typeof trpc.notifications.list.query>>['items'][number];

/** The notification centre: the caller's notifications, newest first, with mark read and mark all read. */
export default function Notifications() {
  usePageTitle(() => t('notify.title'));
  const [unreadOnly, setUnreadOnly] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [said, setSaid] = createSignal<string | null>(null);
  const [readIds, setReadIds] = createSignal<ReadonlySet<string>>(new Set());
  const list = createPagedList(
    () => ({ unreadOnly: unreadOnly() }),
    (f, cursor) => trpc.notifications.list.query({ ...f, cursor }),
  );
  onMount(() => void refreshUnread());
  const isRead = (n: Item) => n.readAt !== null || readIds().has(n.id);

  const markRead = async (ids?: string[]) => {
    setError(null);
    try {
      const out = await guard(
        ids ? trpc.notifications.markRead.mutate({ ids }) : trpc.notifications.markAllRead.mutate(),
      );
      if (ids) setReadIds((s) => new Set([...s, ...ids]));
      else setReadIds(new Set(list.items().map((n) => n.id)));
      setSaid(t('notify.marked', { count: out.marked }));
      await refreshUnread();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section class="stack" aria-labelledby="notifications-title">
      <h1 id="notifications-title">{t('notify.title')}</h1>
      <p>
        {t('notify.intro')} <A href="/profile">{t('notify.profile')}</A>.
      </p>
      <div class="notifications-toolbar">
        <div class="checkbox filter-checkbox">
          <input
            type="checkbox"
            id="notifications-unread"
            data-testid="notifications-unread-only"
            checked={unreadOnly()}
            onChange={(e) => setUnreadOnly(e.currentTarget.checked)}
          />
          <label for="notifications-unread">{t('notify.unreadOnly')}</label>
        </div>
        <button
          type="button"
          class="button"
          data-testid="notifications-mark-all"
          aria-disabled={unread() === 0}
          onClick={() => unread() > 0 && void markRead()}
        >
          {t('notify.markAllRead')}
        </button>
      </div>
      <Show when={error()}>
        {(m) => (
          <p class="form-error" role="alert">
            {m()}
          </p>
        )}
      </Show>
      <Announcement testId="notifications-said" message={said()} />
      <ListStates list={list} noun={t('notify.noun')} emptyText={t('notify.empty')}>
        <ul class="notification-list" data-testid="notifications-list">
          <For each={list.items()}>
            {(n) => (
              <li class="notification" classList={{ unread: !isRead(n) }} data-testid="notification">
                <p class="notification-title">
                  <Show when={!isRead(n)}>
                    <span class="badge" data-testid="notification-unread">
                      {t('notify.new')}
                    </span>{' '}
                  </Show>
                  <Show when={n.link} fallback={<strong>{n.title}</strong>}>
                    {(link) => (
                      <A href={link()} onClick={() => !isRead(n) && void markRead([n.id])}>
                        {n.title}
                      </A>
                    )}
                  </Show>
                </p>
                <p class="notification-body">{n.body}</p>
                <p class="notification-meta">
                  <time datetime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                  <Show when={!isRead(n)}>
                    {' '}
                    <button
                      type="button"
                      class="link-button"
                      data-testid="notification-mark-read"
                      onClick={() => void markRead([n.id])}
                    >
                      {t('notify.markRead')}
                    </button>
                  </Show>
                </p>
              </li>
            )}
          </For>
        </ul>
      </ListStates>
    </section>
  );
}
