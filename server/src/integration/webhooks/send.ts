import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, type Resolver, refusal, SsrfRefused } from './ssrf.ts';

/** Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, space-separated. */
export function sign(keys: readonly Uint8Array[], id: string, timestamp: number, body: string): string {
  return keys
    .map((k) => `v1,${createHmac('sha256', k).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

export const WEBHOOK_TIMEOUT_MS = 15_000;
const USER_AGENT = 'Gatehouse-Webhooks/1';

export type SendResult =
  | { ok: true; status: number; retryAfterMs: number | null }
  | { ok: false; error: string; refused: boolean };

/** `Retry-After` as milliseconds: seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * POSTs exactly `body` (the bytes that were signed) to `url`. No redirect is followed (node:http never
 * does; a 3xx is an answer like any other non-2xx). The SSRF guard runs when connecting: a host name goes
 * through the guarded lookup, an IP literal (which node:net dials without a lookup) is checked here.
 * A fresh connection per call (no agent), so no socket opened for another endpoint is reused.
 */
export function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  opts: { resolve: Resolver; allowedCidrs: readonly string[]; timeoutMs?: number; now: number },
): Promise<SendResult> {
  const plainHttp = url.protocol === 'http:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    const why = refusal(host, { allowedCidrs: opts.allowedCidrs, plainHttp });
    if (why) return Promise.resolve({ ok: false, error: `refused to connect to ${host}: ${why}`, refused: true });
  }
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = (plainHttp ? http : https).request(url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(opts.resolve, { allowedCidrs: opts.allowedCidrs, plainHttp }) as never,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': USER_AGENT,
      },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    req.on('response', (res) => {
      // The answer's body is not needed; read a little of it and drop the connection.
      res.resume();
      res.on('end', () => undefined);
      const ra = res.headers['retry-after'];
      done({
        ok: true,
        status: res.statusCode ?? 0,
        retryAfterMs: retryAfterMs(Array.isArray(ra) ? ra[0] : ra, opts.now),
      });
      res.destroy();
    });
    req.on('error', (err) =>
      done({ ok: false, error: err.message.slice(0, 300), refused: err instanceof SsrfRefused }),
    );
    req.end(body);
  });
}
