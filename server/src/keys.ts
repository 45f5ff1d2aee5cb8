import { createHmac } from 'node:crypto';

/**
 * Every key Gatehouse needs is derived from GATEHOUSE_SECRET with a distinct label, so one secret is
 * configured and no two uses share a key. Instances with the same secret derive the same keys.
 */
export function deriveKey(secret: Buffer, label: string): Buffer {
  return createHmac('sha256', secret).update(`gatehouse:${label}`).digest();
}

export const contextKey = (secret: Buffer) => deriveKey(secret, 'tenant-context-v1');
/** Seals TOTP secrets at rest. */
export const totpSealKey = (secret: Buffer) => deriveKey(secret, 'totp-seal-v1');
/** Password of the gatehouse_app database role, when Gatehouse manages that role. */
export const appRolePassword = (secret: Buffer) => deriveKey(secret, 'db-app-role-v1').toString('base64url');
/** Password of the gatehouse_sync database role (the ERP mirror writer), when Gatehouse manages roles. */
export const syncRolePassword = (secret: Buffer) => deriveKey(secret, 'db-sync-role-v1').toString('base64url');
/** Signs short-lived download links (documents.downloadLink). */
export const downloadLinkKey = (secret: Buffer) => deriveKey(secret, 'download-link-v1');
/** Seals integration secrets the server must sign with (webhook secrets). */
export const integrationSealKey = (secret: Buffer) => deriveKey(secret, 'integration-secrets-v1');
/** Signs one-click unsubscribe links in notification mail (RFC 8058). */
export const unsubscribeKey = (secret: Buffer) => deriveKey(secret, 'notification-unsubscribe-v1');
