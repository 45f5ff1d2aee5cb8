import { DEFAULT_LOCALE, formatMinor, formatUnitPrice, type Locale, pickLocale } from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';

/*
 * What printed documents and list exports say, in the reader's language (docs/i18n.md, "Documents and
 * exports"): the requesting user's `preferences.locale` (English without one). Messages are ICU
 * MessageFormat, like the portal's catalogues (web/src/i18n/*.ts); one `Record<key, string>` per locale, keys
 * typed from English so a missing German key does not compile (documents-i18n.test.ts checks the rest).
 *
 * Formats: German dates are Intl's ('05.12.2026'), money Intl's currency form ('1.234,56 €'), quantities
 * with German signs. English keeps what the documents have always printed: ISO dates (the server cannot
 * tell en-US from en-GB readers, and 2026-12-05 reads the same to both) and '1,234.56 EUR'.
 */
const en = {
  'doc.account': 'Account',
  'doc.accountStatement': 'Account statement',
  'doc.ageingAsOf': 'Ageing as of',
  'doc.ageingHeading': 'Ageing of open items as of {date}',
  'doc.amount': 'Amount',
  'doc.applied': 'Applied',
  'doc.availableCredit': 'Available credit',
  'doc.balance': 'Balance',
  'doc.bankDetails': 'Bank details:',
  'doc.billTo': 'Bill to',
  'doc.carrier': 'Carrier',
  'doc.closingBalance': 'Closing balance',
  'doc.closingBalanceOn': 'Closing balance on {date}',
  'doc.creditLimit': 'Credit limit',
  'doc.creditNote': 'Credit note',
  'doc.creditNoteNote': 'This credit note lowers your balance; it is not a request for payment.',
  'doc.currency': 'Currency',
  'doc.current': 'Current',
  'doc.customer': 'Customer',
  'doc.customerAccount': 'Customer account',
  'doc.date': 'Date',
  'doc.daysNet': '{days} days net',
  'doc.deliverTo': 'Deliver to',
  'doc.deliveredOn': 'Delivered on',
  'doc.deliveryNote': 'Delivery note',
  'doc.description': 'Description',
  'doc.due': 'Due',
  'doc.dueDate': 'Due date',
  'doc.invoice': 'Invoice',
  'doc.invoiceCancelled': 'This invoice was cancelled.',
  'doc.issueDate': 'Issue date',
  'doc.item': 'Item',
  'doc.line': 'Line',
  'doc.linesTruncated': 'Only the first {count} lines of this period are listed; the balances include every line.',
  'doc.netTotal': 'Net total',
  'doc.none': 'None.',
  'doc.number': 'Number',
  'doc.open': 'Open',
  'doc.openBalance': 'Open balance',
  'doc.openingBalance': 'Opening balance',
  'doc.order': 'Order',
  'doc.orderConfirmation': 'Order confirmation',
  'doc.orderDate': 'Order date',
  'doc.otherTaxAndCharges': 'Other tax and charges',
  'doc.over90': 'Over 90',
  'doc.page': '{document} · page {page} of {pages}',
  'doc.paidInFull': 'Paid in full. Thank you.',
  'doc.paidOrCredited': 'Paid or credited',
  'doc.payment': 'Payment',
  'doc.paymentTerms': 'Payment terms',
  'doc.period': 'Period',
  'doc.periodRange': '{from} to {to}',
  'doc.promisedFor': 'Promised for',
  'doc.purchaseOrder': 'Purchase order',
  'doc.quantity': 'Quantity',
  'doc.reference': 'Reference',
  'doc.requestedBy': 'Requested by',
  'doc.sellerMissing': 'Seller details not configured',
  'doc.shippedOn': 'Shipped on',
  'doc.status': 'Status',
  'doc.supplier': 'Supplier',
  'doc.tax': 'Tax',
  'doc.taxAndCharges': 'Tax and charges',
  'doc.taxId': 'Tax ID: {id}',
  'doc.taxRate': 'Tax {rate}% on {net}',
  'doc.total': 'Total',
  'doc.totalCredit': 'Total credit',
  'doc.totalTax': 'Total tax',
  'doc.tracking': 'Tracking',
  'doc.type': 'Type',
  'doc.unitPrice': 'Unit price',
  'doc.yourReference': 'Your reference',
  'export.carrier': 'Carrier',
  'export.creditNote': 'Credit note',
  'export.currency': 'Currency',
  'export.customer': 'Customer',
  'export.daysOverdue': 'Days overdue',
  'export.deliveredOn': 'Delivered on',
  'export.deliveryNote': 'Delivery note',
  'export.document': 'Document',
  'export.dueDate': 'Due date',
  'export.expiresOn': 'Expires on',
  'export.fileInForce': 'File in force',
  'export.invoice': 'Invoice',
  'export.issueDate': 'Issue date',
  'export.kind': 'Kind',
  'export.newestUpload': 'Newest upload',
  'export.newestUploadStatus': 'Newest upload status',
  'export.open': 'Open',
  'export.order': 'Order',
  'export.orderDate': 'Order date',
  'export.orders': 'Orders',
  'export.promised': 'Promised',
  'export.purchaseOrder': 'Purchase order',
  'export.reference': 'Reference',
  'export.requested': 'Requested',
  'export.shippedOn': 'Shipped on',
  'export.status': 'Status',
  'export.supplier': 'Supplier',
  'export.total': 'Total',
  'export.trackingPage': 'Tracking page',
  'export.trackingReference': 'Tracking reference',
  'export.version': 'Version',
  'export.yourReference': 'Your reference',
  'sheet.documents': 'Documents',
  'sheet.invoices': 'Invoices',
  'sheet.orders': 'Orders',
  'sheet.purchaseOrders': 'Purchase orders',
  'sheet.shipments': 'Shipments',
};

