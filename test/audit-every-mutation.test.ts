import { AUDIT_ACTIONS, type AuditAction } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import type { ProcedureMeta } from '@gatehouse/server/testing';
import { appRouter } from '@gatehouse/server/testing';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { AnyProcedure } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, lastRequestIdOf, SYSTEM, signedInMe, useTestServer } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * Every mutating procedure writes exactly one audit entry with the action it declares (`meta.audit`),
 * found by the request id of the call; a few also write named companion entries (completing a sign-in
 * also records the session; closing a review records each suspension). The test walks the router: a
 * new mutation without a declared action, or without a successful call below, fails it.
 */
const t = useTestServer();

const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
  .filter(([, p]) => p._def.type === 'mutation')
  .map(([path, p]) => ({ path, audit: (p._def.meta as ProcedureMeta | undefined)?.audit }));

const covered = new Set<string>();
type Client = ReturnType<typeof client>;

/** Runs one successful call and checks the entries written under its request id. */
async function audited<T>(path: string, c: Client, call: Promise<T>, companions: AuditAction[] = []): Promise<T> {
  const result = await call;
  const requestId = lastRequestIdOf(c);
  const rows = await t.owner`select action from audit_events where request_id = ${requestId}`;
  const declared = mutations.find((m) => m.path === path)?.audit;
  expect(declared, `${path} declares no audit action`).toBeDefined();
  const actions = rows.map((r) => String(r.action));
  expect(
    actions.filter((a) => a === declared),
    `${path}: ${actions.join(', ')}`,
  ).toHaveLength(1);
  expect(
    actions.filter((a) => a !== declared && !companions.includes(a as AuditAction)),
    path,
  ).toEqual([]);
  covered.add(path);
  return result;
}

async function mailedToken(to: string, kind: string, marker: string): Promise<string> {
  const [mail] = await t.owner`select body_text from mail_outbox where to_address = ${to} and kind = ${kind}
                               order by created_at desc limit 1`;
  const token = new RegExp(`${marker}#token=(\\S+)`).exec(String(mail?.body_text))?.[1];
  if (!token) throw new Error(`no ${kind} mail to ${to}`);
  return token;
}
const code = (secret: string) =>
  generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(t.srv.clock.now() / 30_000)), 6);
const noPolicy = { sessionIdleMinutes: null, sessionAbsoluteHours: null, ipAllowlist: null };

