import { REAUTH_WINDOW_MINUTES } from '@gatehouse/contract';
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import type { ProcedureMeta } from './trpc.ts';

/**
 * One line per tRPC procedure, by its full name: what it does, for people. docs/procedures.md is generated
 * from these and the router's own meta (kind, permission, re-authentication, audit action) by
 * `pnpm docs:procedures`; test/procedure-docs.test.ts fails when a procedure has no line here, when a line
 * names no procedure, and when docs/procedures.md is not what the script would write now.
 * Kept in one file (not in each router) so that adding a procedure touches its router and this map only.
 * No `|` in a description: it would end the table cell.
 */
export const PROCEDURE_DOCS: Record<string, string> = {
  'accessReviews.close':
    'close a campaign before its deadline: every item nobody attested expires and its user is suspended (sessions ended)',
  'accessReviews.decide':
    "keep or revoke one item (never one's own access); a revoke takes the role away and ends the user's sessions at once; an item is decided once (a second answer is a CONFLICT)",
  'accessReviews.export': "the campaign's evidence as CSV (formula-looking cells neutralised); itself audited",
  'accessReviews.items':
    "the items of a campaign in the caller's scope (its own party's users; internal managers the internal ones)",
  'accessReviews.list': "access-review campaigns in the caller's scope",
  'accessReviews.start':
    'start a campaign (all parties or chosen ones): a snapshot of every active user x role, with a deadline',

  'alerts.acknowledge': 'acknowledge a security alert',
  'alerts.list':
    'security alerts for staff: failed sign-in spikes, day lockouts, a new system admin, a weakened policy, a large export, failed or stale backups; each also mailed to every system admin',

  'approvalPolicies.approvers': 'approvers with their limits per currency',
  'approvalPolicies.list': 'approval policies per request type (and currency) with their levels',
  'approvalPolicies.set':
    "replace a policy's levels (validated: deciding roles, amount ranges without gaps or overlaps); answers `warnings` for levels nobody can decide today",
  'approvalPolicies.setLimit': "set or remove an approver's limit in a currency (never one's own)",

  'approvals.attachmentLink':
    'a 60-second download link to a bank letter on the change request an approval is about (downloads audited, across parties for staff)',
  'approvals.decide':
    'approve, reject (reason) or request changes (reason) on the `version` seen; the final approval applies the held change in the same transaction (docs/approvals.md)',
  'approvals.get':
    'one request with the rule it was submitted under, the held change, its whole trail, the levels still ahead (`staffing`), and whether the caller may decide it and why not',
  'approvals.list':
    "the inbox (`view: 'mine'`: what waits for my decision now, oldest first, each with `canDecide`; `'all'`: every request, filtered by status and type)",
  'approvals.resubmit':
    'staff: correct a credit-limit change or credit note sent back; its approval starts a new round at level 1',
  'approvals.submit':
    'staff: a customer credit-limit change or a credit note for approval; answers `warnings` when a level has no eligible decider today',
  'approvals.withdraw': "staff: withdraw one's own pending credit-limit change or credit note",

  'audit.actors':
    "the audit filters' type-ahead: up to 20 users by email or name within the caller's scope (a party admin finds its own party's users only)",
  'audit.count':
    'how many entries an export of these filters would hold, counted up to the limit plus one (the export button asks first)',
  'audit.export':
    'a filtered range (up to 100,000 entries) as formula-safe CSV with a manifest signed by the audit key (filters, count, time span, CSV SHA-256, chain heads); itself audited',
  'audit.get': 'one audit entry with its chain position',
  'audit.parties':
    "the audit filters' type-ahead: up to 20 organisations by name or ERP reference, within the caller's scope",
  'audit.posture':
    'the live security posture for staff: 2FA coverage by role, system admins, dormant and locked accounts, failed sign-ins by network, allowlists on privileged roles, backups and drills; each item says what good looks like and where to fix it',
  'audit.search':
    "the audit trail with filters (time, actor, party, action, entity, outcome, IP), keyset-paged; a party admin sees its own party's only",
  'audit.verify': "checks the audit hash chain of the caller's party (staff: every chain and the signed checkpoints)",

  'auth.acceptInvitation': 'set the password of an invited account (the password rules apply) and sign in',
  'auth.changePassword':
    're-checks the current password (throttled), applies the password rules, ends every other session, rotates this one',
  'auth.invitationInfo': 'who is invited where, for a live invitation link',
  'auth.login':
    'email + password: a session cookie, or a second-factor challenge; one answer for every failure; throttled per account, address and both',
  'auth.logout': 'ends the session on the server',
  'auth.me':
    'who am I: user, party, roles, permissions, and the security state (TOTP on, enrolment required, re-authenticated until)',
  'auth.passwordResetInfo':
    'is this reset link still usable? `{ valid }` only, nothing about whose it is; 60 checks per IP an hour',
  'auth.reauthenticate': 'password again: sensitive actions allowed for 10 minutes; the session id rotates',
  'auth.requestPasswordReset': 'the same answer for any address; a single-use 30-minute link by mail',
  'auth.resetPassword': 'set a new password with a reset link (the rules apply); ends every session',
  'auth.session':
    'who am I, if anyone: the same as `auth.me`, or `null` when signed out (no 401); the SPA asks it at start',
  'auth.setPreferences': "set the signed-in user's own language and time zone (audited with before and after)",
  'auth.sessions.list': 'own live sessions (device, IP, last seen)',
  'auth.sessions.revoke': "end one of one's own sessions, or all the others",
  'auth.twoFactor.beginTotp':
    'start TOTP enrolment (password re-entered): the secret shown once as text and as an `otpauth://` URI',
  'auth.twoFactor.confirmTotp':
    'confirm TOTP enrolment with a code: the second factor is on, 10 recovery codes shown once, the session id rotates',
  'auth.twoFactor.regenerateRecoveryCodes': '10 new recovery codes (password re-entered); the old ones stop working',
  'auth.twoFactor.status': 'whether TOTP is on or its enrolment pending, and how many recovery codes are left',
  'auth.verifySecondFactor':
    'a TOTP code (once per 30-second step) or a recovery code for a sign-in that asked for one; 10 tries per 15 minutes',

  'changeRequests.attachmentLink': "a 60-second download link to a bank letter on one's own change request",
  'changeRequests.create':
    "request a bank-detail change (by the bank's country: IBAN/BIC, US routing + account number, UK sort code + account number; checked; submitted for approval at once; bank letters through `POST /files/change-request-attachments`, at most 3) or an address change, held as pending (one per kind)",
  'changeRequests.decide':
    'handlers: accept an address change (applied to the master data in the same transaction) or reject it with a reason, on the `version` seen; bank details are decided only through approvals',
  'changeRequests.get': 'handlers: one change request',
  'changeRequests.list': "the caller's own party's change requests",
  'changeRequests.queue': 'handlers: change requests across parties, oldest first (pending unless a status is given)',
  'changeRequests.resubmit':
    'correct a bank-detail change an approver sent back; its approval starts a new round at level 1',
  'changeRequests.withdraw': "withdraw one's own party's pending change request",

  'documents.decide':
    'approve a document version, or reject it with a reason; never the uploader; the supplier sees the outcome and is mailed',
  'documents.downloadLink':
    'a 60-second link (`GET /files/download/…`) for this user only; the download checks the session and scope again and is audited',
  'documents.get': 'one document version (staff name the supplier with `partyId`)',
  'documents.history': 'every version of one document type for a supplier',
  'documents.queue': 'operators: document versions awaiting review across suppliers, oldest first',
  'documents.requirements':
    "the document types the supplier's category requires, each `missing`, `submitted`, `under-review`, `approved`, `rejected`, `expiring` or `expired`, with the version in force and the newest one",
  'documents.startReview': 'take a submitted version for review (one reviewer per version; never the uploader)',

  'home.summary':
    "the home page (second factor enrolled where required): one section per job the caller's permissions give (customer, supplier, work queue, approvals, audit, alerts, users, first-run checklist, posture), counted in the caller's scope by the rules of the lists they link to",

  'imports.get': 'a CSV import job: its phase, percent, live counts and first 100 errors (polled by the screen)',
  'imports.list':
    'the newest 20 CSV import jobs (docs/csv-import.md); uploads go to `POST /files/imports/{entity}`, exports come from `GET /files/exports/{entity}`',
  'imports.report': "a CSV import job's error report (a CSV naming each line and reason)",

  'integrations.createKey':
    'make an integration key for `/api/v1` (scopes, networks, expiry of at most 365 days, budgets); the token shown once, only an HMAC stored',
  'integrations.keys':
    'integrations with their settings and their keys (never a secret), with when and from where each was last used',
  'integrations.revokeKey': 'end a key now',
  'integrations.rotateKey': 'replace a key with an overlap of 0-7 days; the new token shown once',
  'integrations.setSuspendInactive':
    "a source's setting: whether a customer or supplier the ERP marks inactive loses its portal access (`suspendInactive`, on by default); audited with before and after",

  'invitations.resend':
    "a pending invitation (own party; staff: any): a fresh link by mail, or (`delivery: 'link'`) shown once to copy; the old link dead at once",
  'invitations.revoke': "end a pending invitation's link and deactivate the never-activated user",

  'invoiceQueries.attachmentLink': 'a 60-second download link to one file on an invoice query (downloads audited)',
  'invoiceQueries.close':
    'staff: resolve or reject a query with a reason on the `version` seen (a changed or closed query is a CONFLICT); tells the ERP (`invoice_query.resolved`/`rejected`)',
  'invoiceQueries.comment': 'customers: add a message to an open query of their own',
  'invoiceQueries.forInvoice': 'the queries of one invoice with their threads and files',
  'invoiceQueries.get': 'one invoice query with its thread and files',
  'invoiceQueries.list': "the caller's invoice queries (staff: all)",
  'invoiceQueries.queue': 'staff: invoice queries across parties, oldest first (open unless a status is given)',
  'invoiceQueries.raise':
    'customers: a query on an own invoice or one of its lines (`lineNo`), with a reason (price, quantity, not received, damaged, other) and a message; files through `POST /files/invoice-query-attachments`',
  'invoiceQueries.reply': "staff: answer in a query's thread (the customer is mailed)",

  'invoices.get': "one invoice or credit note: bill-to, order number, its lines (else its order's)",
  'invoices.list':
    "keyset-paged invoices (status, `kind`; `overdue: true`: only overdue ones, longest overdue first), each with `kind`, `legalNumber`, `overdue` (open, something open, due before the server's today)",
  'invoices.pdf':
    "the invoice or credit note as a PDF (base64 in the answer): the ERP's own file when it sent one, else rendered with the seller's details; another party's id is NOT_FOUND",
  'invoices.totals':
    "per currency, the count, total and open amount of every invoice the list's filters match (the same filter code as the list; never summed across currencies)",

  'kinetic.save': 'save the Kinetic connection (secrets sealed; empty keeps the stored one; clears `auth_failed`)',
  'kinetic.setWriteback':
    'switch Kinetic write-back off, to the Gatehouse functions or to the UD queue, and set the hours before an unconfirmed write-back raises an alert (switching on starts at the newest outbox event)',
  'kinetic.setStream': 'switch a Kinetic stream on or off, its mode and its poll interval (15-900 s)',
  'kinetic.status':
    "the Kinetic connection (never its secrets: only whether one is stored), its state, each stream's switch, mode, poll interval, last run, lag, rows and rejects, and the newest rejects with their reasons",
  'kinetic.test':
    'call Kinetic once and name the failure met: DNS/TLS, authentication, licence/access scope, not found, unreachable',

  'masterData.get': "the caller's own party's current (accepted) address and bank details",

  'orders.get':
    'one order with `netMinor` (gross is `totalMinor`), its lines (`uom`, exact `unitPrice`) and its shipments',
  'orders.list':
    'keyset-paged orders (status, search, `from`/`to` order dates inclusive, `sort`: `newest` default, `oldest`, `total-desc`, `total-asc`; a page link of one sort is a 400 under another)',
  'orders.pdf':
    "the order confirmation as a PDF (base64 in the answer): the ERP's own file when it sent one, else rendered",

  'parties.create': 'internal staff: open a customer or supplier account; audited across parties',
  'parties.creditExposure':
    "internal staff: a customer's credit limit in force, open invoice balance and open (or confirmed) orders not yet invoiced, per currency; shown on the credit-limit request form",
  'parties.list': 'internal staff: customer and supplier accounts (search by name or ERP reference, kind, status)',
  'parties.update':
    "internal staff: an account's name, ERP reference or status (suspend, reactivate); suspending ends its sessions",

  'policies.get': 'the security policies per role and per party: second factor, session timeouts, IP allowlist',
  'policies.setParty':
    "a party's policy (it can only tighten the global one); a list excluding the admin's own address needs `confirmOwnLockout`",
  'policies.setRole':
    "a role's policy: second factor, idle and absolute timeouts, IP allowlist; a list excluding the admin's own address needs `confirmOwnLockout`",

  'purchaseOrders.acknowledge':
    'confirm delivery by a promised date (today to two years ahead); open, acknowledged or problem POs only (else CONFLICT)',
  'purchaseOrders.confirm':
    'answer every line: confirm, change (quantity, date, split into deliveries) or reject; a later date or another quantity needs a reason; a round with differences waits for an operator (docs/supplier-collaboration.md)',
  'purchaseOrders.confirmationQueue': 'operators: confirmation rounds with differences awaiting a decision',
  'purchaseOrders.confirmations': 'every confirmation round of a PO with its differences',
  'purchaseOrders.decideConfirmation':
    'operators: accept a confirmation round, or reject it with a reason (the PO reopens); never below what was already shipped or invoiced',
  'purchaseOrders.flagProblem': 'flag a problem with a PO, with a note; open, acknowledged or problem POs only',
  'purchaseOrders.get': 'one purchase order with its lines, requested and promised dates, acknowledgement and problem',
  'notifications.list': "the caller's own notifications, newest first (keyset paging, unread only on request)",
  'notifications.unreadCount': "how many of the caller's notifications are unread (the navigation badge)",
  'notifications.markRead': "marks some of the caller's own notifications read",
  'notifications.markAllRead': "marks all of the caller's notifications read",
  'notifications.preferences':
    "the caller's mail choice per event type (immediate, daily digest, off) and the security mail that is always sent",
  'notifications.setPreference':
    "sets the caller's mail choice for one event type; security mail cannot be turned off and is refused",
  'poThreads.get':
    "a PO's message thread with its messages, files and the caller's unread count (null while nobody has written)",
  'poThreads.post': "the supplier writes on its PO's thread, opening or reopening it; the buyer's operators are mailed",
  'poThreads.reply': "an operator answers on a PO's thread; the supplier's users who handle POs are mailed",
  'poThreads.resolve':
    'an operator resolves the thread; a PO in "problem" goes back to acknowledged or open, and the ERP is told',
  'poThreads.markRead': 'the caller has read the thread, so its unread count drops to zero',
  'poThreads.attachmentLink': 'a short-lived download link to one file of a PO thread',
  'purchaseOrders.list': "a supplier's purchase orders (status, search by number; staff across suppliers)",
  'purchaseOrders.pdf':
    "the purchase order as a PDF (base64 in the answer): the ERP's own file when it sent one, else rendered",
  'purchaseOrders.progress': 'per PO line: ordered, committed, shipped, invoiced and open quantities',

  'remittances.create':
    'customers: remittance advice for open invoices and credit notes (amounts, date, reference) that must reconcile; told to the ERP through the outbox',
  'remittances.list': "advices sent, with how many items still wait for the payment's booking",
  'remittances.openItems': 'the open invoices and credit notes with what is still available to advise',

  'roles.create': 'a custom role from the permission catalogue for one party kind',
  'roles.delete': 'delete a custom role nobody holds',
  'roles.list': 'built-in and custom roles with their permissions and holders',
  'roles.update':
    "a custom role's name and permissions, or whether a customer/supplier role is delegable; built-in permissions are fixed; changing permissions ends every holder's sessions",

  'seller.get':
    "the seller's identity printed on every document: legal name, address, tax/VAT id, bank details, payment instructions, default payment terms, logo",
  'seller.update': "change the seller's details (logo PNG/JPEG up to 48 kB); audited with before and after",

  'setup.complete': 'with the one-time setup token: creates the first system administrator',

  'shipNotices.cancel': 'cancel a ship notice not yet received, with a reason',
  'shipNotices.create':
    'a ship notice (ASN) for lines of one or more POs, each at most its open quantity (row locks: concurrent notices never over-ship)',
  'shipNotices.get': 'one ship notice with its lines',
  'shipNotices.list': 'ship notices, newest first; staff see incoming shipments across suppliers',

  'shipments.get': 'one delivery note: carrier, tracking reference, status, its order and the order lines it carried',
  'shipments.list': 'keyset-paged delivery notes: carrier, tracking reference, status, which order',
  'shipments.pdf':
    "the delivery note as a PDF (base64 in the answer): the ERP's own file when it sent one, else rendered",

  'statements.download':
    "the statement for a period as PDF or CSV (formula-neutralised cells: a cell starting with `=` `+` `-` `@` tab or CR gets a leading `'`)",
  'statements.get':
    "the caller's account statement as of today: open items (oldest due first, up to 500) and per currency the open total in ageing buckets (current, 1-30, 31-60, 61-90, over 90 days)",

  'supplierInvoices.get': 'one supplier invoice with each line checked against the PO',
  'supplierInvoices.list': 'supplier invoices (filter by status or flagged)',
  'supplierInvoices.submit':
    'an invoice against one PO; lines off the PO beyond the configured tolerances are flagged, more than committed refused; the PDF copy goes up via `POST /files/supplier-invoices?invoiceId=…`',

  'users.deactivate':
    'deactivate a user: every session and pending invitation ends at once; the last admin cannot be deactivated',
  'users.get': 'one user with status, roles, 2FA, last sign-in, sessions and a pending invitation',
  'users.grantableRoles': 'the roles the caller may grant to a user of its party (or, for staff, a named party)',
  'users.invite':
    "invite into one's own party (staff: a named party) with roles the inviter may grant; 7-day link by mail; an address of another party answers like a fresh one (docs/security.md, Invitations)",
  'users.list':
    "own party's users (staff: across parties, may narrow): status, roles, 2FA, last sign-in; `locked: true` for accounts the sign-in throttle blocks now",
  'users.reactivate': 'reactivate a suspended or deactivated user',
  'users.resetTwoFactor':
    'turn a lost second factor off: removes TOTP and recovery codes, ends sessions, mails the user',
  'users.setRoles': "replace a user's roles under the grant rule; ends the user's sessions; the last admin stays",
  'users.signOutEverywhere': 'end every session of a user',
  'users.unlock': 'lift every sign-in block on a user (account + address back-off, the daily limit); mails the user',

  'webhooks.create': 'add a webhook endpoint (its `whsec_` secret shown once)',
  'webhooks.deliveries': "an endpoint's recent deliveries with attempts, last status and error",
  'webhooks.disable': 'stop sending to an endpoint',
  'webhooks.enable': 'resume sending to an endpoint',
  'webhooks.list': 'webhook endpoints with their state and counts (docs/integration-api.md, Webhooks)',
  'webhooks.replay': 'queue one event or a feed id range again, with the same `webhook-id`',
  'webhooks.rotateSecret': 'a new signing secret, with the old one signing beside it for 0-168 h',
};

