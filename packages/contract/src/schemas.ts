import { z } from 'zod';
import { INVOICE_KINDS, INVOICE_STATUSES, LIMITS, ORDER_SORTS, ORDER_STATUSES } from './constants.ts';
import { normaliseIp } from './ip.ts';
import { isTimeZone, LOCALES } from './locales.ts';
import { PARTY_KINDS, USER_STATUSES } from './parties.ts';
import { PERMISSIONS } from './permissions.ts';

export const uuid = z.uuid();
export const email = z.string().trim().toLowerCase().max(LIMITS.emailMax).pipe(z.email());

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
const totpCode = z
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
const policyFields = {
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
const bigintId = (what: string) =>
  z
    .string()
    .regex(/^\d{1,19}$/, `Not ${what}.`)
    .refine((v) => BigInt(v) <= 9_223_372_036_854_775_807n, `Not ${what}.`);

// ---- paging: keyset cursors only (no deep OFFSET)
export const pageInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});

/**
 * Money on the wire: integer minor units as a decimal string ("4852694" = 48,526.94 EUR). Exact, plain
 * JSON that any integration can read; the server holds bigint and converts here, in the output schema.
 */
export const minorUnits = z.bigint().transform((v) => v.toString());

/** A calendar date on the wire: 'YYYY-MM-DD', a real day. */
export const isoDate = z.iso.date({ error: 'Enter a date as YYYY-MM-DD.' });

// ---- orders
export const ordersListInput = pageInput
  .extend({
    status: z.enum(ORDER_STATUSES).optional(),
    search: z.string().trim().max(LIMITS.searchMax).optional(),
    /** Order dates from and to, both inclusive. */
    from: isoDate.optional(),
    to: isoDate.optional(),
    sort: z.enum(ORDER_SORTS).default('newest'),
    /** Internal staff with cross-party permission may narrow to one party; ignored for everyone else. */
    partyId: uuid.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ['to'],
    message: 'The end date must be on or after the start date.',
  });
export const orderSummary = z.object({
  id: uuid,
  partyId: uuid,
  number: z.string(),
  customerReference: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
  orderDate: z.string(),
  currency: z.string(),
  totalMinor: minorUnits,
});
/**
 * Whose row it is: the party's name for staff (cross-party) callers, whose lists mix parties; null for a
 * customer's or supplier's own users, who only ever see their own.
 */
const partyNameForStaff = z.string().nullable();
export const ordersListOutput = z.object({
  items: z.array(orderSummary.extend({ partyName: partyNameForStaff })),
  nextCursor: z.string().nullable(),
});
export const orderLine = z.object({
  lineNo: z.number().int(),
  sku: z.string(),
  description: z.string(),
  quantity: z.string(),
  /** The unit of measure the quantity counts ('EA', 'KG'); null when the ERP sent none. */
  uom: z.string().nullable(),
  /** The unit price rounded to the currency's minor unit (what the amounts are made of). */
  unitPriceMinor: minorUnits,
  /**
   * The exact unit price as a decimal string ('0.012345'), when the ERP sent one; it may carry more decimals
   * than the currency's minor unit (price per piece of a part sold by the thousand).
   */
  unitPrice: z.string().nullable(),
  amountMinor: minorUnits,
});
export const shipmentSummary = z.object({
  id: uuid,
  partyId: uuid,
  /** Every order the shipment carries lines of (usually one), by number. */
  orders: z.array(z.object({ id: uuid, number: z.string() })),
  number: z.string(),
  carrier: z.string(),
  trackingRef: z.string().nullable(),
  status: z.enum(['in-transit', 'delivered']),
  shippedOn: z.string(),
  deliveredOn: z.string().nullable(),
});
export const orderDetail = orderSummary.extend({
  partyName: partyNameForStaff,
  /** The total before tax and charges, when the ERP sent it; `totalMinor` is always the gross total. */
  netMinor: minorUnits.nullable(),
  lines: z.array(orderLine),
  /** What shipped against this order (delivery notes), newest first. */
  shipments: z.array(shipmentSummary),
  /** Its invoices and credit notes, oldest first (empty without invoices:read). */
  invoices: z.array(
    z.object({
      id: uuid,
      number: z.string(),
      legalNumber: z.string().nullable(),
      kind: z.enum(INVOICE_KINDS),
      status: z.enum(INVOICE_STATUSES),
      issueDate: z.string(),
      dueDate: z.string(),
      currency: z.string(),
      totalMinor: minorUnits,
      openMinor: minorUnits,
    }),
  ),
});
export const idInput = z.object({ id: uuid });

