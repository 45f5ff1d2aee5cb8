import { demoRepo } from '@gatehouse/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * Small defects a first week would hit, in the browser. Console errors of every kind fail these tests:
 * no status is allowed (the public pages in particular must not log a 401 from a who-am-I call).
 */
const s = useBrowserSuite({}, { allowedConsole: /(?!)/ });
let customer: Awaited<ReturnType<typeof createPartyWithUser>>;

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await s.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, customer.partyId, 3, 'EUR'));
});

describe('public pages, signed out', () => {
  it('log no console error at all: no 401 from asking who is signed in', async () => {
    const page = await newPage(s);
    for (const path of ['/', '/sign-in', '/forgot-password', '/reset-password', '/accept-invitation', '/setup']) {
      await page.goto(`${s.srv.origin}${path}`);
      await page.waitForLoadState('networkidle');
      await page.waitForSelector('h1');
    }
    expect(page.url()).toMatch(/\/setup$/);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});

describe('a password reset link', () => {
  const linkFor = async (email: string) => {
    await client(s.srv.origin).auth.requestPasswordReset.mutate({ email });
    const owner = (await import('postgres')).default(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      const [mail] =
        await owner`select body_text from mail_outbox where to_address = ${email} and kind = 'password-reset'`;
      return /reset-password#token=([a-z2-7]+\.[a-z2-7]+)/.exec(String(mail?.body_text))?.[1] as string;
    } finally {
      await owner.end();
    }
  };

  it('used once already says so as soon as it opens, with a way to a new one', async () => {
    const u = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const token = await linkFor(u.email);
    const page = await newPage(s);
    // Live: the form.
    await page.goto(`${s.srv.origin}/reset-password#token=${token}`);
    await page.waitForSelector('[data-testid="reset-form"]');
    // Spent (here through the API, as on another device), then opened again: no form, the reason at once.
    await client(s.srv.origin).auth.resetPassword.mutate({ token, newPassword: 'a completely new passphrase' });
    await page.goto(`${s.srv.origin}/sign-in`);
    await page.goto(`${s.srv.origin}/reset-password#token=${token}`);
    const problem = page.locator('[data-testid="reset-link-problem"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('This link has been used or has expired.');
    expect(await page.locator('[data-testid="reset-form"]').count()).toBe(0);
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    await shot(page, 'reset-link-used', { fullPage: false });
    await page.click('text=Ask for a new link');
    await page.waitForURL(/\/forgot-password$/);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});

describe('dates follow the browser locale', () => {
  for (const locale of ['en-US', 'de-DE']) {
    it(`${locale}: the orders list writes dates as the locale (and its date inputs) do`, async () => {
      // A user's first sign-in takes the browser's language as theirs (docs/i18n.md): a user of the same
      // account signing in for the first time from this browser.
      const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user'], { partyId: customer.partyId });
      const page = await newPage(s, { locale });
      await signIn(page, s.srv.origin, user.email, user.password);
      await page.goto(`${s.srv.origin}/orders`);
      const first = page.locator('[data-testid="order-row"] time').first();
      await first.waitFor();
      const iso = (await first.getAttribute('datetime')) as string;
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      const expected = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(Date.UTC(y, m - 1, d)),
      );
      expect(await first.textContent()).toBe(expected);
      // The same convention the browser's own date inputs follow: its locale, not a fixed British one.
      expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().locale)).toBe(locale);
      const british = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(Date.UTC(y, m - 1, d)),
      );
      expect(await first.textContent()).not.toBe(british);
      // Day before month in German, month before day in American English, as in their date inputs.
      const text = (await first.textContent()) ?? '';
      if (locale === 'de-DE') expect(text).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
      else expect(text).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
      await shot(page, `orders-dates-${locale}`, { fullPage: false });
      expect(s.problems).toEqual([]);
      await page.context().close();
    });
  }
});

describe('the credit-limit request form', () => {
  it("shows the customer's current limit and open exposure, from the server", async () => {
    const op = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
    const cust = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const name = `Exposure Test ${Date.now()}`;
    const owner = (await import('postgres')).default(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner`update parties set name = ${name}, credit_limit_minor = 5000000, credit_currency = 'EUR'
                  where id = ${cust.partyId}`;
      await owner`insert into orders (party_id, number, status, order_date, currency, total_minor) values
                    (${cust.partyId}, 'SO-X1', 'confirmed', '2026-01-10', 'EUR', 120050)`;
      await owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
                  values (${cust.partyId}, 'INV-X1', 'open', '2026-01-03', '2026-02-03', 'EUR', 70000, 20000)`;
    } finally {
      await owner.end();
    }
    for (const width of [1280, 390]) {
      const page = await newPage(s, { width });
      await signIn(page, s.srv.origin, op.email, op.password);
      await page.goto(`${s.srv.origin}/approvals`);
      await page.click('[data-testid="approval-new"]');
      await page.waitForSelector('[data-testid="new-approval-dialog"][open]');
      await page.fill('#new-approval-search', name);
      await page.click(`[data-testid="new-approval-customer-option"]:has-text("${name}")`);
      const limit = page.locator('[data-testid="credit-exposure-limit"]');
      await limit.waitFor();
      expect(await limit.textContent()).toContain('50,000.00');
      expect(await limit.textContent()).toContain('EUR');
      expect(await page.textContent('[data-testid="credit-exposure-invoices"]')).toContain('200.00');
      expect(await page.textContent('[data-testid="credit-exposure-orders"]')).toContain('1,200.50');
      expect(await overflows(page)).toBe(false);
      await shot(page, `credit-exposure-${width}`, { fullPage: false });
      await page.context().close();
    }
    expect(s.problems).toEqual([]);
  });
});
