import { readFile } from 'node:fs/promises';
import { demoRepo } from '@gatehouse/db';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * A customer's accounts clerk exports the overdue invoices to CSV and XLSX: both files, parsed, hold
 * exactly what the screen shows (numbers, days overdue, open amounts) and the totals per currency add up;
 * nothing of another customer. Then the lists people search: invoices by number, the order's invoices
 * linked from the order, a shipment's tracking page for a known carrier.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let me: Seeded;
let other: Seeded;
let owner: postgres.Sql;
const EVIL = "=cmd|' /C calc'!A0";

const s = useBrowserSuite();
const day = (offset: number) => new Date(s.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  me = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  other = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await s.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, me.partyId, 30, 'EUR'));
  // Overdue ones in two currencies, one with a formula in its legal number, one not yet due, one of another party.
  const rows: [string, string | null, number, number, string, number][] = [
    ['OD-1', null, -60, -30, 'EUR', 123456],
    ['OD-2', EVIL, -45, -15, 'EUR', 5000],
    ['OD-3', null, -20, -2, 'USD', 99999],
    ['NOTDUE-1', null, -5, 25, 'EUR', 777],
  ];
  for (const [number, legal, issued, due, currency, amount] of rows)
    await owner`insert into invoices (party_id, number, legal_number, status, issue_date, due_date, currency, total_minor, open_minor)
      values (${me.partyId}, ${number}, ${legal}, 'open', ${day(issued)}, ${day(due)}, ${currency}, ${amount}, ${amount})`;
  await owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
    values (${other.partyId}, 'THEIRS-1', 'open', ${day(-50)}, ${day(-20)}, 'EUR', 4242, 4242)`;
});
afterAll(async () => {
  await owner?.end();
});

/** The overdue invoices as the screen shows them, every page loaded. */
async function screenRows(page: Page) {
  while (await page.locator('.list-footer button', { hasText: 'Load more' }).isVisible()) {
    await page.locator('.list-footer button', { hasText: 'Load more' }).click();
    await page.waitForSelector('.list-footer button[aria-busy="false"], .list-footer:not(:has(button))');
  }
  return page.locator('[data-testid="invoice-row"]').evaluateAll((trs) =>
    trs.map((tr) => ({
      number: tr.querySelector('[data-testid="invoice-link"]')?.textContent?.trim() ?? '',
      days: tr.querySelector('[data-testid="days-overdue"]')?.textContent?.trim() ?? '',
      open: tr.querySelector('[data-testid="invoice-open-cell"]')?.textContent?.trim() ?? '',
    })),
  );
}

/** "€1,234.56" / "US$999.99" as the decimal a file holds ("1234.56"). */
const decimalOf = (shown: string) => shown.replace(/[^\d.-]/g, '');

async function download(page: Page, button: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${button}"]`)]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: await readFile(path) };
}

