import {
  type BankDetails,
  CHANGE_REQUEST_ATTACHMENTS_MAX,
  type changeRequestsListInput,
  type createChangeRequestInput,
} from '@gatehouse/contract';
import { approvalsRepo, changeRequestsRepo, type Tx } from '@gatehouse/db';
import type { z } from 'zod';
import * as approvals from '../approvals/approvals.ts';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import * as attachments from '../documents/attachments.ts';
import { DomainError, isUniqueViolation, notFound } from '../errors.ts';
import { mintLink } from '../files/links.ts';
import * as outbox from '../integration/outbox.ts';
import { reasonLines } from '../mail/i18n.ts';
import { maskedBankDetails, normaliseBankDetails } from '../parties/bank.ts';
import { ownScope, requestFields } from '../parties/scope.ts';
import { notify } from '../users/notifications.ts';

/**
 * Master-data change requests: a supplier admin asks for new bank details or a new address; the request
 * is held as pending and the party's master data (what the ERP reads) changes only when it is accepted,
 * in the same transaction as the deciding step: an address by one handler (decide below), bank details by
 * the approval workflow (an approval request is submitted with the change request). One pending request
 * per kind and party.
 */

const _KIND_NAME = { 'bank-details': 'bank-detail change', address: 'address change' } as const;

function auditView(kind: 'bank-details' | 'address', v: unknown) {
  if (!v) return null;
  return kind === 'address' ? v : maskedBankDetails(v);
}

export async function masterData(ctx: ServiceContext) {
  const { actor } = ctx;
  const row = await ctx.db.readOne(ownScope(actor), (tx) => changeRequestsRepo.masterData(tx, actor.partyId));
  return {
    address: row?.address ?? null,
    bankDetails: row?.bankDetails ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

function present(r: NonNullable<Awaited<ReturnType<typeof changeRequestsRepo.get>>>) {
  const { requestedById: _r, ...rest } = r;
  return {
    ...rest,
    proposed: r.proposed,
    previous: r.previous,
    requestedBy: r.requestedBy ?? 'Former user',
    approvalStatus: r.approvalStatus as 'pending' | 'changes-requested' | 'approved' | 'rejected' | 'withdrawn' | null,
    decidedBy: r.decidedAt ? (r.decidedBy ?? 'Gatehouse staff') : null,
  };
}

export async function create(ctx: ServiceContext, input: z.output<typeof createChangeRequestInput>) {
  const { actor } = ctx;
  if (actor.partyKind !== 'supplier') throw new DomainError('FORBIDDEN', { key: 'changeRequest.onlySuppliers' });
  const proposed = input.kind === 'bank-details' ? normaliseBankDetails(input.bankDetails) : input.address;
  const out = await ctx.db.tx(ownScope(actor), async (tx) => {
    const current = await changeRequestsRepo.masterData(tx, actor.partyId);
    const previous = (input.kind === 'bank-details' ? current?.bankDetails : current?.address) ?? null;
    if (previous && JSON.stringify(previous) === JSON.stringify(proposed))
      throw new DomainError('BAD_REQUEST', { key: 'changeRequest.nothingChanges' });
    const id = await changeRequestsRepo
      .insert(tx, {
        partyId: actor.partyId,
        kind: input.kind,
        proposed,
        previous,
        note: input.note?.trim() || null,
        requestedBy: actor.userId,
        at: new Date(ctx.clock.now()),
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e))
          throw new DomainError('CONFLICT', { key: 'changeRequest.pending', values: { kind: input.kind } });
        throw e;
      });
    await audit.record(tx, ctx, {
      action: 'change_request.created',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'change_request',
      entityId: id,
      details: { kind: input.kind, before: auditView(input.kind, previous), after: auditView(input.kind, proposed) },
    });
    // Bank details are a fraud target: they go through approval (two approvers by the shipped policy).
    const approvalId =
      input.kind === 'bank-details'
        ? await approvals.submitInTx(
            tx,
            new Date(ctx.clock.now()),
            {
              type: 'bank-details-change',
              partyId: actor.partyId,
              title: `New bank details for ${actor.partyName}`,
              amountMinor: null,
              currency: null,
              payload: { bankDetails: proposed },
              previous: previous ? { bankDetails: previous } : null,
              subject: { type: 'change_request', id },
              submittedBy: actor.userId,
              request: requestFields(ctx),
            },
            ctx,
          )
        : null;
    return { id, approvalId };
  });
  if (out.approvalId) {
    await approvals.notifySubmitted(ctx.db, out.approvalId, ctx);
    ctx.mail.kick();
  }
  return { id: out.id };
}

/** The caller's own party's requests, newest first. */
export function listOwn(ctx: ServiceContext, input: z.output<typeof changeRequestsListInput>) {
  const { actor } = ctx;
  return ctx.db
    .readOne(ownScope(actor), (tx) => changeRequestsRepo.list(tx, { ...input, partyId: undefined }))
    .then((p) => ({ ...p, items: p.items.map(present) }));
}

