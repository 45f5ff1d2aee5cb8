import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser, signedInMe } from './support/harness.ts';

/**
 * The system admin's first-run checklist on an installation with no demo data: every item open at first,
 * each linking to where it is fixed; after the fix-ups (an approver and an auditor, their limits, a second
 * factor for every staff member, allowlists on the internal roles) each is ticked. Mail stays open: this
 * server has no SMTP_URL (test/home.test.ts covers the configured case).
 */
const s = useBrowserSuite();

const totpNow = (secret: string) =>
  generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(s.srv.clock.now() / 30_000)), 6);

type Api = ReturnType<typeof client>;
/** Signs in over the API and enrols a second factor; returns the client and the secret. */
async function enrolled(u: { email: string; password: string }): Promise<{ api: Api; secret: string }> {
  const api = client(s.srv.origin);
  signedInMe(await api.auth.login.mutate(u));
  const { secret } = await api.auth.twoFactor.beginTotp.mutate({ password: u.password });
  await api.auth.twoFactor.confirmTotp.mutate({ code: totpNow(secret) });
  s.srv.clock.advance(30_000); // that code's time step is spent
  return { api, secret };
}

const state = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="checklist-item"]')].map((li) => [
        li.getAttribute('data-key'),
        li.getAttribute('data-done') === 'true',
      ]),
    ),
  );

describe('first-run checklist', () => {
  it('is all open on a fresh install, links to each fix, and is ticked after the fix-ups', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
    const page = await newPage(s, { width: 1366, height: 900 });
    await signIn(page, s.srv.origin, admin.email, admin.password);
    await page.locator('[data-testid="home-checklist"]').waitFor();
    expect(await state(page)).toEqual({
      approver: false,
      auditor: false,
      'approval-limits': false,
      'two-factor': false,
      allowlists: false,
      mail: false,
    });
    expect(await page.textContent('[data-testid="checklist-progress"]')).toContain('0 of 6 done');
    const fixes = await page
      .locator('[data-testid="checklist-fix"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(fixes).toEqual(['/users', '/users', '/approvals/policies', '/security/two-factor', '/policies']);
    await shot(page, 'first-run-checklist-open');
    // The two-factor item leads to enrolment.
    await page.click('[data-testid="checklist-item"][data-key="two-factor"] [data-testid="checklist-fix"]');
    await page.waitForURL(/\/security\/two-factor$/);
    await page.context().close();

    // The fix-ups: staff for the two jobs (invitations are covered elsewhere), limits, 2FA, allowlists.
    const approver = await createPartyWithUser(s.srv.db, 'internal', ['approver'], { partyId: admin.partyId });
    const auditor = await createPartyWithUser(s.srv.db, 'internal', ['auditor'], { partyId: admin.partyId });
    const { api, secret } = await enrolled(admin);
    await enrolled(approver);
    await enrolled(auditor);
    // Enrolling proved the password just now: the sensitive changes need no re-authentication.
    await api.approvalPolicies.setLimit.mutate({ userId: approver.userId, currency: 'EUR', maxMinor: '5000000' });
    for (const roleKey of ['system-admin', 'approver', 'auditor']) {
      await api.policies.setRole.mutate({
        roleKey,
        requireTotp: true,
        sessionIdleMinutes: null,
        sessionAbsoluteHours: null,
        ipAllowlist: ['127.0.0.0/8', '::1/128'],
      });
    }

    const again = await newPage(s, { width: 1366, height: 900 });
    await signIn(again, s.srv.origin, admin.email, admin.password, { wait: false });
    await again.locator('[data-testid="second-factor-form"]').waitFor();
    await again.fill('#sign-in-code', totpNow(secret));
    await again.keyboard.press('Enter');
    await again.locator('[data-testid="home-checklist"]').waitFor();
    expect(await state(again)).toEqual({
      approver: true,
      auditor: true,
      'approval-limits': true,
      'two-factor': true,
      allowlists: true,
      mail: false,
    });
    expect(await again.textContent('[data-testid="checklist-progress"]')).toContain('5 of 6 done');
    expect(await again.locator('[data-testid="checklist-fix"]').count()).toBe(0);
    await shot(again, 'first-run-checklist-done');
    await again.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(again)).toBe(false);
    await shot(again, 'first-run-checklist-done-390');
    expect(s.problems).toEqual([]);
    await again.context().close();
  }, 90_000);
});
