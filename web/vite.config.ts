import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// `pnpm dev` serves the SPA on :5173 and proxies /trpc and /files to the API server (one origin, as an edge
// proxy would: docs/edge.md). The server refuses calls from origins it does not know, and the browser's
// Origin is Vite's, so start it with CORS_ORIGINS=http://localhost:5173 while developing.
const apiOrigin = process.env.GATEHOUSE_API_ORIGIN ?? 'http://localhost:3000';

// Output: dist/index.html plus content-hashed files under dist/assets (served immutable by the server).
// Nothing inline: the server's CSP allows only 'self' for scripts and styles.
export default defineConfig({
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep every asset a file; never inline it into JS or CSS as a data: URL.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/trpc': { target: apiOrigin },
      '/files': { target: apiOrigin },
    },
  },
});
