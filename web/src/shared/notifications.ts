import { createSignal } from 'solid-js';
import { trpc } from '../trpc.ts';

/**
 * The caller's unread notification count, shared by the navigation badge (layout.tsx) and the notification
 * centre (features/home/Notifications.tsx), which refreshes it after marking notifications read.
 */
const [unread, setUnread] = createSignal(0);

export { unread };

export async function refreshUnread(): Promise<void> {
  try {
    setUnread((await trpc.notifications.unreadCount.query()).unread);
  } catch {
    // The badge is a courtesy: a failed count leaves the last one shown; the page itself reports errors.
  }
}
