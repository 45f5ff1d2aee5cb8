import { raiseAlert } from '@gatehouse/server/testing';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * The alerts page in the built SPA, Debian's chromium against the real server: a system admin makes
 * another user a system admin (which raises an alert), opens Alerts from the navigation, acknowledges it,
 * and finds it under All with who acknowledged it. Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;

const s = useBrowserSuite();

beforeAll(async () => {
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
});

const alertCard = (page: Page, rule: string) => page.locator(`[data-testid="alert-item"][data-rule="${rule}"]`);

describe('security alerts in the browser', () => {
  it('a system admin sees a new-system-admin alert, acknowledges it and finds it under All', async () => {
    // The cause: the admin makes a colleague a system admin.
    const api = client(s.srv.origin);
    await api.auth.login.mutate({ email: sysAdmin.email, password: sysAdmin.password });
    const newcomer = await createPartyWithUser(s.srv.db, 'internal', [], { partyId: sysAdmin.partyId });
    await api.users.setRoles.mutate({ userId: newcomer.userId, roles: ['system-admin'] });

    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);

    // The posture page counts it and links here.
    await navTo(page, 'nav-security-posture');
    await page.waitForSelector('[data-testid="posture-open-alerts"]');
    expect(await page.textContent('[data-testid="posture-open-alerts"]')).toBe('Open alerts: 1');
    expect(await page.getAttribute('[data-testid="posture-open-alerts"]', 'href')).toBe('/alerts');
    await shot(page, 'alerts-posture-link', { fullPage: false });

    await navTo(page, 'nav-alerts');
    await page.waitForURL(/\/alerts$/);
    expect(await page.textContent('h1')).toBe('Alerts');
    expect(await page.getAttribute('[data-testid="alerts-show-open"]', 'aria-pressed')).toBe('true');
    const card = alertCard(page, 'new-system-admin');
    await card.waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.getAttribute('data-state')).toBe('open');
    // Severity in words, with an icon, not colour alone.
    const severity = await card.locator('[data-testid="alert-severity"]').textContent();
    expect(severity).toMatch(/Info|Warning|Critical/);
    expect(await card.locator('[data-testid="alert-title"]').textContent()).not.toBe('');
    expect(await card.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-/);
    await shot(page, 'alerts');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'alerts-390');
    expect(await overflows(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Acknowledge: updated in place, announced.
    await card.locator('[data-testid="alert-acknowledge"]').click();
    await page.waitForSelector('[data-testid="alerts-announcement"] .notice');
    expect(await page.textContent('[data-testid="alerts-announcement"]')).toMatch(/^Acknowledged: /);
    expect(await card.getAttribute('data-state')).toBe('acknowledged');
    expect(await card.locator('[data-testid="alert-acknowledge"]').count()).toBe(0);
    expect(await card.locator('[data-testid="alert-acknowledged-by"]').textContent()).toBe(sysAdmin.email);
    await shot(page, 'alerts-acknowledged');

    // Under All it is there, with who acknowledged it.
    await page.click('[data-testid="alerts-show-all"]');
    await page.waitForURL(/\/alerts\?show=all$/);
    expect(await page.getAttribute('[data-testid="alerts-show-all"]', 'aria-pressed')).toBe('true');
    await page.waitForSelector('[data-testid="alert-item"][data-rule="new-system-admin"][data-state="acknowledged"]');
    expect(await card.textContent()).toContain(`Acknowledged by ${sysAdmin.email}`);
    await shot(page, 'alerts-all');

    // Back under Open: gone, and the empty state says so.
    await page.click('[data-testid="alerts-show-open"]');
    await page.waitForSelector('[data-testid="list-empty"]');
    expect(await page.textContent('[data-testid="list-empty"]')).toBe('No open alerts — good.');
    expect(await alertCard(page, 'new-system-admin').count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'alerts-empty-390');
    expect(await overflows(page)).toBe(false);

    expect(s.problems).toEqual([]);
  }, 60_000);

  it('a weakened policy shows what changed as the audit entry’s diff does, not as raw JSON', async () => {
    const api = client(s.srv.origin);
    await api.auth.login.mutate({ email: sysAdmin.email, password: sysAdmin.password });
    const policy = { sessionIdleMinutes: null, sessionAbsoluteHours: null, ipAllowlist: null };
    await api.policies.setRole.mutate({ roleKey: 'auditor', requireTotp: true, ...policy });
    await api.policies.setRole.mutate({ roleKey: 'auditor', requireTotp: false, ...policy });

    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await page.goto(`${s.srv.origin}/alerts`);
    const card = alertCard(page, 'policy-weakened');
    await card.waitFor();
    const diff = card.locator('[data-testid="alert-diff"]');
    expect(await diff.count()).toBe(1);
    const row = diff.locator('[data-testid="audit-diff-row"]');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-key')).toBe('requireTotp');
    expect(await row.locator('[data-testid="audit-diff-before"]').textContent()).toBe('true');
    expect(await row.locator('[data-testid="audit-diff-after"]').textContent()).toBe('false');
    // Before and after are no longer printed as JSON blobs among the other details.
    const detailTerms = await card.locator('[data-testid="alert-details"] dt').allTextContents();
    expect(detailTerms).not.toContain('Before');
    expect(detailTerms).not.toContain('After');
    expect(await card.locator('[data-testid="alert-details"]').textContent()).not.toContain('{"');
    await shot(page, 'alerts-policy-diff');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  }, 60_000);

  it('an alert names audit actions by their labels and shows an export’s filters as words', async () => {
    await s.srv.db.tx(SYSTEM, (tx) =>
      raiseAlert(tx, new Date(), {
        rule: 'large-export',
        severity: 'info',
        mail: { key: 'alert.audit_export', values: { by: 'auditor@example.com', rows: '12000' } },
        text: { key: 'large-export.audit', values: { by: 'auditor@example.com', rows: 12000 } },
        details: {
          by: 'auditor@example.com',
          rows: 12000,
          filters: { action: 'mfa.totp_enabled', outcome: 'success' },
        },
      }),
    );
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await page.goto(`${s.srv.origin}/alerts`);
    const card = alertCard(page, 'large-export');
    await card.waitFor();
    const details = (await card.locator('[data-testid="alert-details"]').textContent()) ?? '';
    expect(details).toContain('Action: Authenticator app turned on');
    expect(details).toContain('Outcome: success');
    expect(details).not.toContain('mfa.totp_enabled');
    expect(details).not.toContain('{"');
    expect(s.problems).toEqual([]);
  }, 60_000);
});
