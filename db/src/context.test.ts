import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyPads, signContext } from './context.ts';

describe('tenant context tokens', () => {
  const key = Buffer.alloc(32, 7);

  it('the pads PostgreSQL stores give the same MAC as HMAC-SHA256', () => {
    const { ipad, opad } = keyPads(key);
    const msg = 'v1.party.x.1.n';
    const inner = createHash('sha256')
      .update(Buffer.concat([ipad, Buffer.from(msg)]))
      .digest();
    const outer = createHash('sha256')
      .update(Buffer.concat([opad, inner]))
      .digest('hex');
    expect(outer).toBe(createHmac('sha256', key).update(msg).digest('hex'));
  });

  it('the signature is HMAC-SHA256 of the body under the key, for every key', () => {
    for (const k of [key, Buffer.alloc(64, 9), Buffer.from('short')]) {
      const token = signContext(k, { kind: 'party', partyId: '11111111-1111-4111-8111-111111111111' });
      const cut = token.lastIndexOf('.');
      expect(token.slice(cut + 1)).toBe(createHmac('sha256', k).update(token.slice(0, cut)).digest('hex'));
    }
  });

  it('nonces are 12 base64url characters and never repeat across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const n = signContext(key, { kind: 'all', reason: 'system' }, 1000).split('.')[4] as string;
      expect(n).toMatch(/^[A-Za-z0-9_-]{12}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(2000);
  });

  it('signs scope, party and expiry; each token is unique', () => {
    const a = signContext(key, { kind: 'party', partyId: '11111111-1111-4111-8111-111111111111' }, 1000);
    const parts = a.split('.');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(['v1', 'party', '11111111-1111-4111-8111-111111111111', String(1000 + 600_000)]);
    expect(signContext(key, { kind: 'all', reason: 'system' }, 1000)).not.toBe(
      signContext(key, { kind: 'all', reason: 'system' }, 1000),
    );
  });
});
