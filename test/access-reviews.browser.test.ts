import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Access review campaigns in the built SPA (pnpm test builds it first), Debian's chromium against the real
 * server: a system admin starts and closes one, a customer admin attests its own party's access.
 * Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;
let secondSysAdmin: Seeded;
let customerAdmin: Seeded;
let keepUser: Seeded;
let revokeUser: Seeded;
let otherParty: Seeded;

const s = useBrowserSuite({}, { allowedConsole: /status of 40[13]/ });

beforeAll(async () => {
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  secondSysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin'], { partyId: sysAdmin.partyId });
  customerAdmin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  const partyId = customerAdmin.partyId;
  keepUser = await createPartyWithUser(s.srv.db, 'customer', ['customer-user'], { partyId });
  revokeUser = await createPartyWithUser(s.srv.db, 'customer', ['customer-user'], { partyId });
  otherParty = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
});

const row = (page: Page, email: string) => page.locator(`[data-testid="review-item"][data-email="${email}"]`);

describe('access reviews in the browser', () => {
  it('a system admin starts a review, a customer admin attests its own party, the admin exports and closes it', async () => {
    const step = steps();
    step('the system admin starts a campaign');
    // The system admin starts a campaign from the list page.
    const admin = await newPage(s, { acceptDownloads: true });
    await signIn(admin, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(admin, 'nav-access-reviews');
    await admin.waitForURL(/\/access-reviews$/);
    await admin.waitForSelector('[data-testid="list-empty"]');
    await admin.click('[data-testid="review-start-open"]');
    const dialog = admin.locator('[data-testid="review-start-dialog"]');
    await dialog.waitFor();
    // The deadline is filled in: 14 days ahead.
    const deadline = await admin.inputValue('#review-deadline');
    const days = (new Date(deadline).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThan(14.1);
    await admin.fill('#review-name', 'Q1 access review');
    await dialog.locator('button[type="submit"]').click();
    await admin.waitForURL(/\/access-reviews\/[0-9a-f-]{36}$/);
    const reviewPath = new URL(admin.url()).pathname;
    await admin.waitForSelector('[data-testid="review-item"]');
    expect(await admin.textContent('h1')).toBe('Q1 access review');

    step('the customer admin sees its own party');
    // The customer admin, at another computer, sees only its own party's access.
    const customer = await newPage(s, { acceptDownloads: true });
    await signIn(customer, s.srv.origin, customerAdmin.email, customerAdmin.password);
    await navTo(customer, 'nav-access-reviews');
    await customer.waitForURL(/\/access-reviews$/);
    const listRow = customer.locator('[data-testid="review-row"]');
    await listRow.waitFor();
    expect(await listRow.count()).toBe(1);
    expect(await listRow.locator('[data-testid="review-progress"]').textContent()).toBe('0 of 3 decided');
    expect(await listRow.textContent()).toContain('days left');
    await shot(customer, 'access-reviews-list');
    await listRow.locator('a').click();
    await customer.waitForURL((url) => url.pathname === reviewPath);
    await customer.waitForSelector('[data-testid="review-item"]');
    const emails = await customer
      .locator('[data-testid="review-item"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email')));
    expect(emails.sort()).toEqual([customerAdmin.email, keepUser.email, revokeUser.email].sort());
    expect(emails).not.toContain(otherParty.email);
    expect(emails).not.toContain(sysAdmin.email);
    // Attesting is not a system admin's campaign action.
    expect(await customer.locator('[data-testid="review-export"]').count()).toBe(0);
    expect(await customer.locator('[data-testid="review-close"]').count()).toBe(0);

    step('keep one, revoke another');
    // Keep one user.
    await row(customer, keepUser.email).locator('[data-testid="review-keep"]').click();
    await expect
      .poll(() => row(customer, keepUser.email).locator('[data-testid="review-decision"]').textContent())
      .toBe('Kept');
    expect(await row(customer, keepUser.email).locator('[data-testid="review-keep"]').count()).toBe(0);
    expect(await customer.textContent('[data-testid="review-progress"]')).toBe('1 of 3 decided');

    // Revoke the other, after confirming that it takes effect at once.
    await row(customer, revokeUser.email).locator('[data-testid="review-revoke"]').click();
    const confirm = row(customer, revokeUser.email).locator('[data-testid="review-revoke-confirm"]');
    expect(await confirm.textContent()).toContain('takes effect immediately');
    await shot(customer, 'access-review-detail-confirm');
    await confirm.locator('[data-testid="review-revoke-yes"]').click();
    await expect
      .poll(() => row(customer, revokeUser.email).locator('[data-testid="review-decision"]').textContent())
      .toBe('Revoked');
    expect(await customer.textContent('[data-testid="review-progress"]')).toBe('2 of 3 decided');

    step("one's own access, pending only, phone");
    // One's own access is not one's to attest: the server says so on the row.
    await row(customer, customerAdmin.email).locator('[data-testid="review-keep"]').click();
    const ownError = row(customer, customerAdmin.email).locator('[data-testid="review-item-error"]');
    await ownError.waitFor();
    expect(await ownError.textContent()).toBe('You cannot do this to your own account.');
    expect(await row(customer, customerAdmin.email).locator('[data-testid="review-decision"]').textContent()).toBe(
      'Pending',
    );
    await shot(customer, 'access-review-detail');

    // Pending only: what is left to decide after a reload.
    await customer.check('[data-testid="review-pending-only"]');
    await customer.waitForURL(/pending=1/);
    await expect.poll(() => customer.locator('[data-testid="review-item"]').count()).toBe(1);

    // The same page on a phone: cards, no horizontal scrolling.
    await customer.setViewportSize({ width: 390, height: 844 });
    await customer.uncheck('[data-testid="review-pending-only"]');
    await expect.poll(() => customer.locator('[data-testid="review-item"]').count()).toBe(3);
    expect(await overflows(customer)).toBe(false);
    await shot(customer, 'access-review-detail-390');

    step('the system admin exports and closes');
    // The system admin exports the evidence, then closes the review.
    await admin.reload();
    await admin.waitForSelector('[data-testid="review-item"]');
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.click('[data-testid="review-export"]'),
    ]);
    expect(download.suggestedFilename()).toBe('access-review-q1-access-review.csv');
    const downloaded = await download.path();
    const csv = await readFile(downloaded, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('party,email,name,role,decision,decided_by,decided_at');
    expect(csv).toContain(keepUser.email);

    // Closing would suspend the admin too while its own access is unattested: the confirmation says so.
    await admin.click('[data-testid="review-close"]');
    await admin.waitForSelector('[data-testid="review-close-self"]');
    await admin.click('[data-testid="review-close-confirm"] >> text=Cancel');
    // Another system admin attests it (over the API), as one's own access is never one's to attest.
    const second = client(s.srv.origin);
    await second.auth.login.mutate(secondSysAdmin);
    const own = await second.accessReviews.items.query({ reviewId: reviewPath.split('/').at(-1) ?? '' });
    const ownItem = own.items.find((i) => i.userId === sysAdmin.userId);
    if (!ownItem) throw new Error('no item of the system admin');
    await second.accessReviews.decide.mutate({ itemId: ownItem.id, decision: 'keep' });
    await admin.reload();
    await admin.waitForSelector('[data-testid="review-item"]');

    await admin.click('[data-testid="review-close"]');
    const closeConfirm = admin.locator('[data-testid="review-close-confirm"]');
    expect(await closeConfirm.locator('[data-testid="review-close-self"]').count()).toBe(0);
    expect(await closeConfirm.textContent()).toContain('unattested users will be suspended');
    await closeConfirm.locator('[data-testid="review-close-yes"]').click();
    await expect
      .poll(() => admin.textContent('[data-testid="review-status"]'))
      .toBe('Review closed: 3 items expired, 3 users suspended.');
    await admin.waitForSelector('.detail-header .badge-closed');
    expect(await admin.locator('[data-testid="review-keep"]').count()).toBe(0);
    await shot(admin, 'access-review-closed');

    expect(s.problems).toEqual([]);
  }, 60_000);
});
