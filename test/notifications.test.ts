import { randomBytes } from 'node:crypto';
import { sendDigests, unsubscribeToken } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';

/**
 * Notifications (issue 19 item 6, docs/notifications.md) through the public procedures and the real mail
 * outbox: one notify() decides who is told (only the event's own party), each recipient's choice per event
 * type (immediate mail, daily digest, off) is honoured, security mail cannot be turned off, and the one-click
 * unsubscribe link (RFC 8058) works without a session, once, and only with its signature intact.
 */
const t = useTestServer();
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function signIn(kind: 'supplier' | 'internal', role: 'supplier-user' | 'operator', partyId?: string) {
  const u = await createPartyWithUser(t.srv.db, kind, [role], partyId ? { partyId } : {});
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
const newPo = (partyId: string) =>
  makePurchaseOrder(t.srv.db, partyId, {
    number: `PO-${randomBytes(3).toString('hex')}`,
    requestedDate: day(10),
    lines: [{ quantity: '10', unitPrice: '5.00' }],
  });
const mailsTo = (to: string) =>
  t.owner<{ kind: string; subject: string; body_text: string; headers: Record<string, string> | null }[]>`
    select kind, subject, body_text, headers from mail_outbox where to_address = ${to} order by created_at`;
const env = () => ({ config: t.srv.services.config, clock: t.srv.clock });

describe('notifications', () => {
  it('tells only the event’s own party, in-app, with unread counts, paging and mark read', async () => {
    const a = await signIn('supplier', 'supplier-user');
    const b = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const poA = await newPo(a.partyId);
    const poB = await newPo(b.partyId);
    await op.c.poThreads.reply.mutate({ purchaseOrderId: poA, message: 'First note for supplier A.' });
    await op.c.poThreads.reply.mutate({ purchaseOrderId: poA, message: 'Second note for supplier A.' });

    // A sees both, newest first; B sees none of A's events (and B's own PO gave it nothing).
    const first = await a.c.notifications.list.query({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.items[0]?.body).toContain('Second note');
    expect(first.items[0]?.link).toBe(`/purchase-orders/${poA}`);
    expect(first.nextCursor).not.toBeNull();
    const second = await a.c.notifications.list.query({ limit: 1, cursor: first.nextCursor ?? undefined });
    expect(second.items[0]?.body).toContain('First note');
    expect((await a.c.notifications.unreadCount.query()).unread).toBe(2);
    expect((await b.c.notifications.list.query({})).items).toEqual([]);
    expect((await b.c.notifications.unreadCount.query()).unread).toBe(0);
    expect(poB).toBeTruthy();

    // B cannot mark A's notification read: another party's id matches nothing.
    const idA = first.items[0]?.id as string;
    expect(await b.c.notifications.markRead.mutate({ ids: [idA] })).toEqual({ marked: 0 });
    expect((await a.c.notifications.unreadCount.query()).unread).toBe(2);
    expect(await a.c.notifications.markRead.mutate({ ids: [idA] })).toEqual({ marked: 1 });
    expect((await a.c.notifications.unreadCount.query()).unread).toBe(1);
    expect(await a.c.notifications.markAllRead.mutate()).toEqual({ marked: 1 });
    expect((await a.c.notifications.list.query({ unreadOnly: true })).items).toEqual([]);
    const [audit] = await t.owner`select count(*)::int as n from audit_events
                                  where action = 'notification.read' and actor_user_id = ${a.userId}`;
    expect(audit?.n).toBe(2);

    // The supplier's message goes to the operators (their own party), not to the other supplier.
    await a.c.poThreads.post.mutate({ purchaseOrderId: poA, message: 'Answer from supplier A.' });
    const opList = await op.c.notifications.list.query({});
    expect(opList.items.some((n) => n.body.includes('Answer from supplier A.'))).toBe(true);
    expect((await b.c.notifications.list.query({})).items).toEqual([]);
  });

  it('honours each person’s choice: immediate mail, daily digest, off', async () => {
    const now = await signIn('supplier', 'supplier-user');
    const digest = await signIn('supplier', 'supplier-user', now.partyId);
    const off = await signIn('supplier', 'supplier-user', now.partyId);
    const op = await signIn('internal', 'operator');
    await digest.c.notifications.setPreference.mutate({ type: 'po.thread_message', mode: 'digest' });
    await off.c.notifications.setPreference.mutate({ type: 'po.thread_message', mode: 'off' });
    const prefs = await digest.c.notifications.preferences.query();
    expect(prefs.items.find((p) => p.type === 'po.thread_message')?.mode).toBe('digest');
    expect(prefs.items.find((p) => p.type === 'document.decided')?.mode).toBe('immediate');
    // Only the types a supplier ever receives are offered; operators see theirs.
    expect(prefs.items.map((p) => p.type)).not.toContain('approval.waiting');
    expect((await op.c.notifications.preferences.query()).items.map((p) => p.type)).toEqual([
      'po.thread_message',
      'approval.waiting',
    ]);

    const po = await newPo(now.partyId);
    await op.c.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Can you ship early?' });

    // Everyone has it in-app; only "immediate" got a mail, with the unsubscribe headers.
    for (const who of [now, digest, off]) expect((await who.c.notifications.unreadCount.query()).unread).toBe(1);
    const [mail, ...more] = await mailsTo(now.email);
    expect(more).toEqual([]);
    expect(mail?.kind).toBe('po-thread-message');
    expect(mail?.body_text).toContain('Can you ship early?');
    expect(mail?.headers?.['List-Unsubscribe']).toMatch(/^<http.*\/unsubscribe\/[\w-]+\.[\w-]+>$/);
    expect(mail?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(await mailsTo(digest.email)).toEqual([]);
    expect(await mailsTo(off.email)).toEqual([]);

    // The digest job mails the digest user once, listing the day's notification; never the others.
    t.srv.clock.advance(60_000);
    await sendDigests(t.srv.services.db, env());
    const digests = await mailsTo(digest.email);
    expect(digests.map((m) => m.kind)).toEqual(['notification-digest']);
    expect(digests[0]?.body_text).toContain('The buyer wrote about purchase order');
    expect(digests[0]?.headers).toBeNull();
    expect(await mailsTo(off.email)).toEqual([]);
    expect((await mailsTo(now.email)).length).toBe(1);
    await sendDigests(t.srv.services.db, env());
    expect((await mailsTo(digest.email)).length).toBe(1);
  });

  it('a PO confirmation decision goes through notify: the supplier’s handlers, by their own choice', async () => {
    const quiet = await signIn('supplier', 'supplier-user');
    const colleague = await signIn('supplier', 'supplier-user', quiet.partyId);
    const stranger = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    await quiet.c.notifications.setPreference.mutate({ type: 'confirmation.decided', mode: 'off' });
    const po = await newPo(quiet.partyId);
    const round = await quiet.c.purchaseOrders.confirm.mutate({
      id: po,
      lines: [{ lineNo: 1, decision: 'change', schedules: [{ quantity: '8', date: day(10) }], reason: 'Short.' }],
    });
    await op.c.purchaseOrders.decideConfirmation.mutate({
      id: round.id,
      decision: 'reject',
      reason: 'We need all 10.',
    });

    const decided = (m: { kind: string }) => m.kind === 'confirmation-decided';
    const [mail, ...more] = (await mailsTo(colleague.email)).filter(decided);
    expect(more).toEqual([]);
    expect(mail?.subject).toMatch(/rejected your confirmation of purchase order PO-/);
    expect(mail?.body_text).toContain('We need all 10.');
    expect((await mailsTo(quiet.email)).filter(decided)).toEqual([]);
    for (const who of [quiet, colleague]) {
      const [n] = (await who.c.notifications.list.query({})).items;
      expect(n).toMatchObject({ type: 'confirmation.decided', link: `/purchase-orders/${po}` });
    }
    expect((await stranger.c.notifications.list.query({})).items).toEqual([]);
    expect((await mailsTo(stranger.email)).filter(decided)).toEqual([]);
  });

  it('security mail cannot be turned off, and unknown types are refused', async () => {
    const u = await signIn('supplier', 'supplier-user');
    for (const type of ['lockout', 'security-alert', 'mfa-reset', 'password-reset', 'new-sign-in']) {
      const e = await errorOf(u.c.notifications.setPreference.mutate({ type, mode: 'off' }));
      expect(e.code).toBe('BAD_REQUEST');
      expect(e.message).toMatch(/Security mail cannot be turned off/);
    }
    expect((await errorOf(u.c.notifications.setPreference.mutate({ type: 'nonsense', mode: 'off' }))).code).toBe(
      'BAD_REQUEST',
    );
    const prefs = await u.c.notifications.preferences.query();
    expect(prefs.items.map((p) => p.type)).not.toContain('lockout');
    expect(prefs.security.length).toBeGreaterThan(0);
  });

  it('one-click unsubscribe: a valid token turns the type off once; tampered or forged tokens do nothing', async () => {
    const u = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const po = await newPo(u.partyId);
    await op.c.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Hello there.' });
    const [mail] = await mailsTo(u.email);
    const url = (mail?.headers?.['List-Unsubscribe'] ?? '').slice(1, -1);
    expect(url).toContain('/unsubscribe/');
    const path = new URL(url).pathname;
    const post = (p: string) =>
      fetch(`${t.srv.origin}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    const unsubscribed = () =>
      t.owner`select details from audit_events where action = 'notification.unsubscribed' and actor_user_id = ${u.userId}`;

    // Tampered: the signature no longer matches; nothing changes.
    const token = path.split('/').pop() as string;
    const [payload, mac] = token.split('.');
    const flipped = `${payload}.${mac?.slice(0, -2)}${mac?.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await post(`/unsubscribe/${flipped}`)).status).toBe(400);
    // Forged: another user's id in a payload signed with a wrong key.
    const forged = unsubscribeToken(Buffer.from('not the secret'), {
      u: op.userId,
      p: op.partyId,
      t: 'po.thread_message',
    });
    expect((await post(`/unsubscribe/${forged}`)).status).toBe(400);
    expect(await unsubscribed()).toEqual([]);

    // A GET only shows a confirm button (a link scanner changes nothing).
    const get = await fetch(`${t.srv.origin}${path}`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<form method="post">');
    expect(await unsubscribed()).toEqual([]);

    // Valid, without any session: the type is off, audited.
    expect((await post(path)).status).toBe(200);
    const prefs = await u.c.notifications.preferences.query();
    expect(prefs.items.find((p) => p.type === 'po.thread_message')?.mode).toBe('off');
    const [entry, ...rest] = await unsubscribed();
    expect(rest).toEqual([]);
    expect(entry?.details).toMatchObject({ type: 'po.thread_message', after: { mode: 'off' }, via: 'one-click' });

    // Reused: still off, still one audit entry; and no more mail for that type.
    expect((await post(path)).status).toBe(200);
    expect(await unsubscribed()).toHaveLength(1);
    await op.c.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Another one.' });
    expect(await mailsTo(u.email)).toHaveLength(1);
    expect((await u.c.notifications.unreadCount.query()).unread).toBe(2);
  });
});
