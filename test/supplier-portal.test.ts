import { request } from 'node:http';
import { demoRepo } from '@gatehouse/db';
import { announceExpiring, markExpiries } from '@gatehouse/server/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { cookieOf, exeBytes, pdfBytes, uploadDocument } from './support/files.ts';
import { client, codeOf, createPartyWithUser, errorOf, SYSTEM, useTestServer } from './support/harness.ts';
import { steps } from './support/steps.ts';

/** The supplier side: purchase orders, compliance documents (upload, review, download, expiry), change requests. */
const t = useTestServer({ UPLOAD_MAX_MB: '0.25' });
const types = new Map<string, string>();
const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function supplier(
  category = 'manufacturing',
  roles: ('supplier-admin' | 'supplier-user')[] = ['supplier-admin'],
) {
  const u = await createPartyWithUser(t.srv.db, 'supplier', roles);
  await t.owner`update parties set supplier_category = ${category} where id = ${u.partyId}`;
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
async function staff(role: 'operator' | 'approver' | 'auditor' = 'operator') {
  const u = await createPartyWithUser(t.srv.db, 'internal', [role]);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}
const counts = async () => {
  const [row] = await t.owner`select count(*)::int n from document_versions`;
  return {
    rows: row?.n as number,
    blobs: (await t.srv.services.files.list()).length,
    staged: await t.srv.services.files.pendingStaged(),
  };
};

beforeAll(async () => {
  for (const r of await t.owner`select id, key from document_types`) types.set(r.key, r.id);
});

describe('purchase orders', () => {
  it('lists and shows own POs; acknowledges with a promised date; flags a problem; all audited', async () => {
    const me = await supplier();
    const other = await supplier();
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generatePurchaseOrders(tx, me.partyId, 30, 'EUR', 'manufacturing'));
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generatePurchaseOrders(tx, other.partyId, 5, 'EUR', 'manufacturing'));
    const page1 = await me.c.purchaseOrders.list.query({ limit: 10 });
    expect(page1.items).toHaveLength(10);
    const page2 = await me.c.purchaseOrders.list.query({ limit: 10, cursor: page1.nextCursor ?? '' });
    expect(new Set([...page1.items, ...page2.items].map((p) => p.id)).size).toBe(20);
    expect((await me.c.purchaseOrders.list.query({ status: 'open' })).items.every((p) => p.status === 'open')).toBe(
      true,
    );
    const open = (await me.c.purchaseOrders.list.query({ status: 'open', limit: 2 })).items;
    const [a, b] = open;
    if (!a || !b) throw new Error('no open POs generated');
    const detail = await me.c.purchaseOrders.get.query({ id: a.id });
    expect(detail.lines.length).toBeGreaterThan(0);
    expect(detail.lines.reduce((s, l) => s + BigInt(l.amountMinor), 0n).toString()).toBe(detail.totalMinor);

    // Unhappy: a past date, a date years away, and another party's PO.
    expect(
      (await errorOf(me.c.purchaseOrders.acknowledge.mutate({ id: a.id, promisedDate: day(-1) }))).message,
    ).toMatch(/past/);
    expect(await codeOf(me.c.purchaseOrders.acknowledge.mutate({ id: a.id, promisedDate: day(900) }))).toBe(
      'BAD_REQUEST',
    );
    expect(await codeOf(me.c.purchaseOrders.acknowledge.mutate({ id: a.id, promisedDate: '2026-02-30' }))).toBe(
      'BAD_REQUEST',
    );
    const theirs = (await other.c.purchaseOrders.list.query({})).items[0]?.id ?? '';
    expect(await codeOf(me.c.purchaseOrders.get.query({ id: theirs }))).toBe('NOT_FOUND');
    expect(await codeOf(me.c.purchaseOrders.acknowledge.mutate({ id: theirs, promisedDate: day(10) }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(me.c.purchaseOrders.flagProblem.mutate({ id: theirs, note: 'not ours' }))).toBe('NOT_FOUND');

    await me.c.purchaseOrders.acknowledge.mutate({ id: a.id, promisedDate: day(14) });
    const acked = await me.c.purchaseOrders.get.query({ id: a.id });
    expect(acked).toMatchObject({ status: 'acknowledged', promisedDate: day(14) });
    expect(acked.acknowledgedBy).toBeTruthy();

    expect(await codeOf(me.c.purchaseOrders.flagProblem.mutate({ id: b.id, note: '' }))).toBe('BAD_REQUEST');
    await me.c.purchaseOrders.flagProblem.mutate({ id: b.id, note: 'Coil width 1250 mm is out of stock until March.' });
    expect(await me.c.purchaseOrders.get.query({ id: b.id })).toMatchObject({ status: 'problem' });
    // A problem can be resolved by acknowledging with a new date.
    await me.c.purchaseOrders.acknowledge.mutate({ id: b.id, promisedDate: day(60) });

    const received = (await me.c.purchaseOrders.list.query({ status: 'received', limit: 1 })).items[0];
    expect(
      (await errorOf(me.c.purchaseOrders.acknowledge.mutate({ id: received?.id ?? '', promisedDate: day(3) }))).code,
    ).toBe('CONFLICT');
    const audit =
      await t.owner`select action from audit_events where party_id = ${me.partyId} and entity_type = 'purchase_order' order by id`;
    expect(audit.map((r) => r.action)).toEqual([
      'purchase_order.acknowledged',
      'purchase_order.problem_flagged',
      'purchase_order.acknowledged',
    ]);
    // Operators read every supplier's POs but acknowledge none.
    const op = await staff();
    expect((await op.c.purchaseOrders.get.query({ id: a.id })).number).toBe(a.number);
    const [party] = await t.owner`select name from parties where id = ${me.partyId}`;
    const staffList = await op.c.purchaseOrders.list.query({ partyId: me.partyId, limit: 5 });
    expect(staffList.items.every((p) => p.partyId === me.partyId && p.partyName === party?.name)).toBe(true);
    expect(await codeOf(op.c.purchaseOrders.acknowledge.mutate({ id: a.id, promisedDate: day(5) }))).toBe('FORBIDDEN');
  });
});

describe('compliance documents', () => {
  it('lists what a supplier must keep by its category, from missing through review to approved', async () => {
    const step = steps();
    step('requirements by category, first uploads');
    const me = await supplier('manufacturing');
    const pack = await supplier('packaging');
    const req = await me.c.documents.requirements.query({});
    expect(req.items.map((i) => i.type.key).sort()).toEqual([
      'iso-14001',
      'iso-9001',
      'liability-insurance',
      'tax-form',
    ]);
    expect(req.items.every((i) => i.status === 'missing')).toBe(true);
    expect((await pack.c.documents.requirements.query({})).items.map((i) => i.type.key).sort()).toEqual([
      'liability-insurance',
      'tax-form',
    ]);
    // A packaging supplier cannot upload an ISO 9001 (not its type): NOT_FOUND, like any unknown type.
    expect(
      (
        await uploadDocument(
          t.srv.origin,
          pack.c,
          { typeId: types.get('iso-9001') as string, expiresOn: day(300) },
          { name: 'iso.pdf', bytes: pdfBytes() },
        )
      ).status,
    ).toBe(404);

    const iso = types.get('iso-9001') as string;
    expect(
      (await uploadDocument(t.srv.origin, me.c, { typeId: iso }, { name: 'iso.pdf', bytes: pdfBytes() })).body.error
        ?.message,
    ).toMatch(/expires/);
    expect(
      (
        await uploadDocument(
          t.srv.origin,
          me.c,
          { typeId: iso, expiresOn: day(0) },
          { name: 'iso.pdf', bytes: pdfBytes() },
        )
      ).status,
    ).toBe(400);
    const up = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: iso, expiresOn: day(365) },
      { name: 'ISO 9001 – Zertifikat.pdf', bytes: pdfBytes(4000, 'v1') },
    );
    expect(up).toMatchObject({ status: 201, body: { versionNo: 1, status: 'submitted' } });
    const [row] =
      await t.owner`select content_type, size_bytes, sha256, status, file_name from document_versions where id = ${up.body.id as string}`;
    expect(row).toMatchObject({
      content_type: 'application/pdf',
      size_bytes: 4000,
      status: 'submitted',
      file_name: 'ISO 9001 – Zertifikat.pdf',
    });
    expect(row?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await t.srv.services.files.list()).toContain(row?.sha256);
    const after = await me.c.documents.requirements.query({});
    expect(after.items.find((i) => i.type.key === 'iso-9001')).toMatchObject({ status: 'submitted', current: null });

    step('the operator reviews and approves');
    // The operator's queue shows it; review, approve; the supplier sees the outcome.
    const op = await staff();
    const q = await op.c.documents.queue.query({ partyId: me.partyId });
    expect(q.items.map((i) => i.id)).toEqual([up.body.id]);
    expect(q.items[0]).toMatchObject({ typeName: 'ISO 9001 certificate', status: 'submitted' });
    await op.c.documents.startReview.mutate({ versionId: up.body.id as string });
    expect((await me.c.documents.requirements.query({})).items.find((i) => i.type.key === 'iso-9001')?.status).toBe(
      'under-review',
    );
    const op2 = await staff();
    expect(
      (await errorOf(op2.c.documents.decide.mutate({ versionId: up.body.id as string, decision: 'approve' }))).code,
    ).toBe('CONFLICT');
    expect(
      await codeOf(op.c.documents.decide.mutate({ versionId: up.body.id as string, decision: 'reject', reason: '' })),
    ).toBe('BAD_REQUEST');
    await op.c.documents.decide.mutate({ versionId: up.body.id as string, decision: 'approve' });
    const approved = (await me.c.documents.requirements.query({})).items.find((i) => i.type.key === 'iso-9001');
    expect(approved).toMatchObject({ status: 'approved', latest: null });
    expect(approved?.current?.id).toBe(up.body.id);
    expect(
      await codeOf(
        op.c.documents.decide.mutate({
          versionId: up.body.id as string,
          decision: 'reject',
          reason: 'changed my mind',
        }),
      ),
    ).toBe('CONFLICT');

    step('version 2 rejected');
    // Version 2 rejected with a reason: version 1 stays in force, the rejection is shown.
    const v2 = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: iso, expiresOn: day(700) },
      { name: 'iso-2027.pdf', bytes: pdfBytes(3000, 'v2') },
    );
    expect(v2.body.versionNo).toBe(2);
    await op.c.documents.decide.mutate({
      versionId: v2.body.id as string,
      decision: 'reject',
      reason: 'The scan is cut off at page 2.',
    });
    const rej = (await me.c.documents.requirements.query({})).items.find((i) => i.type.key === 'iso-9001');
    expect(rej).toMatchObject({
      status: 'approved',
      latest: { status: 'rejected', reason: 'The scan is cut off at page 2.' },
    });
    step('version 3 supersedes version 1');
    // Version 3 approved supersedes version 1.
    const v3 = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: iso, expiresOn: day(700) },
      { name: 'iso-2027b.pdf', bytes: pdfBytes(3000, 'v3') },
    );
    await op.c.documents.decide.mutate({ versionId: v3.body.id as string, decision: 'approve' });
    const hist = await me.c.documents.history.query({ typeId: iso });
    expect(hist.versions.map((v) => [v.versionNo, v.status])).toEqual([
      [3, 'approved'],
      [2, 'rejected'],
      [1, 'superseded'],
    ]);
    step('an older version after a newer one');
    // Approving an older version after a newer one is refused: the newer one stays in force.
    const v4 = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: iso, expiresOn: day(500) },
      { name: 'iso-v4.pdf', bytes: pdfBytes(3000, 'v4') },
    );
    const v5 = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: iso, expiresOn: day(800) },
      { name: 'iso-v5.pdf', bytes: pdfBytes(3000, 'v5') },
    );
    await op.c.documents.decide.mutate({ versionId: v5.body.id as string, decision: 'approve' });
    expect(
      (await errorOf(op.c.documents.decide.mutate({ versionId: v4.body.id as string, decision: 'approve' }))).message,
    ).toMatch(/newer version/);
    await op.c.documents.decide.mutate({
      versionId: v4.body.id as string,
      decision: 'reject',
      reason: 'Superseded by v5.',
    });
    expect(
      (await me.c.documents.requirements.query({})).items.find((i) => i.type.key === 'iso-9001')?.current?.id,
    ).toBe(v5.body.id);
    step('mails and audit trail of the outcomes');
    // The uploader was told each outcome by mail.
    const mails =
      await t.owner`select subject from mail_outbox where kind = 'document-decided' and to_address = ${me.email} order by id`;
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Your ISO 9001 certificate (version 1) was approved',
      'Your ISO 9001 certificate (version 2) was rejected',
      'Your ISO 9001 certificate (version 3) was approved',
      'Your ISO 9001 certificate (version 4) was rejected',
      'Your ISO 9001 certificate (version 5) was approved',
    ]);
    const audit =
      await t.owner`select action, cross_party from audit_events where party_id = ${me.partyId} and entity_type = 'document_version' order by id`;
    expect(audit.map((r) => r.action)).toEqual([
      'document.uploaded',
      'document.review_started',
      'document.approved',
      'document.uploaded',
      'document.rejected',
      'document.uploaded',
      'document.approved',
      'document.uploaded',
      'document.uploaded',
      'document.approved',
      'document.rejected',
    ]);
    expect(audit.filter((r) => r.action !== 'document.uploaded').every((r) => r.cross_party)).toBe(true);

    step('another supplier sees none of it');
    // Another supplier sees none of it.
    expect(await codeOf(pack.c.documents.get.query({ versionId: v3.body.id as string }))).toBe('NOT_FOUND');
    expect(await codeOf(pack.c.documents.downloadLink.query({ versionId: v3.body.id as string }))).toBe('NOT_FOUND');
    expect(await codeOf(pack.c.documents.history.query({ typeId: iso, partyId: me.partyId }))).toBe('OK');
    expect((await pack.c.documents.history.query({ typeId: iso, partyId: me.partyId })).versions).toEqual([]);
  });

  it('never lets the uploader review their own upload', async () => {
    const me = await supplier();
    const op = await staff();
    const up = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: types.get('tax-form') as string },
      { name: 'w9.pdf', bytes: pdfBytes() },
    );
    expect(up).toMatchObject({ status: 201 });
    // A version recorded as uploaded by the operator (as a staff upload on the supplier's behalf would be).
    await t.owner`update document_versions set uploaded_by = ${op.userId} where id = ${up.body.id as string}`;
    expect((await errorOf(op.c.documents.startReview.mutate({ versionId: up.body.id as string }))).message).toMatch(
      /someone else/,
    );
    expect(await codeOf(op.c.documents.decide.mutate({ versionId: up.body.id as string, decision: 'approve' }))).toBe(
      'FORBIDDEN',
    );
  });

  it('serves downloads only through a short-lived link, for the user it was minted for, audited', async () => {
    const me = await supplier();
    const colleague = client(t.srv.origin);
    const mate = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user'], { partyId: me.partyId });
    await colleague.auth.login.mutate(mate);
    const bytes = pdfBytes(5000, 'download');
    const up = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: types.get('tax-form') as string },
      { name: 'Steuer Formular ä.pdf', bytes },
    );
    const link = await me.c.documents.downloadLink.query({ versionId: up.body.id as string });
    expect(link.url).toMatch(/^\/files\/download\//);
    const get = (url: string, c: object | null) =>
      fetch(`${t.srv.origin}${url}`, { headers: c ? { cookie: cookieOf(c) } : {} });
    const res = await get(link.url, me.c);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''Steuer%20Formular%20%C3%A4.pdf");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const [audit] =
      await t.owner`select count(*)::int n from audit_events where action = 'document.downloaded' and entity_id = ${up.body.id as string}`;
    expect(audit?.n).toBe(1);

    // Not without the session, not with another user's session (even of the same party), not tampered, not expired.
    expect((await get(link.url, null)).status).toBe(401);
    expect((await get(link.url, colleague)).status).toBe(404);
    expect((await get(`${link.url.slice(0, -3)}abc`, me.c)).status).toBe(404);
    const other = await supplier();
    expect((await get(link.url, other.c)).status).toBe(404);
    t.srv.clock.advance(61_000);
    const expired = await get(link.url, me.c);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    // A customer holds documents:read for other documents, but sees no supplier's compliance files.
    const cust = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const cc = client(t.srv.origin);
    await cc.auth.login.mutate(cust);
    expect(await codeOf(cc.documents.downloadLink.query({ versionId: up.body.id as string }))).toBe('FORBIDDEN');
  });

  it('refuses bad uploads with a clear error and leaves nothing behind', async () => {
    const step = steps();
    step('refused uploads, case by case');
    const me = await supplier();
    const tax = types.get('tax-form') as string;
    const before = await counts();
    const cases: [string, Awaited<ReturnType<typeof uploadDocument>>, number, RegExp][] = [
      [
        'renamed executable',
        await uploadDocument(t.srv.origin, me.c, { typeId: tax }, { name: 'invoice.pdf', bytes: exeBytes() }),
        415,
        /EXE file/,
      ],
      [
        'oversized',
        await uploadDocument(t.srv.origin, me.c, { typeId: tax }, { name: 'big.pdf', bytes: pdfBytes(300 * 1024) }),
        413,
        /larger than 0.3 MB/,
      ],
      [
        'path in the name',
        await uploadDocument(
          t.srv.origin,
          me.c,
          { typeId: tax },
          { name: '../../etc/cron.d/x.pdf', bytes: pdfBytes() },
        ),
        400,
        /path/,
      ],
      [
        'backslash path',
        await uploadDocument(t.srv.origin, me.c, { typeId: tax }, { name: '..\\..\\boot.pdf', bytes: pdfBytes() }),
        400,
        /path/,
      ],
      [
        'control characters',
        await uploadDocument(t.srv.origin, me.c, { typeId: tax }, { name: 'cert\u202Efdp.exe', bytes: pdfBytes() }),
        400,
        /control/,
      ],
      [
        'zero bytes',
        await uploadDocument(t.srv.origin, me.c, { typeId: tax }, { name: 'empty.pdf', bytes: Buffer.alloc(0) }),
        400,
        /empty/,
      ],
      [
        'text, not a document',
        await uploadDocument(
          t.srv.origin,
          me.c,
          { typeId: tax },
          { name: 'notes.pdf', bytes: Buffer.from('just text '.repeat(100)) },
        ),
        415,
        /PDF, PNG or JPEG/,
      ],
      [
        'no session',
        await uploadDocument(t.srv.origin, null, { typeId: tax }, { name: 'a.pdf', bytes: pdfBytes() }),
        401,
        /sign in/,
      ],
      [
        'malformed type id',
        await uploadDocument(t.srv.origin, me.c, { typeId: 'nope' }, { name: 'a.pdf', bytes: pdfBytes() }),
        400,
        /typeId/,
      ],
    ];
    for (const [what, res, status, message] of cases) {
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.body.error?.message, what).toMatch(message);
    }
    step('not multipart, or from another site');
    // Not multipart; and a form posted from another site.
    const plain = await fetch(`${t.srv.origin}/files/documents?typeId=${tax}`, {
      method: 'POST',
      body: new Uint8Array(pdfBytes()),
      headers: { origin: t.srv.origin, cookie: cookieOf(me.c), 'content-type': 'application/pdf' },
    });
    expect(plain.status).toBe(415);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(pdfBytes())]), 'a.pdf');
    const cross = await fetch(`${t.srv.origin}/files/documents?typeId=${tax}`, {
      method: 'POST',
      body: form,
      headers: { origin: 'https://evil.example', cookie: cookieOf(me.c) },
    });
    expect(cross.status).toBe(403);

    step('an interrupted upload');
    // Interrupted: the connection drops halfway through the file.
    await new Promise<void>((resolve) => {
      const boundary = 'gh-boundary';
      const req = request(`${t.srv.origin}/files/documents?typeId=${tax}`, {
        method: 'POST',
        // A connection of its own: the server closes one after refusing a body, so a kept-alive socket the
        // agent would hand the next request may already be closing.
        agent: false,
        headers: {
          origin: t.srv.origin,
          cookie: cookieOf(me.c),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(200_000),
        },
      });
      req.on('error', () => resolve());
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      );
      req.write(pdfBytes(50_000));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    step('a body cut off before its boundary');
    // A body cut off before its closing boundary, sent whole: refused, and the server lives on.
    const cut = await fetch(`${t.srv.origin}/files/documents?typeId=${tax}`, {
      method: 'POST',
      body: new Uint8Array(
        Buffer.concat([
          Buffer.from(
            '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n',
          ),
          pdfBytes(3000),
        ]),
      ),
      headers: { origin: t.srv.origin, cookie: cookieOf(me.c), 'content-type': 'multipart/form-data; boundary=cut' },
    });
    expect(cut.status).toBe(400);
    expect((await fetch(`${t.srv.origin}/healthz`)).status).toBe(200);
    step('too many parts, chunked');
    // A valid file followed by more parts than allowed, chunked (no declared length): refused past the limit.
    const chunked = await new Promise<number | null>((resolve) => {
      const req = request(`${t.srv.origin}/files/documents?typeId=${tax}`, {
        method: 'POST',
        // A connection of its own: the server closes one after refusing a body, so a kept-alive socket the
        // agent would hand the next request may already be closing.
        agent: false,
        headers: { origin: t.srv.origin, cookie: cookieOf(me.c), 'content-type': 'multipart/form-data; boundary=b' },
      });
      let status: number | null = null;
      req.on('response', (res) => {
        status = res.statusCode ?? null;
        res.resume();
        res.on('end', () => resolve(status));
      });
      req.on('error', () => resolve(status));
      req.write('--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n');
      req.write(pdfBytes(1000));
      req.write('\r\n--b\r\nContent-Disposition: form-data; name="more"; filename="b.pdf"\r\n\r\n');
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024 && !req.destroyed) {
          sent += 64 * 1024;
          if (!req.write(Buffer.alloc(64 * 1024, 0x42))) return void req.once('drain', pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    expect([400, 413, null]).toContain(chunked);
    expect(chunked).not.toBe(201);
    step('refused before reading: no session');
    // Refused before reading (no session): the server answers 401 and stops reading after about one
    // upload's worth, closing the connection rather than swallowing an endless body.
    const unread = await new Promise<{ status: number | null; sent: number }>((resolve) => {
      let status: number | null = null;
      let sent = 0;
      const req = request(`${t.srv.origin}/files/documents?typeId=${tax}`, {
        method: 'POST',
        // A connection of its own: the server closes one after refusing a body, so a kept-alive socket the
        // agent would hand the next request may already be closing.
        agent: false,
        headers: {
          origin: t.srv.origin,
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(8 * 1024 * 1024),
        },
      });
      req.on('response', (res) => {
        status = res.statusCode ?? null;
        res.resume();
      });
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const pump = () => {
        while (sent < 8 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      req.on('error', () => undefined);
      req.on('close', () => resolve({ status, sent }));
      pump();
    });
    expect(unread.status).toBe(401);
    expect(unread.sent).toBeLessThan(8 * 1024 * 1024);
    await expect.poll(async () => (await counts()).staged, { timeout: 5000 }).toBe(0);
    expect(await counts()).toEqual(before);
    const refused =
      await t.owner`select details->>'reason' reason from audit_events where action = 'document.upload_refused' and party_id = ${me.partyId}`;
    expect(refused.length).toBeGreaterThanOrEqual(4);
    step('the same bytes twice share one blob');
    // The same bytes uploaded twice share one blob.
    const once = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: tax },
      { name: 'a.pdf', bytes: pdfBytes(1000, 'same') },
    );
    const twice = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: tax },
      { name: 'b.pdf', bytes: pdfBytes(1000, 'same') },
    );
    expect([once.status, twice.status]).toEqual([201, 201]);
    expect((await counts()).blobs).toBe(before.blobs + 1);
  });

  it('marks approved documents expiring and expired once, and tells the supplier and the reviewer', async () => {
    const me = await supplier();
    const op = await staff();
    const ins = types.get('liability-insurance') as string;
    const up = await uploadDocument(
      t.srv.origin,
      me.c,
      { typeId: ins, expiresOn: day(40) },
      { name: 'insurance.pdf', bytes: pdfBytes(1200, 'ins') },
    );
    await op.c.documents.decide.mutate({ versionId: up.body.id as string, decision: 'approve' });
    // As the document-expiry job does: states (and the reviewer's mail), then the supplier's notices.
    const run = async () => {
      await markExpiries(t.srv.services.db, t.srv.clock, 30, t.srv.origin);
      await announceExpiring(t.srv.services.db, { config: t.srv.services.config, clock: t.srv.clock }, [30, 7]);
    };
    // Days pass between the runs: sign in again each time (the session would have timed out).
    const mine = async () => {
      await me.c.auth.login.mutate(me);
      return (await me.c.documents.requirements.query({})).items.find((i) => i.type.key === 'liability-insurance');
    };
    await run();
    expect((await mine())?.status).toBe('approved');
    t.srv.clock.advance(11 * 86_400_000);
    await run();
    expect((await mine())?.status).toBe('expiring');
    await run();
    t.srv.clock.advance(30 * 86_400_000);
    await run();
    expect((await mine())?.status).toBe('expired');
    const mails =
      await t.owner`select to_address, kind from mail_outbox where kind like 'document-expir%' and subject like ${`%supplier%`} order by id`;
    const forMe = mails.filter((m) => m.to_address === me.email || m.to_address === op.email);
    expect(forMe.map((m) => `${m.kind}:${m.to_address === op.email ? 'operator' : 'supplier'}`).sort()).toEqual([
      'document-expired:operator',
      'document-expired:supplier',
      'document-expiring:operator',
      'document-expiring:supplier',
    ]);
    const audit =
      await t.owner`select action from audit_events where entity_id = ${up.body.id as string} and action like 'document.expir%' order by id`;
    expect(audit.map((r) => r.action)).toEqual(['document.expiring', 'document.expired']);
  });
});

