import {
  PO_THREAD_ATTACHMENTS_MAX,
  type PoThreadSide,
  type postPoMessageInput,
  type resolvePoThreadInput,
} from '@gatehouse/contract';
import { poThreadsRepo, purchaseOrdersRepo, type Tx } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { Actor } from '../auth/sessions.ts';
import type { Context, ServiceContext } from '../context.ts';
import * as attachments from '../documents/attachments.ts';
import { DomainError, notFound } from '../errors.ts';
import { mintLink } from '../files/links.ts';
import * as outbox from '../integration/outbox.ts';
import { type NotificationEvent, notify, notifyAsSystem } from '../users/notifications.ts';

/**
 * Message threads on purchase orders: the supplier (purchase-orders:acknowledge) and the buyer's operators
 * (purchase-orders:review) write on a PO, with files; "Flag a problem" writes its note as the thread's
 * problem message; an operator resolves the thread, which ends the PO's problem. Every message is audited
 * in its transaction and mailed to the other side: the supplier's users who handle POs, or the operators.
 */

const PO = 'That purchase order' as const;
type PoRow = NonNullable<Awaited<ReturnType<typeof purchaseOrdersRepo.getForUpdate>>>;

/** Which side of the conversation a caller writes on; only a supplier or internal staff have one. */
export function sideOf(actor: Actor): PoThreadSide {
  return actor.partyKind === 'supplier' ? 'supplier' : 'staff';
}

const reader = (actor: Actor) => ({ userId: actor.userId, side: sideOf(actor) });

/** The operators' notification, sent once the supplier's change committed (staff are another party). */
type StaffMail = NotificationEvent;

/**
 * The one rule for who is told of a thread message, and how (through notify, so each person's mail
 * preference holds): a message from staff goes to the supplier's users who handle POs (in the same
 * transaction); one from the supplier goes to the operators who review POs, returned here to be told by
 * `tellStaff` after the commit.
 */
async function tellOtherSide(
  ctx: Context,
  tx: Tx,
  actor: Actor,
  po: PoRow,
  side: PoThreadSide,
  what: { kind: 'message' | 'problem' | 'resolved'; body: string },
): Promise<StaffMail | undefined> {
  const link = `/purchase-orders/${po.id}`;
  if (side === 'supplier') {
    return {
      type: 'po.thread_message',
      partyId: 'staff',
      to: { permission: 'purchase-orders:review' },
      link,
      mailKind: 'po-thread-message',
      // Each operator reads it in their own language.
      text: {
        title: {
          key: what.kind === 'problem' ? 'event.po.thread.problem.title' : 'event.po.thread.supplier_wrote.title',
          values: { party: actor.partyName, number: po.number },
        },
        body: {
          key: 'event.po.thread.supplier_wrote.body',
          values: { name: actor.displayName, party: actor.partyName, message: what.body },
        },
      },
    };
  }
  await notify(ctx, tx, {
    type: 'po.thread_message',
    partyId: po.partyId,
    to: { permission: 'purchase-orders:acknowledge' },
    link,
    mailKind: what.kind === 'resolved' ? 'po-thread-resolved' : 'po-thread-message',
    text: {
      title: {
        key: what.kind === 'resolved' ? 'event.po.thread.buyer_resolved.title' : 'event.po.thread.buyer_wrote.title',
        values: { number: po.number },
      },
      body: {
        key: what.kind === 'resolved' ? 'event.po.thread.buyer_resolved.body' : 'event.po.thread.buyer_wrote.body',
        values: { name: actor.displayName, message: what.body },
      },
    },
  });
  return undefined;
}

/** Tells the operators under the system scope, after the supplier's own transaction committed. */
export async function tellStaff(ctx: Context, mail: StaffMail | undefined) {
  if (mail) await notifyAsSystem(ctx.db, ctx, mail);
  ctx.mail.kick();
}

/**
 * Writes a message on the PO's thread inside the caller's transaction (the PO row already locked):
 * creates or reopens the thread and decides who is told. Used by `post` and by "Flag a problem".
 */
export async function writeInTx(
  ctx: Context,
  tx: Tx,
  actor: Actor,
  po: PoRow,
  m: { kind: 'message' | 'problem'; body: string; at: Date },
) {
  const side = sideOf(actor);
  const { thread, opened } = await poThreadsRepo.post(tx, {
    partyId: po.partyId,
    purchaseOrderId: po.id,
    authorId: actor.userId,
    side,
    kind: m.kind,
    body: m.body,
    at: m.at,
  });
  const staffMail = await tellOtherSide(ctx, tx, actor, po, side, { kind: m.kind, body: m.body });
  return { threadId: thread.id, opened, staffMail };
}

