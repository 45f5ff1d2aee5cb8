import { demoRepo } from '@gatehouse/db';
import { describe, expect, it } from 'vitest';
import { cookieOf, exeBytes, pdfBytes } from './support/files.ts';
import { client, createPartyWithUser, errorOf, SYSTEM, useTestServer } from './support/harness.ts';

/**
 * Accounts payable's side of invoices: queries (disputes) on an invoice or a line, answered and closed by
 * staff, and remittance advice that must reconcile. Unhappy paths first-class: wrong party, wrong role,
 * totals that do not add up, amounts over the open balance, two handlers closing at once.
 */
const t = useTestServer();

async function customer(roles: ('customer-user' | 'customer-admin')[] = ['customer-user'], partyId?: string) {
  const u = await createPartyWithUser(t.srv.db, 'customer', roles, partyId ? { partyId } : {});
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
/** A customer with invoices: n orders' worth of demo data, and its open invoices' ids (oldest due first). */
async function withInvoices(n = 12) {
  const me = await customer();
  await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, me.partyId, n, 'EUR'));
  return me;
}
async function openInvoice(partyId: string, currency = 'EUR') {
  const [row] = await t.owner`insert into invoices (party_id, number, kind, status, issue_date, due_date, currency,
                                                   total_minor, open_minor)
                              values (${partyId}, ${`INV-${Math.random().toString(36).slice(2, 10)}`}, 'invoice', 'open',
                                      '2026-01-01', '2026-02-01', ${currency}, 100000, 100000) returning id`;
  await t.owner`insert into invoice_lines (party_id, invoice_id, line_no, sku, description, quantity, unit_price_minor, amount_minor)
                values (${partyId}, ${row?.id}, 1, 'BOLT-8', 'Hex bolt M8', 100, 600, 60000),
                       (${partyId}, ${row?.id}, 2, 'NUT-8', 'Hex nut M8', 100, 400, 40000)`;
  return String(row?.id);
}
async function openCreditNote(partyId: string, minor = '-20000') {
  const [row] = await t.owner`insert into invoices (party_id, number, kind, status, issue_date, due_date, currency,
                                                   total_minor, open_minor)
                              values (${partyId}, ${`CN-${Math.random().toString(36).slice(2, 10)}`}, 'credit-note', 'open',
                                      '2026-01-05', '2026-02-05', 'EUR', ${minor}, ${minor}) returning id`;
  return String(row?.id);
}
async function upload(c: object, queryId: string, file: { name: string; bytes: Buffer }) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  const res = await fetch(`${t.srv.origin}/files/invoice-query-attachments?queryId=${queryId}`, {
    method: 'POST',
    body: form,
    headers: { origin: t.srv.origin, cookie: cookieOf(c) },
  });
  return { status: res.status, body: (await res.json()) as { id?: string; error?: { message: string } } };
}
const mails = (to: string, kind: string) =>
  t.owner`select subject, body_text from mail_outbox where to_address = ${to} and kind = ${kind} order by created_at`;

