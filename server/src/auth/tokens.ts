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

/**
 * `<id>.<secret>` tokens (sessions, sign-in challenges, reset links): the id is looked up, only SHA-256 of
 * the secret is stored and compared in constant time. One format, minted and parsed here only.
 */
export function mintSplitToken(): { id: string; token: string; secretHash: string } {
  const id = randomToken(15);
  const secret = randomToken(20);
  return { id, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

const SPLIT_TOKEN = /^([a-z2-7]{24})\.([a-z2-7]{32})$/;

/** The two halves of a well-formed token, or null for anything else (nothing malformed reaches the database). */
export function parseSplitToken(token: string): { id: string; secret: string } | null {
  const m = SPLIT_TOKEN.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : null;
}
