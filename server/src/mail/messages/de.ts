import type { MailCatalogue } from '../i18n.ts';

/** The server's German mail and notification texts: exactly the English keys (en.ts). */
/** An invoice query's subject: the invoice, and its line ('none' for the whole invoice). */
const Q = '{line, select, none {Rechnung {number}} other {Rechnung {number}, Position {line}}}';

const de = {
  'digest.footer':
    'Sie erhalten diese Zusammenfassung, weil Sie auf Ihrer Profilseite „Tägliche Zusammenfassung“ für diese Benachrichtigungen gewählt haben.',
  'digest.intro': 'Was seit Ihrer letzten Zusammenfassung in Gatehouse geschehen ist:',
  'digest.subject':
    '{count, plural, one {Gatehouse: # Benachrichtigung heute} other {Gatehouse: # Benachrichtigungen heute}}',
  'event.credit_note.new.body': 'Gutschrift {number} vom {date} über {amount} liegt in Gatehouse bereit.',
  'event.credit_note.new.title': 'Neue Gutschrift {number}',
  'event.document.expiring.body':
    '{days, plural, one {Das Dokument „{document}“ läuft in # Tag ab, am {date}.} other {Das Dokument „{document}“ läuft in # Tagen ab, am {date}.}} Laden Sie in Gatehouse unter „Dokumente“ eine aktuelle Fassung hoch, damit sie rechtzeitig geprüft werden kann.',
  'event.document.expiring.title': 'Läuft bald ab: {document}',
  'event.invoice.new.body': 'Rechnung {number} vom {date} über {amount} ist am {due} fällig.',
  'event.invoice.new.title': 'Neue Rechnung {number}',
  'event.po.changed.body':
    'Der Einkauf hat die Bestellung {number} geändert: Gesamtbetrag jetzt {amount}, gewünschte Lieferung {requested}. Bitte prüfen Sie sie.',
  'event.po.changed.title': 'Bestellung {number} geändert',
  'event.po.issued.body':
    'Der Einkauf hat die Bestellung {number} vom {date} über {amount} erteilt, gewünschte Lieferung {requested}. Bitte bestätigen Sie sie.',
  'event.po.issued.title': 'Neue Bestellung {number}',
  'event.shipment.new.body': 'Lieferung {number} wurde am {date} mit {carrier} versandt. Sendungsnummer: {tracking}.',
  'event.shipment.new.title': 'Lieferung {number} ist unterwegs',
  'notify.footer':
    'Sie erhalten diese E-Mail für „{type}“. Auf Ihrer Profilseite können Sie eine tägliche Zusammenfassung oder keine E-Mail wählen,\noder diese E-Mails mit einem Klick abbestellen: {url}',
  'notify.open': 'In Gatehouse öffnen: {url}',
  'notify.sent': 'gesendet {time}',
  'type.approval.waiting': 'Freigaben, die auf Sie warten',
  'type.change_request.decided': 'Entschiedene Änderungsanträge',
  'type.confirmation.decided': 'Angenommene oder abgelehnte Bestellbestätigungen',
  'type.credit_note.new': 'Neue Gutschriften',
  'type.document.decided': 'Freigegebene oder abgelehnte Dokumente',
  'type.document.expiring': 'Bald ablaufende Dokumente',
  'type.invoice.new': 'Neue Rechnungen',
  'type.invoice_query.replied': 'Antworten auf Rechnungsrückfragen',
  'type.po.changed': 'Geänderte Bestellungen',
  'type.po.issued': 'Neue Bestellungen',
  'type.po.thread_message': 'Nachrichten zu Bestellungen',
  'type.shipment.new': 'Neue Lieferungen',
  'value.none': 'nicht angegeben',
  'reset.body':
    'Hallo {name},\n\njemand (hoffentlich Sie) hat angefordert, das Passwort Ihres Gatehouse-Kontos zurückzusetzen.\nÖffnen Sie diesen Link innerhalb von {minutes} Minuten, um ein neues Passwort zu wählen:\n\n{link}\n\nWenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.',
  'reset.subject': 'Ihr Gatehouse-Passwort zurücksetzen',
  'lockout.subject': 'Die Anmeldung an Ihrem Gatehouse-Konto wurde gesperrt',
  'lockout.body':
    'Hallo {name},\n\nnach wiederholten Anmeldeversuchen mit falschem Passwort {scope, select, account {haben wir die Anmeldung an Ihrem Konto für den Rest des Tages aus allen Netzen gesperrt} other {haben wir die Anmeldung an Ihrem Konto aus dem Netz {ip} für {minutes, plural, one {# Minute} other {# Minuten}} gesperrt}}.\n\nWenn Sie das waren, warten Sie und versuchen Sie es erneut, oder setzen Sie Ihr Passwort auf der Anmeldeseite zurück.\nWenn nicht, versucht vielleicht jemand, Ihr Passwort zu erraten: Ändern Sie es und informieren Sie Ihre Administration,\ndie die Sperre auch aufheben kann.',
  'mfa_reset.subject': 'Die Zwei-Faktor-Authentifizierung Ihres Gatehouse-Kontos wurde zurückgesetzt',
  'mfa_reset.body':
    'Hallo {name},\n\n{admin} hat die Zwei-Faktor-Authentifizierung Ihres Kontos ausgeschaltet und Sie überall\nabgemeldet. Melden Sie sich erneut an und richten Sie sie neu ein (Ihre Organisation verlangt das eventuell).\n\nWenn Sie das nicht veranlasst haben, wenden Sie sich sofort an Ihre Administration.',
  'event.po.thread.problem.title': '{party} hat ein Problem mit der Bestellung {number} gemeldet',
  'event.po.thread.supplier_wrote.title': '{party} hat zur Bestellung {number} geschrieben',
  'event.po.thread.supplier_wrote.body': '{name} ({party}) schrieb:\n\n{message}',
  'event.po.thread.buyer_wrote.title': 'Der Einkauf hat zur Bestellung {number} geschrieben',
  'event.po.thread.buyer_resolved.title': 'Der Einkauf hat den Verlauf zur Bestellung {number} erledigt',
  'event.po.thread.buyer_wrote.body': '{name} schrieb:\n\n{message}',
  'event.po.thread.buyer_resolved.body': '{name} hat ihn erledigt:\n\n{message}',
  'alert.account_locked': 'Konto {user} nach wiederholten fehlgeschlagenen Anmeldungen für den Tag gesperrt',
  'alert.audit_export': '{by} hat {rows} Protokolleinträge exportiert',
  'alert.backup_failed': 'Eine Sicherung ist fehlgeschlagen',
  'alert.backup_stale': 'Sicherungen sind überfällig (erwartet alle {hours} h)',
  'alert.detail': '{name}: {value}',
  'alert.drill_failed': 'Eine Wiederherstellungsprobe ist fehlgeschlagen',
  'alert.footer':
    'Siehe „Sicherheitslage“ und „Warnungen“ in Gatehouse; bestätigen Sie die Warnung dort, sobald sie erledigt ist.',
  'alert.key_new_ip': 'Integrationsschlüssel {key} ({integration}) wurde von einer neuen Adresse benutzt',
  'alert.kinetic_auth': 'Epicor Kinetic hat die Zugangsdaten des Connectors abgelehnt: Der ERP-Abgleich ruht',
  'alert.kinetic_dead': 'Die Rückmeldung von {type} an Kinetic ist {attempts}-mal fehlgeschlagen und wurde aufgegeben',
  'alert.kinetic_refused': 'Kinetic hat die Rückmeldung von {type} ({target}) abgelehnt: Sie wird nicht wiederholt',
  'alert.kinetic_unconfirmed': 'Kinetic hat {count} Rückmeldung(en) nicht innerhalb von {hours} h bestätigt',
  'alert.list_export': '{by} hat {rows} Zeilen von {list} exportiert',
  'alert.new_system_admin': '{user} wurde von {by} zum Systemadministrator gemacht',
  'alert.policy_weakened': 'Sicherheitsrichtlinie von {policy} von {by} abgeschwächt: {changes}',
  'alert.sign_in_spike': '{failures} fehlgeschlagene Anmeldungen in den letzten {minutes} Minuten',
  'alert.subject': '[Gatehouse {severity, select, critical {kritisch} warning {Warnung} other {Info}}] {title}',
  'alert.webhook_dead':
    'Die Webhook-Zustellung von {type} an {url} ist {attempts}-mal fehlgeschlagen und wurde aufgegeben',
  'alert.webhook_gone': 'Der Webhook-Endpunkt {url} antwortete mit 410 Gone und wurde deaktiviert',
  'approval.decided.body':
    '{title} wurde {status, select, approved {genehmigt} rejected {abgelehnt} other {zur Änderung zurückgegeben}}.',
  'approval.decided.subject':
    '{title}: {status, select, approved {genehmigt} rejected {abgelehnt} other {Änderungen erbeten}}',
  'approval.escalated.body': '{title} wurde nach {hours} Stunden an Sie eskaliert (Stufe {level} von {levels}).',
  'approval.escalated.title': 'Freigabe: {title} wurde nach {hours} Stunden an Sie eskaliert',
  'approval.reminder.body':
    '{title} wartet weiterhin auf Ihre Entscheidung ({hours} Stunden) (Stufe {level} von {levels}).',
  'approval.reminder.title': 'Freigabe: {title} wartet weiterhin auf Ihre Entscheidung ({hours} Stunden)',
  'approval.resubmitted.body': '{title} wurde erneut eingereicht (Stufe {level} von {levels}).',
  'approval.resubmitted.title': 'Freigabe: {title} wurde erneut eingereicht',
  'approval.unstaffed.fix':
    'Geben Sie die entscheidenden Rollen weiteren Personen (Benutzer) oder legen Sie Freigabelimits fest (Freigaberichtlinien).',
  'approval.unstaffed.intro':
    '{title} (von {party}) wartet auf Freigabe, kann aber mit den heutigen Freigebenden und Limits nie abgeschlossen werden:',
  'approval.unstaffed.subject': 'Freigabe: {title} kann von niemandem abgeschlossen werden',
  'approval.waiting.body': '{title} wartet auf Ihre Entscheidung (Stufe {level} von {levels}).',
  'approval.waiting.title': 'Freigabe: {title} wartet auf Ihre Entscheidung',
  'bank_changed_by_erp.body':
    'Die Bankverbindung, die wir für {name} führen, wurde in unserem ERP-System geändert.\n\nVorher:  {before}\nNachher: {after}\n\nWenn Sie diese Änderung nicht veranlasst haben, wenden Sie sich sofort über einen Weg an uns, dem Sie bereits\nvertrauen (nicht durch eine Antwort auf diese E-Mail): geänderte Bankverbindungen sind ein häufiger Betrug.',
  'bank_changed_by_erp.subject': 'Ihre Bankverbindung wurde in unserem ERP geändert',
  'change_request.decided.body':
    'Ihr Antrag auf {kind, select, address {Adressänderung} other {Änderung der Bankverbindung}} wurde {status, select, accepted {angenommen} other {abgelehnt}}.',
  'change_request.decided.title':
    'Ihre {kind, select, address {Adressänderung} other {Änderung der Bankverbindung}} wurde {status, select, accepted {angenommen} other {abgelehnt}}',
  'confirmation.decided.again': 'Bestätigen Sie die Bestellung erneut.',
  'confirmation.decided.body':
    '{name} hat Runde {round} Ihrer Bestätigung der Bestellung {number} {status, select, accepted {angenommen} other {abgelehnt}}.',
  'confirmation.decided.title':
    'Der Einkauf hat Ihre Bestätigung der Bestellung {number} {status, select, accepted {angenommen} other {abgelehnt}}',
  'document.decided.body':
    'Ihr Dokument „{type}“, Version {version} ({file}), wurde {status, select, approved {freigegeben} other {abgelehnt}}.',
  'document.decided.title':
    'Ihr Dokument „{type}“ (Version {version}) wurde {status, select, approved {freigegeben} other {abgelehnt}}',
  'document.expired.body': 'Das Dokument „{type}“ von {party} ist am {date} abgelaufen.',
  'document.expired.subject': 'Abgelaufen: {type} von {party}',
  'document.expiry.upload':
    'Laden Sie in Gatehouse unter „Dokumente“ eine aktuelle Fassung hoch, damit sie rechtzeitig geprüft werden kann.\n{url}',
  'document.expiring.body': 'Das Dokument „{type}“ von {party} läuft am {date} ab.',
  'document.expiring.subject': 'Läuft bald ab: {type} von {party}',
  'invitation.address_taken.body':
    'Hallo {name},\n\n{inviter} von {party} hat versucht, diese Adresse zu Gatehouse einzuladen. Sie haben hier\nbereits ein Konto, daher wurde nichts angelegt und an Ihrem Konto nichts geändert. Wenn Sie in Gatehouse für\n{party} arbeiten sollen, bitten Sie darum, eine andere Adresse von Ihnen einzuladen.\n\nWenn Sie nicht wissen, worum es geht, können Sie diese Nachricht ignorieren.',
  'invitation.address_taken.subject': 'Jemand hat versucht, Sie zu Gatehouse einzuladen',
  'invitation.body':
    'Hallo {name},\n\n{inviter} hat Sie eingeladen, Gatehouse für {party} zu nutzen.\nÖffnen Sie diesen Link innerhalb von {days, plural, one {# Tag} other {# Tagen}}, um Ihr Passwort zu wählen und sich anzumelden:\n\n{link}\n\nWenn Sie das nicht erwartet haben, ignorieren Sie diese Nachricht.',
  'invitation.subject': 'Sie sind zu {party} in Gatehouse eingeladen',
  'invoice_query.added.body': `{party} hat seiner Rückfrage zu ${Q} eine Nachricht hinzugefügt.\n\nBeantworten Sie sie in der Arbeitsliste: {url}`,
  'invoice_query.added.subject': `{party} hat seine Rückfrage zu ${Q} ergänzt`,
  'invoice_query.answered.body': `{name} hat Ihre Rückfrage zu ${Q} beantwortet:\n\n{message}`,
  'invoice_query.answered.title': `Ihre Rückfrage zu ${Q} wurde beantwortet`,
  'invoice_query.closed.body': `Ihre Rückfrage zu ${Q} wurde {outcome, select, resolved {geklärt} other {abgelehnt}}.\n\nBegründung: {reason}\n\nIn Gatehouse ansehen: {url}`,
  'invoice_query.closed.subject': `Ihre Rückfrage zu ${Q} wurde {outcome, select, resolved {geklärt} other {abgelehnt}}`,
  'invoice_query.reason.damaged': 'Beschädigt',
  'invoice_query.reason.not-received': 'Nicht erhalten',
  'invoice_query.reason.other': 'Sonstiges',
  'invoice_query.reason.price': 'Preis',
  'invoice_query.reason.quantity': 'Menge',
  'invoice_query.received.body': `Ihre Rückfrage zu ${Q} ({reason}) liegt unserem Team vor.\nSie erhalten eine E-Mail, sobald jemand antwortet.\n\nIn Gatehouse verfolgen: {url}`,
  'invoice_query.received.subject': `Wir haben Ihre Rückfrage zu ${Q} erhalten`,
  'invoice_query.waiting.body': `{party} hat eine Rückfrage zu ${Q} gestellt ({reason}).\n\nBeantworten Sie sie in der Arbeitsliste: {url}`,
  'invoice_query.waiting.subject': `Neue Rechnungsrückfrage von {party}: ${Q}`,
  'key_warning.expiring': '- {key} ({integration}) läuft am {date} ab: Erneuern Sie ihn.',
  'key_warning.footer': 'Verwalten Sie sie unter „Integrationen“: {url}',
  'key_warning.intro': 'Diese Integrationsschlüssel brauchen Ihre Aufmerksamkeit:',
  'key_warning.never_used':
    '- {key} ({integration}) wurde noch nie benutzt: Widerrufen Sie ihn, wenn nichts ihn braucht.',
  'key_warning.subject':
    '{count, plural, one {Gatehouse: # Integrationsschlüssel braucht Aufmerksamkeit} other {Gatehouse: # Integrationsschlüssel brauchen Aufmerksamkeit}}',
  'key_warning.unused':
    '- {key} ({integration}) wurde seit {date} nicht benutzt: Widerrufen Sie ihn, wenn nichts ihn braucht.',
  'mail.item': '- {item}',
  'mail.reason': 'Begründung: {reason}',
  'remittance.body': 'Ihr Zahlungsavis {reference} über {amount}, bezahlt am {date}, wurde weitergegeben:',
  'remittance.footer':
    'Die Posten zeigen „Zahlung avisiert“, bis Ihre Zahlung gebucht ist.\nIn Gatehouse ansehen: {url}',
  'remittance.line': '- {kind, select, credit_note {Gutschrift} other {Rechnung}} {number}: {amount}',
  'remittance.subject': 'Zahlungsavis {reference} gesendet',
  'value.a_supplier': 'ein Lieferant',
  'value.document': 'Dokument',
} as const satisfies MailCatalogue;

export default de;
