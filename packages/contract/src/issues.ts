/**
 * Input validation issues in words a person reads: zod reports `ipAllowlist.1`, people see "IP allowlist,
 * line 2". The server words every validation error with this (server/src/trpc.ts), so no screen and no
 * API client sees a raw path or a zero-based position.
 */

/** Field names whose plain-words form is not just the name split into words. */
export const FIELD_LABELS: Record<string, string> = {
  ipAllowlist: 'IP allowlist',
  requireTotp: 'Two-factor authentication',
  sessionIdleMinutes: 'Idle timeout',
  sessionAbsoluteHours: 'Absolute timeout',
  amountMinor: 'Amount',
  creditLimitMinor: 'Credit limit',
  totalMinor: 'Total',
  unitPriceMinor: 'Unit price',
  iban: 'IBAN',
  bic: 'BIC',
  erpRef: 'ERP reference',
  id: 'ID',
  partyId: 'Organisation',
  userId: 'User',
  actorUserId: 'Actor',
  email: 'Email address',
  displayName: 'Name',
  newPassword: 'New password',
  currentPassword: 'Current password',
};

/**
 * The same field names in German (the server words a German user's refusals with them, server/src/trpc.ts).
 * A field without one here keeps its English words.
 */
export const FIELD_LABELS_DE: Record<string, string> = {
  ipAllowlist: 'IP-Freigabeliste',
  requireTotp: 'Zwei-Faktor-Anmeldung',
  sessionIdleMinutes: 'Inaktivitäts-Zeitlimit',
  sessionAbsoluteHours: 'Absolutes Zeitlimit',
  amountMinor: 'Betrag',
  creditLimitMinor: 'Kreditlimit',
  totalMinor: 'Gesamtbetrag',
  unitPriceMinor: 'Einzelpreis',
  unitPrice: 'Einzelpreis',
  iban: 'IBAN',
  bic: 'BIC',
  erpRef: 'ERP-Referenz',
  id: 'ID',
  partyId: 'Organisation',
  userId: 'Benutzer',
  actorUserId: 'Handelnde Person',
  email: 'E-Mail-Adresse',
  displayName: 'Name',
  name: 'Name',
  newPassword: 'Neues Passwort',
  currentPassword: 'Aktuelles Passwort',
  password: 'Passwort',
  code: 'Code',
  bankDetails: 'Bankverbindung',
  accountHolder: 'Kontoinhaber',
  accountNumber: 'Kontonummer',
  routingNumber: 'Routing-Nummer',
  sortCode: 'Sort Code',
  scheme: 'Kontoart',
  country: 'Land',
  address: 'Anschrift',
  street: 'Straße',
  postalCode: 'Postleitzahl',
  city: 'Ort',
  note: 'Notiz',
  reason: 'Begründung',
  body: 'Nachricht',
  resolution: 'Lösung',
  subject: 'Betreff',
  message: 'Nachricht',
  lines: 'Positionen',
  lineNo: 'Position',
  quantity: 'Menge',
  schedules: 'Liefertermine',
  date: 'Datum',
  promisedDate: 'Zugesagtes Datum',
  expiresOn: 'Ablaufdatum',
  number: 'Nummer',
  invoiceDate: 'Rechnungsdatum',
  shipDate: 'Versanddatum',
  carrier: 'Spediteur',
  trackingReference: 'Sendungsnummer',
  packages: 'Packstücke',
  allocations: 'Zuordnungen',
  currency: 'Währung',
  paidOn: 'Zahlungsdatum',
  reference: 'Referenz',
  deadline: 'Frist',
  roles: 'Rollen',
  permissions: 'Berechtigungen',
  locale: 'Sprache',
  timeZone: 'Zeitzone',
};

/** Lists typed one entry per line (a textarea): their positions are lines, others are items. */
const LINE_LISTS = new Set(['ipAllowlist']);

/** 'sessionIdleMinutes' -> 'session idle minutes' (a field without a label of its own). */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

/**
 * A zod issue path in words: ['ipAllowlist', 1] -> 'IP allowlist, line 2'; ['lines', 0, 'quantity'] ->
 * 'Lines, item 1, quantity'; [] -> ''. Positions count from 1. German (`locale` 'de'): 'Positionen, Eintrag 1, Menge'.
 */
export function describeIssuePath(path: readonly PropertyKey[], locale: 'en' | 'de' = 'en'): string {
  const german = locale === 'de';
  const parts: string[] = [];
  let parent: string | undefined;
  for (const segment of path) {
    if (typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment))) {
      const position = Number(segment) + 1;
      const line = parent !== undefined && LINE_LISTS.has(parent);
      parts.push(german ? `${line ? 'Zeile' : 'Eintrag'} ${position}` : `${line ? 'line' : 'item'} ${position}`);
    } else {
      const name = String(segment);
      parts.push((german ? FIELD_LABELS_DE[name] : undefined) ?? FIELD_LABELS[name] ?? words(name));
      parent = name;
    }
  }
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One issue as a sentence: 'IP allowlist, line 2: 10.0.0.300/33 is not a valid …'. */
export function describeIssue(issue: { path: readonly PropertyKey[]; message: string }): string {
  const where = describeIssuePath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}
