import { hash, randomBytes } from 'node:crypto';

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
    nonce(),
  ].join('.');
  return `${body}.${hmacHex(key, body)}`;
}

/**
 * HMAC-SHA256 from the key's pads, computed once per key: sha256(opad || sha256(ipad || body)), the same
 * MAC as createHmac (context.test.ts), without createHmac importing the key as a KeyObject on every call
 * (about 5x dearer; a few per cent of the server's CPU per request in the portal benchmark's profile).
 */
const padsOf = new WeakMap<Buffer, { ipad: Buffer; opad: Buffer }>();
function hmacHex(key: Buffer, body: string): string {
  let pads = padsOf.get(key);
  if (!pads) {
    pads = keyPads(key);
    padsOf.set(key, pads);
  }
  const inner = hash('sha256', Buffer.concat([pads.ipad, Buffer.from(body)]), 'buffer');
  return hash('sha256', Buffer.concat([pads.opad, inner]), 'hex');
}

/**
 * 9 random bytes (base64url, 12 characters) from a pool refilled from the CSPRNG 512 nonces at a time:
 * each slice is used once; one randomBytes(9) call per token cost more than the rest of the signing.
 */
const NONCE_BYTES = 9;
let pool = Buffer.alloc(0);
let offset = 0;
function nonce(): string {
  if (offset + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * 512);
    offset = 0;
  }
  const text = pool.toString('base64url', offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return text;
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
