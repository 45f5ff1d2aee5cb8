import { demoRepo } from '@gatehouse/db';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { pdfBytes } from './support/files.ts';
import { client, createPartyWithUser, SYSTEM } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * The supplier side in the built SPA (Debian's chromium against the real server): a supplier admin uploads
 * a certificate that an operator reviews, downloads and approves; confirms a purchase order line by line and flags
 * a problem on another; requests a bank-detail change that the operator accepts. Screenshots land in
 * test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;
let operator: Seeded;
let partyName: string;

// 400 (an invalid IBAN) and 409 are answers the journeys provoke on purpose; the page shows them in words.
const s = useBrowserSuite({}, { allowedConsole: /status of 40[01349]/ });

/** A calendar date `days` from today in the browser's and the server's time zone (both the machine's). */
const isoIn = (days: number) => {
  const d = new Date(s.srv.clock.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
/** '2026-03-05' -> '5 Mar 2026', as the SPA writes dates. */
const shown = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${iso}T00:00:00Z`),
  );

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await owner`update parties set supplier_category = 'manufacturing' where id = ${supplier.partyId}`;
    const [party] = await owner`select name from parties where id = ${supplier.partyId}`;
    partyName = party?.name;
  } finally {
    await owner.end();
  }
  await s.srv.db.tx(SYSTEM, (tx) => demoRepo.generatePurchaseOrders(tx, supplier.partyId, 20, 'EUR', 'manufacturing'));
});

/** The focused element has a visible focus outline (keyboard focus). */
const focusShown = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : null;
    return {
      id: el?.id,
      visible: el?.matches(':focus-visible'),
      outline: style?.outlineStyle,
      width: style?.outlineWidth,
    };
  });

const isoRow = '[data-testid="document-row"][data-type-key="iso-9001"]';

describe('supplier portal in the browser', () => {
  it('a certificate: uploaded by the supplier, downloaded, reviewed and approved by an operator', async () => {
    const step = steps();
    step('the supplier uploads a certificate');
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await navTo(page, 'nav-documents');
    await page.waitForURL(/\/documents$/);
    await page.waitForSelector(isoRow);
    expect(await page.textContent('h1')).toBe('Compliance documents');
    expect(await page.textContent(`${isoRow} [data-testid="document-status"]`)).toBe('Missing');
    expect(await page.locator('[data-testid="document-row"]').count()).toBe(4);
    await shot(page, 'supplier-documents-missing');

    // Upload: the dialog asks for the file and, for a certificate, its expiry date.
    await page.click(`${isoRow} [data-testid="document-upload"]`);
    await page.waitForSelector('[data-testid="upload-dialog"][open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('upload-file');
    // Without an expiry date the dialog says what is missing, in words.
    await page.setInputFiles('#upload-file', {
      name: 'ISO 9001 certificate.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes(60_000, 'iso'),
    });
    await page.click('[data-testid="upload-submit"]');
    expect(await page.textContent('#upload-error')).toBe('Give the date the ISO 9001 certificate expires.');
    expect(await page.getAttribute('#upload-expiry', 'aria-invalid')).toBe('true');
    const expires = isoIn(365);
    await page.fill('#upload-expiry', expires);
    await shot(page, 'supplier-upload-dialog', { fullPage: false });
    await page.click('[data-testid="upload-submit"]');
    await page.waitForSelector('[data-testid="upload-dialog"]', { state: 'detached' });
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === 'Submitted',
      `${isoRow} [data-testid="document-status"]`,
    );
    expect(await page.textContent('[data-testid="documents-announcement"]')).toMatch(
      /ISO 9001 certificate uploaded as version 1/,
    );
    expect(await page.textContent(`${isoRow} [data-testid="document-notes"]`)).toBe('Version 1 awaits review');
    await shot(page, 'supplier-documents-submitted');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'supplier-documents-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    step('the operator reviews it');
    // The operator, at another computer: the work queue, the document, its file, review and approval.
    const op = await newPage(s, { acceptDownloads: true });
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await navTo(op, 'nav-work-queue');
    await op.waitForURL(/\/work-queue$/);
    expect(await op.getAttribute('[data-testid="tab-documents"]', 'aria-selected')).toBe('true');
    const row = op.locator('[data-testid="queue-document-row"]', { hasText: partyName });
    await row.waitFor();
    expect(await row.textContent()).toContain('ISO 9001 certificate');
    expect(await row.textContent()).toContain('Submitted');
    await shot(op, 'operator-work-queue');

    // Keyboard: arrow keys move between the tabs, and focus is visible on the tab.
    await op.focus('[data-testid="tab-documents"]');
    await op.keyboard.press('ArrowRight');
    await op.waitForURL(/tab=change-requests/);
    const focus = await focusShown(op);
    expect(focus).toMatchObject({ id: 'tab-change-requests', visible: true, outline: 'solid' });
    expect(focus.width).not.toBe('0px');
    expect(await op.getAttribute('[data-testid="tab-change-requests"]', 'aria-selected')).toBe('true');
    await shot(op, 'operator-work-queue-tab-focus', { fullPage: false });
    await op.keyboard.press('ArrowLeft');
    await op.waitForURL(/\/work-queue$/);
    await row.waitFor();
    await op.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(op)).toBe(false);
    await shot(op, 'operator-work-queue-390');
    await op.setViewportSize({ width: 1280, height: 800 });

    await row.locator('[data-testid="queue-document-link"]').click();
    await op.waitForSelector('[data-testid="queue-document-title"]');
    expect(await op.textContent('[data-testid="queue-document-title"]')).toBe('ISO 9001 certificate');
    expect(await op.textContent('[data-testid="queue-document-file"]')).toBe('ISO 9001 certificate.pdf');
    expect(await op.textContent('[data-testid="queue-document-expires"]')).toBe(shown(expires));
    expect(await op.textContent('[data-testid="queue-document-sha"]')).toMatch(/^[0-9a-f]{64}$/);
    const [download] = await Promise.all([
      op.waitForEvent('download'),
      op.click('[data-testid="queue-document-download"]'),
    ]);
    expect(download.suggestedFilename()).toBe('ISO 9001 certificate.pdf');
    await download.cancel().catch(() => undefined);

    await op.click('[data-testid="queue-document-start"]');
    await op.waitForFunction(
      () => document.querySelector('[data-testid="queue-document-status"]')?.textContent === 'Under review',
    );
    expect(await op.locator('[data-testid="queue-document-start"]').count()).toBe(0);
    await shot(op, 'operator-document-review');

    step('reject needs a reason; approve');
    // Reject needs a reason: the dialog says so; then Cancel (Escape) and approve instead.
    await op.click('[data-testid="queue-document-reject"]');
    await op.waitForSelector('[data-testid="reject-dialog"][open]');
    await op.click('[data-testid="decide-submit"]');
    expect(await op.textContent('#decide-error')).toBe('Say why the document is rejected; the supplier reads this.');
    await op.keyboard.press('Escape');
    await op.waitForSelector('[data-testid="reject-dialog"]', { state: 'detached' });
    expect(await op.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-document-reject');
    await op.click('[data-testid="queue-document-approve"]');
    await op.waitForSelector('[data-testid="approve-dialog"][open]');
    await shot(op, 'operator-document-approve-dialog', { fullPage: false });
    await op.click('[data-testid="decide-submit"]');
    await op.waitForFunction(
      () => document.querySelector('[data-testid="queue-document-status"]')?.textContent === 'Approved',
    );
    expect(await op.textContent('[data-testid="queue-document-announcement"]')).toMatch(/approved/);

    step('the supplier sees it approved');
    // The supplier sees it approved, in force until the date given.
    await page.reload();
    await page.waitForSelector(isoRow);
    expect(await page.textContent(`${isoRow} [data-testid="document-status"]`)).toBe('Approved');
    expect(await page.textContent(`${isoRow} [data-testid="document-expires"]`)).toBe(shown(expires));
    expect(await page.textContent(`${isoRow} [data-testid="document-current"]`)).toContain('Version 1');
    await shot(page, 'supplier-documents-approved');

    // The history of the type: one version, approved, with a Download button.
    await page.click(`${isoRow} [data-testid="document-link"]`);
    await page.waitForSelector('[data-testid="document-version-row"]');
    expect(await page.textContent('[data-testid="version-status"]')).toBe('Approved');
    await shot(page, 'supplier-document-history');

    expect(s.problems).toEqual([]);
    await op.context().close();
    await page.context().close();
  }, 120_000);

  it('purchase orders: confirms one line by line (no Acknowledge left behind) and flags a problem on another', async () => {
    const step = steps();
    step('purchase orders: list and search');
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await navTo(page, 'nav-purchase-orders');
    await page.waitForURL(/\/purchase-orders$/);
    await page.waitForSelector('[data-testid="purchase-order-row"]');
    expect(await page.textContent('h1')).toBe('Purchase orders');
    await page.selectOption('#purchase-orders-status', 'open');
    await page.waitForURL(/status=open/);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="purchase-order-row"]')].every(
        (r) => r.getAttribute('data-status') === 'open',
      ),
    );
    const numbers = await page.$$eval('[data-testid="purchase-order-row"] th a', (as) =>
      as.map((a) => a.textContent ?? ''),
    );
    expect(numbers.length).toBeGreaterThanOrEqual(2);
    const [first, second] = numbers as [string, string];
    await shot(page, 'supplier-purchase-orders-open');

    // Search by number narrows to that one.
    await page.fill('#purchase-orders-search', first);
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="purchase-order-row"]').length === 1);

    await page.click(`[data-testid="purchase-order-row"] th a:text-is("${first}")`);
    await page.waitForSelector('[data-testid="purchase-order-title"]');
    expect(await page.textContent('[data-testid="purchase-order-status"]')).toBe('Open');
    expect(await page.locator('[data-testid="purchase-order-line"]').count()).toBeGreaterThan(0);
    await shot(page, 'supplier-purchase-order');

    step('per-line confirmation');
    // Per-line confirmation (issue 19) replaced the whole-PO "Acknowledge": a past date is refused in words;
    // every line confirmed as ordered by the requested date is accepted at once.
    expect(await page.textContent('[data-testid="po-confirm"]')).toBe('Confirm lines');
    await page.click('[data-testid="po-confirm"]');
    await page.waitForSelector('[data-testid="confirm-lines-dialog"][open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-line-1-decision');
    const requested = (await page.getAttribute('[data-testid="po-requested"] time', 'datetime')) ?? '';
    await page.fill('#confirm-line-1-date-0', isoIn(-3));
    await page.click('[data-testid="confirm-lines-submit"]');
    expect(await page.textContent('#confirm-lines-error')).toBe('Line 1: A delivery date cannot be in the past.');
    await page.fill('#confirm-line-1-date-0', requested);
    await shot(page, 'supplier-confirm-dialog', { fullPage: false });
    await page.click('[data-testid="confirm-lines-submit"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="purchase-order-status"]')?.textContent === 'Acknowledged',
    );
    expect(await page.textContent('[data-testid="po-promised"]')).toBe(shown(requested));
    expect(await page.textContent('[data-testid="purchase-order-announcement"]')).toBe(
      `Purchase order ${first} confirmed as ordered.`,
    );
    expect(await page.textContent('[data-testid="po-acknowledged"]')).toMatch(/ by /);
    // The button no longer reads "Acknowledge": the next answer is a new round.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="po-confirm"]')?.textContent === 'Change confirmation',
    );
    expect(await page.getAttribute('[data-testid="po-round"]', 'data-status')).toBe('accepted');

    step('flag a problem');
    // Another: flag a problem.
    await page.goto(`${s.srv.origin}/purchase-orders?status=open`);
    await page.waitForSelector(`[data-testid="purchase-order-row"] th a:text-is("${second}")`);
    await page.click(`[data-testid="purchase-order-row"] th a:text-is("${second}")`);
    await page.waitForSelector('[data-testid="po-flag-problem"]');
    await page.click('[data-testid="po-flag-problem"]');
    await page.waitForSelector('[data-testid="problem-dialog"][open]');
    await page.click('[data-testid="problem-submit"]');
    expect(await page.textContent('#problem-error')).toBe('Describe the problem in a few words.');
    const note = 'Coil width 1250 mm is out of stock until March.';
    await page.fill('#problem-note', note);
    await page.click('[data-testid="problem-submit"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="purchase-order-status"]')?.textContent === 'Problem',
    );
    expect(await page.textContent('[data-testid="po-problem"]')).toContain(note);
    await shot(page, 'supplier-purchase-order-problem');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'supplier-purchase-order-390');

    expect(s.problems).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('company details: refused IBAN, then a bank change via approvals and an address change accepted in the queue', async () => {
    const step = steps();
    step('a refused IBAN, then a bank change');
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await navTo(page, 'nav-company');
    await page.waitForURL(/\/company$/);
    await page.waitForSelector('[data-testid="company-bank"]');
    expect(await page.textContent('[data-testid="company-bank"]')).toContain('No bank details on record');
    await page.waitForSelector('[data-testid="list-empty"]');

    await page.fill('#bank-accountHolder', 'Castor Metals GmbH');
    await page.fill('#bank-iban', 'DE89 3704 0044 0532 0130 01');
    await page.click('[data-testid="bank-submit"]');
    await page.waitForSelector('[data-testid="bank-iban-error"]');
    expect(await page.textContent('[data-testid="bank-iban-error"]')).toBe('That IBAN is not valid; check it.');
    expect(await page.getAttribute('#bank-iban', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('bank-iban');
    await shot(page, 'supplier-company-iban-error');

    await page.fill('#bank-iban', 'DE89 3704 0044 0532 0130 00');
    await page.fill('#bank-note', 'New house bank from January.');
    await page.click('[data-testid="bank-submit"]');
    await page.waitForSelector('[data-testid="change-request-row"]');
    expect(await page.locator('[data-testid="bank-iban-error"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="change-request-status"]')).toBe('Pending');
    expect(await page.textContent('[data-testid="change-request-row"]')).toContain('DE89 3704 0044 0532 0130 00');
    expect(await page.locator('[data-testid="change-request-withdraw"]').count()).toBe(1);

    step('a new address');
    // And a new address.
    await page.fill('#address-street', 'Hafenstraße 1');
    await page.fill('#address-postalCode', '20457');
    await page.fill('#address-city', 'Hamburg');
    await page.fill('#address-country', 'de');
    await page.click('[data-testid="address-submit"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-request-row"]').length === 2);
    await shot(page, 'supplier-company-pending');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'supplier-company-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    step("the operator's queue");
    // The operator's queue holds both; the bank change shows old and new side by side and says it is
    // decided through approvals (two approvers), so it offers no Accept of its own.
    const op = await newPage(s);
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await op.goto(`${s.srv.origin}/work-queue?tab=change-requests`);
    const rows = op.locator('[data-testid="queue-change-request-row"]', { hasText: partyName });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    await rows.filter({ hasText: 'Bank details' }).locator('[data-testid="queue-change-request-link"]').click();
    await op.waitForSelector('[data-testid="queue-change-request-title"]');
    expect(await op.textContent('[data-testid="queue-change-request-title"]')).toBe('Bank details change');
    expect(await op.textContent('[data-testid="queue-change-request-note"]')).toBe('New house bank from January.');
    const iban = op.locator('[data-testid="comparison-row"][data-field="iban"]');
    expect(await iban.locator('[data-testid="comparison-proposed"]').textContent()).toBe('DE89 3704 0044 0532 0130 00');
    expect(await iban.locator('[data-testid="comparison-changed"]').textContent()).toBe('Changed');
    await op.waitForSelector('[data-testid="change-request-via-approvals"]');
    expect(await op.locator('[data-testid="change-request-accept"]').count()).toBe(0);
    await shot(op, 'operator-change-request-bank');

    step('the address change accepted');
    // The address change: accepted in the queue (the password may be asked again: a sensitive action).
    await op.goBack();
    await rows.first().waitFor();
    await rows.filter({ hasText: 'Address' }).locator('[data-testid="queue-change-request-link"]').click();
    await op.waitForSelector('[data-testid="change-request-accept"]');
    expect(
      await op
        .locator('[data-testid="comparison-row"][data-field="city"] [data-testid="comparison-proposed"]')
        .textContent(),
    ).toBe('Hamburg');
    await shot(op, 'operator-change-request-address');
    await op.click('[data-testid="change-request-accept"]');
    await op.waitForSelector('[data-testid="cr-accept-dialog"][open]');
    await shot(op, 'operator-change-request-accept-dialog', { fullPage: false });
    await op.click('[data-testid="cr-decide-submit"]');
    const accepted = () =>
      document.querySelector('[data-testid="queue-change-request-status"]')?.textContent === 'Accepted';
    const outcome = await Promise.race([
      op.waitForSelector('[data-testid="reauth-dialog"][open]', { timeout: 8000 }).then(() => 'reauth' as const),
      op.waitForFunction(accepted, undefined, { timeout: 8000 }).then(() => 'accepted' as const),
    ]);
    if (outcome === 'reauth') {
      await op.fill('#reauth-password', operator.password);
      await op.keyboard.press('Enter');
    }
    await op.waitForFunction(accepted);
    expect(await op.locator('[data-testid="change-request-accept"]').count()).toBe(0);
    await shot(op, 'operator-change-request-accepted');

    step('two approvers approve the bank change');
    // Two approvers approve the bank change (four eyes; their inbox is another screen's job).
    for (const n of [1, 2]) {
      const approver = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
      const c = client(s.srv.origin);
      await c.auth.login.mutate(approver);
      const [waiting] = (await c.approvals.list.query({ view: 'mine' })).items.filter(
        (a) => a.partyId === supplier.partyId,
      );
      if (!waiting) throw new Error(`approval level ${n}: nothing waits for the approver`);
      await c.approvals.decide.mutate({ id: waiting.id, version: waiting.version, decision: 'approve' });
    }

    step('the supplier sees the new details');
    // The supplier's company details now show the new IBAN, grouped in fours, and the new address.
    await page.reload();
    await page.waitForSelector('[data-testid="company-iban"]');
    expect(await page.textContent('[data-testid="company-iban"]')).toBe('DE89 3704 0044 0532 0130 00');
    expect(await page.textContent('[data-testid="company-address"]')).toContain('Hamburg');
    const statuses = await page.$$eval('[data-testid="change-request-status"]', (b) => b.map((x) => x.textContent));
    expect(statuses).toEqual(['Accepted', 'Accepted']);
    await shot(page, 'supplier-company-accepted');

    expect(s.problems).toEqual([]);
    await op.context().close();
    await page.context().close();
  }, 90_000);
});
