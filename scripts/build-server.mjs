// Builds the server into one ES module, server/dist/main.mjs, for `pnpm start` (tests and the CLI run
// the TypeScript sources through tsx). Why: tsx compiles every module at start and keeps that work in
// memory; the bundle starts faster and the process holds ~55 MB less (see docs/benchmarks.md, portal benchmark).
//
// Only the workspace's own TypeScript (@gatehouse/*) is bundled. npm packages stay outside and are
// resolved from server/node_modules as usual: native ones must be (argon2, PostgreSQL's binaries), and
// some import others at run time (rate-limiter-flexible imports drizzle-orm by name). So the server
// declares the data layer's packages too, at the same versions: pnpm links both to one copy.
//
// Every `import.meta.url` keeps pointing at its original source file, so files found next to the code
// (the migrations, the common-password list, web/dist) are found from the bundle too.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverPkg = JSON.parse(await readFile(path.join(root, 'server/package.json'), 'utf8'));
const external = Object.keys(serverPkg.dependencies).filter((d) => !d.startsWith('@gatehouse/'));

const keepMetaUrl = {
  name: 'keep-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/(server|db|packages)\/.*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

const started = performance.now();
await build({
  entryPoints: [path.join(root, 'server/src/main.ts')],
  outfile: path.join(root, 'server/dist/main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  external: external.flatMap((d) => [d, `${d}/*`]),
  // Bundled CommonJS dependencies may call require(); give the ES module one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  plugins: [keepMetaUrl],
  logLevel: 'warning',
});
console.log(`server/dist/main.mjs built in ${Math.round(performance.now() - started)} ms`);
