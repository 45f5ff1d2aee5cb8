import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { retryAfterMs } from '../webhooks/send.ts';
import { guardedLookup, type Resolver, refusal, SsrfRefused, systemResolver } from '../webhooks/ssrf.ts';

/**
 * The Kinetic REST v2 client (design note §3): `x-api-key` on every call, in the header only; Basic for a
 * service account, or Bearer from TokenResource (re-tokened once on a 401). TLS verification is always on,
 * with an optional CA bundle; the webhook SSRF guard applies at connect time, so a Kinetic on a private
 * network must be allowlisted explicitly. Every failure is classified once here:
 * - 401 twice (after one retry, or one re-token) → `auth`; 403 → `scope` (licence or access scope); 404 →
 *   `not_found`; 400, or a 500 carrying `ErrorType` (a business rule) → `business`, never retried;
 * - 429 / 503 with `Retry-After` → wait that long (capped), then again;
 * - other 5xx, resets, timeouts and bodies that are not complete JSON → full-jitter backoff, at most
 *   `maxTries` per request, then `transport`.
 */

export interface KineticSettings {
  baseUrl: string;
  instance: string;
  company: string;
  authMode: 'basic' | 'bearer';
  username: string;
  password: string;
  apiKey: string;
  caBundle: string | null;
  allowedCidrs: readonly string[];
}

export type FailureKind = 'auth' | 'scope' | 'not_found' | 'business' | 'transport' | 'dns' | 'tls' | 'refused';
export class KineticError extends Error {
  override name = 'KineticError';
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    /** A 429/503's `Retry-After`, in milliseconds (null when absent). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** Waits between tries (tests record the delays instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  timeoutMs?: number;
  maxTries?: number;
  resolve?: Resolver;
}

export const RETRY_AFTER_CAP_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const MAX_BODY = 64 * 1024 * 1024;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
export type ODataRow = Record<string, unknown>;
export interface ODataPage {
  value: ODataRow[];
  nextLink: string | null;
}

const TLS_CODES = /^(CERT_|ERR_TLS|ERR_SSL|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_CERT)/;

export class KineticClient {
  private token: { value: string; expiresAt: number } | null = null;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly maxTries: number;
  private readonly resolve: Resolver;
  /** Requests sent, including retries (for tests and the status screen). */
  calls = 0;

  constructor(
    readonly settings: KineticSettings,
    o: ClientOptions = {},
  ) {
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = o.random ?? Math.random;
    this.now = o.now ?? Date.now;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.maxTries = o.maxTries ?? 6;
    this.resolve = o.resolve ?? systemResolver;
  }

  /** `{base}/{instance}/api/v2/odata/{company}/{path}` */
  odataUrl(path: string, query: Record<string, string>) {
    const u = new URL(
      `${this.settings.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.settings.instance)}/api/v2/odata/${encodeURIComponent(this.settings.company)}/${path}`,
    );
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  }

  /** One OData page; `url` may be a server's `@odata.nextLink` (same origin only). */
  async page(url: URL): Promise<ODataPage> {
    const base = new URL(this.settings.baseUrl);
    if (url.origin !== base.origin)
      throw new KineticError('transport', `Kinetic sent a next link to another origin (${url.origin}).`);
    const body = await this.getJson(url);
    if (!body || typeof body !== 'object' || !Array.isArray((body as { value?: unknown }).value))
      throw new KineticError('transport', 'Kinetic answered without a "value" array.');
    const b = body as { value: ODataRow[]; '@odata.nextLink'?: unknown };
    const next = typeof b['@odata.nextLink'] === 'string' ? b['@odata.nextLink'] : null;
    return { value: b.value, nextLink: next };
  }

