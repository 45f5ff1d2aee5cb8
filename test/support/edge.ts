import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WEB_DIST } from '@gatehouse/server/testing';

/**
 * A stand-in for a CDN or edge proxy in front of Gatehouse (docs/edge.md), on a port of its own: serves
 * the built SPA (web/dist) with the cache rules and security headers the docs give, and optionally
 * routes the API paths to a Gatehouse server (the "one origin" setup) the way nginx's `proxy_pass` does.
 * `config` replaces web/dist/config.json (the "SPA on its own origin" setup names the API there).
 */
export type EdgeOptions = {
  /** Route /trpc, /files, /api, /healthz and /readyz to this origin (one origin for SPA and API). */
  proxyTo?: string;
  /** The body served as /config.json instead of the built file; null: no config.json at all (404). */
  config?: unknown;
  /** The API origin the CSP's connect-src admits besides 'self' (the SPA on its own origin). */
  connectSrc?: string;
  port?: number;
};

export const EDGE_API_PREFIXES = ['/trpc/', '/files/', '/api/', '/healthz', '/readyz'];

/** The headers docs/edge.md tells an edge to send with the SPA's files (the same CSP Gatehouse sends). */
export function edgeSecurityHeaders(apiOrigin?: string): Record<string, string> {
  const connect = apiOrigin ? `'self' ${apiOrigin}` : "'self'";
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export async function startEdge(opts: EdgeOptions = {}) {
  const requests: { method: string; url: string; proxied: boolean }[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://edge.invalid');
    const proxied = opts.proxyTo !== undefined && EDGE_API_PREFIXES.some((p) => url.pathname.startsWith(p));
    requests.push({ method: req.method ?? 'GET', url: url.pathname, proxied });
    if (proxied && opts.proxyTo) return proxy(opts.proxyTo, req, res);
    void serveStatic(url.pathname, req, res, opts).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Streams the request to Gatehouse and its answer back, headers as they are (Host kept, as edges do). */
function proxy(upstream: string, req: http.IncomingMessage, res: http.ServerResponse) {
  const target = new URL(req.url ?? '/', upstream);
  const out = http.request(
    target,
    { method: req.method, headers: { ...req.headers, connection: 'close' } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad gateway');
  });
  req.pipe(out);
}

async function serveStatic(pathname: string, req: http.IncomingMessage, res: http.ServerResponse, opts: EdgeOptions) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const headers = edgeSecurityHeaders(opts.connectSrc);
  if (pathname === '/config.json' && opts.config === null) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  if (pathname === '/config.json' && opts.config !== undefined) {
    res.writeHead(200, { ...headers, 'content-type': TYPES['.json'], 'cache-control': 'no-cache' });
    res.end(JSON.stringify(opts.config));
    return;
  }
  const file = path.join(WEB_DIST, path.normalize(decodeURIComponent(pathname)));
  const isFile = file.startsWith(WEB_DIST + path.sep) && (await stat(file).catch(() => null))?.isFile();
  if (isFile) {
    // Content-hashed assets never change; everything else (index.html, config.json) is revalidated.
    const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': cache,
    });
    createReadStream(file).pipe(res);
    return;
  }
  if (pathname.startsWith('/assets/') || path.extname(pathname) !== '') {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  // A route of the SPA (/orders/…): index.html, never cached.
  res.writeHead(200, { ...headers, 'content-type': TYPES['.html'], 'cache-control': 'no-cache' });
  createReadStream(path.join(WEB_DIST, 'index.html')).pipe(res);
}
