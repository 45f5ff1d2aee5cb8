import { describe, expect, it } from 'vitest';
import { normaliseIp } from './ip.ts';

describe('normaliseIp', () => {
  it('turns every spelling of an IPv4-mapped IPv6 address into the IPv4 address', () => {
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseIp('::FFFF:203.0.113.9')).toBe('203.0.113.9');
    expect(normaliseIp('0:0:0:0:0:ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normaliseIp('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(normaliseIp(' 127.0.0.1 ')).toBe('127.0.0.1');
  });

  it('leaves IPv6 addresses and anything else alone', () => {
    expect(normaliseIp('::1')).toBe('::1');
    expect(normaliseIp('2001:db8::ffff:1.2.3.4')).toBe('2001:db8::ffff:1.2.3.4');
    expect(normaliseIp('::ffff:nonsense')).toBe('::ffff:nonsense');
    expect(normaliseIp('unknown')).toBe('unknown');
  });
});