describe('every mutation writes exactly its audit entry', () => {
  it('declares an audit action from the catalogue on every mutation', () => {
    const undeclared = mutations.filter((m) => !m.audit || !(AUDIT_ACTIONS as readonly string[]).includes(m.audit));
    expect(undeclared.map((m) => m.path)).toEqual([]);
  });

  it('writes it, once, for a successful call of each', async () => {
    const step = steps();
    step('setup and first sign-in');
    // First run: the one-time setup link makes the first system admin.
    const token = /#token=(.+)$/.exec(t.srv.setupLink ?? '')?.[1] ?? '';
    const anon = client(t.srv.origin);
    const admin = { email: 'first-admin@example.test', password: 'granite harbour lantern 42' };
    await audited(
      'setup.complete',
      anon,
      anon.setup.complete.mutate({ token, ...admin, displayName: 'Ada Admin', organisationName: 'Acme Internal' }),
    );
    const sys = client(t.srv.origin);
    await audited('auth.login', sys, sys.auth.login.mutate(admin));

    step('accounts and policies');
    // Accounts and policies.
    const { id: partyId } = await audited(
      'parties.create',
      sys,
      sys.parties.create.mutate({ kind: 'customer', name: 'Walk Customer' }),
    );
    await audited('parties.update', sys, sys.parties.update.mutate({ partyId, erpRef: 'C-1' }));
    await audited(
      'policies.setRole',
      sys,
      sys.policies.setRole.mutate({ roleKey: 'approver', requireTotp: true, ...noPolicy }),
    );
    await audited('policies.setParty', sys, sys.policies.setParty.mutate({ partyId, requireTotp: null, ...noPolicy }));
    await audited(
      'seller.update',
      sys,
      sys.seller.update.mutate({
        legalName: 'Walk Seller GmbH',
        address: 'Hafenstraße 1\n20457 Hamburg',
        taxId: 'DE123456789',
        bankDetails: 'IBAN DE89 3704 0044 0532 0130 00',
        paymentInstructions: 'Quote the invoice number.',
        paymentTerms: '30 days net',
      }),
    );

    step('invitations');
    // Invitations: staff invites a customer admin, who invites a user.
    const cadminEmail = 'walk-admin@customer.test';
    await audited(
      'users.invite',
      sys,
      sys.users.invite.mutate({ email: cadminEmail, displayName: 'Cara Admin', roles: ['customer-admin'], partyId }),
    );
    const ca = client(t.srv.origin);
    const cadmin = { email: cadminEmail, password: 'velvet orchard compass 17' };
    await audited(
      'auth.acceptInvitation',
      ca,
      ca.auth.acceptInvitation.mutate({
        token: await mailedToken(cadminEmail, 'invitation', 'accept-invitation'),
        password: cadmin.password,
      }),
      ['auth.login_succeeded'],
    );
    const userEmail = 'walk-user@customer.test';
    const invited = await ca.users.invite.mutate({
      email: userEmail,
      displayName: 'Uma User',
      roles: ['customer-user'],
    });
    await audited('invitations.resend', ca, ca.invitations.resend.mutate({ userId: invited.userId }));
    const revokable = await ca.users.invite.mutate({
      email: 'walk-revoked@customer.test',
      displayName: 'Rex Revoked',
      roles: ['customer-user'],
    });
    await audited('invitations.revoke', ca, ca.invitations.revoke.mutate({ userId: revokable.userId }));
    const u = client(t.srv.origin);
    let userPassword = 'meadow lantern pebble 93';
    const me = signedInMe(
      await u.auth.acceptInvitation.mutate({
        token: await mailedToken(userEmail, 'invitation', 'accept-invitation'),
        password: userPassword,
      }),
    );
    const userId = me.user.id;

    step('the customer admin administers the user');
    // The customer admin administers the user.
    await audited(
      'users.setRoles',
      ca,
      ca.users.setRoles.mutate({ userId, roles: ['customer-user', 'customer-admin'] }),
    );
    await audited('users.deactivate', ca, ca.users.deactivate.mutate({ userId }));
    await audited('users.reactivate', ca, ca.users.reactivate.mutate({ userId }));
    await u.auth.login.mutate({ email: userEmail, password: userPassword });
    await audited('users.signOutEverywhere', ca, ca.users.signOutEverywhere.mutate({ userId }));

    step("the user's own security");
    // The user's own security.
    await u.auth.login.mutate({ email: userEmail, password: userPassword });
    const newPassword = 'cobalt meadow tractor 58';
    await audited(
      'auth.changePassword',
      u,
      u.auth.changePassword.mutate({ currentPassword: userPassword, newPassword }),
    );
    userPassword = newPassword;
    await audited('auth.reauthenticate', u, u.auth.reauthenticate.mutate({ password: userPassword }));
    await audited('auth.setPreferences', u, u.auth.setPreferences.mutate({ locale: 'de', timeZone: 'Europe/Berlin' }));
    await client(t.srv.origin).auth.login.mutate({ email: userEmail, password: userPassword });
    await audited('auth.sessions.revoke', u, u.auth.sessions.revoke.mutate({ allOthers: true }));
    const { secret } = await audited(
      'auth.twoFactor.beginTotp',
      u,
      u.auth.twoFactor.beginTotp.mutate({ password: userPassword }),
    );
    await audited('auth.twoFactor.confirmTotp', u, u.auth.twoFactor.confirmTotp.mutate({ code: code(secret) }));
    t.srv.clock.advance(30_000);
    await audited(
      'auth.twoFactor.regenerateRecoveryCodes',
      u,
      u.auth.twoFactor.regenerateRecoveryCodes.mutate({ password: userPassword }),
    );
    await audited('auth.logout', u, u.auth.logout.mutate());
    const login = await u.auth.login.mutate({ email: userEmail, password: userPassword });
    if (login.status !== 'second-factor') throw new Error('expected a second-factor step');
    await audited(
      'auth.verifySecondFactor',
      u,
      u.auth.verifySecondFactor.mutate({ challenge: login.challenge, code: code(secret) }),
      ['auth.login_succeeded'],
    );

    step('admin help for a stuck user');
    // Admin help for a stuck user.
    await audited('users.resetTwoFactor', ca, ca.users.resetTwoFactor.mutate({ userId }));
    await audited('users.unlock', ca, ca.users.unlock.mutate({ userId }));
    await audited('auth.requestPasswordReset', anon, anon.auth.requestPasswordReset.mutate({ email: userEmail }));
    await audited(
      'auth.resetPassword',
      anon,
      anon.auth.resetPassword.mutate({
        token: await mailedToken(userEmail, 'password-reset', 'reset-password'),
        newPassword: 'saffron kettle ladder 31',
      }),
    );

    step('roles, reviews, exports, alerts');
    // Roles, reviews, exports, alerts.
    await audited(
      'roles.create',
      sys,
      sys.roles.create.mutate({
        key: 'walk-viewer',
        name: 'Walk viewer',
        partyKind: 'customer',
        delegable: true,
        permissions: ['orders:read'],
      }),
    );
    await audited('roles.update', sys, sys.roles.update.mutate({ key: 'walk-viewer', name: 'Walk viewer (read)' }));
    await audited('roles.delete', sys, sys.roles.delete.mutate({ key: 'walk-viewer' }));
    const deadline = new Date(t.srv.clock.now() + 7 * 86_400_000).toISOString();
    const review = await audited(
      'accessReviews.start',
      sys,
      sys.accessReviews.start.mutate({ name: 'Walk review', deadline, partyIds: [partyId] }),
    );
    const items = await ca.accessReviews.items.query({ reviewId: review.id });
    const item = items.items.find((i) => i.userId === userId);
    await audited(
      'accessReviews.decide',
      ca,
      ca.accessReviews.decide.mutate({ itemId: item?.id ?? '', decision: 'keep' }),
    );
    await audited('accessReviews.export', sys, sys.accessReviews.export.mutate({ reviewId: review.id }));
    await audited('accessReviews.close', sys, sys.accessReviews.close.mutate({ reviewId: review.id }), [
      'user.suspended_unattested',
    ]);
    const auditor = client(t.srv.origin);
    await auditor.auth.login.mutate(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    await audited('audit.export', auditor, auditor.audit.export.mutate({ action: 'auth.login_succeeded' }));
    await sys.policies.setRole.mutate({ roleKey: 'approver', requireTotp: false, ...noPolicy }); // weakened: an alert
    const [alert] = (await sys.alerts.list.query({})).items;
    await audited('alerts.acknowledge', sys, sys.alerts.acknowledge.mutate({ id: alert?.id ?? '' }));

    step('integration keys');
    // Integration keys: minted (with its integration, the first time), rotated, revoked.
    const key = await audited(
      'integrations.createKey',
      sys,
      sys.integrations.createKey.mutate({
        integrationName: 'Walk ERP',
        scopes: ['events:read'],
        ipAllowlist: ['192.0.2.0/24'],
        expiresInDays: 30,
      }),
      ['integration.created'],
    );
    const rotated = await audited(
      'integrations.rotateKey',
      sys,
      sys.integrations.rotateKey.mutate({ keyId: key.keyId, expiresInDays: 30, overlapDays: 1 }),
    );
    await audited('integrations.revokeKey', sys, sys.integrations.revokeKey.mutate({ keyId: rotated.keyId }));
    const walkErp = (await sys.integrations.keys.query()).integrations.find((i) => i.name === 'Walk ERP');
    await audited(
      'integrations.setSuspendInactive',
      sys,
      sys.integrations.setSuspendInactive.mutate({ integrationId: walkErp?.id ?? '', suspendInactive: false }),
    );

    step('webhook endpoints');
    // Webhook endpoints: created (secret shown once), rotated, disabled, enabled, replayed.
    const hook = await audited(
      'webhooks.create',
      sys,
      sys.webhooks.create.mutate({ url: 'https://erp.walk.invalid/hook', eventTypes: ['credit_note.approved'] }),
    );
    await audited(
      'webhooks.rotateSecret',
      sys,
      sys.webhooks.rotateSecret.mutate({ endpointId: hook.endpointId, overlapHours: 1 }),
    );
    await audited('webhooks.disable', sys, sys.webhooks.disable.mutate({ endpointId: hook.endpointId }));
    await audited('webhooks.enable', sys, sys.webhooks.enable.mutate({ endpointId: hook.endpointId }));
    await audited(
      'webhooks.replay',
      sys,
      sys.webhooks.replay.mutate({ by: 'range', endpointId: hook.endpointId, fromCursor: '1', toCursor: '10' }),
    );

    step('the Kinetic connection');
    // The Kinetic connection: saved (secrets sealed), tested (here: the name does not resolve), a stream changed.
    await audited(
      'kinetic.save',
      sys,
      sys.kinetic.save.mutate({
        baseUrl: 'https://kinetic.walk.invalid',
        instance: 'KineticLive',
        company: 'EPIC06',
        authMode: 'basic',
        username: 'svc-gatehouse',
        apiKey: 'walk-key',
        password: 'walk-password',
      }),
    );
    await audited('kinetic.test', sys, sys.kinetic.test.mutate());
    await audited(
      'kinetic.setStream',
      sys,
      sys.kinetic.setStream.mutate({ stream: 'invoices', enabled: false, mode: 'bo', pollSeconds: 120 }),
    );
    await audited(
      'kinetic.setWriteback',
      sys,
      sys.kinetic.setWriteback.mutate({ mode: 'ud', confirmTimeoutHours: 12 }),
    );

    step('the supplier side');
    // The supplier side: a PO acknowledged and flagged, a document reviewed, change requests.
    const sup = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-admin']);
    const sc = client(t.srv.origin);
    await sc.auth.login.mutate(sup);
    const [po] = await t.owner`insert into purchase_orders (party_id, number, status, order_date, currency, total_minor)
                               values (${sup.partyId}, 'PO-WALK', 'open', current_date, 'EUR', 100) returning id`;
    const promised = new Date(t.srv.clock.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await audited('purchaseOrders.pdf', sc, sc.purchaseOrders.pdf.mutate({ id: po?.id }));
    step("the customer side's documents and statement");
    // The customer side's printed documents and its statement.
    const cust = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, cust.partyId, 6, 'EUR'));
    const cc = client(t.srv.origin);
    await cc.auth.login.mutate(cust);
    const [doc] = await t.owner`select i.id as invoice, i.order_id as order, s.id as shipment
                                  from invoices i join shipments s on s.order_id = i.order_id
                                 where i.party_id = ${cust.partyId} limit 1`;
    await audited('invoices.pdf', cc, cc.invoices.pdf.mutate({ id: doc?.invoice }));
    await audited('orders.pdf', cc, cc.orders.pdf.mutate({ id: doc?.order }));
    await audited('shipments.pdf', cc, cc.shipments.pdf.mutate({ id: doc?.shipment }));
    await audited(
      'statements.download',
      cc,
      cc.statements.download.mutate({ from: '2020-01-01', to: promised, format: 'pdf' }),
    );
    await audited(
      'purchaseOrders.flagProblem',
      sc,
      sc.purchaseOrders.flagProblem.mutate({ id: po?.id, note: 'Late.' }),
    );
    await audited(
      'purchaseOrders.acknowledge',
      sc,
      sc.purchaseOrders.acknowledge.mutate({ id: po?.id, promisedDate: promised }),
    );
    const [type] = await t.owner`select id from document_types where key = 'tax-form'`;
    const [version] =
      await t.owner`insert into document_versions (party_id, type_id, version_no, file_name, content_type,
                                      size_bytes, sha256, status, uploaded_by)
                                    values (${sup.partyId}, ${type?.id}, 1, 'w9.pdf', 'application/pdf', 10,
                                            ${'0'.repeat(64)}, 'submitted', ${sup.userId}) returning id`;
    const op = client(t.srv.origin);
    await op.auth.login.mutate(await createPartyWithUser(t.srv.db, 'internal', ['operator']));
    await audited('documents.startReview', op, op.documents.startReview.mutate({ versionId: version?.id }));
    await audited('documents.decide', op, op.documents.decide.mutate({ versionId: version?.id, decision: 'approve' }));
    step('confirmations, ship notices, supplier invoices');
    // Per-line confirmations, ship notices and supplier invoices (issue 19).
    const [po2] =
      await t.owner`insert into purchase_orders (party_id, number, status, order_date, requested_date, currency, total_minor)
                                values (${sup.partyId}, 'PO-WALK-2', 'open', current_date, ${promised}, 'EUR', 1000) returning id`;
    await t.owner`insert into purchase_order_lines (party_id, purchase_order_id, line_no, sku, description, quantity,
                                                    unit_price_minor, unit_price, amount_minor)
                  values (${sup.partyId}, ${po2?.id}, 1, 'W-1', 'Walk part', 10, 100, 1, 1000)`;
    const round = await audited(
      'purchaseOrders.confirm',
      sc,
      sc.purchaseOrders.confirm.mutate({
        id: po2?.id,
        lines: [{ lineNo: 1, decision: 'change', schedules: [{ quantity: '8', date: promised }], reason: 'Short.' }],
      }),
    );
    await audited(
      'purchaseOrders.decideConfirmation',
      op,
      op.purchaseOrders.decideConfirmation.mutate({ id: round.id, decision: 'accept' }),
    );
    step('PO message threads');
    // PO message threads: the supplier writes (the problem flagged above opened it), staff read, answer, resolve.
    await audited(
      'poThreads.post',
      sc,
      sc.poThreads.post.mutate({ purchaseOrderId: po?.id, message: 'Half ships Friday.' }),
    );
    await audited('poThreads.markRead', op, op.poThreads.markRead.mutate({ purchaseOrderId: po?.id }));
    await audited('poThreads.reply', op, op.poThreads.reply.mutate({ purchaseOrderId: po?.id, message: 'Fine.' }));
    const walkThread = await op.poThreads.get.query({ purchaseOrderId: po?.id });
    await audited(
      'poThreads.resolve',
      op,
      op.poThreads.resolve.mutate({
        purchaseOrderId: po?.id,
        version: walkThread?.version ?? 0,
        resolution: 'Agreed.',
      }),
    );
    step('notifications');
    // Notifications: the supplier was told of the answers above; it reads one, then all, and picks a digest.
    const mine = await sc.notifications.list.query({});
    await audited(
      'notifications.markRead',
      sc,
      sc.notifications.markRead.mutate({ ids: [mine.items[0]?.id ?? crypto.randomUUID()] }),
    );
    await audited('notifications.markAllRead', sc, sc.notifications.markAllRead.mutate());
    await audited(
      'notifications.setPreference',
      sc,
      sc.notifications.setPreference.mutate({ type: 'po.thread_message', mode: 'digest' }),
    );
    const notice = { carrier: 'DHL', trackingRef: 'W1', shipDate: promised, packages: 1 };
    const asn = await audited(
      'shipNotices.create',
      sc,
      sc.shipNotices.create.mutate({ ...notice, lines: [{ purchaseOrderId: po2?.id, lineNo: 1, quantity: '2' }] }),
    );
    await audited('shipNotices.cancel', sc, sc.shipNotices.cancel.mutate({ id: asn.id, reason: 'Wrong truck.' }));
    await audited(
      'supplierInvoices.submit',
      sc,
      sc.supplierInvoices.submit.mutate({
        purchaseOrderId: po2?.id,
        number: 'WALK-INV-1',
        invoiceDate: new Date(t.srv.clock.now()).toISOString().slice(0, 10),
        lines: [{ lineNo: 1, quantity: '1', unitPrice: '1.00' }],
      }),
    );
    const address = { street: 'Kai 1', postalCode: '20457', city: 'Hamburg', country: 'DE' };
    const first = await audited(
      'changeRequests.create',
      sc,
      sc.changeRequests.create.mutate({ kind: 'address', address }),
    );
    await audited('changeRequests.withdraw', sc, sc.changeRequests.withdraw.mutate({ id: first.id }));
    const second = await sc.changeRequests.create.mutate({ kind: 'address', address });
    await audited(
      'changeRequests.decide',
      op,
      op.changeRequests.decide.mutate({ id: second.id, version: 1, decision: 'accept' }),
    );

    step('approvals');
    // Approvals: policy and limits (system admin), a credit note (operator), decisions (approver).
    const ap = client(t.srv.origin);
    const apUser = await createPartyWithUser(t.srv.db, 'internal', ['approver']);
    await ap.auth.login.mutate(apUser);
    await audited(
      'approvalPolicies.setLimit',
      sys,
      sys.approvalPolicies.setLimit.mutate({ userId: apUser.userId, currency: 'EUR', maxMinor: '100000000' }),
    );
    const oneLevel = [{ minMinor: null, maxMinor: null, roles: ['approver'], approvalsRequired: 1, escalateTo: [] }];
    await audited(
      'approvalPolicies.set',
      sys,
      sys.approvalPolicies.set.mutate({ type: 'bank-details-change', currency: null, levels: oneLevel }),
    );
    const note = { type: 'credit-note' as const, partyId, currency: 'EUR', amountMinor: '5000', reason: 'Damaged.' };
    const cn = await audited('approvals.submit', op, op.approvals.submit.mutate(note));
    await ap.approvals.decide.mutate({ id: cn.id, version: 1, decision: 'request-changes', reason: 'Less.' });
    await audited(
      'approvals.resubmit',
      op,
      op.approvals.resubmit.mutate({ id: cn.id, version: 2, amountMinor: '4000' }),
    );
    await audited('approvals.decide', ap, ap.approvals.decide.mutate({ id: cn.id, version: 3, decision: 'approve' }), [
      'approval.applied',
    ]);
    const cn2 = await op.approvals.submit.mutate(note);
    await audited('approvals.withdraw', op, op.approvals.withdraw.mutate({ id: cn2.id }));
    const bank = await audited(
      'changeRequests.create',
      sc,
      sc.changeRequests.create.mutate({
        kind: 'bank-details',
        bankDetails: { accountHolder: 'Walk', iban: 'DE89370400440532013000' },
      }),
      ['approval.submitted'],
    );
    const bankApproval = (await sc.changeRequests.list.query({})).items.find((r) => r.id === bank.id)?.approvalId ?? '';
    await ap.approvals.decide.mutate({ id: bankApproval, version: 1, decision: 'request-changes', reason: 'Name.' });
    await audited(
      'changeRequests.resubmit',
      sc,
      sc.changeRequests.resubmit.mutate({
        id: bank.id,
        bankDetails: { accountHolder: 'Walk GmbH', iban: 'DE89370400440532013000' },
      }),
    );

    step('accounts payable');
    // Accounts payable: an invoice query (raised, added to, answered, closed) and a remittance advice.
    const ap2 = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const cu = client(t.srv.origin);
    await cu.auth.login.mutate(ap2);
    const [inv] =
      await t.owner`insert into invoices (party_id, number, status, issue_date, due_date, currency, total_minor, open_minor)
                                values (${ap2.partyId}, 'WALK-1', 'open', '2026-01-01', '2026-02-01', 'EUR', 5000, 5000) returning id`;
    const query = await audited(
      'invoiceQueries.raise',
      cu,
      cu.invoiceQueries.raise.mutate({ invoiceId: String(inv?.id), reason: 'price', message: 'Too dear.' }),
    );
    await audited(
      'invoiceQueries.comment',
      cu,
      cu.invoiceQueries.comment.mutate({ id: query.id, message: 'See quote.' }),
    );
    await audited('invoiceQueries.reply', op, op.invoiceQueries.reply.mutate({ id: query.id, message: 'Checking.' }));
    await audited(
      'invoiceQueries.close',
      op,
      op.invoiceQueries.close.mutate({ id: query.id, version: 3, outcome: 'resolved', reason: 'Credit follows.' }),
    );
    await audited(
      'remittances.create',
      cu,
      cu.remittances.create.mutate({
        reference: 'WALK-PAY',
        paymentDate: '2026-03-01',
        currency: 'EUR',
        totalMinor: '5000',
        allocations: [{ invoiceId: String(inv?.id), amountMinor: '5000' }],
      }),
    );

    step('every mutation covered');
    expect(mutations.map((m) => m.path).filter((p) => !covered.has(p))).toEqual([]);
  }, 90_000);
});
