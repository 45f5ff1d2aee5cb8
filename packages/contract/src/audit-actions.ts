/** Audit action names, `entity.verb` in the past tense. One list, so reports and tests agree on spelling. */
export const AUDIT_ACTIONS = [
  'setup.completed',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.locked_out',
  'auth.logged_out',
  'session.revoked',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_reset',
  'auth.second_factor_succeeded',
  'auth.second_factor_failed',
  'mfa.totp_enabled',
  'mfa.recovery_codes_regenerated',
  'auth.reauthenticated',
  'auth.ip_denied',
  'auth.unlocked',
  'mfa.reset_by_admin',
  'access.denied',
  'invitation.created',
  'invitation.accepted',
  'policy.role_changed',
  'policy.party_changed',
  'user.created',
  'demo.seeded',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
