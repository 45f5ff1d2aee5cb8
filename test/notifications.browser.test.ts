import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { client, createPartyWithUser } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';

/**
 * Notifications in the built SPA (issue 19 item 6): a supplier picks "Daily digest" for PO messages on its
 * Profile, so an operator's answer lands in the notification centre but not in the mail outbox; back to "Mail
 * at once", the next answer is mailed (with its one-click unsubscribe headers). The header shows the unread
 * badge, and marking all read in the centre clears it.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let supplier: Seeded;
let operator: Seeded;
let owner: postgres.Sql;

const s = useBrowserSuite({}, { allowedConsole: /status of 40[0349]/ });

beforeAll(async () => {
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-user']);
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await owner?.end();
});

const threadMails = (to: string) =>
  owner<{ subject: string; body_text: string; headers: Record<string, string> | null }[]>`
    select subject, body_text, headers from mail_outbox where to_address = ${to} and kind = 'po-thread-message'
    order by created_at`;

describe('notifications in the browser', () => {
  it('a preference change is honoured (digest, then immediate), and the centre clears the unread badge', async () => {
    const po = await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-NOTIFY-1',
      requestedDate: new Date(s.srv.clock.now() + 10 * 86_400_000).toISOString().slice(0, 10),
      lines: [{ quantity: '4', unitPrice: '2.00' }],
    });
    const op = client(s.srv.origin);
    await op.auth.login.mutate(operator);

    // The supplier chooses a daily digest for PO messages on its Profile.
    const page = await newPage(s);
    await signIn(page, s.srv.origin, supplier.email, supplier.password);
    expect(await page.locator('[data-testid="notifications-badge"]').count()).toBe(0);
    await page.click('[data-testid="nav-profile"]');
    await page.waitForSelector('[data-testid="notification-preferences"] [data-testid="security-mail"]');
    expect(await page.isChecked('[data-testid="pref-po.thread_message-immediate"]')).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'notification-preferences-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.check('[data-testid="pref-po.thread_message-digest"]');
    await page.waitForSelector('[data-testid="notification-prefs-saved"] .notice');
    expect(await page.textContent('[data-testid="notification-prefs-saved"]')).toContain('daily digest');

    // An answer from the buyer: in-app only, no mail now.
    await op.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Digest me, please.' });
    expect(await threadMails(supplier.email)).toEqual([]);
    const [digestRow] = await owner`select mail from notifications where user_id = ${supplier.userId}`;
    expect(digestRow?.mail).toBe('digest');

    // Back to "Mail at once": the next answer is in the mail outbox, with the one-click unsubscribe headers.
    await page.reload();
    await page.waitForSelector('[data-testid="pref-po.thread_message-digest"]:checked');
    await page.check('[data-testid="pref-po.thread_message-immediate"]');
    await page.waitForSelector('[data-testid="notification-prefs-saved"] .notice');
    await op.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Mail me at once.' });
    const mails = await threadMails(supplier.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body_text).toContain('Mail me at once.');
    expect(mails[0]?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    // The header shows two unread; the centre lists them newest first and "Mark all read" clears the badge.
    await page.goto(`${s.srv.origin}/`);
    await page.waitForSelector('[data-testid="notifications-badge"]');
    expect(await page.textContent('[data-testid="notifications-badge"]')).toBe('2');
    await page.click('[data-testid="nav-notifications"]');
    await page.waitForSelector('[data-testid="notifications-list"] [data-testid="notification"]');
    const items = await page.locator('[data-testid="notification"] .notification-body').allTextContents();
    expect(items[0]).toContain('Mail me at once.');
    expect(items[1]).toContain('Digest me, please.');
    expect(await page.locator('[data-testid="notification-unread"]').count()).toBe(2);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflows(page)).toBe(false);
    await shot(page, 'notifications-390');
    await page.click('[data-testid="notifications-mark-all"]');
    await page.waitForSelector('[data-testid="notifications-said"] .notice');
    expect(await page.locator('[data-testid="notification-unread"]').count()).toBe(0);
    await page.waitForSelector('[data-testid="notifications-badge"]', { state: 'detached' });
    expect(s.problems).toEqual([]);
  });
});
