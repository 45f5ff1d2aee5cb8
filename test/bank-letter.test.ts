import { describe, expect, it } from 'vitest';
import { cookieOf, exeBytes, pdfBytes } from './support/files.ts';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * A bank letter or voided cheque on a bank-detail change: it goes through the upload route's checks onto
 * the supplier's own pending request, the approvers see and download it from the approval (audited across
 * parties), and nobody else reaches it.
 */
const t = useTestServer();

async function signIn(kind: 'internal' | 'supplier', roles: Parameters<typeof createPartyWithUser>[2]) {
  const u = await createPartyWithUser(t.srv.db, kind, roles);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

/** POST /files/change-request-attachments as the SPA sends it. */
async function attach(c: object, changeRequestId: string, name: string, bytes: Buffer, type = 'application/pdf') {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${t.srv.origin}/files/change-request-attachments?changeRequestId=${changeRequestId}`, {
    method: 'POST',
    body: form,
    headers: { origin: t.srv.origin, cookie: cookieOf(c) },
  });
  return { status: res.status, body: (await res.json()) as { id?: string; error?: { message: string } } };
}

const us = {
  accountHolder: 'Castor Metals Inc',
  country: 'US',
  routingNumber: '021000021',
  accountNumber: '9876543210',
};

describe('a bank letter on a bank-detail change', () => {
  it('is attached by the supplier, seen and downloaded by the approver, and audited', async () => {
    const sup = await signIn('supplier', ['supplier-admin']);
    const approver = await signIn('internal', ['approver']);
    const { id } = await sup.c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails: us });
    const letter = pdfBytes(3000, 'bank letter');
    const up = await attach(sup.c, id, 'bank-letter.pdf', letter);
    expect(up.status).toBe(201);
    const mine = (await sup.c.changeRequests.list.query({})).items.find((r) => r.id === id);
    expect(mine?.attachments.map((a) => [a.fileName, a.sizeBytes])).toEqual([['bank-letter.pdf', letter.length]]);

    // The approver sees it on the approval and downloads it; the download is audited on the supplier.
    const approvalId = mine?.approvalId as string;
    const detail = await approver.c.approvals.get.query({ id: approvalId });
    expect(detail.attachments.map((a) => a.fileName)).toEqual(['bank-letter.pdf']);
    const link = await approver.c.approvals.attachmentLink.query({
      id: approvalId,
      attachmentId: up.body.id as string,
    });
    const res = await fetch(`${t.srv.origin}${link.url}`, { headers: { cookie: cookieOf(approver.c) } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(letter)).toBe(true);
    expect(res.headers.get('content-disposition')).toContain('bank-letter.pdf');
    // The link is the approver's own: the supplier's session cannot use it.
    expect((await fetch(`${t.srv.origin}${link.url}`, { headers: { cookie: cookieOf(sup.c) } })).status).toBe(404);
    // The supplier opens its own file through its own link.
    const own = await sup.c.changeRequests.attachmentLink.query({ attachmentId: up.body.id as string });
    expect((await fetch(`${t.srv.origin}${own.url}`, { headers: { cookie: cookieOf(sup.c) } })).status).toBe(200);

    const audit = await t.owner`select action, actor_user_id, cross_party from audit_events
      where entity_type = 'change_request' and entity_id = ${id} and action like 'change_request.attachment%' order by id`;
    expect(audit.map((a) => [a.action, a.actor_user_id === approver.userId, a.cross_party])).toEqual([
      ['change_request.attachment_added', false, false],
      ['change_request.attachment_downloaded', true, true],
      ['change_request.attachment_downloaded', false, false],
    ]);
  });

  it('refuses another party, a disguised executable, an address change and a decided request', async () => {
    const sup = await signIn('supplier', ['supplier-admin']);
    const other = await signIn('supplier', ['supplier-admin']);
    const { id } = await sup.c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails: us });
    const up = await attach(sup.c, id, 'letter.pdf', pdfBytes(2000, 'mine'));
    expect(up.status).toBe(201);

    // Another supplier can neither add to it nor open its file.
    expect((await attach(other.c, id, 'x.pdf', pdfBytes(2000, 'theirs'))).status).toBe(404);
    expect(await codeOf(other.c.changeRequests.attachmentLink.query({ attachmentId: up.body.id as string }))).toBe(
      'NOT_FOUND',
    );
    // An executable named .pdf is refused by its bytes, and the refusal is audited.
    const exe = await attach(sup.c, id, 'letter.pdf', exeBytes());
    expect(exe.status).toBe(415);
    const [refused] = await t.owner`select outcome from audit_events
      where action = 'change_request.attachment_refused' and entity_id = ${id}`;
    expect(refused?.outcome).toBe('denied');
    // A user without change-requests:create cannot upload at all.
    const user = await signIn('supplier', ['supplier-user']);
    expect((await attach(user.c, id, 'letter.pdf', pdfBytes(2000, 'user'))).status).toBe(403);

    // Address changes take no letter; a withdrawn request takes no more files.
    const addr = await sup.c.changeRequests.create.mutate({
      kind: 'address',
      address: { street: 'Main St 1', postalCode: '10001', city: 'New York', country: 'US' },
    });
    expect((await attach(sup.c, addr.id, 'letter.pdf', pdfBytes(2000, 'addr'))).body.error?.message).toMatch(
      /bank-detail change/,
    );
    await sup.c.changeRequests.withdraw.mutate({ id });
    const late = await attach(sup.c, id, 'late.pdf', pdfBytes(2000, 'late'));
    expect(late.status).toBe(409);
    expect((await sup.c.changeRequests.list.query({})).items.find((r) => r.id === id)?.attachments).toHaveLength(1);
    // An approver cannot reach a file through an approval it does not belong to.
    const approver = await signIn('internal', ['approver']);
    const theirs = await other.c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails: us });
    const theirApproval = (await other.c.changeRequests.list.query({})).items.find((r) => r.id === theirs.id)
      ?.approvalId as string;
    expect(
      await codeOf(
        approver.c.approvals.attachmentLink.query({ id: theirApproval, attachmentId: up.body.id as string }),
      ),
    ).toBe('NOT_FOUND');
  });
});
