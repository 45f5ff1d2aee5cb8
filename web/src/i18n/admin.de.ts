import type { AdminCatalogue } from '../i18n.ts';

/** German, the admin part: exactly the English admin part's keys (the typecheck refuses a missing or extra one). */
export default {
  'admin.integrations.actions': 'Aktionen',
  'admin.integrations.caption': 'Integrationsschlüssel',
  'admin.integrations.colExpires': 'Läuft ab',
  'admin.integrations.colIntegration': 'Integration',
  'admin.integrations.colKey': 'Schlüssel',
  'admin.integrations.colLastUsed': 'Zuletzt genutzt',
  'admin.integrations.colNetworks': 'Netze',
  'admin.integrations.colScopes': 'Berechtigungen',
  'admin.integrations.colStatus': 'Status',
  'admin.integrations.copied': 'Kopiert',
  'admin.integrations.copy': 'Kopieren',
  'admin.integrations.copyRefused':
    'Der Browser hat das Kopieren nicht erlaubt: Markieren Sie den Schlüssel und kopieren Sie ihn selbst.',
  'admin.integrations.createSubmit': 'Schlüssel anlegen',
  'admin.integrations.createTitle': 'Neuer Integrationsschlüssel',
  'admin.integrations.created': 'Der Schlüssel {keyId} wurde für {name} angelegt.',
  'admin.integrations.createdBy': 'von {email}',
  'admin.integrations.daysLabel': 'Läuft ab in (Tagen)',
  'admin.integrations.daysWhat': 'Tage bis zum Ablauf',
  'admin.integrations.empty': 'Noch keine Integrationsschlüssel. Legen Sie mit „Neuer Schlüssel“ einen für Ihr ERP an.',
  'admin.integrations.intro':
    'Ihr ERP (oder die vorgeschaltete Middleware) ruft die Integrations-API von Gatehouse unter {path} mit einem dieser Schlüssel im Header {header} auf. Jeder Schlüssel hat Berechtigungen, die Netze, aus denen er aufrufen darf, ein Anfragebudget und läuft nach höchstens {days} Tagen ab. Mit Schlüsseln lässt sich die Web-App nie öffnen.',
  'admin.integrations.loading': 'Schlüssel werden geladen …',
  'admin.integrations.nameHint':
    'Welches System den Schlüssel nutzt. Ein neuer Name legt eine neue Integration an; ein vorhandener fügt ihr einen Schlüssel hinzu.',
  'admin.integrations.nameMissing': 'Geben Sie der Integration einen Namen, z. B. „Kinetic Produktion“.',
  'admin.integrations.networksHint':
    'Ein Netz pro Zeile in CIDR-Schreibweise, z. B. 203.0.113.0/24. Mit 0.0.0.0/0 und ::/0 ist jede Adresse erlaubt.',
  'admin.integrations.networksLabel': 'Netze, aus denen er aufrufen darf',
  'admin.integrations.networksMissing':
    'Geben Sie mindestens ein Netz an, aus dem das ERP aufruft (0.0.0.0/0 bedeutet: von überall).',
  'admin.integrations.newKey': 'Neuer Schlüssel',
  'admin.integrations.overlapLabel': 'Alter Schlüssel funktioniert weiter (Tage)',
  'admin.integrations.overlapWhat': 'Übergangstage',
  'admin.integrations.rateWhat': 'Anfragen pro Minute',
  'admin.integrations.replaces': 'ersetzt {keyId}',
  'admin.integrations.revoke': 'Widerrufen',
  'admin.integrations.revokeHeading': 'Schlüssel {keyId} widerrufen?',
  'admin.integrations.revokeIntro':
    '{name} kann Gatehouse ab der nächsten Anfrage nicht mehr mit diesem Schlüssel aufrufen. Das lässt sich nicht rückgängig machen.',
  'admin.integrations.revokeKeyLabel': 'Schlüssel {keyId} widerrufen',
  'admin.integrations.revokeTitle': 'Schlüssel widerrufen',
  'admin.integrations.revoked': 'Der Schlüssel {keyId} ist widerrufen.',
  'admin.integrations.rotate': 'Erneuern',
  'admin.integrations.rotateDaysLabel': 'Neuer Schlüssel läuft ab in (Tagen)',
  'admin.integrations.rotateDaysWhat': 'Tage bis zum Ablauf des neuen Schlüssels',
  'admin.integrations.rotateIntro':
    'Für {name} wird ein neuer Schlüssel mit denselben Berechtigungen, Netzen und demselben Budget angelegt. Der alte Schlüssel funktioniert während der Übergangszeit (0 bis {max} Tage) weiter, bis das ERP umgestellt ist.',
  'admin.integrations.rotateKeyLabel': 'Schlüssel {keyId} erneuern',
  'admin.integrations.rotateTitle': 'Schlüssel erneuern',
  'admin.integrations.rotatedNow': 'Der Schlüssel {keyId} ersetzt {old}, der nicht mehr funktioniert.',
  'admin.integrations.rotatedOverlap':
    'Der Schlüssel {keyId} ersetzt {old}, der noch {days, plural, one {# Tag} other {# Tage}} funktioniert.',
  'admin.integrations.rowsLabel': 'Batch-Zeilen pro Minute',
  'admin.integrations.rowsWhat': 'Zeilen pro Minute',
  'admin.integrations.scopeCreditLimitsWrite': 'Kreditlimits der Kunden senden.',
  'admin.integrations.scopeEventsRead':
    'den Ereignis-Feed lesen (bestätigte Bestellungen, freigegebene Änderungen von Bankverbindung, Anschrift und Kreditlimit, Gutschriften)',
  'admin.integrations.scopeExportsRead':
    'CSV-Exporte der ERP-Daten herunterladen (Geschäftspartner, Aufträge, Rechnungen, Lieferungen, Bestellungen, Kreditlimits).',
  'admin.integrations.scopeInvoicesWrite': 'Rechnungen und Gutschriften mit ihren Positionen senden.',
  'admin.integrations.scopeMasterDataRead':
    'die aktuelle Anschrift und Bankverbindung eines Kunden oder Lieferanten lesen (jeder Zugriff wird protokolliert).',
  'admin.integrations.scopeMasterDataWrite':
    'Anschriften und Bankverbindungen senden (Änderungen der Bankverbindung werden den Administratoren des Lieferanten gemailt).',
  'admin.integrations.scopeOrdersWrite': 'Kundenaufträge mit ihren Positionen senden.',
  'admin.integrations.scopePartiesWrite':
    'Kunden und Lieferanten anlegen und ändern sowie die sperren, die das ERP als inaktiv kennzeichnet.',
  'admin.integrations.scopePaymentsWrite': 'Zahlungen von Kunden und die damit beglichenen Rechnungen senden.',
  'admin.integrations.scopePurchaseOrdersWrite': 'Bestellungen mit ihren Positionen senden.',
  'admin.integrations.scopeShipmentsWrite': 'Lieferungen (Lieferscheine) mit ihren Positionen senden.',
  'admin.integrations.scopeSupplierInvoicesWrite':
    'den Stand von Lieferantenrechnungen melden (eingegangen, freigegeben, zur Zahlung vorgesehen, bezahlt mit Datum).',
  'admin.integrations.scopesMissing': 'Wählen Sie mindestens eine Berechtigung.',
  'admin.integrations.secretDone': 'Ich habe ihn gespeichert',
  'admin.integrations.secretLabel': 'Der neue Schlüssel',
  'admin.integrations.secretText':
    'Der Schlüssel wird nur dieses eine Mal angezeigt: Gatehouse speichert nur einen Fingerabdruck davon. Tragen Sie ihn in die Konfiguration Ihres ERP ein; er läuft am {date} ab.',
  'admin.integrations.secretTitle': 'Kopieren Sie den Schlüssel {keyId} jetzt',
  'admin.integrations.sourceKept':
    '{name}: Kunden und Lieferanten, die das ERP als inaktiv kennzeichnet, behalten jetzt ihren Zugang.',
  'admin.integrations.sourceSuspended':
    '{name}: Kunden und Lieferanten, die das ERP als inaktiv kennzeichnet, werden jetzt gesperrt.',
  'admin.integrations.sources': 'Quellen',
  'admin.integrations.sourcesHint':
    'Kennzeichnet das ERP einen Kunden oder Lieferanten als inaktiv, sperrt Gatehouse den Portalzugang dieses Kontos: Seine Benutzer können sich nicht mehr anmelden, bis das ERP es wieder als aktiv kennzeichnet. Schalten Sie dies für eine Quelle aus, bei der „inaktiv“ etwas anderes bedeutet (z. B. keine neuen Aufträge), damit ihre Konten den Zugang behalten. Die Änderung fragt nach Ihrem Passwort und wird im Prüfprotokoll festgehalten.',
  'admin.integrations.suspendInactive': 'Kunden und Lieferanten sperren, die das ERP als inaktiv kennzeichnet',
  'admin.integrations.title': 'Integrationen',
  'admin.integrations.wholeNumber': '{what}: Bitte geben Sie eine ganze Zahl von {min} bis {max} an.',
  'admin.users.title': 'Benutzer',
} satisfies AdminCatalogue;