// ---- invoices
/** What the invoice list filters on; the list pages through them, invoices.totals sums them per currency. */
const invoiceFilters = z.object({
  status: z.enum(INVOICE_STATUSES).optional(),
  kind: z.enum(INVOICE_KINDS).optional(),
  /** Only invoices overdue today (open, something open, due before today), longest overdue first. */
  overdue: z.literal(true).optional(),
  /** Matches the invoice's number or its legal (printed) number (case-insensitive, contains). */
  search: z.string().trim().max(LIMITS.searchMax).optional(),
  /** Issue dates from and to, both inclusive. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  partyId: uuid.optional(),
});
const datesInOrder = {
  check: (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || q.from <= q.to,
  params: { path: ['to'], message: 'The end date must be on or after the start date.' },
};
export const invoicesListInput = pageInput.extend(invoiceFilters.shape).refine(datesInOrder.check, datesInOrder.params);
export const invoicesTotalsInput = invoiceFilters.refine(datesInOrder.check, datesInOrder.params);
/** Per currency, over every invoice the filters match (never summed across currencies). */
export const invoicesTotalsOutput = z.object({
  currencies: z.array(
    z.object({ currency: z.string(), count: z.number().int(), totalMinor: minorUnits, openMinor: minorUnits }),
  ),
});
export const invoiceSummary = z.object({
  id: uuid,
  partyId: uuid,
  orderId: uuid.nullable(),
  kind: z.enum(INVOICE_KINDS),
  /** Gatehouse's (the ERP's internal) document number. */
  number: z.string(),
  /** The number printed on the legal document (fiscal numbering), when the ERP sent one. */
  legalNumber: z.string().nullable(),
  status: z.enum(INVOICE_STATUSES),
  issueDate: z.string(),
  dueDate: z.string(),
  currency: z.string(),
  totalMinor: minorUnits,
  openMinor: minorUnits,
  /** Open, something still open and due before the server's today. */
  overdue: z.boolean(),
  /** Invoice queries (disputes) on it still open. */
  openQueries: z.number().int(),
  /** A remittance advice names it and the ERP's payment has not arrived yet (its balance is unchanged). */
  paymentAdvised: z.boolean(),
  /** How many days past its due date an overdue invoice is today; null when it is not overdue. */
  daysOverdue: z.number().int().nullable(),
});
export const invoicesListOutput = z.object({
  items: z.array(invoiceSummary.extend({ partyName: partyNameForStaff })),
  nextCursor: z.string().nullable(),
});
/** A line of an invoice or credit note as billed (a credit note's amounts are negative). */
export const invoiceLine = orderLine.extend({
  /** Null for a line with no article (freight, a discount, a correction). */
  sku: z.string().nullable(),
  /** Tax on the line in minor units, when the ERP sent it per line. */
  taxMinor: minorUnits.nullable(),
});
/**
 * A printable invoice: whom it bills and its lines: the invoice's own lines when it has any, else its
 * order's lines (older invoices were mirrored without lines), else none.
 */
export const invoiceDetail = invoiceSummary.extend({
  orderNumber: z.string().nullable(),
  billTo: z.object({ name: z.string() }),
  lines: z.array(invoiceLine),
});

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

// ---- audit log review
export const auditSearchInput = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  actorUserId: uuid.optional(),
  /** Internal staff may narrow to one party; for everyone else the scope already is their party. */
  partyId: uuid.optional(),
  action: z.string().trim().max(100).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(200).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  /** Stored IPv4 clients are plain IPv4: '::ffff:127.0.0.1' finds them too (normaliseIp). */
  ip: z.string().trim().max(60).transform(normaliseIp).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export const auditEntry = z.object({
  id: z.string(),
  at: isoTime,
  partyId: uuid.nullable(),
  partyName: z.string().nullable(),
  actorUserId: uuid.nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  crossParty: z.boolean(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export const auditSearchOutput = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });
export const auditGetInput = z.object({ id: bigintId('an audit entry id') });
export const auditGetOutput = auditEntry.extend({
  chain: z.object({
    key: z.string(),
    seq: z.string(),
    hash: z.string(),
    prevHash: z.string().nullable(),
    intact: z.boolean(),
  }),
});
export const auditVerifyOutput = z.object({
  ok: z.boolean(),
  /** Signed checkpoints checked against the installation's audit key (staff only; 0 for a party admin). */
  checkpoints: z.object({ checked: z.number().int(), problem: z.string().nullable() }),
  entries: z.number().int(),
  chains: z.number().int(),
  problem: z
    .object({
      kind: z.enum(['changed', 'removed', 'inserted-or-reordered']),
      chainKey: z.string(),
      seq: z.string(),
      entryId: z.string().nullable(),
      message: z.string(),
    })
    .nullable(),
});

// ---- parties (accounts): internal staff manage customer and supplier accounts
export const partiesListInput = pageInput.extend({
  kind: z.enum(PARTY_KINDS).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  search: z.string().trim().max(LIMITS.searchMax).optional(),
});
export const partySummary = z.object({
  id: uuid,
  kind: z.enum(PARTY_KINDS),
  name: z.string(),
  erpRef: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  isDemo: z.boolean(),
  users: z.number().int(),
  createdAt: isoTime,
});
export const partiesListOutput = z.object({ items: z.array(partySummary), nextCursor: z.string().nullable() });
export const creditExposureInput = z.object({ partyId: uuid });
const amountByCurrency = z.object({ currency: z.string(), amountMinor: minorUnits, count: z.number().int() });
/** A customer's credit position, for whoever asks approvers to change its limit. */
export const creditExposureOutput = z.object({
  partyId: uuid,
  name: z.string(),
  /** The limit in force; null when none was ever approved. */
  creditLimit: z.object({ amountMinor: minorUnits, currency: z.string() }).nullable(),
  /** Open invoices' unpaid balance, per currency. */
  openInvoices: z.array(amountByCurrency),
  /** Open or confirmed orders with no live invoice yet, per currency. */
  openOrders: z.array(amountByCurrency),
});
export const createPartyInput = z.object({
  kind: z.enum(['customer', 'supplier']),
  name: z.string().trim().min(1).max(LIMITS.nameMax),
  erpRef: z.string().trim().min(1).max(100).optional(),
});
export const updatePartyInput = z.object({
  partyId: uuid,
  name: z.string().trim().min(1).max(LIMITS.nameMax).optional(),
  erpRef: z.string().trim().min(1).max(100).nullable().optional(),
  status: z.enum(['active', 'suspended']).optional(),
});
export const auditExportInput = auditSearchInput.omit({ cursor: true, limit: true });
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
/** How many entries an export of these filters would hold, counted up to the limit plus one. */
export const auditCountOutput = z.object({ count: z.number().int(), overLimit: z.boolean(), limit: z.number().int() });
/** The actor and organisation pickers of the audit log: a few matches by email, name or organisation. */
export const auditPickerInput = z.object({
  search: z.string().trim().min(1).max(LIMITS.searchMax),
  limit: z.number().int().min(1).max(20).default(10),
});
export const auditActorsOutput = z.array(
  z.object({ id: uuid, email: z.string(), displayName: z.string(), partyName: z.string() }),
);
export const auditPartiesOutput = z.array(z.object({ id: uuid, name: z.string(), kind: z.enum(PARTY_KINDS) }));
export const auditExportOutput = z.object({
  filename: z.string(),
  csv: z.string(),
  /** Signed with the installation's audit key: what was exported, how much, and where the chains stood. */
  manifest: z.object({
    payload: z.string(),
    signature: z.string(),
    publicKey: z.string(),
  }),
});

// ---- security posture (staff)
const postureStatus = z.enum(['good', 'warn', 'bad', 'info']);
export const postureOutput = z.object({
  generatedAt: isoTime,
  items: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      status: postureStatus,
      summary: z.string(),
      good: z.string(),
      fixAt: z.string().nullable(),
      rows: z.array(z.object({ label: z.string(), value: z.string(), status: postureStatus })),
    }),
  ),
});

