import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { chunkModules, precompress } from './build-plugins.ts';

// `pnpm dev` serves the SPA on :5173 and proxies /trpc and /files to the API server (one origin, as an edge
// proxy would: docs/edge.md). The server refuses calls from origins it does not know, and the browser's
// Origin is Vite's, so start it with CORS_ORIGINS=http://localhost:5173 while developing.
const apiOrigin = process.env.GATEHOUSE_API_ORIGIN ?? 'http://localhost:3000';

// Output: dist/index.html plus content-hashed files under dist/assets (served immutable by the server),
// each with a brotli (.br) and a gzip (.gz) copy beside it; dist/.vite/ holds the manifest and the modules
// of each chunk (read by test/spa-chunks.test.ts, never served). One chunk per screen (src/main.tsx).
// Nothing inline: the server's CSP allows only 'self' for scripts and styles.
export default defineConfig({
  plugins: [solid(), precompress(), chunkModules(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'))],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep every asset a file; never inline it into JS or CSS as a data: URL.
    assetsInlineLimit: 0,
    manifest: true,
  },
  server: {
    proxy: {
      '/trpc': { target: apiOrigin },
      '/files': { target: apiOrigin },
    },
  },
});
