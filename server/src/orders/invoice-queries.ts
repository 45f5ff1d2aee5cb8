import {
  type closeInvoiceQueryInput,
  INVOICE_QUERY_ATTACHMENTS_MAX,
  type INVOICE_QUERY_REASON_LABELS,
  type invoiceQueriesListInput,
  type raiseInvoiceQueryInput,
} from '@gatehouse/contract';
import { invoiceQueriesRepo, mailRepo, type Tx, usersRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import * as attachments from '../documents/attachments.ts';
import { DomainError, notFound } from '../errors.ts';
import { mintLink } from '../files/links.ts';
import * as outbox from '../integration/outbox.ts';
import { type MailValue, mailFor } from '../mail/i18n.ts';
import { ownScope, SYSTEM_SCOPE } from '../parties/scope.ts';
import { notify } from '../users/notifications.ts';

/**
 * Invoice queries (disputes): a customer's accounts clerk raises a query on an invoice or one of its lines,
 * with a reason, a message and files; staff answer in the same thread and resolve or reject it with a
 * reason. Every step is audited in its own transaction and mailed to the other side; the outcome goes to
 * the ERP through the integration outbox (invoice_query.resolved / invoice_query.rejected). Nothing here
 * changes an amount: a credit note, if one follows, comes from the ERP like any other.
 */

const WHAT = 'That invoice query' as const;
type Summary = NonNullable<Awaited<ReturnType<typeof invoiceQueriesRepo.get>>>;

function present(q: Summary) {
  const { raisedById: _r, ...rest } = q;
  return { ...rest, raisedBy: q.raisedBy ?? 'Former user' };
}

/** What a query is about, as the catalogue's messages take it: the invoice, and its line ('none': all of it). */
const about = (q: { invoiceNumber: string; lineNo: number | null }) => ({
  number: q.invoiceNumber,
  line: q.lineNo === null ? 'none' : String(q.lineNo),
});
const reasonOf = (r: keyof typeof INVOICE_QUERY_REASON_LABELS) => ({ text: `invoice_query.reason.${r}` as const });

/** A customer raises a query; the raiser gets a receipt and the handlers are told (after the commit). */
export async function raise(ctx: ServiceContext, input: z.output<typeof raiseInvoiceQueryInput>) {
  const { actor } = ctx;
  if (actor.partyKind !== 'customer') throw new DomainError('FORBIDDEN', { key: 'invoiceQuery.onlyCustomers' });
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ownScope(actor), async (tx) => {
    const inv = await invoiceQueriesRepo.invoiceForQuery(tx, input.invoiceId);
    if (!inv) throw notFound('That invoice');
    if (inv.status === 'cancelled') throw new DomainError('BAD_REQUEST', { key: 'invoiceQuery.cancelledInvoice' });
    const line = input.lineNo !== undefined ? await invoiceQueriesRepo.lineOf(tx, inv, input.lineNo) : undefined;
    if (input.lineNo !== undefined && !line)
      throw new DomainError('BAD_REQUEST', { key: 'invoiceQuery.noLine', values: { line: String(input.lineNo) } });
    const id = await invoiceQueriesRepo.insert(tx, {
      partyId: actor.partyId,
      invoiceId: inv.id,
      lineNo: input.lineNo ?? null,
      reason: input.reason,
      raisedBy: actor.userId,
      message: input.message,
      at: now,
    });
    await audit.record(tx, ctx, {
      action: 'invoice_query.raised',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'invoice_query',
      entityId: id,
      details: { invoiceId: inv.id, invoiceNumber: inv.number, lineNo: input.lineNo ?? null, reason: input.reason },
    });
    const subject = about({ invoiceNumber: inv.number, lineNo: input.lineNo ?? null });
    const to = await usersRepo.activeRecipient(tx, actor.userId);
    const values = {
      ...subject,
      reason: reasonOf(input.reason),
      url: `${ctx.config.publicOrigin}/invoices/${inv.id}`,
    };
    if (to)
      await mailRepo.enqueue(
        tx,
        mailFor(
          to,
          'invoice-query-raised',
          { key: 'invoice_query.received.subject', values },
          { key: 'invoice_query.received.body', values },
        ),
      );
    return { id, subject };
  });
  await mailHandlers(ctx, out.id, 'waiting', {
    ...out.subject,
    party: actor.partyName,
    reason: reasonOf(input.reason),
  });
  ctx.mail.kick();
  return { id: out.id };
}

