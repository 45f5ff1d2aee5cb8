import { demoRepo } from '@gatehouse/db';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser, SYSTEM } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * A customer user in the built SPA (Debian's chromium against the real server): orders narrowed to a date
 * range and sorted, one order, then its invoice among the overdue ones, as a printable invoice.
 * Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let target: { invoiceId: string; invoiceNumber: string; orderNumber: string; orderDate: string; lines: number };
let partyName: string;

const s = useBrowserSuite();

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  const other = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await s.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 60, 'EUR');
    await demoRepo.generateOrders(tx, other.partyId, 10, 'USD');
  });
  // One invoice made overdue for certain: open, nothing paid, due ten days ago.
  const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await owner`
      update invoices i set status = 'open', open_minor = i.total_minor, due_date = current_date - 10
      where i.id = (select id from invoices where party_id = ${customer.partyId} and order_id is not null
                    order by issue_date desc limit 1)
      returning i.id::text, i.number,
        (select o.number from orders o where o.id = i.order_id) as order_number,
        (select o.order_date::text from orders o where o.id = i.order_id) as order_date,
        (select count(*)::int from order_lines l where l.order_id = i.order_id) as lines`;
    if (!row) throw new Error('no invoice with an order generated');
    target = {
      invoiceId: row.id,
      invoiceNumber: row.number,
      orderNumber: row.order_number,
      orderDate: row.order_date,
      lines: row.lines,
    };
    const [party] = await owner`select name from parties where id = ${customer.partyId}`;
    partyName = party?.name;
  } finally {
    await owner.end();
  }
});

/** The order rows' dates and totals (minor units, from the formatted text: no floats) as shown. */
const shownOrders = (page: Page) =>
  page.$$eval('[data-testid="order-row"]', (rows) =>
    rows.map((r) => ({
      date: r.querySelector('time')?.getAttribute('datetime') ?? '',
      total: (r.querySelector('td.num')?.textContent ?? '').replace(/[^\d-]/g, ''),
    })),
  );

/** Waits for the list to settle after a filter change (no request in flight). */
const settled = (page: Page) =>
  page.waitForFunction(
    () => document.querySelector('[data-testid="orders-table"]')?.getAttribute('aria-busy') !== 'true',
  );

