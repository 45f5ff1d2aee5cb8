import { demoRepo } from '@gatehouse/db';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import adminEn from '../web/src/i18n/admin.en.ts';
import en from '../web/src/i18n/en.ts';
import { newPage, signIn, useBrowserSuite } from './support/browser.ts';
import { germanWalk } from './support/german-walk.ts';
import { client, createPartyWithUser, SYSTEM } from './support/harness.ts';

/**
 * The German staff walk (issue 19, docs/i18n.md): the staff screens' strings come from the catalogue's admin
 * part. A German-speaking operator walks the work queue (one item waiting in each of its three list tabs);
 * a German-speaking system admin opens Integrations (its keys and sources; the webhooks and Kinetic sections
 * are not translated yet: docs/i18n.md). No screen shows a catalogue key or one of the English words the catalogue replaced, and dates
 * and times read the German way.
 */
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>>;
let operator: Seeded;
let sysAdmin: Seeded;
let owner: postgres.Sql;

const s = useBrowserSuite();

beforeAll(async () => {
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  const customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  const supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
  await s.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, customer.partyId, 3, 'EUR');
  });
  owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
  // One item in each of the operator's tabs: a document to review, an address change, an invoice query;
  // and a bank-detail change, which waits in approvals.
  const [type] = await owner`select id from document_types where key = 'tax-form'`;
  await owner`insert into document_versions (party_id, type_id, version_no, file_name, content_type, size_bytes,
                                             sha256, status, uploaded_by)
              values (${supplier.partyId}, ${type?.id}, 1, 'w9.pdf', 'application/pdf', 10, ${'0'.repeat(64)},
                      'submitted', ${supplier.userId})`;
  const sup = client(s.srv.origin);
  await sup.auth.login.mutate({ email: supplier.email, password: supplier.password });
  await sup.changeRequests.create.mutate({
    kind: 'address',
    address: { street: 'Kai 1', postalCode: '20457', city: 'Hamburg', country: 'DE' },
  });
  await sup.changeRequests.create.mutate({
    kind: 'bank-details',
    bankDetails: { accountHolder: 'Castor', iban: 'GB82WEST12345698765432' },
  });
  const [invoice] = await owner`select id::text from invoices where party_id = ${customer.partyId} limit 1`;
  const cu = client(s.srv.origin);
  await cu.auth.login.mutate({ email: customer.email, password: customer.password });
  await cu.invoiceQueries.raise.mutate({ invoiceId: String(invoice?.id), reason: 'price', message: 'Zu teuer.' });
});

afterAll(async () => {
  await owner?.end();
});

/** Every key of both catalogue parts: none may ever show as text. */
const KEYS = [...Object.keys(en), ...Object.keys(adminEn)];
/** English words and phrases the admin catalogue replaced on these screens: a German screen shows none. */
const ENGLISH = [
  'Loading',
  'Work queue',
  'Documents to review',
  'Change requests',
  'Invoice queries',
  'oldest first',
  'Waiting',
  'Uploaded',
  'Requested by',
  'Raised',
  'Filter',
  'Showing',
  'Integrations',
  'New key',
  'Sources',
  'Scopes',
  'Last used',
  'Expires',
  'Revoke',
  'Rotate',
  'suspend customers',
];

const expectGerman = germanWalk({ keys: KEYS, english: ENGLISH });

describe('the German staff walk', () => {
  it('a German-speaking operator walks the work queue’s documents, change-request and invoice-query tabs', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await signIn(page, s.srv.origin, operator.email, operator.password);

    await page.goto(`${s.srv.origin}/work-queue`);
    await page.waitForSelector('[data-testid="queue-document-row"]');
    const documents = await expectGerman(page, 'work queue: documents');
    expect(await page.textContent('h1')).toBe('Arbeitsvorrat');
    expect(documents.text).toContain('Zu prüfende Dokumente');
    expect(documents.times).toBeGreaterThan(0);

    await page.goto(`${s.srv.origin}/work-queue?tab=change-requests`);
    await page.waitForSelector('[data-testid="queue-change-request-row"]');
    const requests = await expectGerman(page, 'work queue: change requests');
    expect(requests.text).toContain('Beantragt von');

    await page.goto(`${s.srv.origin}/work-queue?tab=invoice-queries`);
    await page.waitForSelector('[data-testid="queue-invoice-query-row"]');
    const queries = await expectGerman(page, 'work queue: invoice queries');
    expect(queries.text).toContain('Rechnungsrückfragen, älteste zuerst');
    expect(s.problems).toEqual([]);
    await page.close();
  });

  it('a German-speaking system admin opens Integrations: its keys part is German', async () => {
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);

    await page.goto(`${s.srv.origin}/integrations`);
    await page.waitForSelector('[data-testid="keys-empty"]');
    await page.waitForSelector('[data-testid="webhooks-empty"]');
    await page.waitForSelector('[data-testid="kinetic-url"]');
    const integrations = await expectGerman(page, 'integrations');
    expect(await page.textContent('h1')).toBe('Integrationen');
    expect(integrations.text).toContain('Neuer Schlüssel');
    expect(await page.title()).toMatch(/^Integrationen/);
    expect(s.problems).toEqual([]);
    await page.close();
  });
});
