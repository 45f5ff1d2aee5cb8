import {
  notificationPreferencesOutput,
  notificationSetPreferenceInput,
  notificationsListInput,
  notificationsListOutput,
  notificationsMarkedOutput,
  notificationsMarkReadInput,
  notificationsUnreadOutput,
} from '@gatehouse/contract';
import { enrolledProcedure, ok, router } from '../trpc.ts';
import * as notifications from '../users/notifications.ts';

/**
 * The caller's own notification centre and mail preferences (docs/notifications.md). No permission guards
 * them: every signed-in user has notifications, and each call reads or changes only the caller's own rows.
 */
export const notificationsRouter = router({
  /** The caller's notifications, newest first (keyset paging). */
  list: enrolledProcedure
    .input(notificationsListInput)
    .output(notificationsListOutput)
    .query(({ ctx, input }) => notifications.list(ctx, input)),
  /** How many of the caller's notifications are unread (the navigation badge). */
  unreadCount: enrolledProcedure.output(notificationsUnreadOutput).query(({ ctx }) => notifications.unread(ctx)),
  /** Marks some of the caller's notifications read. */
  markRead: enrolledProcedure
    .meta({ audit: 'notification.read' })
    .input(notificationsMarkReadInput)
    .output(notificationsMarkedOutput)
    .mutation(({ ctx, input }) => notifications.markRead(ctx, input.ids)),
  /** Marks all of the caller's notifications read. */
  markAllRead: enrolledProcedure
    .meta({ audit: 'notification.read' })
    .output(notificationsMarkedOutput)
    .mutation(({ ctx }) => notifications.markRead(ctx)),
  /** The caller's mail choice per event type, and the security mail that cannot be turned off. */
  preferences: enrolledProcedure
    .output(notificationPreferencesOutput)
    .query(({ ctx }) => notifications.preferences(ctx)),
  /** Sets the caller's choice for one event type: immediate mail, daily digest or off (security mail refused). */
  setPreference: enrolledProcedure
    .meta({ audit: 'notification.preference_changed' })
    .input(notificationSetPreferenceInput)
    .output(ok)
    .mutation(({ ctx, input }) => notifications.setPreference(ctx, input)),
});