describe('customer portal in the browser', () => {
  it('orders by date range and sort, an order, then its overdue invoice as a printable page', async () => {
    const step = steps();
    step('sign in, orders');
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await navTo(page, 'nav-orders');
    await page.waitForURL(/\/orders$/);
    await page.waitForSelector('[data-testid="order-row"]');
    expect(await page.textContent('h1')).toBe('Orders');
    expect(await page.locator('#orders-sort').inputValue()).toBe('newest');

    step('a date range');
    // A date range: every row inside it, both ends inclusive; the range lives in the URL.
    const today = new Date(s.srv.clock.now());
    const iso = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const from = iso(-400);
    const to = target.orderDate;
    await page.fill('#orders-from', from);
    await page.waitForURL(new RegExp(`from=${from}`));
    await page.fill('#orders-to', to);
    await page.waitForURL(new RegExp(`to=${to}`));
    await settled(page);
    let rows = await shownOrders(page);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => r.date >= from && r.date <= to)).toBe(true);
    expect(rows.map((r) => r.date)).toEqual([...rows.map((r) => r.date)].sort().reverse());
    expect(rows.map((r) => r.date)).toContain(to);

    step('sorted by total');
    // Sorted by total, highest first: amounts compared as bigint minor units.
    await page.selectOption('#orders-sort', 'total-desc');
    await page.waitForURL(/sort=total-desc/);
    await settled(page);
    rows = await shownOrders(page);
    const totals = rows.map((r) => BigInt(r.total));
    expect(totals).toEqual([...totals].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(rows.every((r) => r.date >= from && r.date <= to)).toBe(true);
    await shot(page, 'customer-orders-range-sorted');

    step('keyboard: search to date field');
    // Keyboard: Tab from the search field reaches the date field, and focus is visible on it.
    await page.focus('#orders-search');
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const style = el ? getComputedStyle(el) : null;
      return {
        id: el?.id,
        visible: el?.matches(':focus-visible'),
        outline: style?.outlineStyle,
        width: style?.outlineWidth,
      };
    });
    expect(focus).toMatchObject({ id: 'orders-from', visible: true, outline: 'solid' });
    expect(focus.width).not.toBe('0px');
    await shot(page, 'customer-orders-focus', { fullPage: false });

    step('an end before the start');
    // An end before the start: the form says so in words, and nothing is listed.
    await page.fill('#orders-from', iso(1));
    await page.waitForSelector('[data-testid="orders-range-error"]');
    expect(await page.textContent('[data-testid="orders-range-error"]')).toBe(
      'The end date must be on or after the start date.',
    );
    expect(await page.getAttribute('#orders-to', 'aria-invalid')).toBe('true');
    await page.waitForSelector('[data-testid="list-empty"]');

    step('one day: open the order');
    // One day: the target order; open it.
    await page.fill('#orders-from', to);
    await page.waitForURL(new RegExp(`from=${to}`));
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('[data-testid="order-row"] th a')].some((a) => a.textContent === n),
      target.orderNumber,
    );
    expect(await page.locator('[data-testid="orders-range-error"]').count()).toBe(0);
    await page.click(`[data-testid="order-row"] th a:text-is("${target.orderNumber}")`);
    await page.waitForSelector('[data-testid="order-title"]');
    expect(await page.textContent('[data-testid="order-title"]')).toBe(`Order ${target.orderNumber}`);
    expect(await page.locator('[data-testid="order-line"]').count()).toBe(target.lines);
    const orderTotal = await page.textContent('[data-testid="order-total"]');
    await shot(page, 'customer-order-detail');

    step('back keeps the filters');
    // Back keeps the filters (they live in the URL).
    await page.goBack();
    await page.waitForSelector('[data-testid="order-row"]');
    expect(await page.locator('#orders-sort').inputValue()).toBe('total-desc');
    expect(await page.locator('#orders-from').inputValue()).toBe(to);

    step('invoices: overdue only');
    // Invoices: overdue ones say so in words and are marked; "Overdue only" narrows to them.
    await navTo(page, 'nav-invoices');
    await page.waitForURL(/\/invoices$/);
    await page.waitForSelector('[data-testid="invoice-row"]');
    await page.check('[data-testid="invoices-overdue-only"]');
    await page.waitForURL(/overdue=1/);
    // Wait for the filtered page itself: the unfiltered one also lists the target invoice.
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-testid="invoice-row"]')];
      return (
        rows.length > 0 &&
        rows.every((r) => r.classList.contains('overdue')) &&
        [...document.querySelectorAll('[data-testid="invoice-link"]')].some((a) => a.textContent === n)
      );
    }, target.invoiceNumber);
    const overdueRows = page.locator('[data-testid="invoice-row"]');
    const count = await overdueRows.count();
    expect(count).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="invoice-row"].overdue [data-testid="overdue-badge"]').count()).toBe(count);
    expect(await overdueRows.first().locator('[data-testid="overdue-badge"]').textContent()).toBe('Overdue');
    await shot(page, 'customer-invoices-overdue');

    await page.click(`[data-testid="invoice-link"]:text-is("${target.invoiceNumber}")`);
    await page.waitForURL(new RegExp(`/invoices/${target.invoiceId}$`));
    await page.waitForSelector('[data-testid="invoice-title"]');
    expect(await page.title()).toBe(`Invoice ${target.invoiceNumber} · Gatehouse`);
    expect(await page.textContent('[data-testid="invoice-title"]')).toBe(`Invoice ${target.invoiceNumber}`);
    expect(await page.textContent('[data-testid="invoice-bill-to"]')).toBe(partyName);
    expect(await page.textContent('[data-testid="invoice-order-link"]')).toBe(target.orderNumber);
    expect(await page.locator('[data-testid="invoice-line"]').count()).toBe(target.lines);
    expect(await page.textContent('[data-testid="invoice-total"]')).toBe(orderTotal);
    expect(await page.textContent('[data-testid="invoice-open"]')).toBe(orderTotal);
    expect(await page.textContent('[data-testid="invoice-overdue-notice"]')).toMatch(
      /^Overdue: [\d,]+\.\d{2} EUR was due on \d+ \w+ \d{4}\.$/,
    );
    expect(await page.textContent('[data-testid="invoice-print"]')).toBe('Print');
    await shot(page, 'customer-invoice');

    step('printed invoice');
    // Printed: no navigation, no buttons; the invoice itself stays.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.back').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="invoice-print"]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="invoice-lines"]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="invoice-overdue-notice"]').isVisible()).toBe(true);
    await shot(page, 'customer-invoice-print');
    await page.emulateMedia({ media: 'screen' });

    step('on a phone');
    // On a phone: no horizontal scrolling on the invoice, the invoices and the filtered orders.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'customer-invoice-390');
    await page.goBack();
    await page.waitForSelector('[data-testid="invoice-row"]');
    expect(await overflows(page)).toBe(false);
    await shot(page, 'customer-invoices-390');
    await page.goto(`${s.srv.origin}/orders?from=${from}&to=${to}&sort=total-asc`);
    await page.waitForSelector('[data-testid="order-row"]');
    expect(await page.locator('#orders-sort').inputValue()).toBe('total-asc');
    expect(await overflows(page)).toBe(false);
    await shot(page, 'customer-orders-390', { fullPage: false });

    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("another party's invoice id shows not found", async () => {
    const page = await newPage(s);
    const intruder = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    await signIn(page, s.srv.origin, intruder.email, intruder.password);
    await page.goto(`${s.srv.origin}/invoices/${target.invoiceId}`);
    await page.waitForSelector('[data-testid="invoice-not-found"]');
    expect(await page.textContent('h1')).toBe('Invoice not found');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 30_000);
});
