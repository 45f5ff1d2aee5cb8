import { randomBytes } from 'node:crypto';
import { announceExpiring, announceMirrored, sendDigests } from '@gatehouse/server/testing';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, useTestServer } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';

/**
 * Events no user action causes (docs/notifications.md, ADR 0019): rows the ERP mirror writer created or
 * changed are announced by a job running as the app (the sync role cannot write notifications), exactly once
 * per row version and only to the owning party's users; compliance documents nearing expiry once per
 * threshold; the daily digest at each user's own local hour; and every such mail in the recipient's language.
 */
const t = useTestServer({ TRUST_PROXY: '127.0.0.1/32' });
const uid = () => randomBytes(4).toString('hex');
const env = () => ({ config: t.srv.services.config, clock: t.srv.clock });
const db = () => t.srv.services.db;
let ipSeq = 0;

type Kind = 'customer' | 'supplier';
async function person(kind: Kind, opts: { partyId?: string; locale?: 'de' | 'en'; timeZone?: string } = {}) {
  const u = await createPartyWithUser(t.srv.db, kind, [kind === 'customer' ? 'customer-user' : 'supplier-user'], {
    partyId: opts.partyId,
  });
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  if (opts.locale) await c.auth.setPreferences.mutate({ locale: opts.locale, timeZone: opts.timeZone ?? 'UTC' });
  return { ...u, c };
}
async function withRef(partyId: string) {
  const ref = `R-${uid()}`;
  await t.owner`update parties set erp_ref = ${ref} where id = ${partyId}`;
  return ref;
}

