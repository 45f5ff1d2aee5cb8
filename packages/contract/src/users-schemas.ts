import { z } from 'zod';
import { isoTime } from './auth-schemas.ts';
import { LIMITS } from './constants.ts';
import { email, pageInput, uuid } from './paging.ts';
import { PARTY_KINDS, USER_STATUSES } from './parties.ts';
import { PERMISSIONS } from './permissions.ts';

// ---- user administration (the parts authentication needs; the rest with delegated administration)
export const inviteUserInput = z.object({
  email,
  displayName: z.string().trim().min(1).max(LIMITS.nameMax),
  /** Role keys to grant on acceptance; each must be one the inviter may grant. */
  roles: z.array(z.string().min(1).max(100)).min(1).max(20),
  /** Internal staff with parties:manage may invite into another party; everyone else invites into their own. */
  partyId: uuid.optional(),
});
export const inviteUserOutput = z.object({ userId: uuid, expiresAt: isoTime });
export const userIdInput = z.object({ userId: uuid });
/**
 * A fresh link for a pending invitation; the old link stops working. Only the link's hash is stored, so
 * the old link can never be shown again: 'mail' sends the new one to the invitee, 'link' hands it to the
 * admin once (to pass on another way) and mails nothing.
 */
export const resendInvitationInput = z.object({ userId: uuid, delivery: z.enum(['mail', 'link']).default('mail') });
export const resendInvitationOutput = z.object({ expiresAt: isoTime, link: z.string().nullable() });

// ---- user administration: lists and detail
export const usersListInput = pageInput.extend({
  status: z.enum(USER_STATUSES).optional(),
  /** Matches email or name (case-insensitive, contains). */
  search: z.string().trim().max(LIMITS.searchMax).optional(),
  role: z.string().min(1).max(100).optional(),
  /** Only users whose sign-in is blocked now by the throttle (what users.unlock lifts). */
  locked: z.boolean().optional(),
  /** Internal staff with cross-party permission may narrow to one party; ignored for everyone else. */
  partyId: uuid.optional(),
});
export const userSummary = z.object({
  id: uuid,
  partyId: uuid,
  partyName: z.string(),
  email: z.string(),
  displayName: z.string(),
  status: z.enum(USER_STATUSES),
  roles: z.array(z.string()),
  totp: z.boolean(),
  lastSignInAt: isoTime.nullable(),
  createdAt: isoTime,
});
export const usersListOutput = z.object({ items: z.array(userSummary), nextCursor: z.string().nullable() });
export const userDetailOutput = userSummary.extend({
  sessions: z.array(
    z.object({
      id: z.string(),
      createdAt: isoTime,
      lastSeenAt: isoTime,
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
  ),
  invitationExpiresAt: isoTime.nullable(),
});
export const setRolesInput = z.object({ userId: uuid, roles: z.array(z.string().min(1).max(100)).max(20) });
/** Roles the caller may grant to users of `partyId` (own party when absent), for the invite and role dialogs. */
export const grantableRolesInput = z.object({ partyId: uuid.optional() });
export const grantableRolesOutput = z.array(
  z.object({ key: z.string(), name: z.string(), partyKind: z.enum(PARTY_KINDS), permissions: z.array(z.string()) }),
);

// ---- roles (data): built-in and custom, managed by system admins
export const roleKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,49}$/, 'Use 2 to 50 lower-case letters, digits and dashes, starting with a letter.');
export const roleSummary = z.object({
  key: z.string(),
  name: z.string(),
  partyKind: z.enum(PARTY_KINDS),
  delegable: z.boolean(),
  builtIn: z.boolean(),
  permissions: z.array(z.enum(PERMISSIONS)),
  holders: z.number().int(),
});
export const rolesListOutput = z.array(roleSummary);
export const createRoleInput = z.object({
  key: roleKey,
  name: z.string().trim().min(1).max(LIMITS.nameMax),
  partyKind: z.enum(PARTY_KINDS),
  delegable: z.boolean(),
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
});
export const updateRoleInput = z.object({
  key: z.string().min(1).max(100),
  name: z.string().trim().min(1).max(LIMITS.nameMax).optional(),
  delegable: z.boolean().optional(),
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
});
export const roleKeyInput = z.object({ key: z.string().min(1).max(100) });

// ---- access review campaigns
export const REVIEW_DECISIONS = ['keep', 'revoke'] as const;
export const startReviewInput = z.object({
  name: z.string().trim().min(1).max(LIMITS.nameMax),
  /** ISO date-time; what is not attested by then is suspended. */
  deadline: z.iso.datetime({ offset: true }),
  /** Limit the campaign to these parties; all parties when absent. */
  partyIds: z.array(uuid).min(1).max(1000).optional(),
});
export const startReviewOutput = z.object({ id: uuid, items: z.number().int() });
export const reviewSummary = z.object({
  id: uuid,
  name: z.string(),
  status: z.enum(['open', 'closed']),
  startedAt: isoTime,
  deadline: isoTime,
  closedAt: isoTime.nullable(),
  /** Counted within the caller's scope: a customer admin sees its own party's items only. */
  total: z.number().int(),
  decided: z.number().int(),
});
export const reviewsListOutput = z.array(reviewSummary);
export const reviewItemsInput = pageInput.extend({ reviewId: uuid, pendingOnly: z.boolean().default(false) });
export const reviewItem = z.object({
  id: uuid,
  partyId: uuid,
  partyName: z.string(),
  userId: uuid,
  email: z.string(),
  displayName: z.string(),
  roleKey: z.string(),
  decision: z.enum(['keep', 'revoke', 'expired']).nullable(),
  decidedAt: isoTime.nullable(),
});
export const reviewItemsOutput = z.object({ items: z.array(reviewItem), nextCursor: z.string().nullable() });
export const decideReviewItemInput = z.object({ itemId: uuid, decision: z.enum(REVIEW_DECISIONS) });
export const reviewIdInput = z.object({ reviewId: uuid });
export const closeReviewOutput = z.object({ expired: z.number().int(), usersSuspended: z.number().int() });
export const exportReviewOutput = z.object({ filename: z.string(), csv: z.string() });
