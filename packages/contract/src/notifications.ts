import { z } from 'zod';
import { isoTime } from './auth-schemas.ts';
import { pageInput, uuid } from './paging.ts';

// Notifications (issue 19 item 6, docs/notifications.md): every event source calls one notify() verb; each
// recipient gets an in-app notification and, per their choice for the event's type, a mail now, a line in
// the daily digest, or nothing. Security mail is not a notification type: it always goes out.

/** The event types a user can choose for, with the label the Profile page and the digest show. */
export const NOTIFICATION_TYPES = {
  'po.thread_message': 'Messages on purchase orders',
  'invoice_query.replied': 'Answers to invoice queries',
  'change_request.decided': 'Change requests decided',
  'document.decided': 'Documents approved or rejected',
  'approval.waiting': 'Approvals waiting for you',
  'confirmation.decided': 'PO confirmations accepted or rejected',
  'invoice.new': 'New invoices',
  'credit_note.new': 'New credit notes',
  'shipment.new': 'New shipments',
  'po.issued': 'New purchase orders',
  'po.changed': 'Purchase orders changed',
  'document.expiring': 'Documents about to expire',
} as const;
export type NotificationType = keyof typeof NOTIFICATION_TYPES;
/** Which kinds of party ever receive each type (the Profile offers only those). */
export const NOTIFICATION_TYPE_PARTIES: Record<NotificationType, readonly ('internal' | 'customer' | 'supplier')[]> = {
  'po.thread_message': ['supplier', 'internal'],
  'invoice_query.replied': ['customer'],
  'change_request.decided': ['supplier', 'customer'],
  'document.decided': ['supplier'],
  'approval.waiting': ['internal'],
  'confirmation.decided': ['supplier'],
  'invoice.new': ['customer'],
  'credit_note.new': ['customer'],
  'shipment.new': ['customer'],
  'po.issued': ['supplier'],
  'po.changed': ['supplier'],
  'document.expiring': ['supplier'],
};
export const NOTIFICATION_TYPE_KEYS = Object.keys(NOTIFICATION_TYPES) as [NotificationType, ...NotificationType[]];

/**
 * Security mail (lockouts, sign-in from a new network, 2FA changes, password resets): never routed through
 * preferences, never digested, no unsubscribe link. The preferences API refuses these names.
 */
export const SECURITY_MAIL_KINDS = ['lockout', 'security-alert', 'mfa-reset', 'password-reset', 'new-sign-in'] as const;

export const NOTIFICATION_MODES = ['immediate', 'digest', 'off'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];
/** Without a stored choice a type mails immediately (what the portal did before preferences existed). */
export const DEFAULT_NOTIFICATION_MODE: NotificationMode = 'immediate';

export const notificationsListInput = pageInput.extend({ unreadOnly: z.boolean().default(false) });
export const notificationView = z.object({
  id: uuid,
  type: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: isoTime,
  readAt: isoTime.nullable(),
});
export const notificationsListOutput = z.object({
  items: z.array(notificationView),
  nextCursor: z.string().nullable(),
});
export const notificationsUnreadOutput = z.object({ unread: z.number().int() });
export const notificationsMarkReadInput = z.object({ ids: z.array(uuid).min(1).max(200) });
export const notificationsMarkedOutput = z.object({ marked: z.number().int() });
export const notificationPreferencesOutput = z.object({
  items: z.array(z.object({ type: z.string(), label: z.string(), mode: z.enum(NOTIFICATION_MODES) })),
  security: z.array(z.string()),
});
/** `type` is a plain string so that a security kind reaches the service and gets its clear refusal. */
export const notificationSetPreferenceInput = z.object({
  type: z.string().trim().min(1).max(60),
  mode: z.enum(NOTIFICATION_MODES),
});