let token: string | undefined;
async function post(entity: string, rows: unknown[]) {
  if (!token) {
    const admin = await createPartyWithUser(t.srv.db, 'internal', ['system-admin']);
    const c = client(t.srv.origin);
    await c.auth.login.mutate(admin);
    token = (
      await c.integrations.createKey.mutate({
        integrationName: `ERP ${uid()}`,
        scopes: ['orders:write', 'invoices:write', 'shipments:write', 'purchase-orders:write'],
        ipAllowlist: ['0.0.0.0/0', '::/0'],
        expiresInDays: 30,
      })
    ).token;
  }
  const res = await fetch(`${t.srv.origin}/api/v1/batches/${entity}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': `k-${uid()}`,
      'x-forwarded-for': `203.0.113.${(++ipSeq % 250) + 1}`,
    },
    body: JSON.stringify({ rows }),
  });
  expect(res.status).toBe(200);
}

const invoice = (ref: string, over: Record<string, unknown> = {}) => ({
  key: `INV:${uid()}`,
  customer: ref,
  number: `INV-${uid()}`,
  status: 'open',
  issueDate: '2026-12-05',
  dueDate: '2027-01-04',
  currency: 'EUR',
  total: '1234.56',
  open: '1234.56',
  rev: 1,
  ...over,
});
const purchaseOrder = (ref: string, over: Record<string, unknown> = {}) => ({
  key: `PO:${uid()}`,
  supplier: ref,
  number: `PO-${uid()}`,
  status: 'open',
  orderDate: '2026-12-01',
  requestedDate: '2027-01-10',
  currency: 'EUR',
  total: '500.00',
  lines: [{ lineNo: 1, sku: 'S', description: 'Steel', quantity: '10', uom: 'KG', unitPrice: '50', amount: '500' }],
  rev: 1,
  ...over,
});

type Mail = { kind: string; subject: string; body_text: string };
const mailsTo = (to: string) =>
  t.owner<Mail[]>`select kind, subject, body_text from mail_outbox where to_address = ${to} order by created_at, id`;

describe('mirrored rows', () => {
  it('announces a new invoice and credit note to the customer’s own users, once, each in their language', async () => {
    const de = await person('customer', { locale: 'de', timeZone: 'Europe/Berlin' });
    const en = await person('customer', { partyId: de.partyId, locale: 'en', timeZone: 'Europe/London' });
    const bare = await person('customer', { partyId: de.partyId }); // no preferences: English
    const other = await person('customer');
    const refA = await withRef(de.partyId);
    const refB = await withRef(other.partyId);
    const inv = invoice(refA);
    const credit = invoice(refA, { kind: 'credit-note', total: '-20.00', open: '-20.00' });
    const invB = invoice(refB);
    await post('invoices', [inv, credit, invB]);

    await announceMirrored(db(), env());

    const deMails = await mailsTo(de.email);
    expect(deMails.map((m) => m.kind).sort()).toEqual(['credit-note-new', 'invoice-new']);
    const deInv = deMails.find((m) => m.kind === 'invoice-new');
    expect(deInv?.subject).toBe(`Neue Rechnung ${inv.number}`);
    expect(deInv?.body_text).toContain(
      `Rechnung ${inv.number} vom 05.12.2026 über 1.234,56\u00a0€ ist am 04.01.2027 fällig.`,
    );
    expect(deInv?.body_text).toContain('Sie erhalten diese E-Mail für „Neue Rechnungen“');
    expect(deMails.find((m) => m.kind === 'credit-note-new')?.subject).toBe(`Neue Gutschrift ${credit.number}`);

    for (const who of [en, bare]) {
      const mails = await mailsTo(who.email);
      expect(mails.map((m) => m.kind).sort()).toEqual(['credit-note-new', 'invoice-new']);
      const m = mails.find((x) => x.kind === 'invoice-new');
      expect(m?.subject).toBe(`New invoice ${inv.number}`);
      expect(m?.body_text).toContain(`Invoice ${inv.number} of 5 Dec 2026 for 1,234.56 EUR is due on 4 Jan 2027.`);
      expect(m?.body_text).toContain('You get this mail for "New invoices"');
    }

    // The other customer hears only of its own invoice, and sees none of A's in-app.
    const otherMails = await mailsTo(other.email);
    expect(otherMails.map((m) => m.subject)).toEqual([`New invoice ${invB.number}`]);
    const otherList = await other.c.notifications.list.query({});
    expect(otherList.items.map((n) => n.title)).toEqual([`New invoice ${invB.number}`]);
    const deList = await de.c.notifications.list.query({});
    expect(deList.items.map((n) => n.title).sort()).toEqual(
      [`Neue Gutschrift ${credit.number}`, `Neue Rechnung ${inv.number}`].sort(),
    );
    expect(deList.items.every((n) => n.link?.startsWith('/invoices/'))).toBe(true);

    // A second run, a restart (the cursor lost) and a changed invoice (paid) announce nothing new.
    await announceMirrored(db(), env());
    await t.owner`delete from notification_cursors`;
    await announceMirrored(db(), env());
    await post('invoices', [{ ...inv, status: 'paid', open: '0', rev: 2 }]);
    await announceMirrored(db(), env());
    expect((await mailsTo(de.email)).length).toBe(2);
    expect((await mailsTo(en.email)).length).toBe(2);
    expect((await mailsTo(other.email)).length).toBe(1);
  });

  it('announces a new shipment to the customer', async () => {
    const c = await person('customer', { locale: 'de', timeZone: 'Europe/Berlin' });
    const ref = await withRef(c.partyId);
    const orderKey = `O:${uid()}`;
    await post('orders', [
      {
        key: orderKey,
        customer: ref,
        number: `SO-${uid()}`,
        status: 'confirmed',
        orderDate: '2026-12-01',
        currency: 'EUR',
        total: '100.00',
        lines: [{ lineNo: 1, sku: 'A', description: 'Bolts', quantity: '10', unitPrice: '10', amount: '100' }],
        rev: 1,
      },
    ]);
    const number = `SH-${uid()}`;
    await post('shipments', [
      {
        key: `SH:${uid()}`,
        customer: ref,
        number,
        carrier: 'DHL',
        trackingRef: 'JD0001',
        shippedOn: '2026-12-03',
        lines: [{ order: orderKey, lineNo: 1, quantity: '10' }],
        rev: 1,
      },
    ]);
    await announceMirrored(db(), env());
    await announceMirrored(db(), env());
    const mails = await mailsTo(c.email);
    expect(mails.map((m) => m.kind)).toEqual(['shipment-new']);
    expect(mails[0]?.subject).toBe(`Lieferung ${number} ist unterwegs`);
    expect(mails[0]?.body_text).toContain(
      `Lieferung ${number} wurde am 03.12.2026 mit DHL versandt. Sendungsnummer: JD0001.`,
    );
  });

  it('tells the supplier a PO was issued, then once per ERP revision that it changed; two runs at once send one', async () => {
    const s = await person('supplier', { locale: 'en', timeZone: 'UTC' });
    const ref = await withRef(s.partyId);
    const po = purchaseOrder(ref);
    await post('purchase-orders', [po]);
    // Two instances at once (the period claim aside): each version is claimed by exactly one.
    await Promise.all([announceMirrored(db(), env()), announceMirrored(db(), env())]);
    let mails = await mailsTo(s.email);
    expect(mails.map((m) => m.kind)).toEqual(['po-issued']);
    expect(mails[0]?.subject).toBe(`New purchase order ${po.number}`);
    expect(mails[0]?.body_text).toContain('for 500.00 EUR, requested delivery 10 Jan 2027');

    await post('purchase-orders', [{ ...po, rev: 2, total: '750.00', requestedDate: '2027-01-20' }]);
    await announceMirrored(db(), env());
    await announceMirrored(db(), env());
    // A replay of an old revision changes nothing in the mirror, so nothing is announced.
    await post('purchase-orders', [{ ...po, rev: 1 }]);
    await announceMirrored(db(), env());
    mails = await mailsTo(s.email);
    expect(mails.map((m) => m.kind)).toEqual(['po-issued', 'po-changed']);
    expect(mails[1]?.subject).toBe(`Purchase order ${po.number} changed`);
    expect(mails[1]?.body_text).toContain('it now totals 750.00 EUR, requested delivery 20 Jan 2027');
    const [id] = await t.owner`select id from purchase_orders where erp_key = ${po.key}`;
    const list = await s.c.notifications.list.query({});
    expect(list.items.map((n) => n.link)).toEqual([`/purchase-orders/${id?.id}`, `/purchase-orders/${id?.id}`]);
  });

  it('a party with no eligible recipient is told nothing, and not later either', async () => {
    const sleeper = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user'], { status: 'suspended' });
    const ref = await withRef(sleeper.partyId);
    const po = purchaseOrder(ref);
    await post('purchase-orders', [po]);
    await announceMirrored(db(), env());
    const [row] = await t.owner`select count(*)::int as n from notifications where party_id = ${sleeper.partyId}`;
    expect(row?.n).toBe(0);
    // The version counts as announced (to nobody): reactivating the user does not replay history.
    const [claimed] = await t.owner`select rev::int as rev from notification_sources ns
                                    join purchase_orders p on p.id = ns.entity_id where p.erp_key = ${po.key}`;
    expect(claimed?.rev).toBe(1);
    await t.owner`update users set status = 'active' where id = ${sleeper.userId}`;
    await announceMirrored(db(), env());
    expect(await mailsTo(sleeper.email)).toEqual([]);
  });
});

describe('documents expiring', () => {
  async function approvedDocument(partyId: string, userId: string, expiresOn: string) {
    const [type] = await t.owner`select id from document_types where requires_expiry order by key limit 1`;
    const [v] = await t.owner`insert into document_versions (party_id, type_id, version_no, file_name, content_type,
                                size_bytes, sha256, status, expires_on, uploaded_by)
                              values (${partyId}, ${type?.id}, (select coalesce(max(version_no), 0) + 1 from document_versions
                                      where party_id = ${partyId} and type_id = ${type?.id}),
                                      'cert.pdf', 'application/pdf', 100, ${uid().padEnd(64, '0')}, 'approved',
                                      ${expiresOn}, ${userId})
                              returning id`;
    return v?.id as string;
  }
  const day = (offset: number) => new Date(t.srv.clock.now() + offset * 86_400_000).toISOString().slice(0, 10);

  it('tells the supplier once per threshold (30 and 7 days), in their language, only their own party', async () => {
    const s = await person('supplier', { locale: 'de', timeZone: 'Europe/Berlin' });
    const other = await person('supplier');
    await approvedDocument(s.partyId, s.userId, day(20));
    // Another supplier's document first seen 3 days before expiry: the 7-day notice only, never both.
    await approvedDocument(other.partyId, other.userId, day(3));
    const run = () => announceExpiring(db(), env(), [30, 7]);

    await run();
    await run();
    let mine = await mailsTo(s.email);
    expect(mine.map((m) => m.kind)).toEqual(['document-expiring']);
    expect(mine[0]?.subject).toMatch(/^Läuft bald ab: /);
    expect(mine[0]?.body_text).toContain(`läuft in 20 Tagen ab, am ${day(20).split('-').reverse().join('.')}.`);
    const theirs = await mailsTo(other.email);
    expect(theirs.map((m) => m.kind)).toEqual(['document-expiring']);
    expect(theirs[0]?.body_text).toContain('expires in 3 days');
    expect(theirs[0]?.body_text).not.toContain(`supplier`.concat(' ', s.partyId));

    // 14 days on: 6 days left, the 7-day notice, once.
    t.srv.clock.advance(14 * 86_400_000);
    await run();
    await run();
    mine = await mailsTo(s.email);
    expect(mine.map((m) => m.kind)).toEqual(['document-expiring', 'document-expiring']);
    expect(mine[1]?.body_text).toContain('läuft in 6 Tagen ab');
    expect((await mailsTo(other.email)).length).toBe(1);
    const [n] = await t.owner`select count(*)::int as n from notifications where party_id = ${other.partyId}
                              and type = 'document.expiring'`;
    expect(n?.n).toBe(1);
  });
});

describe('the daily digest at each user’s own hour', () => {
  const advanceToUtcHour = (hour: number) => {
    const now = t.srv.clock.now();
    const d = new Date(now);
    let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, 0, 0);
    if (target <= now) target += 86_400_000;
    t.srv.clock.advance(target - now);
  };

  it('goes out from 07:00 in the user’s zone (UTC without one), once per local day, in their language', async () => {
    // Zones without daylight saving, so the test means the same in every season.
    const tokyo = await person('supplier', { locale: 'de', timeZone: 'Asia/Tokyo' });
    const phoenix = await person('supplier', { partyId: tokyo.partyId, locale: 'en', timeZone: 'America/Phoenix' });
    const plain = await person('supplier', { partyId: tokyo.partyId }); // no preferences: UTC, English
    for (const p of [tokyo, phoenix, plain])
      await p.c.notifications.setPreference.mutate({ type: 'po.issued', mode: 'digest' });
    const ref = await withRef(tokyo.partyId);
    const digests = async (p: { email: string }) =>
      (await mailsTo(p.email)).filter((m) => m.kind === 'notification-digest');

    // 15:00 UTC: Tokyo 00:00 (its new day has not reached 07:00), Phoenix 08:00, UTC 15:00.
    advanceToUtcHour(15);
    const first = purchaseOrder(ref);
    await post('purchase-orders', [first]);
    await announceMirrored(db(), env());
    expect(await mailsTo(phoenix.email)).toEqual([]); // digest chosen: no mail at once
    t.srv.clock.advance(60_000);
    await sendDigests(db(), env(), 7);
    expect((await digests(tokyo)).length).toBe(0);
    const [ph] = await digests(phoenix);
    expect(ph?.subject).toBe('Gatehouse: 1 notification today');
    expect(ph?.body_text).toContain(`New purchase order ${first.number}`);
    expect(ph?.body_text).toMatch(/sent \d+ \w+ \d{4}, \d{2}:\d{2} (MST|GMT-7)\)/);
    expect((await digests(plain)).map((m) => m.subject)).toEqual(['Gatehouse: 1 notification today']);

    // Later that day another PO: Phoenix and UTC already had today's digest, so nothing more today.
    t.srv.clock.advance(60 * 60_000);
    const second = purchaseOrder(ref);
    await post('purchase-orders', [second]);
    await announceMirrored(db(), env());
    t.srv.clock.advance(60_000);
    await sendDigests(db(), env(), 7);
    expect((await digests(phoenix)).length).toBe(1);
    expect((await digests(plain)).length).toBe(1);
    expect((await digests(tokyo)).length).toBe(0);

    // 23:00 UTC: Tokyo's 08:00. Tokyo gets one German digest with both; Phoenix (16:00) nothing new.
    advanceToUtcHour(23);
    await sendDigests(db(), env(), 7);
    await sendDigests(db(), env(), 7);
    const tk = await digests(tokyo);
    expect(tk.map((m) => m.subject)).toEqual(['Gatehouse: 2 Benachrichtigungen heute']);
    expect(tk[0]?.body_text).toContain(`Neue Bestellung ${first.number}`);
    expect(tk[0]?.body_text).toContain(`Neue Bestellung ${second.number}`);
    expect(tk[0]?.body_text).toContain('Was seit Ihrer letzten Zusammenfassung');
    expect((await digests(phoenix)).length).toBe(1);

    // The next day at 15:00 UTC, Phoenix and UTC get the second PO.
    advanceToUtcHour(15);
    await sendDigests(db(), env(), 7);
    const ph2 = await digests(phoenix);
    expect(ph2.length).toBe(2);
    expect(ph2[1]?.body_text).toContain(`New purchase order ${second.number}`);
    expect(ph2[1]?.body_text).not.toContain(first.number);
    expect((await digests(plain)).length).toBe(2);
    expect((await digests(tokyo)).length).toBe(1);
  });
});

describe('security mail in the recipient’s language', () => {
  it('a German user gets the password reset and lockout mail in German, an English one in English', async () => {
    const de = await person('customer', { locale: 'de', timeZone: 'Europe/Berlin' });
    const en = await person('customer', { partyId: de.partyId }); // no preferences: English
    const c = client(t.srv.origin);
    for (const who of [de, en])
      expect(await c.auth.requestPasswordReset.mutate({ email: who.email })).toEqual({ ok: true });
    const [deReset] = (await mailsTo(de.email)).filter((m) => m.kind === 'password-reset');
    expect(deReset?.subject).toBe('Ihr Gatehouse-Passwort zurücksetzen');
    expect(deReset?.body_text).toContain('Öffnen Sie diesen Link innerhalb von 30 Minuten');
    expect(deReset?.body_text).toMatch(/reset-password#token=/);
    const [enReset] = (await mailsTo(en.email)).filter((m) => m.kind === 'password-reset');
    expect(enReset?.subject).toBe('Reset your Gatehouse password');
    expect(enReset?.body_text).toContain('Open this link within 30 minutes');

    for (const who of [de, en]) {
      const attacker = client(t.srv.origin, { headers: { 'x-forwarded-for': '192.0.2.77' } });
      for (let i = 0; i < 5; i++)
        await attacker.auth.login.mutate({ ...who, password: `wrong-${i}-password` }).catch(() => null);
    }
    const [deLock] = (await mailsTo(de.email)).filter((m) => m.kind === 'lockout');
    expect(deLock?.subject).toBe('Die Anmeldung an Ihrem Gatehouse-Konto wurde gesperrt');
    expect(deLock?.body_text).toMatch(/aus dem Netz 192\.0\.2\.77 für \d+ Minuten? gesperrt/);
    const [enLock] = (await mailsTo(en.email)).filter((m) => m.kind === 'lockout');
    expect(enLock?.subject).toBe('Sign-in to your Gatehouse account was blocked');
    expect(enLock?.body_text).toMatch(/from the network 192\.0\.2\.77 for \d+ minutes?/);
  });
});

describe('more mail in the recipient’s language', () => {
  it('a buyer’s PO thread message reaches a German supplier in German and an English one in English', async () => {
    const de = await person('supplier', { locale: 'de', timeZone: 'Europe/Berlin' });
    const en = await person('supplier', { partyId: de.partyId });
    const op = await createPartyWithUser(t.srv.db, 'internal', ['operator']);
    const opc = client(t.srv.origin);
    await opc.auth.login.mutate(op);
    const number = `PO-${uid()}`;
    const po = await makePurchaseOrder(t.srv.db, de.partyId, {
      number,
      requestedDate: '2027-01-10',
      lines: [{ quantity: '10', unitPrice: '5.00' }],
    });
    await opc.poThreads.reply.mutate({ purchaseOrderId: po, message: 'Können Sie früher liefern?' });
    const [deMail] = (await mailsTo(de.email)).filter((m) => m.kind === 'po-thread-message');
    expect(deMail?.subject).toBe(`Der Einkauf hat zur Bestellung ${number} geschrieben`);
    expect(deMail?.body_text).toContain('schrieb:\n\nKönnen Sie früher liefern?');
    expect(deMail?.body_text).toContain('In Gatehouse öffnen:');
    const [enMail] = (await mailsTo(en.email)).filter((m) => m.kind === 'po-thread-message');
    expect(enMail?.subject).toBe(`The buyer wrote about purchase order ${number}`);
    expect(enMail?.body_text).toContain('wrote:\n\nKönnen Sie früher liefern?');
    // In-app too, each in their own language.
    expect((await de.c.notifications.list.query({})).items[0]?.title).toBe(
      `Der Einkauf hat zur Bestellung ${number} geschrieben`,
    );
  });

  it('a second-factor reset by an admin is mailed in the user’s language', async () => {
    const de = await person('customer', { locale: 'de', timeZone: 'Europe/Berlin' });
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin'], { partyId: de.partyId });
    const ac = client(t.srv.origin);
    await ac.auth.login.mutate(admin);
    await t.owner`insert into mfa_totp (user_id, party_id, secret_sealed, confirmed_at)
                  values (${de.userId}, ${de.partyId}, 'sealed', now())`;
    await ac.users.resetTwoFactor.mutate({ userId: de.userId });
    const [mail] = (await mailsTo(de.email)).filter((m) => m.kind === 'mfa-reset');
    expect(mail?.subject).toBe('Die Zwei-Faktor-Authentifizierung Ihres Gatehouse-Kontos wurde zurückgesetzt');
    expect(mail?.body_text).toContain('hat die Zwei-Faktor-Authentifizierung Ihres Kontos ausgeschaltet');
  });
});
