import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { passwordProblem } from '@gatehouse/contract';
import type { ErrorKey, ErrorText } from '../errors/i18n.ts';
import { DomainError } from '../errors.ts';

/**
 * The server's password policy (NIST SP 800-63B 5.1.1.2): the contract's rules first (length 12-128,
 * nothing from the user's email, name or company, not one repeated character; the SPA checks the same),
 * then what only the server can afford: the personal-info rule again through leetspeak, no short pattern
 * repeated, and a bundled list of 254k common and breached passwords (built by
 * scripts/build-password-list.mjs; sources and licences in data/README.md) matched with its obvious
 * variants. No composition rules. Each refusal names its rule; the list is never sent to the SPA.
 *
 * zxcvbn-ts (core + common + en) was measured here and left out: 45-100 ms a check, 550 ms for a
 * 128-character input, synchronous on the event loop. The list with variants refuses the common,
 * breached and leet-substituted passwords it flagged, in well under a millisecond a check.
 */

export const COMMON_PASSWORD_MESSAGE =
  'This password is too common (it appears in lists of leaked passwords). Choose something less predictable.';

export const SHORT_PATTERN_MESSAGE = 'Do not use a short pattern repeated.';

/**
 * A password rule's refusal as an error, in the reader's language (errors/i18n.ts): the rules answer in
 * English words, each of which has its catalogue key here.
 */
export function passwordRefused(problem: string): DomainError {
  const min = /^Use at least (\d+) characters\.$/.exec(problem);
  const max = /^Use at most (\d+) characters\.$/.exec(problem);
  const fixed: Record<string, ErrorKey> = {
    [COMMON_PASSWORD_MESSAGE]: 'password.common',
    [SHORT_PATTERN_MESSAGE]: 'password.shortPattern',
    'Do not use your email address, name or company name in the password.': 'password.personal',
    'Do not use one character repeated.': 'password.repeated',
    'Choose a password different from the current one.': 'password.sameAsCurrent',
  };
  const key = fixed[problem];
  const text: string | ErrorText = min
    ? { key: 'password.minLength', values: { min: Number(min[1]) } }
    : max
      ? { key: 'password.maxLength', values: { max: Number(max[1]) } }
      : key
        ? { key }
        : problem;
  return new DomainError('BAD_REQUEST', text);
}

export type PasswordAbout = { email?: string; name?: string; company?: string };

export async function newPasswordProblem(
  password: string,
  about: PasswordAbout = {},
  /** PASSWORD_MIN_LENGTH: an installation may raise the minimum of 12 (never lower it). */
  minLength = 12,
): Promise<string | null> {
  if (password.length < minLength) return `Use at least ${minLength} characters.`;
  const basic = passwordProblem(password, about);
  if (basic) return basic;

  // "J0hn.Sm1th..." is still the user's name: the contract's personal rule over the un-leeted password.
  // (Un-leeting keeps the length, so only the personal rule can make these two answers differ.)
  const base = normalise(password);
  for (const variant of [unleet(base, 'i'), unleet(base, 'l')]) {
    const withAbout = passwordProblem(variant, about);
    if (withAbout !== passwordProblem(variant, {})) return withAbout;
  }

  // The contract refuses one character repeated; "x7x7x7x7x7x7" is hardly better.
  const unit = REPEATED.exec(base)?.[1];
  if (unit !== undefined && unit.length <= SHORT_PATTERN_MAX) return SHORT_PATTERN_MESSAGE;

  const list = await loadCommonPasswords();
  if (commonPasswordCandidates(password).some((candidate) => list.has(candidate))) return COMMON_PASSWORD_MESSAGE;
  return null;
}

// ---- the list: read once, on first use, without holding the event loop for more than a few ms ----

const LIST_FILE = new URL('./data/common-passwords.txt.gz', import.meta.url);
let list: Promise<ReadonlySet<string>> | undefined;

/**
 * The bundled list as a Set of normalised entries (NFKC, lower case, trimmed). Loaded once and shared by
 * concurrent callers; a failed load is not cached (the next check tries again, and until then checks fail
 * closed by rejecting). Call it at start-up to take the load off the first password change.
 */
export function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  if (!list) {
    const loading = readList();
    list = loading;
    loading.catch(() => {
      if (list === loading) list = undefined;
    });
  }
  return list;
}

/** Entries added between two yields to the event loop: the Set is built in slices of a few ms each. */
const SLICE = 5_000;

async function readList(): Promise<ReadonlySet<string>> {
  const text = (await promisify(gunzip)(await readFile(LIST_FILE))).toString('utf8'); // gunzip: libuv pool
  const set = new Set<string>();
  let start = 0;
  let lines = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    if (end > start) set.add(text.slice(start, end));
    start = end + 1;
    if (++lines % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (start < text.length) set.add(text.slice(start));
  return set;
}

// ---- variants: what a person does to a listed password to get it past a naive check ----

const normalise = (s: string) => s.normalize('NFKC').toLowerCase().trim();

/** Separators between words: "i love you", "pass-word", "pass_word", "pass.word". */
const SEPARATORS = /[\s._-]+/gu;
/** Digits and symbols (anything but letters) at the end, or at the start: "password12345!", "!!password". */
const TRAILING = /[^\p{L}\p{M}]+$/u;
const LEADING = /^[^\p{L}\p{M}]+/u;
/** The whole string is one unit repeated: "passwordpassword", "abcabcabcabc". Linear per unit length tried. */
const REPEATED = /^(.+?)\1+$/su;
const SHORT_PATTERN_MAX = 4;
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '0': 'o', '3': 'e', '5': 's', $: 's', '7': 't' };
const LEET_CHARS = /[@40351$7]/g;

function unleet(s: string, one: 'i' | 'l'): string {
  return s.replace(LEET_CHARS, (c) => (c === '1' ? one : (LEET[c] ?? c)));
}

/** A stripped-down variant shorter than this is not looked up: "xq" + ten random digits is not "xq". */
const MIN_DERIVED = 4;
const MAX_CANDIDATES = 256;

/**
 * The normalised password and its variants, to look up in the list: separators removed, trailing and
 * leading digits/symbols stripped, leetspeak undone (@→a 4→a 0→o 1→i or l 3→e 5→s $→s 7→t), a repeated
 * unit reduced to one, each applied to the results of the others until nothing new appears.
 * "P@ssw0rd2024!" → ..., "p@ssw0rd", "password"; "Password12345!" → "password12345!", "password";
 * "passwordpassword" → "password". Exported for tests.
 */
export function commonPasswordCandidates(password: string): string[] {
  const base = normalise(password);
  const seen = new Set<string>([base]);
  const queue = [base];
  const add = (s: string, minLength = MIN_DERIVED) => {
    if (s.length >= minLength && !seen.has(s) && seen.size < MAX_CANDIDATES) {
      seen.add(s);
      queue.push(s);
    }
  };
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    add(s.replace(SEPARATORS, ''));
    add(s.replace(TRAILING, ''));
    add(s.replace(LEADING, ''));
    add(unleet(s, 'i'));
    add(unleet(s, 'l'));
    const unit = REPEATED.exec(s)?.[1];
    if (unit) add(unit, 1); // the whole password is this unit, however short
  }
  return [...seen];
}
