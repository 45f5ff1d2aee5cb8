import { readdir, readFile } from 'node:fs/promises';
import { envSchema } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';

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

describe('links in the documentation', () => {
  const root = new URL('../', import.meta.url);
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replaceAll(' ', '-');

  it('stay inside the repository and lead to a file (and heading) that exists', async () => {
    const pages = [
      'README.md',
      'db/README.md',
      'test/README.md',
      ...(await readdir(new URL('docs/', root), { recursive: true }))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const problems: string[] = [];
    for (const page of pages) {
      const text = (await readFile(new URL(page, root), 'utf8')).replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^https?:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path ? new URL(path, new URL(page, root)) : new URL(page, root);
        if (!file.href.startsWith(root.href)) {
          problems.push(`${page}: ${target} is outside the repository`);
          continue;
        }
        const body = await readFile(file, 'utf8').catch(() => null);
        if (body === null) {
          if (!path.endsWith('/')) problems.push(`${page}: ${target} does not exist`);
          continue;
        }
        const headings = [...body.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] ?? ''));
        if (anchor && file.pathname.endsWith('.md') && !headings.includes(anchor))
          problems.push(`${page}: ${target} names no heading there`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('never point at the team notes outside the repository', async () => {
    const pages = (await readdir(new URL('docs/', root), { recursive: true })).filter((f) => f.endsWith('.md'));
    const texts = await Promise.all(
      ['README.md', ...pages.map((p) => `docs/${p}`)].map((p) => readFile(new URL(p, root), 'utf8')),
    );
    expect(texts.filter((t) => /\.\.\/shared\/|\/work\/shared/.test(t))).toEqual([]);
  });
});
