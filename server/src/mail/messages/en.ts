/**
 * The server's English mail and notification texts (docs/i18n.md, "Mail"): ICU MessageFormat, one key per
 * whole sentence. Dates, amounts and times arrive formatted for the recipient (mail/i18n.ts). Keys grouped by subject (not sorted);
 * German (de.ts) must have exactly these keys (typecheck and mail/i18n.test.ts).
 */
/** An invoice query's subject: the invoice, and its line ('none' for the whole invoice). */
const Q = '{line, select, none {invoice {number}} other {invoice {number}, line {line}}}';

const en = {
  'digest.footer': 'You get this digest because you chose "Daily digest" for these notifications on your Profile page.',
  'digest.intro': 'What happened in Gatehouse since your last digest:',
  'digest.subject': '{count, plural, one {Gatehouse: # notification today} other {Gatehouse: # notifications today}}',
  'event.credit_note.new.body': 'Credit note {number} of {date} for {amount} is in Gatehouse.',
  'event.credit_note.new.title': 'New credit note {number}',
  'event.document.expiring.body':
    '{days, plural, one {The {document} expires in # day, on {date}.} other {The {document} expires in # days, on {date}.}} Upload a current version in Gatehouse, under Documents, so it can be reviewed in time.',
  'event.document.expiring.title': 'Expiring soon: {document}',
  'event.invoice.new.body': 'Invoice {number} of {date} for {amount} is due on {due}.',
  'event.invoice.new.title': 'New invoice {number}',
  'event.po.changed.body':
    'The buyer changed purchase order {number}: it now totals {amount}, requested delivery {requested}. Please check it.',
  'event.po.changed.title': 'Purchase order {number} changed',
  'event.po.issued.body':
    'The buyer issued purchase order {number} of {date} for {amount}, requested delivery {requested}. Please confirm it.',
  'event.po.issued.title': 'New purchase order {number}',
  'event.shipment.new.body': 'Shipment {number} left on {date} with {carrier}. Tracking reference: {tracking}.',
  'event.shipment.new.title': 'Shipment {number} is on its way',
  'notify.footer':
    'You get this mail for "{type}". Choose a daily digest or no mail on your Profile page,\nor stop these mails with one click: {url}',
  'notify.open': 'Open it in Gatehouse: {url}',
  'notify.sent': 'sent {time}',
  'type.approval.waiting': 'Approvals waiting for you',
  'type.change_request.decided': 'Change requests decided',
  'type.confirmation.decided': 'PO confirmations accepted or rejected',
  'type.credit_note.new': 'New credit notes',
  'type.document.decided': 'Documents approved or rejected',
  'type.document.expiring': 'Documents about to expire',
  'type.invoice.new': 'New invoices',
  'type.invoice_query.replied': 'Answers to invoice queries',
  'type.po.changed': 'Purchase orders changed',
  'type.po.issued': 'New purchase orders',
  'type.po.thread_message': 'Messages on purchase orders',
  'type.shipment.new': 'New shipments',
  'value.none': 'not given',
  'reset.body':
    'Hello {name},\n\nSomeone (we hope you) asked to reset the password of your Gatehouse account.\nOpen this link within {minutes} minutes to choose a new password:\n\n{link}\n\nIf you did not ask for this, ignore this message: your password stays as it is.',
  'reset.subject': 'Reset your Gatehouse password',
  'lockout.subject': 'Sign-in to your Gatehouse account was blocked',
  'lockout.body':
    'Hello {name},\n\nAfter repeated sign-in attempts with a wrong password, {scope, select, account {we have blocked sign-in to your account from every network for the rest of the day} other {we have blocked sign-in to your account from the network {ip} for {minutes, plural, one {# minute} other {# minutes}}}}.\n\nIf this was you, wait and try again, or reset your password from the sign-in page.\nIf it was not you, someone may be guessing your password: change it, and tell your administrator,\nwho can also lift the block.',
  'mfa_reset.subject': 'Two-factor authentication on your Gatehouse account was reset',
  'mfa_reset.body':
    'Hello {name},\n\n{admin} has turned off two-factor authentication on your account and signed you out\neverywhere. Sign in again and set it up anew (your organisation may require it).\n\nIf you did not ask for this, contact your administrator at once.',
  'event.po.thread.problem.title': '{party} flagged a problem with purchase order {number}',
  'event.po.thread.supplier_wrote.title': '{party} wrote about purchase order {number}',
  'event.po.thread.supplier_wrote.body': '{name} ({party}) wrote:\n\n{message}',
  'event.po.thread.buyer_wrote.title': 'The buyer wrote about purchase order {number}',
  'event.po.thread.buyer_resolved.title': 'The buyer resolved the thread on purchase order {number}',
  'event.po.thread.buyer_wrote.body': '{name} wrote:\n\n{message}',
  'event.po.thread.buyer_resolved.body': '{name} resolved it:\n\n{message}',
  // Security alerts (audit/alerts.ts): the title is stored in English and mailed in each admin's language.
  'alert.account_locked': 'Account {user} locked for the day after repeated failed sign-ins',
  'alert.audit_export': '{by} exported {rows} audit entries',
  'alert.backup_failed': 'A backup failed',
  'alert.backup_stale': 'Backups are overdue (every {hours} h expected)',
  'alert.detail': '{name}: {value}',
  'alert.drill_failed': 'A backup restore drill failed',
  'alert.footer': 'See Security posture and Alerts in Gatehouse; acknowledge the alert there once handled.',
  'alert.key_new_ip': 'Integration key {key} ({integration}) was used from a new address',
  'alert.kinetic_auth': 'Epicor Kinetic refused the connector’s credentials: ERP sync is paused',
  'alert.kinetic_dead': 'The write-back of {type} to Kinetic failed {attempts} times and was given up',
  'alert.kinetic_refused': 'Kinetic refused the write-back of {type} ({target}): it will not be retried',
  'alert.kinetic_unconfirmed': 'Kinetic has not confirmed {count} write-back(s) within {hours} h',
  'alert.list_export': '{by} exported {rows} rows of {list}',
  'alert.new_system_admin': '{user} was made a system administrator by {by}',
  'alert.policy_weakened': 'Security policy of {policy} weakened by {by}: {changes}',
  'alert.sign_in_spike': '{failures} failed sign-ins in the last {minutes} minutes',
  'alert.subject': '[Gatehouse {severity, select, critical {critical} warning {warning} other {info}}] {title}',
  'alert.webhook_dead': 'Webhook delivery of {type} to {url} failed {attempts} times and was given up',
  'alert.webhook_gone': 'Webhook endpoint {url} answered 410 Gone and was disabled',
  // Approvals (approvals/common.ts, approvals.ts, decisions.ts). {title} is the request's own title.
  'approval.decided.body':
    '{title} was {status, select, approved {approved} rejected {rejected} other {changes requested}}.',
  'approval.decided.subject':
    '{title}: {status, select, approved {approved} rejected {rejected} other {changes requested}}',
  'approval.escalated.body': '{title} was escalated to you after {hours} hours (level {level} of {levels}).',
  'approval.escalated.title': 'Approval: {title} was escalated to you after {hours} hours',
  'approval.reminder.body': '{title} still waits for your decision ({hours} hours) (level {level} of {levels}).',
  'approval.reminder.title': 'Approval: {title} still waits for your decision ({hours} hours)',
  'approval.resubmitted.body': '{title} was resubmitted (level {level} of {levels}).',
  'approval.resubmitted.title': 'Approval: {title} was resubmitted',
  'approval.unstaffed.fix':
    'Give the deciding roles to more people (Users) or set approver limits (Approval policies).',
  'approval.unstaffed.intro':
    "{title} (from {party}) waits for approval, but with today's approvers and limits it can never complete:",
  'approval.unstaffed.subject': 'Approval: nobody can complete {title}',
  'approval.waiting.body': '{title} waits for your decision (level {level} of {levels}).',
  'approval.waiting.title': 'Approval: {title} waits for your decision',
  // Change requests and PO confirmations decided (suppliers/).
  // The ERP changed a party's bank details (integration/mirror.ts), to its admins.
  'bank_changed_by_erp.body':
    'The bank details we hold for {name} were changed in our ERP system.\n\nBefore: {before}\nAfter:  {after}\n\nIf you did not ask for this change, contact us at once by a channel you already trust (not by replying to\nthis mail): changed bank details are a common fraud.',
  'bank_changed_by_erp.subject': 'Your bank details were changed in our ERP',
  'change_request.decided.body':
    'Your {kind, select, address {address change} other {bank-detail change}} request was {status, select, accepted {accepted} other {rejected}}.',
  'change_request.decided.title':
    'Your {kind, select, address {address change} other {bank-detail change}} was {status, select, accepted {accepted} other {rejected}}',
  'confirmation.decided.again': 'Confirm the purchase order again.',
  'confirmation.decided.body':
    '{name} {status, select, accepted {accepted} other {rejected}} round {round} of your confirmation of purchase order {number}.',
  'confirmation.decided.title':
    'The buyer {status, select, accepted {accepted} other {rejected}} your confirmation of purchase order {number}',
  // Compliance documents (documents/documents.ts).
  'document.decided.body':
    'Your {type}, version {version} ({file}), was {status, select, approved {approved} other {rejected}}.',
  'document.decided.title':
    'Your {type} (version {version}) was {status, select, approved {approved} other {rejected}}',
  'document.expired.body': 'The {type} of {party} expired on {date}.',
  'document.expired.subject': 'Expired: {type} of {party}',
  'document.expiry.upload':
    'Upload a current version in Gatehouse, under Documents, so it can be reviewed in time.\n{url}',
  'document.expiring.body': 'The {type} of {party} expires on {date}.',
  'document.expiring.subject': 'Expiring soon: {type} of {party}',
  // Invitations (users/users.ts): in the inviting user's language (the invitee has chosen none yet).
  'invitation.address_taken.body':
    'Hello {name},\n\n{inviter} of {party} tried to invite this address to Gatehouse. You already\nhave an account here, so nothing was created and nothing changed on your account. If you expected to\nwork for {party} in Gatehouse, ask them to invite another address of yours.\n\nIf you do not know why, you can ignore this message.',
  'invitation.address_taken.subject': 'Someone tried to invite you to Gatehouse',
  'invitation.body':
    'Hello {name},\n\n{inviter} has invited you to use Gatehouse for {party}.\nOpen this link within {days, plural, one {# day} other {# days}} to choose your password and sign in:\n\n{link}\n\nIf you did not expect this, ignore this message.',
  'invitation.subject': 'You are invited to {party} on Gatehouse',
  // Invoice queries (orders/invoice-queries.ts): {line} is 'none' for a query on the whole invoice.
  'invoice_query.added.body': `{party} added a message to its query on ${Q}.\n\nAnswer it in the work queue: {url}`,
  'invoice_query.added.subject': `{party} added to its query on ${Q}`,
  'invoice_query.answered.body': `{name} answered your query on ${Q}:\n\n{message}`,
  'invoice_query.answered.title': `Your query on ${Q} was answered`,
  'invoice_query.closed.body': `Your query on ${Q} was {outcome, select, resolved {resolved} other {rejected}}.\n\nReason: {reason}\n\nSee it in Gatehouse: {url}`,
  'invoice_query.closed.subject': `Your query on ${Q} was {outcome, select, resolved {resolved} other {rejected}}`,
  'invoice_query.reason.damaged': 'Damaged',
  'invoice_query.reason.not-received': 'Not received',
  'invoice_query.reason.other': 'Other',
  'invoice_query.reason.price': 'Price',
  'invoice_query.reason.quantity': 'Quantity',
  'invoice_query.received.body': `Your query on ${Q} ({reason}) is with our team.\nYou will get a mail when someone answers it.\n\nFollow it in Gatehouse: {url}`,
  'invoice_query.received.subject': `We received your query on ${Q}`,
  'invoice_query.waiting.body': `{party} raised a query on ${Q} ({reason}).\n\nAnswer it in the work queue: {url}`,
  'invoice_query.waiting.subject': `New invoice query from {party}: ${Q}`,
  // Integration key warnings (integration/key-warnings.ts).
  'key_warning.expiring': '- {key} ({integration}) expires on {date}: rotate it.',
  'key_warning.footer': 'Manage them under Integrations: {url}',
  'key_warning.intro': 'These integration keys need attention:',
  'key_warning.never_used': '- {key} ({integration}) has not been used at all: revoke it if nothing needs it.',
  'key_warning.subject':
    '{count, plural, one {Gatehouse: # integration key needs attention} other {Gatehouse: # integration keys need attention}}',
  'key_warning.unused': '- {key} ({integration}) has not been used since {date}: revoke it if nothing needs it.',
  // Shared pieces.
  'mail.item': '- {item}',
  'mail.reason': 'Reason: {reason}',
  // Remittance advice (orders/remittances.ts).
  'remittance.body': 'Your remittance advice {reference} for {amount}, paid on {date}, was passed on:',
  'remittance.footer': 'The items show "payment advised" until your payment is booked.\nSee them in Gatehouse: {url}',
  'remittance.line': '- {kind, select, credit_note {Credit note} other {Invoice}} {number}: {amount}',
  'remittance.subject': 'Remittance advice {reference} sent',
  'value.a_supplier': 'a supplier',
  'value.document': 'document',
} as const;

export default en;
