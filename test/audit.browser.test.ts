import { createHash, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Download, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * The audit log in the built SPA (pnpm test builds it first), Debian's chromium against the real server: a
 * customer admin reviews its own party's trail, filters it, opens entries and verifies the hash chains.
 * Screenshots land in test-results/ as artifacts to look at.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let sysAdmin: Seeded;
let customerAdmin: Seeded;
let member: Seeded;
let otherParty: Seeded;
let auditor: Seeded;

const s = useBrowserSuite();

beforeAll(async () => {
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  customerAdmin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  member = await createPartyWithUser(s.srv.db, 'customer', ['customer-user'], { partyId: customerAdmin.partyId });
  otherParty = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  auditor = await createPartyWithUser(s.srv.db, 'internal', ['auditor']);
});

/**
 * Each visual line of an element's text (characters grouped by the top of their box): what a reader sees,
 * whatever the markup inside.
 */
const visualLines = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((cells) =>
    cells.map((cell) => {
      const lines = new Map<number, string>();
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width === 0 && rect.height === 0) continue;
          const top = Math.round(rect.top);
          lines.set(top, (lines.get(top) ?? '') + text[i]);
        }
      }
      return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t.trim());
    }),
  );

const actions = (page: Page) =>
  page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));

describe('audit log in the browser', () => {
  it('a customer admin reviews, filters and verifies its own party’s trail', async () => {
    const step = steps();
    step('entries to review');
    // Entries: the member signs in twice and mistypes once; a user of another party signs in too.
    await client(s.srv.origin).auth.login.mutate({ email: member.email, password: member.password });
    await client(s.srv.origin).auth.login.mutate({ email: member.email, password: member.password });
    await client(s.srv.origin)
      .auth.login.mutate({ email: member.email, password: 'not-the-password' })
      .catch(() => undefined);
    await client(s.srv.origin).auth.login.mutate({ email: otherParty.email, password: otherParty.password });
    // A policy change with a before and an after: a system admin grants the member another role.
    const sys = client(s.srv.origin);
    await sys.auth.login.mutate({ email: sysAdmin.email, password: sysAdmin.password });
    await sys.users.setRoles.mutate({ userId: member.userId, roles: ['customer-user', 'customer-admin'] });

    const page = await newPage(s);
    await signIn(page, s.srv.origin, customerAdmin.email, customerAdmin.password);
    await navTo(page, 'nav-audit');
    await page.waitForURL(/\/audit$/);
    await page.waitForSelector('[data-testid="audit-row"]');
    const all = await actions(page);
    expect(all.filter((a) => a === 'auth.login_succeeded').length).toBeGreaterThanOrEqual(3);
    expect(all).toContain('auth.login_failed');
    expect(all).toContain('user.roles_changed');
    const table = (await page.textContent('[data-testid="audit-table"]')) ?? '';
    expect(table).toContain(member.email);
    expect(table).not.toContain(otherParty.email);
    // The system admin's change in this party is marked as cross-party.
    const change = page.locator('[data-testid="audit-row"][data-action="user.roles_changed"]');
    expect(await change.locator('[data-testid="audit-cross-party"]').count()).toBe(1);
    await shot(page, 'audit-list');

    step('failures only, shared link');
    // Failures only: the mistyped password, and the filter is in the address.
    await page.selectOption('#audit-outcome', 'failure');
    await page.waitForURL(/outcome=failure/);
    await expect.poll(() => actions(page)).toEqual(['auth.login_failed']);
    expect(await page.textContent('[data-testid="list-count"]')).toBe('Showing 1 event');
    expect(await page.textContent('[data-testid="audit-row"] [data-testid="audit-outcome"]')).toBe('Failure');
    await shot(page, 'audit-list-failures');

    // A shared link opens the same view.
    const shared = page.url();
    const second = await newPage(s);
    await signIn(second, s.srv.origin, customerAdmin.email, customerAdmin.password);
    await second.goto(shared);
    await second.waitForSelector('[data-testid="audit-row"]');
    expect(await actions(second)).toEqual(['auth.login_failed']);
    expect(await second.inputValue('#audit-outcome')).toBe('failure');

    step('the entry and its chain');
    // The entry: its fields and its place in an intact chain.
    await page.click('[data-testid="audit-link"]');
    await page.waitForURL(/\/audit\/\d+$/);
    await page.waitForSelector('[data-testid="audit-chain"]');
    expect(await page.textContent('h1')).toBe('Sign-in failed');
    expect(await page.textContent('[data-testid="audit-entry-action-key"]')).toBe('auth.login_failed');
    expect(await page.textContent('[data-testid="audit-entry-actor"]')).toContain(member.email);
    expect(await page.getAttribute('[data-testid="audit-entry-actor-filter"]', 'href')).toBe(
      `/audit?actor=${member.userId}`,
    );
    expect(await page.textContent('[data-testid="audit-chain-status"]')).toBe('Intact');
    expect(await page.locator('[data-testid="audit-diff"]').count()).toBe(0);

    step('back keeps the filter; the role change');
    // Back keeps the filter; then the role change shows what changed.
    await page.click('text=← Back to audit log');
    await page.waitForURL(/outcome=failure/);
    await page.selectOption('#audit-outcome', '');
    await page.selectOption('#audit-action', 'user.roles_changed');
    await page.waitForURL(/action=user\.roles_changed/);
    await expect.poll(() => actions(page)).toEqual(['user.roles_changed']);
    await page.click('[data-testid="audit-link"]');
    await page.waitForSelector('[data-testid="audit-diff"]');
    const diff = page.locator('[data-testid="audit-diff-row"]');
    expect(await diff.count()).toBe(1);
    expect(await diff.locator('[data-testid="audit-diff-before"]').textContent()).toBe('["customer-user"]');
    expect(await diff.locator('[data-testid="audit-diff-after"]').textContent()).toBe(
      '["customer-admin","customer-user"]',
    );
    expect(await page.textContent('[data-testid="audit-list-change"]')).toBe('Added: customer-adminRemoved: nothing');
    expect(await page.textContent('[data-testid="audit-chain-status"]')).toBe('Intact');
    await shot(page, 'audit-entry-diff');

    step('another party, verify, phone');
    // An entry of another party is as absent as one that never was.
    await page.goto(`${s.srv.origin}/audit/999999999`);
    await page.waitForSelector('[data-testid="audit-entry-not-found"]');

    // Verify integrity.
    await page.goto(`${s.srv.origin}/audit`);
    await page.waitForSelector('[data-testid="audit-row"]');
    await page.click('[data-testid="audit-verify"]');
    await page.waitForSelector('[data-testid="audit-verify-ok"]');
    expect(await page.textContent('[data-testid="audit-verify-ok"]')).toMatch(/^Intact: \d+ entries in \d+ chains?\.$/);

    // The list on a phone: cards, no horizontal scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'audit-list-390');
    expect(await overflows(page)).toBe(false);

    expect(s.problems).toEqual([]);
  }, 60_000);

  it('at 1366 px a staff reviewer reads whole emails and readable actions grouped by area', async () => {
    // Long addresses in several parties, so the Organisation column is shown too.
    const long = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    await client(s.srv.origin).auth.login.mutate({ email: long.email, password: long.password });
    const page = await newPage(s, { width: 1366, height: 800 });
    await signIn(page, s.srv.origin, auditor.email, auditor.password);
    await page.goto(`${s.srv.origin}/audit`);
    await page.waitForSelector('[data-testid="audit-row"]');

    // Actions read as words; the key stays available as the tooltip.
    const first = page.locator('[data-testid="audit-row"][data-action="auth.login_succeeded"]').first();
    expect(await first.locator('[data-testid="audit-action"]').textContent()).toBe('Signed in');
    expect(await first.locator('[data-testid="audit-action"]').getAttribute('title')).toBe('auth.login_succeeded');
    const table = (await page.textContent('[data-testid="audit-table"]')) ?? '';
    expect(table).not.toContain('auth.login_succeeded');

    // The action filter: optgroups by area with readable options.
    const groups = await page
      .locator('#audit-action optgroup')
      .evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
    expect(groups).toContain('Sign-in and sessions');
    expect(groups).toContain('Two-factor');
    expect(groups.length).toBeGreaterThanOrEqual(8);
    expect(
      await page.locator('#audit-action optgroup[label="Two-factor"] option[value="mfa.totp_enabled"]').textContent(),
    ).toBe('Authenticator app turned on');
    expect(await page.locator('#audit-action > option').count()).toBe(1); // only "All actions" outside a group

    // The actor column: every email on one line, or broken only before its @ (never into fragments).
    const cells = await visualLines(page, '[data-testid="audit-row"] [data-testid="audit-actor"]');
    expect(cells.length).toBeGreaterThan(3);
    for (const lines of cells) {
      const text = lines.join('');
      if (!text.includes('@')) continue;
      expect(lines.length, JSON.stringify(lines)).toBeLessThanOrEqual(2);
      if (lines.length === 2) expect(lines[1]?.startsWith('@'), JSON.stringify(lines)).toBe(true);
    }
    expect(cells.some((lines) => lines.join('') === long.email)).toBe(true);
    await shot(page, 'audit-list-1366');
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  }, 60_000);

  it('an auditor picks the actor and organisation by typing, and exports the filtered trail with its manifest', async () => {
    const step = steps();
    step('the auditor opens the trail');
    const target = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
    const sys = client(s.srv.origin);
    await sys.auth.login.mutate({ email: sysAdmin.email, password: sysAdmin.password });
    await sys.parties.update.mutate({ partyId: target.partyId, name: 'Picker Parts Ltd' });
    for (let i = 0; i < 3; i++)
      await client(s.srv.origin).auth.login.mutate({ email: target.email, password: target.password });

    const page = await newPage(s, { width: 1366, height: 900, acceptDownloads: true });
    await signIn(page, s.srv.origin, auditor.email, auditor.password);
    await page.goto(`${s.srv.origin}/audit`);
    await page.waitForSelector('[data-testid="audit-row"]');

    step('the actor picker');
    // The actor picker: a combobox, searched on the server, chosen with the keyboard.
    const actorBox = page.locator('#audit-actor');
    expect(await actorBox.getAttribute('role')).toBe('combobox');
    expect(await actorBox.getAttribute('aria-expanded')).toBe('false');
    await actorBox.fill(target.email.split('@')[0] ?? '');
    await page.waitForSelector('#audit-actor-listbox [role="option"]');
    expect(await actorBox.getAttribute('aria-expanded')).toBe('true');
    const option = page.locator('#audit-actor-listbox [role="option"]');
    expect(await option.count()).toBe(1);
    expect(await option.first().textContent()).toContain(target.email);
    expect(await option.first().textContent()).toContain('Picker Parts Ltd');
    expect(await actorBox.getAttribute('aria-activedescendant')).toBe('audit-actor-option-0');
    await shot(page, 'audit-actor-options', { fullPage: false });
    await actorBox.press('Enter');
    await page.waitForURL(new RegExp(`actor=${target.userId}`));
    expect(await page.textContent('[data-testid="audit-actor-chosen"]')).toContain(target.email);
    await expect.poll(() => page.locator('[data-testid="audit-row"]').count()).toBe(3);
    const actors = await page.locator('[data-testid="audit-row"] [data-testid="audit-actor"]').allTextContents();
    expect(new Set(actors)).toEqual(new Set([target.email]));

    step('the organisation picker');
    // No match says so; the organisation picker finds by name.
    const partyBox = page.locator('#audit-party');
    await partyBox.fill('no such organisation');
    await page.waitForSelector('[data-testid="audit-party-status"]:has-text("No matches.")');
    await partyBox.fill('picker parts');
    await page.waitForSelector('#audit-party-listbox [role="option"]');
    await partyBox.press('ArrowDown');
    await partyBox.press('Enter');
    await page.waitForURL(new RegExp(`party=${target.partyId}`));
    expect(await page.textContent('[data-testid="audit-party-chosen"]')).toContain('Picker Parts Ltd');
    await shot(page, 'audit-pickers');

    step('export with its manifest');
    // Export: the count first, then the CSV and its signed manifest as two downloads.
    await page.click('[data-testid="audit-export"]');
    await page.waitForSelector('[data-testid="audit-export-count"]');
    expect(await page.textContent('[data-testid="audit-export-count"]')).toMatch(/^3 entries will be exported/);
    const summary = (await page.textContent('[data-testid="audit-export-filters"]')) ?? '';
    expect(summary).toContain(target.email);
    expect(summary).toContain('Picker Parts Ltd');
    await shot(page, 'audit-export-confirm');
    // Changing a filter while it asks counts again: the panel always says what would be exported.
    await page.selectOption('#audit-outcome', 'failure');
    await page.waitForSelector('[data-testid="audit-export-status"]:has-text("No entries match these filters")');
    expect(await page.locator('[data-testid="audit-export-confirm"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="audit-export-filters"]')).toContain('Failure');
    await page.selectOption('#audit-outcome', '');
    await page.waitForSelector('[data-testid="audit-export-count"]');
    expect(await page.textContent('[data-testid="audit-export-count"]')).toMatch(/^3 entries will be exported/);
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.click('[data-testid="audit-export-confirm"]');
    const dialog = page.locator('[data-testid="reauth-dialog"]');
    await Promise.race([
      page.waitForSelector('[data-testid="audit-export-done"]'),
      dialog.waitFor({ state: 'visible' }).then(async () => {
        await page.fill('#reauth-password', auditor.password);
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-testid="audit-export-done"]');
      }),
    ]);
    await expect.poll(() => downloads.length).toBe(2);
    const byName = new Map(downloads.map((d) => [d.suggestedFilename(), d]));
    const csvName = [...byName.keys()].find((n) => n.endsWith('.csv')) ?? '';
    const manifestName = [...byName.keys()].find((n) => n.endsWith('.manifest.json')) ?? '';
    expect(csvName).toMatch(/^gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(manifestName).toBe(csvName.replace(/\.csv$/, '.manifest.json'));
    const csv = await readFile((await byName.get(csvName)?.path()) ?? '', 'utf8');
    const manifestFile = JSON.parse(await readFile((await byName.get(manifestName)?.path()) ?? '', 'utf8')) as {
      payload: string;
      signature: string;
      publicKey: string;
    };
    const manifest = JSON.parse(manifestFile.payload) as { count: number; csvSha256: string; filters: object };
    const rows = parse(csv) as string[][];
    expect(manifest.count).toBe(3);
    expect(rows).toHaveLength(manifest.count + 1);
    expect(rows.slice(1).every((r) => r[3] === target.email)).toBe(true);
    expect(manifest.filters).toMatchObject({ actorUserId: target.userId, partyId: target.partyId });
    expect(manifest.csvSha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(
      verify(
        null,
        Buffer.from(manifestFile.payload),
        manifestFile.publicKey,
        Buffer.from(manifestFile.signature, 'base64'),
      ),
    ).toBe(true);
    expect(await page.textContent('[data-testid="audit-export-done"]')).toContain(csvName);
    await shot(page, 'audit-export-done');

    step('clearing the picker');
    // Clearing the picker (keyboard reachable) removes the filter.
    await page.click('[data-testid="audit-export-close"]');
    await page.click('[data-testid="audit-actor-chosen"] button');
    await page.waitForURL((url) => !url.search.includes('actor='));
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    expect(s.problems).toEqual([]);
  }, 90_000);
});
