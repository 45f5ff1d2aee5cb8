import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PERMISSIONS } from '@gatehouse/contract';
import { demoRepo, ordersRepo, policiesRepo } from '@gatehouse/db';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { Page } from 'playwright-core';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, codeOf, createPartyWithUser, SYSTEM, signedInMe } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * The built SPA (pnpm test builds it first) in Debian's chromium against the real server.
 * Screenshots land in test-results/ as artifacts to look at.
 */
let customer: Awaited<ReturnType<typeof createPartyWithUser>>;
let other: Awaited<ReturnType<typeof createPartyWithUser>>;

const s = useBrowserSuite({}, { allowedConsole: /status of 40[13]/ });

beforeAll(async () => {
  customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  other = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  await s.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 75, 'EUR');
    await demoRepo.generateOrders(tx, other.partyId, 20, 'USD');
  });
});

/** A page whose context closes with it, on Playwright's default timeout (`newPage(s)`: 10 s, context kept). */
const plainPage = (width?: number, height?: number) =>
  newPage(s, { width, height, timeout: null, closesWithPage: true });

/** Submits the sign-in form without waiting to be signed in: some sign-ins here fail or ask for a second factor. */
const submitSignIn = (page: Page, email: string, password: string) =>
  signIn(page, s.srv.origin, email, password, { wait: false });

/** The current TOTP code of a base32 secret on the server's clock (moved by tests, never waited for). */
const totpNow = (secret: string) =>
  generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(s.srv.clock.now() / 30_000)), 6);

