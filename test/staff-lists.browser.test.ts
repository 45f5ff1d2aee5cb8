import { demoRepo } from '@gatehouse/db';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, codeOf, createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * Staff lists say whose each row is (two customers' SO-0000730 side by side, told apart and filtered by
 * customer), a customer's own list has no such column, Back after "Load more" returns to the same rows at
 * the same place, and a pending invitation's new link, copied, and its revocation, on the user's page.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let alpha: Seeded;
let beta: Seeded;
let operator: Seeded;
let admin: Seeded;
let north: Seeded;
let south: Seeded;
const names: Record<string, string> = {};

const s = useBrowserSuite();

beforeAll(async () => {
  alpha = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  beta = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin'], { partyId: alpha.partyId });
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  north = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-user']);
  south = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-user']);
  // Both customers' ERPs number their orders alike: each has an SO-0000730.
  await s.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, alpha.partyId, 760, 'EUR');
    await demoRepo.generateOrders(tx, beta.partyId, 740, 'EUR');
    await demoRepo.generatePurchaseOrders(tx, north.partyId, 30, 'EUR', 'manufacturing');
    await demoRepo.generatePurchaseOrders(tx, south.partyId, 30, 'EUR', 'manufacturing');
  });
  const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await owner`update parties set name = 'Alpha Steel GmbH' where id = ${alpha.partyId}`;
    await owner`update parties set name = 'Beta Foods Ltd', erp_ref = 'C-0042' where id = ${beta.partyId}`;
    await owner`update parties set name = 'North Metals AB' where id = ${north.partyId}`;
    await owner`update parties set name = 'South Plastics SpA' where id = ${south.partyId}`;
    // Each supplier has a document waiting for review.
    const [type] = await owner`select id from document_types where key = 'tax-form'`;
    for (const sup of [north, south])
      await owner`insert into document_versions (party_id, type_id, version_no, file_name, content_type, size_bytes,
                                                 sha256, status, uploaded_by)
                  values (${sup.partyId}, ${type?.id}, 1, 'w9.pdf', 'application/pdf', 10, ${'0'.repeat(64)},
                          'submitted', ${sup.userId})`;
  } finally {
    await owner.end();
  }
  names[alpha.partyId] = 'Alpha Steel GmbH';
  names[beta.partyId] = 'Beta Foods Ltd';
});

const rows = (page: Page) =>
  page.$$eval('[data-testid="order-row"]', (trs) =>
    trs.map((tr) => ({
      number: tr.querySelector('th')?.textContent?.trim() ?? '',
      party: tr.querySelector('[data-testid="row-party"]')?.textContent?.trim() ?? null,
    })),
  );
const heads = (page: Page) =>
  page.$$eval('[data-testid="orders-table"] thead th', (ths) => ths.map((th) => th.textContent?.trim()));

