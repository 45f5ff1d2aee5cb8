import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer } from './harness.ts';

/**
 * The shared setup of the browser tests: the built SPA (pnpm test builds it first) in Debian's chromium
 * against the real server. Screenshots land in test-results/ as artifacts to look at.
 */
export const SHOTS = path.resolve(import.meta.dirname, '../../test-results');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type BrowserSuite = {
  srv: Awaited<ReturnType<typeof startTestServer>>;
  browser: Browser;
  /** Console errors and page errors of every page opened with `newPage`; a test expects it empty. */
  problems: string[];
  /** Console errors matching this are expected (failed loads with these statuses) and not collected. */
  allowedConsole: RegExp;
};

/**
 * One chromium per test worker (CHROMIUM_PATH overrides the Debian path), launched by the worker's first
 * browser file and used by the ones after it: with `isolate: false` this module, and so the browser, lives as
 * long as the worker, and chromium is killed with it (Playwright's exit handler; the pipe it talks through
 * closes too). A launch and a close took about 1.1 s per file at load 12 (docs/testing.md, "Where the
 * suite's time goes"). A file sees nothing of another's: every page is in a browser context of its own
 * (cookies, storage, cache), and a file's contexts are closed when it ends. A browser that went away is
 * launched again.
 */
let sharedBrowser: Promise<Browser> | undefined;
function workerBrowser(): Promise<Browser> {
  sharedBrowser ??= chromium
    .launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
    .then((b) => {
      b.once('disconnected', () => {
        sharedBrowser = undefined;
      });
      return b;
    })
    .catch((e: unknown) => {
      sharedBrowser = undefined;
      throw e;
    });
  return sharedBrowser;
}

/**
 * Registers beforeAll/afterAll that start the test server and take the worker's chromium (above), and after
 * the file stop the server and close every browser context the file opened. The fields of the returned
 * object are set by the hook: read them inside tests and hooks. A file's own seeding goes in a beforeAll
 * registered after this call.
 */
export function useBrowserSuite(
  env: Record<string, string> = {},
  opts: { allowedConsole?: RegExp; server?: Parameters<typeof startTestServer>[1] } = {},
): BrowserSuite {
  const s = { problems: [] as string[], allowedConsole: opts.allowedConsole ?? /status of 40[134]/ } as BrowserSuite;
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    s.srv = await startTestServer(env, opts.server);
    s.browser = await workerBrowser();
  });
  afterAll(async () => {
    // Files run one after another in a worker, so every context open now is this file's.
    if (s.browser?.isConnected()) await Promise.all(s.browser.contexts().map((c) => c.close()));
    await s.srv?.close();
  });
  return s;
}

/**
 * A page in a browser context of its own (its own cookies): two people at two computers. Console errors
 * (but the suite's allowed ones) and page errors go to `s.problems`. `timeout`: the page's default
 * timeout (null: Playwright's own); `closesWithPage`: the context is closed when the page is; `locale`: the
 * browser's language and date convention (en-GB by default).
 */
export async function newPage(
  s: BrowserSuite,
  opts: {
    width?: number;
    height?: number;
    acceptDownloads?: boolean;
    timeout?: number | null;
    closesWithPage?: boolean;
    /** The browser's locale (dates follow it): en-GB unless a test is about another. */
    locale?: string;
    /** The browser's time zone (IANA): the machine's unless a test is about another. */
    timeZone?: string;
  } = {},
): Promise<Page> {
  const { width = 1280, height = 800, acceptDownloads, timeout = 10_000, closesWithPage = false } = opts;
  const contextOptions = {
    viewport: { width, height },
    locale: opts.locale ?? 'en-GB',
    ...(opts.timeZone ? { timezoneId: opts.timeZone } : {}),
    ...(acceptDownloads ? { acceptDownloads } : {}),
  };
  const page = closesWithPage
    ? await s.browser.newPage(contextOptions)
    : await (await s.browser.newContext(contextOptions)).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !s.allowedConsole.test(m.text())) s.problems.push(m.text());
  });
  page.on('pageerror', (e) => s.problems.push(e.message));
  if (timeout !== null) page.setDefaultTimeout(timeout);
  return page;
}

/** Signs in through the form; waits until signed in unless `wait: false` (a wrong password, a second factor). */
export async function signIn(page: Page, origin: string, email: string, password: string, opts = { wait: true }) {
  await page.goto(`${origin}/`);
  await page.waitForURL(/\/sign-in/);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.keyboard.press('Enter');
  if (opts.wait) await page.waitForSelector('[data-testid="sign-out"]');
}

/**
 * Horizontal scrolling at the page's current width: false when there is none, otherwise the widest elements
 * that reach past the viewport (tag, test id or class, right edge), so a failing `toBe(false)` names them.
 */
export const overflows = (page: Page): Promise<false | string> =>
  page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth + 1) return false;
    const past = [...document.querySelectorAll('body *')]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter((x) => x.right > window.innerWidth + 1)
      .sort((a, b) => b.right - a.right)
      .slice(0, 5)
      .map(({ el, right }) => {
        const id = el.getAttribute('data-testid') ?? el.getAttribute('class') ?? '';
        return `${el.tagName.toLowerCase()}[${id}] to ${Math.round(right)}px`;
      });
    return `page ${document.documentElement.scrollWidth}px wide at ${window.innerWidth}px: ${past.join('; ')}`;
  });

/**
 * A screenshot to test-results/<name>.jpg, of the full page unless `fullPage: false`. JPEG at quality 85, not
 * PNG: the browser tier takes about 200 of them, nothing compares their pixels, and a PNG took about 1.5x as
 * long (docs/testing.md, "Where the suite's time goes").
 */
export const shot = (page: Page, name: string, opts = { fullPage: true }) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.jpg`), quality: 85, fullPage: opts.fullPage });

/**
 * Follows a main-navigation link by its test id. With many links the navigation groups them into menus:
 * then the link's menu is opened first, as a user would.
 */
export async function navTo(page: Page, testId: string) {
  const link = page.locator(`[data-testid="${testId}"]`);
  await link.waitFor({ state: 'attached' });
  if (!(await link.isVisible())) {
    await page.locator('.nav-menu', { has: link }).locator('button.nav-menu-button').click();
  }
  await link.click();
}