describe('invoice queries', () => {
  it('a customer raises a query on a line with a file; staff reply and resolve; every step audited, mailed, and the ERP told', async () => {
    const me = await withInvoices(1);
    const invoiceId = await openInvoice(me.partyId);
    const op = await staff();
    const { id } = await me.c.invoiceQueries.raise.mutate({
      invoiceId,
      lineNo: 2,
      reason: 'price',
      message: 'The nuts were quoted at 3.50, not 4.00.',
    });
    const up = await upload(me.c, id, { name: 'quote.pdf', bytes: pdfBytes() });
    expect(up.status).toBe(201);
    // The open query shows on the invoice, in the list and in staff's queue.
    expect((await me.c.invoices.get.query({ id: invoiceId })).openQueries).toBe(1);
    const listed = (await me.c.invoices.list.query({ status: 'open' })).items.find((i) => i.id === invoiceId);
    expect(listed?.openQueries).toBe(1);
    // And on the statement's open items.
    const onStatement = (await me.c.statements.get.query()).openItems.find((i) => i.id === invoiceId);
    expect(onStatement?.openQueries).toBe(1);
    const queue = await op.c.invoiceQueries.queue.query({ partyId: me.partyId });
    expect(queue.items.map((q) => [q.id, q.lineNo, q.reason, q.status])).toEqual([[id, 2, 'price', 'open']]);
    expect((await mails(op.email, 'invoice-query-waiting')).length).toBe(1);
    // The operator's home counts it in the work queue card.
    expect((await op.c.home.summary.query()).queue?.invoiceQueries).toBeGreaterThanOrEqual(1);
    expect((await mails(me.email, 'invoice-query-raised')).length).toBe(1);

    await op.c.invoiceQueries.reply.mutate({ id, message: 'Checking with sales; the quote says 3.50.' });
    expect((await mails(me.email, 'invoice-query-answered'))[0]?.body_text).toContain('Checking with sales');
    const seen = await op.c.invoiceQueries.get.query({ id });
    expect(seen.line).toEqual({ lineNo: 2, description: 'Hex nut M8', sku: 'NUT-8' });
    expect(seen.attachments.map((a) => [a.fileName, a.contentType])).toEqual([['quote.pdf', 'application/pdf']]);
    // Staff download the customer's file through a minted link (audited).
    const link = await op.c.invoiceQueries.attachmentLink.query({ attachmentId: seen.attachments[0]?.id ?? '' });
    const file = await fetch(`${t.srv.origin}${link.url}`, { headers: { cookie: cookieOf(op.c) } });
    expect(file.status).toBe(200);
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    await op.c.invoiceQueries.close.mutate({
      id,
      version: seen.version,
      outcome: 'resolved',
      reason: 'A credit note for 50.00 follows.',
    });
    const [mine] = await me.c.invoiceQueries.forInvoice.query({ id: invoiceId });
    expect(mine).toMatchObject({ status: 'resolved', resolution: 'A credit note for 50.00 follows.' });
    expect(mine?.messages.map((m) => m.authorSide)).toEqual(['customer', 'staff']);
    expect((await me.c.invoices.get.query({ id: invoiceId })).openQueries).toBe(0);
    expect((await me.c.statements.get.query()).openItems.find((i) => i.id === invoiceId)?.openQueries).toBe(0);
    expect((await mails(me.email, 'invoice-query-closed'))[0]?.subject).toMatch(/was resolved/);
    const [event] = await t.owner`select type, subject, payload from integration_events
                                  where party_id = ${me.partyId} and type like 'invoice_query.%'`;
    expect(event).toMatchObject({
      type: 'invoice_query.resolved',
      subject: { invoiceQueryId: id, invoiceId, lineNo: 2 },
      payload: { reason: 'price', outcome: 'resolved', resolution: 'A credit note for 50.00 follows.' },
    });
    const audit = await t.owner`select action from audit_events where entity_id = ${id} order by id`;
    expect(audit.map((a) => a.action)).toEqual([
      'invoice_query.raised',
      'invoice_query.attachment_added',
      'invoice_query.replied',
      'invoice_query.attachment_downloaded',
      'invoice_query.resolved',
    ]);
    // Closed: no more replies or files.
    expect(await errorOf(op.c.invoiceQueries.reply.mutate({ id, message: 'One more thing.' }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect((await upload(me.c, id, { name: 'late.pdf', bytes: pdfBytes() })).status).toBe(409);
  });

  it("another party's invoice, query and file answer NOT_FOUND", async () => {
    const me = await withInvoices(1);
    const invoiceId = await openInvoice(me.partyId);
    const { id } = await me.c.invoiceQueries.raise.mutate({
      invoiceId,
      reason: 'damaged',
      message: 'Crate arrived broken.',
    });
    const att = await upload(me.c, id, { name: 'photo.pdf', bytes: pdfBytes() });
    const other = await customer(['customer-admin']);
    for (const call of [
      () => other.c.invoiceQueries.raise.mutate({ invoiceId, reason: 'other', message: 'Not mine, but still.' }),
      () => other.c.invoiceQueries.get.query({ id }),
      () => other.c.invoiceQueries.forInvoice.query({ id: invoiceId }),
      () => other.c.invoiceQueries.comment.mutate({ id, message: 'Sneaking in.' }),
      () => other.c.invoiceQueries.attachmentLink.query({ attachmentId: att.body.id ?? '' }),
    ])
      expect((await errorOf(call())).code).toBe('NOT_FOUND');
    expect((await other.c.invoiceQueries.list.query({})).items).toEqual([]);
    expect((await upload(other.c, id, { name: 'x.pdf', bytes: pdfBytes() })).status).toBe(404);
    // A link minted for the owner does not open for someone else either.
    const link = await me.c.invoiceQueries.attachmentLink.query({ attachmentId: att.body.id ?? '' });
    const stolen = await fetch(`${t.srv.origin}${link.url}`, { headers: { cookie: cookieOf(other.c) } });
    expect(stolen.status).toBe(404);
  });

  it('wrong role: suppliers, auditors and approvers cannot raise; customers cannot answer or close', async () => {
    const me = await withInvoices(1);
    const invoiceId = await openInvoice(me.partyId);
    const { id } = await me.c.invoiceQueries.raise.mutate({
      invoiceId,
      reason: 'quantity',
      message: 'Got 90, billed 100.',
    });
    const sup = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    const sc = client(t.srv.origin);
    await sc.auth.login.mutate(sup);
    expect(
      (await errorOf(sc.invoiceQueries.raise.mutate({ invoiceId, reason: 'other', message: 'Hello there.' }))).code,
    ).toBe('FORBIDDEN');
    for (const role of ['auditor', 'approver'] as const) {
      const s = await staff(role);
      expect((await errorOf(s.c.invoiceQueries.queue.query({}))).code).toBe('FORBIDDEN');
    }
    expect((await errorOf(me.c.invoiceQueries.queue.query({}))).code).toBe('FORBIDDEN');
    expect((await errorOf(me.c.invoiceQueries.reply.mutate({ id, message: 'Answering myself.' }))).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await errorOf(me.c.invoiceQueries.close.mutate({ id, version: 1, outcome: 'resolved', reason: 'Fine now.' })))
        .code,
    ).toBe('FORBIDDEN');
    // Content checks of the upload route apply: an executable is refused and audited.
    const exe = await upload(me.c, id, { name: 'invoice.pdf', bytes: exeBytes() });
    expect(exe.status).toBe(415);
    const [refused] =
      await t.owner`select outcome from audit_events where entity_id = ${id} and action = 'invoice_query.attachment_refused'`;
    expect(refused?.outcome).toBe('denied');
    // A line the invoice does not have.
    expect(
      await errorOf(
        me.c.invoiceQueries.raise.mutate({ invoiceId, lineNo: 99, reason: 'price', message: 'Which line?' }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', message: 'This invoice has no line 99.' });
  });

  it('two handlers closing at once: exactly one wins, the other gets CONFLICT, one event for the ERP', async () => {
    const me = await withInvoices(1);
    const invoiceId = await openInvoice(me.partyId);
    const { id } = await me.c.invoiceQueries.raise.mutate({
      invoiceId,
      reason: 'not-received',
      message: 'Never arrived.',
    });
    const [a, b] = [await staff(), await staff()];
    const results = await Promise.allSettled([
      a.c.invoiceQueries.close.mutate({ id, version: 1, outcome: 'resolved', reason: 'Re-shipped.' }),
      b.c.invoiceQueries.close.mutate({ id, version: 1, outcome: 'rejected', reason: 'Signed for on delivery.' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(await errorOf(Promise.reject((loser as PromiseRejectedResult).reason))).toMatchObject({ code: 'CONFLICT' });
    const events =
      await t.owner`select type from integration_events where party_id = ${me.partyId} and type like 'invoice_query.%'`;
    expect(events).toHaveLength(1);
    // A stale version (the customer wrote meanwhile) is a CONFLICT too.
    const again = await me.c.invoiceQueries.raise.mutate({ invoiceId, reason: 'other', message: 'Something else.' });
    await me.c.invoiceQueries.comment.mutate({ id: again.id, message: 'And a detail.' });
    expect(
      await errorOf(
        a.c.invoiceQueries.close.mutate({ id: again.id, version: 1, outcome: 'resolved', reason: 'Done.' }),
      ),
    ).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('remittance advice', () => {
  it('two invoices and a credit note: reconciled, sent to the ERP, "payment advised" until the payment arrives', async () => {
    const me = await customer();
    const [i1, i2] = [await openInvoice(me.partyId), await openInvoice(me.partyId)];
    const cn = await openCreditNote(me.partyId);
    const open = await me.c.remittances.openItems.query();
    expect(open.items.map((i) => i.id).sort()).toEqual([i1, i2, cn].sort());
    const { id } = await me.c.remittances.create.mutate({
      reference: 'PAY-2026-0042',
      paymentDate: '2026-03-01',
      currency: 'EUR',
      totalMinor: '130000',
      allocations: [
        { invoiceId: i1, amountMinor: '100000' },
        { invoiceId: i2, amountMinor: '50000' },
        { invoiceId: cn, amountMinor: '-20000' },
      ],
    });
    for (const inv of [i1, i2, cn]) expect((await me.c.invoices.get.query({ id: inv })).paymentAdvised).toBe(true);
    const [event] =
      await t.owner`select payload, subject from integration_events where party_id = ${me.partyId} and type = 'remittance.advised'`;
    expect(event?.subject).toEqual({ remittanceId: id, reference: 'PAY-2026-0042' });
    expect(event?.payload).toMatchObject({ totalMinor: '130000', currency: 'EUR' });
    expect((await mails(me.email, 'remittance-advised'))[0]?.subject).toBe('Remittance advice PAY-2026-0042 sent');
    // i2 has 500.00 of its 1,000.00 still available; more than that is refused.
    expect((await me.c.remittances.openItems.query()).items.find((i) => i.id === i2)?.availableMinor).toBe('50000');
    expect(
      (
        await errorOf(
          me.c.remittances.create.mutate({
            reference: 'PAY-2',
            paymentDate: '2026-03-02',
            currency: 'EUR',
            totalMinor: '60000',
            allocations: [{ invoiceId: i2, amountMinor: '60000' }],
          }),
        )
      ).message,
    ).toMatch(/more than the 500.00 EUR still open on .* after earlier advice/);
    // The ERP's payment arrives (the mirror lowers the balance, marks it paid): the advice is settled.
    await t.owner`update invoices set open_minor = 0, status = 'paid' where id = ${i1}`;
    await t.owner`update invoices set open_minor = 50000 where id = ${i2}`;
    expect((await me.c.invoices.get.query({ id: i1 })).paymentAdvised).toBe(false);
    expect((await me.c.invoices.get.query({ id: i2 })).paymentAdvised).toBe(false);
    expect((await me.c.invoices.get.query({ id: cn })).paymentAdvised).toBe(true);
    const [listed] = (await me.c.remittances.list.query({})).items;
    expect(listed).toMatchObject({ id, pendingCount: 1, totalMinor: '130000' });
  });

  it('refuses advice that does not reconcile, over-pays, mixes currencies or names another party', async () => {
    const me = await customer();
    const inv = await openInvoice(me.partyId);
    const usd = await openInvoice(me.partyId, 'USD');
    const cn = await openCreditNote(me.partyId);
    const other = await customer();
    const theirs = await openInvoice(other.partyId);
    const base = { reference: 'R-1', paymentDate: '2026-03-01', currency: 'EUR' };
    const cases: [string, Parameters<typeof me.c.remittances.create.mutate>[0], string, RegExp][] = [
      [
        'total differs',
        { ...base, totalMinor: '90000', allocations: [{ invoiceId: inv, amountMinor: '100000' }] },
        'BAD_REQUEST',
        /add up to 1,000.00 EUR, not the 900.00 EUR stated/,
      ],
      [
        'over the open balance',
        { ...base, totalMinor: '100001', allocations: [{ invoiceId: inv, amountMinor: '100001' }] },
        'BAD_REQUEST',
        /more than the 1,000.00 EUR still open/,
      ],
      [
        'credit note as a positive amount',
        {
          ...base,
          totalMinor: '120000',
          allocations: [
            { invoiceId: inv, amountMinor: '100000' },
            { invoiceId: cn, amountMinor: '20000' },
          ],
        },
        'BAD_REQUEST',
        /credit note is taken off/,
      ],
      [
        'credit note beyond its balance',
        {
          ...base,
          totalMinor: '70000',
          allocations: [
            { invoiceId: inv, amountMinor: '100000' },
            { invoiceId: cn, amountMinor: '-30000' },
          ],
        },
        'BAD_REQUEST',
        /more than credit note .* has left/,
      ],
      [
        'credit notes alone',
        { ...base, totalMinor: '-20000', allocations: [{ invoiceId: cn, amountMinor: '-20000' }] },
        'BAD_REQUEST',
        /must be above zero/,
      ],
      [
        'another currency',
        { ...base, totalMinor: '100000', allocations: [{ invoiceId: usd, amountMinor: '100000' }] },
        'BAD_REQUEST',
        /is in USD; this payment is in EUR/,
      ],
      [
        "another party's invoice",
        { ...base, totalMinor: '100000', allocations: [{ invoiceId: theirs, amountMinor: '100000' }] },
        'NOT_FOUND',
        /was not found/,
      ],
    ];
    for (const [what, input, code, message] of cases) {
      const e = await errorOf(me.c.remittances.create.mutate(input));
      expect({ what, code: e.code }).toEqual({ what, code });
      expect(e.message, what).toMatch(message);
    }
    // Nothing of it was kept: no advice, no event, no "payment advised".
    expect((await me.c.remittances.list.query({})).items).toEqual([]);
    expect((await t.owner`select 1 from integration_events where party_id = ${me.partyId}`).length).toBe(0);
    expect((await me.c.invoices.get.query({ id: inv })).paymentAdvised).toBe(false);
    // Wrong role: staff and suppliers send no remittance advice.
    const op = await staff();
    expect((await errorOf(op.c.remittances.openItems.query())).code).toBe('FORBIDDEN');
  });
});
