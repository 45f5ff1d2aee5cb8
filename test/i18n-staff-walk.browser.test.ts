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
 * a German-speaking system admin opens Integrations (its keys and sources), then walks its Kinetic and
 * webhooks sections, Imports with a dry run, and the seller details. No screen shows a catalogue key or one of
 * the English words the catalogue replaced, and dates and times read the German way.
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

  it('a German-speaking system admin walks Integrations’ Kinetic and webhooks sections (a dialog cancelled), Imports with a dry run, and the seller details', async () => {
    // A Kinetic connection (its name never resolves) and a webhook endpoint an administrator disabled.
    const api = client(s.srv.origin);
    await api.auth.login.mutate({ email: sysAdmin.email, password: sysAdmin.password });
    await api.kinetic.save.mutate({
      baseUrl: 'https://kinetic.walk.invalid',
      instance: 'KineticLive',
      company: 'EPIC06',
      authMode: 'basic',
      username: 'svc-gatehouse',
      apiKey: 'walk-key',
      password: 'walk-password',
    });
    const hook = await api.webhooks.create.mutate({ url: 'https://erp.walk.invalid/hook', eventTypes: [] });
    await api.webhooks.disable.mutate({ endpointId: hook.endpointId });

    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await signIn(page, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await page.goto(`${s.srv.origin}/integrations`);
    await page.waitForSelector('[data-testid="kinetic-streams"]');
    await page.waitForSelector('[data-testid="webhook-row"]');
    const sections = await expectIntegrations(page, 'integrations: Kinetic and webhooks');
    for (const german of [
      'Verbindung speichern',
      'Ein Passwort ist hinterlegt (versiegelt).',
      'Ein API-Schlüssel ist hinterlegt (versiegelt).',
      'Datenströme',
      'Kundenaufträge',
      'Rückschreiben',
      'Neuer Endpunkt',
      'Deaktiviert',
      'Von einem Administrator deaktiviert.', // the server's own reason, mapped to the catalogue
      '0 ausstehend, 0 fehlgeschlagen',
    ])
      expect(sections.text).toContain(german);
    // "Test connection": the outcome's code is worded from the catalogue; its detail is the resolver's text.
    await page.click('[data-testid="kinetic-test"]');
    await page.waitForSelector('[data-testid="kinetic-test-result"]', { timeout: 30_000 });
    const outcome = await page.getAttribute('[data-testid="kinetic-test-result"]', 'data-outcome');
    expect(outcome).not.toBe('ok');
    const worded = { dns_tls: 'DNS- oder TLS-Problem', unreachable: 'Nicht erreichbar' } as Record<string, string>;
    expect(await page.textContent('[data-testid="kinetic-test-result"] strong')).toBe(worded[outcome ?? '']);
    await expectIntegrations(page, 'integrations: connection tested');
    // One dialog opened and cancelled: a new endpoint.
    await page.click('[data-testid="webhook-new"]');
    await page.waitForSelector('[data-testid="webhook-create-dialog"]');
    const dialog = await expectIntegrations(page, 'new webhook endpoint dialog');
    expect(dialog.text).toContain('Neuer Webhook-Endpunkt');
    expect(dialog.text).toContain('Ereignisse (keines angekreuzt: alle)');
    await page.click('[data-testid="webhook-create-dialog"] button[type="button"]');
    await page.waitForSelector('[data-testid="webhook-create-dialog"]', { state: 'detached' });

    await page.goto(`${s.srv.origin}/imports`);
    await page.waitForSelector('[data-testid="import-start"]');
    const imports = await expectIntegrations(page, 'imports');
    expect(await page.textContent('h1')).toBe('CSV-Import und -Export');
    expect(imports.text).toContain('Kunden und Lieferanten');
    // Nothing chosen: refused in German; then a dry run of one row for a customer nobody knows.
    await page.click('[data-testid="import-start"]');
    await page.waitForSelector('[data-testid="import-error"]:has-text("Wählen Sie zuerst eine CSV-Datei.")');
    await page.selectOption('[data-testid="import-entity"]', 'credit-limits');
    await page.setInputFiles('[data-testid="import-file"]', {
      name: 'kreditlimits.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('customer,limit,currency\nNIEMAND-1,1000.00,EUR\n'),
    });
    await page.click('[data-testid="import-start"]');
    await page.waitForSelector('[data-testid="import-phase"]:has-text("Abgeschlossen")', { timeout: 30_000 });
    const dryRun = await expectIntegrations(page, 'imports: dry run');
    expect(dryRun.text).toContain('kreditlimits.csv: Probelauf');
    expect(await page.textContent('[data-testid="import-counts"]')).toContain('1 Zeilen gelesen');
    expect(await page.textContent('[data-testid="import-message"]')).toBe(
      'Probelauf: 1 Fehler; es wurde nichts geändert.',
    );
    expect(dryRun.text).toContain('Fehlerbericht herunterladen (CSV)');

    // The seller details (a section of the policies page, whose own frame is not moved yet).
    await page.goto(`${s.srv.origin}/policies`);
    await page.waitForSelector('[data-testid="seller-save"]');
    const seller = (await page.textContent('[data-testid="seller-details"]')) ?? '';
    expect(seller).toContain('Absenderangaben auf Dokumenten');
    expect(seller).toContain('Zahlungsbedingungen');
    expect(seller).not.toMatch(/Seller details|Legal name|Payment terms|Save seller details/);
    expect(s.problems).toEqual([]);
    await page.close();
  }, 120_000);
});

/** The integration screens' check: the staff walk's, with the words these screens replaced. */
const expectIntegrations = germanWalk({
  keys: KEYS,
  english: [
    ...ENGLISH,
    'Connection',
    'Test connection',
    'Server address',
    'Service account',
    'Password',
    'API key',
    'Streams',
    'Last run',
    'Write-back',
    'Sales orders',
    'Customers',
    'Not stored yet',
    'Never written',
    'Waiting to send',
    'New endpoint',
    'Endpoint',
    'Deliveries',
    'Disabled',
    'Enable',
    'Replay',
    'Rotate secret',
    'Events',
    'Description',
    'pending',
    'failed',
    'CSV import and export',
    'Import a file',
    'What the file holds',
    'Encoding',
    'Dry run',
    'Check file',
    'rows read',
    'would be created',
    'Finished',
    'Download the error report',
    'What to export',
    'Download CSV',
    'Columns',
    'Credit limits',
  ],
  // What the server writes: a stream's last error, the resolver's detail, a refused row's problem.
  serverWritten: [
    '[data-testid="kinetic-stream-error"]',
    '[data-testid="kinetic-auth-failed-reason"]',
    '[data-testid="kinetic-test-detail"]',
    '[data-testid="kinetic-reject-reason"]',
    '[data-testid="import-errors"] tbody',
  ],
});