  /** GET with the retry rules above; answers parsed JSON. */
  async getJson(url: URL): Promise<unknown> {
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      let a: Answer;
      try {
        a = await this.send('GET', url, await this.authHeader());
      } catch (e) {
        const err = classifyTransport(e);
        if (err.kind !== 'transport' || attempt >= this.maxTries) throw err;
        await this.backoff(attempt);
        continue;
      }
      if (a.status === 401) {
        if (authRetried) throw new KineticError('auth', `Kinetic refused the credentials: ${messageOf(a)}`, 401);
        authRetried = true;
        this.token = null; // a bearer token is re-issued once; Basic is tried once more
        continue;
      }
      if (a.status >= 200 && a.status < 300) {
        try {
          return JSON.parse(a.body);
        } catch {
          if (attempt >= this.maxTries)
            throw new KineticError('transport', 'Kinetic sent a truncated or non-JSON body.');
          await this.backoff(attempt);
          continue;
        }
      }
      const failure = classifyStatus(a);
      if (failure.kind !== 'transport' || attempt >= this.maxTries) throw failure;
      const wait = a.status === 429 || a.status === 503 ? retryAfterMs(header(a, 'retry-after'), this.now()) : null;
      if (wait !== null) await this.sleep(Math.min(wait, RETRY_AFTER_CAP_MS));
      else await this.backoff(attempt);
    }
  }

  /** `{base}/{instance}/api/v2/efx/{company}/{library}/{fn}` (Epicor Functions). */
  efxUrl(library: string, fn: string) {
    return new URL(
      `${this.settings.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.settings.instance)}/api/v2/efx/${encodeURIComponent(this.settings.company)}/${encodeURIComponent(library)}/${encodeURIComponent(fn)}`,
    );
  }

  /**
   * One POST of a JSON body, for write-back: a single try (its retries belong to the durable write-back queue,
   * with the event id making them safe), except that a 401 re-tokens (or retries Basic) once. Answers the
   * parsed JSON body (null when empty); a failure is classified as for reads, with `Retry-After` kept.
   */
  async postJson(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const text = JSON.stringify(body);
    for (let authRetried = false; ; authRetried = true) {
      let a: Answer;
      try {
        a = await this.send('POST', url, await this.authHeader(), { text, headers });
      } catch (e) {
        throw classifyTransport(e);
      }
      if (a.status === 401 && !authRetried) {
        this.token = null;
        continue;
      }
      if (a.status === 401) throw new KineticError('auth', `Kinetic refused the credentials: ${messageOf(a)}`, 401);
      if (a.status >= 200 && a.status < 300) {
        if (a.body.trim() === '') return null;
        try {
          return JSON.parse(a.body);
        } catch {
          throw new KineticError('transport', 'Kinetic sent a truncated or non-JSON body.', a.status);
        }
      }
      const failure = classifyStatus(a);
      const wait = a.status === 429 || a.status === 503 ? retryAfterMs(header(a, 'retry-after'), this.now()) : null;
      throw new KineticError(failure.kind, failure.message, failure.status, wait);
    }
  }

  private backoff(attempt: number) {
    const cap = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return this.sleep(Math.round(this.random() * cap));
  }

  private async authHeader(): Promise<string> {
    const s = this.settings;
    if (s.authMode === 'basic') return `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
    if (!this.token || this.token.expiresAt <= this.now()) this.token = await this.fetchToken();
    return `Bearer ${this.token.value}`;
  }

  /** TokenResource [verify the path and body per Kinetic version: docs/kinetic.md]. */
  private async fetchToken(): Promise<{ value: string; expiresAt: number }> {
    const s = this.settings;
    const url = new URL(`${s.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(s.instance)}/TokenResource.svc/`);
    let a: Answer;
    for (let attempt = 1; ; attempt++) {
      try {
        a = await this.send('POST', url, `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`);
      } catch (e) {
        const err = classifyTransport(e);
        if (err.kind !== 'transport' || attempt >= this.maxTries) throw err;
        await this.backoff(attempt);
        continue;
      }
      if (a.status >= 500 && attempt < this.maxTries) {
        await this.backoff(attempt);
        continue;
      }
      break;
    }
    if (a.status === 401) throw new KineticError('auth', `Kinetic refused the credentials: ${messageOf(a)}`, 401);
    if (a.status !== 200) throw classifyStatus(a);
    let body: { AccessToken?: unknown; ExpiresIn?: unknown };
    try {
      body = JSON.parse(a.body);
    } catch {
      throw new KineticError('transport', 'TokenResource answered with a body that is not JSON.');
    }
    if (typeof body.AccessToken !== 'string') throw new KineticError('transport', 'TokenResource sent no AccessToken.');
    const life = typeof body.ExpiresIn === 'number' ? body.ExpiresIn : 3600;
    // Renew a little early; the response's ExpiresIn is authoritative (the sources disagree on 1 h vs 8 h).
    return { value: body.AccessToken, expiresAt: this.now() + Math.max(0, life - 30) * 1000 };
  }

  private send(
    method: 'GET' | 'POST',
    url: URL,
    authorization: string,
    body?: { text: string; headers: Record<string, string> },
  ): Promise<Answer> {
    const s = this.settings;
    const plainHttp = url.protocol === 'http:';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const why = refusal(host, { allowedCidrs: s.allowedCidrs, plainHttp });
      if (why) return Promise.reject(new SsrfRefused(`refused to connect to ${host}: ${why}`));
    }
    this.calls += 1;
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        f();
      };
      const req = (plainHttp ? http : https).request(url, {
        method,
        agent: false,
        lookup: guardedLookup(this.resolve, { allowedCidrs: s.allowedCidrs, plainHttp }) as never,
        ...(s.caBundle && !plainHttp ? { ca: [...(https.globalAgent.options.ca ?? []), s.caBundle] as never } : {}),
        headers: {
          accept: 'application/json',
          'x-api-key': s.apiKey,
          authorization,
          'user-agent': 'Gatehouse-Kinetic/1',
          ...(method === 'POST' ? { 'content-length': String(Buffer.byteLength(body?.text ?? '')) } : {}),
          ...(body ? { 'content-type': 'application/json', ...body.headers } : {}),
        },
      });
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms (timeout)`)),
        this.timeoutMs,
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error('answer larger than 64 MB'));
          else chunks.push(c);
        });
        res.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
        res.on('error', (e) => finish(() => reject(e)));
        res.on('aborted', () => finish(() => reject(new Error('connection reset while reading the answer'))));
      });
      req.on('error', (e) => finish(() => reject(e)));
      req.end(body?.text);
    });
  }
}