async function detail(tx: Tx, q: Summary) {
  const { messages, attachments } = await invoiceQueriesRepo.thread(tx, q.partyId, q.id);
  const inv = await invoiceQueriesRepo.invoiceForQuery(tx, q.invoiceId);
  const line = q.lineNo !== null && inv ? await invoiceQueriesRepo.lineOf(tx, inv, q.lineNo) : undefined;
  return {
    ...present(q),
    line: line ?? null,
    messages: messages.map((m) => ({ ...m, author: m.author ?? 'Former user' })),
    attachments: attachments.map((a) => ({ ...a, uploadedBy: a.uploadedBy ?? 'Former user' })),
  };
}

/** One query with its thread: the customer's own, or any for staff (another party's answers NOT_FOUND). */
export async function get(ctx: ServiceContext, id: string) {
  return ctx.db.read(ctx.scope, async (tx) => {
    const q = await invoiceQueriesRepo.get(tx, id);
    if (!q) throw notFound(WHAT);
    return detail(tx, q);
  });
}

/** The queries on one invoice with their threads, newest first (the invoice page shows them). */
export async function forInvoice(ctx: ServiceContext, invoiceId: string) {
  return ctx.db.read(ctx.scope, async (tx) => {
    const inv = await invoiceQueriesRepo.invoiceForQuery(tx, invoiceId);
    if (!inv) throw notFound('That invoice');
    const rows = await invoiceQueriesRepo.forInvoice(tx, invoiceId);
    const out = [];
    for (const q of rows) out.push(await detail(tx, q));
    return out;
  });
}

/** The caller's queries (a customer: its own party's, newest first). */
export function list(ctx: ServiceContext, input: z.output<typeof invoiceQueriesListInput>) {
  return ctx.db
    .readOne(ctx.scope, (tx) => invoiceQueriesRepo.list(tx, input))
    .then((p) => ({ ...p, items: p.items.map(present) }));
}

/** Staff: queries across parties, oldest first (open unless a status is given). */
export function queue(ctx: ServiceContext, input: z.output<typeof invoiceQueriesListInput>) {
  return ctx.db
    .readOne(ctx.scope, (tx) =>
      invoiceQueriesRepo.list(tx, { ...input, status: input.status ?? 'open', oldestFirst: true }),
    )
    .then((p) => ({ ...p, items: p.items.map(present) }));
}

async function openForUpdate(tx: Tx, id: string, version?: number) {
  const q = await invoiceQueriesRepo.getForUpdate(tx, id);
  if (!q) throw notFound(WHAT);
  if (q.status !== 'open')
    throw new DomainError('CONFLICT', { key: 'invoiceQuery.alreadyClosed', values: { status: q.status } });
  if (version !== undefined && q.version !== version) throw new DomainError('CONFLICT', { key: 'invoiceQuery.stale' });
  return q;
}

/**
 * A message in the thread: from the customer (invoice-queries:create) or from staff (invoice-queries:handle),
 * each side told by mail of the other's.
 */
