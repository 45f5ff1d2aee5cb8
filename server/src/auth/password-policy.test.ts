import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  COMMON_PASSWORD_MESSAGE,
  commonPasswordCandidates,
  loadCommonPasswords,
  newPasswordProblem,
  SHORT_PATTERN_MESSAGE,
} from './password-policy.ts';

const about = { email: 'jane.doe@acme.example', name: 'Jane Doe', company: 'Acme Retail' };
const PERSONAL = /email address, name or company/;

describe('newPasswordProblem', () => {
  // Its load time and the cost of a check are measured by `pnpm bench:auth`, not asserted here.
  it('loads the bundled list once, lazily: >= 100,000 entries, shared by concurrent callers', async () => {
    const [a, b] = await Promise.all([loadCommonPasswords(), loadCommonPasswords()]);
    expect(a).toBe(b);
    expect(await loadCommonPasswords()).toBe(a);
    expect(a.size).toBeGreaterThanOrEqual(100_000);
    expect(a.has('password')).toBe(true);
    expect(a.has('')).toBe(false);
  });

  it('refuses known common and breached passwords, saying so', async () => {
    for (const pw of [
      'password1234',
      'qwertyuiop123',
      'P@ssw0rd2024!',
      'iloveyou12345',
      'qwerty123456',
      '1qaz2wsx3edc',
    ])
      expect(await newPasswordProblem(pw, about), pw).toBe(COMMON_PASSWORD_MESSAGE);
  });

  it('refuses the obvious variants of a listed password', async () => {
    for (const pw of [
      'Password12345!', // case, trailing digits and symbols
      '!!sunshine2024', // leading symbols too
      '5unsh1ne2024!!', // leetspeak: 5->s, 1->i
      'D4RTHV4D3R-2024', // 4->a, 3->e
      'passwordpassword', // a repeated word
      'p@ssw0rdp@ssw0rd', // repeated and leet
      'Monkey-Monkey-Monkey', // repeated with separators
      'i love you 12345', // spaces between the words
      'football2024!!',
      'Welcome2024!',
    ])
      expect(await newPasswordProblem(pw, about), pw).toBe(COMMON_PASSWORD_MESSAGE);
    expect(commonPasswordCandidates('Password12345!')).toContain('password');
    expect(commonPasswordCandidates('P@ssw0rd2024!')).toContain('password');
    expect(commonPasswordCandidates('passwordpassword')).toContain('password');
  });

  it('refuses a short pattern repeated (the contract refuses one character repeated)', async () => {
    expect(await newPasswordProblem('x7x7x7x7x7x7', about)).toBe(SHORT_PATTERN_MESSAGE);
    expect(await newPasswordProblem('ab1!'.repeat(32), about)).toBe(SHORT_PATTERN_MESSAGE);
    expect(await newPasswordProblem('aaaaaaaaaaaaaaa', about)).toMatch(/one character repeated/);
  });

  it('accepts long passphrases and random passwords, with no composition rules', async () => {
    for (const pw of [
      'violet tractor sandwich 1987',
      'correct horse battery staple',
      'a completely new passphrase',
      'granite owl picnic umbrella',
      'kT9#vLp2Wq8&m1!',
      'Gatehouse-Admin-2024!',
      'all lower case and no digits at all',
    ])
      expect(await newPasswordProblem(pw, about), pw).toBeNull();
    // Deterministic random-looking passwords: randomBytes once drew "cAcME3EcQAlCT7p5", which holds the
    // company name "acme" and is rightly refused, so a flaky draw is not a test.
    for (let i = 0; i < 200; i++) {
      const pw = createHash('sha256').update(`pw-${i}`).digest('base64url').slice(0, 16);
      expect(await newPasswordProblem(pw, about), pw).toBeNull();
    }
  });

  it('still refuses personal information, also through leetspeak, before the list', async () => {
    expect(await newPasswordProblem('my jane.doe password', about)).toMatch(PERSONAL);
    expect(await newPasswordProblem('acmeretail-2026-rocks', about)).toMatch(PERSONAL);
    expect(await newPasswordProblem('J4ne-is-the-best-2026', about)).toMatch(PERSONAL);
    expect(await newPasswordProblem('4cm3-R3t4il-forever', about)).toMatch(PERSONAL);
    expect(await newPasswordProblem('acme password 12345', about)).toMatch(PERSONAL); // personal wins over common
    expect(await newPasswordProblem('J4ne-is-the-best-2026', {})).toBeNull(); // without the user, it is fine
  });

  it('checks length first, then the rest', async () => {
    expect(await newPasswordProblem('password', about)).toBe('Use at least 12 characters.');
    expect(await newPasswordProblem('short', about)).toBe('Use at least 12 characters.');
    expect(await newPasswordProblem('password'.repeat(17), about)).toBe('Use at most 128 characters.');
    expect(await newPasswordProblem('jane', about)).toBe('Use at least 12 characters.');
  });

  it('an installation may raise the minimum (PASSWORD_MIN_LENGTH), never lower it below 12', async () => {
    expect(await newPasswordProblem('quiet harbour 5', about, 16)).toBe('Use at least 16 characters.');
    expect(await newPasswordProblem('quiet harbour 58', about, 16)).toBeNull();
  });
});
