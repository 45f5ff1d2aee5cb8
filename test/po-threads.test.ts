import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cookieOf, exeBytes, pdfBytes } from './support/files.ts';
import { client, codeOf, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';
import { steps } from './support/steps.ts';

/**
 * Message threads on purchase orders (issue 19 item 4), through the public procedures: "Flag a problem"
 * opens the thread, both sides write and are mailed (a real row in the mail outbox), unread counts follow
 * each reader on the PO list and the home, an operator resolves it, files go through the upload route's
 * checks, and no supplier reaches another supplier's thread.
 */
const t = useTestServer();
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);
const num = (p: string) => `${p}-${randomBytes(3).toString('hex')}`;

async function signIn(kind: 'supplier' | 'internal', role: 'supplier-user' | 'operator', partyId?: string) {
  const u = await createPartyWithUser(t.srv.db, kind, [role], partyId ? { partyId } : {});
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
const newPo = (partyId: string) =>
  makePurchaseOrder(t.srv.db, partyId, {
    number: num('PO'),
    requestedDate: day(10),
    lines: [{ quantity: '10', unitPrice: '5.00' }],
  });
const mails = (to: string, kind: string) =>
  t.owner`select subject, body_text from mail_outbox where to_address = ${to} and kind = ${kind} order by created_at`;
const auditsOn = (action: string, poId: string) =>
  t.owner`select details, party_id, actor_user_id from audit_events where action = ${action} and entity_id = ${poId}
          order by at`;
const rowOf = async (c: ReturnType<typeof client>, poId: string) =>
  (await c.purchaseOrders.list.query({})).items.find((p) => p.id === poId);

describe('PO message threads', () => {
  it('a problem round trip: flag, mail to the operators, reply, mail to the supplier, unread counts, resolve', async () => {
    const step = steps();
    step('a PO');
    const s = await signIn('supplier', 'supplier-user');
    const colleague = await signIn('supplier', 'supplier-user', s.partyId);
    const op = await signIn('internal', 'operator');
    const po = await newPo(s.partyId);
    expect(await s.c.poThreads.get.query({ purchaseOrderId: po })).toBeNull();
    expect((await rowOf(s.c, po))?.thread).toBeNull();

    step('flag a problem');
    // Flagging a problem writes the note as the thread's first message and mails the operators.
    await s.c.purchaseOrders.flagProblem.mutate({ id: po, note: 'Line 1 cannot ship before March.' });
    const opened = await s.c.poThreads.get.query({ purchaseOrderId: po });
    expect(opened).toMatchObject({ status: 'open', unread: 0, lastAuthorSide: 'supplier' });
    expect(opened?.messages.map((m) => [m.kind, m.authorSide, m.body])).toEqual([
      ['problem', 'supplier', 'Line 1 cannot ship before March.'],
    ]);
    const [flagMail] = await mails(op.email, 'po-thread-message');
    expect(flagMail?.subject).toMatch(/flagged a problem with purchase order PO-/);
    expect(flagMail?.body_text).toContain('Line 1 cannot ship before March.');
    expect(flagMail?.body_text).toContain(`/purchase-orders/${po}`);
    const [flagAudit] = await auditsOn('purchase_order.problem_flagged', po);
    expect(flagAudit?.details).toMatchObject({ threadId: opened?.id });

    step('the operator reads it');
    // The operator sees one unread message on the list and the home; reading it clears both.
    expect((await rowOf(op.c, po))?.thread).toEqual({ status: 'open', unread: 1 });
    const opHome = await op.c.home.summary.query();
    expect(opHome.queue?.poThreads?.unreadThreads).toBeGreaterThanOrEqual(1);
    const before = opHome.queue?.poThreads?.unreadThreads ?? 0;
    const unreadIds = async () => (await op.c.purchaseOrders.list.query({ unread: true })).items.map((p) => p.id);
    expect(await unreadIds()).toContain(po);
    await op.c.poThreads.markRead.mutate({ purchaseOrderId: po });
    expect((await rowOf(op.c, po))?.thread).toEqual({ status: 'open', unread: 0 });
    expect(await unreadIds()).not.toContain(po);
    expect((await op.c.home.summary.query()).queue?.poThreads?.unreadThreads).toBe(before - 1);
    expect(await auditsOn('po_thread.read', po)).toHaveLength(1);

    step('the operator answers');
    // The operator answers: every supplier user handling POs is mailed, and it is unread for each of them.
    await op.c.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Can you ship half now?' });
    for (const who of [s, colleague]) {
      const [m] = await mails(who.email, 'po-thread-message');
      expect(m?.subject).toMatch(/The buyer wrote about purchase order PO-/);
      expect(m?.body_text).toContain('Can you ship half now?');
      expect((await rowOf(who.c, po))?.thread).toEqual({ status: 'open', unread: 1 });
    }
    expect((await s.c.home.summary.query()).supplier?.poThreads).toEqual({ unreadThreads: 1, openThreads: 1 });
    // A message of one's own side is never unread: the colleague's does not count for the supplier.
    await colleague.c.poThreads.post.mutate({ purchaseOrderId: po, message: 'Yes, 5 pieces this week.' });
    expect((await rowOf(s.c, po))?.thread?.unread).toBe(1);
    expect((await mails(op.email, 'po-thread-message')).length).toBe(2);
    const posted = await auditsOn('po_thread.message_posted', po);
    expect(posted.map((a) => (a.details as { side: string }).side)).toEqual(['staff', 'supplier']);
    expect(posted.every((a) => a.party_id === s.partyId)).toBe(true);

    step('resolve names the version seen');
    // Resolving names the version seen: a message since makes it a CONFLICT.
    const seen = await op.c.poThreads.get.query({ purchaseOrderId: po });
    expect(seen?.unread).toBe(1);
    await s.c.poThreads.post.mutate({ purchaseOrderId: po, message: 'Tracking follows tomorrow.' });
    expect(
      await codeOf(
        op.c.poThreads.resolve.mutate({ purchaseOrderId: po, version: seen?.version ?? 0, resolution: 'Half now.' }),
      ),
    ).toBe('CONFLICT');
    const now = await op.c.poThreads.get.query({ purchaseOrderId: po });
    const resolved = await op.c.poThreads.resolve.mutate({
      purchaseOrderId: po,
      version: now?.version ?? 0,
      resolution: 'Agreed: half now, the rest in March.',
    });
    expect(resolved).toEqual({ ok: true, status: 'open' });
    expect((await s.c.purchaseOrders.get.query({ id: po })).status).toBe('open');
    expect(await s.c.poThreads.get.query({ purchaseOrderId: po })).toMatchObject({
      status: 'resolved',
      resolution: 'Agreed: half now, the rest in March.',
    });
    const [resolvedMail] = await mails(s.email, 'po-thread-resolved');
    expect(resolvedMail?.body_text).toContain('Agreed: half now, the rest in March.');
    const [event] = await t.owner`select subject, payload from integration_events
                                  where type = 'purchase_order.problem_resolved' and party_id = ${s.partyId}`;
    expect(event?.payload).toMatchObject({ status: 'open' });
    expect(await codeOf(op.c.poThreads.resolve.mutate({ purchaseOrderId: po, version: 99, resolution: 'Again' }))).toBe(
      'CONFLICT',
    );

    step('writing on a resolved thread');
    // Writing on a resolved thread opens it again.
    await s.c.poThreads.post.mutate({ purchaseOrderId: po, message: 'One more question.' });
    expect(await s.c.poThreads.get.query({ purchaseOrderId: po })).toMatchObject({ status: 'open', resolution: null });
    const [reopened] = (await auditsOn('po_thread.message_posted', po)).slice(-1);
    expect(reopened?.details).toMatchObject({ reopened: true });
  });

  it('an acknowledged PO whose problem is resolved is acknowledged again', async () => {
    const s = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const po = await newPo(s.partyId);
    await s.c.purchaseOrders.acknowledge.mutate({ id: po, promisedDate: day(12) });
    await s.c.purchaseOrders.flagProblem.mutate({ id: po, note: 'Price changed.' });
    const th = await op.c.poThreads.get.query({ purchaseOrderId: po });
    await op.c.poThreads.resolve.mutate({ purchaseOrderId: po, version: th?.version ?? 0, resolution: 'Old price.' });
    expect((await op.c.purchaseOrders.get.query({ id: po })).status).toBe('acknowledged');
  });

  it('files go through the upload checks on both sides and open only within scope', async () => {
    const s = await signIn('supplier', 'supplier-user');
    const op = await signIn('internal', 'operator');
    const stranger = await signIn('supplier', 'supplier-user');
    const po = await newPo(s.partyId);
    const upload = async (who: object, bytes: Buffer, name: string) => {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
      return fetch(`${t.srv.origin}/files/po-thread-attachments?purchaseOrderId=${po}`, {
        method: 'POST',
        body: form,
        headers: { origin: t.srv.origin, cookie: cookieOf(who) },
      });
    };
    // No thread yet: nothing to attach to.
    expect((await upload(s.c, pdfBytes(), 'a.pdf')).status).toBe(404);
    await s.c.poThreads.post.mutate({ purchaseOrderId: po, message: 'Drawing attached.' });
    expect((await upload(s.c, exeBytes(), 'drawing.pdf')).status).toBe(415);
    expect(await auditsOn('po_thread.attachment_refused', po)).toHaveLength(1);
    expect((await upload(stranger.c, pdfBytes(), 'drawing.pdf')).status).toBe(404);
    expect((await upload(s.c, pdfBytes(2048, 'supplier'), 'drawing.pdf')).status).toBe(201);
    expect((await upload(op.c, pdfBytes(2048, 'buyer'), 'revised.pdf')).status).toBe(201);
    const files = (await s.c.poThreads.get.query({ purchaseOrderId: po }))?.attachments ?? [];
    expect(files.map((f) => [f.fileName, f.uploaderSide])).toEqual([
      ['drawing.pdf', 'supplier'],
      ['revised.pdf', 'staff'],
    ]);
    const id = files[1]?.id ?? '';
    expect(await codeOf(stranger.c.poThreads.attachmentLink.query({ attachmentId: id }))).toBe('NOT_FOUND');
    const { url } = await s.c.poThreads.attachmentLink.query({ attachmentId: id });
    const res = await fetch(`${t.srv.origin}${url}`, { headers: { cookie: cookieOf(s.c) } });
    expect(res.status).toBe(200);
    expect((await res.text()).includes('buyer')).toBe(true);
    expect(await t.owner`select 1 from audit_events where action = 'po_thread.attachment_downloaded'`).toHaveLength(1);
    // A resolved thread takes no files until someone writes again.
    const th = await op.c.poThreads.get.query({ purchaseOrderId: po });
    await op.c.poThreads.resolve.mutate({ purchaseOrderId: po, version: th?.version ?? 0, resolution: 'Drawing ok.' });
    expect((await upload(s.c, pdfBytes(), 'late.pdf')).status).toBe(409);
  });

  it("no supplier reads, writes, marks or resolves another supplier's thread", async () => {
    const s = await signIn('supplier', 'supplier-user');
    const other = await signIn('supplier', 'supplier-user');
    const po = await newPo(s.partyId);
    await s.c.purchaseOrders.flagProblem.mutate({ id: po, note: 'Secret problem.' });
    expect(await codeOf(other.c.poThreads.get.query({ purchaseOrderId: po }))).toBe('NOT_FOUND');
    expect(await codeOf(other.c.poThreads.post.mutate({ purchaseOrderId: po, message: 'Hello there' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(other.c.poThreads.markRead.mutate({ purchaseOrderId: po }))).toBe('NOT_FOUND');
    // Suppliers cannot answer as the buyer nor resolve.
    expect((await errorOf(s.c.poThreads.reply.mutate({ purchaseOrderId: po, message: 'As staff' }))).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await errorOf(s.c.poThreads.resolve.mutate({ purchaseOrderId: po, version: 1, resolution: 'Done now' }))).code,
    ).toBe('FORBIDDEN');
    expect((await other.c.home.summary.query()).supplier?.poThreads).toEqual({ unreadThreads: 0, openThreads: 0 });
    expect((await other.c.purchaseOrders.list.query({})).items.some((p) => p.id === po)).toBe(false);
  });
});
