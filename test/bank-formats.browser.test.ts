import { beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { pdfBytes } from './support/files.ts';
import { client, createPartyWithUser } from './support/harness.ts';

/**
 * Bank accounts beyond IBAN on Company details (Debian's chromium against the real server): the bank's
 * country decides which fields the form asks for. A US supplier gives an ABA routing and account number
 * (a wrong routing checksum is refused on its field), two approvers approve, and it becomes current; a UK
 * bank is given by sort code, or by IBAN when the supplier chooses so.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;

// 400 (the wrong routing number) is an answer the journey provokes on purpose; the page shows it in words.
const s = useBrowserSuite({}, { allowedConsole: /status of 400/ });

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
});

describe('bank details by country', () => {
  it('a US supplier: routing number refused on a wrong check digit, then approved and current', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/company`);
    await page.waitForSelector('[data-testid="bank-form"]');
    // No country yet: an IBAN (which carries its own country).
    expect(await page.locator('#bank-iban').count()).toBe(1);
    expect(await page.locator('#bank-routingNumber').count()).toBe(0);

    await page.fill('#bank-accountHolder', 'Castor Metals Inc');
    await page.fill('#bank-country', 'us');
    await page.waitForSelector('#bank-routingNumber');
    expect(await page.locator('#bank-iban').count()).toBe(0);
    await page.fill('#bank-routingNumber', '021000012');
    await page.fill('#bank-accountNumber', '9876543210');
    await page.click('[data-testid="bank-submit"]');
    await page.waitForSelector('[data-testid="bank-routingNumber-error"]');
    expect(await page.textContent('[data-testid="bank-routingNumber-error"]')).toBe(
      'That routing number is not valid (its check digit does not match); check it.',
    );
    expect(await page.getAttribute('#bank-routingNumber', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('bank-routingNumber');
    await shot(page, 'bank-us-routing-error');

    await page.fill('#bank-routingNumber', '021000021');
    // With the bank's letter: it goes on the request through the upload route once the request exists.
    await page.setInputFiles('#bank-letter', {
      name: 'bank-letter.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes(3000, 'letter'),
    });
    await page.click('[data-testid="bank-submit"]');
    await page.waitForSelector('[data-testid="change-request-files-file"]');
    expect(await page.textContent('[data-testid="change-request-files-file"]')).toBe('bank-letter.pdf');
    const row = await page.textContent('[data-testid="change-request-row"]');
    expect(row).toContain('021000021');
    expect(row).toContain('9876543210');

    // Two approvers approve (their inbox is another test's job).
    for (const n of [1, 2]) {
      const approver = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
      const c = client(s.srv.origin);
      await c.auth.login.mutate(approver);
      const [waiting] = (await c.approvals.list.query({ view: 'mine' })).items.filter(
        (a) => a.partyId === supplier.partyId,
      );
      if (!waiting) throw new Error(`approval level ${n}: nothing waits for the approver`);
      expect(waiting.type).toBe('bank-details-change');
      expect((await c.approvals.get.query({ id: waiting.id })).attachments.map((a) => a.fileName)).toEqual([
        'bank-letter.pdf',
      ]);
      await c.approvals.decide.mutate({ id: waiting.id, version: waiting.version, decision: 'approve' });
    }
    await page.reload();
    await page.waitForSelector('[data-testid="company-routingNumber"]');
    expect(await page.textContent('[data-testid="company-routingNumber"]')).toBe('021000021');
    expect(await page.textContent('[data-testid="company-accountNumber"]')).toBe('9876543210');
    expect(await page.textContent('[data-testid="company-country"]')).toBe('US');
    expect(await page.locator('[data-testid="company-iban"]').count()).toBe(0);
    // The form now starts from the bank's country on record.
    expect(await page.inputValue('#bank-country')).toBe('US');
    expect(await page.locator('#bank-routingNumber').count()).toBe(1);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'bank-us-current-390');
    await page.context().close();
  });

  it('a UK bank: sort code by default, or an IBAN when chosen', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    await page.goto(`${s.srv.origin}/company`);
    await page.waitForSelector('[data-testid="bank-form"]');
    await page.fill('#bank-country', 'GB');
    await page.waitForSelector('[data-testid="bank-scheme"]');
    expect(await page.locator('#bank-sortCode').count()).toBe(1);
    await page.fill('#bank-accountHolder', 'Castor Metals Ltd');
    await page.fill('#bank-sortCode', '40-47-8');
    await page.fill('#bank-accountNumber', '70872490');
    await page.click('[data-testid="bank-submit"]');
    await page.waitForSelector('[data-testid="bank-sortCode-error"]');
    expect(await page.textContent('[data-testid="bank-sortCode-error"]')).toBe(
      'A sort code has six digits, e.g. 40-47-84.',
    );
    // The supplier gives the IBAN instead.
    await page.getByLabel('IBAN and BIC').check();
    await page.waitForSelector('#bank-iban');
    expect(await page.locator('#bank-sortCode').count()).toBe(0);
    await page.fill('#bank-iban', 'GB82 WEST 1234 5698 7654 32');
    await page.click('[data-testid="bank-submit"]');
    await page.waitForFunction(() => document.body.textContent?.includes('GB82 WEST 1234 5698 7654 32'));
    await shot(page, 'bank-gb-iban-pending');
    await page.context().close();
  });

  it('raised no console errors', () => {
    expect(s.problems).toEqual([]);
  });
});
