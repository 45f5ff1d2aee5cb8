import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../server/src/config.ts';

/** Reference pages that list what the code has; each fails here when the code gains an entry they lack. */
describe('the configuration reference (docs/configuration.md)', () => {
  it('has a row for every variable of the server’s environment schema', async () => {
    const doc = await readFile(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const names = Object.keys(envSchema.shape);
    expect(names.length).toBeGreaterThan(40);
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    expect(names.filter((n) => !rows.some((r) => r.split('|')[1]?.includes(`\`${n}\``)))).toEqual([]);
  });
});

describe('the migration list (db/README.md)', () => {
  it('names every migration file, and none that does not exist', async () => {
    const doc = await readFile(new URL('../db/README.md', import.meta.url), 'utf8');
    const files = (await readdir(new URL('../db/migrations/', import.meta.url))).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(30);
    const listed = [...doc.matchAll(/`(\d{4}_[a-z0-9-]+\.sql)`/g)].map((m) => m[1]);
    expect(files.filter((f) => !listed.includes(f))).toEqual([]);
    expect(listed.filter((f) => !files.includes(f as string))).toEqual([]);
  });
});
