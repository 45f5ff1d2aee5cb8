import { demoRepo, shipmentsRepo } from '@gatehouse/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * Shipments and the account statement in the built SPA, Debian's chromium against the real server: a
 * customer user follows a shipment to its order and back, and reads the statement's ageing and open items.
 * Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let other: Seeded;

const s = useBrowserSuite();

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  other = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await s.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 40, 'EUR');
    await demoRepo.generateOrders(tx, other.partyId, 10, 'USD');
  });
});

describe('shipments and statement in the browser', () => {
  it('a customer opens a shipment, follows it to its order and sees it listed there', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await navTo(page, 'nav-shipments');
    await page.waitForURL(/\/shipments$/);
    await page.waitForSelector('[data-testid="shipment-row"]');
    expect(await page.textContent('h1')).toBe('Shipments');
    expect(await page.locator('[data-testid="shipment-row"]').count()).toBeGreaterThan(5);
    await shot(page, 'shipments');

    // The status filter narrows the list; its word is visible on every row.
    await page.selectOption('#shipments-status', 'in-transit');
    await page.waitForURL(/status=in-transit/);
    await page.waitForSelector('[data-testid="shipment-row"]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="shipment-row"] [data-testid="shipment-status"]')].every(
        (e) => e.textContent === 'In transit',
      ),
    );

    // Search by delivery note.
    const first = page.locator('[data-testid="shipment-row"]').first();
    const number = (await first.locator('[data-testid="shipment-link"]').textContent()) ?? '';
    await page.selectOption('#shipments-status', '');
    await page.fill('#shipments-search', number);
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="shipment-row"]').length === 1);

    await page.click('[data-testid="shipment-link"]');
    await page.waitForSelector('[data-testid="shipment-title"]');
    expect(await page.textContent('[data-testid="shipment-title"]')).toBe(`Shipment ${number}`);
    expect(await page.textContent('[data-testid="shipment-tracking"]')).toMatch(
      /^TRK\d+ \(track with [^,]+, opens in a new tab\)$/,
    );
    expect(await page.locator('[data-testid="shipment-line"]').count()).toBeGreaterThan(0);
    await shot(page, 'shipment-detail');

    await page.click('[data-testid="shipment-order-link"]');
    await page.waitForSelector('[data-testid="order-title"]');
    const listed = page.locator('[data-testid="order-shipment"]');
    await listed.first().waitFor();
    expect(await listed.count()).toBe(1);
    expect(await listed.first().locator('th').textContent()).toBe(number);

    // On a phone: no horizontal scrolling on the list or the detail.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goBack();
    await page.waitForSelector('[data-testid="shipment-title"]');
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('an order not yet shipped says so', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await page.goto(`${s.srv.origin}/orders?status=open`);
    await page.waitForSelector('[data-testid="order-row"]');
    await page.locator('[data-testid="order-row"] a').first().click();
    await page.waitForSelector('[data-testid="order-no-shipments"]');
    expect(await page.textContent('[data-testid="order-no-shipments"]')).toBe('Nothing shipped yet.');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  it('the statement shows the EUR ageing and the open items', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await navTo(page, 'nav-statement');
    await page.waitForURL(/\/statement$/);
    await page.waitForSelector('[data-testid="statement-title"]');
    expect(await page.textContent('[data-testid="statement-title"]')).toMatch(
      /^Account statement \d+ \w+ \d{4} – \d+ \w+ \d{4}$/,
    );

    const eur = page.locator('[data-testid="ageing-EUR"]');
    expect(await eur.count()).toBe(1);
    expect(await eur.locator('[data-testid="ageing-table"] tbody tr').count()).toBe(5);
    expect(await eur.locator('[data-testid="ageing-total"]').textContent()).toMatch(/^[\d,]+\.\d{2} EUR$/);
    expect(await eur.locator('svg.ageing-bar').getAttribute('aria-label')).toContain('1–30 days overdue');

    const items = page.locator('[data-testid="statement-item"]');
    expect(await items.count()).toBeGreaterThan(0);
    // Overdue in words, not only colour.
    const overdue = page.locator('[data-testid="statement-item"][data-overdue="true"]');
    expect(await overdue.count()).toBeGreaterThan(0);
    expect(await overdue.first().locator('[data-testid="statement-overdue"]').textContent()).toMatch(
      /^\d+ days? overdue$/,
    );
    expect(await page.locator('[data-testid="statement-truncated"]').count()).toBe(0);
    expect(await page.locator('[data-testid="statement-print"]').textContent()).toBe('Print');
    await shot(page, 'statement');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="statement-print"]').isVisible()).toBe(false);
    await shot(page, 'statement-print');
    await page.emulateMedia({ media: 'screen' });

    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'statement-390');
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  it("another party's shipment id shows not found", async () => {
    const theirs = await s.srv.db.read({ kind: 'party', partyId: other.partyId }, (tx) =>
      shipmentsRepo.list(tx, { limit: 1 }),
    );
    const id = theirs.items[0]?.id;
    expect(id).toBeTruthy();
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await page.goto(`${s.srv.origin}/shipments/${id}`);
    await page.waitForSelector('[data-testid="shipment-not-found"]');
    expect(await page.textContent('h1')).toBe('Shipment not found');
    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 30_000);
});