describe('master-data change requests', () => {
  it('holds a bank-detail change as pending until a handler accepts the version it saw', async () => {
    const step = steps();
    step('a recent password before a change');
    const me = await supplier();
    const op = await staff();
    expect(await me.c.masterData.get.query()).toEqual({ address: null, bankDetails: null, updatedAt: null });
    // Changing master data needs a recent password: after 11 idle-free minutes, confirm it first.
    t.srv.clock.advance(11 * 60_000);
    await me.c.auth.me.query();
    const stale = await errorOf(
      me.c.changeRequests.create.mutate({
        kind: 'address',
        address: { street: 'Kai 1', postalCode: '1', city: 'X', country: 'DE' },
      }),
    );
    expect(stale).toMatchObject({ code: 'FORBIDDEN', reason: 'reauth-required' });
    await me.c.auth.reauthenticate.mutate({ password: me.password });
    await op.c.auth.login.mutate(op); // the handler's decisions are sensitive too
    expect(
      (
        await errorOf(
          me.c.changeRequests.create.mutate({
            kind: 'bank-details',
            bankDetails: { accountHolder: 'Castor', iban: 'DE89 3704 0044 0532 0130 01' },
          }),
        )
      ).message,
    ).toMatch(/IBAN is not valid/);
    const { id } = await me.c.changeRequests.create.mutate({
      kind: 'bank-details',
      bankDetails: { accountHolder: 'Castor Metals GmbH', iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' },
      note: 'New house bank from January.',
    });
    expect(
      (
        await errorOf(
          me.c.changeRequests.create.mutate({
            kind: 'bank-details',
            bankDetails: { accountHolder: 'X', iban: 'GB82WEST12345698765432' },
          }),
        )
      ).code,
    ).toBe('CONFLICT');
    step('pending: nothing current changed');
    // Pending: nothing current changed.
    expect((await me.c.masterData.get.query()).bankDetails).toBeNull();
    const mine = await me.c.changeRequests.list.query({});
    expect(mine.items[0]).toMatchObject({
      id,
      status: 'pending',
      proposed: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    });

    const queued = await op.c.changeRequests.queue.query({ partyId: me.partyId });
    expect(queued.items.map((r) => r.id)).toEqual([id]);
    step('bank details go through approvals');
    // Bank details are decided through approvals (test/approvals.test.ts), never by one handler.
    expect(queued.items[0]?.approvalId).toBeTruthy();
    const seen = queued.items[0]?.version as number;
    expect(
      (await errorOf(op.c.changeRequests.decide.mutate({ id, version: seen, decision: 'accept' }))).message,
    ).toMatch(/approvals/);
    expect((await me.c.masterData.get.query()).bankDetails).toBeNull();
    const [audit] =
      await t.owner`select details from audit_events where action = 'change_request.created' and entity_id = ${id}`;
    expect(JSON.stringify(audit?.details)).not.toContain('370400440532013000');
    expect(JSON.stringify(audit?.details)).toContain('DE89');

    step('address: withdraw, other parties');
    // Address: withdraw; another supplier cannot see or withdraw it; customers cannot ask.
    const addr = await me.c.changeRequests.create.mutate({
      kind: 'address',
      address: { street: 'Hafenstraße 1', postalCode: '20457', city: 'Hamburg', country: 'de' },
    });
    const other = await supplier();
    expect(await codeOf(other.c.changeRequests.withdraw.mutate({ id: addr.id }))).toBe('NOT_FOUND');
    expect((await other.c.changeRequests.list.query({})).items).toEqual([]);
    await me.c.changeRequests.withdraw.mutate({ id: addr.id });
    expect(await codeOf(me.c.changeRequests.withdraw.mutate({ id: addr.id }))).toBe('CONFLICT');
    const user = await supplier('manufacturing', ['supplier-user']);
    expect(
      await codeOf(
        user.c.changeRequests.create.mutate({
          kind: 'address',
          address: { street: 'x', postalCode: '1', city: 'y', country: 'DE' },
        }),
      ),
    ).toBe('FORBIDDEN');
    step('an address change decided by handlers');
    // An address change: a stale version, a reject without reason, two handlers at once.
    const moved = await me.c.changeRequests.create.mutate({
      kind: 'address',
      address: { street: 'Kai 7', postalCode: '20457', city: 'Hamburg', country: 'DE' },
    });
    expect(await codeOf(op.c.changeRequests.decide.mutate({ id: moved.id, version: 2, decision: 'accept' }))).toBe(
      'CONFLICT',
    );
    expect(
      await codeOf(op.c.changeRequests.decide.mutate({ id: moved.id, version: 1, decision: 'reject', reason: '' })),
    ).toBe('BAD_REQUEST');
    const op2 = await staff();
    const results = await Promise.all([
      codeOf(op.c.changeRequests.decide.mutate({ id: moved.id, version: 1, decision: 'accept' })),
      codeOf(
        op2.c.changeRequests.decide.mutate({ id: moved.id, version: 1, decision: 'reject', reason: 'No such street.' }),
      ),
    ]);
    expect(results.sort()).toEqual(['CONFLICT', 'OK']);
    const decided = await op.c.changeRequests.get.query({ id: moved.id });
    const current = await me.c.masterData.get.query();
    if (decided.status === 'accepted') expect(current.address?.street).toBe('Kai 7');
    else expect(current.address).toBeNull();
    const accepted = await me.c.changeRequests.create.mutate({
      kind: 'address',
      address: { street: 'Hafenstraße 1', postalCode: '20457', city: 'Hamburg', country: 'DE' },
    });
    const v = (await op.c.changeRequests.get.query({ id: accepted.id })).version;
    await op.c.changeRequests.decide.mutate({ id: accepted.id, version: v, decision: 'accept' });
    expect((await me.c.masterData.get.query()).address).toEqual({
      street: 'Hafenstraße 1',
      postalCode: '20457',
      city: 'Hamburg',
      country: 'DE',
    });
  });
});