/** The PO's thread with its messages and files (null while nobody wrote); another party's PO: NOT_FOUND. */
export async function get(ctx: ServiceContext, purchaseOrderId: string) {
  const { actor } = ctx;
  return ctx.db.read(ctx.scope, async (tx) => {
    const t = await poThreadsRepo.forPo(tx, purchaseOrderId, reader(actor));
    if (!t) {
      if (!(await purchaseOrdersRepo.get(tx, purchaseOrderId))) throw notFound(PO);
      return null;
    }
    const [messages, files] = [
      await poThreadsRepo.messages(tx, t.partyId, t.id),
      await poThreadsRepo.attachments(tx, t.partyId, t.id),
    ];
    const { partyId: _p, purchaseOrderId: _po, ...rest } = t;
    return {
      ...rest,
      messages: messages.map((x) => ({ ...x, author: x.author ?? 'Former user' })),
      attachments: files.map((a) => ({ ...a, uploadedBy: a.uploadedBy ?? 'Former user' })),
    };
  });
}

/**
 * A message from the supplier (`side` supplier, its own PO) or from an operator (`side` staff); the
 * router decides the side by the procedure, and the caller's party kind must match it.
 */
export async function post(ctx: ServiceContext, input: z.output<typeof postPoMessageInput>, side: PoThreadSide) {
  const { actor } = ctx;
  if (sideOf(actor) !== side || (side === 'staff' && actor.partyKind !== 'internal'))
    throw new DomainError(
      'FORBIDDEN',
      side === 'supplier' ? { key: 'thread.onlySupplier' } : { key: 'thread.onlyBuyer' },
    );
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    const po = await purchaseOrdersRepo.getForUpdate(tx, input.purchaseOrderId);
    if (!po) throw notFound(PO);
    const w = await writeInTx(ctx, tx, actor, po, { kind: 'message', body: input.message, at: now });
    await audit.record(tx, ctx, {
      action: 'po_thread.message_posted',
      outcome: 'success',
      partyId: po.partyId,
      entityType: 'purchase_order',
      entityId: po.id,
      crossParty: po.partyId !== actor.partyId,
      details: { number: po.number, threadId: w.threadId, side, reopened: w.opened, length: input.message.length },
    });
    return w;
  });
  await tellStaff(ctx, out.staffMail);
  return { ok: true as const, threadId: out.threadId };
}

/**
 * An operator resolves the thread, naming the version they saw (a message since is a CONFLICT) and how it
 * was resolved. A PO marked "problem" goes back to acknowledged or open; the ERP is told through the
 * outbox and the supplier by mail, in the same transaction.
 */
export async function resolve(ctx: ServiceContext, input: z.output<typeof resolvePoThreadInput>) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    const po = await purchaseOrdersRepo.getForUpdate(tx, input.purchaseOrderId);
    if (!po) throw notFound(PO);
    const t = await poThreadsRepo.forPoForUpdate(tx, po.id);
    if (!t) throw notFound('A thread on that purchase order');
    if (t.status === 'resolved') throw new DomainError('CONFLICT', { key: 'thread.alreadyResolved' });
    if (t.version !== input.version) throw new DomainError('CONFLICT', { key: 'thread.stale' });
    await poThreadsRepo.resolve(tx, t.id, { by: actor.userId, at: now, resolution: input.resolution });
    const after = po.status === 'problem' ? (po.acknowledgedAt ? 'acknowledged' : 'open') : po.status;
    if (po.status === 'problem') await purchaseOrdersRepo.clearProblem(tx, po.id, after as 'open' | 'acknowledged');
    await outbox.record(tx, now, {
      type: 'purchase_order.problem_resolved',
      partyId: po.partyId,
      subject: { purchaseOrderNumber: po.number },
      payload: { resolution: input.resolution, status: after },
    });
    await audit.record(tx, ctx, {
      action: 'po_thread.resolved',
      outcome: 'success',
      partyId: po.partyId,
      entityType: 'purchase_order',
      entityId: po.id,
      crossParty: po.partyId !== actor.partyId,
      details: {
        number: po.number,
        threadId: t.id,
        resolution: input.resolution,
        before: { status: po.status },
        after: { status: after },
      },
    });
    await tellOtherSide(ctx, tx, actor, po, 'staff', { kind: 'resolved', body: input.resolution });
    return { ok: true as const, status: after };
  });
  ctx.mail.kick();
  return out;
}

