import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { navTo, newPage, shot, signIn, useBrowserSuite } from './support/browser.ts';

/**
 * A fresh install with no demo data, in the built SPA: the setup link makes the first system admin, who
 * invites an approver, an auditor and an operator from the Users page (roles it does not hold itself),
 * and the approver accepts and signs in to its approvals. Screenshots land in test-results/.
 */
const s = useBrowserSuite();

async function invitationLink(ownerUrl: string, to: string): Promise<string> {
  const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await owner<{ body_text: string }[]>`
      select body_text from mail_outbox where to_address = ${to} and kind = 'invitation'`;
    return /(http:\/\/\S+\/accept-invitation#token=[a-z2-7.]+)/.exec(row?.body_text ?? '')?.[1] ?? '';
  } finally {
    await owner.end();
  }
}

describe('a fresh install', () => {
  it('the first system admin staffs approver, auditor and operator; the approver joins', {
    timeout: 120_000,
  }, async () => {
    expect(s.srv.setupLink).toBeTruthy();
    const page = await newPage(s);
    await page.goto(s.srv.setupLink as string);
    await page.fill('#setup-organisation', 'Northwind Manufacturing');
    await page.fill('#setup-name', 'First Admin');
    await page.fill('#setup-email', 'first.admin@fresh.example');
    await page.fill('#setup-password', 'correct horse battery staple');
    await page.fill('#setup-confirm', 'correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sign-in/);
    await signIn(page, s.srv.origin, 'first.admin@fresh.example', 'correct horse battery staple');

    await page.goto(`${s.srv.origin}/users`);
    for (const role of ['approver', 'auditor', 'operator']) {
      await page.locator('[data-testid="invite-open"]').click();
      const dialog = page.locator('[data-testid="invite-dialog"]');
      await dialog.waitFor();
      await page.fill('#invite-email', `${role}@fresh.example`);
      await page.fill('#invite-name', `New ${role}`);
      await page.locator(`#invite-role-${role}`).check();
      if (role === 'approver') await shot(page, 'fresh-install-invite-approver');
      await page.locator('[data-testid="invite-dialog"] button[type="submit"]').click();
      await dialog.waitFor({ state: 'detached' });
      await expect
        .poll(() => page.locator('[data-testid="users-status"]').textContent())
        .toContain(`Invitation sent to ${role}@fresh.example`);
    }
    await expect.poll(() => page.locator('[data-testid="user-row"]').count()).toBe(4);
    await shot(page, 'fresh-install-users');

    const link = await invitationLink(s.srv.ownerUrl, 'approver@fresh.example');
    expect(link).toMatch(/\/accept-invitation#token=/);
    const approver = await newPage(s);
    await approver.goto(link);
    await approver.locator('[data-testid="invitation-form"]').waitFor();
    await approver.fill('#invitation-new-password', 'quiet harbour lantern 58');
    await approver.fill('#invitation-confirm-password', 'quiet harbour lantern 58');
    await approver.keyboard.press('Enter');
    await approver.waitForSelector('[data-testid="nav-approvals"]');
    await navTo(approver, 'nav-approvals');
    await approver.waitForURL(/\/approvals$/);
    await approver.waitForSelector('[data-testid="tab-approvals-mine"]');
    await shot(approver, 'fresh-install-approver');
    expect(s.problems).toEqual([]);
  });
});