const header = (a: Answer, name: string) => {
  const v = a.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The Kinetic error body's message (JSON, OData or plain text), short. */
function messageOf(a: Answer): string {
  try {
    const b = JSON.parse(a.body) as { ErrorMessage?: unknown; error?: { message?: unknown } };
    if (typeof b.ErrorMessage === 'string') return b.ErrorMessage.slice(0, 500);
    if (typeof b.error?.message === 'string') return b.error.message.slice(0, 500);
  } catch {
    // not JSON: XML or plain text on 502/503
  }
  return `HTTP ${a.status}`;
}

function errorTypeOf(a: Answer): string | null {
  try {
    const b = JSON.parse(a.body) as { ErrorType?: unknown };
    return typeof b.ErrorType === 'string' && b.ErrorType ? b.ErrorType : null;
  } catch {
    return null;
  }
}

function classifyStatus(a: Answer): KineticError {
  const msg = messageOf(a);
  if (a.status === 403)
    return new KineticError('scope', `Kinetic refused access (licence or access scope): ${msg}`, 403);
  if (a.status === 404) return new KineticError('not_found', `Not found in Kinetic: ${msg}`, 404);
  if (a.status === 400) return new KineticError('business', `Kinetic refused the request: ${msg}`, 400);
  if (a.status === 500 && errorTypeOf(a))
    return new KineticError('business', `A Kinetic business rule refused the request (${errorTypeOf(a)}): ${msg}`, 500);
  if (a.status === 429 || a.status >= 500)
    return new KineticError('transport', `Kinetic answered ${a.status}: ${msg}`, a.status);
  return new KineticError('business', `Kinetic answered ${a.status}: ${msg}`, a.status);
}

function classifyTransport(e: unknown): KineticError {
  if (e instanceof KineticError) return e;
  if (e instanceof SsrfRefused) return new KineticError('refused', e.message);
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return new KineticError('dns', `The Kinetic host name does not resolve (${code}).`);
  if (TLS_CODES.test(code))
    return new KineticError(
      'tls',
      `The TLS handshake with Kinetic failed (${code}): check the CA bundle and host name.`,
    );
  return new KineticError('transport', `Connection to Kinetic failed: ${(err.message ?? String(e)).slice(0, 300)}`);
}
