import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { seedErpDocuments } from './support/erp-documents.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * The ERP fields in the built SPA: an order with net, tax and gross totals and lines with units and an
 * exact unit price; a credit note found by the kind filter, shown by its legal number with its own lines
 * and negative amounts; a system admin switching a source's "suspend ERP-inactive parties" setting.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let sysAdmin: Seeded;
let docs: Awaited<ReturnType<typeof seedErpDocuments>>;
const s = useBrowserSuite();

const withOwner = async <T>(fn: (owner: postgres.Sql) => Promise<T>) => {
  const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(owner);
  } finally {
    await owner.end();
  }
};

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  docs = await withOwner((owner) => seedErpDocuments(owner, customer.partyId, 'BR1'));
});

const cells = (page: Awaited<ReturnType<typeof newPage>>, selector: string) =>
  page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));

describe('ERP fields in the browser', () => {
  it('an order shows net, tax and charges and the gross total, quantities with units and an exact unit price', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await page.goto(`${s.srv.origin}/orders/${docs.orderId}`);
    await page.waitForSelector('[data-testid="order-lines"]');
    expect(await cells(page, '[data-testid="order-line-quantity"]')).toEqual(['12 EA', '10,000 EA']);
    // 5.000000 is exact in cents, so the rounded price shows; 0.0065 is finer than a cent and shows as sent.
    expect(await cells(page, '[data-testid="order-line-unit-price"]')).toEqual(['5.00 EUR', '0.0065 EUR']);
    expect(await page.textContent('[data-testid="order-net"]')).toBe('125.00 EUR');
    expect(await page.textContent('[data-testid="order-tax"]')).toBe('23.75 EUR');
    expect(await page.textContent('[data-testid="order-lines-total"]')).toBe('148.75 EUR');
    expect(await page.textContent('[data-testid="order-total"]')).toBe('148.75 EUR');
    const footer = await cells(page, '[data-testid="order-lines"] tfoot th');
    expect(footer).toEqual(['Net', 'Tax and charges', 'Total']);
    await shot(page, 'erp-order-net-tax-total');
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  });

  it('a credit note: found by kind, listed by its legal number with a badge, its own lines with tax', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customer.email, customer.password);
    await navTo(page, 'nav-invoices');
    await page.waitForSelector('[data-testid="invoice-row"]');
    expect(await page.locator('[data-testid="invoice-row"]').count()).toBe(2);
    await page.selectOption('#invoices-kind', 'credit-note');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="invoice-row"]').length === 1);
    await page.waitForURL(/kind=credit-note/);
    const row = page.locator('[data-testid="invoice-row"]');
    expect(await row.locator('[data-testid="invoice-link"]').textContent()).toBe(docs.creditNoteLegalNumber);
    expect(await row.textContent()).toContain(docs.creditNoteNumber);
    expect(await row.locator('[data-testid="credit-note-badge"]').textContent()).toBe('Credit note');
    expect(await row.textContent()).toContain('-23.80 EUR');

    await row.locator('[data-testid="invoice-link"]').click();
    await page.waitForSelector('[data-testid="invoice-lines"]');
    expect(await page.textContent('[data-testid="invoice-title"]')).toBe(`Credit note ${docs.creditNoteLegalNumber}`);
    expect(await page.textContent('[data-testid="invoice-internal-number"]')).toBe(docs.creditNoteNumber);
    expect(await page.title()).toContain(`Credit note ${docs.creditNoteLegalNumber}`);
    expect(await cells(page, '[data-testid="invoice-lines"] thead th')).toEqual([
      'Line',
      'SKU',
      'Description',
      'Quantity',
      'Unit price',
      'Tax',
      'Amount',
    ]);
    const lines = await page.$$eval('[data-testid="invoice-line"]', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())),
    );
    expect(lines).toEqual([
      ['1', 'BOLT-M8', 'Hex bolt M8 (returned)', '-4 EA', '5.00 EUR', '-3.80 EUR', '-20.00 EUR'],
      // No article and no tax on the correction: a dash (and "None" for screen readers).
      ['2', '—None', 'Restocking correction', '1', '0.00 EUR', '—None', '0.00 EUR'],
    ]);
    expect(await page.textContent('[data-testid="invoice-total"]')).toBe('-23.80 EUR');
    expect(await page.textContent('[data-testid="invoice-open"]')).toBe('-23.80 EUR');
    // The total rows span every column before Amount (the Tax column included).
    expect(await page.getAttribute('[data-testid="invoice-lines"] tfoot th', 'colspan')).toBe('6');
    await shot(page, 'erp-credit-note');
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'erp-credit-note-390');
    expect(s.problems).toEqual([]);
  });

  it('a system admin turns off suspending ERP-inactive parties for one source, and back on; later it asks for the password', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(page, 'nav-integrations');
    await page.click('[data-testid="key-new"]');
    await page.fill('[data-testid="key-name"]', 'Kinetic test');
    await page.fill('[data-testid="key-networks"]', '192.0.2.0/24');
    await page.click('[data-testid="key-create-submit"]');
    await page.waitForSelector('[data-testid="key-secret"]');
    await page.click('[data-testid="key-secret-done"]');

    const toggle = page.locator('[data-source="Kinetic test"] [data-testid="source-suspend-inactive"]');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    expect(await page.textContent('[data-testid="sources"]')).toMatch(/marks a customer or supplier inactive/);
    await toggle.press('Space');
    await page.waitForFunction(() =>
      /now keep their access/.test(document.querySelector('[data-testid="keys-status"]')?.textContent ?? ''),
    );
    expect(await toggle.isChecked()).toBe(false);
    const stored = () =>
      withOwner((owner) => owner`select suspend_inactive from integrations where name = 'Kinetic test'`);
    expect((await stored())[0]?.suspend_inactive).toBe(false);
    await shot(page, 'erp-source-setting');

    await page.reload();
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await page.waitForFunction(() =>
      /are now suspended/.test(document.querySelector('[data-testid="keys-status"]')?.textContent ?? ''),
    );
    expect(await toggle.isChecked()).toBe(true);
    expect((await stored())[0]?.suspend_inactive).toBe(true);
    const audited = await withOwner(
      (owner) =>
        owner`select count(*)::int as n from audit_events where action = 'integration.source_settings_changed'`,
    );
    expect(audited[0]?.n).toBe(2);

    // Eleven minutes on, the change asks for the password: cancelled, nothing changes; confirmed, it saves.
    s.srv.clock.advance(11 * 60_000);
    await toggle.click();
    await page.waitForSelector('[data-testid="reauth-dialog"][open]');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() =>
      /needs your password/.test(document.querySelector('[data-testid="keys-status"]')?.textContent ?? ''),
    );
    expect(await toggle.isChecked()).toBe(true);
    expect((await stored())[0]?.suspend_inactive).toBe(true);
    await toggle.click();
    await page.waitForSelector('[data-testid="reauth-dialog"][open]');
    await page.fill('#reauth-password', sysAdmin.password);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /now keep their access/.test(document.querySelector('[data-testid="keys-status"]')?.textContent ?? ''),
    );
    expect(await toggle.isChecked()).toBe(false);
    expect((await stored())[0]?.suspend_inactive).toBe(false);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  });
});
