/**
 * The import boundaries of docs/architecture.md, checked on every `pnpm lint` (and so in CI): which folder may
 * import which. Biome has no rule that knows our folders, so this reads each file's imports with TypeScript's
 * own parser (type-only imports told apart from runtime ones) and fails with one line per forbidden import.
 *
 *   node scripts/check-boundaries.ts        # exit 1 and a list when a line is crossed
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

/**
 * Every static import, re-export and dynamic import() of a file that survives compilation: esbuild strips
 * the types first (as the build does), so `import type` and imports used only as types are gone and the
 * rest is runtime code. (TypeScript 7's package has no parser API to ask instead.)
 */
export function importsOf(file: string, text: string): ImportRef[] {
  const runtime = new Set<string>();
  const { code } = transformSync(text, { loader: file.endsWith('.tsx') ? 'tsx' : 'ts', jsx: 'preserve' });
  for (const m of code.matchAll(
    /(?:^|[\s;}])(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ))
    runtime.add((m[1] ?? m[2]) as string);
  const out: ImportRef[] = [];
  const lines = text.split('\n');
  const seen = new Set<string>();
  for (const [n, l] of lines.entries()) {
    // Statements only: a line that starts an import or export (or closes a multi-line one), or a dynamic
    // import() outside a string; a specifier quoted inside a string (a test fixture) is not an import.
    if (!/^\s*(import|export|\} from|from)\b/.test(l) && !/(^|[\s(=>])import\(/.test(l)) continue;
    for (const m of l.matchAll(/(?:from\s*|import\(\s*|^\s*import\s*)["']([^"']+)["']/g)) {
      const specifier = m[1] as string;
      if (seen.has(`${specifier}:${n}`)) continue;
      seen.add(`${specifier}:${n}`);
      out.push({ specifier, typeOnly: !runtime.has(specifier), line: n + 1 });
    }
  }
  return out;
}

/** A page: a capitalised module in a web feature folder (the pieces its pages share are lower-case). */
const isPage = (file: string) => /^web\/src\/features\/[^/]+\/[A-Z][^/]*\.tsx$/.test(file);

/** Where a relative specifier lands, as a workspace path (no extension guessing needed for folder rules). */
const target = (file: string, specifier: string) =>
  specifier.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) : null;

/**
 * The rules, each a sentence a reader can check against docs/architecture.md. `file` and resolved targets are
 * workspace-relative with forward slashes.
 */
export function violations(file: string, imports: ImportRef[]): Violation[] {
  const found: Violation[] = [];
  const refuse = (i: ImportRef, rule: string) => found.push({ file, line: i.line, specifier: i.specifier, rule });
  for (const i of imports) {
    const to = target(file, i.specifier);
    const pkg = to === null ? i.specifier : null;
    if (file.startsWith('packages/contract/')) {
      if (pkg?.startsWith('@gatehouse/') || (to && !to.startsWith('packages/contract/')))
        refuse(i, 'the contract imports nothing of the workspace: server, data layer and web all build on it');
      if (pkg?.startsWith('node:')) refuse(i, 'the contract runs in the browser too: no Node built-ins');
    }
    if (file.startsWith('db/src/')) {
      if (pkg === '@gatehouse/server' || pkg?.startsWith('@gatehouse/server/') || (to && !to.startsWith('db/')))
        refuse(i, 'the data layer imports only the contract and its own files');
    }
    if (file.startsWith('server/src/')) {
      if (to && !to.startsWith('server/src/')) refuse(i, 'server code imports packages, not files outside server/src');
    }
    if (file.startsWith('server/src/routers/') || file === 'server/src/router.ts') {
      if (pkg === '@gatehouse/db' && !i.typeOnly)
        refuse(i, 'a router calls service verbs; only services reach the data layer (@gatehouse/db)');
    }
    if (file.startsWith('web/src/')) {
      if ((pkg === '@gatehouse/server' || pkg?.startsWith('@gatehouse/server/')) && !i.typeOnly)
        refuse(i, 'the SPA imports server types only (import type), never server runtime code');
      if (pkg === '@gatehouse/db' || pkg?.startsWith('@gatehouse/db/'))
        refuse(i, 'the SPA never imports the data layer');
      if (to && !to.startsWith('web/')) refuse(i, 'the SPA imports packages, not files outside web/');
      if (to && file.startsWith('web/src/shared/') && to.startsWith('web/src/features/'))
        refuse(i, 'shared SPA pieces never import a feature: move what they need into web/src/shared');
      if (to && isPage(file) && isPage(`${to.replace(/\.tsx$/, '')}.tsx`) && to !== file)
        refuse(i, 'a page never imports another page: move what both use into the feature folder or web/src/shared');
    }
    if (file.startsWith('test/')) {
      if (to && (to.startsWith('server/src/') || to.startsWith('db/src/')))
        refuse(i, 'tests import @gatehouse/server/testing or the packages, not server/src or db/src by path');
    }
  }
  return found;
}

function workspaceFiles(root: string): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !f.includes('/dist/') && !f.endsWith('.d.ts'));
}

export function check(root: string): Violation[] {
  return workspaceFiles(root).flatMap((f) => {
    const full = path.join(root, f);
    return existsSync(full) ? violations(f, importsOf(f, readFileSync(full, 'utf8'))) : []; // deleted, not yet staged
  });
}

if (import.meta.main) {
  const found = check(path.resolve(import.meta.dirname, '..'));
  for (const v of found) console.error(`${v.file}:${v.line}  ${v.specifier}\n    ${v.rule}`);
  if (found.length > 0) {
    console.error(`\n${found.length} import(s) cross a boundary (docs/architecture.md).`);
    process.exit(1);
  }
  console.log('import boundaries: ok');
}