/** Waits for the mail worker to write a mail file whose text matches; returns it decoded (quoted-printable). */
async function mailTo(address: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const files = await readdir(s.srv.config.mail.fileDir).catch(() => [] as string[]);
    for (const f of files) {
      const text = (await readFile(path.join(s.srv.config.mail.fileDir, f), 'utf8'))
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
      if (text.includes(`To: ${address}`)) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address}`);
}

/** A customer administrator signed in over the API, to invite users; `totp`: with a second factor set up. */
async function customerAdmin(opts: { totp: boolean }) {
  const admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
  const api = client(s.srv.origin);
  signedInMe(await api.auth.login.mutate(admin));
  if (opts.totp) {
    const { secret } = await api.auth.twoFactor.beginTotp.mutate({ password: admin.password });
    await api.auth.twoFactor.confirmTotp.mutate({ code: totpNow(secret) });
    s.srv.clock.advance(30_000); // that code's time step is spent
  }
  return { admin, api };
}

/** The party's own security policy (a party may only tighten the roles' policies). */
const setPartyPolicy = (partyId: string, policy: { requireTotp?: true; ipAllowlist?: string[] }) =>
  s.srv.db.tx(SYSTEM, (tx) =>
    policiesRepo.setParty(tx, partyId, {
      requireTotp: policy.requireTotp ?? null,
      sessionIdleMinutes: null,
      sessionAbsoluteHours: null,
      ipAllowlist: policy.ipAllowlist ?? null,
    }),
  );

/** What has keyboard focus: `tag#id[name]` and its text, to follow a keyboard-only pass. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const name = el.getAttribute('name');
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${name ? `[${name}]` : ''} ${el.textContent?.trim() ?? ''}`.trim();
  });

/** Expected failures (a 400 for a wrong code) are logged by Chromium as failed loads: drop those only. */
function allowFailedLoads(from: number, status: number) {
  const pattern = new RegExp(`status of ${status}`);
  s.problems.push(...s.problems.splice(from).filter((p) => !pattern.test(p)));
}

describe('the SPA in a real browser', () => {
  it('is served with edge-friendly cache rules', async () => {
    const index = await fetch(`${s.srv.origin}/orders`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toMatch(/no-(store|cache)/);
    const html = await index.text();
    const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    const js = await fetch(`${s.srv.origin}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    expect((await fetch(`${s.srv.origin}/assets/missing-abc123.js`)).status).toBe(404);
  });

  it('a wrong password shows the one generic message', async () => {
    const page = await plainPage();
    await submitSignIn(page, customer.email, 'definitely-not-it');
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain('Email or password is incorrect.');
    await page.close();
  });

  it('a customer signs in, sees only its own orders, opens one, then its invoices', async () => {
    const page = await plainPage();
    await submitSignIn(page, customer.email, customer.password);
    await page.waitForURL(/\/$/); // home first, then the orders
    await navTo(page, 'nav-orders');
    await page.waitForURL(/\/orders$/);
    await page.locator('[data-testid="order-row"]').first().waitFor();
    const first = await s.srv.db.read({ kind: 'party', partyId: customer.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 50 }),
    );
    const shown = await page.locator('[data-testid="order-row"]').count();
    expect(shown).toBe(50);
    const text = await page.locator('[data-testid="orders-table"]').textContent();
    expect(text).toContain(first.items[0]?.number);
    expect(text).not.toContain('USD'); // the other party's currency never shows
    await shot(page, 'orders-list');

    await page.getByRole('button', { name: /load more/i }).click();
    await expect.poll(() => page.locator('[data-testid="order-row"]').count()).toBe(75);

    await page.locator('[data-testid="order-row"] a').first().click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    // The heading says "Order" while loading, then the number: wait for the loaded state.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(first.items[0]?.number);
    await shot(page, 'order-detail');

    await page
      .getByRole('link', { name: /invoices/i })
      .first()
      .click();
    await page.waitForURL(/\/invoices$/);
    await page.locator('[data-testid="invoices-table"]').waitFor();
    await shot(page, 'invoices-list');
    await page.close();
  });

  it("another party's order id shows not found", async () => {
    const theirs = await s.srv.db.read({ kind: 'party', partyId: other.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 1 }),
    );
    const page = await plainPage();
    await submitSignIn(page, customer.email, customer.password);
    await page.waitForURL(/\/$/); // home: what waits for this user
    await page.goto(`${s.srv.origin}/orders/${theirs.items[0]?.id}`);
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toMatch(/not found/i);
    await page.close();
  });

  it('works on a phone-sized screen', async () => {
    const page = await plainPage(375, 812);
    await submitSignIn(page, customer.email, customer.password);
    await page.waitForURL(/\/$/); // home first, then the orders
    await navTo(page, 'nav-orders');
    await page.waitForURL(/\/orders$/);
    await page.locator('[data-testid="order-row"]').first().waitFor();
    await shot(page, 'orders-mobile');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await page.close();
  });

  it('an ended session sends the user back to sign-in', async () => {
    const page = await plainPage();
    await submitSignIn(page, customer.email, customer.password);
    await page.waitForURL(/\/$/); // home: what waits for this user
    s.srv.clock.advance(13 * 3_600_000);
    await page.goto(`${s.srv.origin}/invoices`);
    await page.waitForURL(/\/sign-in/);
    s.srv.clock.advance(-13 * 3_600_000);
    await page.close();
  });

  it('the profile lists sessions, signs out another one and changes the password', async () => {
    const step = steps();
    step('sign in and a second session');
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await plainPage();
    await submitSignIn(page, user.email, user.password);
    await page.waitForURL(/\/$/); // home: what waits for this user
    // A second session elsewhere, from another kind of device.
    const second = client(s.srv.origin, {
      headers: {
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
    });
    signedInMe(await second.auth.login.mutate({ email: user.email, password: user.password }));

    await page.locator('[data-testid="nav-profile"]').click();
    await page.waitForURL(/\/profile$/);
    const rows = page.locator('[data-testid="session-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('[data-testid="this-device"]').count()).toBe(1);
    expect(await page.locator('[data-testid="session-row"][data-current="true"]').textContent()).toContain(
      'Chrome on Linux',
    );

    await shot(page, 'profile-sessions');
    await page.getByRole('button', { name: 'Sign out session from Firefox on macOS' }).click();
    await expect
      .poll(() => page.locator('[data-testid="sessions-status"]').textContent())
      .toContain('Signed out the session from Firefox on macOS.');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await codeOf(second.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await page.locator('[data-testid="revoke-others"]').isDisabled()).toBe(true);

    step('change the password: rules and refusals');
    // Rules are checked before anything is sent.
    await page.fill('input[name="currentPassword"]', user.password);
    await page.fill('input[name="newPassword"]', 'short');
    await page.fill('input[name="confirmPassword"]', 'short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.locator('[data-testid="password-error"]').textContent())
      .toBe('Use at least 12 characters.');

    // A wrong current password is the server's 400, which Chromium logs as a failed load: expected here.
    const newPassword = 'correct horse battery staple';
    const logged = s.problems.length;
    await page.fill('input[name="currentPassword"]', 'not-my-password');
    await page.fill('input[name="newPassword"]', newPassword);
    await page.fill('input[name="confirmPassword"]', newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.locator('[data-testid="password-error"]').textContent())
      .toBe('Your current password is not correct.');
    s.problems.push(...s.problems.splice(logged).filter((p) => !/status of 400/.test(p)));

    await page.fill('input[name="currentPassword"]', user.password);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid="password-changed"]').textContent())
      .toBe('Password changed. You were signed out everywhere else.');
    expect(await page.locator('[data-testid="password-error"]').count()).toBe(0);
    expect(await page.inputValue('input[name="currentPassword"]')).toBe('');
    expect(await page.inputValue('input[name="newPassword"]')).toBe('');
    await expect.poll(() => rows.count()).toBe(1);
    await shot(page, 'profile');

    step('only the new password works');
    // Only the new password works; this browser stayed signed in (a new session cookie).
    const third = client(s.srv.origin);
    expect(await codeOf(third.auth.login.mutate({ email: user.email, password: user.password }))).toBe('UNAUTHORIZED');
    signedInMe(await third.auth.login.mutate({ email: user.email, password: newPassword }));
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    await shot(page, 'profile-mobile');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await page.locator('[data-testid="revoke-others"]').click();
    await expect
      .poll(() => page.locator('[data-testid="sessions-status"]').textContent())
      .toContain('Signed out 1 other session.');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await codeOf(third.auth.me.query())).toBe('UNAUTHORIZED');
    await page.close();
  });

  it('forgot password by keyboard only: the mailed link sets a new password, which then signs in', async () => {
    const step = steps();
    step('sign-in tab order');
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await plainPage();
    await page.goto(`${s.srv.origin}/sign-in`);
    await page.locator('input[name="email"]').waitFor();
    // Sign-in tab order: email, password, the button, then "Forgot your password?".
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a Forgot your password?');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/forgot-password$/);
    // Each screen is its own chunk: the address changes first, the screen (and its title) once it loaded.
    await page.locator('input#forgot-email').waitFor();
    expect(await page.title()).toBe('Reset your password · Gatehouse');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input#forgot-email[email]');
    await shot(page, 'forgot-password');
    step('ask for a reset link');
    // A malformed address is caught before anything is sent.
    await page.keyboard.type('not-an-address');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#forgot-error').textContent())
      .toBe('Enter the email address you sign in with.');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Enter');
    const sent = page.locator('[data-testid="forgot-sent"]');
    await expect
      .poll(() => sent.textContent())
      .toBe('If an account exists for that address, we have sent a link to it. The link works once, for 30 minutes.');
    expect(await focused(page)).toBe('h1 Check your email');
    await shot(page, 'forgot-password-sent');

    // An unknown address gets exactly the same answer.
    await page.getByRole('button', { name: 'try another address' }).click();
    expect(await focused(page)).toBe('input#forgot-email[email]');
    await page.fill('input[name="email"]', 'nobody-at-all@test.example');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => sent.textContent())
      .toBe('If an account exists for that address, we have sent a link to it. The link works once, for 30 minutes.');

    const mail = await mailTo(user.email);
    const link = /(http:\/\/\S+\/reset-password#token=[a-z2-7.]+)/.exec(mail)?.[1] as string;
    expect(link.startsWith(`${s.srv.origin}/reset-password#token=`)).toBe(true);
    await page.goto(link);
    await page.locator('[data-testid="reset-form"]').waitFor();
    step('the mailed link sets a new password');
    // The token leaves the address bar (and so the history) at once.
    await expect.poll(() => page.url()).toBe(`${s.srv.origin}/reset-password`);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input#reset-new-password[newPassword]');
    const newPassword = 'a brand new passphrase for me';
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input#reset-confirm-password[confirmPassword]');
    await page.keyboard.type('a brand new passphrase for mE');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#reset-error').textContent()).toBe('The two passwords do not match.');
    expect(await focused(page)).toBe('input#reset-confirm-password[confirmPassword]');
    await shot(page, 'reset-password-error');
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/sign-in$/);
    await expect
      .poll(() => page.locator('[data-testid="sign-in-notice"]').textContent())
      .toBe('Password changed. Sign in with your new password.');
    await shot(page, 'sign-in-after-reset');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input#sign-in-email[email]');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/$/); // home: what waits for this user

    step('the link was single use');
    // The link was single use: opening it again says so at once (no form to fill in first), with a way
    // to ask for a new one, and without a failed request in the console.
    await page.goto(link);
    const problem = page.locator('[data-testid="reset-link-problem"]');
    await expect.poll(() => problem.textContent()).toContain('This link has been used or has expired.');
    expect(await page.locator('input[name="newPassword"]').count()).toBe(0);
    expect(await problem.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe(
      '/forgot-password',
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'reset-password-invalid-mobile');
    expect(await overflows(page)).toBe(false);
    await page.close();
  });

  it('sets up two-factor authentication from the profile with the QR code, then signs in with a code', async () => {
    const step = steps();
    step('sign in and open the enrolment');
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await plainPage();
    await submitSignIn(page, user.email, user.password);
    await page.waitForURL(/\/$/); // home: what waits for this user
    await page.locator('[data-testid="nav-profile"]').click();
    await page.waitForURL(/\/profile$/);
    const panel = page.locator('[data-testid="two-factor-panel"]');
    await panel.locator('[data-testid="two-factor-off"]').waitFor();
    await panel.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    expect(await focused(page)).toBe('h3 Step 1 of 3: confirm it is you');
    await page.fill('#two-factor-password', user.password);
    await page.keyboard.press('Enter');

    const qr = page.locator('svg[data-testid="totp-qr"]');
    await qr.waitFor();
    expect(await qr.getAttribute('role')).toBe('img');
    expect((await qr.locator('path').getAttribute('d'))?.length).toBeGreaterThan(500);
    const box = await qr.boundingBox();
    expect(box?.width).toBeGreaterThan(150);
    const shown = (await page.locator('[data-testid="totp-secret"]').textContent()) as string;
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/); // grouped in fours for reading and typing
    const secret = shown.replace(/\s+/g, '');
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'two-factor-scan');

    step('a wrong code, then the right one');
    // A wrong code is refused with the server's words; the right one turns it on.
    const logged = s.problems.length;
    const wrong = String((Number(totpNow(secret)) + 1) % 1_000_000).padStart(6, '0');
    await page.fill('#totp-code', wrong);
    await page.keyboard.press('Enter');
    await page.locator('#totp-code-error').waitFor();
    allowFailedLoads(logged, 400);
    expect(await focused(page)).toBe('input#totp-code[code]');
    await page.fill('#totp-code', totpNow(secret));
    await page.keyboard.press('Enter');

    const codes = page.locator('[data-testid="recovery-codes"] .codes li');
    await expect.poll(() => codes.count()).toBe(10);
    expect(await focused(page)).toBe('h3 Save your recovery codes');
    const recovery = (await codes.allTextContents()).map((c) => c.trim());
    expect(new Set(recovery).size).toBe(10);
    await shot(page, 'recovery-codes');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="download-codes"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('gatehouse-recovery-codes.txt');
    const file = await readFile((await download.path()) as string, 'utf8');
    for (const code of recovery) expect(file).toContain(code);
    expect(file).toContain(user.email);

    step('leaving before saving the codes');
    // Leaving before "I have saved them" asks first; declining keeps the codes on screen.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await navTo(page, 'nav-orders');
    await expect.poll(() => asked).toContain('shown only now');
    expect(page.url()).toMatch(/\/profile$/);
    expect(await codes.count()).toBe(10);
    await page.locator('[data-testid="codes-saved"]').click();
    await expect
      .poll(() => page.locator('[data-testid="two-factor-status-message"]').textContent())
      .toContain('Two-factor authentication is on.');
    await expect.poll(() => panel.locator('[data-testid="recovery-left"]').textContent()).toContain('10 of 10');
    await shot(page, 'two-factor-on');

    step('sign in with a code');
    // Sign out, and back in: the password now asks for a code from the app.
    s.srv.clock.advance(30_000); // the enrolment code's time step is spent
    await page.locator('[data-testid="sign-out"]').click();
    await page.waitForURL(/\/sign-in$/);
    await page.fill('input[name="email"]', user.email);
    await page.fill('input[name="password"]', user.password);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="second-factor-form"]').waitFor();
    await page.fill('#sign-in-code', totpNow(secret));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/$/); // home: what waits for this user

    step('new recovery codes');
    // New recovery codes need the password; the old ones stop working.
    await page.goto(`${s.srv.origin}/security/two-factor`);
    await page.getByRole('button', { name: 'Create new recovery codes' }).click();
    await page.fill('#two-factor-password', user.password);
    await page.keyboard.press('Enter');
    await expect.poll(() => codes.count()).toBe(10);
    const fresh = (await codes.allTextContents()).map((c) => c.trim());
    expect(fresh.some((c) => recovery.includes(c))).toBe(false);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'recovery-codes-mobile');
    expect(await overflows(page)).toBe(false);
    await page.locator('[data-testid="codes-saved"]').click();
    await page.locator('[data-testid="two-factor-on"]').waitFor();
    s.srv.clock.advance(30_000);
    await page.close();
  });

  it('shows the enrolment QR code on a phone-sized screen', async () => {
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await plainPage(390, 844);
    await submitSignIn(page, user.email, user.password);
    await page.waitForURL(/\/$/); // home: what waits for this user
    await page.goto(`${s.srv.origin}/security/two-factor`);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.fill('#two-factor-password', user.password);
    await page.keyboard.press('Enter');
    await page.locator('svg[data-testid="totp-qr"]').waitFor();
    await shot(page, 'two-factor-scan-mobile');
    expect(await overflows(page)).toBe(false);
    await page.close();
  });

  it('sends a user whose organisation requires two-factor authentication straight to enrolment', async () => {
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    await setPartyPolicy(user.partyId, { requireTotp: true });
    const page = await plainPage();
    await page.goto(`${s.srv.origin}/orders`);
    await page.waitForURL(/\/sign-in\?next=%2Forders$/);
    await page.fill('input[name="email"]', user.email);
    await page.fill('input[name="password"]', user.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/security\/two-factor\?next=%2Forders$/);
    await expect
      .poll(() => page.locator('[data-testid="enrolment-reason"]').textContent())
      .toContain('Your organisation requires two-factor authentication');
    expect(await page.title()).toBe('Set up two-factor authentication · Gatehouse');
    // Nowhere else to go: no navigation, no profile link, no way back; sign-out stays.
    expect(await page.locator('[data-testid="nav-orders"]').count()).toBe(0);
    expect(await page.locator('[data-testid="nav-profile"]').count()).toBe(0);
    expect(await page.locator('a.brand').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.locator('[data-testid="sign-out"]').isVisible()).toBe(true);
    await shot(page, 'enrolment-required');
    await page.goto(`${s.srv.origin}/invoices`);
    await page.waitForURL(/\/security\/two-factor\?next=%2Finvoices$/);

    await page.fill('#two-factor-password', user.password);
    await page.keyboard.press('Enter');
    const secret = ((await page.locator('[data-testid="totp-secret"]').textContent()) as string).replace(/\s+/g, '');
    expect(await page.locator('svg[data-testid="totp-qr"]').isVisible()).toBe(true);
    await page.fill('#totp-code', totpNow(secret));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="recovery-codes"] .codes li').count()).toBe(10);
    await shot(page, 'enrolment-required-codes');
    await page.locator('[data-testid="codes-saved"]').click();
    // On to where the user was going, with the whole app back.
    await page.waitForURL(/\/invoices$/);
    await page.locator('[data-testid="invoices-table"], [data-testid="list-empty"]').first().waitFor();
    expect(await page.locator('[data-testid="nav-profile"]').count()).toBe(1);
    s.srv.clock.advance(30_000);
    await page.close();
  });

  it('accepts an invitation from the mailed link and signs the new user in', async () => {
    const { admin, api } = await customerAdmin({ totp: false });
    const email = `invitee-${Date.now()}@test.example`;
    await api.users.invite.mutate({ email, displayName: 'Ines Invitee', roles: ['customer-user'] });
    const mail = await mailTo(email);
    const link = /(http:\/\/\S+\/accept-invitation#token=[a-z2-7.]+)/.exec(mail)?.[1] as string;
    expect(link.startsWith(`${s.srv.origin}/accept-invitation#token=`)).toBe(true);

    const page = await plainPage();
    await page.goto(link);
    const greeting = page.locator('[data-testid="invitation-greeting"]');
    await greeting.waitFor();
    await expect.poll(() => greeting.textContent()).toMatch(/^Join customer \d+ on Gatehouse$/);
    expect(await page.locator('[data-testid="invitation-form"]').textContent()).not.toContain('token');
    expect(await page.inputValue('#invitation-email')).toBe(email);
    await expect.poll(() => page.url()).toBe(`${s.srv.origin}/accept-invitation`);
    const partyName = (await greeting.textContent())?.replace(/^Join | on Gatehouse$/g, '');
    expect(await page.title()).toBe(`Join ${partyName} · Gatehouse`);
    // The rules are checked before sending: nothing from the user's own name.
    await page.fill('#invitation-new-password', 'ines-invitee-password');
    await page.fill('#invitation-confirm-password', 'ines-invitee-password');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#invitation-error').textContent())
      .toBe('Do not use your email address, name or company name in the password.');
    await shot(page, 'accept-invitation');
    const password = 'lantern orchard pebble';
    await page.fill('#invitation-new-password', password);
    await page.fill('#invitation-confirm-password', password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/$/); // home: what waits for this user
    expect(await page.locator('[data-testid="user-name"]').textContent()).toBe('Ines Invitee');
    expect(admin.email).not.toBe(email);

    // The link is spent: opening it again says so, and what to do.
    const logged = s.problems.length;
    await page.goto(link);
    const problem = page.locator('[data-testid="invitation-problem"]');
    await expect.poll(() => problem.textContent()).toContain('This invitation is not valid any more.');
    expect(await problem.textContent()).toMatch(/administrator/);
    allowFailedLoads(logged, 400);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'accept-invitation-invalid-mobile');
    expect(await overflows(page)).toBe(false);
    await page.close();
  });

  it('an invitee whose organisation requires two-factor authentication sets it up right after accepting', async () => {
    const { admin, api } = await customerAdmin({ totp: true });
    await setPartyPolicy(admin.partyId, { requireTotp: true });
    const email = `invited-${Date.now()}@test.example`;
    await api.users.invite.mutate({ email, displayName: 'Ada Lovelace', roles: ['customer-user'] });
    const link = /(http:\/\/\S+\/accept-invitation#token=[a-z2-7.]+)/.exec(await mailTo(email))?.[1] as string;
    const page = await plainPage(390, 844);
    await page.goto(link);
    await page.locator('[data-testid="invitation-form"]').waitFor();
    await shot(page, 'accept-invitation-mobile');
    expect(await overflows(page)).toBe(false);
    await page.fill('#invitation-new-password', 'copper kettle meadow');
    await page.fill('#invitation-confirm-password', 'copper kettle meadow');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/security\/two-factor$/);
    await page.locator('[data-testid="enrolment-required"]').waitFor();
    await shot(page, 'enrolment-required-mobile');
    expect(await overflows(page)).toBe(false);
    await page.close();
  });

  it("says clearly when the organisation does not allow the user's network", async () => {
    const user = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const page = await plainPage();
    await submitSignIn(page, user.email, user.password);
    await page.waitForURL(/\/$/); // home first, then the orders
    await navTo(page, 'nav-orders');
    await page.waitForURL(/\/orders$/);
    await page.locator('[data-testid="list-empty"]').waitFor(); // the first page is in, nothing in flight
    // The list changes while signed in: the next call is refused and the app says why.
    await setPartyPolicy(user.partyId, { ipAllowlist: ['203.0.113.0/24'] });
    const logged = s.problems.length;
    await navTo(page, 'nav-invoices');
    const blocked = page.locator('[data-testid="network-blocked"]');
    await expect.poll(() => blocked.textContent()).toContain('Your network is not allowed');
    expect(await blocked.textContent()).toContain('does not allow access from your current network');
    await shot(page, 'network-blocked');
    // Signing in again from here is refused with the same explanation.
    await page.context().clearCookies();
    await submitSignIn(page, user.email, user.password);
    await expect
      .poll(() => page.locator('[data-testid="sign-in-error"]').textContent())
      .toContain('Your network is not allowed');
    await shot(page, 'sign-in-network-blocked');
    allowFailedLoads(logged, 403);
    await setPartyPolicy(user.partyId, {});
    await page.close();
  });

  it('raised no console errors and no CSP violations', () => {
    expect(
      s.problems.filter((p) => !/Failed to load resource: the server responded with a status of 404/.test(p)),
    ).toEqual([]);
  });
});

