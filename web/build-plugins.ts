import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text files worth compressing; images other than SVG and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|html|map)$/;

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every content-hashed
 * file under assets/, so the server (server/src/http.ts) or an edge (docs/edge.md) sends them as they are
 * instead of compressing on every request, or not at all. Only assets/: their names carry their content
 * hash, so a compressed copy can never go stale. Files outside it (config.json is edited at deploy time)
 * are left alone. A variant not smaller than the file is not written.
 */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'gatehouse:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f.startsWith('assets/') && COMPRESSIBLE.test(f));
      await Promise.all(
        files.map(async (file) => {
          const full = path.join(outDir, file);
          const raw = await readFile(full);
          const [br, gzipped] = await Promise.all([
            brotli(raw, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
                [constants.BROTLI_PARAM_SIZE_HINT]: (await stat(full)).size,
              },
            }),
            gz(raw, { level: constants.Z_BEST_COMPRESSION }),
          ]);
          if (br.length < raw.length) await writeFile(`${full}.br`, br);
          if (gzipped.length < raw.length) await writeFile(`${full}.gz`, gzipped);
        }),
      );
    },
  };
}

/** One chunk of the build: which source modules it holds (paths relative to the workspace root). */
export interface ChunkModules {
  name: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  modules: string[];
}

/**
 * Writes .vite/chunks.json: for each JS chunk, the modules in it. Vite's manifest says which chunk imports
 * which; this says what is inside, so test/spa-chunks.test.ts can tell that no admin screen and no zod
 * reaches a customer's first screen. Under .vite/, which neither the server nor the edge serves.
 */
export function chunkModules(workspaceRoot: string): Plugin {
  const relative = (id: string) => {
    const clean = id.replace(/^\0/, '').replace(/\?.*$/, '');
    const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/(.*)$/.exec(clean);
    if (pnpm) return `node_modules/${pnpm[1]}`;
    return path.isAbsolute(clean) ? path.relative(workspaceRoot, clean) : clean;
  };
  return {
    name: 'gatehouse:chunk-modules',
    apply: 'build',
    generateBundle(_options, bundle) {
      const report: Record<string, ChunkModules> = {};
      for (const out of Object.values(bundle)) {
        if (out.type !== 'chunk') continue;
        report[out.fileName] = {
          name: out.name,
          isEntry: out.isEntry,
          isDynamicEntry: out.isDynamicEntry,
          modules: out.moduleIds.map(relative).sort(),
        };
      }
      this.emitFile({ type: 'asset', fileName: '.vite/chunks.json', source: `${JSON.stringify(report, null, 2)}\n` });
    },
  };
}
