import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { downloadLinkKey } from '../keys.ts';

/**
 * Download links (GET /files/download/:token): minted after the same read check as the file's own
 * procedure, for one user and DOWNLOAD_LINK_SECONDS. A link is useless without that user's session (the
 * download checks both), and it names what it opens, so a link to one kind of file never opens another.
 */

/** How long a minted download link works. */
export const DOWNLOAD_LINK_SECONDS = 60;

/** What a link opens. Links minted before kinds existed carry none and are documents. */
export type LinkKind = 'document' | 'invoice-query-attachment' | 'change-request-attachment' | 'po-thread-attachment';

interface LinkClaims {
  /** the id of what it opens (a document version, an attachment) */
  v: string;
  /** the user it was minted for */
  u: string;
  /** expiry, ms since epoch */
  e: number;
  /** what it opens (absent: a document) */
  k?: LinkKind;
}

function sign(key: Buffer, payload: string) {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function mintLink(ctx: ServiceContext, kind: LinkKind, id: string) {
  const { actor } = ctx;
  const e = ctx.clock.now() + DOWNLOAD_LINK_SECONDS * 1000;
  const claims: LinkClaims = { v: id, u: actor.userId, e, ...(kind === 'document' ? {} : { k: kind }) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const token = `${payload}.${sign(downloadLinkKey(ctx.config.secret), payload)}`;
  return { url: `/files/download/${token}`, expiresAt: new Date(e).toISOString() };
}

/** A valid, unexpired link minted for this very user, else NOT_FOUND; what it opens and which kind. */
export function verifyLink(ctx: ServiceContext, token: string): { v: string; k: LinkKind } {
  const { actor } = ctx;
  const invalid = () => new DomainError('NOT_FOUND', 'This download link is not valid.');
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length > 0 || token.length > 1000) throw invalid();
  const expected = Buffer.from(sign(downloadLinkKey(ctx.config.secret), payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
  if (claims.e < ctx.clock.now())
    throw new DomainError('NOT_FOUND', 'This download link has expired. Go back and choose Download again.');
  if (claims.u !== actor.userId) throw invalid();
  return { v: claims.v, k: claims.k ?? 'document' };
}
