import type { AuditAction } from '@gatehouse/contract';
import type { Tx } from '@gatehouse/db';
import * as audit from '../audit/audit.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { type LinkKind, verifyLink } from '../files/links.ts';
import { ownScope } from '../parties/scope.ts';

/** An attached file as its table keeps it: whose it is and which blob holds it. */
export interface AttachedFile {
  id: string;
  partyId: string;
  fileName: string;
  contentType: string;
  sha256: string;
}

/**
 * Serves a download link to an attached file (an invoice query's, a bank letter): the link must be this
 * user's and of this kind, the file must be within the caller's scope (another party's: NOT_FOUND), and
 * the download is audited on the file's party (across parties when staff open it) before a byte is sent.
 */
export async function openAttachment<T extends AttachedFile>(
  ctx: ServiceContext,
  token: string,
  o: {
    kind: LinkKind;
    find: (tx: Tx, id: string) => Promise<T | undefined>;
    action: AuditAction;
    /** What the file belongs to, for the audit entry. */
    entity: (file: T) => { type: string; id: string };
  },
) {
  const { actor } = ctx;
  const claims = verifyLink(ctx, token);
  if (claims.k !== o.kind) throw new DomainError('NOT_FOUND', { key: 'download.linkInvalid' });
  const file = await ctx.db.tx(ctx.scope, async (tx) => {
    const found = await o.find(tx, claims.v);
    if (!found) throw notFound('That file');
    const entity = o.entity(found);
    await audit.record(tx, ctx, {
      action: o.action,
      outcome: 'success',
      partyId: found.partyId,
      entityType: entity.type,
      entityId: entity.id,
      crossParty: found.partyId !== actor.partyId,
      details: { attachmentId: found.id, fileName: found.fileName, sha256: found.sha256 },
    });
    return found;
  });
  const blob = await ctx.files.open(file.sha256);
  if (!blob) throw new Error(`blob ${file.sha256} of ${o.kind} ${file.id} is missing from the store`);
  return { ...blob, fileName: file.fileName, contentType: file.contentType };
}

/**
 * An upload the file route refused for its content (a disguised executable, a path in the name): audited
 * as denied on what the file was meant for, in the caller's own party (the entry is about its own user).
 */
export async function recordRefusedAttachment(
  ctx: ServiceContext,
  reason: string,
  o: { action: AuditAction; entityType: string; entityId: string },
) {
  const { actor } = ctx;
  await ctx.db.tx(ownScope(actor), (tx) =>
    audit.record(tx, ctx, {
      action: o.action,
      outcome: 'denied',
      partyId: actor.partyId,
      entityType: o.entityType,
      entityId: o.entityId,
      details: { reason },
    }),
  );
}
