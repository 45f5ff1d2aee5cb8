import { demoRepo } from '@gatehouse/db';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import adminEn from '../web/src/i18n/admin.en.ts';
import en from '../web/src/i18n/en.ts';
import enForms from '../web/src/i18n/en-forms.ts';
import { newPage, signIn, useBrowserSuite } from './support/browser.ts';
import { germanWalk } from './support/german-walk.ts';
import { client, createPartyWithUser, SYSTEM } from './support/harness.ts';
import { makePurchaseOrder } from './support/purchase-orders.ts';
import { steps } from './support/steps.ts';

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
let supplier: Seeded;
let owner: postgres.Sql;

const s = useBrowserSuite();

beforeAll(async () => {
  operator = await createPartyWithUser(s.srv.db, 'internal', ['operator']);
  sysAdmin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
  const customer = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
  supplier = await createPartyWithUser(s.srv.db, 'supplier', ['supplier-admin']);
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

  it('a German-speaking approver and operator walk approvals, the policies, the work queue’s detail pages and PO confirmations', async () => {
    const step = steps();
    step('seeding');
    // An approver for the bank-detail change waiting in approvals (beforeAll), and a PO whose supplier
    // changed a line, waiting in the operator's confirmations tab.
    const approver = await createPartyWithUser(s.srv.db, 'internal', ['approver']);
    const day = (days: number) => new Date(s.srv.clock.now() + days * 86_400_000).toISOString().slice(0, 10);
    const poId = await makePurchaseOrder(s.srv.db, supplier.partyId, {
      number: 'PO-DE-1',
      requestedDate: day(10),
      lines: [{ quantity: '10', unitPrice: '1234.56' }],
    });
    const sup = client(s.srv.origin);
    await sup.auth.login.mutate({ email: supplier.email, password: supplier.password });
    await sup.purchaseOrders.confirm.mutate({
      id: poId,
      lines: [{ lineNo: 1, decision: 'change', schedules: [{ quantity: '8', date: day(14) }], reason: 'Knapp.' }],
    });
    const [address] = await owner`select id::text from change_requests
                                  where party_id = ${supplier.partyId} and kind = 'address'`;
    const [document] = await owner`select id::text from document_versions where party_id = ${supplier.partyId}`;
    const [bank] = await owner`select id::text from approval_requests where party_id = ${supplier.partyId}`;
    const [party] = await owner`select name from parties where id = ${supplier.partyId}`;
    const supplierName = String(party?.name);

    // What the server writes stays as it comes (docs/i18n.md): role names and a refused decision's message;
    // document type names are data. A request's title and why one cannot decide are worded (checked below).
    const walk = germanWalk({
      keys: [...KEYS, ...Object.keys(enForms)],
      english: [
        'Approvals',
        'Waiting for me',
        'All requests',
        'Your decision',
        'Level',
        'Trail',
        'Approve',
        'Reject',
        'Request changes',
        'The change',
        'The rule that applies',
        'Requested',
        'Submitted',
        'Approval policies',
        'Approver limits',
        'Add level',
        'Add policy',
        'Discard',
        'Set limit',
        'Deciding roles',
        'Approvals required',
        'Escalate to',
        'Bank-detail change',
        'Credit-limit change',
        'Credit note',
        'Proposed',
        'On record',
        'Accept',
        'Note from the supplier',
        'Back to',
        'Download',
        'Start review',
        'Document type',
        'All versions',
        'Purchase order',
        'Lines changed',
        'Round',
        'Sent',
        'Accept the changes',
        'Reject the changes',
        'Address',
        'change',
        'Loading',
        'New bank details for',
        'permission to decide',
      ],
      serverWritten: ['.server-text'],
    });
    const page = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    step('the approvals inbox');
    await signIn(page, s.srv.origin, approver.email, approver.password);

    await page.goto(`${s.srv.origin}/approvals`);
    await page.waitForSelector('[data-testid="approval-row"][data-type="bank-details-change"]');
    const inbox = await walk(page, 'approvals: inbox');
    expect(await page.textContent('h1')).toBe('Freigaben');
    expect(inbox.text).toContain('Wartet auf mich');
    expect(await page.textContent('[data-testid="approval-level"]')).toBe('1 von 2');

    step('a request');
    await page.click('[data-testid="approval-link"]');
    await page.waitForSelector('[data-testid="approval-trail"]');
    const request = await walk(page, 'approvals: a request');
    expect(request.text).toContain('Die geltende Regel');
    expect(request.text).toContain('Änderung der Bankverbindung');
    // The stored English title, worded from the request's type and party.
    expect(await page.textContent('#approval-title')).toContain(`Neue Bankverbindung für ${supplierName}`);
    expect(request.times).toBeGreaterThan(0);
    step('the approve dialog');
    await page.click('[data-testid="approval-approve"]');
    await page.waitForSelector('[data-testid="approval-approve-dialog"][open]');
    const dialog = await walk(page, 'approvals: the approve dialog');
    expect(dialog.text).toContain('Ihre Genehmigung zählt für die aktuelle Stufe.');
    await page.click('[data-testid="approval-approve-dialog"] button:has-text("Abbrechen")');
    await page.waitForSelector('[data-testid="approval-approve-dialog"]', { state: 'detached' });
    expect(await page.getAttribute('[data-testid="approval-status"]', 'class')).toContain('badge-pending');
    await page.close();

    // A system admin's approval policies: a new currency's policy opens in the editor and is discarded.
    step('the approval policies');
    const admin = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await signIn(admin, s.srv.origin, sysAdmin.email, sysAdmin.password);
    await admin.goto(`${s.srv.origin}/approvals/policies`);
    await admin.waitForSelector('[data-testid="approver-limits"]');
    const policies = await walk(admin, 'approvals: policies');
    expect(await admin.textContent('h1')).toBe('Freigaberegeln');
    expect(policies.text).toContain('Freigabelimits');
    const editors = await admin.locator('[data-testid="approval-policy"]').count();
    step('a new policy in the editor');
    await admin.fill('#add-currency-code', 'USD');
    await admin.click('[data-testid="add-currency-submit"]');
    await admin.waitForSelector('[data-testid="approval-policy"][data-policy$=":USD"]');
    const editor = await walk(admin, 'approvals: a new policy');
    expect(editor.text).toContain('Neue Richtlinie, noch nicht gespeichert');
    // The new level starts at zero, written the German way.
    expect(await admin.inputValue('[data-policy$=":USD"] [data-testid="level-from"]')).toBe('0,00');
    // Amounts are read the German way: 10.000,00 ends level 1, and level 2 starts there with no problem.
    await admin.fill('[data-policy$=":USD"] [data-testid="level-to"]', '10.000,00');
    await admin.click('[data-policy$=":USD"] [data-testid="level-add"]');
    await admin.waitForSelector('[data-policy$=":USD"] [data-testid="approval-level-row"][data-level="2"]');
    expect(await admin.inputValue('[data-policy$=":USD"] [data-level="2"] [data-testid="level-from"]')).toBe(
      '10.000,00',
    );
    expect(await admin.locator('[data-policy$=":USD"] [data-testid="policy-problem"]').count()).toBe(0);
    expect(await admin.isEnabled('[data-policy$=":USD"] [data-testid="policy-save"]')).toBe(true);
    await admin.click('[data-policy$=":USD"] [data-testid="policy-discard"]');
    await admin.waitForSelector('[data-testid="approval-policy"][data-policy$=":USD"]', { state: 'detached' });
    expect(await admin.locator('[data-testid="approval-policy"]').count()).toBe(editors);
    await admin.close();

    // The operator: a request's page (read, not decide: why not, in German), a change request's and a
    // document's page, the PO confirmations tab and the PO's round.
    step('a request the operator cannot decide');
    const op = await newPage(s, { locale: 'de-DE', timeZone: 'Europe/Berlin' });
    await signIn(op, s.srv.origin, operator.email, operator.password);
    await op.goto(`${s.srv.origin}/approvals/${bank?.id}`);
    await op.waitForSelector('[data-testid="approval-why-not"]');
    await walk(op, 'approvals: a request the operator cannot decide');
    expect(await op.textContent('[data-testid="approval-why-not"]')).toBe(
      'Sie haben keine Berechtigung, über Freigaben zu entscheiden.',
    );

    step('a change request');
    await op.goto(`${s.srv.origin}/work-queue/change-requests/${address?.id}`);
    await op.waitForSelector('[data-testid="comparison"]');
    const change = await walk(op, 'work queue: a change request');
    expect(await op.textContent('h1')).toBe('Änderungsantrag: Anschrift');
    expect(change.text).toContain('Hinterlegt und vorgeschlagen');

    step('a document');
    await op.goto(`${s.srv.origin}/work-queue/documents/${document?.id}`);
    await op.waitForSelector('[data-testid="queue-document-summary"]');
    const doc = await walk(op, 'work queue: a document');
    expect(doc.text).toContain('Prüfung beginnen');
    expect(doc.text).toContain('Format und Größe');

    step('the PO confirmations tab');
    await op.goto(`${s.srv.origin}/work-queue?tab=confirmations`);
    await op.waitForSelector('[data-testid="confirmations-queue-row"]');
    const confirmations = await walk(op, 'work queue: PO confirmations');
    expect(confirmations.text).toContain('Bestellbestätigungen mit Änderungen, älteste zuerst');
    expect(confirmations.times).toBeGreaterThan(0);
    step('a round with changes');
    await op.click('[data-testid="confirmations-queue-row"] th a');
    await op.waitForSelector('[data-testid="po-round-accept"]');
    const round = await walk(op, 'purchase order: a round with changes');
    expect(await op.textContent('[data-testid="po-round-accept"]')).toBe('Änderungen annehmen');
    // A no-break space before the sign.
    expect(round.text).toMatch(/1\.234,56\s€/);
    expect(s.problems).toEqual([]);
    await op.close();
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
