import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ChunkModules } from '../web/build-plugins.ts';
import { useTestServer } from './support/harness.ts';

/**
 * What a customer downloads before the first screen, read from the built SPA (`pnpm --filter
 * @gatehouse/web run build`): Vite's manifest says which chunks a route's screen imports, and
 * .vite/chunks.json (web/build-plugins.ts) which modules each holds. The router loads the entry, then a
 * route's lazy screens (main.tsx): /sign-in its page only, /orders the shell and its page. A change that
 * pulls an admin, audit or approval screen or zod into those chunks fails here (names, not timings).
 */

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

interface ManifestChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const read = <T>(file: string): T => {
  const full = path.join(DIST, file);
  if (!existsSync(full)) throw new Error(`${full} is missing: run \`pnpm --filter @gatehouse/web run build\` first`);
  return JSON.parse(readFileSync(full, 'utf8')) as T;
};

const manifest = read<Record<string, ManifestChunk>>('.vite/manifest.json');
const chunks = read<Record<string, ChunkModules>>('.vite/chunks.json');
const ENTRY = Object.keys(manifest).find((k) => manifest[k]?.isEntry) ?? 'missing entry';

/** The chunks loaded for `screens` (manifest keys: the entry and the route's lazy screens), imports included. */
function firstScreen(screens: string[]): ManifestChunk[] {
  const seen = new Map<string, ManifestChunk>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the manifest`);
    if (seen.has(key)) return;
    seen.set(key, chunk);
    for (const next of chunk.imports ?? []) visit(next);
  };
  for (const key of [ENTRY, ...screens]) visit(key);
  return [...seen.values()];
}

/** A chunk's stable name: its source for a screen, its chunk name (without the content hash) for a shared one. */
const nameOf = (c: ManifestChunk) => c.src ?? `shared:${c.name}`;
const modulesOf = (list: ManifestChunk[]) => list.flatMap((c) => chunks[c.file]?.modules ?? []);
const gzipBytes = (list: ManifestChunk[]) =>
  list.reduce((sum, c) => sum + gzipSync(readFileSync(path.join(DIST, c.file)), { level: 9 }).length, 0);

// The English catalogue loads with the first screen too (main.tsx waits for it): it counts in the budget.
// Sign-in needs its main part only; the signed-in shell also waits for the forms part (docs/i18n.md).
const SIGN_IN = firstScreen(['src/features/auth/SignIn.tsx', 'src/i18n/en.ts']);
const ORDERS = firstScreen([
  'src/layout.tsx',
  'src/features/orders/Orders.tsx',
  'src/i18n/en.ts',
  'src/i18n/en-forms.ts',
]);

/** Screens a customer never opens, and the validation library no customer screen needs. */
const NOT_FOR_CUSTOMERS = [
  /web\/src\/features\/(admin|approvals|audit|integration|users)\//,
  /web\/src\/i18n\/admin\./,
  /node_modules\/zod\//,
  /packages\/contract\/src\/[a-z-]+-schemas\.ts/,
];

describe("a customer's first screen", () => {
  it('sign-in loads the entry and the sign-in screen (with the public frame it shares with the shell)', () => {
    // shared:notifications is the header's unread-count signal (a few lines; the shell imports it).
    expect(SIGN_IN.map(nameOf).sort()).toEqual(
      [
        'index.html',
        'shared:forms',
        'shared:notifications',
        'shared:reauth',
        'src/i18n/en.ts',
        'src/layout.tsx',
        'src/features/auth/SignIn.tsx',
      ].sort(),
    );
  });

  it('the orders page loads the entry, the shell, the orders screen and its export button', () => {
    // shared:components and shared:download carry the list's Export (CSV / XLSX) button, which every list has;
    // shared:dialog is the modal its progress opens in (web/src/shared/dialog.tsx, no feature code).
    expect(ORDERS.map(nameOf).sort()).toEqual(
      [
        'index.html',
        'shared:components',
        'shared:dialog',
        'shared:download',
        'shared:forms',
        'shared:notifications',
        'shared:reauth',
        'src/i18n/en.ts',
        'src/i18n/en-forms.ts',
        'src/layout.tsx',
        'src/features/orders/Orders.tsx',
      ].sort(),
    );
  });

  it('holds no admin, audit or approval screen and no zod', () => {
    for (const list of [SIGN_IN, ORDERS]) {
      const modules = modulesOf(list);
      expect(modules.length).toBeGreaterThan(10);
      for (const pattern of NOT_FOR_CUSTOMERS) expect(modules.filter((m) => pattern.test(m))).toEqual([]);
    }
    // The check above looks where it should: those screens are built, each in a chunk of its own.
    const all = Object.values(chunks).flatMap((c) => c.modules);
    for (const built of [
      'web/src/features/audit/AuditLog.tsx',
      'web/src/features/users/Users.tsx',
      'web/src/features/integration/Integrations.tsx',
      'web/src/i18n/admin.en.ts',
      'packages/contract/src/auth-schemas.ts',
    ])
      expect(all).toContain(built);
    expect(all.some((m) => m.startsWith('node_modules/zod/'))).toBe(true);
  });

  it('an English user never downloads the German catalogue; sign-in not even the forms part', () => {
    for (const list of [SIGN_IN, ORDERS]) expect(modulesOf(list)).not.toContain('web/src/i18n/de.ts');
    for (const list of [SIGN_IN, ORDERS]) expect(modulesOf(list)).not.toContain('web/src/i18n/de-forms.ts');
    expect(modulesOf(SIGN_IN)).not.toContain('web/src/i18n/en-forms.ts');
    expect(Object.values(chunks).flatMap((c) => c.modules)).toContain('web/src/i18n/de.ts');
  });

  it('stays within its budget: 60 kB gzip for sign-in, 90 kB for the orders page', () => {
    expect(gzipBytes(SIGN_IN)).toBeLessThan(60_000);
    expect(gzipBytes(ORDERS)).toBeLessThan(90_000);
  });

  it('every script and stylesheet over 1 kB has brotli and gzip copies beside it', () => {
    // A file of a few hundred bytes does not shrink, and precompress() keeps only copies that are smaller.
    const assets = Object.values(manifest)
      .flatMap((c) => [c.file, ...((c as { css?: string[] }).css ?? [])])
      .filter((file) => statSync(path.join(DIST, file)).size > 1024);
    expect(assets.length).toBeGreaterThan(5);
    for (const file of assets) {
      const raw = readFileSync(path.join(DIST, file));
      expect(brotliDecompressSync(readFileSync(path.join(DIST, `${file}.br`))).equals(raw), file).toBe(true);
      expect(gunzipSync(readFileSync(path.join(DIST, `${file}.gz`))).equals(raw), file).toBe(true);
    }
  });
});

const t = useTestServer();

/** A GET with exactly these headers, the body as sent (node:http does not decode it, unlike fetch). */
function get(pathname: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(`${t.srv.origin}${pathname}`, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

describe('precompressed assets, as the server sends them', () => {
  const entry = `/${manifest[ENTRY]?.file}`;
  const plain = () => readFileSync(path.join(DIST, entry));

  it('a script is sent as brotli when the browser accepts it, with Vary and the script type', async () => {
    const res = await get(entry, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
    expect(res.body.length).toBe(statSync(path.join(DIST, `${entry}.br`)).size);
    expect(brotliDecompressSync(res.body).equals(plain())).toBe(true);
  });

  it('gzip for a client without brotli, or one ranking gzip higher', async () => {
    for (const accept of ['gzip', 'br;q=0.5, gzip']) {
      const res = await get(entry, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe('gzip');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(gunzipSync(res.body).equals(plain())).toBe(true);
    }
  });

  it('the plain file, still with Vary, for a client accepting neither', async () => {
    for (const accept of ['identity', 'br;q=0, gzip;q=0']) {
      const res = await get(entry, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBeUndefined();
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.body.equals(plain())).toBe(true);
    }
  });

  it('a missing asset is a 404 whatever the encoding, and the build reports are not served', async () => {
    expect((await get('/assets/missing-abc123.js', { 'accept-encoding': 'br' })).status).toBe(404);
    for (const file of ['/.vite/manifest.json', '/.vite/chunks.json']) {
      const res = await get(file, { accept: 'application/json' });
      expect(res.status, file).toBe(404);
    }
  });
});
