import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../server/src/config.ts';

/** docs/configuration.md names every environment variable the server reads and validates at boot. */
describe('the configuration reference (docs/configuration.md)', () => {
  it('has a row for every variable of the server’s environment schema', async () => {
    const doc = await readFile(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const names = Object.keys(envSchema.shape);
    expect(names.length).toBeGreaterThan(40);
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    expect(names.filter((n) => !rows.some((r) => r.split('|')[1]?.includes(`\`${n}\``)))).toEqual([]);
  });
});
