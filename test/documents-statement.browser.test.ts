import { readFile } from 'node:fs/promises';
import { formatMinor } from '@gatehouse/contract';
import { parse } from 'csv-parse/sync';
import postgres from 'postgres';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * Issue 18 in the built SPA: a system admin enters the seller's details in the system settings; a customer
 * downloads an invoice PDF, whose text (extracted with unpdf, pdf.js) carries the seller, both tax ids, the
 * lines, the tax and the total exactly as the database has them; the statement for a chosen period shows
 * the opening balance, the lines with running balance, the closing balance, links to the invoice, and
 * downloads as CSV; no overflow at 390 px.
 */
const s = useBrowserSuite();
let owner: postgres.Sql;
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let admin: Seeded;
let invoiceId: string;

beforeAll(async () => {
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  admin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await owner`update parties set tax_id = 'ATU99887766', erp_ref = 'CUST-PDF' where id = ${customer.partyId}`;
  const [inv] =
    await owner`insert into invoices (party_id, number, legal_number, status, issue_date, due_date, currency,
                               total_minor, open_minor)
                             values (${customer.partyId}, 'INV-PDF-1', 'AT-2026-000123', 'open', '2026-11-02',
                                     '2026-12-02', 'EUR', 0, 0) returning id`;
  invoiceId = String(inv?.id);
  const lines = [
    { sku: 'VAL-10', description: 'Ball valve DN50', qty: '4', unit: '123.4567', amount: 49_383, tax: 9_383 },
    { sku: 'PIP-20', description: 'Steel pipe 2 m', qty: '10', unit: '15.00', amount: 15_000, tax: 2_850 },
    { sku: 'FRT', description: 'Freight', qty: '1', unit: '50.00', amount: 5_000, tax: 500 },
  ];
  for (const [i, l] of lines.entries())
    await owner`insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, uom,
                  unit_price_minor, unit_price, amount_minor, tax_minor)
                values (${customer.partyId}, ${invoiceId}, ${i + 1}, ${l.sku}, ${l.description}, ${l.qty}, 'EA',
                        ${Math.round(Number(l.unit) * 100)}, ${l.unit}, ${l.amount}, ${l.tax})`;
  await owner`update invoices set total_minor = 82116, open_minor = 32116 where id = ${invoiceId}`;
  // Before the period: an invoice paid in full, so the opening balance is 0; in it: this one and a payment.
  const [old] =
    await owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
                            values (${customer.partyId}, 'INV-OLD', 'paid', '2026-09-01', '2026-10-01', 'EUR', 10000, 0)
                            returning id`;
  await owner`insert into payments (party_id, payment_date, currency, amount_minor, reference)
              values (${customer.partyId}, '2026-09-20', 'EUR', 10000, 'TRF-OLD'),
                     (${customer.partyId}, '2026-11-20', 'EUR', 50000, '=cmd|calc')`;
  expect(old?.id).toBeDefined();
});
afterAll(async () => {
  await owner?.end();
});

describe('printed invoices and the statement', () => {
  it('a system admin sets the seller details; a customer downloads the invoice PDF with them', async () => {
    const a = await newPage(s);
    await signIn(a, s.srv.origin, admin.email, admin.password);
    await a.goto(`${s.srv.origin}/policies`);
    await a.waitForSelector('[data-testid="seller-name"]');
    await a.fill('[data-testid="seller-name"]', 'Northwind Valves GmbH');
    await a.fill('[data-testid="seller-address"]', 'Industriestraße 7\n4020 Linz\nAustria');
    await a.fill('[data-testid="seller-tax-id"]', 'ATU12345678');
    await a.fill('[data-testid="seller-bank"]', 'Raiffeisen Linz\nIBAN AT61 1904 3002 3457 3201');
    await a.fill('[data-testid="seller-terms"]', '30 days net');
    await a.click('[data-testid="seller-save"]');
    await a.waitForSelector('text=Saved. New documents print these details.');
    await shot(a, 'seller-details');
    await a.close();

    const page = await newPage(s, { acceptDownloads: true });
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await page.goto(`${s.srv.origin}/invoices/${invoiceId}`);
    await page.waitForSelector('[data-testid="invoice-pdf"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="invoice-pdf"]')]);
    expect(download.suggestedFilename()).toBe('invoice-AT-2026-000123.pdf');
    const bytes = await readFile(await download.path());
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const text = (await extractText(pdf, { mergePages: true })).text.replace(/\s+/g, ' ');

    // Checked against the database, not against constants of this test.
    const [seller] = await owner`select legal_name, tax_id from seller_profile`;
    const [inv] = await owner`select i.legal_number, i.total_minor::text as total, i.open_minor::text as open,
                                p.name, p.tax_id, (select sum(tax_minor)::text from invoice_lines l where l.invoice_id = i.id) as tax
                              from invoices i join parties p on p.id = i.party_id where i.id = ${invoiceId}`;
    expect(text).toContain(String(seller?.legal_name));
    expect(text).toContain(`Tax ID: ${seller?.tax_id}`);
    expect(text).toContain(String(inv?.name));
    expect(text).toContain(`Tax ID: ${inv?.tax_id}`);
    expect(text).toContain(String(inv?.legal_number));
    const lines = await owner`select sku, description, amount_minor::text as amount, tax_minor::text as tax,
                                     unit_price::text as unit from invoice_lines where invoice_id = ${invoiceId}`;
    for (const l of lines) {
      expect(text).toContain(String(l.description));
      expect(text).toContain(formatMinor(String(l.amount), 'EUR'));
      expect(text).toContain(formatMinor(String(l.tax), 'EUR'));
    }
    expect(text).toContain('123.4567 EUR'); // the exact unit price
    expect(text).toContain(`Total tax ${formatMinor(String(inv?.tax), 'EUR')}`);
    expect(text).toContain(`Total ${formatMinor(String(inv?.total), 'EUR')}`);
    expect(text).toContain(`Open balance ${formatMinor(String(inv?.open), 'EUR')}`);
    expect(text).toContain('Due date');
    expect(text).toContain('30 days net');
    expect(text).toContain('IBAN AT61');
    const [audit] = await owner`select count(*)::int as n from audit_events
                                 where action = 'business_document.downloaded' and entity_id = ${invoiceId}`;
    expect(audit?.n).toBe(1);
    await page.close();
    expect(s.problems).toEqual([]);
  }, 90_000);

  it('the statement for a period: opening, lines with running balance, closing, invoice links, CSV, 390 px', async () => {
    const page = await newPage(s, { acceptDownloads: true });
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await page.goto(`${s.srv.origin}/statement`);
    await page.waitForSelector('[data-testid="statement-from"]');
    await page.fill('[data-testid="statement-from"]', '2026-10-01');
    await page.fill('[data-testid="statement-to"]', '2026-11-30');
    await page.click('[data-testid="statement-period"] button[type="submit"]');
    await page.waitForSelector('[data-testid="ledger-EUR"]');
    await expect.poll(() => page.textContent('[data-testid="ledger-opening-amount"]')).toBe('0.00 EUR');
    const balances = await page.$$eval('[data-testid="ledger-balance"]', (els) => els.map((e) => e.textContent));
    expect(balances).toEqual(['821.16 EUR', '321.16 EUR']);
    expect(await page.textContent('[data-testid="ledger-closing"]')).toBe('321.16 EUR');
    await shot(page, 'statement-period');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="statement-csv"]')]);
    expect(download.suggestedFilename()).toBe('statement-2026-10-01-2026-11-30.csv');
    const rows = parse(await readFile(await download.path(), 'utf8')) as string[][];
    expect(rows.map((r) => r[2])).toEqual(['type', 'Opening balance', 'Invoice', 'Payment', 'Closing balance']);
    expect(rows[3]?.[3]).toBe("'=cmd|calc");
    expect(rows[4]?.[7]).toBe('321.16');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'statement-390');
    await page.click('[data-testid="ledger-invoice-link"]');
    await page.waitForURL(new RegExp(`/invoices/${invoiceId}$`));
    await page.waitForSelector('[data-testid="invoice-pdf"]');
    await page.close();
    expect(s.problems).toEqual([]);
  });
});