describe('staff lists name each row’s party', () => {
  it('an operator tells two customers’ SO-0000730 apart and narrows the list to one customer', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, operator.email, operator.password);
    await page.goto(`${s.srv.origin}/orders?q=SO-0000730`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
    expect(await heads(page)).toEqual(['Number', 'Customer', 'Customer reference', 'Date', 'Status', 'Total']);
    expect((await rows(page)).map((r) => r.party).sort()).toEqual(['Alpha Steel GmbH', 'Beta Foods Ltd']);
    expect(new Set((await rows(page)).map((r) => r.number))).toEqual(new Set(['SO-0000730']));
    await shot(page, 'staff-orders-two-customers');

    // The customer filter: found by name on the server, chosen from the list, kept in the URL.
    await page.click('#orders-party');
    await page.fill('#orders-party', 'Beta');
    await page.waitForSelector('#orders-party-options option[value="Beta Foods Ltd (C-0042)"]', { state: 'attached' });
    await page.fill('#orders-party', 'Beta Foods Ltd (C-0042)');
    await page.waitForURL((u) => u.searchParams.get('partyId') === beta.partyId);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 1);
    expect(await rows(page)).toEqual([{ number: 'SO-0000730', party: 'Beta Foods Ltd' }]);
    expect(await page.textContent('[data-testid="party-filter-chosen"]')).toBe('Beta Foods Ltd');
    // The order itself says whose it is, and Back returns to the filtered list.
    await page.click('[data-testid="order-row"] th a');
    await page.waitForSelector('[data-testid="detail-party"]');
    expect(await page.textContent('[data-testid="detail-party"]')).toBe('Beta Foods Ltd');
    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 1);
    // "All customers" takes the filter off again.
    await page.click('[data-testid="party-filter-clear"]');
    await page.waitForURL((u) => !u.searchParams.has('partyId'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
    await page.waitForSelector('[data-testid="party-filter"]');
    // Without the search: only Beta's orders, newest first, every row Beta's.
    await page.goto(`${s.srv.origin}/orders?partyId=${beta.partyId}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 50);
    expect(new Set((await rows(page)).map((r) => r.party))).toEqual(new Set(['Beta Foods Ltd']));

    // Invoices and shipments name their customer too, and filter by it.
    for (const [path, row] of [
      ['invoices', 'invoice-row'],
      ['shipments', 'shipment-row'],
    ] as const) {
      await page.goto(`${s.srv.origin}/${path}?partyId=${alpha.partyId}`);
      await page.waitForSelector(`[data-testid="${row}"]`);
      const parties = await page.$$eval(`[data-testid="${row}"] [data-testid="row-party"]`, (tds) =>
        tds.map((td) => td.textContent?.trim()),
      );
      expect(parties.length, path).toBeGreaterThan(0);
      expect(new Set(parties), path).toEqual(new Set(['Alpha Steel GmbH']));
      expect(await page.textContent('[data-testid="party-filter-chosen"]')).toBe('Alpha Steel GmbH');
    }

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${s.srv.origin}/orders?q=SO-0000730`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
    expect(await overflows(page)).toBe(false);
    await shot(page, 'staff-orders-two-customers-390');
    expect(s.problems).toEqual([]);
    await page.context().close();
  });

  it('purchase orders and the review queue name their supplier and narrow to one', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, operator.email, operator.password);
    const parties = (row: string) =>
      page.$$eval(`[data-testid="${row}"] [data-testid="row-party"]`, (tds) => tds.map((td) => td.textContent?.trim()));
    await page.goto(`${s.srv.origin}/purchase-orders`);
    await page.waitForSelector('[data-testid="purchase-order-row"]');
    expect(new Set(await parties('purchase-order-row'))).toEqual(new Set(['North Metals AB', 'South Plastics SpA']));
    await page.click('#purchase-orders-party');
    await page.fill('#purchase-orders-party', 'South');
    await page.waitForSelector('#purchase-orders-party-options option[value="South Plastics SpA"]', {
      state: 'attached',
    });
    await page.fill('#purchase-orders-party', 'South Plastics SpA');
    await page.waitForURL((u) => u.searchParams.get('partyId') === south.partyId);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="purchase-order-row"] [data-testid="row-party"]')].every(
        (td) => td.textContent?.trim() === 'South Plastics SpA',
      ),
    );
    expect(await page.textContent('[data-testid="party-filter-chosen"]')).toBe('South Plastics SpA');

    await page.goto(`${s.srv.origin}/work-queue`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="queue-document-row"]').length === 2);
    expect(new Set(await parties('queue-document-row'))).toEqual(new Set(['North Metals AB', 'South Plastics SpA']));
    await page.goto(`${s.srv.origin}/work-queue?partyId=${north.partyId}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="queue-document-row"]').length === 1);
    expect(await parties('queue-document-row')).toEqual(['North Metals AB']);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });

  it('a customer sees no party column and its own words', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, alpha.email, alpha.password);
    // A party id in the address is not the customer's to choose: ignored, and the list is its own.
    await page.goto(`${s.srv.origin}/orders?q=SO-0000730&partyId=${beta.partyId}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 1);
    expect(await heads(page)).toEqual(['Number', 'Your reference', 'Date', 'Status', 'Total']);
    expect(await rows(page)).toEqual([{ number: 'SO-0000730', party: null }]);
    expect(await page.$('[data-testid="party-filter"]')).toBeNull();
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});

describe('the party on the wire', () => {
  it('staff get each row’s party name and a validated party filter; customers neither', async () => {
    const op = client(s.srv.origin);
    await op.auth.login.mutate(operator);
    for (const list of [op.orders.list, op.invoices.list, op.shipments.list] as const) {
      const all = await list.query({ limit: 100 });
      expect(new Set(all.items.map((i) => i.partyName))).toEqual(new Set(['Alpha Steel GmbH', 'Beta Foods Ltd']));
      for (const i of all.items) expect(i.partyName).toBe(names[i.partyId]);
      const one = await list.query({ limit: 100, partyId: beta.partyId });
      expect(new Set(one.items.map((i) => i.partyId))).toEqual(new Set([beta.partyId]));
      expect(await codeOf(list.query({ partyId: 'not-a-uuid' } as never))).toBe('BAD_REQUEST');
    }
    const [order] = (await op.orders.list.query({ limit: 1, partyId: alpha.partyId })).items;
    const [shipment] = (await op.shipments.list.query({ limit: 1, partyId: alpha.partyId })).items;
    expect((await op.orders.get.query({ id: order?.id ?? '' })).partyName).toBe('Alpha Steel GmbH');
    expect((await op.shipments.get.query({ id: shipment?.id ?? '' })).partyName).toBe('Alpha Steel GmbH');
    const customer = client(s.srv.origin);
    await customer.auth.login.mutate(alpha);
    for (const list of [customer.orders.list, customer.invoices.list, customer.shipments.list] as const) {
      const own = await list.query({ limit: 100, partyId: beta.partyId });
      expect(own.items.length).toBeGreaterThan(0);
      expect(new Set(own.items.map((i) => i.partyId))).toEqual(new Set([alpha.partyId]));
      expect(new Set(own.items.map((i) => i.partyName))).toEqual(new Set([null]));
    }
    expect((await customer.orders.get.query({ id: order?.id ?? '' })).partyName).toBeNull();
    expect((await customer.shipments.get.query({ id: shipment?.id ?? '' })).partyName).toBeNull();
  });
});

