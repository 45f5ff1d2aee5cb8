/**
 * The server's English mail and notification texts (docs/i18n.md, "Mail"): ICU MessageFormat, one key per
 * whole sentence. Dates, amounts and times arrive formatted for the recipient (mail/i18n.ts). Keys sorted;
 * German (de.ts) must have exactly these keys (typecheck and mail/i18n.test.ts).
 */
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
} as const;

export default en;
