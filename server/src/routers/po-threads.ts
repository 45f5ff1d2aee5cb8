import {
  downloadLinkOutput,
  postPoMessageInput,
  poThreadAttachmentInput,
  poThreadInput,
  poThreadOutput,
  resolvePoThreadInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as poThreads from '../suppliers/po-threads.ts';
import { ok, permission, router } from '../trpc.ts';

/**
 * Message threads on purchase orders: the supplier writes (post), the buyer's operators answer (reply) and
 * resolve; files go through POST /files/po-thread-attachments and /files/download.
 */
export const poThreadsRouter = router({
  /** The PO's thread with its messages, files and the caller's unread count (null while nobody wrote). */
  get: permission('purchase-orders:read')
    .input(poThreadInput)
    .output(poThreadOutput)
    .query(({ ctx, input }) => poThreads.get(ctx, input.purchaseOrderId)),
  /** The supplier writes on its PO's thread (opening or reopening it); the operators are mailed. */
  post: permission('purchase-orders:acknowledge')
    .meta({ audit: 'po_thread.message_posted' })
    .input(postPoMessageInput)
    .output(ok.extend({ threadId: z.uuid() }))
    .mutation(({ ctx, input }) => poThreads.post(ctx, input, 'supplier')),
  /** An operator answers on a PO's thread; the supplier's users who handle POs are mailed. */
  reply: permission('purchase-orders:review')
    .meta({ audit: 'po_thread.message_posted' })
    .input(postPoMessageInput)
    .output(ok.extend({ threadId: z.uuid() }))
    .mutation(({ ctx, input }) => poThreads.post(ctx, input, 'staff')),
  /** An operator resolves the thread (a PO marked "problem" goes back to acknowledged or open). */
  resolve: permission('purchase-orders:review')
    .meta({ audit: 'po_thread.resolved' })
    .input(resolvePoThreadInput)
    .output(ok.extend({ status: z.string() }))
    .mutation(({ ctx, input }) => poThreads.resolve(ctx, input)),
  /** The caller has read the thread: its unread count drops to zero. */
  markRead: permission('purchase-orders:read')
    .meta({ audit: 'po_thread.read' })
    .input(poThreadInput)
    .output(ok)
    .mutation(({ ctx, input }) => poThreads.markRead(ctx, input.purchaseOrderId)),
  /** A short-lived link (GET /files/download/…) to one file of a thread, after the same check as get. */
  attachmentLink: permission('purchase-orders:read')
    .input(poThreadAttachmentInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => poThreads.attachmentLink(ctx, input.attachmentId)),
});