/** The handlers' queue across parties, oldest first (pending by default). */
export function queue(ctx: ServiceContext, input: z.output<typeof changeRequestsListInput>) {
  return ctx.db
    .readOne(ctx.scope, (tx) =>
      changeRequestsRepo.list(tx, { ...input, status: input.status ?? 'pending', oldestFirst: true }),
    )
    .then((p) => ({ ...p, items: p.items.map(present) }));
}

export async function get(ctx: ServiceContext, id: string) {
  const r = await ctx.db.readOne(ctx.scope, (tx) => changeRequestsRepo.get(tx, id));
  if (!r) throw notFound('That change request');
  return present(r);
}

async function pendingForUpdate(tx: Tx, id: string, version?: number) {
  const r = await changeRequestsRepo.getForUpdate(tx, id);
  if (!r) throw notFound('That change request');
  if (r.status !== 'pending')
    throw new DomainError('CONFLICT', { key: 'changeRequest.alreadyDecided', values: { status: r.status } });
  if (version !== undefined && r.version !== version) throw new DomainError('CONFLICT', { key: 'changeRequest.stale' });
  return r;
}

/** The requesting party takes its pending request back. */
export async function withdraw(ctx: ServiceContext, id: string) {
  const { actor } = ctx;
  return ctx.db.tx(ownScope(actor), async (tx) => {
    // Lock order: the approval before its change request, as a deciding approver does (else a deadlock).
    const approvalId = await approvalsRepo.forSubject(tx, 'change_request', id);
    if (approvalId) await approvalsRepo.getForUpdate(tx, approvalId);
    const r = await pendingForUpdate(tx, id);
    if (approvalId) await approvals.withdrawInTx({ ...ctx, tx }, approvalId);
    await changeRequestsRepo.close(tx, r.id, {
      status: 'withdrawn',
      decidedBy: actor.userId,
      at: new Date(ctx.clock.now()),
      reason: null,
    });
    await audit.record(tx, ctx, {
      action: 'change_request.withdrawn',
      outcome: 'success',
      partyId: r.partyId,
      entityType: 'change_request',
      entityId: r.id,
      details: { kind: r.kind },
    });
    return { ok: true as const };
  });
}

/**
 * A handler accepts or rejects (with a reason) the version of the request it saw. Accepting applies the
 * change to the party's master data in the same transaction. The requester is told by mail.
 * Address changes only: bank-detail changes go through approvals (approvals.ts), which settles them.
 */
export async function decide(
  ctx: ServiceContext,
  input: { id: string; version: number; decision: 'accept' | 'reject'; reason?: string | undefined },
) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  const out = await ctx.db.tx(ctx.scope, async (tx) => {
    const r = await pendingForUpdate(tx, input.id, input.version);
    if (r.kind === 'bank-details') throw new DomainError('CONFLICT', { key: 'changeRequest.bankViaApprovals' });
    if (r.requestedBy === actor.userId) throw new DomainError('FORBIDDEN', { key: 'changeRequest.ownRequest' });
    const status = input.decision === 'accept' ? ('accepted' as const) : ('rejected' as const);
    const reason = input.reason?.trim() || null;
    await changeRequestsRepo.close(tx, r.id, { status, decidedBy: actor.userId, at: now, reason });
    if (status === 'accepted') {
      // An address request holds an address; the check tells the compiler, which cannot tie kind to shape.
      if (!('street' in r.proposed)) throw new DomainError('CONFLICT', { key: 'changeRequest.noAddress' });
      const before = await changeRequestsRepo.masterData(tx, r.partyId);
      await changeRequestsRepo.applyMasterData(tx, r.partyId, { address: r.proposed }, now, r.id);
      await outbox.record(tx, now, {
        type: 'party.address_changed',
        partyId: r.partyId,
        subject: { changeRequestId: r.id },
        payload: { address: r.proposed },
        echo: { field: 'address', value: r.proposed, previous: before?.address ?? null },
      });
    }
    await audit.record(tx, ctx, {
      action: status === 'accepted' ? 'change_request.accepted' : 'change_request.rejected',
      outcome: 'success',
      partyId: r.partyId,
      entityType: 'change_request',
      entityId: r.id,
      crossParty: r.partyId !== actor.partyId,
      details: {
        kind: r.kind,
        reason,
        ...(status === 'accepted'
          ? { before: auditView(r.kind, r.previous), after: auditView(r.kind, r.proposed) }
          : {}),
      },
    });
    await notify(ctx, tx, {
      type: 'change_request.decided',
      partyId: r.partyId,
      to: { userIds: [r.requestedBy] },
      text: {
        title: { key: 'change_request.decided.title', values: { kind: r.kind, status } },
        body: [{ key: 'change_request.decided.body', values: { kind: r.kind, status } }, ...reasonLines(reason)],
      },
      link: '/company',
      mailKind: 'change-request-decided',
    });
    return { ok: true as const, status };
  });
  ctx.mail.kick();
  return out;
}

/**
 * The supplier corrects a bank-detail change an approver sent back ("request changes"): new details,
 * and the approval starts a new round at level 1 with this user as its maker.
 */
