import { getRandomValues } from 'node:crypto';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 20 random bytes = 160 bits, base32: the guide's size for both halves of a session token. */
export function randomToken(bytes = 20): string {
  return encodeBase32LowerCaseNoPadding(getRandomValues(new Uint8Array(bytes)));
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function secretMatches(secret: string, storedHashHex: string): boolean {
  const a = new TextEncoder().encode(hashSecret(secret));
  const b = new TextEncoder().encode(storedHashHex);
  return a.length === b.length && constantTimeEqual(a, b);
}