export type DocumentKey = keyof typeof en;
export type DocumentCatalogue = Record<DocumentKey, string>;

const de = {
  'doc.account': 'Konto',
  'doc.accountStatement': 'Kontoauszug',
  'doc.ageingAsOf': 'Fälligkeitsstruktur zum',
  'doc.ageingHeading': 'Fälligkeitsstruktur der offenen Posten zum {date}',
  'doc.amount': 'Betrag',
  'doc.applied': 'Verrechnet',
  'doc.availableCredit': 'Verfügbarer Kreditrahmen',
  'doc.balance': 'Saldo',
  'doc.bankDetails': 'Bankverbindung:',
  'doc.billTo': 'Rechnungsempfänger',
  'doc.carrier': 'Spediteur',
  'doc.closingBalance': 'Schlusssaldo',
  'doc.closingBalanceOn': 'Schlusssaldo am {date}',
  'doc.creditLimit': 'Kreditlimit',
  'doc.creditNote': 'Gutschrift',
  'doc.creditNoteNote': 'Diese Gutschrift verringert Ihren Saldo; sie ist keine Zahlungsaufforderung.',
  'doc.currency': 'Währung',
  'doc.current': 'Nicht fällig',
  'doc.customer': 'Kunde',
  'doc.customerAccount': 'Kundenkonto',
  'doc.date': 'Datum',
  'doc.daysNet': '{days} Tage netto',
  'doc.deliverTo': 'Lieferanschrift',
  'doc.deliveredOn': 'Zugestellt am',
  'doc.deliveryNote': 'Lieferschein',
  'doc.description': 'Beschreibung',
  'doc.due': 'Fällig',
  'doc.dueDate': 'Fälligkeitsdatum',
  'doc.invoice': 'Rechnung',
  'doc.invoiceCancelled': 'Diese Rechnung wurde storniert.',
  'doc.issueDate': 'Rechnungsdatum',
  'doc.item': 'Artikel',
  'doc.line': 'Position',
  'doc.linesTruncated':
    'Nur die ersten {count} Buchungen dieses Zeitraums sind aufgeführt; die Salden enthalten alle Buchungen.',
  'doc.netTotal': 'Nettosumme',
  'doc.none': 'Keine.',
  'doc.number': 'Nummer',
  'doc.open': 'Offen',
  'doc.openBalance': 'Offener Betrag',
  'doc.openingBalance': 'Anfangssaldo',
  'doc.order': 'Auftrag',
  'doc.orderConfirmation': 'Auftragsbestätigung',
  'doc.orderDate': 'Auftragsdatum',
  'doc.otherTaxAndCharges': 'Sonstige Steuern und Gebühren',
  'doc.over90': 'Über 90',
  'doc.page': '{document} · Seite {page} von {pages}',
  'doc.paidInFull': 'Vollständig bezahlt. Vielen Dank.',
  'doc.paidOrCredited': 'Bezahlt oder gutgeschrieben',
  'doc.payment': 'Zahlung',
  'doc.paymentTerms': 'Zahlungsbedingungen',
  'doc.period': 'Zeitraum',
  'doc.periodRange': '{from} bis {to}',
  'doc.promisedFor': 'Zugesagt für',
  'doc.purchaseOrder': 'Bestellung',
  'doc.quantity': 'Menge',
  'doc.reference': 'Referenz',
  'doc.requestedBy': 'Gewünscht bis',
  'doc.sellerMissing': 'Verkäuferangaben nicht eingerichtet',
  'doc.shippedOn': 'Versandt am',
  'doc.status': 'Status',
  'doc.supplier': 'Lieferant',
  'doc.tax': 'Steuer',
  'doc.taxAndCharges': 'Steuern und Gebühren',
  'doc.taxId': 'USt-IdNr.: {id}',
  'doc.taxRate': 'USt. {rate} % auf {net}',
  'doc.total': 'Summe',
  'doc.totalCredit': 'Gutschriftsbetrag',
  'doc.totalTax': 'Steuer gesamt',
  'doc.tracking': 'Sendungsnummer',
  'doc.type': 'Art',
  'doc.unitPrice': 'Einzelpreis',
  'doc.yourReference': 'Ihre Referenz',
  'export.carrier': 'Spediteur',
  'export.creditNote': 'Gutschrift',
  'export.currency': 'Währung',
  'export.customer': 'Kunde',
  'export.daysOverdue': 'Tage überfällig',
  'export.deliveredOn': 'Zugestellt am',
  'export.deliveryNote': 'Lieferschein',
  'export.document': 'Dokument',
  'export.dueDate': 'Fälligkeitsdatum',
  'export.expiresOn': 'Gültig bis',
  'export.fileInForce': 'Gültige Datei',
  'export.invoice': 'Rechnung',
  'export.issueDate': 'Rechnungsdatum',
  'export.kind': 'Art',
  'export.newestUpload': 'Neuester Upload',
  'export.newestUploadStatus': 'Status des neuesten Uploads',
  'export.open': 'Offen',
  'export.order': 'Auftrag',
  'export.orderDate': 'Auftragsdatum',
  'export.orders': 'Aufträge',
  'export.promised': 'Zugesagt',
  'export.purchaseOrder': 'Bestellung',
  'export.reference': 'Referenz',
  'export.requested': 'Gewünscht',
  'export.shippedOn': 'Versandt am',
  'export.status': 'Status',
  'export.supplier': 'Lieferant',
  'export.total': 'Summe',
  'export.trackingPage': 'Sendungsverfolgung',
  'export.trackingReference': 'Sendungsnummer',
  'export.version': 'Version',
  'export.yourReference': 'Ihre Referenz',
  'sheet.documents': 'Dokumente',
  'sheet.invoices': 'Rechnungen',
  'sheet.orders': 'Aufträge',
  'sheet.purchaseOrders': 'Bestellungen',
  'sheet.shipments': 'Lieferungen',
} satisfies DocumentCatalogue;

