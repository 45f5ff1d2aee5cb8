/**
 * Lists the tests (`it` / `test` bodies) longer than 80 lines in test/ and server/src, and for each the
 * longest stretch without a named step (`step('...')`, test/support/steps.ts): a failure inside such a
 * stretch only has a line number to go by.
 *
 *   node test/support/long-tests.ts            # the list, longest first
 *   node test/support/long-tests.ts --unnamed  # only tests with a stretch over 80 lines and no step name
 *
 * A scan by indentation, not a parser (TypeScript 7 has no JavaScript parser API): Biome formats every test
 * file, so a test starts on a line `it(` / `test(` (also `it.each(...)(`) and ends at the first later line
 * at the same indentation that starts with `}`. Comments and strings do not matter to it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const LIMIT = 80;
const root = path.resolve(import.meta.dirname, '../..');

function files(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

export interface LongTest {
  file: string;
  line: number;
  name: string;
  lines: number;
  /** The longest run of lines before the first step or between two step names. */
  unnamed: number;
  steps: number;
}

const START = /^(\s*)(?:it|test)(?:\.each\(.*\))?\(\s*(?:(['"`])(.*?)\2)?/;
const NAME = /^\s*(['"`])(.*?)\1/;
const STEP = /^\s*step\(\s*['"`]/;

export function scan(file: string): LongTest[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: LongTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = START.exec(lines[i] ?? '');
    if (!m) continue;
    const indent = m[1] ?? '';
    // Biome puts a long name on the line after `it(`.
    const name = m[3] ?? NAME.exec(lines[i + 1] ?? '')?.[2] ?? '';
    let end = i;
    // A one-line test ends on its own line; otherwise at the first `}` / `})` at the opening indentation.
    if (!/\);?\s*$/.test(lines[i] ?? '') || /=>\s*\{\s*$|\{\s*$/.test(lines[i] ?? '')) {
      for (let j = i + 1; j < lines.length; j++) {
        const l = lines[j] ?? '';
        if (l.startsWith(`${indent}}`) || l.startsWith(`${indent})`)) {
          end = j;
          break;
        }
      }
    }
    const count = end - i + 1;
    let unnamed = 0;
    let run = 0;
    let steps = 0;
    for (let j = i; j <= end; j++) {
      if (STEP.test(lines[j] ?? '')) {
        steps += 1;
        run = 0;
      } else run += 1;
      unnamed = Math.max(unnamed, run);
    }
    if (count > LIMIT) found.push({ file: path.relative(root, file), line: i + 1, name, lines: count, unnamed, steps });
  }
  return found;
}

export function longTests(): LongTest[] {
  const all = [...files(path.join(root, 'test')), ...files(path.join(root, 'server/src'))].flatMap(scan);
  return all.sort((a, b) => b.lines - a.lines);
}

if (import.meta.main) {
  const onlyUnnamed = process.argv.includes('--unnamed');
  const all = longTests();
  const shown = onlyUnnamed ? all.filter((t) => t.unnamed > LIMIT) : all;
  for (const t of shown)
    console.log(
      `${String(t.lines).padStart(4)} lines, ${String(t.steps).padStart(2)} steps, longest unnamed ${String(t.unnamed).padStart(3)}  ${t.file}:${t.line}  ${t.name}`,
    );
  console.log(
    `${all.length} tests over ${LIMIT} lines; ${all.filter((t) => t.unnamed > LIMIT).length} with more than ${LIMIT} lines in a row without a step name`,
  );
}