// ---- security alerts (staff)
export const alertsListInput = z.object({
  openOnly: z.boolean().default(true),
  cursor: bigintId('a page link').optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export const alertsListOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: isoTime,
      rule: z.string(),
      severity: z.enum(['info', 'warning', 'critical']),
      title: z.string(),
      details: z.record(z.string(), z.unknown()).nullable(),
      acknowledgedAt: isoTime.nullable(),
      acknowledgedBy: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const alertIdInput = z.object({ id: bigintId('an alert id') });

// ---- shipments and the account statement (customers)
export const shipmentsListInput = pageInput.extend({
  orderId: uuid.optional(),
  status: z.enum(['in-transit', 'delivered']).optional(),
  search: z.string().trim().max(LIMITS.searchMax).optional(),
  partyId: uuid.optional(),
});
export const shipmentsListOutput = z.object({
  items: z.array(shipmentSummary.extend({ partyName: partyNameForStaff })),
  nextCursor: z.string().nullable(),
});
export const shipmentDetail = shipmentSummary.extend({
  partyName: partyNameForStaff,
  lines: z.array(
    z.object({
      orderId: uuid,
      orderNumber: z.string(),
      lineNo: z.number().int(),
      sku: z.string(),
      description: z.string(),
      quantity: z.string(),
    }),
  ),
});
export const STATEMENT_ITEMS_MAX = 500;
const ageing = z.object({
  current: minorUnits,
  days1to30: minorUnits,
  days31to60: minorUnits,
  days61to90: minorUnits,
  over90: minorUnits,
});
export const statementOutput = z.object({
  /** The day the ageing is computed for (YYYY-MM-DD). */
  asOf: z.string(),
  /** Per currency: the open total and how much of it is how many days past due. Never summed across currencies. */
  currencies: z.array(z.object({ currency: z.string(), openMinor: minorUnits, ageing })),
  openItems: z.array(
    z.object({
      id: uuid,
      number: z.string(),
      issueDate: z.string(),
      dueDate: z.string(),
      currency: z.string(),
      totalMinor: minorUnits,
      openMinor: minorUnits,
      daysOverdue: z.number().int(),
      /** Invoice queries (disputes) on it still open: the statement says the item is queried. */
      openQueries: z.number().int(),
    }),
  ),
  /** More open items exist than the statement lists (the oldest due first are shown). */
  truncated: z.boolean(),
});
