import { z } from 'zod';
import { LIMITS } from './constants.ts';
import { isTimeZone, LOCALES } from './locales.ts';
import { email, uuid } from './paging.ts';
import { PARTY_KINDS } from './parties.ts';
import { PERMISSIONS } from './permissions.ts';

// ---- auth
export const loginInput = z.object({
  email: z.string().trim().toLowerCase().min(1).max(LIMITS.emailMax),
  password: z.string().min(1).max(LIMITS.passwordMax),
});
/** A user's language and time zone (docs/i18n.md): a shipped catalogue, and an IANA zone the runtime knows. */
export const preferencesInput = z.object({
  locale: z.enum(LOCALES),
  timeZone: z.string().max(64).refine(isTimeZone, 'Choose a time zone from the list.'),
});
export type Preferences = z.infer<typeof preferencesInput>;
export const meOutput = z.object({
  user: z.object({ id: uuid, email: z.string(), displayName: z.string() }),
  /** null until first set: the SPA proposes the browser's language and zone at first sign-in. */
  preferences: z.object({ locale: z.enum(LOCALES), timeZone: z.string() }).nullable(),
  party: z.object({ id: uuid, name: z.string(), kind: z.enum(PARTY_KINDS) }),
  roles: z.array(z.string()),
  permissions: z.array(z.enum(PERMISSIONS)),
  security: z.object({
    /** TOTP is on for this user. */
    totp: z.boolean(),
    /** Policy requires a second factor and none is set up: only enrolment (and sign-out) works until it is. */
    mustEnrolTotp: z.boolean(),
    /** Until when sensitive actions need no password re-entry (ISO time); null when they need it now. */
    recentAuthUntil: z.string().nullable(),
  }),
});
export type Me = z.infer<typeof meOutput>;
/** A correct password either signs in, or (2FA on) earns a short-lived, single-use second-factor challenge. */
export const loginOutput = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed-in'), me: meOutput }),
  z.object({ status: z.literal('second-factor'), challenge: z.string() }),
]);
export const totpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.');
export const verifySecondFactorInput = z.union([
  z.object({ challenge: z.string().min(1).max(100), code: totpCode }),
  z.object({ challenge: z.string().min(1).max(100), recoveryCode: z.string().trim().min(1).max(40) }),
]);
export const twoFactorStatusOutput = z.object({
  totp: z.boolean(),
  pending: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export const passwordConfirmInput = z.object({ password: z.string().min(1).max(LIMITS.passwordMax) });
export const reauthenticateOutput = z.object({ recentAuthUntil: z.string() });
export const beginTotpOutput = z.object({ secret: z.string(), uri: z.string() });
export const confirmTotpInput = z.object({ code: totpCode });
export const recoveryCodesOutput = z.object({ recoveryCodes: z.array(z.string()) });

/** Timestamps on the wire: ISO 8601 strings (plain JSON), converted from Date in the output schema. */
export const isoTime = z.date().transform((d) => d.toISOString());

export const sessionsListOutput = z.array(
  z.object({
    id: z.string(),
    current: z.boolean(),
    createdAt: isoTime,
    lastSeenAt: isoTime,
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
);
export const sessionsRevokeInput = z.union([
  z.object({ id: z.string().min(1).max(100) }),
  z.object({ allOthers: z.literal(true) }),
]);
export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: z.string().max(LIMITS.passwordMax, `Use at most ${LIMITS.passwordMax} characters.`),
});

export const requestPasswordResetInput = z.object({
  email: z.string().trim().toLowerCase().min(1).max(LIMITS.emailMax),
});
export const resetPasswordInput = z.object({
  token: z.string().min(10).max(200),
  newPassword: z.string().max(LIMITS.passwordMax, `Use at most ${LIMITS.passwordMax} characters.`),
});
/** Any text: a damaged link is simply not valid (an answer, not an error). */
export const passwordResetInfoInput = z.object({ token: z.string().max(200) });
export const passwordResetInfoOutput = z.object({ valid: z.boolean() });

// ---- invitations (accepted by the invitee, signed out)
export const invitationTokenInput = z.object({ token: z.string().min(10).max(200) });
export const invitationInfoOutput = z.object({
  email: z.string(),
  displayName: z.string(),
  partyName: z.string(),
  expiresAt: isoTime,
});
export const acceptInvitationInput = z.object({
  token: z.string().min(10).max(200),
  password: z.string().max(LIMITS.passwordMax, `Use at most ${LIMITS.passwordMax} characters.`),
});

// ---- security policies (sessions, 2FA, IP allowlists): per role, and per party that may only tighten
export const cidr = z
  .string()
  .trim()
  .max(60)
  .pipe(
    // A plain address is a network of one (/32, /128); the message quotes what was typed.
    z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], {
      error: (issue) =>
        `${String(issue.input).slice(0, 60)} is not a valid IPv4/IPv6 address or CIDR network (e.g. 203.0.113.0/24 or 2001:db8::/32).`,
    }),
  );
export const policyFields = {
  sessionIdleMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .nullable(),
  sessionAbsoluteHours: z
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .nullable(),
  /** null: no allowlist (any address); a list: only these networks. */
  ipAllowlist: z.array(cidr).max(100).nullable(),
};
export const rolePolicy = z.object({ requireTotp: z.boolean(), ...policyFields });
/** A party can only tighten: requireTotp true or null (inherit), limits at or below the global ones. */
export const partyPolicy = z.object({ requireTotp: z.literal(true).nullable(), ...policyFields });
export const policiesGetInput = z.object({ partyId: uuid.optional() });
export const policiesGetOutput = z.object({
  global: z.object({ sessionIdleMinutes: z.number().int(), sessionAbsoluteHours: z.number().int() }),
  roles: z.array(rolePolicy.extend({ key: z.string(), name: z.string(), partyKind: z.enum(PARTY_KINDS) })),
  party: partyPolicy.extend({ partyId: uuid, partyName: z.string() }).nullable(),
  /** The caller's address as the server sees it, so an editor can tell whether a list admits it. */
  yourIp: z.string(),
});
export const setRolePolicyInput = rolePolicy.extend({
  roleKey: z.string().min(1).max(100),
  confirmOwnLockout: z.boolean().default(false),
});
export const setPartyPolicyInput = partyPolicy.extend({
  partyId: uuid,
  confirmOwnLockout: z.boolean().default(false),
});

export const setupInput = z.object({
  token: z.string().min(10).max(200),
  email,
  displayName: z.string().trim().min(1).max(LIMITS.nameMax),
  organisationName: z.string().trim().min(1).max(LIMITS.nameMax),
  password: z
    .string()
    .min(LIMITS.passwordMin, `Use at least ${LIMITS.passwordMin} characters.`)
    .max(LIMITS.passwordMax),
});

/** A bigserial id on the wire (audit entries, alerts): digits that fit PostgreSQL's bigint. */
export const bigintId = (what: string) =>
  z
    .string()
    .regex(/^\d{1,19}$/, `Not ${what}.`)
    .refine((v) => BigInt(v) <= 9_223_372_036_854_775_807n, `Not ${what}.`);
