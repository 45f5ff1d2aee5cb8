import { describe, expect, it } from 'vitest';
import { partyPolicy } from './auth-schemas.ts';
import { describeIssue, describeIssuePath } from './issues.ts';

describe('validation issues in words', () => {
  it('names fields as people do and counts positions from 1', () => {
    expect(describeIssuePath(['ipAllowlist', 1])).toBe('IP allowlist, line 2');
    expect(describeIssuePath(['ipAllowlist', '0'])).toBe('IP allowlist, line 1');
    expect(describeIssuePath(['lines', 0, 'quantity'])).toBe('Lines, item 1, quantity');
    expect(describeIssuePath(['sessionIdleMinutes'])).toBe('Idle timeout');
    expect(describeIssuePath(['invoiceNumber'])).toBe('Invoice number');
    expect(describeIssuePath([])).toBe('');
    expect(describeIssue({ path: [], message: 'Too big' })).toBe('Too big');
  });

  it('an allowlist entry that is no network says which line and what it was', () => {
    const result = partyPolicy.safeParse({
      requireTotp: null,
      sessionIdleMinutes: null,
      sessionAbsoluteHours: null,
      ipAllowlist: ['10.0.0.0/8', '10.0.0.300/33', '192.0.2.1', '2001:db8::1'],
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    // Plain addresses are networks of one; only the second line is wrong.
    expect(issues.map(describeIssue)).toEqual([
      'IP allowlist, line 2: 10.0.0.300/33 is not a valid IPv4/IPv6 address or CIDR network (e.g. 203.0.113.0/24 or 2001:db8::/32).',
    ]);
  });
});