describe('exporting the overdue invoices', () => {
  it('CSV and XLSX hold exactly the rows on the screen, formula-safe, and the totals add up', async () => {
    const page = await newPage(s, { acceptDownloads: true });
    await signIn(page, s.srv.origin, me.email, me.password);
    await page.goto(`${s.srv.origin}/invoices`);
    await page.check('[data-testid="invoices-overdue-only"]');
    await page.waitForURL(/overdue=1/);
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="invoice-row"][data-overdue="true"]').length > 0 &&
        !document.querySelector('[data-testid="invoices-table"][aria-busy="true"]'),
    );
    const screen = await screenRows(page);
    expect(screen.length).toBeGreaterThanOrEqual(3);
    expect(screen.map((r) => r.number)).toContain(EVIL);
    expect(screen.map((r) => r.number)).not.toContain('THEIRS-1');
    expect(screen.map((r) => r.number)).not.toContain('NOTDUE-1');

    const csvFile = await download(page, 'export-csv');
    expect(csvFile.name).toMatch(/^gatehouse-invoices-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parse(csvFile.bytes, { columns: true, bom: true }) as Record<string, string>[];
    await expect
      .poll(() => page.locator('[data-testid="export-status"]').textContent())
      .toBe(`Exported ${screen.length} rows (CSV).`);
    // The formula cell arrives neutralised; apart from that, the file is the screen.
    expect(csv.map((r) => (r.Invoice === `'${EVIL}` ? EVIL : r.Invoice))).toEqual(screen.map((r) => r.number));
    expect(csv.map((r) => r['Days overdue'])).toEqual(screen.map((r) => r.days));
    expect(csv.map((r) => r.Open)).toEqual(screen.map((r) => decimalOf(r.open)));

    const xlsxFile = await download(page, 'export-xlsx');
    expect(xlsxFile.name).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(xlsxFile.bytes).buffer);
    const sheet = wb.worksheets[0];
    const values: unknown[][] = [];
    sheet?.eachRow((row) => {
      values.push((row.values as unknown[]).slice(1));
    });
    const [header, ...body] = values;
    const col = (name: string) => (header as string[]).indexOf(name);
    expect(body.map((r) => (r[col('Invoice')] === `'${EVIL}` ? EVIL : r[col('Invoice')]))).toEqual(
      screen.map((r) => r.number),
    );
    expect(body.map((r) => r[col('Days overdue')])).toEqual(screen.map((r) => Number(r.days)));
    expect(body.map((r) => r[col('Open')])).toEqual(screen.map((r) => Number(decimalOf(r.open))));

    // The totals per currency the screen shows are the sums of the file's rows.
    const totals = await page.locator('[data-testid="currency-total"]').evaluateAll((lis) =>
      lis.map((li) => ({
        currency: li.getAttribute('data-currency') ?? '',
        open: li.querySelector('[data-testid="currency-total-open"]')?.textContent?.trim() ?? '',
      })),
    );
    for (const t of totals) {
      const sum = csv
        .filter((r) => r.Currency === t.currency)
        .reduce((acc, r) => acc + Math.round(Number(r.Open) * 100), 0);
      expect(Math.round(Number(decimalOf(t.open)) * 100), t.currency).toBe(sum);
    }
    expect(totals.map((t) => t.currency).sort()).toEqual(['EUR', 'USD']);
    await shot(page, 'exports-overdue-invoices');

    await page.setViewportSize({ width: 390, height: 800 });
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});

describe('lists people can search', () => {
  it('invoices by number; an order links to its invoices; a shipment to its carrier’s tracking page', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, me.email, me.password);
    await page.goto(`${s.srv.origin}/invoices`);
    await page.fill('#invoices-search', 'OD-3');
    await page.waitForURL(/q=OD-3/);
    await expect.poll(() => page.locator('[data-testid="invoice-link"]').allTextContents()).toEqual(['OD-3']);
    await expect.poll(() => page.locator('[data-testid="currency-total"]').count()).toBe(1);
    expect(await page.locator('[data-testid="days-overdue"]').first().textContent()).toBe('2');

    // An order that was invoiced: its page lists the invoice, and the link opens it.
    const [invoiced] = await owner<{ order_id: string; number: string }[]>`
      select order_id, number from invoices where party_id = ${me.partyId} and order_id is not null limit 1`;
    if (!invoiced) throw new Error('no invoiced order generated');
    await page.goto(`${s.srv.origin}/orders/${invoiced.order_id}`);
    await page.click(`[data-testid="order-invoice-link"]:has-text("${invoiced.number}")`);
    await page.waitForURL(/\/invoices\/[0-9a-f-]{36}$/);

    // A shipment by a known carrier links to its tracking page, opening in a new tab.
    const [shipment] = await owner<{ id: string; carrier: string; tracking_ref: string }[]>`
      select id, carrier, tracking_ref from shipments where party_id = ${me.partyId} and carrier = 'UPS' limit 1`;
    if (!shipment) throw new Error('no UPS shipment generated');
    await page.goto(`${s.srv.origin}/shipments/${shipment.id}`);
    const link = page.locator('[data-testid="tracking-link"]');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`https://www.ups.com/track?tracknum=${shipment.tracking_ref}`);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toMatch(/noopener/);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});
