import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * The catalogue's admin part (docs/i18n.md): staff and administration screens bring their strings in a
 * chunk of their own, loaded with the first such page and never on a customer's screens; a language switch
 * reloads it with the rest, so an admin page never shows a key.
 */
const s = useBrowserSuite();

/** The catalogue chunks (main, forms or admin part, any language) the page has fetched so far. */
function catalogueRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r: Request) => {
    const m = /\/assets\/((?:admin\.)?(?:en|de)(?:-forms)?)-[\w-]{8}\.js$/.exec(r.url());
    if (m?.[1]) seen.push(m[1]);
  });
  return seen;
}

describe("the catalogue's admin part", () => {
  it('loads with the first admin page, in the user’s language, and follows a language switch', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    const fetched = catalogueRequests(page);
    await signIn(page, s.srv.origin, admin.email, admin.password);
    // The home page is a portal screen: the main and forms parts (the signed-in shell's) so far.
    expect(fetched.sort()).toEqual(['de', 'de-forms']);

    await page.goto(`${s.srv.origin}/users`);
    await page.waitForSelector('[data-testid="user-row"]');
    expect(await page.textContent('h1')).toBe('Benutzer');
    expect(await page.title()).toMatch(/^Benutzer/);
    expect(fetched).toContain('admin.de');
    expect(fetched).not.toContain('admin.en');

    // Switched to English on the Profile page: the switch loads the admin part with the portal part at once
    // (no reload), and the Users page is English from then on.
    await page.click('a[href="/profile"]');
    await page.waitForSelector('[data-testid="language-form"]');
    await page.selectOption('[data-testid="profile-locale"]', 'en');
    await page.click('[data-testid="language-form"] button[type="submit"]');
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    expect(fetched).toContain('admin.en');
    await page.goto(`${s.srv.origin}/users`);
    await page.waitForSelector('[data-testid="user-row"]');
    expect(await page.textContent('h1')).toBe('Users');
    await page.close();
  });

  it('a customer user walking their screens never fetches the admin part', async () => {
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await newPage(s);
    const fetched = catalogueRequests(page);
    await signIn(page, s.srv.origin, user.email, user.password);
    for (const path of ['/orders', '/invoices', '/shipments']) {
      await page.goto(`${s.srv.origin}${path}`);
      await page.waitForSelector('h1');
    }
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.filter((name) => name.startsWith('admin.'))).toEqual([]);
    await page.close();
  });

  it('a menu the user opened stays open when their record is replaced (a language saved, the first sign-in)', async () => {
    // The shell rebuilt its navigation whenever the user's record was replaced, remounting every menu: a
    // menu opened just after the first sign-in (which stores the browser's language) closed under the click.
    const admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
    const page = await newPage(s);
    await signIn(page, s.srv.origin, admin.email, admin.password);
    await page.goto(`${s.srv.origin}/profile`);
    await page.waitForSelector('[data-testid="language-form"]');
    await page.click('[data-testid="nav-group-admin"]');
    await page.locator('[data-testid="nav-users"]').waitFor({ state: 'visible' });
    // Saved without a click (a click outside would close the menu by design): the record is replaced.
    await page.evaluate(() => {
      const select = document.querySelector<HTMLSelectElement>('[data-testid="profile-locale"]');
      if (select) select.value = 'de';
      document.querySelector<HTMLFormElement>('[data-testid="language-form"]')?.requestSubmit();
    });
    await page.waitForFunction(() => document.documentElement.lang.startsWith('de'));
    expect(await page.locator('[data-testid="nav-users"]').isVisible()).toBe(true);
    expect(await page.getAttribute('[data-testid="nav-group-admin"]', 'aria-expanded')).toBe('true');
    await page.close();
  });
});