export async function reply(ctx: ServiceContext, input: { id: string; message: string }, side: 'customer' | 'staff') {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  if (side === 'customer' && actor.partyKind !== 'customer')
    throw new DomainError('FORBIDDEN', { key: 'invoiceQuery.onlyCustomerAdds' });
  const staffMails: { subject: ReturnType<typeof about>; id: string } | undefined = await ctx.db.tx(
    side === 'customer' ? ownScope(actor) : ctx.scope,
    async (tx) => {
      await openForUpdate(tx, input.id);
      const q = (await invoiceQueriesRepo.get(tx, input.id)) as Summary;
      await invoiceQueriesRepo.addMessage(tx, {
        partyId: q.partyId,
        queryId: q.id,
        authorId: actor.userId,
        side,
        body: input.message,
        at: now,
      });
      await audit.record(tx, ctx, {
        action: 'invoice_query.replied',
        outcome: 'success',
        partyId: q.partyId,
        entityType: 'invoice_query',
        entityId: q.id,
        crossParty: q.partyId !== actor.partyId,
        details: { side, invoiceNumber: q.invoiceNumber },
      });
      if (side === 'customer') return { subject: about(q), id: q.id };
      await notify(ctx, tx, {
        type: 'invoice_query.replied',
        partyId: q.partyId,
        to: { userIds: [q.raisedById] },
        text: {
          title: { key: 'invoice_query.answered.title', values: about(q) },
          body: {
            key: 'invoice_query.answered.body',
            values: { ...about(q), name: actor.displayName, message: input.message },
          },
        },
        link: `/invoices/${q.invoiceId}`,
        mailKind: 'invoice-query-answered',
      });
      return undefined;
    },
  );
  if (staffMails) await mailHandlers(ctx, staffMails.id, 'added', { ...staffMails.subject, party: actor.partyName });
  ctx.mail.kick();
  return { ok: true as const };
}

/**
 * Staff resolve or reject an open query with a reason, naming the version they saw: the row lock makes two
 * handlers closing at once take turns, and the second finds it closed (CONFLICT). The ERP is told through
 * the outbox in the same transaction; the customer by mail.
 */
export async function close(ctx: ServiceContext, input: z.output<typeof closeInvoiceQueryInput>) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    await openForUpdate(tx, input.id, input.version);
    const q = (await invoiceQueriesRepo.get(tx, input.id)) as Summary;
    await invoiceQueriesRepo.close(tx, q.id, {
      status: input.outcome,
      closedBy: actor.userId,
      at: now,
      resolution: input.reason,
    });
    await outbox.record(tx, now, {
      type: input.outcome === 'resolved' ? 'invoice_query.resolved' : 'invoice_query.rejected',
      partyId: q.partyId,
      subject: { invoiceQueryId: q.id, invoiceId: q.invoiceId, invoiceNumber: q.invoiceNumber, lineNo: q.lineNo },
      payload: { reason: q.reason, outcome: input.outcome, resolution: input.reason },
    });
    await audit.record(tx, ctx, {
      action: input.outcome === 'resolved' ? 'invoice_query.resolved' : 'invoice_query.rejected',
      outcome: 'success',
      partyId: q.partyId,
      entityType: 'invoice_query',
      entityId: q.id,
      crossParty: q.partyId !== actor.partyId,
      details: { invoiceNumber: q.invoiceNumber, lineNo: q.lineNo, reason: input.reason },
    });
    const to = await usersRepo.activeRecipient(tx, q.raisedById);
    const values = {
      ...about(q),
      outcome: input.outcome,
      reason: input.reason,
      url: `${ctx.config.publicOrigin}/invoices/${q.invoiceId}`,
    };
    if (to)
      await mailRepo.enqueue(
        tx,
        mailFor(
          to,
          'invoice-query-closed',
          { key: 'invoice_query.closed.subject', values },
          { key: 'invoice_query.closed.body', values },
        ),
      );
    return { ok: true as const, status: input.outcome };
  });
  ctx.mail.kick();
  return out;
}

/**
 * Mails every invoice-query handler, each in their own language, about query `id`: a new query (`waiting`) or
 * the customer adding to one (`added`). Staff are another party, so their addresses are read under the
 * system scope, once the query exists.
 */
async function mailHandlers(
  ctx: ServiceContext,
  id: string,
  message: 'waiting' | 'added',
  fields: Record<string, MailValue>,
) {
  const values = { ...fields, url: `${ctx.config.publicOrigin}/work-queue/invoice-queries/${id}` };
  await ctx.db.tx(SYSTEM_SCOPE, async (tx) => {
    for (const to of await invoiceQueriesRepo.handlerRecipients(tx))
      await mailRepo.enqueue(
        tx,
        mailFor(
          to,
          'invoice-query-waiting',
          { key: `invoice_query.${message}.subject`, values },
          { key: `invoice_query.${message}.body`, values },
        ),
      );
  });
}

