// Preloaded by `pnpm gatehouse` (package.json: `node --import ./scripts/cli-priority.mjs --import tsx ...`),
// before tsx compiles the CLI's modules: that takes a second or two of CPU, and for `backup` (and `backup
// verify`) it must already run at the lowest priority, or it competes with the portal it is meant to
// leave alone (docs/benchmarks.md, Backup benchmark). Threads started from here on (tsx's, esbuild's
// process) inherit it; the CLI then lowers every thread's CPU and I/O priority (server/src/backup/pace.ts).
import os from 'node:os';

if (process.argv[2] === 'backup') {
  try {
    os.setPriority(os.constants.priority.PRIORITY_LOW);
  } catch {}
}
