import { markExpiries, raiseAlert, warnAboutKeys } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { pdfBytes, uploadDocument } from './support/files.ts';
import { client, createPartyWithUser, SYSTEM, useTestServer } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';

/**
 * Mail in the recipient's language (docs/i18n.md, "Mail"): each mail below is triggered through the product
 * with one recipient who chose German and one who chose English (or none), and the outbox holds each
 * recipient's own rendering: subject and body in their language, dates in their format.
 */
const t = useTestServer();

type Roles = Parameters<typeof createPartyWithUser>[2];
async function person(
  kind: 'internal' | 'customer' | 'supplier',
  roles: Roles,
  opts: { partyId?: string; locale?: 'de' | 'en' } = {},
) {
  const u = await createPartyWithUser(t.srv.db, kind, roles, opts.partyId ? { partyId: opts.partyId } : {});
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  if (opts.locale) await c.auth.setPreferences.mutate({ locale: opts.locale, timeZone: 'Europe/Berlin' });
  return { ...u, c };
}
type Mail = { subject: string; body_text: string };
const mails = (to: string, kind: string) =>
  t.owner<Mail[]>`select subject, body_text from mail_outbox where to_address = ${to} and kind = ${kind}
                  order by created_at, id`;
async function only(to: string, kind: string): Promise<Mail> {
  const found = await mails(to, kind);
  expect(found.length, `${kind} to ${to}`).toBe(1);
  return found[0] as Mail;
}
/** An open invoice of 1,000.00 EUR with one line. */
async function openInvoice(partyId: string) {
  const number = `INV-${Math.random().toString(36).slice(2, 10)}`;
  const [inv] = await t.owner`insert into invoices (party_id, number, kind, status, issue_date, due_date, currency,
                                                   total_minor, open_minor)
                              values (${partyId}, ${number}, 'invoice', 'open', '2026-01-01', '2026-02-01', 'EUR',
                                      100000, 100000) returning id`;
  await t.owner`insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
                values (${partyId}, ${inv?.id}, 1, 'BOLT-8', 'Hex bolt M8', 100, 1000, 100000)`;
  return { id: String(inv?.id), number };
}
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);
const germanDate = (iso: string) => iso.split('-').reverse().join('.');

