import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Download, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, shot, signIn, useBrowserSuite } from './support/browser.ts';

/**
 * The whole first week on a fresh install with no demo data, in the built SPA, in one run:
 *  1. the setup link makes the first system admin;
 *  2. they invite two approvers and an auditor, set approval limits, open a supplier account and invite
 *     its admin;
 *  3. the supplier admin asks to change the bank details;
 *  4. two approvers approve it, one per level, and it becomes current;
 *  5. the auditor finds every step by the supplier admin's email and exports it with its manifest.
 * Nothing is done in the database but reading the mail outbox (where a self-hoster without SMTP reads it).
 */
const s = useBrowserSuite({}, { allowedConsole: /status of 40[13]/ });
let owner: postgres.Sql;
beforeAll(() => {
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
});

const ADMIN = { email: 'first.admin@northwind.example', password: 'correct horse battery staple' };
const SUPPLIER_ADMIN = 'anna.castor@castor-metals.example';

async function invitationLink(to: string): Promise<string> {
  const [row] = await owner<{ body_text: string }[]>`
    select body_text from mail_outbox where to_address = ${to} and kind = 'invitation'
    order by created_at desc limit 1`;
  const link = /(http:\/\/\S+\/accept-invitation#token=[a-z2-7.]+)/.exec(row?.body_text ?? '')?.[1];
  if (!link) throw new Error(`no invitation mail to ${to}`);
  return link;
}

/** Opens the invitation link in a browser of its own, sets the password, and lands signed in. */
async function accept(to: string, password: string, acceptDownloads = false): Promise<Page> {
  const page = await newPage(s, { width: 1366, height: 900, acceptDownloads });
  await page.goto(await invitationLink(to));
  await page.locator('[data-testid="invitation-form"]').waitFor();
  await page.fill('#invitation-new-password', password);
  await page.fill('#invitation-confirm-password', password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="nav-profile"]');
  return page;
}

/** Clicks a sensitive action's button; answers the password dialog if the server asks for it. */
async function withPassword(page: Page, password: string, click: () => Promise<void>, done: string) {
  await click();
  const reauth = page.waitForSelector('[data-testid="reauth-dialog"][open]').then(() => 'reauth' as const);
  const finished = page.waitForSelector(done).then(() => 'done' as const);
  if ((await Promise.race([finished, reauth])) === 'reauth') {
    await page.fill('#reauth-password', password);
    await page.keyboard.press('Enter');
    await page.waitForSelector(done);
  }
}

async function invite(page: Page, email: string, name: string, role: string) {
  await page.locator('[data-testid="invite-open"], [data-testid="account-invite"]').first().click();
  const dialog = page.locator('[data-testid="invite-dialog"]');
  await dialog.waitFor();
  await page.fill('#invite-email', email);
  await page.fill('#invite-name', name);
  await page.locator(`#invite-role-${role}`).check();
  await dialog.locator('button[type="submit"]').click();
  await dialog.waitFor({ state: 'detached' });
}

async function approveFromInbox(page: Page, level: string) {
  await navTo(page, 'nav-approvals');
  const row = page.locator('[data-testid="approval-row"][data-type="bank-details-change"]').first();
  await row.waitFor();
  expect(await row.locator('[data-testid="approval-level"]').textContent()).toBe(level);
  await row.locator('[data-testid="approval-link"]').click();
  await page.waitForSelector('[data-testid="approval-approve"]');
  await page.click('[data-testid="approval-approve"]');
  await page.waitForSelector('[data-testid="approval-approve-dialog"][open]');
  await page.fill('#approval-decide-reason', `Level ${level}: called Castor Metals on the number we hold.`);
  await page.click('[data-testid="approval-decide-submit"]');
}

describe('a fresh install, first week', () => {
  it('setup, staffing, a supplier, a bank change through two approvers, and the auditor’s export', {
    timeout: 240_000,
  }, async () => {
    // 1. The one-time setup link makes the first system admin.
    expect(s.srv.setupLink).toBeTruthy();
    const admin = await newPage(s, { width: 1366, height: 900 });
    await admin.goto(s.srv.setupLink as string);
    await admin.fill('#setup-organisation', 'Northwind Manufacturing');
    await admin.fill('#setup-name', 'First Admin');
    await admin.fill('#setup-email', ADMIN.email);
    await admin.fill('#setup-password', ADMIN.password);
    await admin.fill('#setup-confirm', ADMIN.password);
    await admin.keyboard.press('Enter');
    await admin.waitForURL(/\/sign-in/);
    await signIn(admin, s.srv.origin, ADMIN.email, ADMIN.password);
    // Its home is the first-run checklist, with the approver still missing.
    await admin.waitForSelector('[data-testid="home-checklist"]');
    await shot(admin, 'journey-1-checklist');

    // 2. Staff: two approvers (a bank change has two levels) and an auditor, from the Users page.
    await navTo(admin, 'nav-users');
    for (const [email, name, role] of [
      ['ada.approver@northwind.example', 'Ada Approver', 'approver'],
      ['ben.approver@northwind.example', 'Ben Approver', 'approver'],
      ['aud.itor@northwind.example', 'Audrey Auditor', 'auditor'],
    ] as const) {
      await invite(admin, email, name, role);
      await expect
        .poll(() => admin.locator('[data-testid="users-status"]').textContent())
        .toContain(`Invitation sent to ${email}`);
    }
    const ada = await accept('ada.approver@northwind.example', 'quiet harbour lantern 58');
    const ben = await accept('ben.approver@northwind.example', 'amber meadow violin 31');
    const auditor = await accept('aud.itor@northwind.example', 'silver canyon thistle 77', true);

    // Approval limits for both approvers (EUR), on the approval policies page.
    await navTo(admin, 'nav-approval-policies');
    await admin.waitForSelector('[data-testid="limit-form"]');
    for (const email of ['ada.approver@northwind.example', 'ben.approver@northwind.example']) {
      const [u] = await owner<{ id: string }[]>`select id from users where email = ${email}`;
      await admin.selectOption('#limit-user', u?.id as string);
      await admin.fill('#limit-currency', 'EUR');
      await admin.fill('#limit-amount', '250,000.00');
      await withPassword(
        admin,
        ADMIN.password,
        () => admin.click('[data-testid="limit-set"]'),
        `[data-testid="approver-row"][data-user-id="${u?.id}"] [data-testid="approver-limits-cell"]:has-text("250,000.00 EUR")`,
      );
    }

    // A supplier account, and its admin invited from it.
    await navTo(admin, 'nav-accounts');
    await admin.waitForSelector('[data-testid="accounts-table"], .empty');
    await admin.click('[data-testid="account-new"]');
    await admin.click('[data-testid="account-kind-supplier"]');
    await admin.fill('[data-testid="account-name"]', 'Castor Metals GmbH');
    await admin.fill('[data-testid="account-ref"]', 'V-100');
    await withPassword(
      admin,
      ADMIN.password,
      () => admin.click('[data-testid="account-create-submit"]'),
      '[data-testid="account-row"]:has-text("Castor Metals GmbH")',
    );
    // The installation's own organisation is listed too, without account actions.
    expect(await admin.locator('[data-testid="account-row"]').count()).toBe(2);
    expect(await admin.locator('[data-testid="account-invite"]').count()).toBe(1);
    await invite(admin, SUPPLIER_ADMIN, 'Anna Castor', 'supplier-admin');
    await expect.poll(() => admin.textContent('[data-testid="accounts-status"]')).toContain(SUPPLIER_ADMIN);
    await shot(admin, 'journey-2-accounts');

    // 3. The supplier admin joins and asks to change the bank details.
    const sup = await accept(SUPPLIER_ADMIN, 'copper kettle orchard 19');
    await navTo(sup, 'nav-company');
    await sup.waitForSelector('[data-testid="bank-form"]');
    await sup.fill('#bank-accountHolder', 'Castor Metals GmbH');
    await sup.fill('#bank-iban', 'DE89 3704 0044 0532 0130 00');
    await sup.fill('#bank-bic', 'COBADEFFXXX');
    await sup.click('[data-testid="bank-submit"]');
    await sup.waitForSelector('[data-testid="change-request-row"][data-status="pending"]');

    // 4. Two approvers, one per level; then the change is current.
    await approveFromInbox(ada, '1 of 2');
    await ada.waitForFunction(() =>
      document.querySelector('[data-testid="approval-announcement"]')?.textContent?.includes('level 2 of 2'),
    );
    await approveFromInbox(ben, '2 of 2');
    await ben.waitForFunction(
      () => document.querySelector('[data-testid="approval-status"]')?.textContent === 'Approved',
    );
    await sup.reload();
    await sup.waitForSelector('[data-testid="company-iban"]');
    expect(await sup.textContent('[data-testid="company-iban"]')).toBe('DE89 3704 0044 0532 0130 00');
    await shot(sup, 'journey-4-bank-current');

    // 5. The auditor picks the supplier admin by email and finds every step, then exports them.
    await navTo(auditor, 'nav-audit');
    await auditor.waitForSelector('[data-testid="audit-row"]');
    const actorBox = auditor.locator('#audit-actor');
    await actorBox.fill('anna.castor');
    await auditor.waitForSelector('#audit-actor-listbox [role="option"]');
    await actorBox.press('Enter');
    await auditor.waitForURL(/actor=/);
    await expect
      .poll(async () =>
        (await auditor.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.action)))
          .sort()
          .join(','),
      )
      .toContain('change_request.created');
    const mine = await auditor
      .locator('[data-testid="audit-row"]')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.action));
    expect(mine).toContain('change_request.created');
    expect(await auditor.textContent('[data-testid="audit-actor-chosen"]')).toContain(SUPPLIER_ADMIN);
    // The approvers' steps are on the supplier's trail: the auditor narrows to its organisation.
    await shot(auditor, 'journey-5-audit-by-email');
    const partyBox = auditor.locator('#audit-party');
    await partyBox.fill('castor');
    await auditor.waitForSelector('#audit-party-listbox [role="option"]');
    await partyBox.press('Enter');
    await auditor.waitForURL(/party=/);
    await auditor.click('[data-testid="audit-actor-chosen"] button');
    await auditor.waitForURL((u) => !u.searchParams.has('actor'));
    await expect
      .poll(async () =>
        (await auditor.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.action)))
          .filter((a) => a?.startsWith('approval.'))
          .sort(),
      )
      .toEqual(
        expect.arrayContaining(['approval.applied', 'approval.approved', 'approval.approved', 'approval.submitted']),
      );
    await shot(auditor, 'journey-5-audit-by-organisation');

    // Export what is shown: the CSV and its signed manifest.
    const downloads: Download[] = [];
    auditor.on('download', (d) => downloads.push(d));
    await auditor.click('[data-testid="audit-export"]');
    await auditor.waitForSelector('[data-testid="audit-export-count"]');
    await withPassword(
      auditor,
      'silver canyon thistle 77',
      () => auditor.click('[data-testid="audit-export-confirm"]'),
      '[data-testid="audit-export-done"]',
    );
    await expect.poll(() => downloads.length).toBe(2);
    const csvDownload = downloads.find((d) => d.suggestedFilename().endsWith('.csv'));
    const manifestDownload = downloads.find((d) => d.suggestedFilename().endsWith('.manifest.json'));
    const csv = await readFile((await csvDownload?.path()) ?? '', 'utf8');
    const manifest = JSON.parse(
      JSON.parse(await readFile((await manifestDownload?.path()) ?? '', 'utf8')).payload as string,
    ) as { count: number };
    const rows = parse(csv) as string[][];
    expect(rows).toHaveLength(manifest.count + 1);
    expect(csv).toContain('approval.applied');
    await shot(auditor, 'journey-5-exported');
    expect(s.problems).toEqual([]);
  });
});
