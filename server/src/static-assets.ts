import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * Sends the build's precompressed copies of the SPA's content-hashed assets (web/build-plugins.ts writes
 * `<file>.br` and `<file>.gz` beside each): brotli or gzip as the browser accepts, decided per request,
 * with `Vary: Accept-Encoding` so a shared cache keeps one copy per encoding. Nothing is compressed while
 * answering. A file without copies, or a client accepting neither, falls through to the plain file.
 */

type Coding = 'br' | 'gzip';
const SUFFIX: Record<Coding, string> = { br: '.br', gzip: '.gz' };

/** The asset names (relative to dir) that have precompressed copies, and which; read once at start. */
export function precompressedVariants(dir: string): Map<string, Set<Coding>> {
  const variants = new Map<string, Set<Coding>>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return variants;
  }
  const present = new Set(names);
  for (const name of names) {
    if (name.endsWith('.br') || name.endsWith('.gz')) continue;
    const codings = new Set<Coding>();
    for (const coding of ['br', 'gzip'] as const) if (present.has(name + SUFFIX[coding])) codings.add(coding);
    if (codings.size > 0) variants.set(name, codings);
  }
  return variants;
}

/**
 * The q-value the Accept-Encoding header gives `coding` (RFC 9110 12.5.3): its own entry, else `*`'s,
 * else 0. An absent header accepts nothing but identity here (it may mean "anything", but sending plain
 * bytes is never wrong).
 */
export function acceptedQuality(header: string | undefined, coding: Coding): number {
  if (!header) return 0;
  let star = 0;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => /^q=/i.test(p));
    const value = q === undefined ? 1 : Number(q.slice(2));
    const quality = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
    if (name.toLowerCase() === coding) return quality;
    if (name === '*') star = quality;
  }
  return star;
}

/** Brotli (smaller) unless the client ranks gzip higher; null for the plain file. */
export function chooseCoding(header: string | undefined, available: Set<Coding>): Coding | null {
  const br = available.has('br') ? acceptedQuality(header, 'br') : 0;
  const gzip = available.has('gzip') ? acceptedQuality(header, 'gzip') : 0;
  if (br === 0 && gzip === 0) return null;
  return br >= gzip ? 'br' : 'gzip';
}

/** Middleware for the assets directory, mounted before the plain static handler (which keeps its rules). */
export function precompressedAssets(dir: string) {
  const variants = precompressedVariants(dir);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.slice(1);
    const available = variants.get(name);
    if (!available) return next();
    res.vary('Accept-Encoding');
    const coding = chooseCoding(req.headers['accept-encoding'], available);
    if (!coding) return next();
    // The type of the file itself, not of its .br/.gz copy (send keeps a Content-Type already set).
    res.type(path.extname(name));
    res.setHeader('Content-Encoding', coding);
    res.sendFile(name + SUFFIX[coding], { root: dir, immutable: true, maxAge: '365d', dotfiles: 'deny' }, (err) => {
      if (!err || res.headersSent) return;
      // The copy vanished (a rebuild under a running server): the plain file, if it is still there.
      res.removeHeader('Content-Encoding');
      res.removeHeader('Content-Type');
      next();
    });
  };
}
