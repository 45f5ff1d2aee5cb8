// `pnpm start`: brings the web app and the server bundle up to date, then runs the server in this very
// process. Why in-process: `pnpm start` used to run `node server/dist/main.mjs` as a child of `sh -c`, so
// a SIGTERM to the process pnpm starts (or to pnpm, which passes it on to that process) reached only the
// shell; the server and its embedded PostgreSQL were left running as orphans. Here the process pnpm
// starts IS the server (the script is `exec node_modules/node/bin/node scripts/start.mjs`: no shell stays
// in between), and SIGTERM/SIGINT stop the HTTP server, the pool and PostgreSQL in order. It names the
// Node 24 binary itself: `node` on a pnpm script's PATH is pnpm's shim, a shell script that runs Node as
// its child (not `exec`), which would put a signal-swallowing shell back in between.
//
// In production, run the built server directly under the supervisor instead (`pnpm build`, then
// `node_modules/node/bin/node --enable-source-maps server/dist/main.mjs`): pnpm exits as soon as it has passed a SIGTERM on, and
// a supervisor or container runtime that watches pnpm would take that for the end of the service.
process.setSourceMapsEnabled(true);
await import('../web/scripts/build-if-needed.mjs');
await import('./build-server.mjs');
await import('../server/dist/main.mjs');