describe('user administration in a real browser', () => {
  it("a customer admin lists its party's users, invites one, and deactivates another", async () => {
    const step = steps();
    step('the admin lists its users');
    const admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
    const member = await createPartyWithUser(s.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const outsider = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
    // The member is signed in elsewhere: deactivation must end that session.
    const memberApi = client(s.srv.origin);
    signedInMe(await memberApi.auth.login.mutate(member));
    const logged = s.problems.length;

    const page = await plainPage();
    page.setDefaultTimeout(10_000);
    await submitSignIn(page, admin.email, admin.password);
    await navTo(page, 'nav-users');
    await page.waitForURL(/\/users$/);
    await page.locator('[data-testid="user-row"]').first().waitFor();
    const table = page.locator('[data-testid="users-table"]');
    await expect.poll(() => page.locator('[data-testid="user-row"]').count()).toBe(2);
    expect(await table.textContent()).toContain(member.email);
    expect(await table.textContent()).toContain(admin.email);
    expect(await table.textContent()).not.toContain(outsider.email);
    expect(await table.textContent()).toContain('Customer user');
    expect(await page.title()).toBe('Users · Gatehouse');
    await shot(page, 'users-list');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'users-list-mobile');
    expect(await overflows(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });

    step('the invitation dialog');
    // The invitation dialog: focus moves in, Escape closes it and gives focus back to its button.
    await page.locator('[data-testid="invite-open"]').click();
    const dialog = page.locator('[data-testid="invite-dialog"]');
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toMatch(/^input#invite-email/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button Invite user');

    await page.locator('[data-testid="invite-open"]').click();
    await dialog.waitFor();
    const email = `new-colleague-${Date.now()}@test.example`;
    // A role is required: said in the dialog, nothing sent.
    await page.fill('#invite-email', email);
    await page.fill('#invite-name', 'Nora Newcomer');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#invite-error').textContent()).toBe('Choose at least one role.');
    await page.locator('#invite-role-customer-user').check();
    await shot(page, 'users-invite-dialog');
    await page.locator('[data-testid="invite-dialog"] button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.locator('[data-testid="users-status"]').textContent())
      .toMatch(new RegExp(`^Invitation sent to ${email}; the link is valid until .+\\.$`));
    await expect.poll(() => page.locator('[data-testid="user-row"]').count()).toBe(3);
    const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      const mails = await owner`select kind from mail_outbox where to_address = ${email} and kind = 'invitation'`;
      expect(mails.length).toBe(1);
    } finally {
      await owner.end();
    }

    // Inviting an address that already has an account: the server's refusal is shown in the dialog.
    await page.locator('[data-testid="invite-open"]').click();
    await dialog.waitFor();
    await page.fill('#invite-email', member.email);
    await page.fill('#invite-name', 'Someone Else');
    await page.locator('#invite-role-customer-user').check();
    await page.locator('[data-testid="invite-dialog"] button[type="submit"]').click();
    await expect
      .poll(() => page.locator('#invite-error').textContent())
      .toBe('A user with that email address already exists.');
    await page.locator('[data-testid="invite-dialog"] button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    allowFailedLoads(logged, 409);

    step("the member's page and deactivation");
    // The member's page: details, their session, then deactivation after a confirmation.
    await page.locator('[data-testid="user-row"]', { hasText: member.email }).locator('a').click();
    await page.waitForURL(new RegExp(`/users/${member.userId}$`));
    const title = page.locator('[data-testid="user-title"]');
    await expect.poll(() => title.textContent()).toMatch(/^User \d+$/);
    expect(await page.locator('[data-testid="user-summary"]').textContent()).toContain(member.email);
    expect(await page.locator('[data-testid="user-session-row"]').count()).toBe(1);
    expect(await page.isChecked('#user-role-customer-user')).toBe(true);
    await shot(page, 'user-detail');
    await page.locator('[data-testid="deactivate"]').click();
    await expect.poll(() => focused(page)).toBe('button#confirm-yes Yes, deactivate');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid="user-status"]').textContent())
      .toContain('is deactivated and signed out everywhere.');
    await expect.poll(() => page.locator('.detail-header .badge').textContent()).toBe('Deactivated');
    await page.locator('[data-testid="reactivate"]').waitFor();
    await shot(page, 'user-detail-deactivated');
    expect(await codeOf(memberApi.auth.me.query())).toBe('UNAUTHORIZED');

    step('not its own account, nor another party');
    // Not its own account: the server's words are shown.
    await page.goto(`${s.srv.origin}/users/${admin.userId}`);
    await page.locator('[data-testid="deactivate"]').click();
    await page.locator('#confirm-yes').click();
    await expect.poll(() => page.locator('[data-testid="user-error"]').textContent()).not.toBe(null);
    const refusal = await page.locator('[data-testid="user-error"]').textContent();
    // Another party's user is simply not found.
    await page.goto(`${s.srv.origin}/users/${outsider.userId}`);
    await page.locator('[data-testid="user-not-found"]').waitFor();
    allowFailedLoads(logged, 404);
    expect(refusal).toMatch(/own account/);
    await page.close();
  }, 60_000);

  it('raised no console errors', () => {
    expect(
      s.problems.filter((p) => !/Failed to load resource: the server responded with a status of 404/.test(p)),
    ).toEqual([]);
  });
});

describe('delegated administration, end to end in a real browser', () => {
  it('a customer admin invites a user, who joins, sees only its own orders, and is cut off on deactivation', async () => {
    const step = steps();
    step('two parties with orders');
    const admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
    const stranger = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    await s.srv.db.tx(SYSTEM, async (tx) => {
      await demoRepo.generateOrders(tx, admin.partyId, 5, 'EUR');
      await demoRepo.generateOrders(tx, stranger.partyId, 8, 'USD');
    });
    const ours = await s.srv.db.read({ kind: 'party', partyId: admin.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 5 }),
    );
    // Numbers run per party: the other party's SO-0000008 has no twin here.
    const theirs = await s.srv.db.read({ kind: 'party', partyId: stranger.partyId }, (tx) =>
      ordersRepo.list(tx, { limit: 10 }),
    );
    const theirOnly = theirs.items.find((o) => !ours.items.some((m) => m.number === o.number))?.number;
    expect(theirOnly).toBeDefined();
    const logged = s.problems.length;

    step('the admin invites a colleague');
    // The admin, in the first browser context, invites a colleague through the dialog.
    const adminPage = await newPage(s);
    await submitSignIn(adminPage, admin.email, admin.password);
    await navTo(adminPage, 'nav-users');
    await adminPage.waitForURL(/\/users$/);
    await expect.poll(() => adminPage.locator('[data-testid="user-row"]').count()).toBe(1);
    await adminPage.locator('[data-testid="invite-open"]').click();
    const dialog = adminPage.locator('[data-testid="invite-dialog"]');
    await dialog.waitFor();
    const email = `delegated-${Date.now()}@test.example`;
    await adminPage.fill('#invite-email', email);
    await adminPage.fill('#invite-name', 'Della Delegate');
    await adminPage.locator('#invite-role-customer-user').check();
    await shot(adminPage, 'journey-1-invite');
    await adminPage.locator('[data-testid="invite-dialog"] button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => adminPage.locator('[data-testid="users-status"]').textContent())
      .toContain(`Invitation sent to ${email}`);
    await expect.poll(() => adminPage.locator('[data-testid="user-row"]').count()).toBe(2);

    step('the mailed link');
    // The link, as mailed (the outbox holds the rendered body).
    const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    let link = '';
    try {
      await expect
        .poll(async () => {
          const rows = await owner<{ body_text: string }[]>`
            select body_text from mail_outbox where to_address = ${email} and kind = 'invitation'`;
          link = /(http:\/\/\S+\/accept-invitation#token=[a-z2-7.]+)/.exec(rows[0]?.body_text ?? '')?.[1] ?? '';
          return link;
        })
        .toMatch(/\/accept-invitation#token=/);
    } finally {
      await owner.end();
    }
    expect(link.startsWith(`${s.srv.origin}/accept-invitation#token=`)).toBe(true);

    step('the invitee joins');
    // The invitee, in a second context (its own cookies), joins and sees only its party's orders.
    const inviteePage = await newPage(s);
    await inviteePage.goto(link);
    await inviteePage.locator('[data-testid="invitation-form"]').waitFor();
    expect(await inviteePage.inputValue('#invitation-email')).toBe(email);
    await inviteePage.fill('#invitation-new-password', 'quiet harbour lantern 58');
    await inviteePage.fill('#invitation-confirm-password', 'quiet harbour lantern 58');
    await shot(inviteePage, 'journey-2-accept');
    await inviteePage.keyboard.press('Enter');
    await inviteePage.waitForURL(/\/$/);
    expect(await inviteePage.locator('[data-testid="user-name"]').textContent()).toBe('Della Delegate');
    await navTo(inviteePage, 'nav-orders');
    await expect.poll(() => inviteePage.locator('[data-testid="order-row"]').count()).toBe(5);
    const orders = (await inviteePage.locator('[data-testid="orders-table"]').textContent()) ?? '';
    expect(orders).toContain(ours.items[0]?.number);
    expect(orders).not.toContain(theirOnly);
    expect(orders).not.toContain('USD');
    expect(await inviteePage.locator('[data-testid="nav-users"]').count()).toBe(0); // a user, not an admin
    await shot(inviteePage, 'journey-3-invitee-orders');

    step('the admin deactivates the new user');
    // The admin deactivates the new user from its detail page.
    await adminPage.locator('[data-testid="user-row"]', { hasText: email }).locator('a').click();
    await adminPage.waitForURL(/\/users\/[0-9a-f-]{36}$/);
    await expect.poll(() => adminPage.locator('[data-testid="user-summary"]').textContent()).toContain(email);
    await adminPage.locator('[data-testid="deactivate"]').click();
    await adminPage.locator('#confirm-yes').click();
    await expect
      .poll(() => adminPage.locator('[data-testid="user-status"]').textContent())
      .toContain('is deactivated and signed out everywhere.');
    await shot(adminPage, 'journey-4-deactivated');

    // The invitee's next step is refused: back to sign-in.
    await navTo(inviteePage, 'nav-invoices');
    await inviteePage.waitForURL(/\/sign-in/);
    await inviteePage.locator('input[name="email"]').waitFor();
    await shot(inviteePage, 'journey-5-invitee-signed-out');
    allowFailedLoads(logged, 401);
    await inviteePage.context().close();
    await adminPage.context().close();
  }, 60_000);

  it('a system admin reads the role matrix, creates a custom customer role, makes it non-delegable, deletes it', async () => {
    const sysadmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
    const logged = s.problems.length;
    const page = await newPage(s);
    await submitSignIn(page, sysadmin.email, sysadmin.password);
    await navTo(page, 'nav-roles');
    await page.waitForURL(/\/roles$/);
    const matrix = page.locator('[data-testid="roles-matrix"]');
    await matrix.waitFor();
    expect(await page.title()).toBe('Roles · Gatehouse');
    expect(await page.locator('[data-testid="permission-row"]').count()).toBe(PERMISSIONS.length);
    expect(await matrix.locator('thead th[scope="colgroup"]').allTextContents()).toEqual([
      'Internal roles',
      'Customer roles',
      'Supplier roles',
    ]);
    expect(await page.locator('[data-testid="cell-system-admin-roles:manage"]').getAttribute('data-held')).toBe('true');
    expect(await page.locator('[data-testid="cell-customer-user-orders:read"]').getAttribute('data-held')).toBe('true');
    expect(await page.locator('[data-testid="cell-customer-user-users:manage"]').getAttribute('data-held')).toBeNull();
    expect(await page.locator('[data-testid="role-type-customer-user"]').textContent()).toBe('Built-in');
    await shot(page, 'roles-matrix');

    // A new customer role: only the permissions a customer role may carry are offered.
    await page.locator('[data-testid="role-new"]').click();
    const dialog = page.locator('[data-testid="role-dialog"]');
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toMatch(/^input#role-key/);
    expect(await page.locator('#role-permission-parties-cross').count()).toBe(0);
    await page.selectOption('#role-kind', 'internal');
    expect(await page.locator('#role-delegable').isDisabled()).toBe(true);
    expect(await page.locator('#role-permission-parties-cross').count()).toBe(1);
    await page.selectOption('#role-kind', 'customer');
    // A key that is taken: the server's refusal is shown in the dialog.
    await page.fill('#role-key', 'customer-user');
    await page.fill('#role-name', 'Order viewer');
    await page.locator('#role-delegable').check();
    await page.locator('#role-permission-orders-read').check();
    await page.locator('[data-testid="role-dialog"] button[type="submit"]').click();
    await expect
      .poll(() => page.locator('#role-dialog-error').textContent())
      .toBe('A role customer-user already exists.');
    allowFailedLoads(logged, 409);
    await page.fill('#role-key', 'order-viewer');
    await shot(page, 'roles-new-dialog');
    await page.locator('[data-testid="role-dialog"] button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.locator('[data-testid="roles-status"]').textContent())
      .toBe('Role Order viewer created.');
    const column = page.locator('[data-testid="role-col-order-viewer"]');
    await column.waitFor();
    expect(await column.textContent()).toContain('Order viewer');
    expect(await page.locator('[data-testid="role-type-order-viewer"]').textContent()).toBe('Custom');
    expect(await page.locator('[data-testid="role-holders-order-viewer"]').textContent()).toBe('0');
    expect(await page.locator('[data-testid="cell-order-viewer-orders:read"]').getAttribute('data-held')).toBe('true');
    expect(await page.locator('[data-testid="role-delegable-order-viewer"]').textContent()).toContain('Yes');

    // Not delegable any more.
    await page.getByRole('button', { name: 'Turn off delegation of Order viewer' }).click();
    await expect.poll(() => page.locator('[data-testid="role-delegable-order-viewer"]').textContent()).toMatch(/^No/);
    expect(await page.locator('[data-testid="roles-status"]').textContent()).toContain('is no longer delegable');
    await page.locator('[data-testid="role-col-order-viewer"]').scrollIntoViewIfNeeded();
    await shot(page, 'roles-matrix-custom');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'roles-matrix-mobile');
    expect(await overflows(page)).toBe(false); // only the table scrolls sideways
    await page.setViewportSize({ width: 1280, height: 800 });

    // Deleted after a confirmation.
    await page.locator('[data-testid="role-delete-order-viewer"]').click();
    await page.locator('[data-testid="role-delete-dialog"]').waitFor();
    await shot(page, 'roles-delete-dialog');
    await page.locator('[data-testid="role-delete-confirm"]').click();
    await page.locator('[data-testid="role-delete-dialog"]').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.locator('[data-testid="roles-status"]').textContent())
      .toBe('Role Order viewer deleted.');
    await expect.poll(() => column.count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it('a customer admin sees no Roles link', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'customer', ['customer-admin']);
    const page = await newPage(s);
    await submitSignIn(page, admin.email, admin.password);
    await page.locator('[data-testid="nav-users"]').waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid="nav-roles"]').count()).toBe(0);
    await page.context().close();
  });

  it('raised no console errors', () => {
    expect(
      s.problems.filter((p) => !/Failed to load resource: the server responded with a status of 404/.test(p)),
    ).toEqual([]);
  });
});