export async function resubmit(
  ctx: ServiceContext,
  input: { id: string; bankDetails: BankDetails; note?: string | undefined },
) {
  const { actor } = ctx;
  const proposed = normaliseBankDetails(input.bankDetails);
  const approvalId = await ctx.db.tx(ownScope(actor), async (tx) => {
    // Lock order: the approval before its change request, as a deciding approver does (else a deadlock).
    const id = await approvalsRepo.forSubject(tx, 'change_request', input.id);
    const approval = id ? await approvalsRepo.getForUpdate(tx, id) : undefined;
    const r = await pendingForUpdate(tx, input.id);
    if (r.kind !== 'bank-details') throw new DomainError('BAD_REQUEST', { key: 'changeRequest.onlyBankResubmitted' });
    if (!approval) throw notFound('That approval request');
    await changeRequestsRepo.updateProposed(tx, r.id, proposed, input.note?.trim() || null);
    await approvals.resubmitInTx(
      { ...ctx, tx },
      {
        id: approval.id,
        version: approval.version,
        payload: { bankDetails: proposed },
        reason: input.note?.trim() || null,
        changes: { before: auditView('bank-details', r.proposed), after: auditView('bank-details', proposed) },
      },
    );
    return approval.id;
  });
  await approvals.notifySubmitted(ctx.db, approvalId, ctx);
  ctx.mail.kick();
  return { ok: true as const };
}

// ---- evidence: a bank letter or voided cheque (files arrive through POST /files/change-request-attachments)

/** A pending bank-detail change of the caller's own party, locked when `forUpdate`; else NOT_FOUND/CONFLICT. */
async function openBankRequest(tx: Tx, id: string, forUpdate: boolean) {
  const r = forUpdate ? await changeRequestsRepo.getForUpdate(tx, id) : await changeRequestsRepo.get(tx, id);
  if (!r) throw notFound('That change request');
  if (r.kind !== 'bank-details') throw new DomainError('BAD_REQUEST', { key: 'changeRequest.letterOnBankOnly' });
  if (r.status !== 'pending')
    throw new DomainError('CONFLICT', { key: 'changeRequest.letterNotPending', values: { status: r.status } });
  if ((await changeRequestsRepo.attachmentCount(tx, r.id)) >= CHANGE_REQUEST_ATTACHMENTS_MAX)
    throw new DomainError('BAD_REQUEST', {
      key: 'changeRequest.attachmentsMax',
      values: { max: CHANGE_REQUEST_ATTACHMENTS_MAX },
    });
  return r;
}

/** Before a byte is read: the request is the caller's own pending bank-detail change with room for a file. */
export async function checkUpload(ctx: ServiceContext, fields: { changeRequestId: string }) {
  const { actor } = ctx;
  await ctx.db.read(ownScope(actor), (tx) => openBankRequest(tx, fields.changeRequestId, false));
}

/** The checked file, recorded on the request; audited in the same transaction. */
export async function recordUpload(
  ctx: ServiceContext,
  f: { changeRequestId: string; fileName: string; contentType: string; sizeBytes: number; sha256: string },
) {
  const { actor } = ctx;
  return ctx.db.tx(ownScope(actor), async (tx) => {
    // Checked again under the lock: the request may have been decided while the file streamed in.
    const r = await openBankRequest(tx, f.changeRequestId, true);
    const id = await changeRequestsRepo.addAttachment(tx, {
      partyId: r.partyId,
      changeRequestId: r.id,
      fileName: f.fileName,
      contentType: f.contentType,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      uploadedBy: actor.userId,
      uploadedAt: new Date(ctx.clock.now()),
    });
    await audit.record(tx, ctx, {
      action: 'change_request.attachment_added',
      outcome: 'success',
      partyId: r.partyId,
      entityType: 'change_request',
      entityId: r.id,
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

/** A refused file (a disguised executable, a path in its name) is security-relevant: audited, nothing stored. */
export async function recordRefusedUpload(ctx: ServiceContext, reason: string, fields: { changeRequestId: string }) {
  await attachments.recordRefusedAttachment(ctx, reason, {
    action: 'change_request.attachment_refused',
    entityType: 'change_request',
    entityId: fields.changeRequestId,
  });
}

/**
 * A short-lived link to one file: for the supplier (its own requests) and for staff who read the request
 * (approvers through approvals.attachmentLink); another party's file is NOT_FOUND.
 */
export async function attachmentLink(ctx: ServiceContext, attachmentId: string) {
  const found = await ctx.db.readOne(ctx.scope, (tx) => changeRequestsRepo.attachment(tx, attachmentId));
  if (!found) throw notFound('That file');
  return mintLink(ctx, 'change-request-attachment', attachmentId);
}

/** Serves a link minted by attachmentLink: audited (across parties when staff open it) before a byte is sent. */
export function openAttachment(ctx: ServiceContext, token: string) {
  return attachments.openAttachment(ctx, token, {
    kind: 'change-request-attachment',
    find: changeRequestsRepo.attachment,
    action: 'change_request.attachment_downloaded',
    entity: (f) => ({ type: 'change_request', id: f.changeRequestId }),
  });
}
