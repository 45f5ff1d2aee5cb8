// Browser tests drive Debian's chromium (never a downloaded browser). On a fresh machine where we are
// root with apt-get, install it; otherwise say exactly what is missing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log('Installing chromium from Debian packages for the browser tests (about 20 s)...');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit',
  });
  if (existsSync(CHROMIUM)) process.exit(0);
}
console.error(
  `Browser tests need Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
);
process.exit(1);
