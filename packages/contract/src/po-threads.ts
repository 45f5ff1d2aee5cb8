import { z } from 'zod';
import { isoTime } from './auth-schemas.ts';
import { uuid } from './paging.ts';

// Message threads on purchase orders (issue 19 item 4): the supplier and the buyer's operators write on a
// PO, with files; "Flag a problem" opens or reopens the thread; an operator resolves it. Every message is
// audited and mailed to the other side; unread counts show on the home and the PO list.

const text = (what: string, max = 4000) =>
  z
    .string()
    .trim()
    .min(3, `Write at least a few words ${what}.`)
    .max(max, `Keep it under ${max.toLocaleString('en')} characters.`);

export const PO_THREAD_SIDES = ['supplier', 'staff'] as const;
export type PoThreadSide = (typeof PO_THREAD_SIDES)[number];
/** Files per thread (both sides together): a conversation, not a document store. */
export const PO_THREAD_ATTACHMENTS_MAX = 20;

export const poThreadInput = z.object({ purchaseOrderId: uuid });
export const postPoMessageInput = z.object({ purchaseOrderId: uuid, message: text('in your message') });
export const resolvePoThreadInput = z.object({
  purchaseOrderId: uuid,
  /** The version the operator saw: a thread that changed since (a new message) is a CONFLICT. */
  version: z.number().int().positive(),
  resolution: text('about how it was resolved', 2000),
});
export const poThreadAttachmentInput = z.object({ attachmentId: uuid });
/** What the upload route takes besides the file (query string of POST /files/po-thread-attachments). */
export const poThreadUploadFields = z.object({ purchaseOrderId: uuid });

export const poThreadMessage = z.object({
  id: uuid,
  authorSide: z.enum(PO_THREAD_SIDES),
  author: z.string(),
  /** `problem`: written by "Flag a problem". */
  kind: z.enum(['message', 'problem']),
  body: z.string(),
  at: isoTime,
});
export const poThreadAttachment = z.object({
  id: uuid,
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  uploadedBy: z.string(),
  uploaderSide: z.enum(PO_THREAD_SIDES),
  uploadedAt: isoTime,
});
export const poThread = z.object({
  id: uuid,
  status: z.enum(['open', 'resolved']),
  openedAt: isoTime,
  lastMessageAt: isoTime,
  lastAuthorSide: z.enum(PO_THREAD_SIDES),
  resolvedBy: z.string().nullable(),
  resolvedAt: isoTime.nullable(),
  resolution: z.string().nullable(),
  version: z.number().int(),
  /** Messages of the other side the caller has not read yet (before this answer marked nothing). */
  unread: z.number().int(),
  messages: z.array(poThreadMessage),
  attachments: z.array(poThreadAttachment),
});
/** A PO's thread, or null while nobody has written on it. */
export const poThreadOutput = poThread.nullable();
