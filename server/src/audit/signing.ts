import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Ed25519 key that signs audit checkpoints and export manifests. It lives in a file, never in the
 * database, so someone who can rewrite the database cannot re-sign what they rewrote. The default file
 * under the data directory is made on first use (mode 0600); production keeps it elsewhere
 * (AUDIT_SIGNING_KEY_FILE, e.g. a mounted secret) and gives auditors the public key.
 */
export interface AuditSigner {
  publicKeyPem: string;
  sign(payload: string): string;
}

export function loadAuditSigner(file: string): AuditSigner {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = createPrivateKey(readFileSync(file));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { publicKeyPem, sign: (payload) => sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64') };
}

export function signatureValid(publicKeyPem: string | KeyObject, payload: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(payload, 'utf8'), publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