describe('mail in the recipient’s language', () => {
  it('an invitation is written in the inviting admin’s language', async () => {
    const de = await person('customer', ['customer-admin'], { locale: 'de' });
    const en = await person('customer', ['customer-admin'], { partyId: de.partyId, locale: 'en' });
    const [party] = await t.owner`select name from parties where id = ${de.partyId}`;
    const a = `de-${Date.now()}@invitee.example`;
    const b = `en-${Date.now()}@invitee.example`;
    await de.c.users.invite.mutate({ email: a, displayName: 'Dora', roles: ['customer-user'] });
    await en.c.users.invite.mutate({ email: b, displayName: 'Ed', roles: ['customer-user'] });
    const german = await only(a, 'invitation');
    expect(german.subject).toBe(`Sie sind zu ${party?.name} in Gatehouse eingeladen`);
    expect(german.body_text).toMatch(/^Hallo Dora,\n\n.+ hat Sie eingeladen/);
    expect(german.body_text).toContain('innerhalb von 7 Tagen');
    const english = await only(b, 'invitation');
    expect(english.subject).toBe(`You are invited to ${party?.name} on Gatehouse`);
    expect(english.body_text).toContain('Open this link within 7 days');
  });

  it('a bank-detail change: approvers told each in their language, the decision mailed in the maker’s', async () => {
    const sup = await person('supplier', ['supplier-admin'], { locale: 'de' });
    const a1 = await person('internal', ['approver'], { locale: 'de' });
    const a2 = await person('internal', ['approver'], { locale: 'en' });
    const { id: crId } = await sup.c.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'DE89370400440532013000' },
    });
    const id = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === crId)?.approvalId as string;
    const waitingDe = await only(a1.email, 'approval-waiting');
    expect(waitingDe.subject).toMatch(/^Freigabe: .+ wartet auf Ihre Entscheidung$/);
    expect(waitingDe.body_text).toContain('(Stufe 1 von 2)');
    expect(waitingDe.body_text).toContain('In Gatehouse öffnen:');
    const waitingEn = await only(a2.email, 'approval-waiting');
    expect(waitingEn.subject).toMatch(/^Approval: .+ waits for your decision$/);
    expect(waitingEn.body_text).toContain('(level 1 of 2)');

    const v1 = (await a1.c.approvals.get.query({ id })).version;
    await a1.c.approvals.decide.mutate({ id, version: v1, decision: 'approve' });
    const v2 = (await a2.c.approvals.get.query({ id })).version;
    await a2.c.approvals.decide.mutate({ id, version: v2, decision: 'reject', reason: 'Falsche IBAN.' });
    const decided = await only(sup.email, 'approval-decided');
    expect(decided.subject).toMatch(/: abgelehnt$/);
    expect(decided.body_text).toMatch(/ wurde abgelehnt\.\n\nBegründung: Falsche IBAN\.$/);
  });

  it('an address change decided: the requester reads the outcome in German', async () => {
    const sup = await person('supplier', ['supplier-admin'], { locale: 'de' });
    const op = await person('internal', ['operator'], { locale: 'en' });
    const { id } = await sup.c.changeRequests.create.mutate({
      kind: 'address',
      address: { street: 'Hafenstraße 1', postalCode: '20457', city: 'Hamburg', country: 'DE' },
    });
    await op.c.changeRequests.decide.mutate({ id, version: 1, decision: 'reject', reason: 'Bitte mit Nachweis.' });
    const mail = await only(sup.email, 'change-request-decided');
    expect(mail.subject).toBe('Ihre Adressänderung wurde abgelehnt');
    expect(mail.body_text).toContain(
      'Ihr Antrag auf Adressänderung wurde abgelehnt.\n\nBegründung: Bitte mit Nachweis.',
    );
  });

  it('document decisions and expiry: the supplier in German, the reviewer in English', async () => {
    const sup = await person('supplier', ['supplier-admin'], { locale: 'de' });
    const op = await person('internal', ['operator'], { locale: 'en' });
    const [type] = await t.owner`select id, name from document_types where key = 'liability-insurance'`;
    const up = await uploadDocument(
      t.srv.origin,
      sup.c,
      { typeId: String(type?.id), expiresOn: day(40) },
      { name: 'insurance.pdf', bytes: pdfBytes(1200, 'mail-language') },
    );
    expect(up.status).toBe(201);
    await op.c.documents.decide.mutate({ versionId: up.body.id as string, decision: 'approve' });
    const decided = await only(sup.email, 'document-decided');
    expect(decided.subject).toBe(`Ihr Dokument „${type?.name}“ (Version 1) wurde freigegeben`);

    // It expired yesterday: the expiry job tells the supplier and the reviewer, each in their language.
    const expired = day(-1);
    await t.owner`update document_versions set expires_on = ${expired} where id = ${up.body.id as string}`;
    await markExpiries(t.srv.services.db, t.srv.clock, 30, t.srv.origin);
    const [party] = await t.owner`select name from parties where id = ${sup.partyId}`;
    const de = await only(sup.email, 'document-expired');
    expect(de.subject).toBe(`Abgelaufen: ${type?.name} von ${party?.name}`);
    expect(de.body_text).toContain(`ist am ${germanDate(expired)} abgelaufen.`);
    expect(de.body_text).toContain('Laden Sie in Gatehouse unter „Dokumente“ eine aktuelle Fassung hoch');
    const en = await only(op.email, 'document-expired');
    expect(en.subject).toBe(`Expired: ${type?.name} of ${party?.name}`);
    expect(en.body_text).toContain('Upload a current version in Gatehouse');
  });

  it('integration key warnings and security alerts reach each system admin in their language', async () => {
    const de = await person('internal', ['system-admin'], { locale: 'de' });
    const en = await person('internal', ['system-admin'], { locale: 'en' });
    await de.c.integrations.createKey.mutate({
      integrationName: 'ERP Sprache',
      scopes: ['events:read'],
      ipAllowlist: ['0.0.0.0/0', '::/0'],
      expiresInDays: 5,
    });
    await warnAboutKeys(t.srv.db, t.srv.clock, t.srv.config.publicOrigin);
    const keysDe = await only(de.email, 'integration-keys');
    expect(keysDe.subject).toMatch(/^Gatehouse: \d+ Integrationsschlüssel brauch(t|en) Aufmerksamkeit$/);
    expect(keysDe.body_text).toMatch(/\(ERP Sprache\) läuft am \d\d\.\d\d\.\d{4} ab: Erneuern Sie ihn\./);
    const keysEn = await only(en.email, 'integration-keys');
    expect(keysEn.subject).toMatch(/^Gatehouse: \d+ integration keys? needs? attention$/);
    expect(keysEn.body_text).toMatch(/\(ERP Sprache\) expires on \d{1,2} [A-Z][a-z]{2} \d{4}: rotate it\./);

    await t.srv.db.tx(SYSTEM, (tx) =>
      raiseAlert(tx, new Date(t.srv.clock.now()), {
        rule: 'backup-stale',
        severity: 'warning',
        mail: { key: 'alert.backup_stale', values: { hours: 24 } },
        text: { key: 'backup-stale', values: { hours: 24 } },
        details: { late: 'nightly' },
      }),
    );
    const alertDe = await only(de.email, 'security-alert');
    expect(alertDe.subject).toBe('[Gatehouse Warnung] Sicherungen sind überfällig (erwartet alle 24 h)');
    expect(alertDe.body_text).toContain('late: nightly');
    expect(alertDe.body_text).toContain('bestätigen Sie die Warnung dort');
    const alertEn = await only(en.email, 'security-alert');
    expect(alertEn.subject).toBe('[Gatehouse warning] Backups are overdue (every 24 h expected)');
    // The alert itself is stored in English (the staff screen labels it by its rule).
    const [stored] = await t.owner`select title from alerts where rule = 'backup-stale' order by id desc limit 1`;
    expect(stored?.title).toBe('Backups are overdue (every 24 h expected)');
  });

  it('an invoice query: receipt, handlers, answer, follow-up and outcome, each in the reader’s language', async () => {
    const me = await person('customer', ['customer-user'], { locale: 'de' });
    const op1 = await person('internal', ['operator'], { locale: 'de' });
    const op2 = await person('internal', ['operator'], { locale: 'en' });
    const { id: invoiceId, number } = await openInvoice(me.partyId);
    const { id } = await me.c.invoiceQueries.raise.mutate({
      invoiceId,
      lineNo: 1,
      reason: 'price',
      message: 'Der Preis stimmt nicht.',
    });
    const receipt = await only(me.email, 'invoice-query-raised');
    expect(receipt.subject).toBe(`Wir haben Ihre Rückfrage zu Rechnung ${number}, Position 1 erhalten`);
    expect(receipt.body_text).toContain('(Preis) liegt unserem Team vor.');
    const [party] = await t.owner`select name from parties where id = ${me.partyId}`;
    expect((await only(op1.email, 'invoice-query-waiting')).subject).toBe(
      `Neue Rechnungsrückfrage von ${party?.name}: Rechnung ${number}, Position 1`,
    );
    expect((await only(op2.email, 'invoice-query-waiting')).subject).toBe(
      `New invoice query from ${party?.name}: invoice ${number}, line 1`,
    );

    await op2.c.invoiceQueries.reply.mutate({ id, message: 'We are checking.' });
    const answered = await only(me.email, 'invoice-query-answered');
    expect(answered.subject).toBe(`Ihre Rückfrage zu Rechnung ${number}, Position 1 wurde beantwortet`);
    expect(answered.body_text).toContain('We are checking.');

    await me.c.invoiceQueries.comment.mutate({ id, message: 'Danke.' });
    const followUps = await mails(op1.email, 'invoice-query-waiting');
    expect(followUps.at(-1)?.subject).toBe(
      `${party?.name} hat seine Rückfrage zu Rechnung ${number}, Position 1 ergänzt`,
    );
    expect((await mails(op2.email, 'invoice-query-waiting')).at(-1)?.subject).toBe(
      `${party?.name} added to its query on invoice ${number}, line 1`,
    );

    const version = (await op1.c.invoiceQueries.get.query({ id })).version;
    await op1.c.invoiceQueries.close.mutate({ id, version, outcome: 'resolved', reason: 'Gutschrift folgt.' });
    const closed = await only(me.email, 'invoice-query-closed');
    expect(closed.subject).toBe(`Ihre Rückfrage zu Rechnung ${number}, Position 1 wurde geklärt`);
    expect(closed.body_text).toContain('Begründung: Gutschrift folgt.');
  });

  it('a remittance advice: the German customer reads amounts and the payment date the German way', async () => {
    const me = await person('customer', ['customer-user'], { locale: 'de' });
    const inv = await openInvoice(me.partyId);
    await me.c.remittances.create.mutate({
      reference: 'PAY-DE-1',
      paymentDate: '2026-03-01',
      currency: 'EUR',
      totalMinor: '100000',
      allocations: [{ invoiceId: inv.id, amountMinor: '100000' }],
    });
    const mail = await only(me.email, 'remittance-advised');
    expect(mail.subject).toBe('Zahlungsavis PAY-DE-1 gesendet');
    expect(mail.body_text).toContain(
      'Ihr Zahlungsavis PAY-DE-1 über 1.000,00\u00a0€, bezahlt am 01.03.2026, wurde weitergegeben:',
    );
    expect(mail.body_text).toContain(`- Rechnung ${inv.number}: 1.000,00\u00a0€`);
    const en = await person('customer', ['customer-user'], { locale: 'en' });
    const other = await openInvoice(en.partyId);
    await en.c.remittances.create.mutate({
      reference: 'PAY-EN-1',
      paymentDate: '2026-03-01',
      currency: 'EUR',
      totalMinor: '100000',
      allocations: [{ invoiceId: other.id, amountMinor: '100000' }],
    });
    const english = await only(en.email, 'remittance-advised');
    expect(english.subject).toBe('Remittance advice PAY-EN-1 sent');
    expect(english.body_text).toContain('for 1,000.00 EUR, paid on 1 Mar 2026, was passed on:');
  });

  it('the ERP changing a supplier’s bank details: each of its admins is warned in their language', async () => {
    const de = await person('supplier', ['supplier-admin'], { locale: 'de' });
    const en = await person('supplier', ['supplier-admin'], { partyId: de.partyId, locale: 'en' });
    const ref = `V-${Math.random().toString(36).slice(2, 10)}`;
    await t.owner`update parties set erp_ref = ${ref} where id = ${de.partyId}`;
    const admin = await person('internal', ['system-admin']);
    const { token } = await admin.c.integrations.createKey.mutate({
      integrationName: 'ERP Bank',
      scopes: ['master-data:write'],
      ipAllowlist: ['0.0.0.0/0', '::/0'],
      expiresInDays: 30,
    });
    const post = async (bankDetails: unknown, rev: number) => {
      const res = await fetch(`${t.srv.origin}/api/v1/batches/master-data`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `k-${ref}-${rev}`,
        },
        body: JSON.stringify({ rows: [{ party: { kind: 'supplier', ref }, bankDetails, rev }] }),
      });
      expect(res.status).toBe(200);
    };
    await post({ accountHolder: 'Castor Metals GmbH', iban: 'DE89370400440532013000' }, 1); // first load: no mail
    await post({ accountHolder: 'Somebody Else Ltd', iban: 'FR1420041010050500013M02606' }, 2);
    const german = await only(de.email, 'bank-details-changed-by-erp');
    expect(german.subject).toBe('Ihre Bankverbindung wurde in unserem ERP geändert');
    expect(german.body_text).toMatch(
      /^Die Bankverbindung, die wir für .+ führen, wurde in unserem ERP-System geändert\./,
    );
    expect(german.body_text).toContain('Nachher: Somebody Else Ltd');
    expect(german.body_text).not.toContain('FR1420041010050500013M02606');
    const english = await only(en.email, 'bank-details-changed-by-erp');
    expect(english.subject).toBe('Your bank details were changed in our ERP');
    expect(english.body_text).toContain('After:  Somebody Else Ltd');
  });

  it('a PO confirmation rejected: each of the supplier’s handlers reads it in their language', async () => {
    const de = await person('supplier', ['supplier-user'], { locale: 'de' });
    const en = await person('supplier', ['supplier-user'], { partyId: de.partyId, locale: 'en' });
    const op = await person('internal', ['operator'], { locale: 'de' });
    const number = `PO-${Math.random().toString(36).slice(2, 10)}`;
    const po = await makePurchaseOrder(t.srv.db, de.partyId, {
      number,
      requestedDate: day(10),
      lines: [{ quantity: '10', unitPrice: '5' }],
    });
    const round = await de.c.purchaseOrders.confirm.mutate({
      id: po,
      lines: [{ lineNo: 1, decision: 'change', schedules: [{ quantity: '8', date: day(10) }], reason: 'Knapp.' }],
    });
    await op.c.purchaseOrders.decideConfirmation.mutate({ id: round.id, decision: 'reject', reason: 'Alle 10.' });
    const german = await only(de.email, 'confirmation-decided');
    expect(german.subject).toBe(`Der Einkauf hat Ihre Bestätigung der Bestellung ${number} abgelehnt`);
    expect(german.body_text).toContain(`hat Runde 1 Ihrer Bestätigung der Bestellung ${number} abgelehnt.`);
    expect(german.body_text).toContain('Begründung: Alle 10.\n\nBestätigen Sie die Bestellung erneut.');
    const english = await only(en.email, 'confirmation-decided');
    expect(english.subject).toBe(`The buyer rejected your confirmation of purchase order ${number}`);
    expect(english.body_text).toContain('Confirm the purchase order again.');
  });
});
