import { randomBytes } from 'node:crypto';
import { formatMinor } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, errorOf, SYSTEM, useTestServer } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Printed documents and the true statement (issue 18): the invoice PDF carries the seller, the tax ids, the
 * lines, the tax and the total; another party's documents answer NOT_FOUND; payments arrive through the ERP
 * batch API with their allocations; the statement's balances add up for random ledgers (fast-check); its
 * CSV is formula-safe.
 */
const t = useTestServer({ TRUST_PROXY: '127.0.0.1/32' });
const uid = () => randomBytes(4).toString('hex');

export async function pdfText(base64: string): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(Buffer.from(base64, 'base64')));
  const { text } = await extractText(doc, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

async function customer() {
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

async function setSeller() {
  const admin = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(admin);
  await c.seller.update.mutate({
    legalName: 'Gatehouse Test Seller GmbH',
    address: 'Hafenstraße 1\n20457 Hamburg\nGermany',
    taxId: 'DE123456789',
    bankDetails: 'IBAN DE89 3704 0044 0532 0130 00\nBIC COBADEFFXXX',
    paymentInstructions: 'Please quote the invoice number with your payment.',
    paymentTerms: '30 days net',
  });
  return c;
}

/** An invoice with taxed lines at two rates, in a currency with three decimals (KWD) to check the exponent. */
async function taxedInvoice(partyId: string, currency = 'EUR') {
  const number = `INV-T-${uid()}`;
  await t.owner`update parties set tax_id = 'ATU12345678' where id = ${partyId}`;
  const [inv] = await t.owner`insert into invoices (party_id, number, legal_number, status, issue_date, due_date,
                                 currency, total_minor, open_minor)
                               values (${partyId}, ${number}, ${`LEG-${number}`}, 'open', '2026-11-01', '2026-12-01',
                                       ${currency}, 0, 0) returning id`;
  const id = String(inv?.id);
  for (let i = 1; i <= 3; i++)
    await t.owner`insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, uom,
                    unit_price_minor, unit_price, amount_minor, tax_minor)
                  values (${partyId}, ${id}, ${i}, ${`SKU-${i}`}, ${`Hydraulic valve type ${i}`}, ${i * 2}, 'EA',
                          ${12_345 * i}, ${`${12.3456 * i}`}, ${24_690 * i * i}, ${i === 3 ? 2_222 * 9 : 4_691 * i * i})`;
  await t.owner`update invoices set total_minor = (select sum(amount_minor + tax_minor) from invoice_lines where invoice_id = ${id}),
                                    open_minor = (select sum(amount_minor + tax_minor) from invoice_lines where invoice_id = ${id})
                 where id = ${id}`;
  return { id, number };
}

describe('invoice PDF', () => {
  it('carries the seller, both tax ids, the lines, the tax and the total, exactly as the database has them', async () => {
    await setSeller();
    const cu = await customer();
    const inv = await taxedInvoice(cu.partyId);
    const file = await cu.c.invoices.pdf.mutate({ id: inv.id });
    expect(file.contentType).toBe('application/pdf');
    expect(file.source).toBe('rendered');
    expect(Buffer.from(file.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(file.base64);
    const [row] = await t.owner`select i.total_minor::text, i.open_minor::text, i.legal_number, p.name, p.tax_id,
                                  (select sum(tax_minor)::text from invoice_lines l where l.invoice_id = i.id) as tax
                                from invoices i join parties p on p.id = i.party_id where i.id = ${inv.id}`;
    expect(text).toContain('Gatehouse Test Seller GmbH');
    expect(text).toContain('DE123456789');
    expect(text).toContain(`LEG-${inv.number}`);
    expect(text).toContain(String(row?.name));
    expect(text).toContain(String(row?.tax_id));
    const lines =
      await t.owner`select sku, description, amount_minor::text from invoice_lines where invoice_id = ${inv.id}`;
    for (const l of lines) {
      expect(text).toContain(String(l.description));
      expect(text).toContain(formatMinor(String(l.amount_minor), 'EUR'));
    }
    expect(text).toContain(formatMinor(String(row?.total_minor), 'EUR'));
    expect(text).toContain(`Total tax ${formatMinor(String(row?.tax), 'EUR')}`);
    expect(text).toContain('Tax 19%');
    expect(text).toContain('12.3456 EUR'); // the exact unit price, not rounded to cents
    expect(text).toContain('IBAN DE89');
    expect(text).toContain('Open balance');
    // Audited like a document download, in the customer's party.
    const [audit] = await t.owner`select details from audit_events where action = 'business_document.downloaded'
                                   and entity_id = ${inv.id}`;
    expect(audit?.details).toMatchObject({ kind: 'invoice', source: 'rendered' });
  });

  it("a German user's invoice PDF speaks German: labels, 05.12.2026 dates, 1.234,56 € amounts (docs/i18n.md)", async () => {
    await setSeller();
    const cu = await customer();
    await cu.c.auth.setPreferences.mutate({ locale: 'de', timeZone: 'Europe/Berlin' });
    const inv = await taxedInvoice(cu.partyId);
    const text = await pdfText((await cu.c.invoices.pdf.mutate({ id: inv.id })).base64);
    const [row] = await t.owner`select total_minor::text, open_minor::text,
                                  (select sum(tax_minor)::text from invoice_lines l where l.invoice_id = i.id) as tax
                                from invoices i where i.id = ${inv.id}`;
    const euro = (minor: string) =>
      new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(Number(minor) / 100);
    // pdfText() folds every white space (the no-break space before € too) into one space.
    const printed = (minor: string) => euro(minor).replace(/\s/g, ' ');
    for (const label of ['Rechnung', 'Rechnungsdatum', 'Fälligkeitsdatum', 'Zahlungsbedingungen', 'RECHNUNGSEMPFÄNGER'])
      expect(text).toContain(label);
    for (const label of ['Beschreibung', 'Menge', 'Einzelpreis', 'Nettosumme', 'Offener Betrag', 'Seite 1 von 1'])
      expect(text).toContain(label);
    expect(text).toContain('01.11.2026'); // the issue date, de-DE
    expect(text).toContain('01.12.2026');
    expect(text).toContain(`Steuer gesamt ${printed(String(row?.tax))}`);
    expect(text).toContain(`Summe ${printed(String(row?.total_minor))}`);
    expect(euro(String(row?.total_minor))).toMatch(/^\d{1,3}(\.\d{3})*,\d{2}\u00a0€$/);
    expect(text).toContain('USt. 19 % auf');
    expect(text).toContain('12,3456 €'); // the exact unit price, German decimal sign
    // None of the English labels it replaced.
    for (const english of ['Issue date', 'Due date', 'Unit price', 'Open balance', 'Bill to', 'page 1 of'])
      expect(text).not.toContain(english);
    expect(text).not.toMatch(/\d\.\d{2} EUR/);
  });

  it('prints amounts with the currency exponent: KWD with three decimals, JPY with none', async () => {
    const cu = await customer();
    const kwd = await taxedInvoice(cu.partyId, 'KWD');
    const text = await pdfText((await cu.c.invoices.pdf.mutate({ id: kwd.id })).base64);
    const [row] = await t.owner`select total_minor::text from invoices where id = ${kwd.id}`;
    expect(text).toContain(formatMinor(String(row?.total_minor), 'KWD'));
    expect(formatMinor(String(row?.total_minor), 'KWD')).toMatch(/\.\d{3} KWD$/);
    const jpy = await taxedInvoice(cu.partyId, 'JPY');
    const jtext = await pdfText((await cu.c.invoices.pdf.mutate({ id: jpy.id })).base64);
    const [jrow] = await t.owner`select total_minor::text from invoices where id = ${jpy.id}`;
    expect(jtext).toContain(formatMinor(String(jrow?.total_minor), 'JPY'));
    expect(formatMinor(String(jrow?.total_minor), 'JPY')).not.toContain('.');
  });

  it("another party's invoice, order and delivery note PDFs answer NOT_FOUND and audit nothing", async () => {
    const a = await customer();
    const b = await customer();
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, b.partyId, 6, 'EUR'));
    const [doc] = await t.owner`select i.id as invoice, i.order_id as order, s.id as shipment
                                  from invoices i join shipments s on s.order_id = i.order_id
                                 where i.party_id = ${b.partyId} limit 1`;
    // Thunks, called one at a time: three promises created together would leave the
    // later rejections unhandled while the first is awaited.
    for (const call of [
      () => a.c.invoices.pdf.mutate({ id: String(doc?.invoice) }),
      () => a.c.orders.pdf.mutate({ id: String(doc?.order) }),
      () => a.c.shipments.pdf.mutate({ id: String(doc?.shipment) }),
    ])
      expect((await errorOf(call())).code).toBe('NOT_FOUND');
    const [n] = await t.owner`select count(*)::int as n from audit_events
                               where action = 'business_document.downloaded' and party_id = ${b.partyId}`;
    expect(n?.n).toBe(0);
    // B's own download works (the positive control).
    expect((await b.c.invoices.pdf.mutate({ id: String(doc?.invoice) })).source).toBe('rendered');
  });
});

// ---- payments through the ERP batch API, and the statement

async function erpKey() {
  const admin = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(admin);
  const k = await c.integrations.createKey.mutate({
    integrationName: `ERP ${uid()}`,
    scopes: ['parties:write', 'invoices:write', 'payments:write'],
    ipAllowlist: ['0.0.0.0/0', '::/0'],
    expiresInDays: 30,
  });
  return k.token;
}
async function post(token: string, entity: string, rows: unknown[], mode: 'atomic' | 'partial' = 'atomic') {
  const res = await fetch(`${t.srv.origin}/api/v1/batches/${entity}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': `k-${uid()}`,
      'x-forwarded-for': '203.0.113.9',
    },
    body: JSON.stringify({ mode, rows }),
  });
  return { status: res.status, body: (await res.json()) as { results: { outcome: string; errors?: unknown[] }[] } };
}

describe('payments from the ERP', () => {
  it('are applied with their allocations, refused for an unknown invoice, and show on the statement', async () => {
    const step = steps();
    step('a party, an invoice and payments');
    const token = await erpKey();
    const ref = `C-${uid()}`;
    expect((await post(token, 'parties', [{ kind: 'customer', ref, name: 'Pay Co', taxId: 'NL001' }])).status).toBe(
      200,
    );
    const [party] = await t.owner`select id, tax_id from parties where erp_ref = ${ref}`;
    expect(party?.tax_id).toBe('NL001');
    const inv = {
      key: `inv-${ref}`,
      customer: ref,
      number: `I-${ref}`,
      status: 'open',
      issueDate: '2026-10-01',
      dueDate: '2026-10-31',
      currency: 'EUR',
      total: '100.00',
      open: '40.00',
    };
    expect((await post(token, 'invoices', [inv])).status).toBe(200);
    const pay = {
      key: `pay-${ref}`,
      customer: ref,
      paymentDate: '2026-10-20',
      currency: 'EUR',
      amount: '60.00',
      reference: '=HYPERLINK("http://evil")',
      allocations: [{ invoice: inv.key, amount: '60.00' }],
      rev: 1,
    };
    const bad = await post(token, 'payments', [
      { ...pay, key: `x-${ref}`, allocations: [{ invoice: 'nope', amount: '1' }] },
    ]);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('unknown for this customer');
    const over = await post(token, 'payments', [{ ...pay, key: `y-${ref}`, amount: '10.00' }]);
    expect(JSON.stringify(over.body)).toContain('more than the payment');
    expect((await post(token, 'payments', [pay])).body.results[0]?.outcome).toBe('created');
    expect((await post(token, 'payments', [pay])).body.results[0]?.outcome).toBe('unchanged');
    const [alloc] =
      await t.owner`select a.amount_minor::text from payment_allocations a join payments p on p.id = a.payment_id
                                   where p.erp_key = ${pay.key}`;
    expect(alloc?.amount_minor).toBe('6000');

    step('the statement');
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: String(party?.id) });
    const c = client(t.srv.origin);
    await c.auth.login.mutate(u);
    await t.owner`update parties set credit_limit_minor = 100000, credit_currency = 'EUR' where id = ${party?.id}`;
    const s = await c.statements.get.query({ from: '2026-10-01', to: '2026-10-31' });
    // Available credit: the limit less what is open today (the invoice's open 40.00).
    expect(s.credit).toEqual({ currency: 'EUR', limitMinor: '100000', availableMinor: '96000' });
    expect(s.balances).toEqual([{ currency: 'EUR', openingMinor: '0', closingMinor: '4000', transactions: 2 }]);
    expect(s.lines.map((l) => [l.type, l.amountMinor, l.balanceMinor])).toEqual([
      ['invoice', '10000', '10000'],
      ['payment', '-6000', '4000'],
    ]);
    step('the CSV');
    // The CSV: opening, both lines, closing; the payment reference is formula-neutralised.
    const csv = await c.statements.download.mutate({ from: '2026-10-01', to: '2026-10-31', format: 'csv' });
    const rows = parse(Buffer.from(csv.base64, 'base64').toString('utf8')) as string[][];
    expect(rows.map((r) => r[2])).toEqual(['type', 'Opening balance', 'Invoice', 'Payment', 'Closing balance']);
    expect(rows[3]?.[3]).toBe(`'=HYPERLINK("http://evil")`);
    expect(rows[3]?.[6]).toBe('-60.00'); // a plain negative number stays a number (neutralise leaves decimals alone)
    expect(rows[4]?.[7]).toBe('40.00');
    const pdf = await c.statements.download.mutate({ from: '2026-10-01', to: '2026-10-31', format: 'pdf' });
    const text = await pdfText(pdf.base64);
    expect(text).toContain('Opening balance');
    expect(text).toContain(`I-${ref}`);
    expect(text).toContain('Closing balance on 2026-10-31');
    const [audits] = await t.owner`select count(*)::int as n from audit_events
                                    where action = 'statement.downloaded' and party_id = ${party?.id}`;
    expect(audits?.n).toBe(2);

    step("the ERP's own PDF");
    // The ERP sends its own PDF of the invoice: from then on that file is served instead of the rendered one.
    const [invRow] = await t.owner`select id from invoices where erp_key = ${inv.key}`;
    const rendered = await c.invoices.pdf.mutate({ id: String(invRow?.id) });
    expect(rendered.source).toBe('rendered');
    const erpFile = Buffer.from(pdf.base64, 'base64'); // any PDF: here the statement just downloaded
    const put = (body: Buffer, contentType = 'application/pdf', key = inv.key) =>
      fetch(`${t.srv.origin}/api/v1/documents/invoices/${encodeURIComponent(key)}/pdf`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'x-forwarded-for': '203.0.113.9' },
        body: new Uint8Array(body),
      });
    expect((await put(Buffer.from('not a pdf'))).status).toBe(415);
    expect((await put(erpFile, 'application/pdf', 'no-such-key')).status).toBe(404);
    expect((await put(erpFile)).status).toBe(200);
    const served = await c.invoices.pdf.mutate({ id: String(invRow?.id) });
    expect(served.source).toBe('erp');
    expect(Buffer.from(served.base64, 'base64').equals(erpFile)).toBe(true);
  });
});

