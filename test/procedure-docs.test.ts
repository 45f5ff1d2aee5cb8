import { readFile } from 'node:fs/promises';
import { appRouter, PROCEDURE_DOCS, procedureEntries, renderProcedureDocs } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';

/**
 * docs/procedures.md is generated from the router (`pnpm docs:procedures`), so it cannot go stale: this fails
 * when a procedure has no description, when a description names no procedure, and when the file is not what
 * the script would write now.
 */
describe('the procedure reference (docs/procedures.md)', () => {
  const names = procedureEntries(appRouter).map(([name]) => name);

  it('has a description for every procedure of the router, and none for a procedure it does not have', () => {
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((n) => !PROCEDURE_DOCS[n]?.trim())).toEqual([]);
    expect(Object.keys(PROCEDURE_DOCS).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('has no description that would break its table row', () => {
    expect(Object.entries(PROCEDURE_DOCS).filter(([, d]) => /[|\n]/.test(d))).toEqual([]);
  });

  it('is exactly what `pnpm docs:procedures` writes now (run it after changing a procedure)', async () => {
    const onDisk = await readFile(new URL('../docs/procedures.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderProcedureDocs(appRouter));
  });

  it('lists every procedure once, with its kind and its permission from the meta', async () => {
    const onDisk = await readFile(new URL('../docs/procedures.md', import.meta.url), 'utf8');
    const rows = onDisk.split('\n').filter((l) => /^\| `[a-zA-Z.]+`/.test(l));
    expect(rows.map((r) => r.split('|')[1]?.trim().replaceAll('`', ''))).toEqual([...names].sort());
    const row = (n: string) =>
      rows
        .find((r) => r.startsWith(`| \`${n}\` `))
        ?.split('|')
        .map((c) => c.trim());
    expect(row('orders.list')?.slice(2, 4)).toEqual(['query', '`orders:read`']);
    expect(row('auth.login')?.slice(2, 5)).toEqual(['mutation', 'public', '`auth.login_succeeded`']);
    expect(row('users.setRoles')?.[3]).toBe('`users:manage` + recent password');
  });
});
