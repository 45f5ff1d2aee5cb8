import { createHmac, randomBytes } from 'node:crypto';

/**
 * Tenant context tokens (see migrations/0002). The server signs; PostgreSQL verifies with the same key,
 * which it keeps where the app role cannot read it.
 */
export type TenantScope =
  | { kind: 'party'; partyId: string }
  /** Every party: internal staff holding `parties:cross`, or the system itself (auth, jobs, CLI). */
  | { kind: 'all'; reason: 'staff' | 'system' };

/** How long a signed context stays valid: longer than any transaction, short enough to limit replay. */
const CONTEXT_TTL_MS = 10 * 60_000;

export function signContext(key: Buffer, scope: TenantScope, now = Date.now()): string {
  const body = [
    'v1',
    scope.kind,
    scope.kind === 'party' ? scope.partyId : '-',
    String(now + CONTEXT_TTL_MS),
    randomBytes(9).toString('base64url').replace(/\./g, ''),
  ].join('.');
  return `${body}.${createHmac('sha256', key).update(body).digest('hex')}`;
}

/** The key as HMAC pads, the form PostgreSQL stores (it has sha256 but no hmac without an extension). */
export function keyPads(key: Buffer): { ipad: Buffer; opad: Buffer } {
  if (key.length > 64) throw new Error('context key longer than the SHA-256 block');
  const block = Buffer.alloc(64);
  key.copy(block);
  return {
    ipad: Buffer.from(block.map((b) => b ^ 0x36)),
    opad: Buffer.from(block.map((b) => b ^ 0x5c)),
  };
}