/** Every language's document catalogue (the contract's LOCALES; the unit test checks each is complete). */
export const DOCUMENT_CATALOGUES: Record<Locale, DocumentCatalogue> = { en, de };

/** The reader of a document: a user's stored preferences, or null (English, UTC). */
export type Reader = { locale: string; timeZone: string } | null | undefined;

/** How a document speaks to its reader: `t(key, values)` and the locale's dates, money and quantities. */
export interface DocumentText {
  locale: Locale;
  t(key: DocumentKey, values?: Record<string, string | number>): string;
  /** A calendar day 'YYYY-MM-DD' as the language writes it. */
  date(iso: string): string;
  /** Minor units of `currency`, exactly. */
  money(minor: bigint, currency: string): string;
  /** A unit price: the ERP's exact decimal when it sent one, else the minor units. */
  unitPrice(exact: string | null | undefined, minor: bigint, currency: string): string;
  /** A decimal quantity string ('1200.0000'), trailing zeros dropped, with its unit of measure. */
  quantity(q: string, uom?: string | null): string;
}

const cache = new Map<Locale, DocumentText>();

export function documentText(reader: Reader): DocumentText {
  const locale = pickLocale(reader?.locale ?? DEFAULT_LOCALE);
  const known = cache.get(locale);
  if (known) return known;
  const messages = DOCUMENT_CATALOGUES[locale];
  const compiled = new Map<string, IntlMessageFormat>();
  const english = locale === 'en';
  const dateFormat = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });
  const decimal = (value: string, currency?: string) => {
    const fraction = value.split('.')[1]?.length ?? 0;
    const options: Intl.NumberFormatOptions = currency
      ? { style: 'currency', currency, minimumFractionDigits: fraction, maximumFractionDigits: fraction }
      : { maximumFractionDigits: Math.max(fraction, 0) };
    return new Intl.NumberFormat(locale, options).format(value as Intl.StringNumericLiteral);
  };
  const trimmed = (q: string) => (q.includes('.') ? q.replace(/0+$/, '').replace(/\.$/, '') : q);
  const text: DocumentText = {
    locale,
    t(key, values) {
      const message = messages[key];
      if (!values) return message;
      let format = compiled.get(key);
      if (!format) {
        format = new IntlMessageFormat(message, locale, undefined, { ignoreTag: true });
        compiled.set(key, format);
      }
      return String(format.format(values));
    },
    date: (iso) =>
      english || !/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : dateFormat.format(new Date(`${iso}T00:00:00Z`)),
    money(minor, currency) {
      const en = formatMinor(minor, currency);
      if (english || !/^[A-Z]{3}$/.test(currency)) return en;
      // The exact decimal the contract prints ('-1,234.56 EUR' -> '-1234.56'), then Intl's currency form.
      return decimal(en.replace(/ [A-Z]{3}$/, '').replace(/,/g, ''), currency);
    },
    unitPrice(exact, minor, currency) {
      const en = formatUnitPrice(exact, minor, currency);
      if (english || !/^[A-Z]{3}$/.test(currency)) return en;
      return decimal(en.replace(/ [A-Z]{3}$/, '').replace(/,/g, ''), currency);
    },
    quantity(q, uom) {
      const n = english ? trimmed(q) : decimal(trimmed(q));
      return uom ? `${n} ${uom}` : n;
    },
  };
  cache.set(locale, text);
  return text;
}