// ---- attachments (files arrive through POST /files/invoice-query-attachments, server/src/files/routes.ts)

/** Before a byte is read: the query is the caller's own, still open, and has room for another file. */
export async function checkUpload(ctx: ServiceContext, fields: { queryId: string }) {
  const { actor } = ctx;
  if (actor.partyKind !== 'customer') throw new DomainError('FORBIDDEN', { key: 'invoiceQuery.onlyCustomerFiles' });
  await ctx.db.read(ownScope(actor), async (tx) => {
    const q = await invoiceQueriesRepo.get(tx, fields.queryId);
    if (!q) throw notFound(WHAT);
    if (q.status !== 'open')
      throw new DomainError('CONFLICT', { key: 'invoiceQuery.filesOnOpen', values: { status: q.status } });
    if ((await invoiceQueriesRepo.attachmentCount(tx, q.partyId, q.id)) >= INVOICE_QUERY_ATTACHMENTS_MAX)
      throw new DomainError('BAD_REQUEST', {
        key: 'invoiceQuery.attachmentsMax',
        values: { max: INVOICE_QUERY_ATTACHMENTS_MAX },
      });
  });
}

/** The checked file, recorded on the query; audited in the same transaction. */
export async function recordUpload(
  ctx: ServiceContext,
  f: { queryId: string; fileName: string; contentType: string; sizeBytes: number; sha256: string },
) {
  const { actor } = ctx;
  return ctx.db.tx(ownScope(actor), async (tx) => {
    // Checked again under the lock: the query may have closed while the file streamed in.
    const q = await openForUpdate(tx, f.queryId);
    if ((await invoiceQueriesRepo.attachmentCount(tx, q.partyId, q.id)) >= INVOICE_QUERY_ATTACHMENTS_MAX)
      throw new DomainError('BAD_REQUEST', {
        key: 'invoiceQuery.attachmentsMax',
        values: { max: INVOICE_QUERY_ATTACHMENTS_MAX },
      });
    const id = await invoiceQueriesRepo.addAttachment(tx, {
      partyId: q.partyId,
      queryId: q.id,
      fileName: f.fileName,
      contentType: f.contentType,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      uploadedBy: actor.userId,
      at: new Date(ctx.clock.now()),
    });
    await audit.record(tx, ctx, {
      action: 'invoice_query.attachment_added',
      outcome: 'success',
      partyId: q.partyId,
      entityType: 'invoice_query',
      entityId: q.id,
      details: {
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

/** A short-lived link to one file, after the same read check as invoiceQueries.get. */
export async function attachmentLink(ctx: ServiceContext, attachmentId: string) {
  const found = await ctx.db.readOne(ctx.scope, (tx) => invoiceQueriesRepo.attachment(tx, attachmentId));
  if (!found) throw notFound('That file');
  return mintLink(ctx, 'invoice-query-attachment', attachmentId);
}

/** Serves a link minted by attachmentLink: audited before a byte is sent. */
export function openAttachment(ctx: ServiceContext, token: string) {
  return attachments.openAttachment(ctx, token, {
    kind: 'invoice-query-attachment',
    find: invoiceQueriesRepo.attachment,
    action: 'invoice_query.attachment_downloaded',
    entity: (f) => ({ type: 'invoice_query', id: f.queryId }),
  });
}

/** A refused file (a disguised executable, a path in its name) is security-relevant: audited, nothing stored. */
export async function recordRefusedUpload(ctx: ServiceContext, reason: string, fields: { queryId: string }) {
  await attachments.recordRefusedAttachment(ctx, reason, {
    action: 'invoice_query.attachment_refused',
    entityType: 'invoice_query',
    entityId: fields.queryId,
  });
}
