import { describe, expect, it } from 'vitest';
import { effectivePolicy, ipAllowed, listAdmits } from './policy.ts';

const global = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const none = {
  role: { requireTotp: false, idleMinutes: null, absoluteHours: null, allowlists: [], keys: [], permissions: [] },
  partyRequireTotp: null,
  partyIdleMinutes: null,
  partyAbsoluteHours: null,
  partyAllowlist: null,
  totpOn: false,
};

describe('effective policy', () => {
  it('is the global policy when nothing tightens it', () => {
    expect(effectivePolicy(global, none)).toEqual({ ...global, requireTotp: false, allowlists: [] });
  });

  it('takes the strictest of global, role and party, and nothing loosens it', () => {
    const p = effectivePolicy(global, {
      ...none,
      role: {
        requireTotp: false,
        idleMinutes: 15,
        absoluteHours: 24,
        allowlists: [['10.0.0.0/8']],
        keys: [],
        permissions: [],
      },
      partyIdleMinutes: 60,
      partyAbsoluteHours: 4,
      partyRequireTotp: true,
      partyAllowlist: ['10.1.0.0/16'],
    });
    expect(p.idleMs).toBe(15 * 60_000); // role tighter than global; party's 60 cannot loosen
    expect(p.absoluteMs).toBe(4 * 3_600_000); // party tighter; role's 24 h cannot loosen the global 12 h
    expect(p.requireTotp).toBe(true);
    expect(p.allowlists).toEqual([['10.0.0.0/8'], ['10.1.0.0/16']]);
  });
});

describe('IP allowlists', () => {
  it('admits addresses inside IPv4 and IPv6 networks only', () => {
    expect(listAdmits(['203.0.113.0/24'], '203.0.113.77')).toBe(true);
    expect(listAdmits(['203.0.113.0/24'], '203.0.114.1')).toBe(false);
    expect(listAdmits(['2001:db8::/32'], '2001:db8:1::5')).toBe(true);
    expect(listAdmits(['2001:db8::/32'], '2001:db9::5')).toBe(false);
    expect(listAdmits(['2001:db8::/32'], '203.0.113.77')).toBe(false);
  });

  it('an IPv6 rule never admits an IPv4 address, nor an IPv4 rule an IPv6 one (::/0 means any IPv6 only)', () => {
    expect(listAdmits(['::/0'], '203.0.113.77')).toBe(false);
    expect(listAdmits(['::/0'], '::ffff:203.0.113.77')).toBe(false);
    expect(listAdmits(['::/0'], '2001:db8::1')).toBe(true);
    expect(listAdmits(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
    expect(listAdmits(['0.0.0.0/0', '::/0'], '203.0.113.77')).toBe(true);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(listAdmits(['127.0.0.0/8'], '::ffff:127.0.0.1')).toBe(true);
  });

  it('requires every applicable list to admit the address', () => {
    expect(ipAllowed([], '198.51.100.1')).toBe(true);
    expect(ipAllowed([['10.0.0.0/8'], ['10.1.0.0/16']], '10.1.2.3')).toBe(true);
    expect(ipAllowed([['10.0.0.0/8'], ['10.1.0.0/16']], '10.2.2.3')).toBe(false);
  });

  it('refuses garbage addresses rather than admitting them', () => {
    expect(listAdmits(['0.0.0.0/0'], 'not-an-ip')).toBe(false);
  });
});
