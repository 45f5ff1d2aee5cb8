/**
 * English, the admin part (staff and administration screens; keys 'admin.*'): docs/i18n.md. Loaded with the
 * first page that needs it (withCatalogue in main.tsx), never on a customer's or supplier's first screen.
 */
export default {
  'admin.integrations.actions': 'Actions',
  'admin.integrations.caption': 'Integration keys',
  'admin.integrations.colExpires': 'Expires',
  'admin.integrations.colIntegration': 'Integration',
  'admin.integrations.colKey': 'Key',
  'admin.integrations.colLastUsed': 'Last used',
  'admin.integrations.colNetworks': 'Networks',
  'admin.integrations.colScopes': 'Scopes',
  'admin.integrations.colStatus': 'Status',
  'admin.integrations.copied': 'Copied',
  'admin.integrations.copy': 'Copy',
  'admin.integrations.copyRefused': 'Copying was not allowed by the browser: select the key and copy it yourself.',
  'admin.integrations.createSubmit': 'Create key',
  'admin.integrations.createTitle': 'New integration key',
  'admin.integrations.created': 'Key {keyId} was created for {name}.',
  'admin.integrations.createdBy': 'by {email}',
  'admin.integrations.daysLabel': 'Expires in (days)',
  'admin.integrations.daysWhat': 'Days until it expires',
  'admin.integrations.empty': 'No integration keys yet. Create one for your ERP with “New key”.',
  'admin.integrations.intro':
    "Your ERP (or the middleware in front of it) calls Gatehouse's integration API at {path} with one of these keys in the {header} header. Each key has scopes, the networks it may call from, a request budget and an expiry of at most {days} days. Keys never open the web app.",
  'admin.integrations.loading': 'Loading keys…',
  'admin.integrations.nameHint':
    'Which system uses the key. A new name makes a new integration; an existing one adds a key to it.',
  'admin.integrations.nameMissing': 'Give the integration a name, e.g. “Kinetic production”.',
  'admin.integrations.networksHint':
    'One network per line in CIDR form, e.g. 203.0.113.0/24. Write 0.0.0.0/0 and ::/0 to allow any address.',
  'admin.integrations.networksLabel': 'Networks it may call from',
  'admin.integrations.networksMissing': 'List at least one network the ERP calls from (0.0.0.0/0 means anywhere).',
  'admin.integrations.newKey': 'New key',
  'admin.integrations.overlapLabel': 'Old key keeps working (days)',
  'admin.integrations.overlapWhat': 'Overlap days',
  'admin.integrations.rateWhat': 'Requests per minute',
  'admin.integrations.replaces': 'replaces {keyId}',
  'admin.integrations.revoke': 'Revoke',
  'admin.integrations.revokeHeading': 'Revoke key {keyId}?',
  'admin.integrations.revokeIntro':
    '{name} can no longer call Gatehouse with this key, from the next request on. This cannot be undone.',
  'admin.integrations.revokeKeyLabel': 'Revoke key {keyId}',
  'admin.integrations.revokeTitle': 'Revoke key',
  'admin.integrations.revoked': 'Key {keyId} is revoked.',
  'admin.integrations.rotate': 'Rotate',
  'admin.integrations.rotateDaysLabel': 'New key expires in (days)',
  'admin.integrations.rotateDaysWhat': 'Days until the new key expires',
  'admin.integrations.rotateIntro':
    'A new key with the same scopes, networks and budget is made for {name}. The old key keeps working for the overlap (0 to {max} days) while the ERP switches over.',
  'admin.integrations.rotateKeyLabel': 'Rotate key {keyId}',
  'admin.integrations.rotateTitle': 'Rotate key',
  'admin.integrations.rotatedNow': 'Key {keyId} replaces {old}, which no longer works.',
  'admin.integrations.rotatedOverlap':
    'Key {keyId} replaces {old}, which works for {days, plural, one {# more day} other {# more days}}.',
  'admin.integrations.rowsLabel': 'Batch rows per minute',
  'admin.integrations.rowsWhat': 'Rows per minute',
  'admin.integrations.scopeCreditLimitsWrite': 'send customers’ credit limits.',
  'admin.integrations.scopeEventsRead':
    'Read the event feed (acknowledged POs, approved bank, address and credit-limit changes, credit notes)',
  'admin.integrations.scopeExportsRead':
    'download CSV exports of ERP data (parties, orders, invoices, shipments, purchase orders, credit limits).',
  'admin.integrations.scopeInvoicesWrite': 'send invoices and credit notes with their lines.',
  'admin.integrations.scopeMasterDataRead':
    'read a customer’s or supplier’s current address and bank details (each read is audited).',
  'admin.integrations.scopeMasterDataWrite':
    'send addresses and bank details (changes to bank details are mailed to the supplier’s admins).',
  'admin.integrations.scopeOrdersWrite': 'send sales orders with their lines.',
  'admin.integrations.scopePartiesWrite':
    'create and update customers and suppliers, and suspend those the ERP marks inactive.',
  'admin.integrations.scopePaymentsWrite': 'send customer payments and the invoices they settle.',
  'admin.integrations.scopePurchaseOrdersWrite': 'send purchase orders with their lines.',
  'admin.integrations.scopeShipmentsWrite': 'send shipments (delivery notes) with their lines.',
  'admin.integrations.scopeSupplierInvoicesWrite':
    'report supplier invoices’ status (received, approved, scheduled, paid with the date).',
  'admin.integrations.scopesMissing': 'Choose at least one scope.',
  'admin.integrations.secretDone': 'I have stored it',
  'admin.integrations.secretLabel': 'The new key',
  'admin.integrations.secretText':
    "This is the only time the key is shown: Gatehouse keeps only a fingerprint of it. Put it in your ERP's configuration; it expires on {date}.",
  'admin.integrations.secretTitle': 'Copy key {keyId} now',
  'admin.integrations.sourceKept': '{name}: customers and suppliers the ERP marks inactive now keep their access.',
  'admin.integrations.sourceSuspended': '{name}: customers and suppliers the ERP marks inactive are now suspended.',
  'admin.integrations.sources': 'Sources',
  'admin.integrations.sourcesHint':
    "When the ERP marks a customer or supplier inactive, Gatehouse suspends that account's portal access: its users can no longer sign in until the ERP marks it active again. Turn this off for a source whose “inactive” means something else (e.g. no new orders), so its accounts keep their access. Changing it asks for your password and is recorded in the audit log.",
  'admin.integrations.suspendInactive': 'suspend customers and suppliers the ERP marks inactive',
  'admin.integrations.title': 'Integrations',
  'admin.integrations.wholeNumber': '{what} must be a whole number from {min} to {max}.',
  'admin.users.title': 'Users',
};