describe('the statement', () => {
  it('lists only the caller’s own account: another party’s invoices never appear', async () => {
    const a = await customer();
    const b = await customer();
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, b.partyId, 20, 'EUR'));
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, a.partyId, 3, 'EUR'));
    const s = await a.c.statements.get.query({ from: '2021-01-01', to: '2030-12-31' });
    const mine = await t.owner`select id from invoices where party_id = ${a.partyId} and status <> 'cancelled'`;
    const theirs = await t.owner`select id from invoices where party_id = ${b.partyId}`;
    const ids = new Set(s.lines.map((l) => l.id));
    for (const r of theirs) expect(ids.has(String(r.id))).toBe(false);
    for (const r of mine) expect(ids.has(String(r.id))).toBe(true);
  });

  it('property: opening balance + transactions = closing balance, per currency, for random ledgers', async () => {
    const cu = await customer();
    const day = fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000));
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const entry = fc.record({
      type: fc.constantFrom('invoice', 'credit-note', 'payment', 'cancelled'),
      currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
      day,
      amount: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 25 }), day, day, async (ledger, d1, d2) => {
        run += 1;
        await t.owner`delete from payment_allocations where party_id = ${cu.partyId}`;
        await t.owner`delete from payments where party_id = ${cu.partyId}`;
        await t.owner`delete from invoice_lines where party_id = ${cu.partyId}`;
        await t.owner`delete from invoices where party_id = ${cu.partyId}`;
        for (const [i, e] of ledger.entries()) {
          if (e.type === 'payment')
            await t.owner`insert into payments (party_id, payment_date, currency, amount_minor, reference)
                          values (${cu.partyId}, ${iso(e.day)}, ${e.currency}, ${String(e.amount)}, ${`P${i}`})`;
          else
            await t.owner`insert into invoices (party_id, number, kind, status, issue_date, due_date, currency,
                            total_minor, open_minor)
                          values (${cu.partyId}, ${`N${run}-${i}`}, ${e.type === 'credit-note' ? 'credit-note' : 'invoice'},
                                  ${e.type === 'cancelled' ? 'cancelled' : 'open'}, ${iso(e.day)}, ${iso(e.day)},
                                  ${e.currency}, ${String(e.type === 'credit-note' ? -e.amount : e.amount)}, 0)`;
        }
        const [from, to] = d1 <= d2 ? [iso(d1), iso(d2)] : [iso(d2), iso(d1)];
        const s = await cu.c.statements.get.query({ from, to });
        // The model: signed entries of the account, cancelled invoices left out.
        const signed = ledger
          .filter((e) => e.type !== 'cancelled')
          .map((e) => ({ ...e, d: iso(e.day), v: e.type === 'invoice' ? e.amount : -e.amount }));
        for (const b of s.balances) {
          const lines = s.lines.filter((l) => l.currency === b.currency);
          const sum = lines.reduce((a, l) => a + BigInt(l.amountMinor), 0n);
          expect(BigInt(b.openingMinor) + sum).toBe(BigInt(b.closingMinor));
          expect(lines.at(-1)?.balanceMinor ?? b.openingMinor).toBe(b.closingMinor);
          let running = BigInt(b.openingMinor);
          for (const l of lines) {
            running += BigInt(l.amountMinor);
            expect(BigInt(l.balanceMinor)).toBe(running);
            expect(l.date >= from && l.date <= to).toBe(true);
          }
          const mine = signed.filter((e) => e.currency === b.currency);
          expect(BigInt(b.openingMinor)).toBe(mine.filter((e) => e.d < from).reduce((a, e) => a + e.v, 0n));
          expect(BigInt(b.closingMinor)).toBe(mine.filter((e) => e.d <= to).reduce((a, e) => a + e.v, 0n));
          expect(lines.length).toBe(mine.filter((e) => e.d >= from && e.d <= to).length);
        }
        const currencies = new Set(signed.filter((e) => e.d <= to).map((e) => e.currency));
        expect(s.balances.map((b) => b.currency).sort()).toEqual([...currencies].sort());
      }),
      { numRuns: 15 },
    );
  });
});
