import type { DOCUMENT_STATUSES, documentsQueueInput } from '@gatehouse/contract';
import { type Database, documentsRepo, mailRepo, partiesRepo, type Tx, usersRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as audit from '../audit/audit.ts';
import type { Actor, Clock } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { DomainError, notFound } from '../errors.ts';
import { mintLink, verifyLink } from '../files/links.ts';
import { mailFor, reasonLines } from '../mail/i18n.ts';
import { ownScope, SYSTEM_SCOPE, scopeFor } from '../parties/scope.ts';
import { notify } from '../users/notifications.ts';

/**
 * Compliance documents: which types a supplier must keep (by its category), the versions it uploaded,
 * their review by an operator who is never the uploader, download links, and the expiry job. The upload
 * itself (streaming, limits, content sniffing) is in server/src/files/routes.ts; it ends in `recordUpload`.
 */

type VersionRow = Awaited<ReturnType<typeof documentsRepo.versionsOf>>[number];
type TypeRow = Awaited<ReturnType<typeof documentsRepo.types>>[number];

/** Names as the caller may see them: a reviewer outside the caller's scope is "Gatehouse reviewer". */
function present(v: VersionRow) {
  const { uploadedById: _u, reviewerId, ...rest } = v;
  return {
    ...rest,
    uploadedBy: v.uploadedBy ?? 'Former user',
    reviewer: reviewerId ? (v.reviewer ?? 'Gatehouse reviewer') : null,
  };
}

const applies = (t: TypeRow, category: string | null) =>
  t.categories.length === 0 || (category !== null && t.categories.includes(category));

function statusOf(versions: VersionRow[]) {
  const latest = versions[0];
  const current = versions.find((v) => v.status === 'approved') ?? null;
  const shown = latest && latest.id !== current?.id ? latest : null;
  let status: (typeof DOCUMENT_STATUSES)[number];
  if (!latest) status = 'missing';
  else if (latest.status === 'submitted' || latest.status === 'under-review') status = latest.status;
  else if (current) status = current.expiryState === 'current' ? 'approved' : current.expiryState;
  else status = 'rejected';
  return { status, current, latest: shown };
}

/** The supplier whose documents a call is about: always the caller's own party, or one staff name. */
function targetParty(actor: Actor, partyId: string | undefined) {
  const scope = scopeFor(actor);
  if (scope.kind === 'party') return actor.partyId;
  if (!partyId) throw new DomainError('BAD_REQUEST', { key: 'document.chooseSupplier' });
  return partyId;
}

async function supplierOf(tx: Tx, partyId: string) {
  const party = await partiesRepo.get(tx, partyId);
  if (party?.kind !== 'supplier') throw notFound('That supplier');
  return party;
}

const typeOut = (t: TypeRow) => ({
  id: t.id,
  key: t.key,
  name: t.name,
  description: t.description,
  requiresExpiry: t.requiresExpiry,
});

export async function requirements(ctx: ServiceContext, input: { partyId?: string | undefined }) {
  const { actor } = ctx;
  const partyId = targetParty(actor, input.partyId);
  return ctx.db.read(ctx.scope, async (tx) => {
    const party = await supplierOf(tx, partyId);
    const [types, versions] = [await documentsRepo.types(tx), await documentsRepo.versionsOf(tx, partyId)];
    const items = types
      .filter((t) => applies(t, party.supplierCategory) || versions.some((v) => v.typeId === t.id))
      .map((t) => {
        const s = statusOf(versions.filter((v) => v.typeId === t.id));
        return {
          type: typeOut(t),
          status: s.status,
          current: s.current && present(s.current),
          latest: s.latest && present(s.latest),
        };
      });
    return { party: { id: party.id, name: party.name, category: party.supplierCategory }, items };
  });
}

export async function history(ctx: ServiceContext, input: { typeId: string; partyId?: string | undefined }) {
  const { actor } = ctx;
  const partyId = targetParty(actor, input.partyId);
  return ctx.db.read(ctx.scope, async (tx) => {
    await supplierOf(tx, partyId);
    const type = await documentsRepo.type(tx, input.typeId);
    if (!type) throw notFound('That document type');
    const versions = await documentsRepo.versionsOf(tx, partyId, input.typeId);
    return { type: typeOut(type), versions: versions.map(present) };
  });
}

export async function getVersion(ctx: ServiceContext, versionId: string) {
  const found = await ctx.db.read(ctx.scope, async (tx) => {
    const v = await documentsRepo.get(tx, versionId);
    if (!v) return undefined;
    return { v, type: (await documentsRepo.type(tx, v.typeId)) as TypeRow };
  });
  if (!found) throw notFound('That document');
  return { ...present(found.v), partyName: found.v.partyName, type: typeOut(found.type) };
}

export async function queue(ctx: ServiceContext, input: z.output<typeof documentsQueueInput>) {
  const page = await ctx.db.readOne(ctx.scope, (tx) => documentsRepo.queue(tx, input));
  return { ...page, items: page.items.map((v) => ({ ...present(v), partyName: v.partyName, typeName: v.typeName })) };
}

// ---- upload (the route streams and checks the bytes; these are its two database steps)

/** Before any byte is read: the caller is a supplier, the type applies to it, the expiry date makes sense. */
export async function checkUpload(ctx: ServiceContext, input: { typeId: string; expiresOn?: string | undefined }) {
  const { actor } = ctx;
  if (actor.partyKind !== 'supplier') throw new DomainError('FORBIDDEN', { key: 'document.onlySuppliers' });
  const type = await ctx.db.read(ownScope(actor), async (tx) => {
    const party = await supplierOf(tx, actor.partyId);
    const t = await documentsRepo.type(tx, input.typeId);
    return t && applies(t, party.supplierCategory) ? t : undefined;
  });
  if (!type) throw notFound('That document type');
  if (type.requiresExpiry && !input.expiresOn)
    throw new DomainError('BAD_REQUEST', { key: 'document.giveExpiry', values: { type: type.name } });
  if (input.expiresOn && input.expiresOn <= today(ctx))
    throw new DomainError('BAD_REQUEST', { key: 'document.expiryPassed' });
  return typeOut(type);
}

export interface StoredFile {
  typeId: string;
  expiresOn: string | undefined;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** The new version, in quarantine ('submitted') until an operator decides it; audited in the same transaction. */
export async function recordUpload(ctx: ServiceContext, f: StoredFile) {
  const { actor } = ctx;
  return ctx.db.tx(ownScope(actor), async (tx) => {
    const versionNo = await documentsRepo.nextVersionNo(tx, actor.partyId, f.typeId);
    const id = await documentsRepo.insert(tx, {
      partyId: actor.partyId,
      typeId: f.typeId,
      versionNo,
      fileName: f.fileName,
      contentType: f.contentType,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      status: 'submitted',
      expiresOn: f.expiresOn ?? null,
      uploadedBy: actor.userId,
      uploadedAt: new Date(ctx.clock.now()),
    });
    await audit.record(tx, ctx, {
      action: 'document.uploaded',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'document_version',
      entityId: id,
      details: { ...f, versionNo },
    });
    return { id, versionNo, status: 'submitted' as const };
  });
}

/** A refused upload is a security-relevant event (a disguised executable, say): audited, nothing stored. */
export async function recordRefusedUpload(ctx: ServiceContext, reason: string, details: Record<string, unknown>) {
  const { actor } = ctx;
  await ctx.db.tx(ownScope(actor), (tx) =>
    audit.record(tx, ctx, {
      action: 'document.upload_refused',
      outcome: 'denied',
      partyId: actor.partyId,
      entityType: 'document_type',
      ...(typeof details.typeId === 'string' ? { entityId: details.typeId } : {}),
      details: { reason, ...details },
    }),
  );
}

// ---- review

function mustNotBeUploader(v: { uploadedBy: string }, actor: Actor) {
  if (v.uploadedBy === actor.userId) throw new DomainError('FORBIDDEN', { key: 'document.ownUpload' });
}

/** An operator takes a submitted version for review (status 'under-review', visible to the supplier). */
export async function startReview(ctx: ServiceContext, versionId: string) {
  const { actor } = ctx;
  return ctx.db.tx(ctx.scope, async (tx) => {
    const v = await documentsRepo.getForUpdate(tx, versionId);
    if (!v) throw notFound('That document');
    mustNotBeUploader(v, actor);
    if (v.status === 'under-review' && v.reviewerId === actor.userId) return { ok: true as const };
    if (v.status !== 'submitted')
      throw new DomainError(
        'CONFLICT',
        v.status === 'under-review'
          ? { key: 'document.anotherReviewerAlready' }
          : { key: 'document.alreadyStatus', values: { status: v.status } },
      );
    await documentsRepo.startReview(tx, v.id, actor.userId, new Date(ctx.clock.now()));
    await audit.record(tx, ctx, {
      action: 'document.review_started',
      outcome: 'success',
      partyId: v.partyId,
      entityType: 'document_version',
      entityId: v.id,
      crossParty: v.partyId !== actor.partyId,
    });
    return { ok: true as const };
  });
}

/**
 * Approve or reject (a reason is required to reject). Never by the uploader; a version another reviewer
 * has taken is theirs to decide; a decided version stays decided (two decisions at once: one wins, the
 * other gets CONFLICT, because the row is locked). An approval supersedes the version in force.
 */
export async function decide(
  ctx: ServiceContext,
  input: { versionId: string; decision: 'approve' | 'reject'; reason?: string | undefined },
) {
  const { actor } = ctx;
  const now = new Date(ctx.clock.now());
  const outcome = await ctx.db.tx(ctx.scope, async (tx) => {
    const found = await documentsRepo.get(tx, input.versionId);
    if (!found) throw notFound('That document');
    // Two approvals of one type at once (versions 2 and 3, say) are taken one after the other.
    await documentsRepo.lockType(tx, found.partyId, found.typeId);
    const v = await documentsRepo.getForUpdate(tx, input.versionId);
    if (!v) throw notFound('That document');
    mustNotBeUploader(v, actor);
    if (v.status !== 'submitted' && v.status !== 'under-review')
      throw new DomainError('CONFLICT', {
        key: 'document.alreadyDecided',
        values: { status: v.status === 'superseded' ? 'replaced' : v.status },
      });
    if (v.status === 'under-review' && v.reviewerId !== actor.userId)
      throw new DomainError('CONFLICT', { key: 'document.anotherReviewer' });
    if (input.decision === 'approve' && v.expiresOn && v.expiresOn <= today(ctx))
      throw new DomainError('CONFLICT', { key: 'document.expiredSince' });
    if (input.decision === 'approve' && (await documentsRepo.newerApproved(tx, v.partyId, v.typeId, v.versionNo)))
      throw new DomainError('CONFLICT', { key: 'document.newerInForce' });
    const status = input.decision === 'approve' ? ('approved' as const) : ('rejected' as const);
    const reason = input.reason?.trim() || null;
    await documentsRepo.decide(tx, v.id, { status, reviewerId: actor.userId, at: now, reason });
    if (status === 'approved') await documentsRepo.supersedeApproved(tx, v.partyId, v.typeId, v.id);
    const type = (await documentsRepo.type(tx, v.typeId)) as TypeRow;
    await audit.record(tx, ctx, {
      action: status === 'approved' ? 'document.approved' : 'document.rejected',
      outcome: 'success',
      partyId: v.partyId,
      entityType: 'document_version',
      entityId: v.id,
      crossParty: v.partyId !== actor.partyId,
      details: { type: type.key, versionNo: v.versionNo, before: { status: v.status }, after: { status }, reason },
    });
    // The supplier sees the outcome on its documents page; the uploader is also told by mail.
    await notify(ctx, tx, {
      type: 'document.decided',
      partyId: v.partyId,
      to: { userIds: [v.uploadedBy] },
      text: {
        title: { key: 'document.decided.title', values: { type: type.name, version: v.versionNo, status } },
        body: [
          {
            key: 'document.decided.body',
            values: { type: type.name, version: v.versionNo, file: v.fileName, status },
          },
          ...reasonLines(reason),
        ],
      },
      link: '/documents',
      mailKind: 'document-decided',
    });
    return { ok: true as const, status };
  });
  ctx.mail.kick();
  return outcome;
}

// ---- download links (minted and checked in files/links.ts)

/** A link to one version's file, after the same read check as documents.get, for this user only. */
export async function downloadLink(ctx: ServiceContext, versionId: string) {
  const found = await ctx.db.readOne(ctx.scope, (tx) => documentsRepo.get(tx, versionId));
  if (!found) throw notFound('That document');
  return mintLink(ctx, 'document', versionId);
}

/**
 * Serves a link: valid, unexpired, minted for this very user, and the version still readable in the
 * user's scope (another party's answers NOT_FOUND). The download is audited before a byte is sent.
 */
export async function openDownload(ctx: ServiceContext, token: string) {
  const { actor } = ctx;
  const claims = verifyLink(ctx, token);
  if (claims.k !== 'document') throw new DomainError('NOT_FOUND', { key: 'download.linkInvalid' });
  const v = await ctx.db.tx(ctx.scope, async (tx) => {
    const found = await documentsRepo.get(tx, claims.v);
    if (!found) throw notFound('That document');
    await audit.record(tx, ctx, {
      action: 'document.downloaded',
      outcome: 'success',
      partyId: found.partyId,
      entityType: 'document_version',
      entityId: found.id,
      crossParty: found.partyId !== actor.partyId,
      details: { fileName: found.fileName, sha256: found.sha256, sizeBytes: found.sizeBytes },
    });
    return found;
  });
  const blob = await ctx.files.open(v.sha256);
  if (!blob) throw new Error(`blob ${v.sha256} of document version ${v.id} is missing from the store`);
  return { ...blob, fileName: v.fileName, contentType: v.contentType };
}

// ---- expiry

/**
 * Marks approved versions expiring (within `warningDays`) and expired, each once, and tells the supplier
 * (its users who upload documents) and the responsible operator (who approved the version) by mail.
 * Safe with several instances: each row changes state once, whoever runs it. Returns the counts.
 */
export async function markExpiries(db: Database, clock: Clock, warningDays: number, publicOrigin: string) {
  const day = today({ clock });
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    const { expiring, expired } = await documentsRepo.markExpiries(tx, day, addDays(day, warningDays));
    const types = new Map((await documentsRepo.types(tx)).map((t) => [t.id, t]));
    const changes = [
      ...expiring.map((c) => ({ ...c, state: 'expiring' as const })),
      ...expired.map((c) => ({ ...c, state: 'expired' as const })),
    ];
    for (const c of changes) {
      const type = types.get(c.typeId);
      const party = await partiesRepo.get(tx, c.partyId);
      const values = {
        type: type?.name ?? { text: 'value.document' as const },
        party: party?.name ?? { text: 'value.a_supplier' as const },
        date: { date: c.expiresOn },
        url: `${publicOrigin}/documents`,
      };
      // An expiring document reaches the supplier through notify() (users/notification-sources.ts,
      // announceExpiring: their choice of mail, their language, once per threshold); expiry is mailed here.
      // Each person in their own language (docs/i18n.md, "Mail"); one mail per address.
      const supplier =
        c.state === 'expired' ? await usersRepo.recipientsWithPermission(tx, c.partyId, 'documents:upload') : [];
      const operator = c.reviewerId ? await usersRepo.activeRecipient(tx, c.reviewerId) : undefined;
      const recipients = new Map([...supplier, ...(operator ? [operator] : [])].map((r) => [r.email, r]));
      for (const to of recipients.values()) {
        await mailRepo.enqueue(
          tx,
          mailFor(to, `document-${c.state}`, { key: `document.${c.state}.subject`, values }, [
            { key: `document.${c.state}.body`, values },
            '',
            { key: 'document.expiry.upload', values },
          ]),
        );
      }
      await audit.record(tx, audit.SYSTEM, {
        action: c.state === 'expired' ? 'document.expired' : 'document.expiring',
        outcome: 'success',
        partyId: c.partyId,
        entityType: 'document_version',
        entityId: c.id,
        details: { type: type?.key, expiresOn: c.expiresOn, notified: supplier.length + (operator ? 1 : 0) },
      });
    }
    return { expiring: expiring.length, expired: expired.length };
  });
}
