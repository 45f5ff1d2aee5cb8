import type { MailCatalogue } from '../i18n.ts';

/** The server's German mail and notification texts: exactly the English keys (en.ts). */
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
} as const satisfies MailCatalogue;

export default de;
