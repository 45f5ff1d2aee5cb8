import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-rules.ts';

describe('passwordProblem', () => {
  const about = { email: 'jane.doe@acme.example', name: 'Jane Doe', company: 'Acme Retail' };

  it('says which rule failed', () => {
    expect(passwordProblem('short', about)).toBe('Use at least 12 characters.');
    expect(passwordProblem('x'.repeat(129), about)).toBe('Use at most 128 characters.');
    expect(passwordProblem('my jane.doe password', about)).toMatch(/email address, name or company/);
    expect(passwordProblem('acmeretail-2026-rocks', about)).toMatch(/email address, name or company/);
    expect(passwordProblem('aaaaaaaaaaaaaaa', about)).toMatch(/one character repeated/);
  });

  it('accepts a long passphrase with no composition rules', () => {
    expect(passwordProblem('correct horse battery staple', about)).toBeNull();
  });
});