describe('Back after "Load more"', () => {
  it('shows the same rows again, scrolled to where the user was', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, alpha.email, alpha.password);
    await page.goto(`${s.srv.origin}/orders?status=delivered`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 50);
    for (const n of [100, 150]) {
      await page.click('button:has-text("Load more")');
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid="order-row"]').length === k, n);
    }
    const before = await rows(page);
    // Row 120 in view, then open it.
    const link = page.locator('[data-testid="order-row"]').nth(119).locator('th a');
    await link.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -200));
    const scrollY = await page.evaluate(() => window.scrollY);
    expect(scrollY).toBeGreaterThan(1000);
    const opened = await link.textContent();
    await link.click();
    await page.waitForFunction(
      (n) => document.querySelector('#order-title')?.textContent?.includes(n),
      opened?.trim() ?? '?',
    );

    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 150);
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, scrollY);
    expect(await rows(page)).toEqual(before);
    expect(new URL(page.url()).searchParams.get('status')).toBe('delivered');
    // The row the user opened is on screen again.
    const box = await page.locator('[data-testid="order-row"]').nth(119).boundingBox();
    expect(box && box.y >= 0 && box.y < 800).toBe(true);

    // A reload of the list keeps the place too (it lives in the history entry).
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 150);
    // A fresh visit from the navigation (a new history entry) starts at the first page, at the top.
    await navTo(page, 'nav-orders');
    await page.waitForURL((u) => u.pathname === '/orders' && !u.searchParams.has('status'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 50);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});

describe('pending invitations on the user page', () => {
  it('a new link to copy replaces the mailed one; revoking ends it', async () => {
    const api = client(s.srv.origin);
    await api.auth.login.mutate(admin);
    const email = `pending-${Date.now()}@invitee.example`;
    const { userId } = await api.users.invite.mutate({ email, displayName: 'Pia Pending', roles: ['customer-user'] });
    const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    const [mail] = await owner`select body_text from mail_outbox where to_address = ${email} and kind = 'invitation'`;
    await owner.end();
    const mailed = /accept-invitation#token=(\S+)/.exec(String(mail?.body_text))?.[1] ?? '';
    const anon = client(s.srv.origin);
    expect(await codeOf(anon.auth.invitationInfo.query({ token: mailed }))).toBe('OK');

    const page = await newPage(s);
    await signIn(page, s.srv.origin, admin.email, admin.password);
    await page.goto(`${s.srv.origin}/users/${userId}`);
    await page.waitForSelector('[data-testid="invitation-panel"]');
    await page.click('[data-testid="copy-invitation"]');
    const input = page.locator('[data-testid="invitation-link"]');
    await input.waitFor();
    const link = await input.inputValue();
    expect(link.startsWith(`${s.srv.origin}/accept-invitation#token=`)).toBe(true);
    const fresh = link.split('#token=')[1] ?? '';
    expect(await codeOf(anon.auth.invitationInfo.query({ token: mailed }))).toBe('BAD_REQUEST');
    expect(await codeOf(anon.auth.invitationInfo.query({ token: fresh }))).toBe('OK');
    expect(await page.textContent('[data-testid="user-status"]')).toContain('earlier link no longer works');
    await shot(page, 'invitation-new-link');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'invitation-new-link-390');

    await page.click('[data-testid="revoke-invitation"]');
    await page.click('#confirm-yes');
    await page.waitForSelector('[data-testid="invitation-panel"]', { state: 'detached' });
    expect(await page.textContent('[data-testid="user-status"]')).toContain('revoked');
    expect(await codeOf(anon.auth.invitationInfo.query({ token: fresh }))).toBe('BAD_REQUEST');
    expect(await page.textContent('.detail-header')).toContain('Deactivated');
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
    await page.context().close();
  });
});
