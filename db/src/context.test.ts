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