/** The caller has read the thread up to now: its unread count drops to zero (home, list, page). */
export async function markRead(ctx: ServiceContext, purchaseOrderId: string) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  return ctx.db.tx(ctx.scope, async (tx) => {
    const t = await poThreadsRepo.forPo(tx, purchaseOrderId, reader(actor));
    if (!t) throw notFound('A thread on that purchase order');
    await poThreadsRepo.markRead(tx, { partyId: t.partyId, threadId: t.id, userId: actor.userId, at: now });
    await audit.record(tx, ctx, {
      action: 'po_thread.read',
      outcome: 'success',
      partyId: t.partyId,
      entityType: 'purchase_order',
      entityId: purchaseOrderId,
      crossParty: t.partyId !== actor.partyId,
      details: { threadId: t.id, unread: t.unread },
    });
    return { ok: true as const };
  });
}

// ---- files (they arrive through POST /files/po-thread-attachments, server/src/files/routes.ts)

/** Only a side that may write may add files: the supplier with acknowledge, operators with review. */
function requireWriter(actor: Actor) {
  const ok =
    actor.partyKind === 'supplier'
      ? actor.permissions.has('purchase-orders:acknowledge')
      : actor.partyKind === 'internal' && actor.permissions.has('purchase-orders:review');
  if (!ok) throw new DomainError('FORBIDDEN', { key: 'auth.forbidden' });
}

async function openThreadForFiles(tx: Tx, actor: Actor, purchaseOrderId: string, lock: boolean) {
  const t = lock
    ? await poThreadsRepo.forPoForUpdate(tx, purchaseOrderId)
    : await poThreadsRepo.forPo(tx, purchaseOrderId, reader(actor));
  if (!t) throw notFound('A thread on that purchase order');
  if (t.status !== 'open') throw new DomainError('CONFLICT', { key: 'thread.resolvedReopen' });
  if ((await poThreadsRepo.attachmentCount(tx, t.partyId, t.id)) >= PO_THREAD_ATTACHMENTS_MAX)
    throw new DomainError('BAD_REQUEST', { key: 'thread.attachmentsMax', values: { max: PO_THREAD_ATTACHMENTS_MAX } });
  return t;
}

/** Before a byte is read: a writer on this side, an open thread on a PO in scope, room for a file. */
export async function checkUpload(ctx: ServiceContext, fields: { purchaseOrderId: string }) {
  const { actor } = ctx;
  requireWriter(actor);
  await ctx.db.read(ctx.scope, (tx) => openThreadForFiles(tx, actor, fields.purchaseOrderId, false));
}

/** The checked file, recorded on the thread; audited in the same transaction. */
export async function recordUpload(
  ctx: ServiceContext,
  f: { purchaseOrderId: string; fileName: string; contentType: string; sizeBytes: number; sha256: string },
) {
  const { actor } = ctx;
  requireWriter(actor);
  return ctx.db.tx(ctx.scope, async (tx) => {
    // Checked again under the lock: the thread may have been resolved while the file streamed in.
    const t = await openThreadForFiles(tx, actor, f.purchaseOrderId, true);
    const id = await poThreadsRepo.addAttachment(tx, {
      partyId: t.partyId,
      threadId: t.id,
      fileName: f.fileName,
      contentType: f.contentType,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      uploadedBy: actor.userId,
      uploaderSide: sideOf(actor),
      uploadedAt: new Date(ctx.clock.now()),
    });
    await audit.record(tx, ctx, {
      action: 'po_thread.attachment_added',
      outcome: 'success',
      partyId: t.partyId,
      entityType: 'purchase_order',
      entityId: f.purchaseOrderId,
      crossParty: t.partyId !== actor.partyId,
      details: {
        threadId: t.id,
        attachmentId: id,
        fileName: f.fileName,
        contentType: f.contentType,
        sizeBytes: f.sizeBytes,
        sha256: f.sha256,
      },
    });
    return { id };
  });
}

/** A refused file (a disguised executable, a path in its name) is security-relevant: audited, nothing stored. */
export async function recordRefusedUpload(ctx: ServiceContext, reason: string, fields: { purchaseOrderId: string }) {
  await attachments.recordRefusedAttachment(ctx, reason, {
    action: 'po_thread.attachment_refused',
    entityType: 'purchase_order',
    entityId: fields.purchaseOrderId,
  });
}

/** A short-lived link to one file, after the same read check as poThreads.get. */
export async function attachmentLink(ctx: ServiceContext, attachmentId: string) {
  const found = await ctx.db.readOne(ctx.scope, (tx) => poThreadsRepo.attachment(tx, attachmentId));
  if (!found) throw notFound('That file');
  return mintLink(ctx, 'po-thread-attachment', attachmentId);
}

/** Serves a link minted by attachmentLink: audited before a byte is sent. */
export function openAttachment(ctx: ServiceContext, token: string) {
  return attachments.openAttachment(ctx, token, {
    kind: 'po-thread-attachment',
    find: poThreadsRepo.attachment,
    action: 'po_thread.attachment_downloaded',
    entity: (f) => ({ type: 'po_thread', id: f.threadId }),
  });
}
