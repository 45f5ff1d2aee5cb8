import { demoRepo } from '@gatehouse/db';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../web/src/i18n/en.ts';
import enForms from '../web/src/i18n/en-forms.ts';
import { newPage, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { germanWalk } from './support/german-walk.ts';
import { client, createPartyWithUser, SYSTEM } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';

/**
 * The German UI walk (issue 19, docs/i18n.md): a customer and a supplier whose browsers speak German sign in
 * for the first time, get German and their browser's time zone stored as their preference, and walk their
 * journey's screens. No screen shows a catalogue key or one of the English words the catalogue replaced,
 * calendar dates read 05.12.2026 and amounts 1.234,56 €.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let customer: Seeded;
let supplier: Seeded;
let ids: {
  orderId: string;
  invoiceId: string;
  shipmentId: string | null;
  shipNoticeId: string;
  supplierInvoiceId: string;
  poId: string;
};
let owner: postgres.Sql;

const s = useBrowserSuite();

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  await s.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 30, 'EUR');
    await demoRepo.generatePurchaseOrders(tx, supplier.partyId, 5, 'EUR', 'manufacturing');
  });
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  // An order over a thousand euros, so grouping shows; its invoice overdue (the overdue notice is German too).
  const [row] = await owner`
    update invoices i set status = 'open', open_minor = i.total_minor, due_date = current_date - 3
    where i.id = (select id from invoices where party_id = ${customer.partyId} and order_id is not null
                  order by total_minor desc limit 1)
    returning i.id::text as invoice_id, i.order_id::text as order_id`;
  const [shipment] = await owner`select id::text from shipments where party_id = ${customer.partyId} limit 1`;
  if (!row) throw new Error('no invoice generated');
  // The supplier ships part of a PO (1.200 of 2.000 pieces) and invoices it.
  const today = new Date().toISOString().slice(0, 10);
  const poId = await makePurchaseOrder(s.srv.db, supplier.partyId, {
    number: 'PO-DE-1',
    requestedDate: today,
    lines: [{ quantity: '2000', unitPrice: '2.50' }],
  });
  const api = client(s.srv.origin);
  await api.auth.login.mutate({ email: supplier.email, password: supplier.password });
  const notice = await api.shipNotices.create.mutate({
    carrier: 'DHL',
    trackingRef: 'JD0001',
    shipDate: today,
    packages: 3,
    lines: [{ purchaseOrderId: poId, lineNo: 1, quantity: '1200' }],
  });
  const invoice = await api.supplierInvoices.submit.mutate({
    purchaseOrderId: poId,
    number: 'RE-2026-1',
    invoiceDate: today,
    lines: [{ lineNo: 1, quantity: '1200', unitPrice: '2.51' }],
  });
  ids = {
    orderId: row.order_id,
    invoiceId: row.invoice_id,
    shipmentId: shipment?.id ?? null,
    shipNoticeId: notice.id,
    supplierInvoiceId: invoice.id,
    poId,
  };
});

afterAll(async () => {
  await owner?.end();
});

/** Every key of the catalogue: none may ever show as text. */
const KEYS = Object.keys(en);
/** English words and phrases the catalogue replaced on these screens: a German screen shows none of them. */
const ENGLISH = [
  'Sign out',
  'Orders',
  'Invoices',
  'Shipments',
  'Loading',
  'Showing',
  'Load more',
  'Due date',
  'Issue date',
  'Your reference',
  'Delivery note',
  'Purchase orders',
  'Back to',
  'Welcome',
  'Overdue',
  'Unit price',
  'Quantity',
  'Description',
  'Search',
  'All statuses',
  'Export',
  'Skip to content',
  'Account statement',
  'Open items',
  'Opening balance',
  'Deliveries',
  'Confirmations',
  'Purchase order',
  'Flag a problem',
  'Confirm your password',
  'Ship notices',
  'Supplier invoices',
  'Compliance documents',
  'Upload',
  'No ship notices',
  'No invoices',
  // The nouns lists and exports name themselves with ("Export orders", "Loading documents…").
  'orders',
  'invoices',
  'shipments',
  'documents',
  'ship notices',
  'Raise a query',
  'No queries',
  // The dialogs, forms and pages of the second catalogue part (web/src/i18n/en-forms.ts).
  'Confirm lines',
  'Send confirmation',
  'Add a delivery',
  'Tracking reference',
  'Ship now',
  'Send the ship notice',
  'Add a purchase order',
  'Submit the invoice',
  'Invoice number',
  'Invoiced',
  'Upload a new version',
  'Versions',
  'Expires on',
  'Company details',
  'Bank details',
  'Account holder',
  'Routing number',
  'Account number',
  'Request the change',
  'Change address',
  'Your change requests',
  'Raise query',
  'The whole invoice',
  'Message',
  'Remittance advice',
  'Payment reference',
  'Notifications',
  'Mark all read',
  'Unread only',
  'Change password',
  'Current password',
  'New password',
  'Two-factor authentication',
  'Sign out all other sessions',
  'This device',
  'Notification mail',
  'Daily digest',
  'Reset your password',
  'Send reset link',
  'Back to sign in',
  'Choose a new password',
  'Accept invitation',
  'Write a message',
];

const expectGerman = germanWalk({ keys: KEYS, english: ENGLISH });

const EURO = /^-?\d{1,3}(\.\d{3})*,\d{2}\u00a0€$/;

describe('the German UI walk', () => {
  it('a German-speaking customer signs in to German, with the browser zone stored, and walks the journey', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await page.goto(`${s.srv.origin}/`);
    await page.waitForURL(/\/sign-in/);
    // Signed out, the browser's language already: the sign-in page is German.
    expect(await page.textContent('h1')).toBe('Anmelden');
    expect(await page.getAttribute('html', 'lang')).toBe('de-DE');
    await expectGerman(page, 'sign-in');
    await page.fill('input[name="email"]', customer.email);
    await page.fill('input[name="password"]', customer.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="sign-out"]');
    expect(await page.textContent('[data-testid="sign-out"]')).toBe('Abmelden');

    // First sign-in: the browser's language and zone are now the user's, on the server.
    await expect
      .poll(async () => {
        const [p] = await owner`select locale, time_zone from user_preferences where user_id = ${customer.userId}`;
        return p ? `${p.locale} ${p.time_zone}` : null;
      })
      .toBe('de Europe/Berlin');

    const home = await expectGerman(page, 'home');
    expect(home.text).toContain('Willkommen');
    expect(home.text).toContain('offene Aufträge');

    await page.goto(`${s.srv.origin}/orders`);
    await page.waitForSelector('[data-testid="order-row"]');
    const orders = await expectGerman(page, 'orders');
    expect(orders.dates).toBeGreaterThan(5);
    expect(orders.text).toMatch(/\d+ Einträge angezeigt/);
    const totals = await page.$$eval('[data-testid="order-row"] td.num', (cells) => cells.map((c) => c.textContent));
    expect(totals.length).toBeGreaterThan(5);
    for (const total of totals) expect(total).toMatch(EURO);
    expect(totals.some((x) => /^\d{1,3}\.\d{3},\d{2}/.test(x ?? ''))).toBe(true);
    await shot(page, 'i18n-de-orders');

    await page.goto(`${s.srv.origin}/orders/${ids.orderId}`);
    await page.waitForSelector('[data-testid="order-title"]');
    await expectGerman(page, 'order detail');
    expect(await page.textContent('[data-testid="order-title"]')).toMatch(/^\s*Auftrag SO-/);
    expect(await page.textContent('[data-testid="order-total"]')).toMatch(EURO);

    await page.goto(`${s.srv.origin}/invoices`);
    await page.waitForSelector('[data-testid="invoice-row"]');
    await expectGerman(page, 'invoices');

    await page.goto(`${s.srv.origin}/invoices/${ids.invoiceId}`);
    await page.waitForSelector('[data-testid="invoice-overdue-notice"]');
    const invoice = await expectGerman(page, 'invoice detail');
    expect(invoice.text).toMatch(/Überfällig: -?\d{1,3}(\.\d{3})*,\d{2}\u00a0€ waren am \d{2}\.\d{2}\.\d{4} fällig\./);

    await page.goto(`${s.srv.origin}/shipments`);
    await page.waitForSelector('h1');
    await expectGerman(page, 'shipments');
    if (ids.shipmentId) {
      await page.goto(`${s.srv.origin}/shipments/${ids.shipmentId}`);
      await page.waitForSelector('[data-testid="shipment-status"]');
      await expectGerman(page, 'shipment detail');
    }

    await page.goto(`${s.srv.origin}/statement`);
    await page.waitForSelector('[data-testid="statement-title"]');
    const statement = await expectGerman(page, 'statement');
    expect(statement.text).toContain('Offene Posten');
    expect(await page.textContent('[data-testid="ageing-total"]')).toMatch(EURO);

    // The second catalogue part: the invoice query dialog, remittance advice, notifications, the Profile panels.
    await page.goto(`${s.srv.origin}/invoices/${ids.invoiceId}`);
    await page.click('[data-testid="query-raise"]');
    await page.waitForSelector('[data-testid="query-dialog"]');
    const query = await expectGerman(page, 'query dialog');
    expect(query.text).toContain('Rückfrage zu dieser Rechnung stellen');
    await page.keyboard.press('Escape');

    await page.goto(`${s.srv.origin}/remittances`);
    await page.waitForSelector('[data-testid="remittance-new"]');
    expect((await expectGerman(page, 'remittances')).text).toContain('Zahlungsavis');
    await page.goto(`${s.srv.origin}/remittances/new`);
    await page.waitForSelector('[data-testid="remittance-sum"]');
    await expectGerman(page, 'new remittance advice');
    // A chosen item's amount is prefilled with the German decimal sign (1234,56), and read back as such.
    await page.locator('input[type="checkbox"]:not([disabled])').first().check();
    expect(await page.locator('.remittance-amount').first().inputValue()).toMatch(/^-?\d+,\d{2}$/);
    expect(await page.textContent('[data-testid="remittance-sum"]')).toMatch(/\d,\d{2}\u00a0€/);

    for (const [screen, path, ready] of [
      ['notifications', '/notifications', '[data-testid="notifications-mark-all"]'],
      ['profile', '/profile', '[data-testid="session-row"]'],
    ] as const) {
      await page.goto(`${s.srv.origin}${path}`);
      await page.waitForSelector(ready);
      if (screen === 'profile') await page.waitForSelector('[data-testid="notification-preferences"] fieldset');
      const shown = await expectGerman(page, screen);
      if (screen === 'profile') {
        for (const heading of ['Passwort ändern', 'Zwei-Faktor-Authentifizierung', 'Wo Sie angemeldet sind'])
          expect(shown.text).toContain(heading);
        expect(shown.text).toContain('Antworten auf Rechnungsrückfragen');
      }
    }
    expect(s.problems).toEqual([]);
  }, 180_000);

  it('a German-speaking supplier signs in to German and walks home, purchase orders, notices, invoices, documents', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await page.goto(`${s.srv.origin}/sign-in`);
    await page.fill('input[name="email"]', supplier.email);
    await page.fill('input[name="password"]', supplier.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="sign-out"]');
    const home = await expectGerman(page, 'supplier home');
    expect(home.text).toContain('Ihre Aufgaben als Lieferant');

    await page.goto(`${s.srv.origin}/purchase-orders`);
    await page.waitForSelector('[data-testid="purchase-order-row"]');
    await expectGerman(page, 'purchase orders');
    const totals = await page.$$eval('[data-testid="purchase-order-row"] td.num', (cells) =>
      cells.map((c) => c.textContent),
    );
    for (const total of totals) expect(total).toMatch(EURO);

    await page.locator('[data-testid="purchase-order-row"] a').first().click();
    await page.waitForSelector('[data-testid="po-progress"]');
    const po = await expectGerman(page, 'purchase order detail');
    expect(po.text).toContain('Lieferfortschritt je Position');
    expect(await page.textContent('[data-testid="po-total"]')).toMatch(EURO);

    for (const [screen, path] of [
      ['ship notices', '/ship-notices'],
      ['ship notice', `/ship-notices/${ids.shipNoticeId}`],
      ['supplier invoices', '/supplier-invoices'],
      ['supplier invoice', `/supplier-invoices/${ids.supplierInvoiceId}`],
      ['documents', '/documents'],
    ] as const) {
      await page.goto(`${s.srv.origin}${path}`);
      const shown = await expectGerman(page, screen);
      if (screen === 'ship notice') expect(shown.text).toContain('1.200');
      if (screen === 'supplier invoice') {
        // A time, in the user's zone with the zone's name (Berlin in December: MEZ).
        expect(shown.text).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} MEZ von /);
        expect(await page.textContent('[data-testid="supplier-invoice-total"]')).toBe('3.012,00\u00a0€');
      }
    }

    // The second catalogue part: the supplier's dialogs and forms.
    await page.goto(`${s.srv.origin}/documents`);
    await page.locator('[data-testid="document-upload"]').first().click();
    await page.waitForSelector('[data-testid="upload-dialog"]');
    await expectGerman(page, 'upload dialog');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="document-link"]').first().click();
    await page.waitForSelector('[data-testid="document-history-title"]');
    await expectGerman(page, 'document history');

    await page.goto(`${s.srv.origin}/ship-notices/new?po=${ids.poId}`);
    await page.waitForSelector('[data-testid="asn-line"]');
    const asn = await expectGerman(page, 'new ship notice');
    expect(asn.text).toContain('Lieferavis senden');

    await page.goto(`${s.srv.origin}/supplier-invoices/new?po=${ids.poId}`);
    await page.waitForSelector('[data-testid="invoice-line"]');
    await expectGerman(page, 'new supplier invoice');
    // The prefilled unit price is German (2,5), and 800 more pieces are left to invoice: 800, not 800.0.
    expect(await page.locator('#invoice-price-1').inputValue()).toBe('2,5');

    await page.goto(`${s.srv.origin}/purchase-orders/${ids.poId}`);
    await page.click('[data-testid="po-confirm"]');
    await page.waitForSelector('[data-testid="confirm-lines-dialog"]');
    const confirm = await expectGerman(page, 'confirm lines dialog');
    expect(confirm.text).toMatch(/Position 1: .* · bestellt 2\.000/);
    await page.keyboard.press('Escape');

    await page.goto(`${s.srv.origin}/company`);
    await page.waitForSelector('[data-testid="bank-form"]');
    await page.fill('#bank-country', 'US');
    await page.waitForSelector('#bank-routingNumber');
    const company = await expectGerman(page, 'company details (US bank)');
    for (const label of ['Firmendaten', 'Routing-Nummer (ABA)', 'Kontonummer', 'Anschrift ändern'])
      expect(company.text).toContain(label);
    // A refused request names the missing field in German.
    await page.click('[data-testid="bank-submit"]');
    await page.waitForSelector('#bank-error');
    expect(await page.textContent('#bank-error')).toBe('Bitte korrigieren Sie das markierte Feld.');

    await page.goto(`${s.srv.origin}/notifications`);
    await page.waitForSelector('[data-testid="notifications-mark-all"]');
    await expectGerman(page, 'supplier notifications');
    expect(s.problems).toEqual([]);
  }, 180_000);

  it('the signed-out pages other than sign-in are German too: password reset, new password, invitation', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await page.goto(`${s.srv.origin}/forgot-password`);
    await page.waitForSelector('[data-testid="forgot-form"]');
    expect((await expectGerman(page, 'forgot password')).text).toContain('Passwort zurücksetzen');
    await page.fill('#forgot-email', 'nobody');
    await page.click('[data-testid="forgot-form"] button[type="submit"]');
    expect(await page.textContent('#forgot-error')).toBe(
      'Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden.',
    );
    await page.goto(`${s.srv.origin}/reset-password`);
    await page.waitForSelector('[data-testid="reset-link-problem"]');
    expect((await expectGerman(page, 'reset password')).text).toContain('Neues Passwort wählen');
    await page.goto(`${s.srv.origin}/accept-invitation`);
    await page.waitForSelector('[data-testid="invitation-problem"]');
    expect((await expectGerman(page, 'accept invitation')).text).toContain('Einladung annehmen');
    expect(s.problems).toEqual([]);
  });

  it('the profile page changes language and time zone, and the whole portal follows at once', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await page.goto(`${s.srv.origin}/sign-in`);
    await page.fill('input[name="email"]', customer.email);
    await page.fill('input[name="password"]', customer.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="sign-out"]');
    await page.goto(`${s.srv.origin}/profile`);
    await page.waitForSelector('[data-testid="language-form"]');
    expect(await page.locator('#profile-locale').inputValue()).toBe('de');
    expect(await page.locator('#profile-time-zone').inputValue()).toBe('Europe/Berlin');
    await page.selectOption('#profile-locale', 'en');
    await page.selectOption('#profile-time-zone', 'America/New_York');
    await page.locator('[data-testid="language-form"] button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sign-out"]')?.textContent === 'Sign out');
    const [p] = await owner`select locale, time_zone from user_preferences where user_id = ${customer.userId}`;
    expect(p).toEqual({ locale: 'en', time_zone: 'America/New_York' });
    // The choice is the user's, not the browser's: a new sign-in from the German browser stays English.
    const again = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await again.goto(`${s.srv.origin}/sign-in`);
    await again.fill('input[name="email"]', customer.email);
    await again.fill('input[name="password"]', customer.password);
    await again.keyboard.press('Enter');
    await again.waitForFunction(() => document.querySelector('[data-testid="sign-out"]')?.textContent === 'Sign out');
    await again.goto(`${s.srv.origin}/orders`);
    await again.waitForSelector('[data-testid="order-row"]');
    expect(await again.textContent('h1')).toBe('Orders');
    expect(await again.textContent('[data-testid="order-row"] td.num')).toMatch(/^-?\d{1,3}(,\d{3})*\.\d{2} EUR$/);
    expect(s.problems).toEqual([]);
  });

  it('the first-run setup page is German on a fresh server: no link, the form, its checks, and the sign-in after', async () => {
    // This file's server has no system admin: its one-time setup link still works.
    expect(s.srv.setupLink).toBeTruthy();
    const expectSetup = germanWalk({
      keys: [...KEYS, ...Object.keys(enForms)],
      english: ['Set up Gatehouse', 'Organisation name', 'Your name', 'Password', 'Create administrator', 'Sign in'],
    });
    const bare = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await bare.goto(`${s.srv.origin}/setup`);
    await bare.waitForSelector('[data-testid="setup-no-token"]');
    const noLink = await expectSetup(bare, 'setup without its link');
    expect(noLink.text).toContain('Diese Seite braucht den einmaligen Einrichtungslink');
    expect(noLink.text).toContain('Bereits eingerichtet?');
    await bare.context().close();

    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await page.goto(s.srv.setupLink as string);
    await page.waitForSelector('#setup-organisation');
    const form = await expectSetup(page, 'setup form');
    expect(await page.textContent('h1')).toBe('Gatehouse einrichten');
    expect(form.text).toContain('Name der Organisation');
    expect(await page.title()).toMatch(/^Gatehouse einrichten/);
    await page.click('button[type="submit"]');
    expect(await page.textContent('[data-testid="setup-error"]')).toBe('Geben Sie den Namen Ihrer Organisation ein.');
    await page.fill('#setup-organisation', 'Nordwind Fertigung');
    await page.fill('#setup-name', 'Erste Administratorin');
    await page.fill('#setup-email', 'erste.admin@nordwind.example');
    await page.fill('#setup-password', 'stille Hafenlaterne 58');
    await page.fill('#setup-confirm', 'stille Hafenlaterne 59');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="setup-error"]:has-text("Passwörter")');
    expect(await page.textContent('[data-testid="setup-error"]')).toBe('Die beiden Passwörter stimmen nicht überein.');
    await page.fill('#setup-confirm', 'stille Hafenlaterne 58');
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/sign-in/);
    expect(await page.textContent('[data-testid="sign-in-notice"]')).toBe(
      'Administrator angelegt, bitte melden Sie sich an.',
    );
    expect(s.problems).toEqual([]);
  });

  it('a server refusal in a dialog reads German: the upload dialog words the upload route’s check for a German user', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/documents`);
    await page.locator('[data-testid="document-upload"]').first().click();
    await page.waitForSelector('[data-testid="upload-dialog"]');
    // Text dressed up as a PDF: only the server's sniffing finds out, and says so in the user's language.
    await page.setInputFiles('#upload-file', {
      name: 'zertifikat.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('just some text, not a PDF at all\n'.repeat(20)),
    });
    if ((await page.locator('#upload-expiry').count()) > 0) {
      const next = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
      await page.fill('#upload-expiry', next);
    }
    await page.click('[data-testid="upload-submit"]');
    await page.waitForFunction(() => document.querySelector('#upload-error')?.textContent?.trim());
    expect(await page.textContent('#upload-error')).toBe(
      'Diese Dateiart nehmen wir nicht an. Laden Sie ein PDF, PNG oder JPEG hoch.',
    );
    await shot(page, 'i18n-upload-refused-de');
    // The refusal (415) is the one console line this journey provokes on purpose.
    expect(s.problems.filter((p) => !/status of 415/.test(p))).toEqual([]);
    s.problems.length = 0;
  });
});
