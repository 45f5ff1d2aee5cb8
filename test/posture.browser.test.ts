import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * The security posture page in the built SPA, Debian's chromium against the real server: a system admin
 * opens it from the navigation, reads the checks (most urgent first) and follows a "Fix" link; a customer
 * admin has no link to it. Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;
let customerAdmin: Seeded;

const s = useBrowserSuite();

beforeAll(async () => {
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  customerAdmin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
});

const card = (page: Page, title: string) =>
  page.locator('[data-testid="posture-item"]').filter({
    has: page.locator('[data-testid="posture-title"]', { hasText: title }),
  });

const RANK = { bad: 0, warn: 1, info: 2, good: 3 } as const;

describe('security posture in the browser', () => {
  it('a system admin reads the posture and follows a fix link', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(page, 'nav-security-posture');
    await page.waitForURL(/\/security$/);
    await page.waitForSelector('[data-testid="posture-item"]');
    expect(await page.textContent('h1')).toBe('Security posture');
    expect(await page.textContent('[data-testid="posture-computed"]')).toMatch(/^Computed at \S/);

    // Most urgent first: bad, warn, info, good.
    const statuses = await page
      .locator('[data-testid="posture-item"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status') as keyof typeof RANK));
    expect(statuses.length).toBeGreaterThan(1);
    const ranks = statuses.map((s) => RANK[s]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // The summary strip counts them.
    for (const status of Object.keys(RANK)) {
      const shown = await page.textContent(`[data-testid="posture-count-${status}"] .posture-count-number`);
      expect(Number(shown)).toBe(statuses.filter((s) => s === status).length);
    }

    // Only one system administrator: a warning, in words and not colour alone.
    const admins = card(page, 'Number of system administrators');
    expect(await admins.count()).toBe(1);
    expect(await admins.getAttribute('data-status')).toBe('warn');
    expect(await admins.locator('.posture-card-head [data-testid="posture-status"]').textContent()).toContain(
      'Warning',
    );
    expect(await admins.textContent()).toContain('What good looks like:');

    const allowlists = card(page, 'IP allowlists on privileged roles');
    expect(await allowlists.count()).toBe(1);
    await shot(page, 'posture');

    // Refresh computes again.
    await page.click('[data-testid="posture-refresh"]');
    await page.waitForSelector('[data-testid="posture-refresh"][aria-busy="false"]');
    expect(await page.locator('[data-testid="error-panel"]').count()).toBe(0);

    // On a phone: no horizontal scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'posture-390');
    expect(await overflows(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The allowlists' fix is on the policies page.
    const fix = allowlists.locator('[data-testid="posture-fix"]');
    expect(await fix.getAttribute('href')).toBe('/policies');
    await fix.click();
    await page.waitForURL(/\/policies$/);

    expect(s.problems).toEqual([]);
  }, 60_000);

  it('shows the last backup and restore drill with what the drill checked', async () => {
    const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner`insert into backup_runs (kind, backup_id, started_at, finished_at, ok, bytes, duration_ms, details)
                  values ('backup', 'gatehouse-20261205T020000000Z', now(), now(), true, 5242880, 2100, '{}'),
                         ('verify', 'gatehouse-20261205T020000000Z', now(), now(), true, 5242880, 9400,
                          ${owner.json({ checks: [{ name: 'audit', ok: true, detail: '12 entries in 2 chain(s) verify; 1 signed checkpoint(s) hold' }] })})`;
    } finally {
      await owner.end();
    }
    const page = await newPage(s);
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await navTo(page, 'nav-security-posture');
    await page.waitForSelector('[data-testid="posture-item"]');
    const backups = card(page, 'Last backup and last verified restore');
    expect(await backups.getAttribute('data-status')).toBe('good');
    expect(await backups.locator('[data-testid="posture-summary"]').textContent()).toMatch(
      // Worded by the SPA (admin.posture.backups.*), the instants in the reader's zone (format.ts).
      /^Backed up \S.*\d{4}.*; a restore drill passed \S/,
    );
    const text = await backups.textContent();
    expect(text).toContain('5.0 MB, 2.1 s (gatehouse-20261205T020000000Z)');
    expect(text).toContain('Checked: audit');
    expect(text).toContain('1 signed checkpoint(s) hold');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  }, 60_000);

  it('a customer admin has no link to it', async () => {
    const page = await newPage(s);
    await signIn(page, s.srv.origin, customerAdmin.email, customerAdmin.password);
    await page.waitForSelector('nav[aria-label="Main"]');
    expect(await page.locator('[data-testid="nav-security-posture"]').count()).toBe(0);
    expect(s.problems).toEqual([]);
  }, 30_000);
});