/** The router's procedures by name, as tRPC keeps them (namespaces joined with dots). */
export function procedureEntries(router: AnyRouter): [string, AnyProcedure][] {
  return Object.entries(router._def.procedures as Record<string, AnyProcedure>);
}

function who(meta: ProcedureMeta): string {
  if (meta.public) return 'public';
  if (meta.signedIn) return 'signed in';
  if (!meta.permission) return '(none declared)';
  return meta.reauth ? `\`${meta.permission}\` + recent password` : `\`${meta.permission}\``;
}

/** A markdown table laid out as the formatter (Biome) lays it out, so `pnpm run format` leaves it alone. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** docs/procedures.md for this router: one row per procedure, sorted by name. */
export function renderProcedureDocs(router: AnyRouter): string {
  const rows = procedureEntries(router)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => {
      const meta = (p._def.meta ?? {}) as ProcedureMeta;
      const kind = (p._def as unknown as { type: string }).type;
      return [
        `\`${name}\``,
        kind,
        who(meta),
        meta.audit ? `\`${meta.audit}\`` : '',
        PROCEDURE_DOCS[name] ?? '(no description)',
      ];
    });
  return `# Procedures (tRPC)

<!-- Generated by \`pnpm docs:procedures\` from the router and server/src/procedure-docs.ts. Do not edit by hand. -->

Every procedure of \`/trpc\`, generated from the router: its kind, who may call it (\`public\`; \`signed in\`:
any live session; a permission from the catalogue in \`packages/contract\`; \`+ recent password\`: the
password proven in this session within the last ${REAUTH_WINDOW_MINUTES} minutes, else \`FORBIDDEN\` with \`reauth-required\`),
the audit action a successful mutation writes in its transaction, and what it does. Another party's id
answers \`NOT_FOUND\`, never \`FORBIDDEN\`. File uploads and downloads, the wire format and the errors are in
[server.md](server.md); the ERP's \`/api/v1\` in [integration-api.md](integration-api.md).

${table(['procedure', 'kind', 'permission', 'audit', 'what'], rows)}
`;
}
