// Builds the SPA only when web/dist is missing or older than any of its inputs (used by `pnpm start`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = path.join(webDir, 'dist', 'index.html');
const inputs = [
  path.join(webDir, 'src'),
  path.join(webDir, 'public'),
  path.join(webDir, 'index.html'),
  path.join(webDir, 'vite.config.ts'),
  path.join(webDir, 'build-plugins.ts'),
  path.join(webDir, 'package.json'),
  path.join(webDir, '..', 'packages', 'contract', 'src'),
];

/** Newest modification time (ms) of a file, or of any file below a directory; 0 when absent. */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file changes its directory's mtime
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

function staleReason() {
  if (!existsSync(builtIndex)) return 'web/dist/index.html is missing';
  const builtAt = statSync(builtIndex).mtimeMs;
  const changed = inputs.find((input) => newest(input) > builtAt);
  return changed ? `${path.relative(path.join(webDir, '..'), changed)} changed` : null;
}

const reason = staleReason();
if (reason === null) {
  console.log('web: build is up to date');
} else {
  console.log(`web: building (${reason})`);
  const vite = path.join(webDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: webDir, stdio: 'inherit' });
  if (result.error) {
    console.error(`web: could not run vite: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error('web: build failed');
    process.exit(result.status ?? 1);
  }
}
