import { UserFacingError } from './shared/errors.ts';

/**
 * Where the API lives. One build serves every deployment: `config.json` beside index.html (read once, at
 * start, from the SPA's own origin) may name the API's origin, `{ "apiOrigin": "https://api.example.com" }`.
 * Absent, empty or `{}` (what the build ships): the API is on the SPA's own origin, the default when
 * Gatehouse serves the SPA itself or an edge proxy routes /trpc and /files to it. See docs/edge.md.
 *
 * A config.json that cannot be read as meant is an error shown to the user, never a silent fallback: an
 * operator who set an API origin must not find the SPA quietly talking to another one.
 */
export type ApiBase = { origin: string; error?: undefined } | { origin?: undefined; error: string };

let loaded: Promise<ApiBase> | undefined;

/** The API's origin ('' for the SPA's own origin), loaded once. Rejects when config.json is invalid. */
export async function apiOrigin(): Promise<string> {
  loaded ??= loadApiBase();
  const base = await loaded;
  if (base.error !== undefined) throw new UserFacingError(base.error);
  return base.origin;
}

/** The address of an API route ('/trpc/…', '/files/…') on the API's origin. */
export async function apiUrl(path: string): Promise<string> {
  return (await apiOrigin()) + (path.startsWith('/') ? path : `/${path}`);
}

async function loadApiBase(): Promise<ApiBase> {
  let res: Response;
  try {
    // Same origin as the page, Cache-Control from whoever serves it (no-cache). Exactly the request
    // index.html preloads (<link rel="preload" as="fetch" crossorigin="anonymous">), so it is used, not repeated.
    res = await fetch('/config.json', { credentials: 'same-origin' });
  } catch {
    return { origin: '' }; // offline: the first API call will say so in its own words
  }
  // Not deployed (a static host without the file answers 404): the API is on this origin.
  if (res.status === 404) return { origin: '' };
  if (!res.ok) return { error: `This site's configuration (config.json) could not be read (status ${res.status}).` };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { error: "This site's configuration (config.json) is not valid JSON." };
  }
  return parseConfig(body, window.location);
}

/** Checks a config.json body: an object whose optional `apiOrigin` is '' or an http(s) origin. */
export function parseConfig(body: unknown, page: { protocol: string; origin: string }): ApiBase {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: "This site's configuration (config.json) must be a JSON object." };
  }
  const value: unknown = (body as { apiOrigin?: unknown }).apiOrigin;
  if (value === undefined || value === null || value === '') return { origin: '' };
  const bad = {
    error: `This site's configuration (config.json) names an API origin that cannot be used: ${String(value)}. Give a scheme, host and optional port, such as https://api.example.com, with no path.`,
  };
  if (typeof value !== 'string') return bad;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad;
  }
  // An origin only: no path, query, fragment or credentials (they would be silently dropped).
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== value.replace(/\/$/, '')) return bad;
  // A page served over HTTPS must never send its session to a plain-HTTP API (the browser blocks it too).
  if (page.protocol === 'https:' && url.protocol !== 'https:') {
    return { error: `This site's configuration (config.json) names a plain-HTTP API (${value}) for an HTTPS page.` };
  }
  return { origin: url.origin === page.origin ? '' : url.origin };
}
